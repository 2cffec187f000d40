//! Running code from the web page (issue 14) against the real app on port 0, the real
//! sandbox (bubblewrap when the machine allows it) and real SQLite: a client starts on a
//! bank problem with the picker, runs a correct and a wrong two-sum and gets the
//! verdicts (`run_status`, then `test_results`), one `TestsRun` each in the log; a
//! submission's tests run before its analysis and the analysis request to the LLM fake
//! holds the counts; bad runs get their messages and append nothing; replay and the
//! Markdown export show the run.

use crate::common;
use crate::web_common;

use interview_coach::domain::*;
use interview_coach::practice::{export, replay};
use serde_json::{Value, json};
use web_common::fake_claude::FakeClaude;
use web_common::{TestApp, WsClient};

const CORRECT: &str = "def two_sum(nums, target):\n    seen = {}\n    for j, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], j]\n        seen[x] = j\n    return []\n";
const WRONG: &str = "def two_sum(nums, target):\n    print('trying', target)\n    return [0, 1]\n";

/// A socket on a new interview on the bank's two-sum, picked by id.
async fn on_two_sum(app: &TestApp) -> (WsClient, StreamId) {
    let mut c = app.ws("/ws").await;
    assert_eq!(c.next().await.expect("welcome")["type"], "system");
    c.send(json!({"type": "problem_description", "problem_id": "two-sum"}))
        .await;
    let iv = c.expect("interview").await;
    assert_eq!(iv["problem_title"], "Two Sum");
    assert!(
        iv["deadline"].is_string(),
        "a bank problem has a time limit"
    );
    let stream = StreamId::new(iv["stream_id"].as_str().expect("stream id"));
    (c, stream)
}

/// The `TestsRun` events of the stream.
async fn runs(app: &TestApp, stream: &StreamId) -> Vec<TestsRun> {
    let (_, events) = app.engine.load(stream).await.expect("load");
    events
        .into_iter()
        .filter_map(|r| match r.event {
            Event::TestsRun(run) => Some(run),
            _ => None,
        })
        .collect()
}

