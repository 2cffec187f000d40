//! The browser test: the page's own end-to-end spec (`web/e2e`, Playwright driving
//! Debian's headless Chromium) against the REAL server and its coach, with a fake Claude
//! whose replies carry XSS payloads: a whole interview through the page (Monaco typing,
//! analysis, chat, resume, hint, summary, transcript, share link, list, progress) and
//! the XSS run (candidate and model markup render inert), and the retry run (the fake
//! refuses a `[fail]` message until the page's Retry). The page is opened with
//! `?token=`, and the server requires that access token.
//!
//! Skipped with a message when Node, Chromium or the built page is missing, unless
//! `CI=true`, where that is a failure (`.ci/run` installs them).

use crate::common;
use crate::web_common;

use std::path::{Path, PathBuf};
use std::time::Duration;
use web_common::TestApp;
use web_common::fake_claude::FakeClaude;

const TOKEN: &str = "browser-test-token";

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web")
}

/// What is missing to run the browser test, if anything.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} is missing (apt-get install -y chromium)"
        ));
    }
    let web = web_dir();
    if !web.join("node_modules/playwright-core").is_dir() {
        return Some("web/node_modules is missing (cd web && npm ci)".into());
    }
    if !web.join("dist/index.html").is_file() {
        return Some("web/dist is not built (cd web && npm run build)".into());
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_runs_a_whole_interview_in_headless_chromium_against_the_real_server() {
    if let Some(why) = missing() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the browser test cannot run in CI: {why}");
        }
        eprintln!("skipping the browser test: {why}");
        return;
    }
    let fake = FakeClaude::start().await;
    fake.set_latency(Duration::from_millis(150));
    // With one second of retry budget the coach makes exactly two attempts, so two
    // refusals fail the turn and the Retry's request is answered.
    fake.arm_fail_switch(2);
    let dist = web_dir().join("dist").display().to_string();
    let mut flags = fake.flags();
    flags.extend(
        [
            "--web-dist-dir",
            &dist,
            "--coach-max-retry-seconds",
            "1",
            "--web-access-token",
            TOKEN,
        ]
        .map(String::from),
    );
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &flags).await;

    let screenshot = std::env::temp_dir().join(format!("web-shot-{}.png", std::process::id()));
    let run = tokio::process::Command::new("node")
        .arg("e2e/run.mjs")
        .current_dir(web_dir())
        .env("BASE_URL", app.url(""))
        .env("SCREENSHOT", &screenshot)
        .env("E2E_TIMEOUT", "60000")
        .env("E2E_TOKEN", TOKEN)
        .env("E2E_FAIL_SWITCH", "1")
        .env_remove("FAKE_SERVER")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("the browser test finishes within 10 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("pass 3") && stdout.contains("fail 0"),
        "all three flows ran:\n{stdout}"
    );
    assert!(fake.calls() > 0, "the page talked to the real coach");
    app.stop().await;
}
