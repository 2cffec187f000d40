//! The HTTP surface: health now; the web platform's routes merge in here. Handlers are
//! thin; 5xx details are logged, never sent.

use crate::engine::Engine;
use axum::{Router, extract::State, http::StatusCode, routing::get};

pub fn router(engine: Engine) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(engine)
}

/// `ok` when the database answers.
async fn healthz(State(engine): State<Engine>) -> (StatusCode, &'static str) {
    match engine.store().head().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
