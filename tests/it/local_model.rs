//! The coach against a real local model (issue 17 point 4). `scripts/local-model.sh`
//! builds llama.cpp's `llama-server`, starts it on loopback with SmolLM2-135M-Instruct
//! and runs the two `live_*` tests below against it (`LOCAL_MODEL_URL`), then
//! `interview-coach eval --repeat 2` on a few golden transcripts. Each live test starts
//! the real binary, coached through the OpenAI-compatible client, and plays a whole
//! interview: on the web over the page's WebSocket protocol, on Slack against the
//! project's loopback fake of the Web API. What they prove: every structured turn
//! (the analysis, the summary) validated (no `CoachFailed` in the log), no score is
//! invented (every score and band shown is the one the log recorded from the model),
//! and every reply fits its platform (Slack's Block Kit limits, the web's frame
//! contract).
//!
//! `the_local_model_script_*` runs the script itself when `LOCAL_MODEL=1`; without it
//! (and without `LOCAL_MODEL_URL` for the live tests) every test here returns at once,
//! so `.ci/run` is not slowed. They must never be given a model on a remote host.

use crate::slack_common::{self, FakeSlack, OMAR, SECRET};
use crate::web_common::WsClient;
use crate::web_restart::{Server, free_port, wait_healthy};
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one coach turn of the local model may take on a loaded 2-core machine.
const TURN: Duration = Duration::from_secs(300);

const APPROACH: &str = "I will walk the array once and keep a hash map from each value to \
its index. For each number I look up target minus the number in the map; if it is there I \
return both indices, otherwise I store the number. That is O(n) time and O(n) space.";
const CODE: &str = "def two_sum(nums, target):\n    seen = {}\n    for j, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], j]\n        seen[x] = j\n    return []\n";
const ANSWER: &str = "Duplicates work because I check the map before storing the current \
value, so [3, 3] with target 6 returns [0, 1]. An empty list returns [].";

/// The local model's OpenAI-compatible URL and model name, when a live test should run.
fn local_model() -> Option<(String, String)> {
    let url = std::env::var("LOCAL_MODEL_URL").ok()?;
    let host = url::Url::parse(&url).ok()?.host_str()?.to_string();
    assert!(
        host == "127.0.0.1" || host == "localhost" || host == "[::1]",
        "LOCAL_MODEL_URL must be on loopback, got {url}"
    );
    let model = std::env::var("LOCAL_MODEL_NAME").unwrap_or_else(|_| "local".into());
    Some((url, model))
}

/// The binary on a free port with its own SQLite log, coached by the local model.
fn start_binary(
    dir: &std::path::Path,
    url: &str,
    model: &str,
    extra: &[(&str, &str)],
) -> (Server, u16) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    command
        .current_dir(dir)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", format!("sqlite://{}/log.db", dir.display()))
        .env("OPENAI_BASE_URL", url)
        .env("OPENAI_MODEL", model)
        .env("COACH_COOLDOWN_SECONDS", "0")
        .env("COACH_TURN_DEADLINE_SECONDS", TURN.as_secs().to_string())
        .env("COACH_REQUEST_TIMEOUT_SECONDS", TURN.as_secs().to_string())
        .env("COACH_IDLE_TIMEOUT_SECONDS", TURN.as_secs().to_string())
        .env("WEB_DIST_DIR", "/nonexistent")
        .env("RUST_LOG", "warn")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("WEB_ACCESS_TOKEN")
        .env_remove("DISCORD_TOKEN")
        .env_remove("SLACK_BOT_TOKEN")
        .env_remove("SLACK_APP_TOKEN")
        .env_remove("SLACK_SIGNING_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in extra {
        command.env(k, v);
    }
    (Server(command.spawn().expect("the binary starts")), port)
}

