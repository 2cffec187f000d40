//! The HTTP side of the web platform against the real app: the read API over interviews
//! of every platform, member progress, live SSE, share links (valid, tampered), the
//! access token (401 without, 200 with; a non-loopback bind without one refuses to
//! start), the static page with its MIME types, CSP and security headers, and the 503
//! page when the page is not built.

use crate::common;
use crate::web_common;

use common::TestDb;
use common::fixtures::{discord_place, run_scripted_interview};
use futures::StreamExt;
use interview_coach::app::App;
use interview_coach::engine::SystemClock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;
use web_common::{TestApp, serve_args};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; font-src 'self' data:";

async fn get_json(url: &str) -> (StatusCode, Value) {
    let r = reqwest::get(url).await.expect("request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A web interview started over the socket; returns its id.
async fn web_interview(app: &TestApp, problem: &str) -> String {
    let mut c = app.ws("/ws").await;
    c.next().await;
    c.send(json!({"type": "problem_description", "content": problem}))
        .await;
    let iv = c.expect("interview").await;
    iv["interview_id"].as_str().unwrap().to_string()
}

/// List with filters, one transcript (by interview id and by stream id), member progress,
/// share links.
async fn the_read_api_covers_interviews_of_every_platform(db: &TestDb) {
    let app = TestApp::start(db.open().await, &[]).await;
    let discord_id = Uuid::new_v4();
    let stream = run_scripted_interview(&app.engine, discord_id, discord_place("900")).await;
    let web_id = web_interview(&app, "Two Sum\nFind the pair.").await;

    let (status, all) = get_json(&app.url("/api/interviews")).await;
    assert_eq!(status, StatusCode::OK);
    let rows = all["interviews"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["interview_id"], web_id.as_str(), "newest first");
    let discord = &rows[1];
    assert_eq!(discord["platform"], "discord");
    assert_eq!(
        discord["candidate"],
        json!({"id": "discord:1001", "name": "Maya"})
    );
    assert_eq!(discord["phase"], "summarised");
    assert_eq!(discord["last_score"], 7);
    assert_eq!(discord["submissions"], 1);
    for (query, expected) in [
        ("platform=discord", 1),
        ("platform=web", 1),
        ("member=discord:1001", 1),
        ("phase=summarised", 1),
        ("phase=approach", 1),
        ("place=discord:77", 1),
        ("limit=1", 1),
        ("platform=slack", 0),
    ] {
        let (_, v) = get_json(&app.url(&format!("/api/interviews?{query}"))).await;
        assert_eq!(
            v["interviews"].as_array().unwrap().len(),
            expected,
            "{query}"
        );
    }

    for key in [discord_id.to_string(), stream.to_string()] {
        let (status, t) = get_json(&app.url(&format!("/api/interviews/{key}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(t["interview"]["interview_id"], discord_id.to_string());
        assert_eq!(t["problem"]["title"], "Merge Intervals");
        let statement = t["problem"]["statement"].as_str().unwrap();
        assert!(
            statement.starts_with("# Merge Intervals") && statement.len() > 100,
            "the bank's statement"
        );
        let types: Vec<&str> = t["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "interview_started",
                "approach_explained",
                "coach_replied",
                "code_submitted",
                "code_analyzed",
                "candidate_message",
                "coach_replied",
                "interview_ended",
                "summary_written",
            ]
        );
        let entries = t["entries"].as_array().unwrap();
        assert_eq!(entries[3]["code"], common::fixtures::CODE);
        assert_eq!(entries[3]["language"], "python");
        assert_eq!(entries[3]["actor"]["id"], "discord:1001");
        assert_eq!(entries[4]["analysis"]["score"], 7);
        assert_eq!(entries[4]["actor"], Value::Null);
        assert_eq!(entries[2]["kind"], "approach_feedback");
        let summary = &entries[8]["summary"];
        assert_eq!(
            summary["session_data"],
            json!({"duration": "25 minutes", "submissions": 1})
        );
        assert_eq!(summary["hire_signal"], "lean_yes");
    }
    let (status, web) = get_json(&app.url(&format!("/api/interviews/{web_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(web["problem"]["statement"], "Two Sum\nFind the pair.");
    let (status, _) = get_json(&app.url(&format!("/api/interviews/{}", Uuid::new_v4()))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, p) = get_json(&app.url("/api/members/discord:1001/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["member"], json!({"id": "discord:1001", "name": "Maya"}));
    let points = p["points"].as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["score"], 7);
    assert_eq!(points[0]["problem_title"], "Merge Intervals");
    assert_eq!(points[0]["rubric"]["communication"]["score"], 3);
    let stats = &p["stats"];
    assert_eq!(stats["interviews_done"], 1);
    assert_eq!(stats["score"]["average"], 7.0);
    assert_eq!(stats["dimensions"][3]["dimension"], "testing");
    assert_eq!(stats["dimensions"][3]["trend"]["average"], 2.0);
    assert_eq!(stats["weakest_topics"][0]["average"], 7.0);
    assert_eq!(stats["problems_done"], json!(["merge-intervals"]));
    let next = p["next"]["problem_id"].as_str().expect("a suggestion");
    assert_ne!(next, "merge-intervals", "a problem not done yet");
    let (status, _) = get_json(&app.url("/api/members/discord:404/progress")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let client = reqwest::Client::new();
    let shared: Value = client
        .post(app.url(&format!("/api/interviews/{discord_id}/share")))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = shared["url"].as_str().unwrap();
    let token = url.strip_prefix("/share/").expect("a /share/ path");
    assert!(token.len() >= 40, "unguessable token: {token}");
    let (status, t) = get_json(&app.url(&format!("/api/share/{token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["interview"]["interview_id"], discord_id.to_string());
    let page = reqwest::get(app.url(url)).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("id=\"root\""));
    let mut tampered = token.to_string().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [tampered.as_str(), "nonsense", &discord_id.to_string()] {
        let (status, _) = get_json(&app.url(&format!("/api/share/{bad}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    app.stop().await;
}

per_backend!(the_read_api_covers_interviews_of_every_platform);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_arrive_over_server_sent_events() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let response = reqwest::get(app.url("/api/live")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = response.bytes_stream();
    let id = Uuid::new_v4();
    let engine = app.engine.clone();
    tokio::spawn(async move { run_scripted_interview(&engine, id, discord_place("902")).await });
    let mut text = String::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(Ok(chunk)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("summary_written") {
                return;
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no summary event in {text}");
    let first = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("data: ")
                .filter(|d| d.contains("interview_started"))
        })
        .expect("a data line");
    let event: Value = serde_json::from_str(first).unwrap();
    assert_eq!(event["interview_id"], id.to_string());
    assert_eq!(event["stream_id"], "discord:77:902");
    assert_eq!(event["version"], 1);
    assert!(event["at"].is_string());
    drop(body);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_token_guards_the_api_and_the_socket_but_not_share_links() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &["--web-access-token", "s3cret-token"]).await;
    let id = Uuid::new_v4();
    run_scripted_interview(&app.engine, id, discord_place("903")).await;
    let client = reqwest::Client::new();
    let list = app.url("/api/interviews");
    assert_eq!(
        reqwest::get(&list).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let wrong = client
        .get(&list)
        .bearer_auth("s3cret-tokeN")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let ok = client
        .get(&list)
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = reqwest::get(app.url("/api/interviews?token=s3cret-token"))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        tokio_tungstenite::connect_async(app.ws_url("/ws"))
            .await
            .is_err(),
        "socket without the token"
    );
    let mut c = web_common::WsClient::connect(&app.ws_url("/ws?token=s3cret-token")).await;
    assert_eq!(c.next().await.unwrap()["type"], "system");
    let live = reqwest::get(app.url("/api/live")).await.unwrap();
    assert_eq!(live.status(), StatusCode::UNAUTHORIZED);
    let shared: Value = client
        .post(app.url(&format!("/api/interviews/{id}/share")))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = shared["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/share/");
    let (status, _) = get_json(&app.url(&format!("/api/share/{token}"))).await;
    assert_eq!(status, StatusCode::OK, "share links need no access token");
    for open in ["/", "/healthz", "/assets/index-abc.js"] {
        assert_eq!(
            reqwest::get(app.url(open)).await.unwrap().status(),
            StatusCode::OK,
            "{open}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_non_loopback_bind_without_a_token_refuses_to_start() {
    let db = common::sqlite_db();
    let args = serve_args(&["--bind", "0.0.0.0:0"]);
    let err = match App::with_store(db.open().await, args, Arc::new(SystemClock)).await {
        Ok(_) => panic!("started without a token"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("WEB_ACCESS_TOKEN"), "{err}");
    assert!(!err.contains('\n'));
    let args = serve_args(&["--bind", "0.0.0.0:0", "--web-access-token", "t"]);
    assert!(
        App::with_store(db.open().await, args, Arc::new(SystemClock))
            .await
            .is_ok()
    );

    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .current_dir(dir.path())
        .env_remove("WEB_ACCESS_TOKEN")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/log.db", dir.path().display()),
        )
        .env("BIND_ADDR", "0.0.0.0:0")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error:") && lines[0].contains("WEB_ACCESS_TOKEN"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_served_with_its_mime_types_and_security_headers() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    for (path, mime) in [
        ("/", "text/html"),
        ("/assets/index-abc.js", "text/javascript"),
        ("/assets/index-abc.css", "text/css"),
        ("/assets/codicon-abc.ttf", "font/ttf"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let h = r.headers();
        assert!(
            h["content-type"].to_str().unwrap().starts_with(mime),
            "{path}: {:?}",
            h["content-type"]
        );
        assert_eq!(h["content-security-policy"], CSP, "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["x-frame-options"], "DENY");
    }
    let page = reqwest::get(app.url("/")).await.unwrap();
    assert!(
        page.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let asset = reqwest::get(app.url("/assets/index-abc.js")).await.unwrap();
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let bad_link = reqwest::get(app.url("/share/some-token")).await.unwrap();
    assert_eq!(bad_link.status(), StatusCode::NOT_FOUND);
    assert!(
        bad_link.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(bad_link.headers()["content-security-policy"], CSP);
    assert!(bad_link.text().await.unwrap().contains("not valid"));
    for (path, status) in [
        ("/healthz", StatusCode::OK),
        ("/api/interviews", StatusCode::OK),
        ("/assets/missing.js", StatusCode::NOT_FOUND),
        ("/assets/../index.html", StatusCode::NOT_FOUND),
        ("/api/nothing", StatusCode::NOT_FOUND),
    ] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(r.headers()["content-security-policy"], CSP, "{path}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_built_page_the_root_explains_how_to_build_it() {
    let db = common::sqlite_db();
    let empty = tempfile::tempdir().unwrap();
    let dir = empty.path().display().to_string();
    let app = TestApp::start(db.open().await, &["--web-dist-dir", &dir]).await;
    let r = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["content-security-policy"], CSP);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("npm ci") && text.contains("npm run build"),
        "{text}"
    );
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        StatusCode::OK
    );
    app.stop().await;
}
