//! The WebSocket protocol of docs/WEB-API.md against the real app, with the coach's
//! answers appended through the engine (as the coach would): welcome, problem ->
//! `interview`, each coach event -> its seed frame, refusals and malformed input ->
//! `error` with nothing appended, the 1 MiB cap, the rate limit, and resume with replay
//! then live, each event once.

use crate::common;
use crate::web_common;

use common::TestDb;
use common::fixtures::{analysis, rubric};
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ProgressKind};
use interview_coach::ports::RecordedEvent;
use serde_json::{Value, json};
use std::time::Duration;
use web_common::{TestApp, WsClient};

async fn app(db: &TestDb) -> TestApp {
    TestApp::start(db.open().await, &[]).await
}

/// A socket with a started interview: (client, interview id, stream).
async fn started(app: &TestApp) -> (WsClient, String, StreamId) {
    let mut c = app.ws("/ws").await;
    assert_eq!(c.next().await.expect("welcome")["type"], "system");
    c.send(json!({"type": "problem_description", "content": "Two Sum\nReturn the indices of two numbers adding up to target."}))
        .await;
    let iv = c.expect("interview").await;
    let id = iv["interview_id"]
        .as_str()
        .expect("interview id")
        .to_string();
    let stream = StreamId::new(iv["stream_id"].as_str().expect("stream id"));
    (c, id, stream)
}

async fn version(engine: &Engine, stream: &StreamId) -> u64 {
    engine.load(stream).await.expect("load").0.version
}

