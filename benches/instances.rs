//! Takeover benchmark with three instances, printed as figures for BENCHMARKS.md: three
//! real binaries on one Postgres database (the settings of `docker-compose.yml`: web,
//! Slack over Socket Mode against the loopback fake), each coached through its own gate
//! in front of one fake Claude. Rounds alternate. A web round starts a web interview on
//! one instance with a watcher on each of the other two, holds the next turn's LLM
//! call, kills (SIGKILL) the instance making it, and times from the kill to the answer
//! shown on a survivor's socket. A Slack round sends a thread reply of one Slack
//! interview to one instance's Socket Mode connection, kills the instance making its
//! LLM call, and times from the kill to the answer posted in the thread. The dead
//! instance is then started again on its address before the next round. The takeover is bounded by the
//! claim's lease (`LEASE_SECONDS`) plus the coach's retry pass (3 s).
//!
//! Run: `TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --profile dev --bench instances`
//! Env: `INSTANCES_N` (rounds, 16: 8 web, 8 Slack), `INSTANCES_LEASE_SECONDS` (10, the default of the
//! service), `INSTANCES_SERVER_LOG` (the servers' `RUST_LOG`; default `error`).
#![allow(dead_code)]

#[path = "../tests/it/common/fake_anthropic.rs"]
mod fake_anthropic;
#[path = "../tests/it/common/llm_gate.rs"]
mod llm_gate;
#[path = "../tests/it/slack_common/mod.rs"]
mod slack_common;

use fake_anthropic::FakeAnthropic;
use futures::{SinkExt, StreamExt};
use llm_gate::LlmGate;
use serde_json::{Value, json};
use slack_common::socket_hub::SocketHub;
use slack_common::{FakeSlack, OMAR, TEAM};
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

/// One instance: its address, its Slack app token (which tells its Socket Mode
/// connections apart) and its gate to the LLM; killed when dropped.
struct Instance {
    port: u16,
    app_token: String,
    gate: LlmGate,
    child: Option<Child>,
}