/// The frames up to the next `test_results`, which is returned with them.
async fn results(c: &mut WsClient) -> (Vec<Value>, Value) {
    let mut frames = c.until("test_results").await;
    let last = frames.pop().expect("test_results");
    (frames, last)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_and_a_wrong_two_sum_get_their_verdicts_and_one_tests_run_each() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let (mut c, stream) = on_two_sum(&app).await;

    c.send(json!({"type": "run_code", "code": CORRECT, "language": "python"}))
        .await;
    let (before, passed) = results(&mut c).await;
    let status = before
        .iter()
        .find(|f| f["type"] == "run_status" && f["state"] == "running")
        .unwrap_or_else(|| panic!("a running status before the results: {before:?}"));
    assert_eq!(status["message"], "Running 2 examples and 6 tests…");
    assert_eq!(passed["run"]["verdict"], "passed", "{passed}");
    assert_eq!(passed["run"]["examples"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        passed["run"]["tests"]["cases"].as_array().map(Vec::len),
        Some(6)
    );
    assert!(passed["run"]["examples"][0]["time_ms"].is_number());
    let text = passed["text"].as_str().unwrap_or_default();
    assert!(text.contains("8 of 8 passed"), "{text}");

    c.send(json!({"type": "run_code", "code": WRONG, "language": "py"}))
        .await;
    let (_, wrong) = results(&mut c).await;
    assert_eq!(wrong["run"]["verdict"], "wrong_answer", "{wrong}");
    let text = wrong["text"].as_str().unwrap_or_default();
    assert!(text.contains("wrong answer"), "{text}");
    assert!(
        text.contains("- expected: `"),
        "the failing case in full: {text}"
    );

    let logged = runs(&app, &stream).await;
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].verdict, CaseVerdict::Passed);
    assert_eq!(logged[1].verdict, CaseVerdict::WrongAnswer);
    assert!(matches!(&logged[1].of, RunOf::Adhoc { code } if code == WRONG));
    assert_eq!(logged[1].language, "python");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submissions_tests_run_before_its_analysis_and_the_request_holds_the_counts() {
    let db = common::sqlite_db();
    let fake = FakeClaude::start().await;
    let flags = fake.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let (mut c, stream) = on_two_sum(&app).await;

    c.send(json!({"type": "code_submission", "code": WRONG, "language": "python"}))
        .await;
    let (_, wrong) = results(&mut c).await;
    assert_eq!(wrong["run"]["of"]["submission"], 1, "{wrong}");
    let analysis = c.expect("code_analysis").await;
    assert_eq!(analysis["submission"], 1);
    let body: Value = serde_json::from_str(&fake.last_analysis_request()).expect("JSON");
    let request: String = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["content"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["text"].as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        request.contains(
            "2 of 8 passed (1 of 2 examples, 1 of 6 hidden tests); verdict: wrong answer"
        ),
        "the analysis request holds the verdict counts: {request}"
    );
    assert!(
        request.contains("First failing case (example, wrong answer): input {\"nums\":[3,2,4],\"target\":6}; expected [1,2]; got:\n<candidate_output>\n[0,1]\n</candidate_output>"),
        "{request}"
    );
    assert!(
        request.contains("<candidate_output>"),
        "the code's answer is fenced"
    );

    let (_, events) = app.engine.load(&stream).await.expect("load");
    let position = |name: &str| events.iter().position(|r| r.event.type_name() == name);
    assert!(
        position("tests_run") < position("code_analyzed"),
        "tests before the analysis"
    );
    assert_eq!(runs(&app, &stream).await.len(), 1, "one run per submission");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_runs_get_their_messages_and_append_nothing() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let (mut c, stream) = on_two_sum(&app).await;
    let version = app.engine.load(&stream).await.expect("load").0.version;
    let cases = [
        (
            json!({"type": "run_code", "code": CORRECT, "language": "cobol"}),
            "use one of: python, javascript, java, cpp",
        ),
        (
            json!({"type": "run_code", "code": CORRECT, "custom_input": "nums=[1]"}),
            "not valid JSON",
        ),
        (
            json!({"type": "run_code", "code": CORRECT, "custom_input": {"nums": [1, 2]}}),
            "lacks the argument \"target\"",
        ),
        (
            json!({"type": "run_code", "code": "def other(): pass\n"}),
            "def two_sum(",
        ),
        (
            json!({"type": "run_code", "code": "x".repeat(70_000)}),
            "too large",
        ),
        (json!({"type": "run_code"}), "write some code first"),
    ];
    for (message, expected) in cases {
        c.send(message).await;
        let error = c.expect("error").await;
        let text = error["message"].as_str().unwrap_or_default();
        assert!(text.contains(expected), "{text:?} should say {expected:?}");
    }
    let after = app.engine.load(&stream).await.expect("load").0.version;
    assert_eq!(after, version, "refused runs append nothing");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_problem_not_in_the_bank_runs_only_on_an_input_of_ones_own() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let mut c = app.ws("/ws").await;
    c.next().await.expect("welcome");
    c.send(json!({"type": "problem_description", "content": "Echo\nPrint the input back."}))
        .await;
    let iv = c.expect("interview").await;
    let stream = StreamId::new(iv["stream_id"].as_str().expect("stream id"));
    c.send(json!({"type": "run_code", "code": "print(input())", "language": "python"}))
        .await;
    let error = c.expect("error").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no tests")
    );
    c.send(json!({"type": "run_code", "code": "print(input()[::-1])", "language": "python", "custom_input": "\"abc\""}))
        .await;
    let (_, ran) = results(&mut c).await;
    assert_eq!(ran["run"]["verdict"], "completed", "{ran}");
    assert_eq!(ran["run"]["custom"]["stdout"], "\"cba\"\n");
    assert_eq!(runs(&app, &stream).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_and_the_markdown_export_show_the_run() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let (mut c, stream) = on_two_sum(&app).await;
    c.send(json!({"type": "run_code", "code": WRONG, "language": "python"}))
        .await;
    results(&mut c).await;
    let (_, events) = app.engine.load(&stream).await.expect("load");
    let text = replay::transcript(&events);
    assert!(text.contains("ran the tests:"), "{text}");
    assert!(
        text.contains("Test run: 2 of 8 passed, wrong answer (python)"),
        "{text}"
    );
    let markdown = export::markdown(&events, None);
    assert!(markdown.contains("ran code"), "{markdown}");
    assert!(
        markdown.contains("| hidden tests | 1 of 6 passed |"),
        "{markdown}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waiting_for_the_one_sandbox_slot_is_told_its_place() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--sandbox-workers", "1"]).await;
    let (mut c, stream) = on_two_sum(&app).await;
    // The first run holds the only slot from the moment it is accepted, so the second
    // one, accepted next, waits behind it.
    c.send(json!({"type": "run_code", "code": CORRECT, "language": "python"}))
        .await;
    c.send(json!({"type": "run_code", "code": WRONG, "language": "python"}))
        .await;
    let (before, first) = results(&mut c).await;
    let queued = before
        .iter()
        .find(|f| f["type"] == "run_status" && f["state"] == "queued")
        .unwrap_or_else(|| panic!("the second run was queued: {before:?}"));
    assert_eq!(queued["ahead"], 0);
    assert_eq!(queued["message"], "queued, next to run");
    assert_eq!(first["run"]["verdict"], "passed");
    let (_, second) = results(&mut c).await;
    assert_eq!(second["run"]["verdict"], "wrong_answer");
    assert_eq!(runs(&app, &stream).await.len(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_that_defines_nothing_the_problem_names_gets_tests_saying_why() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let (mut c, stream) = on_two_sum(&app).await;
    c.send(json!({"type": "code_submission", "code": "def other():\n    pass\n", "language": "python"}))
        .await;
    let (_, results) = results(&mut c).await;
    assert_eq!(results["run"]["verdict"], "compile_error", "{results}");
    let error = results["run"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("def two_sum("),
        "names the expected signature: {error}"
    );
    let logged = runs(&app, &stream).await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].submission(), Some(1));
    app.stop().await;
}
