//! Acting in a web interview needs more than its id (issue 15): the real binary serves
//! an interview started by one browser (its `ic_key` cookie); clients that know only the
//! id, or forge a cookie from what the read API shows, resume `/ws/{id}` with a real
//! WebSocket client and watch the history, and every action they send is refused with
//! an error while the log stays as it was. The browser that started it resumes and acts;
//! with `WEB_ACCESS_TOKEN` set, its holder (the operator) may act too.

use crate::common;
use crate::web_common::fake_claude::FakeClaude;
use crate::web_common::{TestApp, WsClient};
use crate::web_restart::{free_port, start, wait_healthy};
use interview_coach::domain::Event;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Every kind of message a client may send, each an action.
fn actions() -> Vec<Value> {
    vec![
        json!({"type": "problem_description", "content": "Another problem"}),
        json!({"type": "explanation", "content": "I would sort first.", "id": "x-1"}),
        json!({"type": "code_submission", "code": "print(1)", "language": "python"}),
        json!({"type": "message", "content": "Hello from a stranger"}),
        json!({"type": "hint"}),
        json!({"type": "retry"}),
        json!({"type": "end_session", "content": {}}),
        json!({"type": "nonsense"}),
    ]
}

async fn transcript(port: u16, id: &str) -> Value {
    let url = format!("http://127.0.0.1:{port}/api/interviews/{id}");
    let r = reqwest::get(&url).await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

fn entry_types(t: &Value) -> Vec<String> {
    t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// Open `/ws/{id}`, check the history and the role, then send every action and expect
/// an error for each, naming watching.
async fn watch_and_try_everything(mut c: WsClient, expected_role: &str) {
    let frames = c.until("replay_done").await;
    let interview = frames
        .iter()
        .find(|f| f["type"] == "interview")
        .expect("an interview frame");
    assert_eq!(interview["role"], expected_role, "{frames:?}");
    assert!(
        frames
            .iter()
            .any(|f| f["type"] == "candidate" && f["kind"] == "problem"),
        "a watcher reads the history: {frames:?}"
    );
    assert!(frames.iter().any(|f| f["type"] == "ai_response"));
    for action in actions() {
        c.send(action.clone()).await;
        let answer = c.next().await.expect("an answer");
        assert_eq!(answer["type"], "error", "{action}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains("watching"), "{action}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_with_only_the_id_watches_and_every_action_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeClaude::start().await;
    let port = free_port();
    let _server = start(dir.path(), port, &fake);
    wait_healthy(port).await;

    let owner_cookie = format!("ic_key={}", "a1".repeat(32));
    let mut owner =
        WsClient::connect_with_cookie(&format!("ws://127.0.0.1:{port}/ws"), &owner_cookie).await;
    owner.expect("system").await;
    owner
        .send(json!({"type": "problem_description", "content": "Two Sum: find two numbers adding up to target."}))
        .await;
    let frame = owner.expect("interview").await;
    assert_eq!(frame["role"], "candidate");
    let id = frame["interview_id"].as_str().unwrap().to_string();
    // The coach's intro: after it nothing is owed, so the log only moves if a client acts.
    owner.expect("ai_response").await;
    let before = transcript(port, &id).await;
    let member = before["interview"]["candidate"]["id"]
        .as_str()
        .unwrap()
        .trim_start_matches("web:")
        .to_string();
    assert_eq!(member.len(), 32, "a member id derived from the cookie");

    let ws = format!("ws://127.0.0.1:{port}/ws/{id}");
    let stream = format!("ws://127.0.0.1:{port}/ws/web:{id}");
    watch_and_try_everything(WsClient::connect(&ws).await, "watcher").await;
    watch_and_try_everything(WsClient::connect(&stream).await, "watcher").await;
    // Another browser, and cookies forged from the member id the read API shows.
    for cookie in [
        format!("ic_key={}", "b2".repeat(32)),
        format!("ic_key={member}{member}"),
        format!("ic_member={member}"),
    ] {
        let c = WsClient::connect_with_cookie(&ws, &cookie).await;
        watch_and_try_everything(c, "watcher").await;
    }
    let after = transcript(port, &id).await;
    assert_eq!(before, after, "nothing was appended");

    // The browser that started it resumes and acts.
    let mut back = WsClient::connect_with_cookie(&ws, &owner_cookie).await;
    let frames = back.until("replay_done").await;
    let interview = frames.iter().find(|f| f["type"] == "interview").unwrap();
    assert_eq!(interview["role"], "candidate");
    back.send(json!({"type": "explanation", "content": "A hash map from value to index."}))
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let types = entry_types(&transcript(port, &id).await);
        if types.iter().any(|t| t == "approach_explained") {
            break;
        }
        assert!(Instant::now() < deadline, "the candidate's turn: {types:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_token_holder_is_the_operator_and_may_act() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-access-token", "tok-123"]).await;
    let mut owner = WsClient::connect_with_cookie(
        &app.ws_url("/ws?token=tok-123"),
        &format!("ic_key={}", "c3".repeat(32)),
    )
    .await;
    owner.expect("system").await;
    owner
        .send(json!({"type": "problem_description", "content": "Merge intervals."}))
        .await;
    let id = owner.expect("interview").await["interview_id"]
        .as_str()
        .unwrap()
        .to_string();
    let stream = interview_coach::domain::StreamId::new(format!("web:{id}"));

    let mut operator = app.ws(&format!("/ws/{id}?token=tok-123")).await;
    let frames = operator.until("replay_done").await;
    let interview = frames.iter().find(|f| f["type"] == "interview").unwrap();
    assert_eq!(interview["role"], "operator");
    operator
        .send(json!({"type": "end_session", "content": {}}))
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, events) = app.engine.load(&stream).await.unwrap();
        if let Some(ended) = events.iter().find_map(|e| match &e.event {
            Event::InterviewEnded(x) => Some(x.clone()),
            _ => None,
        }) {
            assert!(matches!(
                ended.by,
                interview_coach::domain::EndedBy::Member { .. }
            ));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the operator's end was not appended"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop().await;
}
