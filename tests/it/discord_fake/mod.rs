//! A loopback fake of Discord for end-to-end tests: the REST API under `/api/v10`
//! (recording every call and answering with the fields serenity requires) and a plain
//! `ws://` gateway that says HELLO, answers IDENTIFY with READY, acknowledges
//! heartbeats, and sends whatever dispatches the test pushes. It records every
//! IDENTIFY (shard, token, time) and which shards are connected at each moment, so
//! tests of shards shared between instances can check who connected what and when. A
//! dispatch of a guild goes, as on Discord, only to the shard that guild maps to
//! (`(guild_id >> 22) % shards`); one without a guild goes to every shard. See
//! ../shared/PLATFORM-FACTS.md for what serenity needs from it.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_001;
pub const GUILD: u64 = 800_000_000_000_000_001;
pub const CHANNEL: u64 = 700_000_000_000_000_001;
pub const MAYA: u64 = 600_000_000_000_000_001;
pub const LEO: u64 = 600_000_000_000_000_002;
/// How long a test waits for one call.
pub const WAIT: Duration = Duration::from_secs(30);

/// A scripted failure of one REST call.
#[derive(Debug, Clone, Copy)]
pub struct Fault {
    pub status: u16,
    /// `retry_after` in the JSON body (and the header) of a 429, in seconds.
    pub retry_after: Option<f64>,
    /// The call takes effect (the message is made) before the error is answered: the
    /// ambiguous case a retry must not turn into a duplicate.
    pub took_effect: bool,
    /// No answer at all (an hour's wait): the bot's own timeout must end the call.
    pub hang: bool,
}

impl Fault {
    pub fn status(status: u16) -> Fault {
        Fault {
            status,
            retry_after: None,
            took_effect: false,
            hang: false,
        }
    }

    /// A call that is never answered.
    pub fn hang() -> Fault {
        Fault {
            hang: true,
            ..Fault::status(504)
        }
    }

    pub fn rate_limited(seconds: f64) -> Fault {
        Fault {
            retry_after: Some(seconds),
            ..Fault::status(429)
        }
    }

    pub fn after_effect(self) -> Fault {
        Fault {
            took_effect: true,
            ..self
        }
    }
}

/// The routes faults can be scripted on.
pub const MESSAGES: &str = "messages";
pub const THREADS: &str = "threads";

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
}

struct Inner {
    calls: Mutex<Vec<Call>>,
    next_id: AtomicU64,
    /// Dispatches (guild, event name, data), routed to the guild's shard; each
    /// connection numbers what it sends itself, as a Discord session does.
    dispatch: broadcast::Sender<(Option<u64>, String, Value)>,
    ws_url: String,
    files: Mutex<Vec<(String, Vec<u8>)>>,
    /// Messages the bot posted, oldest first, with the nonce they were posted with.
    posted: Mutex<Vec<(Value, Option<String>)>>,
    /// Scripted answers per route, one per call: `None` answers normally.
    faults: Mutex<HashMap<&'static str, VecDeque<Option<Fault>>>>,
    /// `shards` and `max_concurrency` of `GET /gateway/bot`.
    shards: AtomicU32,
    max_concurrency: AtomicU32,
    next_connection: AtomicU64,
    /// Every IDENTIFY received, oldest first.
    identifies: Mutex<Vec<Identify>>,
    /// The gateway connections open now, by connection number, with the IDENTIFY
    /// each has sent (if any).
    open: Mutex<HashMap<u64, Option<Identify>>>,
    /// Shards that had a second open connection while one was already open.
    doubled: Mutex<Vec<u32>>,
}

