//! The access token: when `WEB_ACCESS_TOKEN` is set, every `/api` and `/ws` request must
//! carry it as `Authorization: Bearer <token>` or `?token=<token>` (WebSocket and
//! EventSource cannot send headers). Share links are checked by their own signature.
//!
//! The comparison is constant-time, and a token is never logged or echoed.

use super::{ApiError, Web};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Middleware: pass the request on when no token is configured or the right one is
/// presented; answer 401 otherwise.
pub async fn require_token(State(web): State<Web>, request: Request, next: Next) -> Response {
    let Some(expected) = web.access_token() else {
        return next.run(request).await;
    };
    let presented = bearer(request.headers()).or_else(|| query_token(request.uri()));
    match presented {
        Some(p) if same(&p, expected) => next.run(request).await,
        _ => ApiError::Unauthorized.into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn query_token(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Equal strings, compared without an early exit (over fixed-length digests, so the
/// time depends on neither the content nor the length of the guess).
pub fn same(presented: &str, expected: &str) -> bool {
    let a = Sha256::digest(presented.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("ab", "abc"));
        assert!(!same("", "abc"));
    }

    #[test]
    fn the_token_is_read_from_the_header_or_the_query() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer t0k".parse().unwrap());
        assert_eq!(bearer(&h).as_deref(), Some("t0k"));
        let uri: Uri = "/ws?x=1&token=a%20b".parse().unwrap();
        assert_eq!(query_token(&uri).as_deref(), Some("a b"));
        let uri: Uri = "/ws".parse().unwrap();
        assert_eq!(query_token(&uri), None);
    }
}
