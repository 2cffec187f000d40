//! A log that one bad event cannot stop (issue 18 item 6), on both backends: into a
//! live log, raw SQL writes an event of a type this release does not know (as a newer
//! release would during a rolling deploy) and a damaged row. The interview holding the
//! unknown event goes on as if it were not there; the one holding the damaged row
//! reports an error; every other interview keeps being answered, the interview list
//! keeps folding, and a new instance started on that log (an older reader of the newer
//! event) serves as before.

use crate::common;
use crate::web_common;

use common::TestDb;
use interview_coach::domain::{Event, StreamId};
use serde_json::{Value, json};
use sqlx::Connection;
use std::time::Duration;
use web_common::fake_claude::FakeClaude;
use web_common::{TestApp, WsClient};

/// A web interview with its intro answered; its client and stream.
async fn interview(app: &TestApp, title: &str) -> (WsClient, StreamId) {
    let mut c = app.ws("/ws").await;
    c.expect("system").await;
    c.send(json!({"type": "problem_description", "content": format!("{title}: explain it.")}))
        .await;
    let started = c.expect("interview").await;
    c.expect("ai_response").await;
    let stream = StreamId::new(started["stream_id"].as_str().expect("a stream id"));
    (c, stream)
}

/// Appends a row to `stream` behind the store's back, as another release (or a broken
/// disk) would: the next version, the given type and payload.
async fn raw_append(db: &TestDb, stream: &StreamId, event_type: &str, payload: &str) {
    let sql = "INSERT INTO events (stream_id, version, event_type, schema_version, payload, recorded_at) \
        SELECT stream_id, version + 1, $2, 1, $3, recorded_at FROM events \
        WHERE stream_id = $1 ORDER BY version DESC LIMIT 1";
    let binds = (stream.as_str(), event_type, payload);
    if db.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql)
            .bind(binds.0)
            .bind(binds.1)
            .bind(binds.2)
            .execute(&mut c)
            .await
            .unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql)
            .bind(binds.0)
            .bind(binds.1)
            .bind(binds.2)
            .execute(&mut c)
            .await
            .unwrap();
        // Wake the instances' feeds as an append would.
        sqlx::query("SELECT pg_notify('ic_events', (SELECT MAX(position) FROM events)::TEXT)")
            .execute(&mut c)
            .await
            .unwrap();
    }
}

/// Explains an approach on `c` and waits for the coach's answer to it.
async fn answered(c: &mut WsClient) -> Value {
    c.send(json!({"type": "explanation", "content": "Sort, then sweep once."}))
        .await;
    c.expect("ai_response").await
}

/// The phase the interview list shows for `stream`, once it is `phase` (the projector
/// folds in the background; a positive signal, never a fixed wait).
async fn list_shows(app: &TestApp, stream: &StreamId, phase: &str) {
    for _ in 0..200 {
        let list: Value = reqwest::get(app.url("/api/interviews"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let shown = list["interviews"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["stream_id"] == stream.as_str() && r["phase"] == phase);
        if shown {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the interview list never showed {stream} in {phase}");
}

async fn an_unknown_and_a_damaged_event_stop_no_other_interview(db: &TestDb) {
    let fake = FakeClaude::start().await;
    let flags = fake.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let (mut newer, newer_stream) = interview(&app, "Merge intervals").await;
    let (mut damaged, damaged_stream) = interview(&app, "Two sum").await;
    let (mut other, other_stream) = interview(&app, "Valid parentheses").await;

    raw_append(
        db,
        &newer_stream,
        "mood_recorded",
        r#"{"type":"mood_recorded","mood":"curious","at":"2030-01-01T00:00:00Z"}"#,
    )
    .await;
    raw_append(
        db,
        &damaged_stream,
        "candidate_message",
        "{\"type\":\"candid",
    )
    .await;

    // The interview with the newer event goes on; its log shows the event as unknown.
    answered(&mut newer).await;
    let (_, log) = app.engine.load(&newer_stream).await.unwrap();
    assert!(
        log.iter()
            .any(|r| matches!(&r.event, Event::Unknown(u) if u.event_type == "mood_recorded")),
        "the unknown event keeps its type name"
    );
    // Every other interview is answered, and the list keeps folding.
    answered(&mut other).await;
    list_shows(&app, &other_stream, "coding").await;
    list_shows(&app, &newer_stream, "coding").await;

    // The damaged interview reports an error; the others never see it.
    assert!(app.engine.load(&damaged_stream).await.is_err());
    if damaged
        .try_send(json!({"type": "explanation", "content": "A hash map."}))
        .await
    {
        loop {
            match damaged.next().await {
                Some(frame) if frame["type"] == "error" => break,
                Some(_) => continue,
                None => break,
            }
        }
    }
    assert!(app.engine.load(&damaged_stream).await.is_err());
    app.stop().await;

    // Written while no instance runs: a new one starts past them (it folds the read
    // models and scans for pending work from the log) and serves on, as an instance of
    // the previous release does after a newer one wrote.
    raw_append(
        db,
        &other_stream,
        "mood_recorded",
        r#"{"type":"mood_recorded","mood":"calm","at":"2030-01-01T00:00:00Z"}"#,
    )
    .await;
    raw_append(db, &other_stream, "coach_replied", "not json at all").await;
    let again = TestApp::start(db.open().await, &flags).await;
    let (mut fresh, fresh_stream) = interview(&again, "Climbing stairs").await;
    answered(&mut fresh).await;
    list_shows(&again, &fresh_stream, "coding").await;
    again.stop().await;
}

per_backend!(an_unknown_and_a_damaged_event_stop_no_other_interview);
