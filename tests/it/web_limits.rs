//! The web platform's limits on greedy clients (issue 15, items 3 and 4), against the
//! real app on port 0: a WebSocket that never answers pings is closed after one ping
//! period of grace while one that answers stays open, and the per-address limits on
//! starting interviews and on coach turns refuse the next one with an `error` frame and
//! append nothing, while another address is unaffected.

use crate::common;
use crate::web_common::{TestApp, WsClient};

use futures::{SinkExt, StreamExt};
use interview_coach::domain::{Event, StreamId};
use serde_json::{Value, json};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// A raw TCP connection that performs the WebSocket handshake on `/ws` and then only
/// reads bytes: it never parses frames, so it never answers a ping.
async fn silent_websocket(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await.expect("handshake");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).await.expect("handshake answer");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    s
}

/// Everything the server sends until it closes the connection, or a panic at `deadline`.
async fn read_until_closed(s: &mut TcpStream, deadline: Instant) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => panic!("the silent socket is still open at the deadline"),
            Ok(Ok(0)) | Ok(Err(_)) => return got,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// The server frames in `bytes` (unmasked, as a server sends them): (opcode, payload).
fn frames(mut bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while bytes.len() >= 2 {
        let opcode = bytes[0] & 0x0f;
        let (len, header) = match bytes[1] & 0x7f {
            126 => (usize::from(u16::from_be_bytes([bytes[2], bytes[3]])), 4),
            127 => panic!("no frame here is that long"),
            n => (usize::from(n), 2),
        };
        out.push((opcode, bytes[header..header + len].to_vec()));
        bytes = &bytes[header + len..];
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_that_never_answers_pings_is_closed_and_one_that_answers_stays_open() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--ws-ping-seconds", "1"]).await;
    let (answering, _) = tokio_tungstenite::connect_async(app.ws_url("/ws"))
        .await
        .expect("connect");
    // The answering client reads all along (tungstenite answers each ping as it reads).
    let answering = tokio::spawn(answer_three_pings_then_start(answering));
    let mut silent = silent_websocket(app.addr).await;

    // The silent socket: a ping after one period, then the close (4408) at the next.
    let got = read_until_closed(&mut silent, Instant::now() + Duration::from_secs(15)).await;
    let frames = frames(&got);
    let opcodes: Vec<u8> = frames.iter().map(|(op, _)| *op).collect();
    assert_eq!(
        opcodes.first(),
        Some(&0x1),
        "the welcome first: {opcodes:?}"
    );
    assert!(opcodes.contains(&0x9), "a ping came: {opcodes:?}");
    let (op, payload) = frames.last().expect("frames");
    assert_eq!(*op, 0x8, "ends with a close frame: {opcodes:?}");
    assert_eq!(
        u16::from_be_bytes([payload[0], payload[1]]),
        4408,
        "{}",
        String::from_utf8_lossy(&payload[2..])
    );
    answering.await.expect("the answering client stayed open");
    app.stop().await;
}

/// Read (answering pings) until three pings came without a close, then start an
/// interview: the socket still works.
async fn answer_three_pings_then_start(
    mut ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut pings = 0;
    while pings < 3 {
        let message = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("three pings within the deadline");
        match message {
            Some(Ok(Message::Ping(_))) => pings += 1,
            Some(Ok(Message::Text(_))) => {}
            other => panic!("the answering socket ended: {other:?}"),
        }
    }
    ws.send(Message::text(
        json!({"type": "problem_description", "content": "Two Sum"}).to_string(),
    ))
    .await
    .expect("send");
    loop {
        let message = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("an answer");
        match message {
            Some(Ok(Message::Text(t))) => {
                let frame: Value = serde_json::from_str(t.as_str()).expect("JSON");
                if frame["type"] == "interview" {
                    return;
                }
            }
            Some(Ok(Message::Ping(_))) => {}
            other => panic!("the answering socket ended: {other:?}"),
        }
    }
}

/// A WebSocket client on `/ws` connecting from the loopback address `source`.
async fn ws_from(app: &TestApp, source: Ipv4Addr) -> WsClient {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::from((source, 0))).expect("bind");
    let tcp = socket.connect(app.addr).await.expect("connect");
    let tcp = tokio_tungstenite::MaybeTlsStream::Plain(tcp);
    let (ws, _) = tokio_tungstenite::client_async(app.ws_url("/ws"), tcp)
        .await
        .expect("upgrade");
    WsClient::from_stream(ws)
}

async fn interview_count(app: &TestApp) -> usize {
    let list: Value = reqwest::get(app.url("/api/interviews"))
        .await
        .expect("list")
        .json()
        .await
        .expect("JSON");
    list["interviews"].as_array().map_or(0, Vec::len)
}

/// Send a problem on a fresh socket: the `interview` frame's stream, or the `error`.
async fn start(c: &mut WsClient) -> Result<StreamId, String> {
    assert_eq!(c.next().await.expect("welcome")["type"], "system");
    c.send(json!({"type": "problem_description", "content": "Two Sum\nReturn two indices."}))
        .await;
    loop {
        let frame = c.next().await.expect("an answer to the problem");
        match frame["type"].as_str() {
            Some("interview") => {
                return Ok(StreamId::new(frame["stream_id"].as_str().expect("stream")));
            }
            Some("error") => return Err(frame["message"].as_str().unwrap_or("").to_string()),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_third_start_from_one_address_within_the_hour_is_refused_and_appends_nothing() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-start-rate-per-hour", "2"]).await;
    let a = Ipv4Addr::new(127, 0, 3, 1);
    for _ in 0..2 {
        start(&mut ws_from(&app, a).await).await.expect("started");
    }
    let refused = start(&mut ws_from(&app, a).await)
        .await
        .expect_err("refused");
    assert!(
        refused.starts_with("Slow down: your network started 2 interviews in the last hour")
            && refused.contains("try again in 30 minutes"),
        "{refused}"
    );
    assert_eq!(interview_count(&app).await, 2, "nothing appended");
    start(&mut ws_from(&app, Ipv4Addr::new(127, 0, 3, 2)).await)
        .await
        .expect("another address starts");
    assert_eq!(interview_count(&app).await, 3);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coach_turns_over_the_per_minute_limit_are_refused_and_append_nothing() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-turn-rate-per-minute", "3"]).await;
    let mut c = ws_from(&app, Ipv4Addr::new(127, 0, 4, 1)).await;
    let stream = start(&mut c).await.expect("started");
    for i in 0..4 {
        c.send(json!({"type": "message", "content": format!("turn {i}")}))
            .await;
    }
    let refusal = c.expect("error").await;
    let message = refusal["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("Slow down: your network asked the coach 3 times in the last minute")
            && message.contains("wait 20 s, then send it again"),
        "{message}"
    );
    let messages = |events: &[interview_coach::ports::RecordedEvent]| {
        events
            .iter()
            .filter(|e| matches!(e.event, Event::CandidateMessage(_)))
            .count()
    };
    let (_, events) = app.engine.load(&stream).await.expect("load");
    assert_eq!(messages(&events), 3, "the fourth turn appended nothing");

    // Another address has its own allowance.
    let mut other = ws_from(&app, Ipv4Addr::new(127, 0, 4, 2)).await;
    let other_stream = start(&mut other).await.expect("started");
    other
        .send(json!({"type": "message", "content": "hello"}))
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, events) = app.engine.load(&other_stream).await.expect("load");
        if messages(&events) == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other address's turn was not appended"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    app.stop().await;
}
