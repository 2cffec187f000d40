//! Web load benchmark, printed as figures for BENCHMARKS.md: N concurrent interviews,
//! each a client speaking only the seed protocol (problem, explanation, code, message,
//! end), against the real binary (SQLite, `synchronous=FULL`) whose coach calls a fake
//! Claude on loopback that answers after a fixed latency. Reports the per-turn overhead
//! beyond the LLM latency (p50, p99, max), where it goes (from the log's timestamps: to
//! the log, coach before and after the LLM call, back to the client), and the server's
//! resident memory (peak and at the end, from /proc/PID/status), and the CPU time the
//! server spent per answered turn (utime + stime from /proc/PID/stat, all its threads,
//! from just before the clients connect to just after the last one finished).
//!
//! Run: `ulimit -n 8192; cargo bench --bench web_load`
//! Env: `WEB_LOAD_N` (default `100,1000`), `WEB_LOAD_LATENCY_MS` (200), `WEB_LOAD_THINK_MS`
//! (2000: the mean pause of a client before each turn, drawn from 0.5x to 1.5x),
//! `WEB_LOAD_SYNCHRONOUS` (`full`; `normal` to see what the fsyncs cost),
//! `WEB_LOAD_SERVER_LOG` (the server's `RUST_LOG`; default `error`), `WEB_LOAD_SERVER_BIN`
//! (another build of the server to run, e.g. a copy of the binary before a change),
//! `WEB_LOAD_PERF` (a file: `perf record` the server during the load, for a flame graph).

#[path = "../tests/it/web_common/fake_claude.rs"]
mod fake_claude;

use chrono::{DateTime, Utc};
use fake_claude::FakeClaude;
use futures::{SinkExt, StreamExt};
use interview_coach::domain::{Event, StreamId};
use interview_coach::store::{self, StoreOptions};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio_tungstenite::tungstenite::Message;

const CODE: &str = "def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i\n";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process in MiB: (current, peak).
fn rss_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// CPU time a process has used so far (user + system, all its threads), from
/// `/proc/PID/stat` (fields 14 and 15, in clock ticks).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces; count after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a constant of the system.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// `perf record` of the server's threads (DWARF call graphs) into `out`, for a flame
/// graph of where its CPU goes during the load (`WEB_LOAD_PERF=path`).
fn record_profile(pid: u32, out: &str) -> Child {
    let child = Command::new("perf")
        .args([
            "record",
            "-F",
            "499",
            "--call-graph",
            "dwarf,32768",
            "-o",
            out,
            "-p",
        ])
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("perf starts");
    // perf needs a moment to attach to every thread.
    std::thread::sleep(Duration::from_millis(500));
    child
}

/// Stop `perf record` (SIGINT makes it write its file) and wait for it.
fn stop_profile(mut perf: Child) {
    // SAFETY: kill only sends a signal to the child we started.
    unsafe { libc::kill(perf.id() as i32, libc::SIGINT) };
    let _ = perf.wait();
}

fn synchronous() -> String {
    std::env::var("WEB_LOAD_SYNCHRONOUS").unwrap_or_else(|_| "full".to_string())
}

