//! Share links expire and can be revoked one by one (issue 15): a link carries its expiry
//! (`WEB_SHARE_TTL_DAYS`) inside the signed token and is checked against the injected
//! clock; a revoked link (the web API, or `interview-coach share revoke` on the real
//! binary) is a `ShareRevoked` event in the log, so it stays revoked on every instance
//! sharing the database. An expired or revoked link gets a 404 and a page saying so;
//! other links of the same interview stay open.

use crate::common::{self, TestDb};
use crate::web_common::TestApp;
use chrono::Duration;
use common::fixtures::*;
use interview_coach::domain::{Event, StreamId};
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::platforms::web::ShareKey;
use interview_coach::platforms::web::share::ShareClaim;
use interview_coach::store::{self, StoreOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

async fn make_link(app: &TestApp, id: Uuid) -> Value {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/interviews/{id}/share")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The API's status and error for a link, and the page's status and text.
async fn open(app: &TestApp, url: &str) -> (StatusCode, Value, StatusCode, String) {
    let api = reqwest::get(app.url(&format!("/api{url}"))).await.unwrap();
    let api_status = api.status();
    let body: Value = api.json().await.unwrap();
    let page = reqwest::get(app.url(url)).await.unwrap();
    let page_status = page.status();
    (api_status, body, page_status, page.text().await.unwrap())
}

fn revocations(events: &[interview_coach::queries::RecordedEvent]) -> Vec<Uuid> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::ShareRevoked(r) => Some(r.share_id),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_link_opens_until_its_expiry_on_the_injected_clock() {
    let db = common::sqlite_db();
    let clock = Arc::new(ManualClock::new(t0()));
    let store = db.open().await;
    let app = TestApp::start_with_clock(store, &["--web-share-ttl-days", "2"], clock.clone()).await;
    let id = Uuid::new_v4();
    run_scripted_interview(&app.engine, id, discord_place("930")).await;
    let link = make_link(&app, id).await;
    let url = link["url"].as_str().unwrap().to_string();
    assert_eq!(
        link["expires_at"],
        (t0() + Duration::days(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let (api, body, page, html) = open(&app, &url).await;
    assert_eq!((api, page), (StatusCode::OK, StatusCode::OK));
    assert_eq!(body["interview"]["interview_id"], id.to_string());
    assert!(html.contains("id=\"root\""), "the page itself");

    clock.advance(Duration::days(2) - Duration::seconds(1));
    assert_eq!(open(&app, &url).await.0, StatusCode::OK, "not yet expired");
    clock.advance(Duration::seconds(1));
    let (api, body, page, html) = open(&app, &url).await;
    assert_eq!((api, page), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(body["error"], "This link has expired or was revoked.");
    assert!(
        html.contains("This link has expired or was revoked"),
        "{html}"
    );
    assert!(!html.contains("id=\"root\""));
    app.stop().await;
}

/// Revoked on one instance, refused on another over the same database; the interview's
/// other link stays open; a second revocation appends nothing.
async fn a_revoked_link_is_refused_on_every_instance_and_others_stay_open(db: &TestDb) {
    let a = TestApp::start(db.open().await, &[]).await;
    let b = TestApp::start(db.open().await, &[]).await;
    let id = Uuid::new_v4();
    let stream = run_scripted_interview(&a.engine, id, discord_place("931")).await;
    let first = make_link(&a, id).await;
    let second = make_link(&a, id).await;
    assert_ne!(first["share_id"], second["share_id"]);
    let url = first["url"].as_str().unwrap();
    let other = second["url"].as_str().unwrap();
    assert_eq!(open(&b, url).await.0, StatusCode::OK, "one key for all");

    let token = url.trim_start_matches("/share/");
    let revoke = |app: &TestApp| {
        reqwest::Client::new()
            .post(app.url(&format!("/api/share/{token}/revoke")))
            .json(&json!({}))
            .send()
    };
    let done: Value = revoke(&a).await.unwrap().json().await.unwrap();
    assert_eq!(done["share_id"], first["share_id"]);
    assert_eq!(done["already"], false);
    let (api, body, page, html) = open(&b, url).await;
    assert_eq!((api, page), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(body["error"], "This link has expired or was revoked.");
    assert!(html.contains("This link has expired or was revoked"));
    assert_eq!(open(&a, url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(open(&b, other).await.0, StatusCode::OK, "the other link");

    let again: Value = revoke(&b).await.unwrap().json().await.unwrap();
    assert_eq!(again["already"], true);
    let (_, events) = a.engine.load(&stream).await.unwrap();
    let share_id: Uuid = first["share_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(revocations(&events), vec![share_id]);
    let r = reqwest::Client::new()
        .post(a.url("/api/share/not-a-token/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    a.stop().await;
    b.stop().await;
}

per_backend!(a_revoked_link_is_refused_on_every_instance_and_others_stay_open);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_needs_the_access_token_but_opening_does_not() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-access-token", "tok-9"]).await;
    let id = Uuid::new_v4();
    run_scripted_interview(&app.engine, id, discord_place("932")).await;
    let client = reqwest::Client::new();
    let link: Value = client
        .post(app.url(&format!("/api/interviews/{id}/share")))
        .bearer_auth("tok-9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = link["url"].as_str().unwrap();
    let revoke = app.url(&format!("/api{url}/revoke"));
    let r = client.post(&revoke).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(open(&app, url).await.0, StatusCode::OK);
    let r = client
        .post(&revoke)
        .bearer_auth("tok-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(open(&app, url).await.0, StatusCode::NOT_FOUND);
    app.stop().await;
}

fn binary(dir: &std::path::Path, url: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    cmd.current_dir(dir)
        .env("DATABASE_URL", url)
        .env_remove("WEB_SHARE_SECRET")
        .env("RUST_LOG", "warn");
    cmd
}

/// `interview-coach share revoke <link>` on the real binary: the link's revocation is in
/// the log (so the service refuses it), a repeat says so, and a bad link is one clear
/// error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_revoke_on_the_command_line_revokes_one_link() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/log.db", dir.path().display());
    let store = store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let engine = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let id = Uuid::new_v4();
    let stream: StreamId = run_scripted_interview(&engine, id, discord_place("933")).await;
    let key: ShareKey = interview_coach::app::share_key(store.as_ref(), None)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let revoked = ShareClaim::new(id, now, Duration::days(30));
    let kept = ShareClaim::new(id, now, Duration::days(30));
    let link = format!("http://127.0.0.1:8000/share/{}", key.sign(&revoked));

    let out = binary(dir.path(), &url)
        .args(["share", "revoke", &link])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "share link {} of interview {id} is revoked",
            revoked.share_id
        )),
        "{stdout}"
    );
    let out = binary(dir.path(), &url)
        .args(["share", "revoke", &link])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("was already revoked"));
    let events = store.read_stream(&stream, 1).await.unwrap();
    assert_eq!(revocations(&events), vec![revoked.share_id]);

    let app = TestApp::start(store.clone(), &[]).await;
    let revoked_url = format!("/share/{}", key.sign(&revoked));
    let kept_url = format!("/share/{}", key.sign(&kept));
    assert_eq!(open(&app, &revoked_url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(open(&app, &kept_url).await.0, StatusCode::OK);
    app.stop().await;

    let foreign = ShareKey::from_stored("another key").sign(&kept);
    let out = binary(dir.path(), &url)
        .args(["share", "revoke", &foreign])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.starts_with("error:") && err.contains("not a share link"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
