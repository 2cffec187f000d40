//! Share links over HTTP: making one (`POST /api/interviews/{id}/share`), opening one
//! (`GET /api/share/{token}` and the page at `/share/{token}`) and revoking one
//! (`POST /api/share/{token}/revoke`, and `interview-coach share revoke` through
//! [`revoke`]).
//!
//! A link opens while its signature holds, its expiry (read from the injected clock) is
//! ahead and the interview's log holds no `ShareRevoked` for its share id; otherwise it
//! is a 404 that says so. A revocation is an event appended through the engine, so it
//! holds across restarts and on every instance. This module never appends except
//! through `Engine::execute` and never tells a stranger more than "not valid" or
//! "expired or revoked".

use super::share::{ShareClaim, ShareKey};
use super::transcript::{self, Transcript};
use super::{ApiError, Web};
use crate::domain::{Command, DomainError, Event};
use crate::engine::{Engine, EngineError};
use crate::queries::{Loaded, Queries, QueryError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// The API's answer for a link that verifies but no longer opens.
const GONE: &str = "This link has expired or was revoked.";
/// The API's answer for a token that does not verify.
const INVALID: &str = "share link not found";

/// Why a link does not open.
#[derive(Debug, Error)]
pub enum Closed {
    #[error("the share link is not valid")]
    Invalid,
    #[error("the share link has expired or was revoked")]
    Gone,
    #[error(transparent)]
    Store(#[from] QueryError),
}

/// The interview a link opens at `now`.
async fn open(
    queries: &Queries,
    key: &ShareKey,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Loaded, Closed> {
    let claim = key.verify(token).ok_or(Closed::Invalid)?;
    if claim.expired(now) {
        return Err(Closed::Gone);
    }
    let loaded = find(queries, &claim.interview_id.to_string())
        .await?
        .ok_or(Closed::Invalid)?;
    if revoked(&loaded, &claim) {
        return Err(Closed::Gone);
    }
    Ok(loaded)
}

/// The interview with this id: a chat platform's is found through the interview list,
/// which may not have caught up with a just-started one yet.
async fn find(queries: &Queries, id: &str) -> Result<Option<Loaded>, QueryError> {
    if let Some(found) = queries.find(id).await? {
        return Ok(Some(found));
    }
    queries.settle().await?;
    queries.find(id).await
}

fn revoked(loaded: &Loaded, claim: &ShareClaim) -> bool {
    loaded
        .events
        .iter()
        .any(|e| matches!(&e.event, Event::ShareRevoked(r) if r.share_id == claim.share_id))
}

#[derive(Debug, Serialize)]
pub struct Created {
    url: String,
    share_id: String,
    expires_at: DateTime<Utc>,
}

/// `POST /api/interviews/{id}/share`: a new link anyone can open to read the transcript
/// until it expires (`WEB_SHARE_TTL_DAYS`) or is revoked.
pub async fn create(
    State(web): State<Web>,
    Path(id): Path<String>,
) -> Result<Json<Created>, ApiError> {
    let loaded = find(web.queries(), &id)
        .await?
        .ok_or(ApiError::NotFound("interview not found"))?;
    let started = loaded
        .started()
        .ok_or(ApiError::NotFound("interview not found"))?;
    let claim = ShareClaim::new(started.interview_id, web.engine().now(), web.share_ttl());
    Ok(Json(Created {
        url: format!("/share/{}", web.share_key().sign(&claim)),
        share_id: claim.share_id.to_string(),
        expires_at: claim.expires_at,
    }))
}

/// `GET /api/share/{token}`: the transcript a link opens (no access token needed).
pub async fn shared(
    State(web): State<Web>,
    Path(token): Path<String>,
) -> Result<Json<Transcript>, ApiError> {
    let now = web.engine().now();
    match open(web.queries(), web.share_key(), &token, now).await {
        Ok(loaded) => transcript::build(&loaded, web.problems())
            .map(Json)
            .ok_or(ApiError::NotFound(INVALID)),
        Err(Closed::Invalid) => Err(ApiError::NotFound(INVALID)),
        Err(Closed::Gone) => Err(ApiError::NotFound(GONE)),
        Err(Closed::Store(e)) => Err(e.into()),
    }
}

/// `GET /share/{token}`: the page, when the link opens; a 404 page saying why not.
pub async fn page(
    State(web): State<Web>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let now = web.engine().now();
    let (title, text) = match open(web.queries(), web.share_key(), &token, now).await {
        Ok(_) => return super::static_files::index(State(web), headers).await,
        Err(Closed::Gone) => (
            "This link has expired or was revoked",
            "The transcript is no longer shared through this link. Ask whoever sent it for a new one.",
        ),
        Err(Closed::Invalid) => (
            "This share link is not valid",
            "It may have been cut short or mistyped when it was copied. Ask whoever sent it for the whole link.",
        ),
        Err(Closed::Store(e)) => return ApiError::from(e).into_response(),
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5\"><h1>{title}</h1><p>{text}</p></body></html>"
    );
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// What revoking a link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Revoked {
    pub interview_id: uuid::Uuid,
    pub share_id: uuid::Uuid,
    /// It had been revoked before: nothing was appended this time.
    pub already: bool,
}

/// Why a link could not be revoked.
#[derive(Debug, Error)]
pub enum RevokeError {
    #[error(
        "not a share link of this service (check it was copied whole, and that WEB_SHARE_SECRET is the one it was made with)"
    )]
    Invalid,
    #[error("the interview this link names is not in the log")]
    NoInterview,
    #[error(transparent)]
    Store(#[from] QueryError),
    #[error(transparent)]
    Engine(EngineError),
}

/// Revoke the link `link` (a URL, a `/share/...` path or a token), expired or not.
pub async fn revoke(
    engine: &Engine,
    queries: &Queries,
    key: &ShareKey,
    link: &str,
) -> Result<Revoked, RevokeError> {
    let claim = key
        .verify(ShareKey::token_of(link))
        .ok_or(RevokeError::Invalid)?;
    let loaded = find(queries, &claim.interview_id.to_string())
        .await?
        .ok_or(RevokeError::NoInterview)?;
    let command = Command::RevokeShare {
        share_id: claim.share_id,
        at: engine.now(),
    };
    let already = match engine.execute(&loaded.stream, command, None).await {
        Ok(_) => false,
        Err(EngineError::Refused(DomainError::ShareAlreadyRevoked)) => true,
        Err(e) => return Err(RevokeError::Engine(e)),
    };
    Ok(Revoked {
        interview_id: claim.interview_id,
        share_id: claim.share_id,
        already,
    })
}

/// `POST /api/share/{token}/revoke` (behind the access token): revoke one link.
pub async fn revoke_route(
    State(web): State<Web>,
    Path(token): Path<String>,
) -> Result<Json<Revoked>, ApiError> {
    match revoke(web.engine(), web.queries(), web.share_key(), &token).await {
        Ok(done) => Ok(Json(done)),
        Err(RevokeError::Invalid | RevokeError::NoInterview) => Err(ApiError::NotFound(INVALID)),
        Err(RevokeError::Store(e)) => Err(e.into()),
        Err(RevokeError::Engine(e)) => Err(e.into()),
    }
}
