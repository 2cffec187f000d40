//! Sandbox test support: the real app (SQLite, port 0) with a canary API key in its
//! settings and in the process environment, its sandbox pool, a `/healthz` prober that
//! measures every answer while a hostile run goes on, and a process-table scan for a
//! marker planted in each run's argv.
#![allow(dead_code)]

use crate::web_common::serve_args;
use interview_coach::app::App;
use interview_coach::engine::SystemClock;
use interview_coach::sandbox::{File, Pool, Program, ProgramOutcome, Runtime, Sandbox, choose};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// The API key the service holds; no run may ever see it.
pub const CANARY: &str = "sk-ant-canary-7f3c9e1d";

pub struct Service {
    pub pool: Pool,
    pub addr: SocketAddr,
    pub db_path: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _db: crate::common::TestDb,
}

impl Service {
    /// The app with `SANDBOX=<sandbox>` (bwrap, landlock, ...), its key the canary.
    pub async fn start(sandbox: &str) -> Service {
        // SAFETY: set before the app starts any thread that reads the environment; the
        // value is only a canary.
        unsafe { std::env::set_var("ANTHROPIC_API_KEY", CANARY) };
        let db = crate::common::sqlite_db();
        let db_path = db
            .dir()
            .expect("sqlite test db has a directory")
            .join("log.db");
        let store = db.open().await;
        let args = serve_args(&[
            "--sandbox",
            sandbox,
            "--anthropic-api-key",
            CANARY,
            "--anthropic-base-url",
            "http://127.0.0.1:9",
            "--sandbox-runs-per-minute",
            "0",
        ]);
        let app = App::with_store(store, args, Arc::new(SystemClock))
            .await
            .expect("app starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], app.port()));
        let pool = app.sandbox().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = app
                .run_until_stopped(async {
                    let _ = stopped.await;
                })
                .await;
        });
        let service = Service {
            pool,
            addr,
            db_path,
            stop: Some(stop),
            task,
            _db: db,
        };
        service.wait_healthy().await;
        service
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(r) = reqwest::get(format!("http://{}/healthz", self.addr)).await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the app did not become healthy");
    }

    /// Runs `program` through the pool while probing `/healthz` every 50 ms; returns
    /// the outcome and the slowest probe.
    pub async fn run_probed(&self, program: Program) -> (ProgramOutcome, Duration) {
        let url = format!("http://{}/healthz", self.addr);
        let client = reqwest::Client::new();
        let (done_tx, mut done_rx) = oneshot::channel::<()>();
        let prober = tokio::spawn(async move {
            let mut slowest = Duration::ZERO;
            loop {
                let started = Instant::now();
                let answer = client.get(&url).send().await.expect("healthz answers");
                assert!(answer.status().is_success());
                slowest = slowest.max(started.elapsed());
                tokio::select! {
                    _ = &mut done_rx => return slowest,
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        });
        let outcome = self
            .pool
            .run_program(None, program, |_| {})
            .await
            .expect("the run is attempted");
        let _ = done_tx.send(());
        let slowest = prober.await.expect("prober");
        (outcome, slowest)
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(20), &mut self.task).await;
    }
}

/// A unique marker to plant in a run's argv.
/// The sandbox of `kind` (`bwrap`, `landlock`, ...) as the service would choose it,
/// with a scratch directory that lives as long as the returned guard.
pub async fn sandbox(kind: &str) -> (Sandbox, tempfile::TempDir) {
    let scratch = tempfile::tempdir().expect("scratch");
    let choice = choose(
        kind.parse().expect("kind"),
        scratch.path().to_path_buf(),
        None,
    )
    .await
    .expect("this machine has the sandbox");
    (choice.sandbox, scratch)
}

pub fn marker() -> String {
    format!("hostile-{}", uuid::Uuid::new_v4().simple())
}

/// A program of one file, with the marker as its only argument.
pub fn program(runtime: Runtime, main: &str, source: &str, marker: &str) -> Program {
    let mut program = Program::new(
        runtime,
        vec![File {
            path: main.to_string(),
            contents: source.as_bytes().to_vec(),
        }],
        main,
    );
    program.args = vec![marker.to_string()];
    program
}

/// A process name (at most 15 bytes, what `prctl(PR_SET_NAME)` keeps) unique to
/// `marker`: a run may name its processes with it, so that they are found even as
/// zombies, whose command line is empty.
pub fn short_name(marker: &str) -> String {
    let tail = &marker[marker.len().saturating_sub(13)..];
    format!("ic{tail}")
}

/// Processes, zombies included, whose command line holds `marker` or whose name is
/// `short_name(marker)`, not counting this test process.
pub fn processes_with(marker: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    let name = short_name(marker);
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            let marked = std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(marker))
                .unwrap_or(false);
            let named = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim_end() == name)
                .unwrap_or(false);
            marked || named
        })
        .collect()
}

/// Asserts that no process of the run is left, zombies included: a run returns only
/// once its reaper has killed and waited for every process of it, so the scan is made
/// at once, with no grace that another reaper (the machine's init) could use.
pub fn assert_nothing_left(marker: &str) {
    let left = processes_with(marker);
    assert!(
        left.is_empty(),
        "processes of the run are still there: {:?}",
        left.iter()
            .map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default())
            .collect::<Vec<_>>()
    );
}

/// The bound on every `/healthz` answer while a hostile run goes on.
pub const HEALTHZ_BOUND: Duration = Duration::from_millis(100);