fn start_server(dir: &std::path::Path, port: u16, fake: &FakeClaude) -> Server {
    let binary = std::env::var("WEB_LOAD_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_interview-coach").to_string());
    let child = Command::new(binary)
        .current_dir(dir)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bench.db", dir.display()),
        )
        .env("SQLITE_SYNCHRONOUS", synchronous())
        .env("ANTHROPIC_API_KEY", "fake-key")
        .env("ANTHROPIC_BASE_URL", fake.url())
        .env("ANTHROPIC_MODEL", "claude-fake")
        .env("COACH_COOLDOWN_SECONDS", "0")
        // Every client connects from 127.0.0.1: the per-address caps and spend limits
        // (issue 15) are lifted, and the total cap fits the largest run.
        .env("HTTP_MAX_CONNECTIONS", "8192")
        .env("HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0")
        .env("WEB_START_RATE_PER_HOUR", "0")
        .env("WEB_TURN_RATE_PER_MINUTE", "0")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("WEB_ACCESS_TOKEN")
        .env(
            "RUST_LOG",
            std::env::var("WEB_LOAD_SERVER_LOG").unwrap_or_else(|_| "error".to_string()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    Server(child)
}

async fn wait_healthy(base: &str) {
    for _ in 0..400 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

fn jittered(mean: Duration) -> Duration {
    mean.mul_f64(rand::random_range(0.5..1.5))
}

/// A turn as the client saw it: wall-clock send and receive times.
type Stamps = (SystemTime, SystemTime);

/// One interview; returns its id and the send/receive times of its five turns.
async fn interview(ws_url: String, think: Duration) -> Result<(String, Vec<Stamps>), String> {
    // Browsers disable Nagle's algorithm on their sockets; so does this client.
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(format!("{ws_url}/ws"), None, true)
            .await
            .map_err(|e| format!("connect: {e}"))?;
    let welcome = next_frame(&mut ws).await?;
    if welcome["type"] != "system" {
        return Err(format!("expected the welcome, got {welcome}"));
    }
    let turns = [
        (
            json!({"type": "problem_description", "content": "Two Sum: return the indices of the two numbers adding up to target."}),
            "ai_response",
        ),
        (
            json!({"type": "explanation", "content": "A hash map from value to index, one pass: O(n) time and space."}),
            "ai_response",
        ),
        (
            json!({"type": "code_submission", "code": CODE, "language": "python"}),
            "code_analysis",
        ),
        (
            json!({"type": "message", "content": "With a sorted array I would use two pointers."}),
            "ai_response",
        ),
        (
            json!({"type": "end_session", "content": {}}),
            "session_summary",
        ),
    ];
    let mut took = Vec::new();
    let mut id = String::new();
    for (frame, expected) in turns {
        tokio::time::sleep(jittered(think)).await;
        let sent = SystemTime::now();
        ws.send(Message::text(frame.to_string()))
            .await
            .map_err(|e| format!("send: {e}"))?;
        loop {
            let f = next_frame(&mut ws).await?;
            if f["type"] == "interview" {
                id = f["interview_id"].as_str().unwrap_or_default().to_string();
            }
            if f["type"] == expected {
                break;
            }
            if f["type"] == "error" {
                return Err(format!("error frame: {f}"));
            }
        }
        took.push((sent, SystemTime::now()));
    }
    Ok((id, took))
}

/// Milliseconds from `a` to `b` (negative if `b` is earlier).
fn ms(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_microseconds().unwrap_or(0) as f64 / 1000.0
}

/// Where each turn's time went, from the log: [to the log, coach before the LLM call, the
/// LLM call as the coach measured it, coach after it, back to the client].
async fn breakdown(db_url: &str, runs: &[(String, Vec<Stamps>)]) -> Vec<[f64; 5]> {
    let log = store::connect(db_url, &StoreOptions::default())
        .await
        .expect("open the log");
    let mut out = Vec::new();
    for (id, stamps) in runs {
        let events = log
            .read_stream(&StreamId::new(format!("web:{id}")), 1)
            .await
            .unwrap_or_default();
        let candidates = events
            .iter()
            .filter(|e| e.event.actor().is_some() && e.event.reply_to().is_none());
        for (candidate, (sent, received)) in candidates.zip(stamps) {
            let Some(coach) = events
                .iter()
                .find(|e| e.event.reply_to() == Some(candidate.version))
            else {
                continue;
            };
            let llm_ms = match &coach.event {
                Event::CoachReplied(e) => e.usage.as_ref(),
                Event::CodeAnalyzed(e) => e.usage.as_ref(),
                Event::SummaryWritten(e) => e.usage.as_ref(),
                _ => None,
            }
            .map_or(0.0, |u| u.latency_ms as f64);
            let (sent, received) = (
                DateTime::<Utc>::from(*sent),
                DateTime::<Utc>::from(*received),
            );
            let at = coach.event.at();
            out.push([
                ms(sent, candidate.recorded_at),
                ms(candidate.recorded_at, at) - llm_ms,
                llm_ms,
                ms(at, coach.recorded_at),
                ms(coach.recorded_at, received),
            ]);
        }
    }
    out
}

async fn next_frame(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Result<Value, String> {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(120), ws.next())
            .await
            .map_err(|_| "no frame within 120 s".to_string())?;
        match m {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str(t.as_str()).map_err(|e| e.to_string());
            }
            Some(Ok(_)) => continue,
            other => return Err(format!("connection ended: {other:?}")),
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn run(n: usize, latency: Duration, think: Duration) {
    let fake = FakeClaude::start().await;
    fake.set_latency(latency);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let server = start_server(dir.path(), port, &fake);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    let (idle_rss, _) = rss_mib(pid).unwrap_or_default();

    let peak = Arc::new(Mutex::new(0.0f64));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                if let Some((rss, _)) = rss_mib(pid) {
                    let mut p = peak.lock().unwrap_or_else(|e| e.into_inner());
                    *p = p.max(rss);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let perf = std::env::var("WEB_LOAD_PERF")
        .ok()
        .map(|out| record_profile(pid, &out));
    let cpu_before = cpu_time(pid).unwrap_or_default();
    let started = Instant::now();
    let ws_url = format!("ws://127.0.0.1:{port}");
    let clients: Vec<_> = (0..n)
        .map(|_| {
            let url = ws_url.clone();
            tokio::spawn(async move { interview(url, think).await })
        })
        .collect();
    let mut overheads = Vec::new();
    let mut errors = Vec::new();
    let mut runs = Vec::new();
    for c in clients {
        match c.await {
            Ok(Ok(run)) => {
                overheads.extend(run.1.iter().map(|(sent, received)| {
                    let took = received.duration_since(*sent).unwrap_or_default();
                    took.saturating_sub(latency).as_secs_f64() * 1000.0
                }));
                runs.push(run);
            }
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let wall = started.elapsed();
    let cpu = cpu_time(pid).unwrap_or_default().saturating_sub(cpu_before);
    if let Some(perf) = perf {
        stop_profile(perf);
    }
    sampler.abort();
    let (end_rss, hwm) = rss_mib(pid).unwrap_or_default();
    let peak = peak.lock().map(|p| p.max(hwm)).unwrap_or(hwm);
    drop(server);

    overheads.sort_by(|a, b| a.total_cmp(b));
    let turns = overheads.len();
    println!(
        "N={n:>5}  turns {turns:>5}  errors {:>3}  LLM calls {:>5}  overhead beyond the LLM: p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  server RSS: idle {idle_rss:.0} MiB, peak {peak:.0} MiB, end {end_rss:.0} MiB  wall {:.1} s",
        errors.len(),
        fake.calls(),
        percentile(&overheads, 50.0),
        percentile(&overheads, 99.0),
        overheads.last().copied().unwrap_or(f64::NAN),
        wall.as_secs_f64(),
    );
    println!(
        "    server CPU: {:.2} s over the run = {:.2} ms per answered turn ({:.0} % of one core)",
        cpu.as_secs_f64(),
        cpu.as_secs_f64() * 1000.0 / turns.max(1) as f64,
        cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
    );
    for e in errors.iter().take(5) {
        println!("  error: {e}");
    }
    let parts = breakdown(
        &format!("sqlite://{}/bench.db", dir.path().display()),
        &runs,
    )
    .await;
    let names = [
        "to the log",
        "coach before the LLM",
        "LLM (as timed by the coach)",
        "coach after the LLM",
        "log to the client",
    ];
    // The same turns, measured beyond the LLM call as the coach timed it (its HTTP
    // request to the fake and the stream back), instead of beyond the fake's nominal
    // latency: what the fake itself spends serving the request is not counted.
    let mut beyond_call: Vec<f64> = parts.iter().map(|p| p[0] + p[1] + p[3] + p[4]).collect();
    beyond_call.sort_by(|a, b| a.total_cmp(b));
    println!(
        "    beyond the LLM call as timed by the coach: p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        percentile(&beyond_call, 50.0),
        percentile(&beyond_call, 99.0),
        beyond_call.last().copied().unwrap_or(f64::NAN),
    );
    for (i, name) in names.iter().enumerate() {
        let mut v: Vec<f64> = parts.iter().map(|p| p[i]).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "    {name:<30} p50 {:>7.1} ms  p99 {:>7.1} ms",
            percentile(&v, 50.0),
            percentile(&v, 99.0)
        );
    }
}

fn main() {
    let ns: Vec<usize> = std::env::var("WEB_LOAD_N")
        .unwrap_or_else(|_| "100,1000".to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let latency = Duration::from_millis(env_or("WEB_LOAD_LATENCY_MS", 200));
    let think = Duration::from_millis(env_or("WEB_LOAD_THINK_MS", 2000));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    println!(
        "web load: fake LLM latency {} ms, mean think time {} ms, SQLite synchronous={}",
        latency.as_millis(),
        think.as_millis(),
        synchronous()
    );
    for n in ns {
        runtime.block_on(run(n, latency, think));
    }
}
