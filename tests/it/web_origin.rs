//! Other web pages cannot drive or read the service: a WebSocket upgrade or an API call
//! from another origin is refused with 403 and appends nothing, a rebound name (`Host:
//! evil.example`) reads nothing without the access token, and the page's own requests
//! (and a listed origin's) still work. Real app on port 0, real HTTP and WebSocket
//! clients.

use crate::common;
use crate::web_common::TestApp;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// The status of a WebSocket upgrade to `url` sent with `origin`, and the socket when
/// it was accepted.
async fn upgrade(
    url: &str,
    origin: &str,
) -> (
    u16,
    Option<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    >,
) {
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Origin", HeaderValue::from_str(origin).unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((ws, response)) => (response.status().as_u16(), Some(ws)),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            (response.status().as_u16(), None)
        }
        Err(e) => panic!("the upgrade got no HTTP answer: {e}"),
    }
}

async fn interviews(app: &TestApp) -> Vec<Value> {
    let list: Value = reqwest::get(app.url("/api/interviews"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["interviews"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_from_another_origin_is_refused_and_appends_nothing() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let (status, ws) = upgrade(&app.ws_url("/ws"), "http://evil.example").await;
    assert_eq!(status, 403);
    assert!(ws.is_none());
    let (status, _) = upgrade(
        &app.ws_url(&format!("/ws/{}", uuid::Uuid::new_v4())),
        "http://evil.example",
    )
    .await;
    assert_eq!(status, 403, "a resume from another origin too");
    assert!(interviews(&app).await.is_empty(), "nothing was appended");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_own_origin_still_starts_an_interview() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let own = format!("http://{}", app.addr);
    let (status, ws) = upgrade(&app.ws_url("/ws"), &own).await;
    assert_eq!(status, 101);
    let mut ws = crate::web_common::WsClient::from_stream(ws.unwrap());
    ws.expect("system").await;
    ws.send(json!({"type": "problem_description", "content": "Two sum"}))
        .await;
    ws.expect("interview").await;
    assert_eq!(interviews(&app).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_call_from_another_origin_is_refused_and_a_listed_one_passes() {
    let db = common::sqlite_db();
    let app = TestApp::start(
        db.open().await,
        &["--web-allowed-origins", "https://coach.example.org"],
    )
    .await;
    let client = reqwest::Client::new();
    let status = |origin: &'static str| {
        let request = client
            .get(app.url("/api/interviews"))
            .header("Origin", origin);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status("http://evil.example").await, 403);
    assert_eq!(status("null").await, 403);
    assert_eq!(status("https://coach.example.org").await, 200);
    let refused = client
        .post(app.url(&format!("/api/interviews/{}/share", uuid::Uuid::new_v4())))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("cross-origin")),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_name_reads_nothing_without_the_access_token() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let client = reqwest::Client::new();
    for path in ["/api/interviews", "/", "/ws"] {
        let response = client
            .get(app.url(path))
            .header("Host", format!("evil.example:{}", app.addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 421, "{path}");
    }
    let own = client
        .get(app.url("/api/interviews"))
        .header("Host", format!("localhost:{}", app.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_access_token_any_name_is_served_but_origins_are_still_checked() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-access-token", "t0k"]).await;
    let client = reqwest::Client::new();
    let named = client
        .get(app.url("/api/interviews?token=t0k"))
        .header("Host", "coach.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(named.status().as_u16(), 200);
    let cross = client
        .get(app.url("/api/interviews?token=t0k"))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status().as_u16(), 403);
    app.stop().await;
}
