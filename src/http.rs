//! The HTTP surface: `/healthz` (the process answers), `/readyz` (this instance should
//! take traffic: the database answers, the configured platforms are connected, it is
//! not draining), the web platform's routes (page, API, WebSocket) and Slack's (Events
//! API), behind the security headers every response carries, a request-body limit, and
//! a trace span per request that records the path but never the query (it may hold the
//! access token). `/metrics` is served only by the separate `METRICS_ADDR` listener
//! (`metrics_router`), never here. Handlers are thin; 5xx details are logged, never sent.

use crate::platforms::web::{Web, static_files};
use crate::queries::Queries;
use crate::telemetry::{NotReady, Readiness, exporter};
use axum::extract::Request;
use axum::response::{IntoResponse, Json, Response};
use axum::{Router, extract::State, http::StatusCode, http::header, routing::get};
use metrics_exporter_prometheus::PrometheusHandle;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Largest HTTP request body accepted (the API takes only small JSON bodies).
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route: `/healthz`, the web platform's (page, API, WebSocket, under the 64 KiB
/// body limit) and `slack`'s (its own 1 MiB limit), all behind the security headers and
/// the trace span.
pub fn router(queries: Queries, readiness: Readiness, web: Web, slack: Router) -> Router {
    let web = web
        .router()
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state((queries, readiness))
        .merge(web)
        .merge(slack)
        // An explicit fallback keeps the headers below on 404s (a merge replaces a
        // default fallback).
        .fallback(not_found);
    static_files::security_headers(router).layer(TraceLayer::new_for_http().make_span_with(
        |req: &Request| tracing::debug_span!("http", method = %req.method(), path = %req.uri().path()),
    ))
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "not found")
}

/// `ok` when the database answers.
async fn healthz(State((queries, _)): State<(Queries, Readiness)>) -> (StatusCode, &'static str) {
    match queries.head().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// How long `/readyz` waits for the database before calling it gone.
const READY_DB_TIMEOUT: Duration = Duration::from_secs(2);

/// 200 `{"ready": true}` when this instance should take traffic; else 503 with the
/// first reason it should not.
async fn readyz(State((queries, readiness)): State<(Queries, Readiness)>) -> Response {
    let ready = match readiness.check() {
        Err(NotReady::Draining) => Err(NotReady::Draining),
        platforms => match tokio::time::timeout(READY_DB_TIMEOUT, queries.head()).await {
            Ok(Ok(_)) => platforms,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the database failed");
                Err(NotReady::Database)
            }
            Err(_) => {
                tracing::warn!("readiness: the database did not answer in time");
                Err(NotReady::Database)
            }
        },
    };
    match ready {
        Ok(()) => Json(serde_json::json!({"ready": true})).into_response(),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"ready": false, "reason": why.reason()})),
        )
            .into_response(),
    }
}

/// The `METRICS_ADDR` listener's only route: `GET /metrics` in the Prometheus text
/// format; anything else is 404.
pub fn metrics_router(handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(handle)
        .fallback(not_found)
}

async fn metrics(State(handle): State<PrometheusHandle>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        exporter::render(&handle),
    )
        .into_response()
}