impl Instance {
    fn start(&mut self, database: &str, lease: u64, slack_api: &str) {
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
            .env("SLACK_BOT_TOKEN", "xoxb-test")
            .env("SLACK_APP_TOKEN", &self.app_token)
            .env("SLACK_API_URL", slack_api)
            .env("RUST_LOG", log)
            .env_remove("DISCORD_TOKEN")
            .env_remove("SLACK_SIGNING_SECRET")
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

/// The Slack interview the Slack rounds reply in.
struct SlackThread {
    slack: FakeSlack,
    hub: SocketHub,
    root: String,
    /// Replies sent so far (event ids and timestamps stay unique).
    sent: u32,
}

impl SlackThread {
    /// `/interview start two-sum` through `via`'s Socket Mode connection.
    async fn start(
        slack: FakeSlack,
        hub: SocketHub,
        via: &Instance,
        database: &str,
    ) -> SlackThread {
        let command = json!({"envelope_id": "env-start", "type": "slash_commands", "accepts_response_payload": true,
            "payload": {"team_id": TEAM, "channel_id": slack_common::CHANNEL, "user_id": OMAR.0,
                        "command": "/interview", "text": "start two-sum",
                        "response_url": "https://hooks.slack.com/commands/x", "trigger_id": "trigger-1"}});
        hub.deliver(&via.app_token, &command).await;
        until("the Slack root message", || {
            !slack.thread_posts_root().is_empty()
        })
        .await;
        let root = slack.thread_posts_root()[0].ts.clone().expect("a ts");
        // The first reply in its thread waits for the interview to be in the log.
        let stream = slack_common::stream_of(&root).to_string();
        let mut conn = sqlx::PgConnection::connect(database)
            .await
            .expect("the bench's database");
        let deadline = Instant::now() + WAIT;
        loop {
            let started: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'interview_started'",
            )
            .bind(&stream)
            .fetch_one(&mut conn)
            .await
            .expect("the log");
            if started > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the Slack interview never started"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        SlackThread {
            slack,
            hub,
            root,
            sent: 0,
        }
    }

    /// Coach messages posted in the thread (first parts, by their metadata key).
    fn answers(&self) -> usize {
        self.slack
            .thread_posts(&self.root)
            .iter()
            .filter(|p| {
                p.body["metadata"]["event_payload"]["key"]
                    .as_str()
                    .is_some_and(|k| k.matches('#').count() == 1)
            })
            .count()
    }
}

/// One Slack round: a reply through `home`'s connection, its LLM call held and its
/// maker killed; the time from the kill to the answer in the thread, and who died.
async fn slack_round(
    instances: &mut [Instance],
    home: usize,
    thread: &mut SlackThread,
) -> (Duration, usize) {
    let before = thread.answers();
    for i in instances.iter() {
        i.gate.close();
    }
    thread.sent += 1;
    let n = thread.sent;
    let ts = format!("1800000000.{n:06}");
    let payload =
        slack_common::thread_message(&format!("Ev{n}"), OMAR.0, &thread.root, &ts, "Next?");
    let envelope = json!({"envelope_id": format!("env-{n}"), "type": "events_api",
        "accepts_response_payload": false, "retry_attempt": 0, "retry_reason": "",
        "payload": payload});
    thread
        .hub
        .deliver(&instances[home].app_token, &envelope)
        .await;
    until("the Slack turn in an LLM call", || {
        instances.iter().any(|i| i.gate.waiting() > 0)
    })
    .await;
    let dead = (0..instances.len())
        .find(|&k| instances[k].gate.waiting() > 0)
        .unwrap_or(home);
    instances[dead].kill();
    let killed = Instant::now();
    for (k, i) in instances.iter().enumerate() {
        if k != dead {
            i.gate.open();
        }
    }
    until("the Slack answer", || thread.answers() > before).await;
    let took = killed.elapsed();
    assert_eq!(thread.answers(), before + 1, "each turn answered once");
    (took, dead)
}

fn summary(mut figures: Vec<Duration>) -> (Duration, Duration) {
    figures.sort();
    (figures[figures.len() / 2], figures[figures.len() - 1])
}

#[tokio::main]
async fn main() {
    let rounds: usize = env_or("INSTANCES_N", 16);
    let lease: u64 = env_or("INSTANCES_LEASE_SECONDS", 10);
    let Some((database, name)) = postgres_database().await else {
        println!("skipped: no Postgres at TEST_POSTGRES_URL");
        return;
    };
    let llm = FakeAnthropic::start().await;
    let slack = FakeSlack::start().await;
    let hub = SocketHub::start().await;
    slack.set_socket_url_per_token(hub.url());
    let slack_api = slack.api_url();
    let mut instances = Vec::new();
    for k in 0..3 {
        instances.push(Instance {
            port: free_port(),
            app_token: format!("xapp-{k}"),
            gate: LlmGate::start(&llm.uri()).await,
            child: None,
        });
    }
    // The first instance makes the schema before the others start.
    instances[0].start(&database, lease, &slack_api);
    instances[0].healthy().await;
    for i in instances.iter_mut().skip(1) {
        i.start(&database, lease, &slack_api);
    }
    for i in &instances {
        i.healthy().await;
    }
    let mut thread = SlackThread::start(slack, hub, &instances[0], &database).await;
    let (mut web, mut chat) = (Vec::new(), Vec::new());
    let mut deaths = [0usize; 3];
    for r in 0..rounds {
        let home = (r / 2) % 3;
        let dead = if r % 2 == 0 {
            let (took, dead) = round(&mut instances, home).await;
            web.push(took);
            dead
        } else {
            let (took, dead) = slack_round(&mut instances, home, &mut thread).await;
            chat.push(took);
            dead
        };
        deaths[dead] += 1;
        instances[dead].gate.open();
        instances[dead].start(&database, lease, &slack_api);
        instances[dead].healthy().await;
    }
    println!("| instances | turn  | LEASE_SECONDS | kills | takeover p50 | takeover max |");
    println!("|-----------|-------|---------------|-------|--------------|--------------|");
    let all: Vec<Duration> = web.iter().chain(&chat).copied().collect();
    for (turn, figures) in [("web", web), ("slack", chat), ("all", all)] {
        if figures.is_empty() {
            continue;
        }
        let kills = figures.len();
        let (p50, max) = summary(figures);
        println!(
            "| 3         | {turn:<5} | {lease:>13} | {kills:>5} | {:>10.2} s | {:>10.2} s |",
            p50.as_secs_f64(),
            max.as_secs_f64()
        );
    }
    println!("kills per instance: {deaths:?}");
    drop(instances);
    drop_database(&name).await;
}
