//! Web test support: the real app on port 0 over a given store (SQLite file or
//! Postgres), a WebSocket client that speaks docs/WEB-API.md, and a fake `dist/`
//! directory so static serving is tested without Node.
#![allow(dead_code)]

pub mod fake_claude;

use clap::Parser;
use fake_claude::FakeClaude;
use futures::{SinkExt, StreamExt};
use interview_coach::app::App;
use interview_coach::config::ServeArgs;
use interview_coach::engine::{Clock, Engine, SystemClock};
use interview_coach::ports::Storage;
use interview_coach::telemetry::Readiness;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for one frame.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(20);

/// Serve settings from flags (`--bind 127.0.0.1:0` unless `extra` binds elsewhere).
pub fn serve_args(extra: &[&str]) -> ServeArgs {
    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        args: ServeArgs,
    }
    let mut argv = vec!["interview-coach"];
    if !extra.contains(&"--bind") {
        argv.extend(["--bind", "127.0.0.1:0"]);
    }
    argv.extend_from_slice(extra);
    Only::try_parse_from(argv).expect("valid serve flags").args
}

/// A fake built page: index.html, a script, a stylesheet, a font and the favicon.
pub fn fake_dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).expect("assets dir");
    let write =
        |name: &str, body: &str| std::fs::write(dir.path().join(name), body).expect("write");
    write(
        "index.html",
        "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-abc.js\"></script></head><body><div id=\"root\"></div></body></html>",
    );
    write(
        "favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
    );
    write("assets/index-abc.js", "console.log('page');");
    write("assets/index-abc.css", "body{}");
    write("assets/codicon-abc.ttf", "ttf");
    dir
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// The `--metrics-addr` listener, when the test asked for one.
    pub metrics_addr: Option<SocketAddr>,
    /// What `/readyz` reports (a test may mark the app draining).
    pub readiness: Readiness,
    pub engine: Engine,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dist: Option<tempfile::TempDir>,
    /// A coach LLM that never answers, unless the test brought its own: the tests then
    /// append the coach's events themselves, and no configuration failure races them.
    _stalled: Option<FakeClaude>,
}

impl TestApp {
    /// Start the app on `store` with a fake page (unless `extra` names one) and a
    /// stalled coach LLM (unless `extra` names one).
    pub async fn start(store: Arc<dyn Storage>, extra: &[&str]) -> TestApp {
        TestApp::start_with_clock(store, extra, Arc::new(SystemClock)).await
    }

