//! `interview-coach regrade` end to end: the built binary grades an ended interview of a
//! real SQLite or Postgres log again through loopback fakes of Claude and of an
//! OpenAI-compatible server, prints old and new figures side by side, appends nothing
//! without `--record`, appends exactly one `Regraded` event with it (once per prompt
//! version and model), and refuses an unknown id, an open interview or a missing LLM
//! with a clear message, a non-zero exit and nothing appended.

use crate::common::fake_anthropic::{FakeAnthropic, Scripted, analysis_input, summary_input};
use crate::common::fixtures::*;
use crate::common::{self, TestDb};
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::ports::Storage;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

/// An ended interview (analysis 7/10, summary `lean_yes`, bands 3 3 3 2 in both).
async fn ended_interview(store: Arc<dyn Storage>) -> (Uuid, StreamId) {
    let engine = Engine::new(store, Arc::new(ManualClock::new(t0())));
    let id = Uuid::new_v4();
    let place = discord_place(&format!("t{}", id.simple()));
    (id, run_scripted_interview(&engine, id, place).await)
}

async fn rows(store: &Arc<dyn Storage>) -> Vec<Event> {
    store
        .read_all(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect()
}

/// The binary's exit status, stdout and stderr for `regrade` with `args`, its log at
/// `db` and Claude at `fake` (no LLM when `None`).
async fn regrade(
    db: &TestDb,
    fake: Option<&FakeAnthropic>,
    args: &[&str],
) -> (bool, String, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    cmd.arg("regrade")
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_BASE_URL");
    if let Some(fake) = fake {
        cmd.env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
            .env("ANTHROPIC_BASE_URL", fake.uri());
    }
    let out = cmd.output().await.expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The row of `figure` under `turn` in the printed table, as its cells.
fn table_row(stdout: &str, turn: &str, figure: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| l.starts_with(&format!("{turn} {figure} ")))
        .unwrap_or_else(|| panic!("no row {turn} {figure} in:\n{stdout}"))
        .split(' ')
        .map(str::to_string)
        .collect()
}

fn summary_with(signal: &str, testing: i64) -> Value {
    let mut s = summary_input();
    s["hire_signal"] = json!(signal);
    s["rubric"]["testing"]["score"] = json!(testing);
    s
}

async fn prints_old_beside_new_and_appends_nothing(db: &TestDb) {
    let store = db.open().await;
    let (id, _) = ended_interview(store.clone()).await;
    let before = rows(&store).await.len();
    let fake = FakeAnthropic::start().await;
    fake.script([
        Scripted::Tool(analysis_input(9)),
        Scripted::Tool(summary_with("yes", 3)),
    ]);

    let (ok, stdout, stderr) = regrade(db, Some(&fake), &[&id.to_string()]).await;

    assert!(ok, "{stderr}");
    assert_eq!(fake.requests(), 2, "one analysis and one summary");
    // turn, figure, old, new, diff, spread, repeats
    assert_eq!(
        table_row(&stdout, "analysis of event 4", "score")[5..],
        ["7", "9", "+2", "0", "9"]
    );
    assert_eq!(
        table_row(&stdout, "summary", "hire_signal")[2..],
        ["lean_yes", "yes", "+1", "0", "yes"]
    );
    assert_eq!(
        table_row(&stdout, "summary", "testing")[2..5],
        ["2", "3", "+1"]
    );
    assert!(stdout.contains("Nothing recorded"), "{stdout}");
    assert_eq!(rows(&store).await.len(), before, "the log is unchanged");
    // The context is the live one: the analysis asked for the record_analysis tool
    // with the candidate's code in it, and nothing after the submission.
    let first = fake.bodies()[0].to_string();
    assert!(first.contains("record_analysis") && first.contains("intervals.sort()"));
    assert!(
        !first.contains("Would a heap help"),
        "a later message leaked into the context"
    );
}

async fn record_appends_one_event_once_per_prompt_and_model(db: &TestDb) {
    let store = db.open().await;
    let (id, stream) = ended_interview(store.clone()).await;
    let before = rows(&store).await.len();
    let fake = FakeAnthropic::start().await;
    fake.script([
        Scripted::Tool(analysis_input(9)),
        Scripted::Tool(analysis_input(8)),
        Scripted::Tool(analysis_input(6)),
        Scripted::Tool(summary_with("yes", 2)),
        Scripted::Tool(summary_with("lean_yes", 2)),
        Scripted::Tool(summary_with("strong_yes", 2)),
    ]);

    let (ok, stdout, stderr) = regrade(
        db,
        Some(&fake),
        &[&stream.to_string(), "--repeat", "3", "--record"],
    )
    .await;

    assert!(ok, "{stderr}");
    eprintln!("{stdout}");
    assert_eq!(
        table_row(&stdout, "analysis of event 4", "score")[5..],
        ["7", "8", "+1", "3", "9", "8", "6"]
    );
    assert!(stdout.contains("Recorded as event 10"), "{stdout}");
    let after = rows(&store).await;
    assert_eq!(after.len(), before + 1, "exactly one event");
    let Some(Event::Regraded(r)) = after.last() else {
        panic!("the last event is {:?}", after.last());
    };
    assert_eq!(r.repeat, 3);
    assert_eq!(
        r.stamp.prompt_version,
        interview_coach::coach::prompts::prompt_version()
    );
    assert_eq!(r.stamp.model, "claude-sonnet-4-5");
    let scores: Vec<u8> = r.turns[0]
        .grades
        .iter()
        .map(|g| g.score.unwrap().get())
        .collect();
    assert_eq!(scores, [9, 8, 6]);
    assert_eq!(r.turns[1].kind, GradedKind::Summary);
    assert_eq!(
        r.turns[1].grades[2].hire_signal,
        Some(HireSignal::StrongYes)
    );
    assert!(r.tokens > 0);

    // The same prompt and model again: refused before any LLM call, nothing appended.
    let asked = fake.requests();
    let (ok, _, stderr) = regrade(db, Some(&fake), &[&id.to_string(), "--record"]).await;
    assert!(!ok);
    assert!(stderr.contains("already regraded with prompt"), "{stderr}");
    assert_eq!(fake.requests(), asked);
    assert_eq!(rows(&store).await.len(), before + 1);

    // The interview's own score is still the original, and the replay shows both.
    let engine = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let (state, _) = engine.load(&stream).await.unwrap();
    assert_eq!(state.last_score.map(Score::get), Some(7));
    let replay = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["replay", &id.to_string()])
        .env("DATABASE_URL", &db.url)
        .output()
        .await
        .unwrap();
    let replay = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replay.contains("the original scores stand): analysis of #4: 8/10 (9 8 6); summary: yes (yes lean_yes strong_yes)"),
        "{replay}"
    );

    // Member stats show the regrade beside the original average, which stays.
    let queries = interview_coach::queries::Queries::new(store.clone());
    queries.catch_up().await.unwrap();
    let bank = interview_coach::problems::ProblemBank::load_default().unwrap();
    let stats = queries
        .member_stats(&maya().member_id(), None, &bank)
        .await
        .unwrap();
    assert_eq!(
        stats.score.average,
        Some(7.0),
        "the original stays the figure"
    );
    let beside = stats.regraded.expect("the regrade beside it");
    assert_eq!(
        (beside.analyses, beside.original_average, beside.average),
        (1, 7.0, 8.0)
    );

    // It holds no member text: forgetting the member leaves it as it was.
    engine.forget_member(&maya().member_id()).await.unwrap();
    let forgotten = rows(&store).await;
    assert_eq!(forgotten.last(), after.last());
}

