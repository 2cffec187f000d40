//! Several instances, proven (issue 18 item 10): two real processes of the binary on one
//! Postgres database, started with the settings of `docker-compose.yml` (README
//! "Running several instances"), against the project's loopback fakes: one Discord with
//! `DISCORD_SHARDS=2` split by `DISCORD_SHARD_RANGE` (`0-0` on A, `1-1` on B), one Slack
//! whose Socket Mode sends each envelope to one connection of the instance the test
//! chooses, and one fake LLM behind a gate per instance (so the test knows who is in
//! the middle of a turn, and holds it there). A Discord interview runs on each shard,
//! a Slack interview across both instances and a web interview with its candidate on A
//! and a live watcher on B. With a turn of each of them held in an LLM call, the
//! instance holding one is killed with SIGKILL; the survivor takes the turns over once
//! their claims lapse (`LEASE_SECONDS=3`). Every turn is then answered exactly once: in
//! the log (each candidate event has one answer, no type doubled), on Discord (one
//! message per coach event's nonce), on Slack (one message per coach event's metadata
//! key) and on the survivor's web socket; the takeover time is printed. A static shard
//! range has no failover: a message in the dead shard's guild reaches no one until the
//! dead instance is started again (same address, so it takes its claims back), and is
//! answered after that.

use crate::common::{self, TestDb, fake_anthropic::FakeAnthropic, llm_gate::LlmGate};
use crate::discord_fake::{self, CHANNEL, FakeDiscord, GUILD, MAYA};
use crate::slack_common::{self, FakeSlack, OMAR, TEAM, socket_hub::SocketHub};
use crate::web_common::WsClient;

use interview_coach::domain::{Event, StreamId};
use interview_coach::platforms::discord::send::nonce;
use interview_coach::ports::Storage;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Claims lapse this soon after an instance dies (the settings allow 3 s at least).
const LEASE_SECONDS: u64 = 3;
const WAIT: Duration = Duration::from_secs(45);
/// Shard 1 of 2 (`(GUILD >> 22) % 2`), run by instance B; `GUILD_0` is shard 0, on A.
const GUILD_1: u64 = GUILD;
const GUILD_0: u64 = GUILD + (1 << 22);
/// `WEB_ACCESS_TOKEN` of both instances, as in `docker-compose.yml`.
const ACCESS_TOKEN: &str = "tok-instances";

/// One instance: its name (its Discord bot token `token-{name}` and Slack app token
/// `xapp-{name}` tell the fakes apart), its port and its gate to the LLM.
struct Instance {
    name: &'static str,
    shard: u32,
    port: u16,
    metrics_port: u16,
    gate: LlmGate,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

/// The fakes every instance talks to.
struct Fakes {
    db: TestDb,
    discord: FakeDiscord,
    slack: FakeSlack,
    hub: SocketHub,
    _llm: FakeAnthropic,
}

impl Instance {
    fn new(name: &'static str, shard: u32, gate: LlmGate) -> Instance {
        Instance {
            name,
            shard,
            port: crate::web_restart::free_port(),
            metrics_port: crate::web_restart::free_port(),
            gate,
            child: None,
            _dir: tempfile::tempdir().expect("a working directory"),
        }
    }

