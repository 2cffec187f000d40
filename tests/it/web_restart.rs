//! Exactly once across a crash: the real binary is killed (SIGKILL) while the fake Claude
//! is still answering a code submission, then started again on the same SQLite file.
//! The client reconnects to `/ws/{id}` and gets the analysis exactly once, and the log
//! holds exactly one `CodeAnalyzed`. A share link made before the crash still opens after
//! it (its key is kept in the database).
//!
//! The restarted coach takes the turn over when the dead instance's lease expires
//! (`COACH_LEASE_SECONDS`, 5 s here).

use crate::web_common;

use interview_coach::domain::{Event, StreamId};
use interview_coach::store::{self, StoreOptions};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use web_common::WsClient;
use web_common::fake_claude::FakeClaude;

/// The server process; killed when dropped, so a failing test leaves nothing behind.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on now, for a service started on it next. It is
/// drawn below the kernel's ephemeral range (32768-60999 on Linux), from which the
/// parallel tests' outgoing connections take their local ports: a port the kernel
/// handed out from there could become one of theirs before the service binds it
/// ("Address already in use"). A port is handed out once per test process, so two
/// services of one test never get the same one.
pub(crate) fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let port = rand::random_range(20_000..32_000);
        if !given.contains(&port) && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            given.push(port);
            return port;
        }
    }
}

/// The service binary on `port` with its SQLite log in `dir`, coached by `fake` with no
/// cooldown, no access token and warnings only; callers add their own settings.
pub(crate) fn service(dir: &std::path::Path, port: u16, fake: &FakeClaude) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    command
        .current_dir(dir)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", format!("sqlite://{}/log.db", dir.display()))
        .env("ANTHROPIC_API_KEY", "fake-key")
        .env("ANTHROPIC_BASE_URL", fake.url())
        .env("ANTHROPIC_MODEL", "claude-fake")
        .env("COACH_COOLDOWN_SECONDS", "0")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("WEB_ACCESS_TOKEN")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

pub(crate) fn start(dir: &std::path::Path, port: u16, fake: &FakeClaude) -> Server {
    let child = service(dir, port, fake)
        .env("COACH_LEASE_SECONDS", "5")
        .spawn()
        .expect("the binary starts");
    Server(child)
}

pub(crate) async fn wait_healthy(port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
    for _ in 0..200 {
        if reqwest::get(&url)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_during_an_analysis_still_delivers_it_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeClaude::start().await;
    fake.set_analysis_delay(Duration::from_secs(5));
    let port = free_port();
    let first = start(dir.path(), port, &fake);
    wait_healthy(port).await;

    let mut c = WsClient::connect(&format!("ws://127.0.0.1:{port}/ws")).await;
    c.next().await;
    c.send(json!({"type": "problem_description", "content": "Two Sum: find two numbers adding up to target."}))
        .await;
    let id = c.expect("interview").await["interview_id"]
        .as_str()
        .unwrap()
        .to_string();
    c.expect("ai_response").await;
    c.send(json!({"type": "code_submission", "code": "def f(nums, t):\n    return None\n", "language": "python"}))
        .await;
    let asked = Instant::now();
    while fake.analyses() == 0 {
        assert!(
            asked.elapsed() < Duration::from_secs(20),
            "the coach never asked for the analysis"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shared: Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/interviews/{id}/share"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let share_url = format!(
        "http://127.0.0.1:{port}/api{}",
        shared["url"].as_str().unwrap()
    );
    // The fake is answering (5 s delay): kill the server now, mid-answer.
    drop(first);
    fake.set_analysis_delay(Duration::ZERO);
    let _second = start(dir.path(), port, &fake);
    wait_healthy(port).await;

    let reopened = reqwest::get(&share_url).await.unwrap();
    assert_eq!(
        reopened.status(),
        reqwest::StatusCode::OK,
        "the share link survives a restart"
    );
    let mut c = WsClient::connect(&format!("ws://127.0.0.1:{port}/ws/{id}")).await;
    let mut frames: Vec<Value> = c.until("replay_done").await;
    let deadline = Instant::now() + Duration::from_secs(180);
    while !frames.iter().any(|f| f["type"] == "code_analysis") {
        assert!(
            Instant::now() < deadline,
            "no analysis after the restart: {frames:?}"
        );
        if let Some(f) = c.next_within(Duration::from_secs(10)).await {
            frames.push(f);
        }
    }
    frames.extend(c.drain_for(Duration::from_secs(3)).await);
    let analyses = frames
        .iter()
        .filter(|f| f["type"] == "code_analysis")
        .count();
    assert_eq!(analyses, 1, "{frames:?}");
    assert!(
        fake.analyses() >= 2,
        "the analysis was asked for again after the restart"
    );

    let url = format!("sqlite://{}/log.db", dir.path().display());
    let log = store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let events = log
        .read_stream(&StreamId::new(format!("web:{id}")), 1)
        .await
        .unwrap();
    let in_log = events
        .iter()
        .filter(|e| matches!(e.event, Event::CodeAnalyzed(_)))
        .count();
    assert_eq!(in_log, 1);
}
