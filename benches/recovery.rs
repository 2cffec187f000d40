//! Recovery benchmark, printed as figures for BENCHMARKS.md: how soon a coach reply
//! reaches a Slack thread after a fault, with the real binary against a loopback fake of
//! Slack's Web API and a fake Claude. Each fault is injected `RECOVERY_N` times (default
//! 20) and the p50 and max are printed:
//!
//! - `429 Retry-After: 2`: the reply's `chat.postMessage` is rate-limited once; from the
//!   refused post to the reply shown.
//! - `single 500`: the reply's post fails once; from the failed post to the reply shown.
//! - `kill -9 + restart`: every post fails, the binary is killed (SIGKILL) after the
//!   first failure, Slack recovers, the binary is started again on the same SQLite file;
//!   from the restart to the reply shown.
//! - `kill -9, second instance`: two binaries on one Postgres database; the one that got
//!   the message is killed while the fake Claude is still answering it; from the kill to
//!   the reply shown by the other instance, with no restart. Skipped without Postgres.
//!
//! Run: `cargo bench --bench recovery`
//! Env: `RECOVERY_N` (20), `TEST_POSTGRES_URL` (`postgres://postgres@127.0.0.1:5432/test`),
//! `RECOVERY_SERVER_LOG` (the servers' `RUST_LOG`; default `error`).
#![allow(dead_code)]

#[path = "../tests/it/common/fake_anthropic.rs"]
mod fake_anthropic;
#[path = "../tests/it/slack_common/mod.rs"]
mod slack_common;

use fake_anthropic::{FakeAnthropic, Scripted};
use interview_coach::platforms::slack::signature;
use slack_common::{CHANNEL, FakeSlack, Fault, OMAR, SECRET, TEAM};
use sqlx::{Connection, Executor};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REPLY: &str = "Recovered reply.";
const WAIT: Duration = Duration::from_secs(60);

struct Server(Child);

impl Server {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

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

/// The binary on `port` and `database`, Slack over HTTP against `slack`.
fn spawn(port: u16, database: &str, slack: &FakeSlack, llm: &FakeAnthropic) -> Server {
    let log = std::env::var("RECOVERY_SERVER_LOG").unwrap_or_else(|_| "error".into());
    let child = Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database)
        .env("SLACK_BOT_TOKEN", "xoxb-test")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_API_URL", slack.api_url())
        .env("ANTHROPIC_API_KEY", "fake-key")
        .env("ANTHROPIC_BASE_URL", llm.uri())
        .env("ANTHROPIC_MODEL", "claude-fake")
        .env("COACH_COOLDOWN_SECONDS", "0")
        .env("WEB_DIST_DIR", "/nonexistent")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DISCORD_TOKEN")
        .env_remove("SLACK_APP_TOKEN")
        .env_remove("LEASE_SECONDS")
        .env_remove("COACH_LEASE_SECONDS")
        .env("RUST_LOG", log)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    Server(child)
}

async fn wait_healthy(port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
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
    panic!("the server on {port} did not become healthy");
}

async fn post_signed(port: u16, path: &str, body: String, content_type: &str) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = signature::sign(SECRET, &ts, body.as_bytes());
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body)
        .send()
        .await
        .expect("request sent");
    assert!(res.status().is_success(), "{path}: {}", res.status());
}

/// `/interview start two-sum` on the server at `port`; the root message's ts.
async fn start_interview(port: u16, slack: &FakeSlack) -> String {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("team_id", TEAM)
        .append_pair("channel_id", CHANNEL)
        .append_pair("user_id", OMAR.0)
        .append_pair("user_name", OMAR.1)
        .append_pair("command", "/interview")
        .append_pair("text", "start two-sum python 240")
        .append_pair("response_url", "https://hooks.slack.com/commands/x")
        .append_pair("trigger_id", &format!("trigger-{}", uuid::Uuid::new_v4()))
        .finish();
    let before = slack.thread_posts_root().len();
    post_signed(
        port,
        "/slack/commands",
        body,
        "application/x-www-form-urlencoded",
    )
    .await;
    until(
        || slack.thread_posts_root().len() > before,
        "the root message",
    )
    .await;
    let root = slack.thread_posts_root()[before].ts.clone().expect("a ts");
    // Let the interview reach the log before the first message in its thread.
    tokio::time::sleep(Duration::from_millis(500)).await;
    root
}

/// Omar says something in the interview's thread (a new event id each time).
async fn say(port: u16, root: &str, n: usize) {
    let ts = format!("1800000000.{n:06}");
    let event = slack_common::thread_message(&format!("Ev{n}"), OMAR.0, root, &ts, "Next?");
    post_signed(port, "/slack/events", event.to_string(), "application/json").await;
}