    /// Starts the binary with the settings of `docker-compose.yml`, pointed at the fakes.
    fn start(&mut self, fakes: &Fakes) {
        let child = Command::new(env!("CARGO_BIN_EXE_interview-coach"))
            .current_dir(self._dir.path())
            .env("DATABASE_URL", &fakes.db.url)
            .env("BIND_ADDR", format!("127.0.0.1:{}", self.port))
            .env("WEB_ACCESS_TOKEN", ACCESS_TOKEN)
            .env("METRICS_ADDR", format!("127.0.0.1:{}", self.metrics_port))
            .env("LOG_FORMAT", "json")
            .env("LEASE_SECONDS", LEASE_SECONDS.to_string())
            .env("DISCORD_TOKEN", format!("token-{}", self.name))
            .env("DISCORD_SHARDS", "2")
            .env("DISCORD_SHARD_RANGE", format!("{0}-{0}", self.shard))
            .env("DISCORD_API_PROXY", fakes.discord.url())
            .env("DISCORD_GUILD_ID", GUILD.to_string())
            .env("SLACK_BOT_TOKEN", "xoxb-test")
            .env("SLACK_APP_TOKEN", self.app_token())
            .env("SLACK_API_URL", fakes.slack.api_url())
            .env("ANTHROPIC_API_KEY", "fake-key")
            .env("ANTHROPIC_BASE_URL", self.gate.url())
            .env("ANTHROPIC_MODEL", "claude-fake")
            .env("COACH_COOLDOWN_SECONDS", "0")
            .env("WEB_DIST_DIR", "/nonexistent")
            .env("RUST_LOG", "warn")
            .env_remove("SLACK_SIGNING_SECRET")
            .env_remove("DISCORD_SHARD_LEASES")
            .env_remove("COACH_LEASE_SECONDS")
            .env_remove("OPENAI_BASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        self.child = Some(child);
    }

    fn app_token(&self) -> String {
        format!("xapp-{}", self.name)
    }

    fn discord_token(&self) -> String {
        format!("token-{}", self.name)
    }

    /// A web socket URL on this instance, with the access token.
    fn ws(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}?token={ACCESS_TOKEN}", self.port)
    }

