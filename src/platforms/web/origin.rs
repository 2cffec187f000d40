//! Guards against other web pages: cross-site requests and DNS rebinding.
//!
//! - `Origin`: a WebSocket upgrade or an `/api` request that carries an `Origin` must come
//!   from the service's own origin (its authority equals the request's `Host`) or from
//!   one listed in `WEB_ALLOWED_ORIGINS`; otherwise 403. Browsers send `Origin` on every
//!   WebSocket upgrade and every cross-site `fetch`, so a page elsewhere cannot drive an
//!   interview on the operator's key; a client that is not a browser sends none and is
//!   governed by the access token instead.
//! - `Host`: without an access token the service is loopback-only, so a request whose
//!   `Host` is not a loopback name or address (`localhost`, `127.x.y.z`, `[::1]`) gets
//!   421: a rebound `evil.example` name reads nothing. The name is what a rebinding
//!   attack cannot fake; the port is not checked (it would add nothing).
//!
//! Neither check ever appends anything: a refused request stops here.

use super::Web;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Middleware on every web route (not on Slack's): the `Host` check when no access
/// token is configured, then the `Origin` check on `/api` and `/ws`.
pub async fn guard(State(web): State<Web>, request: Request, next: Next) -> Response {
    let host = host_of(&request);
    if web.access_token().is_none() && !host.as_deref().is_some_and(is_loopback_host) {
        return refusal(
            StatusCode::MISDIRECTED_REQUEST,
            "this service answers only on localhost; set WEB_ACCESS_TOKEN to serve other names",
        );
    }
    let path = request.uri().path();
    let guarded = path == "/ws" || path.starts_with("/ws/") || path.starts_with("/api/");
    if guarded && !origin_allowed(request.headers(), host.as_deref(), web.allowed_origins()) {
        return refusal(
            StatusCode::FORBIDDEN,
            "cross-origin request refused: open the page from this service, or list its origin in WEB_ALLOWED_ORIGINS",
        );
    }
    next.run(request).await
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// The authority the client asked for: the `Host` header, or the URI's (HTTP/2).
fn host_of(request: &Request) -> Option<String> {
    request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
}

/// `localhost`, an IPv4 loopback address or `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// No `Origin`, the service's own, or an allowed one.
pub fn origin_allowed(headers: &HeaderMap, host: Option<&str>, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = normalise(origin);
    if allowed.contains(&origin) {
        return true;
    }
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    match (authority, host) {
        (Some(authority), Some(host)) => authority.eq_ignore_ascii_case(host),
        _ => false,
    }
}

/// An origin as compared: lower case, without a trailing slash.
pub fn normalise(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_origin(origin: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        h
    }

    #[test]
    fn loopback_names_and_addresses_pass_and_other_names_do_not() {
        for host in [
            "localhost",
            "localhost:8000",
            "127.0.0.1:8000",
            "127.1.2.3",
            "[::1]:8000",
            "LOCALHOST:1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example:8000",
            "localhost.evil.example",
            "10.0.0.1:8000",
            "[::2]:8000",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn the_own_origin_passes_and_another_site_does_not() {
        let host = Some("127.0.0.1:8000");
        assert!(origin_allowed(&HeaderMap::new(), host, &[]));
        assert!(origin_allowed(
            &with_origin("http://127.0.0.1:8000"),
            host,
            &[]
        ));
        assert!(!origin_allowed(
            &with_origin("http://evil.example"),
            host,
            &[]
        ));
        assert!(!origin_allowed(&with_origin("null"), host, &[]));
        assert!(!origin_allowed(
            &with_origin("http://127.0.0.1:8001"),
            host,
            &[]
        ));
    }

    #[test]
    fn a_listed_origin_passes() {
        let allowed = vec![normalise("https://Coach.Example.org/")];
        assert!(origin_allowed(
            &with_origin("https://coach.example.org"),
            Some("127.0.0.1:8000"),
            &allowed
        ));
    }
}
