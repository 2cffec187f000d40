//! The HTTP Events API transport: `/slack/events`, `/slack/commands` and
//! `/slack/interactions` on the app's axum server. The signature is checked against
//! the raw body before anything else reads it (401 and nothing appended on failure);
//! then the work is spawned and Slack gets its ack at once, well inside 3 s. Retries
//! (`X-Slack-Retry-Num`) are answered the same way: the engine's idempotency keys make
//! them append nothing new.

use super::handlers::Handler;
use super::inbound::{self, Inbound};
use super::signature;
use crate::config::Secret;
use crate::engine::Clock;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use std::sync::Arc;

/// Largest request body accepted (a message event with long code fits easily).
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
struct Transport {
    secret: Secret,
    clock: Arc<dyn Clock>,
    handler: Arc<Handler>,
}

/// The Events API routes, checking signatures with `secret` against `clock`.
pub fn router(secret: Secret, clock: Arc<dyn Clock>, handler: Arc<Handler>) -> Router {
    Router::new()
        .route("/slack/events", post(events))
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(Transport {
            secret,
            clock,
            handler,
        })
}

impl Transport {
    /// The 401 to answer when the request is not signed by Slack.
    fn refuse(&self, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let checked = signature::verify(
            self.secret.expose(),
            header("x-slack-request-timestamp"),
            header("x-slack-signature"),
            body,
            self.clock.now(),
        );
        if let Err(e) = checked {
            tracing::warn!(error = %e, "refused a Slack request");
            return Some((StatusCode::UNAUTHORIZED, "invalid Slack signature").into_response());
        }
        if let Some(n) = header("x-slack-retry-num") {
            let reason = header("x-slack-retry-reason");
            tracing::debug!(retry = n, reason, "Slack retried a request");
        }
        None
    }

    fn accept(&self, inbound: Option<Inbound>) -> Response {
        match inbound {
            Some(inbound) => {
                self.handler.spawn(inbound);
                StatusCode::OK.into_response()
            }
            None => (StatusCode::BAD_REQUEST, "unreadable Slack payload").into_response(),
        }
    }
}

async fn events(State(t): State<Transport>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = t.refuse(&headers, &body) {
        return refused;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return t.accept(None);
    };
    if json["type"] == "url_verification" {
        return Json(serde_json::json!({"challenge": json["challenge"]})).into_response();
    }
    t.accept(Some(inbound::parse_event(&json)))
}

async fn commands(State(t): State<Transport>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = t.refuse(&headers, &body) {
        return refused;
    }
    t.accept(inbound::parse_command_form(&body).map(Inbound::Command))
}

async fn interactions(State(t): State<Transport>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = t.refuse(&headers, &body) {
        return refused;
    }
    t.accept(inbound::interaction_json(&body).map(|p| inbound::parse_interaction(&p)))
}