/// One IDENTIFY: the shard asked for and when it arrived.
#[derive(Debug, Clone)]
pub struct Identify {
    pub shard: u32,
    pub total: u32,
    /// The bot token sent (without `Bot `): tests give each instance its own to tell them apart.
    pub token: String,
    pub at: Instant,
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind rest");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let addr = rest.local_addr().unwrap();
        let ws_url = format!("ws://{}", gateway.local_addr().unwrap());
        let (dispatch, _) = broadcast::channel(256);
        let inner = Arc::new(Inner {
            calls: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(500_000_000_000_000_000),
            dispatch,
            ws_url,
            files: Mutex::new(Vec::new()),
            posted: Mutex::new(Vec::new()),
            faults: Mutex::new(HashMap::new()),
            shards: AtomicU32::new(1),
            max_concurrency: AtomicU32::new(1),
            next_connection: AtomicU64::new(0),
            identifies: Mutex::new(Vec::new()),
            open: Mutex::new(HashMap::new()),
            doubled: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(rest_call).with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(rest, app).await;
        });
        let gw = inner.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let inner = gw.clone();
                let n = inner.next_connection.fetch_add(1, Ordering::SeqCst);
                inner.open.lock().unwrap().insert(n, None);
                tokio::spawn(async move {
                    serve_gateway(inner.clone(), stream, n).await;
                    inner.open.lock().unwrap().remove(&n);
                });
            }
        });
        FakeDiscord { addr, inner }
    }

    /// The proxy URL to give serenity.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serve a file at `/files/{name}` (an attachment's CDN URL); one named `hang-...`
    /// is never answered.
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        self.inner
            .files
            .lock()
            .unwrap()
            .push((name.to_string(), bytes.to_vec()));
        format!("{}/files/{name}", self.url())
    }

    /// Script the next calls to `route` ([`MESSAGES`] or [`THREADS`]): one entry per
    /// call, `None` answering normally; calls after the plan answer normally.
    pub fn plan(&self, route: &'static str, plan: Vec<Option<Fault>>) {
        self.inner
            .faults
            .lock()
            .unwrap()
            .insert(route, plan.into_iter().collect());
    }

    /// The messages shown in `channel`, oldest first (each once, however often posted).
    pub fn shown(&self, channel: &str) -> Vec<Value> {
        self.inner
            .posted
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m["channel_id"] == channel)
            .map(|(m, _)| m.clone())
            .collect()
    }

    /// The nonces of the messages shown in `channel`, oldest first (`None` for a
    /// message posted without one).
    pub fn shown_nonces(&self, channel: &str) -> Vec<Option<String>> {
        self.inner
            .posted
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m["channel_id"] == channel)
            .map(|(_, nonce)| nonce.clone())
            .collect()
    }

    /// What `GET /gateway/bot` answers: the recommended shards and the IDENTIFY
    /// buckets (`max_concurrency`).
    pub fn set_sharding(&self, shards: u32, max_concurrency: u32) {
        self.inner.shards.store(shards, Ordering::SeqCst);
        self.inner
            .max_concurrency
            .store(max_concurrency, Ordering::SeqCst);
    }

    /// Every IDENTIFY received so far, oldest first.
    pub fn identifies(&self) -> Vec<Identify> {
        self.inner.identifies.lock().unwrap().clone()
    }

    /// The open gateway connections that have identified: (shard, token), sorted.
    pub fn connected(&self) -> Vec<(u32, String)> {
        let mut shards: Vec<(u32, String)> = self
            .inner
            .open
            .lock()
            .unwrap()
            .values()
            .flatten()
            .map(|i| (i.shard, i.token.clone()))
            .collect();
        shards.sort();
        shards
    }

    /// Shards that were ever connected twice at once.
    pub fn doubled(&self) -> Vec<u32> {
        self.inner.doubled.lock().unwrap().clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner.calls.lock().unwrap().clone()
    }

    pub fn count(&self, pred: impl Fn(&Call) -> bool) -> usize {
        self.calls().iter().filter(|c| pred(c)).count()
    }

    /// Waits for the first call matching `pred`.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(c) = self.calls().into_iter().find(|c| pred(c)) {
                return c;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("no call: {what}; calls: {:#?}", self.calls());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a gateway dispatch to the shard of its `guild_id` (every shard without one).
    pub fn dispatch(&self, event: &str, data: Value) {
        let guild = data["guild_id"].as_str().and_then(|g| g.parse().ok());
        let _ = self.inner.dispatch.send((guild, event.to_string(), data));
    }
}

/// The next scripted answer for `route`, if any.
fn fault(inner: &Inner, route: &'static str) -> Option<Fault> {
    inner
        .faults
        .lock()
        .unwrap()
        .get_mut(route)
        .and_then(|plan| plan.pop_front())
        .flatten()
}

