//! Issue 14's "done when", proven on each platform: a newcomer starts one interview on
//! the bank's two-sum and runs the bank's own solution in Python, JavaScript, Java and
//! C++ (`problems/solutions/two-sum/`), then a wrong one. Each test drives the real app
//! on port 0 (real SQLite, the real sandbox, bubblewrap on this machine) through the
//! platform's loopback fake, and reads the verdicts where the member reads them: the
//! embed posted in the Discord thread, the Block Kit post in the Slack thread, the
//! `test_results` frame on the web socket. Every correct run says all examples and
//! hidden tests passed; the wrong one shows its first failing case in full.
//!
//! Waits poll a positive condition with a generous deadline (Java and C++ compile in
//! the sandbox on a loaded machine); nothing here asserts on how long a run took.

use crate::common;
use crate::discord_fake;
use crate::slack_common;
use crate::web_common;

use common::fake_anthropic::FakeAnthropic;
use interview_coach::domain::{CaseVerdict, Event, RunOf, StreamId, TestsRun};
use serde_json::{Value, json};
use std::time::Duration;

/// The four languages of the judge, with their file extension.
const LANGUAGES: [(&str, &str); 4] = [
    ("python", "py"),
    ("javascript", "js"),
    ("java", "java"),
    ("cpp", "cpp"),
];

/// Two-sum's cases: 2 examples and 6 hidden tests.
const CASES: &str = "8 of 8 passed";

/// A wrong two-sum (the first pair, always) that prints what it tries.
const WRONG_JS: &str =
    "function twoSum(nums, target) {\n  console.log('trying', target);\n  return [0, 1];\n}\n";

/// How long one run may take to show, compile included, on a busy 2-core machine.
const RUN_WAIT: Duration = Duration::from_secs(180);

/// The bank's reference solution of two-sum in `extension`.
fn solution(extension: &str) -> String {
    let path = format!(
        "{}/problems/solutions/two-sum/solution.{extension}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Polls `ready` until it gives a value, for at most `RUN_WAIT`.
async fn poll<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + RUN_WAIT;
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn logged_runs(events: &[Event]) -> Vec<TestsRun> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::TestsRun(run) => Some(run.clone()),
            _ => None,
        })
        .collect()
}

/// The log's runs: one per language, every case passed in the real sandbox, then the
/// wrong JavaScript.
fn assert_logged(runs: &[TestsRun]) {
    let languages: Vec<&str> = runs.iter().map(|r| r.language.as_str()).collect();
    assert_eq!(
        languages,
        ["python", "javascript", "java", "cpp", "javascript"],
        "one TestsRun per run"
    );
    for run in &runs[..4] {
        assert_eq!(run.verdict, CaseVerdict::Passed, "{run:?}");
        assert_eq!((run.tests.passed(), run.tests.total()), (6, 6), "{run:?}");
        assert!(run.examples.iter().all(|c| c.verdict.ok()), "{run:?}");
        // `namespaces` is the bubblewrap backend's name (`sandbox::Isolation`).
        assert_eq!(run.isolation, "namespaces", "bubblewrap: {run:?}");
        assert!(
            matches!(run.of, RunOf::Adhoc { .. }),
            "a run, not a submission"
        );
    }
    assert_eq!(runs[4].verdict, CaseVerdict::WrongAnswer);
}

mod discord {
    use super::*;
    use discord_fake::*;

    /// The embed of the first post in `thread` whose title starts with `title`.
    fn embed_titled(discord: &FakeDiscord, thread: u64, title: &str) -> Option<Value> {
        discord.calls().into_iter().find_map(|c| {
            let posted =
                c.method == "POST" && c.path == format!("/api/v10/channels/{thread}/messages");
            let embed = &c.body["embeds"][0];
            let titled = embed["title"]
                .as_str()
                .is_some_and(|t| t.starts_with(title));
            (posted && titled).then(|| embed.clone())
        })
    }

