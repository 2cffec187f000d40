//! A fake Slack Socket Mode server for several instances at once: every instance opens
//! its connections at `{url}/{its app token}` (see `FakeSlack::set_socket_url_per_token`),
//! each gets `hello`, and the test sends an envelope to one connection of the instance
//! it chooses, as Slack sends each event to one of an app's connections. It records the
//! envelope ids acknowledged. It never sends an envelope to more than one connection.
#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

/// One open Socket Mode connection.
struct Connection {
    /// The app token it was opened with (which instance).
    token: String,
    to_app: mpsc::UnboundedSender<Value>,
    open: Arc<AtomicBool>,
}

#[derive(Default)]
struct Hub {
    connections: Mutex<Vec<Connection>>,
    /// Envelope ids acknowledged, in order, with the token of the connection.
    acks: Mutex<Vec<(String, String)>>,
}

#[derive(Clone)]
pub struct SocketHub {
    url: String,
    hub: Arc<Hub>,
}

impl SocketHub {
    pub async fn start() -> SocketHub {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("ws://{}/link", listener.local_addr().expect("addr"));
        let hub = Arc::new(Hub::default());
        let accepting = hub.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(serve(accepting.clone(), tcp));
            }
        });
        SocketHub { url, hub }
    }

    /// The base URL to give `FakeSlack::set_socket_url_per_token`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connections open now for `token`.
    pub fn open(&self, token: &str) -> usize {
        let connections = self.hub.connections.lock().unwrap();
        connections
            .iter()
            .filter(|c| c.token == token && c.open.load(Ordering::SeqCst))
            .count()
    }

    /// Sends `envelope` on one open connection of `token`; false when it has none.
    pub fn send(&self, token: &str, envelope: &Value) -> bool {
        let connections = self.hub.connections.lock().unwrap();
        connections
            .iter()
            .filter(|c| c.token == token && c.open.load(Ordering::SeqCst))
            .any(|c| c.to_app.send(envelope.clone()).is_ok())
    }

    /// Whether `envelope_id` was acknowledged.
    pub fn acked(&self, envelope_id: &str) -> bool {
        self.hub
            .acks
            .lock()
            .unwrap()
            .iter()
            .any(|(id, _)| id == envelope_id)
    }

    /// Sends `envelope` to `token`'s instance until it is acknowledged (the instance
    /// connects in the background); panics after 30 s.
    pub async fn deliver(&self, token: &str, envelope: &Value) {
        let id = envelope["envelope_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while tokio::time::Instant::now() < deadline {
            if self.send(token, envelope) {
                let sent = tokio::time::Instant::now();
                while sent.elapsed() < std::time::Duration::from_secs(2) {
                    if self.acked(&id) {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            } else {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
        panic!("{token} never acknowledged {id}");
    }
}

// The handshake callback's signature (a large `Err`) is tungstenite's `Callback`.
#[allow(clippy::result_large_err)]
async fn serve(hub: Arc<Hub>, tcp: tokio::net::TcpStream) {
    let path = Arc::new(Mutex::new(String::new()));
    let seen = path.clone();
    let callback = move |req: &Request, res: Response| {
        *seen.lock().unwrap() = req.uri().path().to_string();
        Ok(res)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
        return;
    };
    let token = path
        .lock()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let (mut sink, mut stream) = ws.split();
    let hello = json!({"type": "hello", "num_connections": 1,
        "debug_info": {"host": "fake-hub", "approximate_connection_time": 3600},
        "connection_info": {"app_id": "A1"}});
    if sink.send(Message::text(hello.to_string())).await.is_err() {
        return;
    }
    let (to_app, mut outgoing) = mpsc::unbounded_channel::<Value>();
    let open = Arc::new(AtomicBool::new(true));
    hub.connections.lock().unwrap().push(Connection {
        token: token.clone(),
        to_app,
        open: open.clone(),
    });
    let writer = tokio::spawn(async move {
        while let Some(v) = outgoing.recv().await {
            if sink.send(Message::text(v.to_string())).await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(frame)) = stream.next().await {
        if let Message::Text(t) = frame
            && let Ok(v) = serde_json::from_str::<Value>(&t)
            && let Some(id) = v["envelope_id"].as_str()
        {
            hub.acks
                .lock()
                .unwrap()
                .push((id.to_string(), token.clone()));
        }
    }
    open.store(false, Ordering::SeqCst);
    writer.abort();
}
