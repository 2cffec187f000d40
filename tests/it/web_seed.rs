//! A client that knows only the seed protocol drives a whole interview through the real
//! app and its coach, against a fake Claude on loopback: welcome, problem, explanation,
//! code, message, end -> `system`, `ai_response`, `code_analysis` (five fields, integer
//! score 1-10), `ai_response`, `session_summary` (duration, submissions). Empty code gets
//! `error` and appends nothing. Extension frames are ignored, as a seed client would.

use crate::common;
use crate::web_common;

use common::TestDb;
use serde_json::{Value, json};
use web_common::TestApp;
use web_common::fake_claude::FakeClaude;

fn is_seed_analysis(frame: &Value) -> bool {
    let a = &frame["analysis"];
    let text = |f: &str| a[f].as_str().is_some_and(|s| !s.trim().is_empty());
    frame["type"] == "code_analysis"
        && [
            "technical_feedback",
            "complexity_analysis",
            "code_quality",
            "follow_up_question",
        ]
        .into_iter()
        .all(text)
        && a["score"].as_i64().is_some_and(|s| (1..=10).contains(&s))
        && frame["timestamp"].is_string()
}

async fn a_seed_protocol_client_runs_a_whole_interview(db: &TestDb) {
    let fake = FakeClaude::start().await;
    seed_flow(db, &fake, fake.flags()).await;
}

/// Issue 18 item 5: the same script, as fast as a client can send, under the default
/// settings (a 5 s cooldown): every turn is answered (the later ones when the cooldown
/// ends) and the interview ends with a score and a summary.
async fn a_seed_script_at_full_speed_completes_with_a_score_under_default_settings(db: &TestDb) {
    let fake = FakeClaude::start().await;
    let flags = crate::coach_cooldown::flags_with_cooldown(&fake, None);
    seed_flow(db, &fake, flags).await;
}

async fn seed_flow(db: &TestDb, _fake: &FakeClaude, flags: Vec<String>) {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let mut c = app.ws("/ws").await;

    let welcome = c.next_seed().await;
    assert_eq!(welcome["type"], "system");

    c.send(json!({"type": "problem_description", "content": "Two Sum: return the indices of the two numbers that add up to target."}))
        .await;
    let intro = c.next_seed().await;
    assert_eq!(intro["type"], "ai_response", "{intro}");
    assert!(intro["message"].as_str().is_some_and(|m| !m.is_empty()));

    c.send(json!({"type": "explanation", "content": "A hash map from value to index; one pass, O(n)."}))
        .await;
    let feedback = c.next_seed().await;
    assert_eq!(feedback["type"], "ai_response", "{feedback}");

    let code = "def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i\n";
    c.send(json!({"type": "code_submission", "code": code, "language": "python"}))
        .await;
    let analysis = c.next_seed().await;
    assert!(is_seed_analysis(&analysis), "{analysis}");

    let stream =
        interview_coach::domain::StreamId::new(format!("web:{}", app.only_interview_id().await));
    let before = app.engine.load(&stream).await.unwrap().0.version;
    c.send(json!({"type": "code_submission", "code": "", "language": "python"}))
        .await;
    let refused = c.next_seed().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(refused["message"].is_string() && refused["timestamp"].is_string());
    assert_eq!(
        app.engine.load(&stream).await.unwrap().0.version,
        before,
        "nothing appended"
    );

    c.send(json!({"type": "message", "content": "With a sorted array I would use two pointers."}))
        .await;
    let chat = c.next_seed().await;
    assert_eq!(chat["type"], "ai_response", "{chat}");

    c.send(json!({"type": "end_session", "content": {}})).await;
    let summary = c.next_seed().await;
    assert_eq!(summary["type"], "session_summary", "{summary}");
    assert!(summary["summary"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(
        summary["session_data"]["duration"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(summary["session_data"]["submissions"], 1);
    app.stop().await;
}

per_backend!(
    a_seed_protocol_client_runs_a_whole_interview,
    a_seed_script_at_full_speed_completes_with_a_score_under_default_settings
);
