//! A gate in front of a fake LLM, one per instance of the service: it forwards every
//! request to the fake behind it, except that while it is closed it holds requests
//! (without answering) until it is opened again. Tests of several instances use it to
//! know which instance is in the middle of an LLM turn and to kill that one mid-turn.
//! It never answers anything itself and never changes what the fake answers.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::watch;

struct Inner {
    /// The fake LLM's base URL.
    target: String,
    client: reqwest::Client,
    /// True while requests are held.
    closed: watch::Sender<bool>,
    received: AtomicUsize,
    /// Requests received and not answered yet (held or being forwarded).
    waiting: AtomicUsize,
}

#[derive(Clone)]
pub struct LlmGate {
    url: String,
    inner: Arc<Inner>,
}

/// Counts a request as waiting until it is answered or its caller goes away.
struct Waiting(Arc<Inner>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LlmGate {
    /// A gate (open) forwarding to `target`.
    pub async fn start(target: &str) -> LlmGate {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Inner {
            target: target.trim_end_matches('/').to_string(),
            client: reqwest::Client::new(),
            closed: watch::channel(false).0,
            received: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
        });
        let app = Router::new().fallback(forward).with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        LlmGate { url, inner }
    }

    /// The base URL to give the instance (`ANTHROPIC_BASE_URL`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Hold every request from now on until [`LlmGate::open`].
    pub fn close(&self) {
        self.inner.closed.send_replace(true);
    }

    /// Let held and later requests through.
    pub fn open(&self) {
        self.inner.closed.send_replace(false);
    }

    pub fn received(&self) -> usize {
        self.inner.received.load(Ordering::SeqCst)
    }

    /// Requests not answered yet (held, or at the fake).
    pub fn waiting(&self) -> usize {
        self.inner.waiting.load(Ordering::SeqCst)
    }
}

async fn forward(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    inner.received.fetch_add(1, Ordering::SeqCst);
    inner.waiting.fetch_add(1, Ordering::SeqCst);
    let _waiting = Waiting(inner.clone());
    let mut closed = inner.closed.subscribe();
    let _ = closed.wait_for(|held| !held).await;
    let mut request = inner
        .client
        .post(format!("{}{}", inner.target, uri.path()))
        .body(body);
    for name in [
        "content-type",
        "x-api-key",
        "anthropic-version",
        "anthropic-beta",
    ] {
        if let Some(v) = headers.get(name) {
            request = request.header(name, v);
        }
    }
    let Ok(answer) = request.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HeaderMap::new();
    for (name, value) in answer.headers() {
        if matches!(name.as_str(), "content-type" | "request-id" | "retry-after") {
            out.insert(name.clone(), value.clone());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    (status, out, bytes).into_response()
}