/// Wait until the stream has at least `v` events.
async fn wait_version(engine: &Engine, stream: &StreamId, v: u64) {
    for _ in 0..200 {
        if version(engine, stream).await >= v {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("stream {stream} never reached version {v}");
}

/// The next `coach_status` in `state` (the coach's own "thinking" may come first).
async fn expect_status(c: &mut WsClient, state: &str) -> Value {
    loop {
        let s = c.expect("coach_status").await;
        if s["state"] == state {
            return s;
        }
    }
}

async fn record(engine: &Engine, stream: &StreamId, command: Command) {
    engine
        .execute(stream, command, None)
        .await
        .expect("coach command");
}

fn reply(reply_to: u64, kind: ReplyKind, text: &str) -> Command {
    Command::RecordCoachReply {
        stamp: None,
        reply_to,
        kind,
        text: text.into(),
        usage: None,
        at: chrono::Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_socket_is_welcomed_and_a_problem_starts_a_web_interview() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let mut c = app.ws("/ws").await;
    let welcome = c.next().await.expect("welcome");
    assert_eq!(welcome["type"], "system");
    assert!(!welcome["message"].as_str().unwrap_or_default().is_empty());
    chrono::DateTime::parse_from_rfc3339(welcome["timestamp"].as_str().expect("timestamp"))
        .expect("RFC 3339 timestamp");
    c.send(json!({"type": "problem_description", "content": "Two Sum\nFind two numbers."}))
        .await;
    let iv = c.expect("interview").await;
    let id = iv["interview_id"].as_str().unwrap();
    assert_eq!(iv["stream_id"], format!("web:{id}"));
    assert_eq!(iv["phase"], "approach");
    assert_eq!(iv["problem_title"], "Two Sum");
    assert_eq!(iv["deadline"], Value::Null);
    let (state, events) = app
        .engine
        .load(&StreamId::new(format!("web:{id}")))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let started = state.started.expect("started");
    assert_eq!(
        started.place,
        Place::Web {
            session: id.to_string()
        }
    );
    assert_eq!(started.candidate.platform, Platform::Web);
    assert!(matches!(started.problem, Problem::Custom { .. }));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_code_gets_an_error_and_appends_nothing() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    let before = version(&app.engine, &stream).await;
    c.send(json!({"type": "code_submission", "code": "  \n\t", "language": "python"}))
        .await;
    let err = c.next_seed().await;
    assert_eq!(err["type"], "error");
    assert!(err["message"].as_str().unwrap().contains("code"));
    assert!(err["timestamp"].is_string());
    assert_eq!(version(&app.engine, &stream).await, before);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_get_an_error_and_append_nothing() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    let before = version(&app.engine, &stream).await;
    for bad in [
        "{not json",
        r#"{"type":"explode"}"#,
        r#"{"type":"message","content":5}"#,
        r#"{"content":"no type"}"#,
        r#"[1,2,3]"#,
    ] {
        c.send_text(bad).await;
        assert_eq!(c.next_seed().await["type"], "error", "for {bad}");
    }
    c.send(json!({"type": "problem_description", "content": "again"}))
        .await;
    assert_eq!(c.next_seed().await["type"], "error");
    assert_eq!(version(&app.engine, &stream).await, before);
    let mut fresh = app.ws("/ws").await;
    fresh.next().await;
    fresh
        .send(json!({"type": "explanation", "content": "before any problem"}))
        .await;
    assert_eq!(fresh.next_seed().await["type"], "error");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_one_mebibyte_closes_the_socket_and_appends_nothing() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    let before = version(&app.engine, &stream).await;
    // Under the cap: refused by the domain (too long), the socket stays open.
    let big = "x".repeat(900 * 1024);
    c.send(json!({"type": "message", "content": big})).await;
    assert_eq!(c.next_seed().await["type"], "error");
    let huge = "x".repeat(1024 * 1024 + 10);
    // The server closes the socket: either while the frame is still being sent
    // (a reset), or with 1009 (message too big) after reading its header.
    if c.try_send(json!({"type": "message", "content": huge}))
        .await
    {
        let code = c.closed().await;
        assert!(matches!(code, None | Some(1009)), "closed with {code:?}");
    }
    assert_eq!(version(&app.engine, &stream).await, before);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_many_times_the_sockets_read_buffer_arrives_whole() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    // 60 KiB (the domain allows 64 KiB): several reads of the socket's 8 KiB buffer.
    let code: String = (0..1500)
        .map(|i| format!("x_{i:05} = {i:022}\n"))
        .collect::<String>()
        .chars()
        .take(60 * 1024)
        .collect();
    let before = version(&app.engine, &stream).await;
    c.send(json!({"type": "code_submission", "code": code, "language": "python"}))
        .await;
    wait_version(&app.engine, &stream, before + 1).await;
    let (_, events) = app.engine.load(&stream).await.expect("load");
    let submitted = events.iter().find_map(|e| match &e.event {
        Event::CodeSubmitted(s) => Some(s.code.clone()),
        _ => None,
    });
    assert_eq!(submitted.as_deref(), Some(code.as_str()));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_twenty_messages_in_ten_seconds_are_dropped_with_slow_down() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    for i in 0..25 {
        c.send(json!({"type": "message", "content": format!("message {i}")}))
            .await;
    }
    let frames = c.drain_for(Duration::from_secs(2)).await;
    let slow = frames
        .iter()
        .filter(|f| {
            f["type"] == "error" && f["message"].as_str().unwrap_or("").starts_with("Slow down")
        })
        .count();
    let (_, events) = app.engine.load(&stream).await.unwrap();
    let accepted = events
        .iter()
        .filter(|e| matches!(e.event, Event::CandidateMessage(_)))
        .count();
    assert!(slow >= 4, "expected some messages dropped, got {slow}");
    assert_eq!(
        slow + accepted,
        25,
        "every message is either appended or refused"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_foreign_interview_gets_an_error_and_a_close() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let mut c = app.ws(&format!("/ws/{}", uuid::Uuid::new_v4())).await;
    let err = c.next().await.expect("an error frame");
    assert_eq!(err["type"], "error");
    assert_eq!(c.closed().await, Some(4404));
    let place = common::fixtures::discord_place("901");
    let stream =
        common::fixtures::run_scripted_interview(&app.engine, uuid::Uuid::new_v4(), place).await;
    let mut c = app.ws(&format!("/ws/{stream}")).await;
    assert_eq!(c.next().await.expect("an error frame")["type"], "error");
    assert_eq!(c.closed().await, Some(4403));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_message_id_is_appended_once() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    for _ in 0..2 {
        c.send(json!({"type": "message", "content": "hello", "id": "m-1"}))
            .await;
    }
    c.send(json!({"type": "message", "content": "after", "id": "m-2"}))
        .await;
    // "after" is the sentinel: one socket's frames are handled one at a time, in order,
    // so once "after" is in the log the repeated "hello" has been handled too.
    let texts = |events: &[RecordedEvent]| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match &e.event {
                Event::CandidateMessage(m) => Some(m.text.clone()),
                _ => None,
            })
            .collect()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let events = loop {
        let (_, events) = app.engine.load(&stream).await.unwrap();
        if texts(&events).iter().any(|t| t == "after") {
            break events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sentinel message never reached the log: {:?}",
            texts(&events)
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(texts(&events), ["hello", "after"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coach_progress_is_streamed_as_deltas_and_statuses() {
    let db = common::sqlite_db();
    let app = app(&db).await;
    let (mut c, _, stream) = started(&app).await;
    let bus = app.engine.progress();
    bus.publish(&stream, 1, ProgressKind::Thinking);
    let s = expect_status(&mut c, "thinking").await;
    assert_eq!(
        (s["state"].as_str(), s["reply_to"].as_u64()),
        (Some("thinking"), Some(1))
    );
    bus.publish(&stream, 1, ProgressKind::Delta("Hel".into()));
    bus.publish(&stream, 1, ProgressKind::Delta("lo".into()));
    let d1 = c.expect("ai_response_delta").await;
    let d2 = c.expect("ai_response_delta").await;
    assert_eq!(
        (d1["delta"].as_str(), d2["delta"].as_str()),
        (Some("Hel"), Some("lo"))
    );
    assert_eq!(d1["reply_to"], 1);
    bus.publish(
        &stream,
        1,
        ProgressKind::Retrying {
            attempt: 1,
            wait_ms: 2000,
        },
    );
    let retrying = expect_status(&mut c, "retrying").await;
    assert!(retrying["message"].as_str().unwrap().contains("2 s"));
    app.stop().await;
}

/// A whole interview, the coach's answers appended through the engine.
async fn every_coach_event_reaches_the_socket_as_its_seed_frame(db: &TestDb) {
    let app = app(db).await;
    let (mut c, _, stream) = started(&app).await;
    let e = &app.engine;
    record(
        e,
        &stream,
        reply(1, ReplyKind::Chat, "How would you approach it?"),
    )
    .await;
    let intro = c.next_seed().await;
    assert_eq!(
        (intro["type"].as_str(), intro["reply_to"].as_u64()),
        (Some("ai_response"), Some(1))
    );
    assert_eq!(intro["message"], "How would you approach it?");

    c.send(json!({"type": "explanation", "content": "A hash map from value to index."}))
        .await;
    wait_version(e, &stream, 3).await;
    record(
        e,
        &stream,
        reply(3, ReplyKind::ApproachFeedback, "Good; code it."),
    )
    .await;
    let fb = c.next_seed().await;
    assert_eq!(
        (fb["type"].as_str(), fb["kind"].as_str()),
        (Some("ai_response"), Some("approach_feedback"))
    );

    c.send(json!({"type": "code_submission", "code": "def f(): pass", "language": "python"}))
        .await;
    wait_version(e, &stream, 5).await;
    let analysed = Command::RecordAnalysis {
        stamp: None,
        reply_to: 5,
        analysis: analysis(7),
        usage: None,
        at: chrono::Utc::now(),
    };
    record(e, &stream, analysed).await;
    let a = c.next_seed().await;
    assert_eq!(a["type"], "code_analysis");
    for field in [
        "technical_feedback",
        "complexity_analysis",
        "code_quality",
        "follow_up_question",
    ] {
        assert!(
            a["analysis"][field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
    assert_eq!(a["analysis"]["score"], 7);
    assert_eq!(a["analysis"]["rubric"]["testing"]["score"], 2);
    assert_eq!(
        (a["submission"].as_u64(), a["reply_to"].as_u64()),
        (Some(1), Some(5))
    );

    c.send(json!({"type": "message", "content": "What about duplicates?"}))
        .await;
    wait_version(e, &stream, 7).await;
    let failed = Command::RecordCoachFailure {
        stamp: None,
        reply_to: 7,
        kind: FailureKind::Unavailable,
        message: "The coach is overloaded; press Retry.".into(),
        attempts: 3,
        retryable: true,
        at: chrono::Utc::now(),
    };
    record(e, &stream, failed).await;
    let status = expect_status(&mut c, "failed").await;
    assert_eq!(status["reply_to"], 7);
    assert_eq!(c.next_seed().await["type"], "error");
    c.send(json!({"type": "retry"})).await;
    wait_version(e, &stream, 9).await;
    record(
        e,
        &stream,
        reply(7, ReplyKind::Chat, "Duplicates are fine."),
    )
    .await;
    assert_eq!(c.next_seed().await["message"], "Duplicates are fine.");

    c.send(json!({"type": "end_session", "content": {}})).await;
    wait_version(e, &stream, 11).await;
    let summary = Command::RecordSummary(RecordSummary {
        stamp: None,
        reply_to: 11,
        overall: "Solid.".into(),
        strengths: vec!["Clear plan".into()],
        improvements: vec!["Test edge cases".into()],
        rubric: rubric(),
        hire_signal: HireSignal::LeanYes,
        usage: None,
        at: chrono::Utc::now(),
    });
    record(e, &stream, summary).await;
    let s = c.next_seed().await;
    assert_eq!(s["type"], "session_summary");
    assert_eq!(s["summary"], "Solid.");
    assert!(s["session_data"]["duration"].is_string());
    assert_eq!(s["session_data"]["submissions"], 1);
    assert_eq!(s["hire_signal"], "lean_yes");
    assert!(
        c.drain_for(Duration::from_millis(300))
            .await
            .iter()
            .all(|f| f["type"] != "session_summary")
    );
    app.stop().await;
}

/// Resume: `interview`, the history, `replay_done`, then live frames, each once, on the
/// resumed socket and on the first one.
async fn resume_replays_the_history_then_goes_live_each_event_once(db: &TestDb) {
    let app = app(db).await;
    let (mut a, id, stream) = started(&app).await;
    let e = &app.engine;
    record(e, &stream, reply(1, ReplyKind::Chat, "Approach?")).await;
    a.expect("ai_response").await;
    a.send(json!({"type": "explanation", "content": "Sort, then two pointers."}))
        .await;
    wait_version(e, &stream, 3).await;

    for path in [format!("/ws/{id}"), format!("/ws/{stream}")] {
        let mut b = app.ws(&path).await;
        let frames = b.until("replay_done").await;
        let kinds: Vec<String> = frames
            .iter()
            .map(|f| {
                format!(
                    "{}{}",
                    f["type"].as_str().unwrap(),
                    f["kind"]
                        .as_str()
                        .map(|k| format!(":{k}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "system",
                "interview",
                "candidate:problem",
                "ai_response:chat",
                "candidate:explanation",
                "replay_done"
            ]
        );
        assert_eq!(frames[1]["phase"], "coding");
        assert_eq!(frames[1]["interview_id"], id.as_str());
        let pending = b.next().await.expect("pending status");
        assert_eq!(
            (pending["type"].as_str(), pending["reply_to"].as_u64()),
            (Some("coach_status"), Some(3))
        );
    }

    let mut b = app.ws(&format!("/ws/{id}")).await;
    b.until("replay_done").await;
    record(e, &stream, reply(3, ReplyKind::ApproachFeedback, "Fine.")).await;
    a.send(json!({"type": "message", "content": "Is sorting needed?"}))
        .await;
    wait_version(e, &stream, 5).await;
    let on_a = a.drain_for(Duration::from_millis(700)).await;
    let on_b = b.drain_for(Duration::from_millis(300)).await;
    let count = |frames: &[Value], ty: &str| frames.iter().filter(|f| f["type"] == ty).count();
    assert_eq!(count(&on_a, "ai_response"), 1, "{on_a:?}");
    assert_eq!(count(&on_b, "ai_response"), 1, "{on_b:?}");
    assert_eq!(
        count(&on_a, "candidate"),
        0,
        "a socket's own turns are not echoed"
    );
    assert_eq!(
        count(&on_b, "candidate"),
        1,
        "the other socket sees the message"
    );
    app.stop().await;
}

per_backend!(
    every_coach_event_reaches_the_socket_as_its_seed_frame,
    resume_replays_the_history_then_goes_live_each_event_once,
);