/// Poll `f` until it gives a value or `within` has passed.
async fn poll<T, F, Fut>(what: &str, within: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The interview's transcript entries from the binary's read door.
async fn entries(port: u16, interview_id: &str) -> Vec<Value> {
    let url = format!("http://127.0.0.1:{port}/api/interviews/{interview_id}");
    let body: Value = reqwest::get(&url)
        .await
        .expect("the transcript API answers")
        .json()
        .await
        .expect("JSON");
    body["entries"].as_array().cloned().unwrap_or_default()
}

fn of_type<'a>(entries: &'a [Value], ty: &str) -> Vec<&'a Value> {
    entries.iter().filter(|e| e["type"] == ty).collect()
}

/// The four bands of a rubric object, in the rubric's order.
fn bands(rubric: &Value) -> Vec<u64> {
    [
        "communication",
        "problem_solving",
        "technical_competency",
        "testing",
    ]
    .iter()
    .map(|d| rubric[d]["score"].as_u64().unwrap_or(0))
    .collect()
}

/// What every interview must show in its log: one validated analysis and one summary,
/// no failed turn, the analysis's score and bands within their scales.
fn check_log(platform: &str, entries: &[Value]) -> (u64, Vec<u64>, Vec<u64>) {
    let failed: Vec<_> = of_type(entries, "coach_failed");
    assert!(
        failed.is_empty(),
        "{platform}: a coach turn failed: {failed:?}"
    );
    let analyses = of_type(entries, "code_analyzed");
    let summaries = of_type(entries, "summary_written");
    assert_eq!(analyses.len(), 1, "{platform}: one analysis: {entries:?}");
    assert_eq!(summaries.len(), 1, "{platform}: one summary: {entries:?}");
    let analysis = &analyses[0]["analysis"];
    let score = analysis["score"].as_u64().expect("a score");
    assert!((1..=10).contains(&score), "{platform}: score {score}");
    let analysis_bands = bands(&analysis["rubric"]);
    let summary_bands = bands(&summaries[0]["summary"]["rubric"]);
    for b in analysis_bands.iter().chain(&summary_bands) {
        assert!((1..=4).contains(b), "{platform}: band {b}");
    }
    let replies = of_type(entries, "coach_replied");
    assert!(
        replies.len() >= 3,
        "{platform}: hint, approach, answer: {replies:?}"
    );
    for r in &replies {
        let text = r["text"].as_str().unwrap_or_default();
        assert!(!text.trim().is_empty(), "{platform}: an empty reply");
    }
    (score, analysis_bands, summary_bands)
}

/// One line per coach message for the script's output (clipped).
fn show(platform: &str, what: &str, text: &str) {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clipped: String = one_line.chars().take(240).collect();
    let more = if one_line.chars().count() > 240 {
        " …"
    } else {
        ""
    };
    println!("[{platform}] {what}: {clipped}{more}");
}