    /// As `start`, on a clock the test moves.
    pub async fn start_with_clock(
        store: Arc<dyn Storage>,
        extra: &[&str],
        clock: Arc<dyn Clock>,
    ) -> TestApp {
        let has_dist = extra.contains(&"--web-dist-dir");
        let dist = (!has_dist).then(fake_dist);
        let mut flags: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        if let Some(d) = &dist {
            flags.extend(["--web-dist-dir".to_string(), d.path().display().to_string()]);
        }
        let stalled = if extra.contains(&"--anthropic-base-url") {
            None
        } else {
            let fake = FakeClaude::start().await;
            fake.set_latency(Duration::from_secs(3600));
            flags.extend(fake.flags());
            Some(fake)
        };
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let app = App::with_store(store, serve_args(&flags), clock)
            .await
            .expect("app starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], app.port()));
        let metrics_addr = app
            .metrics_port()
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port)));
        let readiness = app.readiness();
        let engine = app.engine().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            app.run_until_stopped(async {
                let _ = stopped.await;
            })
            .await
            .expect("app runs");
        });
        let test = TestApp {
            addr,
            metrics_addr,
            readiness,
            engine,
            stop: Some(stop),
            task,
            _dist: dist,
            _stalled: stalled,
        };
        test.wait_healthy().await;
        test
    }

    async fn wait_healthy(&self) {
        for _ in 0..100 {
            if let Ok(r) = reqwest::get(self.url("/healthz")).await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the app did not become healthy");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.addr)
    }

    pub async fn ws(&self, path: &str) -> WsClient {
        WsClient::connect(&self.ws_url(path)).await
    }

    /// The id of the only interview in the list.
    pub async fn only_interview_id(&self) -> String {
        let list: serde_json::Value = reqwest::get(self.url("/api/interviews"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list["interviews"][0]["interview_id"]
            .as_str()
            .expect("one interview")
            .to_string()
    }

    /// Stop: the HTTP server closes at once; background work (a coach turn waiting on a
    /// stalled LLM) gets a few seconds, then is dropped.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(Duration::from_secs(3), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

/// A WebSocket client that reads JSON frames.
pub struct WsClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// The message types of the seed protocol (server -> client).
pub const SEED_TYPES: [&str; 5] = [
    "system",
    "ai_response",
    "code_analysis",
    "session_summary",
    "error",
];

impl WsClient {
    /// A client on a socket the test opened itself (e.g. with its own headers).
    pub fn from_stream(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> WsClient {
        WsClient { ws }
    }

    /// A client that sends `cookie` (`name=value`) with its upgrade, as a browser would.
    pub async fn connect_with_cookie(url: &str, cookie: &str) -> WsClient {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().expect("a websocket url");
        request
            .headers_mut()
            .insert("Cookie", cookie.parse().expect("a cookie header value"));
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket connects");
        WsClient { ws }
    }

    pub async fn connect(url: &str) -> WsClient {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        WsClient { ws }
    }

    pub async fn send(&mut self, frame: Value) {
        self.send_text(&frame.to_string()).await;
    }

    /// Send, reporting whether the connection took it (a server that closes on an
    /// oversized frame may reset the connection mid-send).
    pub async fn try_send(&mut self, frame: Value) -> bool {
        self.ws.send(Message::text(frame.to_string())).await.is_ok()
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("send a frame");
    }

    /// The next JSON frame; `None` when the server closed the connection.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next())
                .await
                .expect("a frame within the timeout");
            match message {
                Some(Ok(Message::Text(t))) => {
                    return Some(serde_json::from_str(t.as_str()).expect("frames are JSON"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next frame of type `ty`, skipping others.
    pub async fn expect(&mut self, ty: &str) -> Value {
        loop {
            let frame = self
                .next()
                .await
                .unwrap_or_else(|| panic!("closed while waiting for {ty}"));
            if frame["type"] == ty {
                return frame;
            }
        }
    }

    /// Every frame up to and including the first of type `ty`.
    pub async fn until(&mut self, ty: &str) -> Vec<Value> {
        let mut frames = Vec::new();
        loop {
            let frame = self
                .next()
                .await
                .unwrap_or_else(|| panic!("closed while waiting for {ty}; got {frames:?}"));
            let done = frame["type"] == ty;
            frames.push(frame);
            if done {
                return frames;
            }
        }
    }

    /// The next frame of the seed protocol, ignoring extension frames as a seed client
    /// does.
    pub async fn next_seed(&mut self) -> Value {
        loop {
            let frame = self.next().await.expect("a seed frame before the close");
            let ty = frame["type"].as_str().unwrap_or_default();
            if SEED_TYPES.contains(&ty) {
                return frame;
            }
        }
    }

    /// The next JSON frame within `window`, or `None` when none came; panics on a close.
    pub async fn next_within(&mut self, window: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + window;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(t)))) => {
                    return Some(serde_json::from_str(t.as_str()).expect("frames are JSON"));
                }
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                    panic!("the server closed the connection")
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Frames that arrive within `window` (for checking that nothing more comes).
    pub async fn drain_for(&mut self, window: Duration) -> Vec<Value> {
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(Ok(m))) = tokio::time::timeout_at(deadline, self.ws.next()).await {
            if let Message::Text(t) = m {
                frames.push(serde_json::from_str(t.as_str()).expect("JSON"));
            }
        }
        frames
    }

    /// Wait for the server to close; returns the close code if one was sent.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next())
                .await
                .expect("the close within the timeout");
            match message {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }
}
