//! Cooldowns defer, never refuse (issue 18 item 5): a turn sent inside
//! `COACH_COOLDOWN_SECONDS` is recorded at once, the client is told when the coach will
//! answer (`coach_status` `waiting`), and the coach answers it, once, when the cooldown
//! ends, through the real app and its coach against a fake Claude on loopback.

use crate::common;
use crate::web_common;

use common::TestDb;
use interview_coach::domain::{Event, StreamId};
use serde_json::{Value, json};
use web_common::TestApp;
use web_common::fake_claude::FakeClaude;

/// The fake's flags with the cooldown given (theirs turn it off).
pub(crate) fn flags_with_cooldown(fake: &FakeClaude, seconds: Option<&str>) -> Vec<String> {
    let mut flags = Vec::new();
    let mut given = fake.flags().into_iter();
    while let Some(flag) = given.next() {
        if flag == "--coach-cooldown-seconds" {
            given.next();
            continue;
        }
        flags.push(flag);
    }
    if let Some(s) = seconds {
        flags.extend(["--coach-cooldown-seconds".to_string(), s.to_string()]);
    }
    flags
}

async fn a_fast_clients_turn_is_answered_when_the_cooldown_ends_once(db: &TestDb) {
    let fake = FakeClaude::start().await;
    let flags = flags_with_cooldown(&fake, Some("2"));
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let mut c = app.ws("/ws").await;
    c.expect("system").await;
    c.send(json!({"type": "problem_description", "content": "Two Sum: indices of two numbers adding up to target."}))
        .await;
    let interview = c.expect("interview").await;
    c.expect("ai_response").await;

    // At once, well inside the cooldown: recorded, and answered later.
    c.send(json!({"type": "explanation", "content": "A hash map from value to index."}))
        .await;
    let frames = c.until("ai_response").await;
    let waiting: Vec<&Value> = frames
        .iter()
        .filter(|f| f["type"] == "coach_status" && f["state"] == "waiting")
        .collect();
    assert!(
        waiting
            .first()
            .and_then(|f| f["message"].as_str())
            .is_some_and(|m| m.contains("will answer in")),
        "the client is told when the coach will answer: {frames:?}"
    );
    assert!(
        !frames.iter().any(|f| f["state"] == "failed"),
        "nothing is refused: {frames:?}"
    );

    let stream = StreamId::new(interview["stream_id"].as_str().expect("stream id"));
    let (_, log) = app.engine.load(&stream).await.unwrap();
    let explained = log
        .iter()
        .find(|r| matches!(r.event, Event::ApproachExplained(_)))
        .expect("the explanation is in the log");
    let answers: Vec<_> = log
        .iter()
        .filter(|r| r.event.reply_to() == Some(explained.version))
        .collect();
    assert_eq!(answers.len(), 1, "answered once: {answers:?}");
    assert!(matches!(answers[0].event, Event::CoachReplied(_)));
    let intro_at = log
        .iter()
        .find(|r| r.event.reply_to() == Some(1))
        .map(|r| r.event.at())
        .expect("the intro");
    assert!(
        answers[0].event.at() - intro_at >= chrono::Duration::seconds(2),
        "answered once the cooldown was over"
    );
    assert_eq!(fake.calls(), 2, "one LLM call per turn");
    app.stop().await;
}

per_backend!(a_fast_clients_turn_is_answered_when_the_cooldown_ends_once);