/// Read frames until one of type `ty`; a `coach_status` `failed` ends the interview.
async fn frames_until(c: &mut WsClient, ty: &str) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = c
            .next_within(TURN)
            .await
            .unwrap_or_else(|| panic!("no {ty} within {TURN:?}; got {frames:?}"));
        let done = frame["type"] == ty;
        if frame["type"] == "coach_status" && frame["state"] == "failed" {
            panic!("the coach failed while waiting for {ty}: {frame}");
        }
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_web_interview_runs_whole_against_the_local_model() {
    let Some((url, model)) = local_model() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_server, port) = start_binary(dir.path(), &url, &model, &[]);
    wait_healthy(port).await;
    let mut c = WsClient::connect(&format!("ws://127.0.0.1:{port}/ws")).await;
    assert_eq!(c.next().await.expect("welcome")["type"], "system");
    c.send(json!({"type": "problem_description", "problem_id": "two-sum"}))
        .await;
    let iv = c.expect("interview").await;
    let interview_id = iv["interview_id"].as_str().expect("an id").to_string();

    // Each step: what the candidate sends, and the frame that answers it.
    let steps = [
        ("hint", json!({"type": "hint"}), "ai_response"),
        (
            "approach",
            json!({"type": "explanation", "content": APPROACH}),
            "ai_response",
        ),
        (
            "submission",
            json!({"type": "code_submission", "code": CODE, "language": "python"}),
            "code_analysis",
        ),
        (
            "answer",
            json!({"type": "message", "content": ANSWER}),
            "ai_response",
        ),
        (
            "end",
            json!({"type": "end_session", "content": {}}),
            "session_summary",
        ),
    ];
    let mut answers = Vec::new();
    for (what, frame, answer) in steps {
        println!("[web] candidate: {what}");
        c.send(frame).await;
        let frames = frames_until(&mut c, answer).await;
        let last = frames.last().cloned().expect("the answer");
        if answer == "code_analysis" {
            assert!(
                frames
                    .iter()
                    .any(|f| f["type"] == "test_results" && f["run"]["verdict"] == "passed"),
                "the submission's tests ran before the analysis: {frames:?}"
            );
        }
        answers.push(last);
    }
    let texts: Vec<String> = answers
        .iter()
        .map(|a| match a["type"].as_str() {
            Some("ai_response") => a["message"].as_str().unwrap_or_default().to_string(),
            Some("code_analysis") => a["analysis"].to_string(),
            _ => a["summary"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    for (i, what) in ["hint", "approach feedback", "analysis", "reply", "summary"]
        .iter()
        .enumerate()
    {
        show("web", what, &texts[i]);
    }

    // The seed protocol's contract for each answer.
    for a in answers.iter().filter(|a| a["type"] == "ai_response") {
        let text = a["message"].as_str().expect("message is a string");
        assert!(!text.trim().is_empty(), "an empty reply: {a}");
    }
    let analysis = &answers[2]["analysis"];
    for field in [
        "technical_feedback",
        "complexity_analysis",
        "code_quality",
        "follow_up_question",
    ] {
        assert!(analysis[field].is_string(), "{field} in {analysis}");
    }
    let summary = &answers[4];
    assert!(summary["summary"].is_string() && summary["session_data"]["submissions"] == 1);

    // No invented score: what the page was shown is what the log holds.
    let log = entries(port, &interview_id).await;
    let (score, analysis_bands, summary_bands) = check_log("web", &log);
    assert_eq!(analysis["score"].as_u64(), Some(score), "the score shown");
    assert_eq!(bands(&analysis["rubric"]), analysis_bands);
    assert_eq!(bands(&summary["rubric"]), summary_bands);
    println!(
        "[web] ok: score {score}/10, analysis bands {analysis_bands:?}, summary bands {summary_bands:?}, {} log entries, no failed turn",
        log.len()
    );
}

/// A signed request to the binary's Slack routes, as Slack sends it.
async fn slack_post(port: u16, path: &str, body: String, content_type: &str) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = interview_coach::platforms::slack::signature::sign(SECRET, &ts, body.as_bytes());
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body)
        .send()
        .await
        .expect("the binary answers Slack");
    assert_eq!(res.status(), 200, "{path}");
}

async fn slack_button(port: u16, action: &str, root: &str, action_ts: &str) {
    let payload = slack_common::button(action, OMAR, root, action_ts).to_string();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload)
        .finish();
    slack_post(
        port,
        "/slack/interactions",
        body,
        "application/x-www-form-urlencoded",
    )
    .await;
}

async fn slack_reply(port: u16, n: u32, root: &str, text: &str) {
    let msg = slack_common::thread_message(
        &format!("Ev_local_{n}"),
        OMAR.0,
        root,
        &format!("1700000{n:03}.000001"),
        text,
    );
    slack_post(port, "/slack/events", msg.to_string(), "application/json").await;
}

