//! Sandbox overhead, printed as figures for BENCHMARKS.md: an empty Python program
//! (`python3 main.py`, the file empty) run bare (a plain child process with an empty
//! environment, in a fresh temporary directory) and through the sandbox's two local
//! backends (bubblewrap namespaces, Landlock + seccomp), `SANDBOX_BENCH_N` times each
//! (default 200), interleaved so that load on the machine falls on all three alike. A
//! sandboxed run is `Sandbox::run_program`: a fresh workspace, the confined process and
//! its reaper, the teardown. Prints p50 and p99 of each and what each backend adds.
//!
//! Run: `cargo bench --bench sandbox`

use interview_coach::sandbox::{File, Program, Runtime, Sandbox, Status};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

fn empty_program() -> Program {
    Program::new(
        Runtime::Python,
        vec![File {
            path: "main.py".into(),
            contents: Vec::new(),
        }],
        "main.py",
    )
}

/// The same program as a plain child process: a fresh directory holding the empty file,
/// an empty environment but PATH, wait for its end.
fn bare(scratch: &std::path::Path) -> Duration {
    let started = Instant::now();
    let dir = tempfile::tempdir_in(scratch).expect("a temporary directory");
    std::fs::write(dir.path().join("main.py"), b"").expect("the empty file");
    let status = Command::new(PYTHON)
        .arg("main.py")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    drop(dir);
    started.elapsed()
}

async fn confined(sandbox: &Sandbox) -> Duration {
    let started = Instant::now();
    let outcome = sandbox
        .run_program(empty_program())
        .await
        .expect("the run is attempted");
    let run = outcome.run.expect("it ran");
    assert_eq!(
        run.status,
        Status::Exited(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("SANDBOX_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let scratch = tempfile::tempdir().expect("scratch");
    let bwrap = Sandbox::namespaces(scratch.path().join("bwrap"), None).expect("bubblewrap");
    let landlock = Sandbox::landlocked(scratch.path().join("landlock")).expect("Landlock");
    for dir in ["bwrap", "landlock"] {
        std::fs::create_dir_all(scratch.path().join(dir)).expect("scratch dirs");
    }
    // Warm the page cache and the runtimes' discovery.
    for _ in 0..5 {
        bare(scratch.path());
        confined(&bwrap).await;
        confined(&landlock).await;
    }
    let (mut b, mut w, mut l) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        b.push(bare(scratch.path()));
        w.push(confined(&bwrap).await);
        l.push(confined(&landlock).await);
    }
    for v in [&mut b, &mut w, &mut l] {
        v.sort();
    }
    let (b50, b99) = (percentile(&b, 0.5), percentile(&b, 0.99));
    println!("empty Python program, {n} runs each (ms)");
    println!("| | p50 | p99 | added at p50 | added at p99 |");
    println!("|---|---|---|---|---|");
    println!("| bare | {:.1} | {:.1} | | |", ms(b50), ms(b99));
    for (name, v) in [("bubblewrap", &w), ("Landlock + seccomp", &l)] {
        let (p50, p99) = (percentile(v, 0.5), percentile(v, 0.99));
        println!(
            "| {name} | {:.1} | {:.1} | +{:.1} | +{:.1} |",
            ms(p50),
            ms(p99),
            ms(p50) - ms(b50),
            ms(p99) - ms(b99)
        );
    }
}