/// A Discord error answer: 429s carry `retry_after` (body and header) like Discord's.
/// A hanging fault answers only after an hour.
async fn error_response(f: Fault) -> Response {
    if f.hang {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = json!({"message": format!("fault {}", f.status), "code": 0});
    if let Some(after) = f.retry_after {
        body = json!({"message": "You are being rate limited.", "retry_after": after, "global": false});
    }
    let mut res = (status, axum::Json(body)).into_response();
    if let Some(after) = f.retry_after
        && let Ok(v) = after.to_string().parse()
    {
        res.headers_mut().insert("retry-after", v);
    }
    res
}

/// Posts a message as Discord does: with `enforce_nonce`, a nonce already used in the
/// channel returns the message made then instead of a second one.
fn create_message(inner: &Inner, channel: &str, body: &Value) -> Value {
    let body = &payload_json(body);
    let nonce = body["nonce"].as_str().map(str::to_string);
    let mut posted = inner.posted.lock().unwrap();
    if body["enforce_nonce"] == true
        && let Some(n) = &nonce
        && let Some((m, _)) = posted
            .iter()
            .find(|(m, seen)| m["channel_id"] == channel && seen.as_ref() == Some(n))
    {
        let mut m = m.clone();
        m["nonce"] = json!(n);
        return m;
    }
    let content = body["content"].as_str().unwrap_or("");
    let mut m = message(&id(inner), channel, user(BOT_ID, "coach", true), content);
    m["embeds"] = body.get("embeds").cloned().unwrap_or(json!([]));
    m["components"] = body.get("components").cloned().unwrap_or(json!([]));
    posted.push((m.clone(), nonce.clone()));
    if let Some(n) = nonce {
        m["nonce"] = json!(n);
    }
    m
}

/// The JSON of a message post: the body itself, or a multipart body's `payload_json`.
pub fn payload_json(body: &Value) -> Value {
    let Some(text) = body.as_str() else {
        return body.clone();
    };
    text.split_once("name=\"payload_json\"")
        .and_then(|(_, rest)| rest.split_once("\r\n\r\n"))
        .and_then(|(_, rest)| rest.split("\r\n--").next())
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or(Value::Null)
}

fn id(inner: &Inner) -> String {
    inner.next_id.fetch_add(1, Ordering::SeqCst).to_string()
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name.to_lowercase(), "global_name": name,
           "discriminator": "0", "avatar": null, "bot": bot})
}

pub fn message(id: &str, channel: &str, author: Value, content: &str) -> Value {
    json!({
        "id": id, "channel_id": channel, "author": author, "content": content,
        "timestamp": "2026-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0
    })
}

fn member(user_id: u64, name: &str) -> Value {
    json!({"user": user(user_id, name, false), "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00",
           "deaf": false, "mute": false, "flags": 0, "permissions": "2199023255551"})
}

/// An application-command interaction from `user_id` in `channel`.
pub fn interaction(id: u64, channel: u64, user_id: u64, name: &str, data: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APP_ID.to_string(), "type": 2, "data": data,
        "guild_id": GUILD.to_string(), "channel_id": channel.to_string(),
        "member": member(user_id, name), "token": format!("token{id}"), "version": 1,
        "app_permissions": "2199023255551", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
        "attachment_size_limit": 26214400
    })
}