async fn until(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// When the `n`-th reply (1-based) was shown in the thread.
async fn reply_shown(slack: &FakeSlack, root: &str, n: usize) -> Instant {
    let replies = || {
        slack
            .thread_posts(root)
            .into_iter()
            .filter(|p| p.body["text"].as_str().unwrap_or("").contains(REPLY))
            .collect::<Vec<_>>()
    };
    until(|| replies().len() >= n, "the reply").await;
    assert_eq!(replies().len(), n, "each reply shown once");
    replies()[n - 1].at
}

/// When the last refused `chat.postMessage` arrived.
fn last_refusal(slack: &FakeSlack) -> Option<Instant> {
    slack
        .calls("chat.postMessage")
        .iter()
        .rev()
        .find(|c| c.ts.is_none())
        .map(|c| c.at)
}

/// A post of the reply is refused once with `fault`; from the refusal to the reply.
async fn one_fault(fault: Fault, n: usize) -> Vec<Duration> {
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    *llm.default_text.lock().unwrap() = REPLY.into();
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let _server = spawn(port, &db_in(&dir), &slack, &llm);
    wait_healthy(port).await;
    let root = start_interview(port, &slack).await;
    let mut out = Vec::new();
    for i in 1..=n {
        slack.plan("chat.postMessage", vec![Some(fault.clone())]);
        let refused_before = slack
            .calls("chat.postMessage")
            .iter()
            .filter(|c| c.ts.is_none())
            .count();
        say(port, &root, i).await;
        let shown = reply_shown(&slack, &root, i).await;
        let refusals = || {
            slack
                .calls("chat.postMessage")
                .iter()
                .filter(|c| c.ts.is_none())
                .count()
        };
        assert_eq!(refusals(), refused_before + 1, "the fault was injected");
        out.push(shown - last_refusal(&slack).expect("a refusal"));
    }
    out
}

fn db_in(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/log.db", dir.path().display())
}

/// Every post fails; kill -9 after the first failure; restart with Slack healthy.
async fn kill_and_restart(n: usize) -> Vec<Duration> {
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    *llm.default_text.lock().unwrap() = REPLY.into();
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut server = spawn(port, &db_in(&dir), &slack, &llm);
    wait_healthy(port).await;
    let root = start_interview(port, &slack).await;
    let mut out = Vec::new();
    for i in 1..=n {
        slack.plan(
            "chat.postMessage",
            vec![Some(Fault::Status(500, None)); 1000],
        );
        let refused_before = last_refusal(&slack);
        say(port, &root, i).await;
        until(|| last_refusal(&slack) != refused_before, "a failed post").await;
        server.kill();
        slack.plan("chat.postMessage", Vec::new());
        let restarted = Instant::now();
        server = spawn(port, &db_in(&dir), &slack, &llm);
        let shown = reply_shown(&slack, &root, i).await;
        out.push(shown - restarted);
        wait_healthy(port).await;
    }
    out
}

/// A fresh Postgres database for the two-instance run, or `None` when unreachable.
async fn postgres_database() -> Option<String> {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
    let name = format!("recovery_{}", uuid::Uuid::new_v4().simple());
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .ok()?;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// Two instances on Postgres; the one answering is killed during the LLM call.
async fn kill_with_second_instance(n: usize) -> Option<Vec<Duration>> {
    let database = postgres_database().await?;
    let slack = FakeSlack::start().await;
    // One fake Claude per instance, so the instance making the call is known.
    let llms = [FakeAnthropic::start().await, FakeAnthropic::start().await];
    for llm in &llms {
        *llm.default_text.lock().unwrap() = REPLY.into();
    }
    let ports = [free_port(), free_port()];
    let mut servers = [
        spawn(ports[0], &database, &slack, &llms[0]),
        spawn(ports[1], &database, &slack, &llms[1]),
    ];
    for port in ports {
        wait_healthy(port).await;
    }
    let root = start_interview(ports[0], &slack).await;
    let mut out = Vec::new();
    for i in 1..=n {
        // The first call of this turn hangs; the instance making it is then killed.
        let asked = llms.clone().map(|l| l.requests());
        for llm in &llms {
            llm.clear_script();
            llm.script([Scripted::Delay(Duration::from_secs(30))]);
        }
        say(ports[0], &root, i).await;
        until(
            || (0..2).any(|k| llms[k].requests() > asked[k]),
            "the LLM call",
        )
        .await;
        let dead = (0..2).find(|&k| llms[k].requests() > asked[k]).unwrap_or(0);
        servers[dead].kill();
        let killed = Instant::now();
        llms[1 - dead].clear_script();
        let shown = reply_shown(&slack, &root, i).await;
        out.push(shown - killed);
        servers[dead] = spawn(ports[dead], &database, &slack, &llms[dead]);
        wait_healthy(ports[dead]).await;
    }
    Some(out)
}

fn summary(name: &str, mut figures: Vec<Duration>) {
    figures.sort();
    let p50 = figures[figures.len() / 2];
    let max = figures[figures.len() - 1];
    println!(
        "| {name:<28} | {:>3} | {:>7.2} s | {:>7.2} s |",
        figures.len(),
        p50.as_secs_f64(),
        max.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let n: usize = env_or("RECOVERY_N", 20);
    println!("| fault                        |   n |     p50 |     max |");
    println!("|------------------------------|-----|---------|---------|");
    summary(
        "429 Retry-After: 2",
        one_fault(Fault::Status(429, Some(2)), n).await,
    );
    summary("single 500", one_fault(Fault::Status(500, None), n).await);
    summary("kill -9 + restart", kill_and_restart(n).await);
    match kill_with_second_instance(n).await {
        Some(figures) => summary("kill -9, second instance (pg)", figures),
        None => println!("| kill -9, second instance     | skipped: no Postgres |"),
    }
}