async fn refusals_exit_non_zero_and_append_nothing(db: &TestDb) {
    let store = db.open().await;
    let (id, _) = ended_interview(store.clone()).await;
    let engine = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let open = discord_place("open-one");
    engine
        .execute(
            &open.stream_id(),
            start(Uuid::new_v4(), open.clone(), maya()),
            None,
        )
        .await
        .unwrap();
    let before = rows(&store).await.len();
    let fake = FakeAnthropic::start().await;

    let (ok, _, stderr) = regrade(db, Some(&fake), &["no-such-interview", "--record"]).await;
    assert!(
        !ok && stderr.contains("no interview with id or stream id no-such-interview"),
        "{stderr}"
    );

    let (ok, _, stderr) = regrade(db, Some(&fake), &[open.stream_id().as_str(), "--record"]).await;
    assert!(!ok && stderr.contains("has not ended yet"), "{stderr}");

    let (ok, _, stderr) = regrade(db, None, &[&id.to_string(), "--record"]).await;
    assert!(!ok && stderr.contains("no LLM is configured"), "{stderr}");

    assert_eq!(fake.requests(), 0);
    assert_eq!(rows(&store).await.len(), before);
}

/// The running app's read API, polled until `ready` holds for its JSON (another
/// process appended; the app hears of it through its feed), within 20 s.
async fn api_until(url: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        if ready(&body) {
            return body;
        }
        assert!(std::time::Instant::now() < deadline, "never ready: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn the_running_app_shows_a_recorded_regrade_beside_the_original(db: &TestDb) {
    let app = crate::web_common::TestApp::start(db.open().await, &[]).await;
    let id = Uuid::new_v4();
    run_scripted_interview(&app.engine, id, discord_place("901")).await;
    let fake = FakeAnthropic::start().await;
    fake.script([
        Scripted::Tool(analysis_input(9)),
        Scripted::Tool(summary_with("yes", 3)),
    ]);
    let (ok, _, stderr) = regrade(db, Some(&fake), &[&id.to_string(), "--record"]).await;
    assert!(ok, "{stderr}");

    let transcript = api_until(&app.url(&format!("/api/interviews/{id}")), |t| {
        t["entries"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["type"] == "regraded"))
    })
    .await;
    let entries = transcript["entries"].as_array().unwrap();
    let of = |ty: &str| entries.iter().find(|e| e["type"] == ty).unwrap();
    let analysed = of("code_analyzed");
    assert_eq!(
        analysed["analysis"]["score"], 7,
        "the original is the entry's own"
    );
    assert_eq!(analysed["regrades"][0]["score"], 9);
    assert_eq!(analysed["regrades"][0]["model"], "claude-sonnet-4-5");
    assert_eq!(of("summary_written")["regrades"][0]["hire_signal"], "yes");
    assert_eq!(transcript["interview"]["last_score"], 7);

    let progress = api_until(&app.url("/api/members/discord:1001/progress"), |p| {
        !p["stats"]["regraded"].is_null()
    })
    .await;
    assert_eq!(
        progress["stats"]["regraded"],
        json!({"analyses": 1, "original_average": 7.0, "average": 9.0})
    );
    assert_eq!(progress["stats"]["score"]["average"], 7.0);
    app.stop().await;
}

