//! Takeover benchmark with three instances, printed as figures for BENCHMARKS.md: three
//! real binaries on one Postgres database (the settings of `docker-compose.yml`, web
//! only), each coached through its own gate in front of one fake Claude. Each round
//! starts a web interview on one instance with a watcher on each of the other two,
//! holds the next turn's LLM call, kills (SIGKILL) the instance making it, and times
//! from the kill to the answer shown on a survivor's socket; the dead instance is then
//! started again on its address before the next round. The takeover is bounded by the
//! claim's lease (`LEASE_SECONDS`) plus the coach's retry pass (3 s).
//!
//! Run: `TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --profile dev --bench instances`
//! Env: `INSTANCES_N` (rounds, 15), `INSTANCES_LEASE_SECONDS` (10, the default of the
//! service), `INSTANCES_SERVER_LOG` (the servers' `RUST_LOG`; default `error`).
#![allow(dead_code)]

#[path = "../tests/it/common/fake_anthropic.rs"]
mod fake_anthropic;
#[path = "../tests/it/common/llm_gate.rs"]
mod llm_gate;

use fake_anthropic::FakeAnthropic;
use futures::{SinkExt, StreamExt};
use llm_gate::LlmGate;
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const WAIT: Duration = Duration::from_secs(90);

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("addr").port()
}

/// One instance: its address and its gate to the LLM; killed when dropped.
struct Instance {
    port: u16,
    gate: LlmGate,
    child: Option<Child>,
}

impl Instance {
    fn start(&mut self, database: &str, lease: u64) {
        let log = std::env::var("INSTANCES_SERVER_LOG").unwrap_or_else(|_| "error".into());
        let child = Command::new(env!("CARGO_BIN_EXE_interview-coach"))
            .env("DATABASE_URL", database)
            .env("BIND_ADDR", format!("127.0.0.1:{}", self.port))
            .env("LEASE_SECONDS", lease.to_string())
            .env("ANTHROPIC_API_KEY", "fake-key")
            .env("ANTHROPIC_BASE_URL", self.gate.url())
            .env("ANTHROPIC_MODEL", "claude-fake")
            .env("COACH_COOLDOWN_SECONDS", "0")
            .env("WEB_DIST_DIR", "/nonexistent")
            .env("RUST_LOG", log)
            .env_remove("DISCORD_TOKEN")
            .env_remove("SLACK_BOT_TOKEN")
            .env_remove("COACH_LEASE_SECONDS")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("WEB_ACCESS_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    async fn healthy(&self) {
        let url = format!("http://127.0.0.1:{}/healthz", self.port);
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the instance on {} did not become healthy", self.port);
    }

    async fn socket(&self, path: &str) -> Socket {
        let url = format!("ws://127.0.0.1:{}{path}", self.port);
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        Socket(ws)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A web client speaking docs/WEB-API.md.
struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    async fn send(&mut self, frame: Value) {
        self.0
            .send(Message::text(frame.to_string()))
            .await
            .expect("send a frame");
    }

    /// The next frame of type `ty`, skipping others.
    async fn expect(&mut self, ty: &str) -> Value {
        let wait = async {
            while let Some(Ok(m)) = self.0.next().await {
                if let Message::Text(t) = m
                    && let Ok(v) = serde_json::from_str::<Value>(t.as_str())
                    && v["type"] == ty
                {
                    return v;
                }
            }
            panic!("closed while waiting for {ty}");
        };
        tokio::time::timeout(WAIT, wait)
            .await
            .unwrap_or_else(|_| panic!("no {ty} in time"))
    }
}

fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh Postgres database (its URL and name), or `None` when unreachable.
async fn postgres_database() -> Option<(String, String)> {
    let admin = admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
    let name = format!("instances_{}", uuid::Uuid::new_v4().simple());
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .ok()?;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some((format!("{base}/{name}"), name))
}

/// Drops the bench's database (best effort) once the instances are gone.
async fn drop_database(name: &str) {
    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url()).await {
        let _ = conn
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await;
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One round: an interview on `home`, its next turn held and its holder killed; the
/// time from the kill to the answer on a survivor, and who died.
async fn round(instances: &mut [Instance], home: usize) -> (Duration, usize) {
    let n = instances.len();
    let mut candidate = instances[home].socket("/ws").await;
    candidate
        .send(json!({"type": "problem_description", "content": "Two Sum: find two numbers adding up to target."}))
        .await;
    let id = candidate.expect("interview").await["interview_id"]
        .as_str()
        .expect("an interview id")
        .to_string();
    candidate.expect("ai_response").await;
    let mut sockets: Vec<Option<Socket>> = Vec::new();
    for (k, instance) in instances.iter().enumerate() {
        if k == home {
            sockets.push(None);
        } else {
            let mut watcher = instance.socket(&format!("/ws/{id}")).await;
            watcher.expect("replay_done").await;
            sockets.push(Some(watcher));
        }
    }
    sockets[home] = Some(candidate);
    for i in instances.iter() {
        i.gate.close();
    }
    sockets[home]
        .as_mut()
        .expect("the candidate")
        .send(json!({"type": "message", "content": "Could a set do it?"}))
        .await;
    until("the turn in an LLM call", || {
        instances.iter().any(|i| i.gate.waiting() > 0)
    })
    .await;
    let dead = (0..n)
        .find(|&k| instances[k].gate.waiting() > 0)
        .unwrap_or(home);
    instances[dead].kill();
    let killed = Instant::now();
    for (k, i) in instances.iter().enumerate() {
        if k != dead {
            i.gate.open();
        }
    }
    let survivor = (dead + 1) % n;
    sockets[survivor]
        .as_mut()
        .expect("a socket on the survivor")
        .expect("ai_response")
        .await;
    (killed.elapsed(), dead)
}

fn summary(mut figures: Vec<Duration>) -> (Duration, Duration) {
    figures.sort();
    (figures[figures.len() / 2], figures[figures.len() - 1])
}

#[tokio::main]
async fn main() {
    let rounds: usize = env_or("INSTANCES_N", 15);
    let lease: u64 = env_or("INSTANCES_LEASE_SECONDS", 10);
    let Some((database, name)) = postgres_database().await else {
        println!("skipped: no Postgres at TEST_POSTGRES_URL");
        return;
    };
    let llm = FakeAnthropic::start().await;
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances.push(Instance {
            port: free_port(),
            gate: LlmGate::start(&llm.uri()).await,
            child: None,
        });
    }
    // The first instance makes the schema before the others start.
    instances[0].start(&database, lease);
    instances[0].healthy().await;
    for i in instances.iter_mut().skip(1) {
        i.start(&database, lease);
    }
    for i in &instances {
        i.healthy().await;
    }
    let mut figures = Vec::new();
    let mut deaths = [0usize; 3];
    for r in 0..rounds {
        let (took, dead) = round(&mut instances, r % 3).await;
        deaths[dead] += 1;
        figures.push(took);
        instances[dead].gate.open();
        instances[dead].start(&database, lease);
        instances[dead].healthy().await;
    }
    let (p50, max) = summary(figures);
    println!("| instances | LEASE_SECONDS | kills | takeover p50 | takeover max |");
    println!("|-----------|---------------|-------|--------------|--------------|");
    println!(
        "| 3         | {lease:>13} | {rounds:>5} | {:>10.2} s | {:>10.2} s |",
        p50.as_secs_f64(),
        max.as_secs_f64()
    );
    println!("kills per instance: {deaths:?}");
    drop(instances);
    drop_database(&name).await;
}
