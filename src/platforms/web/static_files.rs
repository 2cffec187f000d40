//! The built React page (`web/dist`): `index.html` at `/` and `/share/{token}` (when the
//! link opens: `sharing`), hashed
//! assets cached forever, and the security headers every response carries (a CSP with no
//! inline script, `nosniff`, no referrer, no framing).
//!
//! It serves only files under the dist directory, and when the page is not built it
//! says how to build it instead of failing obscurely.

use super::{ApiError, Web, identity};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; font-src 'self' data:";

const NOT_BUILT: &str = "The web page is not built yet.\n\nInstall Node.js 20 or newer and run `cargo build` again (build.rs builds the page), or build it by hand:\n\n    cd web && npm ci && npm run build\n\nthen reload this page. The API (/api) and WebSocket (/ws) work without it.\n";

/// `WEB_DIST_DIR`, else `web/dist` of the working directory, else of the source tree.
pub fn resolve_dist(configured: Option<&Path>) -> PathBuf {
    if let Some(dir) = configured {
        return dir.to_path_buf();
    }
    let local = PathBuf::from("web/dist");
    if local.join("index.html").is_file() {
        return local;
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/dist");
    if source.join("index.html").is_file() {
        return source;
    }
    local
}

/// The page's routes (public: the page itself needs no token).
pub fn routes(dist: &Path) -> Router<Web> {
    let immutable = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    let assets: Router = Router::new()
        .fallback_service(ServeDir::new(dist.join("assets")))
        .layer(immutable);
    Router::new()
        .route("/", get(index))
        .route("/share/{token}", get(super::sharing::page))
        .route_service("/favicon.svg", ServeFile::new(dist.join("favicon.svg")))
        .nest_service("/assets", assets)
}

/// `index.html`, with a member cookie for a browser that has none.
pub(super) async fn index(State(web): State<Web>, headers: HeaderMap) -> Response {
    let path = web.dist().join("index.html");
    let html = match tokio::fs::read(&path).await {
        Ok(html) => html,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return ApiError::Unavailable(NOT_BUILT.to_string()).into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "cannot read the web page");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the web page",
            )
                .into_response();
        }
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response();
    if identity::member_id(&headers).is_none() {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, identity::new_cookie());
    }
    response
}

/// The headers every response carries.
pub fn security_headers(router: Router) -> Router {
    let set =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
}