    /// SIGKILL: nothing is released, its claims stay until they lapse.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Healthy, its shard connected and a Socket Mode connection open.
    async fn ready(&self, fakes: &Fakes) {
        crate::web_restart::wait_healthy(self.port).await;
        let token = self.discord_token();
        until(&format!("{} connects its shard", self.name), || {
            fakes
                .discord
                .connected()
                .iter()
                .any(|(s, t)| *s == self.shard && *t == token)
        })
        .await;
        until(&format!("{} opens Socket Mode", self.name), || {
            fakes.hub.open(&self.app_token()) > 0
        })
        .await;
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether a platform shows the answers awaited.
type Shown<'a> = Box<dyn Fn() -> bool + 'a>;

/// Polls `done` (every 20 ms, up to `WAIT`).
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn events(store: &Arc<dyn Storage>, stream: &StreamId) -> Vec<Event> {
    store
        .read_stream(stream, 1)
        .await
        .expect("read the stream")
        .into_iter()
        .map(|r| r.event)
        .collect()
}

/// Polls the log until `stream` satisfies `done`.
async fn until_logged(
    store: &Arc<dyn Storage>,
    stream: &StreamId,
    what: &str,
    done: impl Fn(&[Event]) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        let all = events(store, stream).await;
        if done(&all) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {all:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn candidate_turns(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::CandidateMessage(_) | Event::ApproachExplained(_)))
        .count()
}

fn answers(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::CoachReplied(_)))
        .count()
}

/// Events of each type in `stream`.
fn by_type(events: &[Event]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for e in events {
        *counts.entry(e.type_name()).or_default() += 1;
    }
    counts
}

/// A Discord interview in `guild`: `/interview start`, then its thread's id.
async fn discord_start(discord: &FakeDiscord, guild: u64, id: u64) -> String {
    let problem_posts = || {
        discord.count(|c| {
            c.method == "POST"
                && c.path.ends_with("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("Merge Intervals"))
        })
    };
    let before = problem_posts();
    let command = json!({"id": "1", "name": "interview", "type": 1, "options": [{
        "name": "start", "type": 1, "options": [
            {"name": "problem", "type": 3, "value": "merge-intervals"},
            {"name": "language", "type": 3, "value": "python"},
            {"name": "minutes", "type": 4, "value": 45}
        ]
    }]});
    let mut start = discord_fake::interaction(id, CHANNEL, MAYA, "Maya", command);
    start["guild_id"] = json!(guild.to_string());
    discord.dispatch("INTERACTION_CREATE", start);
    until("the problem in a new thread", || problem_posts() > before).await;
    let post = discord
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && c.path.ends_with("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("Merge Intervals"))
        })
        .nth(before)
        .expect("the problem post");
    post.path
        .split('/')
        .nth(4)
        .expect("a thread id")
        .to_string()
}

/// Maya says `text` in `thread` of `guild` (delivered only to the guild's shard).
fn discord_say(discord: &FakeDiscord, guild: u64, thread: &str, id: u64, text: &str) {
    let thread: u64 = thread.parse().expect("a thread id");
    let mut message = discord_fake::message_create(id, thread, MAYA, "Maya", text);
    message["guild_id"] = json!(guild.to_string());
    discord.dispatch("MESSAGE_CREATE", message);
}

fn slack_say(root: &str, n: u32, text: &str) -> Value {
    let ts = format!("1800000000.{n:06}");
    let payload = slack_common::thread_message(&format!("Ev{n}"), OMAR.0, root, &ts, text);
    json!({"envelope_id": format!("env-{n}"), "type": "events_api",
        "accepts_response_payload": false, "retry_attempt": 0, "retry_reason": "",
        "payload": payload})
}

/// Messages shown in Discord `thread` under the nonce of a coach event of `stream`
/// after its start (first parts only; candidates' words are not posted back).
fn discord_answers_shown(discord: &FakeDiscord, stream: &StreamId, thread: &str) -> usize {
    let keys: Vec<String> = (2..=64)
        .map(|v| nonce(&format!("{stream}:{v}"), 0))
        .collect();
    discord
        .shown_nonces(thread)
        .iter()
        .flatten()
        .filter(|n| keys.contains(n))
        .count()
}

/// Messages posted in Slack thread `root` under the metadata key of a coach event of
/// `stream` (first parts only).
fn slack_answers_shown(slack: &FakeSlack, stream: &StreamId, root: &str) -> usize {
    slack
        .thread_posts(root)
        .iter()
        .filter(|p| {
            p.body["metadata"]["event_payload"]["key"]
                .as_str()
                .and_then(|k| k.strip_prefix(&format!("{stream}#")))
                .is_some_and(|rest| !rest.contains('#'))
        })
        .count()
}

/// Every `CoachReplied` of `stream` shown exactly once in Discord `thread` (by nonce).
async fn assert_discord_once(
    fakes: &Fakes,
    store: &Arc<dyn Storage>,
    stream: &StreamId,
    thread: &str,
) {
    let recorded = store.read_stream(stream, 1).await.expect("read");
    let shown = fakes.discord.shown_nonces(thread);
    for r in recorded
        .iter()
        .filter(|r| matches!(r.event, Event::CoachReplied(_)))
    {
        let key = format!("{}:{}", r.stream_id, r.version);
        let n = nonce(&key, 0);
        let times = shown.iter().filter(|s| s.as_deref() == Some(&n)).count();
        assert_eq!(times, 1, "coach event {key} shown {times} times on Discord");
    }
}

/// Every `CoachReplied` of `stream` posted exactly once in Slack thread `root` (by the
/// metadata key of its first part).
async fn assert_slack_once(fakes: &Fakes, store: &Arc<dyn Storage>, stream: &StreamId, root: &str) {
    let recorded = store.read_stream(stream, 1).await.expect("read");
    let posts = fakes.slack.thread_posts(root);
    for r in recorded
        .iter()
        .filter(|r| matches!(r.event, Event::CoachReplied(_)))
    {
        let key = format!("{}#{}", r.stream_id, r.version);
        let times = posts
            .iter()
            .filter(|p| p.body["metadata"]["event_payload"]["key"] == key.as_str())
            .count();
        assert_eq!(times, 1, "coach event {key} posted {times} times on Slack");
    }
}

/// In the log: every candidate turn answered exactly once (no answer doubled, none
/// lost), nothing failed; returns the counts by type.
async fn assert_log_once(
    store: &Arc<dyn Storage>,
    stream: &StreamId,
    turns: usize,
) -> BTreeMap<&'static str, usize> {
    let all = events(store, stream).await;
    let counts = by_type(&all);
    let mut replied: Vec<String> = all
        .iter()
        .filter(|e| matches!(e, Event::CoachReplied(_)))
        .map(|e| format!("{:?}", e.reply_to()))
        .collect();
    let n = replied.len();
    replied.sort();
    replied.dedup();
    assert_eq!(
        replied.len(),
        n,
        "a turn answered twice in {stream:?}: {counts:?}"
    );
    assert_eq!(answers(&all), turns, "answers in {stream:?}: {counts:?}");
    assert_eq!(counts.get("interview_started"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("coach_failed"), None, "{counts:?}");
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_discord_slack_and_web_and_a_killed_one_loses_and_doubles_nothing() {
    let Some(db) = common::postgres_db().await else {
        return;
    };
    // The schema is made once, before two processes race to make it.
    let store = db.open().await;
    let llm = FakeAnthropic::start().await;
    let discord = FakeDiscord::start().await;
    discord.set_sharding(2, 1);
    let slack = FakeSlack::start().await;
    let hub = SocketHub::start().await;
    slack.set_socket_url_per_token(hub.url());
    let fakes = Fakes {
        db,
        discord,
        slack,
        hub,
        _llm: llm.clone(),
    };
    let mut instances = [
        Instance::new("a", 0, LlmGate::start(&llm.uri()).await),
        Instance::new("b", 1, LlmGate::start(&llm.uri()).await),
    ];
    for i in instances.iter_mut() {
        i.start(&fakes);
    }
    for i in &instances {
        i.ready(&fakes).await;
    }
    let (a, b) = (&instances[0], &instances[1]);

    // A Discord interview on each shard, each with one turn answered.
    let guilds = [GUILD_0, GUILD_1];
    let mut threads = Vec::new();
    for (k, guild) in guilds.iter().enumerate() {
        threads.push(discord_start(&fakes.discord, *guild, 1001 + k as u64).await);
    }
    let discord_streams: Vec<StreamId> = guilds
        .iter()
        .zip(&threads)
        .map(|(g, t)| StreamId::new(format!("discord:{g}:{t}")))
        .collect();
    for k in 0..2 {
        discord_say(
            &fakes.discord,
            guilds[k],
            &threads[k],
            2001 + k as u64,
            "Sort by start first?",
        );
    }

    // Slack: started through A's Socket Mode, the thread reply through B's.
    let command = json!({"envelope_id": "env-start", "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"team_id": TEAM, "channel_id": slack_common::CHANNEL, "user_id": OMAR.0,
                    "command": "/interview", "text": "start two-sum",
                    "response_url": "https://hooks.slack.com/commands/x", "trigger_id": "trigger-1"}});
    fakes.hub.deliver(&a.app_token(), &command).await;
    until("the Slack root message", || {
        !fakes.slack.thread_posts_root().is_empty()
    })
    .await;
    let root = fakes.slack.thread_posts_root()[0].ts.clone().expect("a ts");
    let slack_stream = slack_common::stream_of(&root);
    until_logged(&store, &slack_stream, "the Slack interview", |e| {
        !e.is_empty()
    })
    .await;
    fakes
        .hub
        .deliver(
            &b.app_token(),
            &slack_say(&root, 1, "A hash map of values."),
        )
        .await;

    // Web: the candidate on A, a watcher of the same interview on B.
    let mut candidate = WsClient::connect(&a.ws("/ws")).await;
    candidate.next().await;
    candidate
        .send(json!({"type": "problem_description", "content": "Two Sum: find two numbers adding up to target."}))
        .await;
    let id = candidate.expect("interview").await["interview_id"]
        .as_str()
        .expect("an interview id")
        .to_string();
    candidate.expect("ai_response").await;
    let web_stream = StreamId::new(format!("web:{id}"));
    let mut watcher = WsClient::connect(&b.ws(&format!("/ws/{id}"))).await;
    watcher.until("replay_done").await;

    // Each first turn is answered before the fault.
    for (k, stream) in discord_streams.iter().enumerate() {
        until_logged(&store, stream, &format!("discord turn {k}"), |e| {
            answers(e) == 1
        })
        .await;
    }
    until_logged(&store, &slack_stream, "slack turn", |e| answers(e) == 1).await;

    // The fault: every LLM call is held; one turn of each interview is asked.
    for i in &instances {
        i.gate.close();
    }
    for k in 0..2 {
        discord_say(
            &fakes.discord,
            guilds[k],
            &threads[k],
            3001 + k as u64,
            "What about duplicates?",
        );
    }
    fakes
        .hub
        .deliver(
            &a.app_token(),
            &slack_say(&root, 2, "And negative numbers?"),
        )
        .await;
    candidate
        .send(json!({"type": "message", "content": "Could a set do it?"}))
        .await;
    until("four turns held in LLM calls", || {
        instances.iter().map(|i| i.gate.waiting()).sum::<usize>() == 4
    })
    .await;
    let held: Vec<usize> = instances.iter().map(|i| i.gate.waiting()).collect();
    let dead = if held[0] >= held[1] { 0 } else { 1 };
    let alive = 1 - dead;
    instances[dead].kill();
    let killed = Instant::now();
    instances[alive].gate.open();
    eprintln!(
        "killed {} (holding {} of the 4 turns) with SIGKILL",
        instances[dead].name, held[dead]
    );

    // Every held turn is answered by the survivor, on its platform; the web one shows
    // on the survivor's socket (the candidate's on A, the watcher's on B).
    let survivor_socket = if dead == 0 { watcher } else { candidate };
    let web_shown = tokio::spawn(async move {
        let mut socket = survivor_socket;
        loop {
            let frame = socket
                .next()
                .await
                .expect("the survivor's socket stays open");
            if frame["type"] == "ai_response" {
                return (Instant::now(), socket);
            }
        }
    });
    let mut shown_at: Vec<(&str, Duration)> = Vec::new();
    let mut pending: Vec<(&str, Shown<'_>)> = Vec::new();
    for (k, thread) in threads.iter().enumerate() {
        let discord = fakes.discord.clone();
        let thread = thread.clone();
        let stream = discord_streams[k].clone();
        pending.push((
            if k == 0 {
                "discord shard 0"
            } else {
                "discord shard 1"
            },
            Box::new(move || discord_answers_shown(&discord, &stream, &thread) >= 2),
        ));
    }
    let slack_answers = || slack_answers_shown(&fakes.slack, &slack_stream, &root) >= 2;
    pending.push(("slack", Box::new(slack_answers)));
    let deadline = Instant::now() + WAIT;
    while !pending.is_empty() {
        assert!(
            Instant::now() < deadline,
            "turns left unanswered: {:?}",
            pending.iter().map(|(name, _)| *name).collect::<Vec<_>>()
        );
        pending.retain(|(name, done)| {
            if done() {
                shown_at.push((name, killed.elapsed()));
                false
            } else {
                true
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (web_at, mut survivor_socket) = tokio::time::timeout(WAIT, web_shown)
        .await
        .expect("the web answer on the survivor")
        .expect("the web watcher");
    shown_at.push(("web", web_at - killed));
    let takeover = shown_at.iter().map(|(_, d)| *d).max().unwrap_or_default();
    eprintln!(
        "kill -> answer shown: {shown_at:.2?}; takeover {takeover:.2?} (LEASE_SECONDS={LEASE_SECONDS})"
    );
    // The dead instance's claims were renewed every third of a lease, so the earliest
    // they can lapse is two thirds of a lease after the kill: a turn answered sooner
    // would mean two instances worked on it at once.
    let earliest = Duration::from_secs(LEASE_SECONDS) * 2 / 3 - Duration::from_millis(100);
    assert!(
        takeover >= earliest || held[dead] == 0,
        "a turn of the dead instance came back {takeover:?} after the kill, before its claim lapsed"
    );

    // A static range has no failover: the dead shard's guild is not heard...
    let dead_shard = instances[dead].shard;
    assert!(
        fakes
            .discord
            .connected()
            .iter()
            .all(|(s, _)| *s != dead_shard),
        "nobody runs the dead instance's shard"
    );
    let lost_text = "Said while my shard was down.";
    discord_say(
        &fakes.discord,
        guilds[dead],
        &threads[dead],
        4001,
        lost_text,
    );
    // ...until the instance is started again (same address: it takes its claims back).
    instances[dead].gate.open();
    instances[dead].start(&fakes);
    instances[dead].ready(&fakes).await;
    discord_say(
        &fakes.discord,
        guilds[dead],
        &threads[dead],
        4002,
        "Back: shall I code it?",
    );
    until_logged(
        &store,
        &discord_streams[dead],
        "the answer after the restart",
        |e| answers(e) == 3,
    )
    .await;
    let after = events(&store, &discord_streams[dead]).await;
    assert!(
        !after
            .iter()
            .any(|e| matches!(e, Event::CandidateMessage(m) if m.text == lost_text)),
        "a message sent while no instance ran its shard was heard: {after:?}"
    );
    until("the answer after the restart shown", || {
        discord_answers_shown(&fakes.discord, &discord_streams[dead], &threads[dead]) >= 3
    })
    .await;

    // Exactly once everywhere: the log, Discord, Slack, the web socket.
    for (k, stream) in discord_streams.iter().enumerate() {
        let turns = if k == dead { 3 } else { 2 };
        let counts = assert_log_once(&store, stream, turns).await;
        assert_eq!(
            candidate_turns(&events(&store, stream).await),
            turns,
            "{counts:?}"
        );
        assert_discord_once(&fakes, &store, stream, &threads[k]).await;
        assert_eq!(
            discord_answers_shown(&fakes.discord, stream, &threads[k]),
            turns,
            "one message per answer in {}",
            threads[k]
        );
    }
    let counts = assert_log_once(&store, &slack_stream, 2).await;
    assert_eq!(
        candidate_turns(&events(&store, &slack_stream).await),
        2,
        "{counts:?}"
    );
    assert_slack_once(&fakes, &store, &slack_stream, &root).await;
    assert_eq!(
        slack_answers_shown(&fakes.slack, &slack_stream, &root),
        2,
        "one post per answer"
    );
    // The web interview: the introduction and the answer to the held turn.
    let counts = assert_log_once(&store, &web_stream, 2).await;
    assert_eq!(counts.get("candidate_message"), Some(&1), "{counts:?}");
    // The survivor's socket got nothing more: a fresh replay ends in the same answers,
    // and the live socket has no second answer in what arrived since.
    let mut replay = WsClient::connect(&instances[alive].ws(&format!("/ws/{id}"))).await;
    let frames = replay.until("replay_done").await;
    let replayed = frames.iter().filter(|f| f["type"] == "ai_response").count();
    assert_eq!(replayed, 2, "{frames:?}");
    let since = survivor_socket.drain_for(Duration::from_millis(100)).await;
    assert!(
        !since.iter().any(|f| f["type"] == "ai_response"),
        "a second answer on the survivor's socket: {since:?}"
    );
    // Each instance answered turns (the LLM calls went through both gates).
    assert!(instances.iter().all(|i| i.gate.received() > 0));

    drop(instances);
    drop(store);
    fakes.db.cleanup().await;
}
