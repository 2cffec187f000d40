//! `ApiError`: the one way an HTTP handler of the web platform fails. Client errors say
//! what was wrong; server errors are logged with their cause and answered with a generic
//! message, never the detail.

use crate::engine::EngineError;
use crate::queries::QueryError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ApiError {
    /// Nothing with that id (or the share link does not verify).
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    BadRequest(String),
    /// Missing or wrong access token.
    #[error("unauthorized: send the access token as `Authorization: Bearer` or `?token=`")]
    Unauthorized,
    /// The page is not built; the message says how to build it.
    #[error("{0}")]
    Unavailable(String),
    #[error("storage failure: {0}")]
    Store(#[from] QueryError),
    #[error("engine failure: {0}")]
    Engine(#[from] EngineError),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) | ApiError::Engine(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %self, "web request failed");
            let body =
                Json(json!({ "error": "internal error; the details are in the server log" }));
            return (status, body).into_response();
        }
        if let ApiError::Unavailable(text) = self {
            return (status, text).into_response();
        }
        let mut response = (status, Json(json!({ "error": self.to_string() }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