    /// The embeds of the test runs posted in `thread`, oldest first.
    fn run_embeds(discord: &FakeDiscord, thread: u64) -> Vec<Value> {
        discord
            .calls()
            .into_iter()
            .filter(|c| {
                c.method == "POST" && c.path == format!("/api/v10/channels/{thread}/messages")
            })
            .map(|c| c.body["embeds"][0].clone())
            .filter(|e| {
                e["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("Test run: "))
            })
            .collect()
    }

    fn field(embed: &Value, prefix: &str) -> String {
        embed["fields"]
            .as_array()
            .and_then(|f| {
                f.iter().find(|f| {
                    f["name"]
                        .as_str()
                        .is_some_and(|name| name.starts_with(prefix))
                })
            })
            .map(|f| {
                format!(
                    "{} | {}",
                    f["name"].as_str().unwrap_or_default(),
                    f["value"].as_str().unwrap_or_default()
                )
            })
            .unwrap_or_else(|| panic!("no field {prefix:?} in {embed}"))
    }

    /// `/run file:<name>` from Maya in `thread`, the file holding `code`.
    fn run_file(discord: &FakeDiscord, id: u64, thread: u64, name: &str, code: &str) {
        let url = discord.file(name, code.as_bytes());
        let attachment = (id + 50_000).to_string();
        let mut run = interaction(
            id,
            thread,
            MAYA,
            "Maya",
            json!({"id": "7", "name": "run", "type": 1,
                   "options": [{"name": "file", "type": 11, "value": attachment}]}),
        );
        run["data"]["resolved"] = json!({"attachments": {attachment.clone(): {
            "id": attachment, "filename": name, "size": code.len(), "url": url,
            "proxy_url": url, "content_type": "text/plain"
        }}});
        discord.dispatch("INTERACTION_CREATE", run);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn newcomer_runs_two_sum_in_four_languages_from_discord_and_sees_the_verdicts() {
        let discord = FakeDiscord::start().await;
        let claude = FakeAnthropic::start().await;
        let db = common::sqlite_db();
        let (engine, _stop) =
            start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
        let thread = crate::discord_run::start(&discord, 1001, (MAYA, "Maya"), "two-sum").await;

        // README, Discord step 4: `/run` with the solution as `file:`, one per language.
        for (i, (language, extension)) in LANGUAGES.iter().enumerate() {
            let id = 1101 + i as u64;
            run_file(
                &discord,
                id,
                thread,
                &format!("solution.{extension}"),
                &solution(extension),
            );
            // The run's embed, whatever its verdict, so a failure shows what was posted.
            let embed = poll(&format!("the {language} run"), || {
                run_embeds(&discord, thread).get(i).cloned()
            })
            .await;
            let title = format!("✅ Test run: {CASES} ({language})");
            assert_eq!(embed["title"], title.as_str(), "{embed}");
            let hidden = field(&embed, "Hidden tests · ");
            assert!(hidden.contains("6 of 6 passed"), "{language}: {hidden}");
            for example in ["Example 1 · ✅ passed", "Example 2 · ✅ passed"] {
                field(&embed, example);
            }
        }

        // A wrong one: the first failing example and hidden test, in full.
        run_file(&discord, 1201, thread, "wrong.js", WRONG_JS);
        let wrong = poll("the wrong run", || {
            embed_titled(&discord, thread, "❌ Test run: ")
        })
        .await;
        let title = wrong["title"].as_str().unwrap_or_default();
        assert_eq!(
            title,
            "❌ Test run: 2 of 8 passed, wrong answer (javascript)"
        );
        let example = field(&wrong, "Example 2 · ❌ wrong answer").replace(' ', "");
        assert!(
            example.contains("input`{\"nums\":[3,2,4],\"target\":6}`")
                && example.contains("expected`[1,2]`")
                && example.contains("got`[0,1]`")
                && example.contains("trying6"),
            "{example}"
        );
        let first = field(&wrong, "First failing hidden test · wrong answer");
        assert!(
            first.contains("expected `") && first.contains("got `"),
            "{first}"
        );

        let stream = StreamId::new(format!("discord:{GUILD}:{thread}"));
        assert_logged(&logged_runs(&events(&engine, &stream).await));
    }
}

mod slack {
    use super::*;
    use slack_common::*;

    /// The thread's run posts, oldest first.
    fn run_posts(slack: &FakeSlack, root: &str) -> Vec<Value> {
        slack
            .thread_posts(root)
            .into_iter()
            .filter(|p| {
                p.body["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Test run"))
            })
            .map(|p| p.body)
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn newcomer_runs_two_sum_in_four_languages_from_slack_and_sees_the_verdicts() {
        let db = common::sqlite_db();
        let slack = FakeSlack::start().await;
        let llm = FakeAnthropic::start().await;
        let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
        app.command(OMAR, "start two-sum python 30", "trigger-start")
            .await;
        wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
        let root = slack.thread_posts_root()[0].ts.clone().expect("ts");

        // README, Slack: a thread reply `run` followed by one fenced block.
        let mut sources: Vec<(&str, String)> = LANGUAGES
            .iter()
            .map(|(language, extension)| (*language, solution(extension)))
            .collect();
        sources.push(("javascript", WRONG_JS.to_string()));
        for (i, (language, code)) in sources.iter().enumerate() {
            let text = format!("run\n```{language}\n{code}```");
            let ts = format!("1700000100.{:06}", i + 1);
            let reply = thread_message(&format!("Ev_nc_{i}"), OMAR.0, &root, &ts, &text);
            assert_eq!(app.event(&reply, None).await.status(), 200);
            let deadline = tokio::time::Instant::now() + RUN_WAIT;
            while run_posts(&slack, &root).len() <= i {
                let told: Vec<Value> = slack
                    .calls("chat.postEphemeral")
                    .into_iter()
                    .map(|c| c.body["text"].clone())
                    .collect();
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no post of the {language} run; told privately: {told:?}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let posts = run_posts(&slack, &root);
        for (post, (language, _)) in posts.iter().zip(LANGUAGES) {
            assert_eq!(post["text"], format!("Test run: {CASES} ({language})"));
            let blocks = post["blocks"].to_string();
            assert!(
                blocks.contains("*Example 1:* ✓ passed")
                    && blocks.contains("*Example 2:* ✓ passed")
                    && blocks.contains("*Hidden tests:* 6 of 6 passed"),
                "{language}: {blocks}"
            );
        }
        let wrong = &posts[4];
        assert_eq!(
            wrong["text"],
            "Test run: 2 of 8 passed, wrong answer (javascript)"
        );
        let blocks = wrong["blocks"].to_string();
        assert!(
            blocks.contains("*Example 2:* ✗ wrong answer")
                && blocks.contains("expected: `[1,2]`")
                && blocks.contains("got: `[0,1]`")
                && blocks.contains("trying 6")
                && blocks.contains("*First failing hidden test (wrong answer):*"),
            "the first failing case in full: {blocks}"
        );

        assert_logged(&logged_runs(&app.events(&stream_of(&root)).await));
    }
}

mod web {
    use super::*;
    use web_common::{TestApp, WsClient};

    /// The next `test_results` frame, however many status frames come first.
    async fn results(c: &mut WsClient) -> Value {
        let frames = tokio::time::timeout(RUN_WAIT, async {
            let mut frames = Vec::new();
            loop {
                let frame = c.next().await.expect("the socket stays open");
                let done = frame["type"] == "test_results";
                frames.push(frame);
                if done {
                    return frames;
                }
            }
        })
        .await
        .expect("the results within the deadline");
        frames.last().cloned().unwrap_or(Value::Null)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn newcomer_runs_two_sum_in_four_languages_from_the_web_and_sees_the_verdicts() {
        let db = common::sqlite_db();
        let app = TestApp::start(db.open().await, &[]).await;
        let mut c = app.ws("/ws").await;
        assert_eq!(c.next().await.expect("welcome")["type"], "system");
        c.send(json!({"type": "problem_description", "problem_id": "two-sum"}))
            .await;
        let iv = c.expect("interview").await;
        let stream = StreamId::new(iv["stream_id"].as_str().expect("stream id"));

        // docs/WEB-API.md: `run_code` with the editor's code and language.
        for (language, extension) in LANGUAGES {
            c.send(json!({"type": "run_code", "code": solution(extension), "language": language}))
                .await;
            let passed = results(&mut c).await;
            let run = &passed["run"];
            assert_eq!(run["verdict"], "passed", "{language}: {passed}");
            assert_eq!(run["language"], language);
            let ok = |cases: &Value| {
                cases
                    .as_array()
                    .map(|c| c.iter().filter(|c| c["verdict"] == "passed").count())
            };
            assert_eq!(ok(&run["examples"]), Some(2), "{language}: {passed}");
            assert_eq!(ok(&run["tests"]["cases"]), Some(6), "{language}: {passed}");
            let text = passed["text"].as_str().unwrap_or_default();
            assert!(
                text.contains(&format!("Test run: {CASES} ({language})")),
                "{text}"
            );
        }

        c.send(json!({"type": "run_code", "code": WRONG_JS, "language": "javascript"}))
            .await;
        let wrong = results(&mut c).await;
        assert_eq!(wrong["run"]["verdict"], "wrong_answer", "{wrong}");
        let text = wrong["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("Test run: 2 of 8 passed, wrong answer (javascript)")
                && text.contains("- expected: `[1,2]`")
                && text.contains("[0,1]")
                && text.contains("trying 6"),
            "the first failing case in full: {text}"
        );
        let first = &wrong["run"]["tests"]["first_failure"];
        assert!(
            first["verdict"] == "wrong_answer"
                && first["input"].is_string()
                && first["expected"].is_string()
                && first["got"] == "[0,1]",
            "the first failing hidden test in full: {wrong}"
        );

        let (_, recorded) = app.engine.load(&stream).await.expect("load");
        let events: Vec<Event> = recorded.into_iter().map(|r| r.event).collect();
        assert_logged(&logged_runs(&events));
        app.stop().await;
    }
}