/// A press on button `custom_id` under a bot message in `channel`.
pub fn button_press(id: u64, channel: u64, user_id: u64, name: &str, custom_id: &str) -> Value {
    let mut press = interaction(
        id,
        channel,
        user_id,
        name,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    press["type"] = json!(3);
    press["message"] = message(
        "1",
        &channel.to_string(),
        user(BOT_ID, "coach", true),
        "problem",
    );
    press
}

/// A plain message in a server channel, as MESSAGE_CREATE carries it.
pub fn message_create(id: u64, channel: u64, user_id: u64, name: &str, content: &str) -> Value {
    let mut m = message(
        &id.to_string(),
        &channel.to_string(),
        user(user_id, name, false),
        content,
    );
    m["guild_id"] = json!(GUILD.to_string());
    m
}

async fn rest_call(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let parsed = serde_json::from_slice(&body).unwrap_or_else(|_| {
        // Multipart (files): keep the JSON part when there is one.
        let text = String::from_utf8_lossy(&body).to_string();
        Value::String(text)
    });
    inner.calls.lock().unwrap().push(Call {
        method: method.to_string(),
        path: path.clone(),
        body: parsed.clone(),
    });
    let segments: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": inner.ws_url})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": inner.ws_url, "shards": inner.shards.load(Ordering::SeqCst),
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0,
                "max_concurrency": inner.max_concurrency.load(Ordering::SeqCst)}
        })),
        ("GET", ["users", "@me"]) => ok(user(BOT_ID, "coach", true)),
        ("PUT", [.., "commands"]) => ok(json!([])),
        ("POST", ["channels", _, "threads"]) if let Some(f) = fault(&inner, THREADS) => {
            error_response(f).await
        }
        ("POST", ["channels", parent, "threads"]) => ok(json!({
            "id": id(&inner), "guild_id": GUILD.to_string(), "parent_id": parent,
            "type": parsed["type"].as_u64().unwrap_or(11), "name": parsed["name"],
            "flags": 0, "position": 0, "permission_overwrites": [], "nsfw": false
        })),
        ("POST", ["channels", channel, "messages"]) => match fault(&inner, MESSAGES) {
            Some(f) => {
                if f.took_effect {
                    create_message(&inner, channel, &parsed);
                }
                error_response(f).await
            }
            None => ok(create_message(&inner, channel, &parsed)),
        },
        ("GET", ["channels", channel, "messages"]) => {
            // Newest first, like Discord; listed messages carry no nonce.
            let posted = inner.posted.lock().unwrap();
            let mut found: Vec<Value> = posted
                .iter()
                .filter(|(m, _)| m["channel_id"] == *channel)
                .map(|(m, _)| m.clone())
                .collect();
            found.reverse();
            ok(Value::Array(found))
        }
        // An edit of one of the bot's messages: the message as edited (shown so from
        // then on); an id never posted in the channel is unknown, as on Discord.
        ("PATCH", ["channels", channel, "messages", message_id]) => {
            let mut posted = inner.posted.lock().unwrap();
            let found = posted
                .iter_mut()
                .find(|(m, _)| m["channel_id"] == *channel && m["id"] == *message_id);
            match found {
                Some((m, _)) => {
                    if let Some(content) = parsed.get("content") {
                        m["content"] = content.clone();
                    }
                    ok(m.clone())
                }
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"message": "Unknown Message", "code": 10008})),
                )
                    .into_response(),
            }
        }
        ("POST", ["channels", _, "typing"]) => StatusCode::NO_CONTENT.into_response(),
        ("PUT", ["channels", _, "thread-members", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) | ("PATCH", ["webhooks", _, _, "messages", _]) => {
            let content = parsed["content"].as_str().unwrap_or("");
            ok(message(
                &id(&inner),
                &CHANNEL.to_string(),
                user(BOT_ID, "coach", true),
                content,
            ))
        }
        // A file named `hang-...` is never sent: the bot's download timeout must end it.
        _ if path.starts_with("/files/hang-") => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        _ if path.starts_with("/files/") => {
            let name = path.trim_start_matches("/files/");
            let files = inner.files.lock().unwrap();
            match files.iter().find(|(n, _)| n == name) {
                Some((_, bytes)) => (StatusCode::OK, bytes.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Unknown route in the fake", "code": 0})),
        )
            .into_response(),
    }
}

/// Records an IDENTIFY on connection `n`, noting a shard already connected elsewhere.
fn identified(inner: &Inner, n: u64, d: &Value) -> (u32, u32) {
    let shard = |i: usize| {
        d["shard"][i]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(if i == 0 { 0 } else { 1 })
    };
    let identify = Identify {
        shard: shard(0),
        total: shard(1),
        token: d["token"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("Bot ")
            .to_string(),
        at: Instant::now(),
    };
    let mut open = inner.open.lock().unwrap();
    if open
        .iter()
        .any(|(m, i)| *m != n && i.as_ref().is_some_and(|i| i.shard == identify.shard))
    {
        inner.doubled.lock().unwrap().push(identify.shard);
    }
    open.insert(n, Some(identify.clone()));
    inner.identifies.lock().unwrap().push(identify.clone());
    (identify.shard, identify.total)
}

/// The shard a guild's events go to on Discord.
pub fn shard_of(guild: u64, total: u32) -> u32 {
    ((guild >> 22) % u64::from(total.max(1))) as u32
}

/// Whether a dispatch of `guild` goes to a connection identified as `shard`.
fn for_shard(guild: Option<u64>, shard: Option<(u32, u32)>) -> bool {
    match (guild, shard) {
        (Some(guild), Some((id, total))) => shard_of(guild, total) == id,
        _ => true,
    }
}

async fn serve_gateway(inner: Arc<Inner>, stream: tokio::net::TcpStream, n: u64) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut tx, mut rx) = ws.split();
    let mut dispatches = inner.dispatch.subscribe();
    // (shard, total) once this connection has identified.
    let mut shard: Option<(u32, u32)> = None;
    // The session's sequence number: READY is 1.
    let mut seq: u64 = 1;
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string();
    if tx.send(Message::text(hello)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            frame = rx.next() => {
                let Some(Ok(frame)) = frame else { return };
                let Ok(text) = frame.into_text() else { continue };
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                let answer = match v["op"].as_u64() {
                    Some(1) => Some(json!({"op": 11})),
                    Some(2) => {
                        let (id, total) = identified(&inner, n, &v["d"]);
                        shard = Some((id, total));
                        Some(json!({"op": 0, "t": "READY", "s": 1, "d": {
                            "v": 10, "user": user(BOT_ID, "coach", true), "guilds": [],
                            "session_id": format!("fake-session-{n}"),
                            "resume_gateway_url": inner.ws_url,
                            "shard": [id, total],
                            "application": {"id": APP_ID.to_string(), "flags": 0}
                        }}))
                    }
                    Some(6) => Some(json!({"op": 0, "t": "RESUMED", "s": 1, "d": {}})),
                    _ => None,
                };
                if let Some(a) = answer
                    && tx.send(Message::text(a.to_string())).await.is_err()
                {
                    return;
                }
            }
            d = dispatches.recv() => match d {
                Ok((guild, event, data)) => {
                    if !for_shard(guild, shard) {
                        continue;
                    }
                    seq += 1;
                    let frame = json!({"op": 0, "t": event, "s": seq, "d": data}).to_string();
                    if tx.send(Message::text(frame)).await.is_err() { return }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

/// Serve settings from command-line `flags`.
pub fn serve_args(flags: &[String]) -> interview_coach::config::ServeArgs {
    use clap::Parser;
    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        args: interview_coach::config::ServeArgs,
    }
    let mut argv = vec!["interview-coach".to_string()];
    argv.extend(flags.iter().cloned());
    Only::try_parse_from(argv).expect("valid flags").args
}

/// The flags of an app against `discord` (one shard, the test guild) with the coach on
/// `claude`.
pub fn app_flags(
    discord: &FakeDiscord,
    claude: &crate::common::fake_anthropic::FakeAnthropic,
) -> Vec<String> {
    [
        "--bind",
        "127.0.0.1:0",
        "--discord-token",
        "fake-token",
        "--discord-api-proxy",
        &discord.url(),
        "--discord-guild-id",
        &GUILD.to_string(),
        "--discord-shards",
        "1",
        "--anthropic-api-key",
        "test-key",
        "--anthropic-base-url",
        &claude.uri(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The app against `discord`, the coach on `claude`, with `extra` flags; it has
/// registered its commands, and it stops when the sender drops.
pub async fn start_app(
    discord: &FakeDiscord,
    claude: &crate::common::fake_anthropic::FakeAnthropic,
    db: &crate::common::TestDb,
    extra: &[&str],
) -> (
    interview_coach::engine::Engine,
    tokio::sync::oneshot::Sender<()>,
) {
    let mut flags = app_flags(discord, claude);
    flags.extend(extra.iter().map(|s| s.to_string()));
    let app = interview_coach::app::App::with_store(
        db.open().await,
        serve_args(&flags),
        Arc::new(interview_coach::engine::SystemClock),
    )
    .await
    .expect("app builds");
    let engine = app.engine().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    discord
        .wait_for("command registration", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    (engine, stop)
}

/// The events of `stream`, as the log holds them now.
pub async fn events(
    engine: &interview_coach::engine::Engine,
    stream: &interview_coach::domain::StreamId,
) -> Vec<interview_coach::domain::Event> {
    let (_, events) = engine.load(stream).await.expect("load");
    events.into_iter().map(|r| r.event).collect()
}

/// Waits (up to `WAIT`) until the stream's events satisfy `pred`, and returns them.
pub async fn wait_events(
    engine: &interview_coach::engine::Engine,
    stream: &interview_coach::domain::StreamId,
    what: &str,
    pred: impl Fn(&[interview_coach::domain::Event]) -> bool,
) -> Vec<interview_coach::domain::Event> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = events(engine, stream).await;
        if pred(&all) {
            return all;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {all:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many of `events` satisfy `pred`.
pub fn count(
    events: &[interview_coach::domain::Event],
    pred: impl Fn(&interview_coach::domain::Event) -> bool,
) -> usize {
    events.iter().filter(|e| pred(e)).count()
}