per_backend!(
    prints_old_beside_new_and_appends_nothing,
    record_appends_one_event_once_per_prompt_and_model,
    refusals_exit_non_zero_and_append_nothing,
    the_running_app_shows_a_recorded_regrade_beside_the_original,
);

/// An OpenAI-compatible server that answers a JSON-schema request with the analysis or
/// summary its schema names, as llama.cpp's server, vLLM or OpenAI would.
struct SchemaServer;

impl Respond for SchemaServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let name = body["response_format"]["json_schema"]["name"]
            .as_str()
            .unwrap_or_default();
        let content = if name.contains("summary") {
            summary_with("no", 1)
        } else {
            analysis_input(4)
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "smollm2",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content.to_string()}}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 120}
        }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_openai_compatible_server_regrades_through_its_json_schema_dialect() {
    let db = common::sqlite_db();
    let store = db.open().await;
    let (id, _) = ended_interview(store.clone()).await;
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/v1/chat/completions"))
        .respond_with(SchemaServer)
        .mount(&server)
        .await;

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["regrade", &id.to_string(), "--record"])
        .env("DATABASE_URL", &db.url)
        .env_remove("ANTHROPIC_API_KEY")
        .env("OPENAI_BASE_URL", format!("{}/v1", server.uri()))
        .env("OPENAI_MODEL", "smollm2")
        .env("OPENAI_STRUCTURED_OUTPUT", "json-schema")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        table_row(&stdout, "analysis of event 4", "score")[5..],
        ["7", "4", "-3", "0", "4"]
    );
    assert_eq!(
        table_row(&stdout, "summary", "hire_signal")[2..5],
        ["lean_yes", "no", "-2"]
    );
    let Some(Event::Regraded(r)) = rows(&store).await.pop() else {
        panic!("no Regraded event");
    };
    assert_eq!(r.stamp.model, "smollm2");
    assert_eq!(r.tokens, 2 * (900 + 120));
    db.cleanup().await;
}
