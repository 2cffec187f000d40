//! Slack over Socket Mode, end to end: the real app connects (through a loopback fake
//! of `apps.connections.open`) to a fake Socket Mode WebSocket server that sends a
//! slash command and a redelivered thread reply, and checks every envelope is acked
//! and the redelivery appends and answers nothing new.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::FakeAnthropic;
use futures::{SinkExt, StreamExt};
use interview_coach::domain::Event;
use serde_json::{Value, json};
use slack_common::*;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// A fake Socket Mode server: every connection gets `hello`; the first one is wired to
/// the returned channels (frames to send, frames received).
async fn fake_socket() -> (
    String,
    mpsc::UnboundedSender<Value>,
    mpsc::UnboundedReceiver<Value>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/link", listener.local_addr().unwrap());
    let (to_app, mut outgoing) = mpsc::unbounded_channel::<Value>();
    let (received, from_app) = mpsc::unbounded_channel::<Value>();
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                continue;
            };
            let hello = json!({"type": "hello", "num_connections": 1,
                "debug_info": {"host": "fake-socket", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "A1"}});
            let _ = ws.send(Message::text(hello.to_string())).await;
            if !std::mem::take(&mut first) {
                // Later connections stay open and idle.
                tokio::spawn(async move { while let Some(Ok(_)) = ws.next().await {} });
                continue;
            }
            let received = received.clone();
            let (mut sink, mut stream) = ws.split();
            tokio::spawn(async move {
                while let Some(Ok(frame)) = stream.next().await {
                    if let Message::Text(t) = frame
                        && let Ok(v) = serde_json::from_str::<Value>(&t)
                    {
                        let _ = received.send(v);
                    }
                }
            });
            while let Some(v) = outgoing.recv().await {
                if sink.send(Message::text(v.to_string())).await.is_err() {
                    return;
                }
            }
        }
    });
    (url, to_app, from_app)
}

/// Wait for the ack of `envelope_id`.
async fn acked(acks: &mut mpsc::UnboundedReceiver<Value>, envelope_id: &str) {
    let wait = async {
        while let Some(v) = acks.recv().await {
            if v["envelope_id"] == envelope_id {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(3), wait)
        .await
        .unwrap_or_else(|_| panic!("no ack for {envelope_id} within 3 s"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_runs_an_interview_acks_every_envelope_and_answers_a_redelivery_once() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let (url, send, mut acks) = fake_socket().await;
    slack.set_socket_url(&url);
    let app = SlackApp::start_with(
        db.open().await,
        &slack,
        &llm.uri(),
        &["--slack-app-token", "xapp-test"],
    )
    .await;

    let command = json!({"envelope_id": "env-cmd", "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"team_id": TEAM, "channel_id": CHANNEL, "user_id": OMAR.0, "command": "/interview",
                    "text": "start two-sum", "response_url": "https://hooks.slack.com/commands/x",
                    "trigger_id": "trigger-socket"}});
    // The listener connects in the background: resend until the first ack.
    let mut connected = false;
    for _ in 0..50 {
        send.send(command.clone()).unwrap();
        if tokio::time::timeout(Duration::from_millis(200), acks.recv())
            .await
            .is_ok()
        {
            connected = true;
            break;
        }
    }
    assert!(connected, "the app never acked the slash command");
    wait_for("the root message", || {
        !slack.calls("chat.postMessage").is_empty()
    })
    .await;
    let root = slack.calls("chat.postMessage")[0].ts.clone().unwrap();
    let stream = stream_of(&root);
    let events = app.wait_events(&stream, |e| !e.is_empty()).await;
    let Event::InterviewStarted(started) = &events[0] else {
        panic!("not started: {events:?}")
    };
    // Socket Mode commands carry only the user id; the name comes from users.info.
    assert_eq!(started.candidate.name, "omar");

    let calls_before = llm.requests();
    let reply = thread_message(
        "Ev_socket",
        OMAR.0,
        &root,
        "1700000800.000001",
        "A hash map from value to index.",
    );
    for (i, retry) in [(1, 0), (2, 1), (3, 2)] {
        let envelope = json!({"envelope_id": format!("env-ev-{i}"), "type": "events_api",
            "accepts_response_payload": false, "retry_attempt": retry, "retry_reason": if retry > 0 { "timeout" } else { "" },
            "payload": reply});
        send.send(envelope).unwrap();
    }
    for i in 1..=3 {
        acked(&mut acks, &format!("env-ev-{i}")).await;
    }
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::CoachReplied(_)))
    })
    .await;
    wait_for("the reply in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
    // The sentinel: one more reply from Omar in a fourth envelope on the same socket,
    // after the three deliveries were acked (so handed to the handler). The coach
    // answers an interview's turns oldest first, so a turn from a redelivery would be
    // answered and posted before the sentinel's answer.
    let sentinel_reply = "Sentinel: noted.";
    *llm.default_text.lock().unwrap() = sentinel_reply.to_string();
    let sentinel = thread_message(
        "Ev_socket_sentinel",
        OMAR.0,
        &root,
        "1700000800.000002",
        "Noted.",
    );
    send.send(json!({"envelope_id": "env-ev-4", "type": "events_api",
        "accepts_response_payload": false, "retry_attempt": 0, "retry_reason": "",
        "payload": sentinel}))
        .unwrap();
    acked(&mut acks, "env-ev-4").await;
    wait_for("the coach's answer to the sentinel", || {
        slack
            .thread_posts(&root)
            .iter()
            .any(|p| p.body.to_string().contains(sentinel_reply))
    })
    .await;
    let events = app.events(&stream).await;
    let redelivered = events.iter().filter(|e| {
        matches!(e, Event::ApproachExplained(a) if a.text == "A hash map from value to index.")
            || matches!(e, Event::CandidateMessage(m) if m.text == "A hash map from value to index.")
    });
    assert_eq!(redelivered.count(), 1, "{events:?}");
    assert_eq!(llm.requests() - calls_before, 2, "one LLM call each");
    assert_eq!(slack.thread_posts(&root).len(), 2, "one reply each");
    assert_eq!(
        slack.calls("chat.postMessage").len(),
        3,
        "one root message, one reply each"
    );

    // Buttons arrive as `interactive` envelopes: a stranger pressing End is refused.
    let press = json!({"envelope_id": "env-end", "type": "interactive", "accepts_response_payload": false,
        "payload": button("ic_end", ANA, &root, "1700000800.000009")});
    send.send(press).unwrap();
    acked(&mut acks, "env-end").await;
    wait_for("the ephemeral refusal", || {
        !slack.calls("chat.postEphemeral").is_empty()
    })
    .await;
    assert_eq!(slack.calls("chat.postEphemeral")[0].body["user"], ANA.0);
    // Omar's End is accepted and the summary lands in the thread.
    let press = json!({"envelope_id": "env-end-2", "type": "interactive", "accepts_response_payload": false,
        "payload": button("ic_end", OMAR, &root, "1700000800.000010")});
    send.send(press).unwrap();
    acked(&mut acks, "env-end-2").await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
    })
    .await;
    wait_for("the summary in the thread", || {
        slack.thread_posts(&root).len() == 3
    })
    .await;
}
