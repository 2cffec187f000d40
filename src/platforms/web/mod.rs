//! The web platform: the seed's WebSocket protocol at `/ws` and `/ws/{id}`, the read
//! API over every interview under `/api` (with live updates over SSE and signed share
//! links), and the built React page. docs/WEB-API.md is the contract.
//!
//! Handlers are thin: parse, turn into an engine `Command` or a question to the query
//! door, render. This
//! module must never decide interview rules, call an LLM, append except through
//! `Engine::execute`, send a 5xx detail or a secret to a client, or serve beyond
//! loopback without an access token.

mod api;
mod auth;
// issue 16: daily
pub mod client;
mod daily;
mod duels; // issue 16: duel
mod error;
mod hub;
mod identity;
mod live;
mod origin;
pub mod share;
pub mod sharing;
pub mod spend;
pub mod static_files;
mod transcript;
mod views;
pub mod ws;

pub use error::ApiError;
pub use share::ShareKey;

use crate::config::{Secret, ServeArgs};
use crate::domain::CoachConfig;
use crate::engine::Engine;
use crate::platforms::Services;
use crate::problems::ProblemBank;
use crate::queries::Queries;
use axum::Router;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

/// Why the web platform cannot start.
#[derive(Debug, Error)]
pub enum WebError {
    #[error(
        "BIND_ADDR {addr} is not a loopback address: set WEB_ACCESS_TOKEN to require a token on /api and /ws, or bind to 127.0.0.1"
    )]
    TokenRequired { addr: SocketAddr },
}

/// Refuse to serve beyond loopback unless an access token is configured.
pub fn check_bind(args: &ServeArgs) -> Result<(), WebError> {
    if args.bind.ip().is_loopback() || access_token(args).is_some() {
        Ok(())
    } else {
        Err(WebError::TokenRequired { addr: args.bind })
    }
}

/// The configured access token; an empty value counts as unset.
fn access_token(args: &ServeArgs) -> Option<&Secret> {
    args.web_access_token
        .as_ref()
        .filter(|t| !t.expose().trim().is_empty())
}

/// What every web handler shares.
#[derive(Clone)]
pub struct Web {
    inner: Arc<Inner>,
}

struct Inner {
    /// Writes.
    engine: Engine,
    /// Reads.
    queries: Queries,
    token: Option<Secret>,
    /// Origins besides the service's own whose pages may use `/api` and `/ws`.
    allowed_origins: Vec<String>,
    share_key: ShareKey,
    /// How long a new share link opens.
    share_ttl: chrono::Duration,
    dist: PathBuf,
    hub: hub::Hub,
    coach: CoachConfig,
    /// Bank problems' statements, for transcripts.
    problems: Arc<ProblemBank>,
    interview_ids: live::InterviewIds,
    /// Fires when the server starts shutting down: sockets and SSE streams end.
    shutdown: CancellationToken,
    /// Per-address limits on starting interviews and on coach turns.
    spend: spend::SpendLimits,
    /// How often a WebSocket is pinged; no pong by the next ping closes it.
    ws_ping: Duration,
    /// Runs candidates' code (`run_code`) through the sandbox pool.
    runner: crate::runs::Runner,
}

impl Web {
    /// Start the web platform's background routing (subscribed to the feed from now on).
    pub fn start(
        services: Services,
        args: &ServeArgs,
        share_key: ShareKey,
        shutdown: CancellationToken,
    ) -> Web {
        let hub = hub::Hub::start(&services.engine, shutdown.clone());
        let dist = static_files::resolve_dist(args.web_dist_dir.as_deref());
        if !dist.join("index.html").is_file() {
            tracing::warn!(dist = %dist.display(), "the web page is not built; / answers 503 with instructions");
        }
        Web {
            inner: Arc::new(Inner {
                engine: services.engine,
                queries: services.queries,
                token: access_token(args).cloned(),
                allowed_origins: args
                    .web_allowed_origins
                    .iter()
                    .map(|o| origin::normalise(o))
                    .filter(|o| !o.is_empty())
                    .collect(),
                share_key,
                share_ttl: chrono::Duration::days(i64::from(args.web_share_ttl_days)),
                dist,
                hub,
                coach: services.coach,
                problems: services.problems,
                runner: services.runner,
                interview_ids: live::InterviewIds::default(),
                shutdown,
                spend: spend::SpendLimits::new(
                    args.limits.web_start_rate_per_hour,
                    args.limits.web_turn_rate_per_minute,
                ),
                ws_ping: Duration::from_secs(args.limits.ws_ping_seconds.max(1)),
            }),
        }
    }

    /// Every route of the web platform.
    pub fn router(&self) -> Router {
        let guarded = Router::new()
            .route("/api/interviews", get(api::list))
            .route("/api/interviews/{id}", get(api::show))
            .route("/api/interviews/{id}/share", post(sharing::create))
            .route("/api/share/{token}/revoke", post(sharing::revoke_route))
            .route("/api/members/{member_id}/progress", get(api::progress))
            .route("/api/live", get(live::live))
            .route("/ws", get(ws::start))
            .route("/ws/{id}", get(ws::resume))
            .route_layer(axum::middleware::from_fn_with_state(
                self.clone(),
                auth::require_token,
            ));
        Router::new()
            .merge(guarded)
            .route("/api/share/{token}", get(sharing::shared))
            .route("/api/{*rest}", get(api_not_found).post(api_not_found))
            .merge(static_files::routes(&self.inner.dist))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                origin::guard,
            ))
            .with_state(self.clone())
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn queries(&self) -> &Queries {
        &self.inner.queries
    }

    pub fn access_token(&self) -> Option<&str> {
        self.inner.token.as_ref().map(Secret::expose)
    }

    pub fn allowed_origins(&self) -> &[String] {
        &self.inner.allowed_origins
    }

    pub fn share_key(&self) -> &ShareKey {
        &self.inner.share_key
    }

    pub fn share_ttl(&self) -> chrono::Duration {
        self.inner.share_ttl
    }

    pub fn dist(&self) -> &Path {
        &self.inner.dist
    }

    pub fn shutdown(&self) -> &CancellationToken {
        &self.inner.shutdown
    }

    /// The coach set-up recorded in a new web interview.
    pub fn coach_config(&self) -> CoachConfig {
        self.inner.coach.clone()
    }

    pub fn problems(&self) -> &ProblemBank {
        &self.inner.problems
    }

    pub fn runner(&self) -> &crate::runs::Runner {
        &self.inner.runner
    }

    pub fn spend(&self) -> &spend::SpendLimits {
        &self.inner.spend
    }

    pub fn ws_ping(&self) -> Duration {
        self.inner.ws_ping
    }

    fn hub(&self) -> &hub::Hub {
        &self.inner.hub
    }

    fn interview_ids(&self) -> &live::InterviewIds {
        &self.inner.interview_ids
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("no such API route")
}
