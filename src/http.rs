//! The HTTP surface: `/healthz`, the web platform's routes (page, API, WebSocket) and
//! Slack's (Events API), behind the security headers every response carries, a
//! request-body limit, and a trace span per request that records the path but never the query (it may hold the
//! access token). Handlers are thin; 5xx details are logged, never sent.

use crate::platforms::web::{Web, static_files};
use crate::queries::Queries;
use axum::extract::Request;
use axum::{Router, extract::State, http::StatusCode, routing::get};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Largest HTTP request body accepted (the API takes only small JSON bodies).
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route: `/healthz`, the web platform's (page, API, WebSocket, under the 64 KiB
/// body limit) and `slack`'s (its own 1 MiB limit), all behind the security headers and
/// the trace span.
pub fn router(queries: Queries, web: Web, slack: Router) -> Router {
    let web = web
        .router()
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    let router = Router::new()
        .route("/healthz", get(healthz))
        .with_state(queries)
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
async fn healthz(State(queries): State<Queries>) -> (StatusCode, &'static str) {
    match queries.head().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