/// Slack's limits on a posted message: text up to 40,000 characters, at most 50 blocks,
/// a section's text up to 3,000, a field's up to 2,000 and at most 10 fields, a
/// header's plain text up to 150.
fn fits_slack(post: &Value) -> Result<(), String> {
    let text = post["text"].as_str().unwrap_or_default();
    if text.chars().count() > 40_000 || text.trim().is_empty() {
        return Err(format!("text of {} characters", text.chars().count()));
    }
    let Some(blocks) = post["blocks"].as_array() else {
        return Ok(());
    };
    if blocks.len() > 50 {
        return Err(format!("{} blocks", blocks.len()));
    }
    let len = |v: &Value| v["text"].as_str().map_or(0, |t| t.chars().count());
    for b in blocks {
        match b["type"].as_str() {
            Some("header") if len(&b["text"]) > 150 => return Err(format!("header {b}")),
            Some("section") => {
                if len(&b["text"]) > 3000 {
                    return Err(format!("section of {}", len(&b["text"])));
                }
                let fields = b["fields"].as_array().cloned().unwrap_or_default();
                if fields.len() > 10 || fields.iter().any(|f| len(f) > 2000) {
                    return Err(format!("fields {b}"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_slack_interview_runs_whole_against_the_local_model() {
    let Some((url, model)) = local_model() else {
        return;
    };
    let slack = FakeSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let api = slack.api_url();
    let (_server, port) = start_binary(
        dir.path(),
        &url,
        &model,
        &[
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", &api),
        ],
    );
    wait_healthy(port).await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("team_id", slack_common::TEAM)
        .append_pair("channel_id", slack_common::CHANNEL)
        .append_pair("user_id", OMAR.0)
        .append_pair("user_name", OMAR.1)
        .append_pair("command", "/interview")
        .append_pair("text", "start two-sum python 30")
        .append_pair("response_url", "https://hooks.slack.com/commands/x")
        .append_pair("trigger_id", "trigger-local")
        .finish();
    slack_post(
        port,
        "/slack/commands",
        body,
        "application/x-www-form-urlencoded",
    )
    .await;
    let root = poll("the root message", Duration::from_secs(30), || async {
        slack.thread_posts_root().first().and_then(|c| c.ts.clone())
    })
    .await;
    let interview_id: String = poll("the interview row", Duration::from_secs(30), || async {
        let list: Value = reqwest::get(format!(
            "http://127.0.0.1:{port}/api/interviews?platform=slack"
        ))
        .await
        .ok()?
        .json()
        .await
        .ok()?;
        list["interviews"][0]["interview_id"]
            .as_str()
            .map(str::to_string)
    })
    .await;

    // Each step, then the log entry that answers it (a failure ends the test).
    let answered = |ty: &'static str, n: usize| {
        let interview_id = interview_id.clone();
        async move {
            poll(ty, TURN, || {
                let interview_id = interview_id.clone();
                async move {
                    let log = entries(port, &interview_id).await;
                    let failed = of_type(&log, "coach_failed");
                    assert!(failed.is_empty(), "a coach turn failed: {failed:?}");
                    (of_type(&log, ty).len() >= n).then_some(())
                }
            })
            .await
        }
    };
    println!("[slack] candidate: hint");
    slack_button(port, "ic_hint", &root, "1700000100.000001").await;
    answered("coach_replied", 1).await;
    println!("[slack] candidate: approach");
    slack_reply(port, 200, &root, APPROACH).await;
    answered("coach_replied", 2).await;
    println!("[slack] candidate: submission");
    slack_reply(port, 300, &root, &format!("```python\n{CODE}```")).await;
    answered("code_analyzed", 1).await;
    println!("[slack] candidate: answer");
    slack_reply(port, 400, &root, ANSWER).await;
    answered("coach_replied", 3).await;
    println!("[slack] candidate: end");
    slack_button(port, "ic_end", &root, "1700000500.000001").await;
    answered("summary_written", 1).await;

    let log = entries(port, &interview_id).await;
    let (score, analysis_bands, summary_bands) = check_log("slack", &log);
    // Every coach event is posted once the outbox delivers it: three replies, the
    // tests, the review and the summary at least.
    let posts = poll(
        "the summary in the thread",
        Duration::from_secs(60),
        || async {
            let posts = slack.thread_posts(&root);
            posts
                .iter()
                .any(|p| {
                    p.body["text"]
                        .as_str()
                        .is_some_and(|t| t.starts_with("Interview summary"))
                })
                .then_some(posts)
        },
    )
    .await;
    for p in &posts {
        if let Err(why) = fits_slack(&p.body) {
            panic!("a post does not fit Slack ({why}): {}", p.body);
        }
        let text = p.body["text"].as_str().unwrap_or_default();
        show("slack", "posted", text);
    }
    // No invented score: the review's header and the rubric fields are the log's.
    let review = posts
        .iter()
        .find(|p| {
            p.body["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Code review:"))
        })
        .expect("the review in the thread");
    let header = review.body["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(header, format!("Code review: {score}/10"));
    let shown_bands = |post: &Value| -> Vec<u64> {
        post["blocks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b["fields"].as_array())
            .flatten()
            .filter_map(|f| {
                let t = f["text"].as_str()?;
                let (_, rest) = t.split_once(":* ")?;
                rest.split_once("/4")?.0.parse().ok()
            })
            .collect()
    };
    assert_eq!(
        shown_bands(&review.body),
        analysis_bands,
        "the review's bands"
    );
    let summary = posts
        .iter()
        .find(|p| {
            p.body["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Interview summary"))
        })
        .expect("the summary");
    assert_eq!(
        shown_bands(&summary.body),
        summary_bands,
        "the summary's bands"
    );
    let scores_posted = posts
        .iter()
        .filter(|p| {
            p.body["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Code review:"))
        })
        .count();
    assert_eq!(
        scores_posted, 1,
        "one scored review, as the log has one analysis"
    );
    println!(
        "[slack] ok: score {score}/10, analysis bands {analysis_bands:?}, summary bands {summary_bands:?}, {} thread posts within Slack's limits, no failed turn",
        posts.len()
    );
}

/// Runs `scripts/local-model.sh` when `LOCAL_MODEL=1` (minutes; a first run builds
/// llama.cpp, 10-30 minutes on 2 cores). The script runs the two live tests of this
/// binary against the model it starts, then the evaluation.
#[test]
fn the_local_model_script_completes_two_interviews_and_an_eval() {
    if std::env::var("LOCAL_MODEL").as_deref() != Ok("1") || local_model().is_some() {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("bash")
        .arg(root.join("scripts/local-model.sh"))
        .current_dir(root)
        .env("INTERVIEW_COACH_BIN", env!("CARGO_BIN_EXE_interview-coach"))
        .env(
            "LOCAL_MODEL_TEST_BIN",
            std::env::current_exe().expect("this test binary"),
        )
        .env_remove("LOCAL_MODEL")
        .stderr(Stdio::inherit())
        .output()
        .expect("bash runs the script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(output.status.success(), "the script failed: {stdout}");
    assert!(
        stdout.contains("web interview: passed")
            && stdout.contains("slack interview: passed")
            && stdout.contains("eval: every structured turn validated"),
        "{stdout}"
    );
}

/// The same evaluation against the fake Claude (`common::fake_anthropic`, whose every
/// review scores 7), so the script prints the fake's figures beside the model's: run by
/// the script with `LOCAL_MODEL_EVAL_SET` (the set folder) and `LOCAL_MODEL_FAKE_REPORT`
/// (the JSON report to write); the run's exit code is not asserted (a fake with one
/// fixed score misses the expected ranges), the report's existence is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_fake_eval_gives_the_figures_to_compare() {
    let (Ok(set), Ok(out)) = (
        std::env::var("LOCAL_MODEL_EVAL_SET"),
        std::env::var("LOCAL_MODEL_FAKE_REPORT"),
    ) else {
        return;
    };
    let fake = crate::common::fake_anthropic::FakeAnthropic::start().await;
    let repeat = std::env::var("EVAL_REPEAT").unwrap_or_else(|_| "2".into());
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["eval", "--repeat", &repeat, "--set", &set, "--out", &out])
        .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
        .env("ANTHROPIC_BASE_URL", fake.uri())
        .env("SANDBOX", "bwrap")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("the binary runs");
    assert!(
        std::path::Path::new(&out).exists(),
        "no report: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
