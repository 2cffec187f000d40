//! Slack test support: a loopback fake of the Slack Web API (wiremock) that records
//! every call and answers like Slack, the real app on port 0 with the HTTP Events API
//! enabled and pointed at the fake, and signed requests as Slack sends them;
//! `socket_hub` serves Socket Mode to several instances at once.
#![allow(dead_code)]

pub mod socket_hub;

use clap::Parser;
use interview_coach::app::App;
use interview_coach::config::ServeArgs;
use interview_coach::domain::{Event, StreamId};
use interview_coach::engine::{Engine, SystemClock};
use interview_coach::platforms::slack::signature;
use interview_coach::ports::Storage;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

pub const SECRET: &str = "test-signing-secret";
pub const TEAM: &str = "T1";
pub const CHANNEL: &str = "C1";
pub const OMAR: (&str, &str) = ("U_OMAR", "omar");
pub const ANA: (&str, &str) = ("U_ANA", "ana");

/// A scripted failure of one Web API call.
#[derive(Debug, Clone)]
pub enum Fault {
    /// HTTP status (429 with `Retry-After` seconds when given), e.g. 500 or 429.
    Status(u16, Option<u64>),
    /// HTTP 200 with `{"ok": false, "error": code}`.
    Error(&'static str),
    /// The message is posted, then the answer is lost (HTTP 500): the ambiguous case.
    AfterEffect(u16),
    /// No answer at all (an hour's wait): the app's own timeout must end the call.
    Hang,
}

/// One Web API call the app made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// The ts the fake answered with (chat.postMessage).
    pub ts: Option<String>,
    /// When the call arrived (benchmarks time recoveries with it).
    pub at: std::time::Instant,
}

#[derive(Clone, Default)]
pub struct Recorder {
    calls: Arc<Mutex<Vec<Call>>>,
    next_ts: Arc<AtomicU64>,
    /// What `apps.connections.open` answers (Socket Mode).
    socket_url: Arc<Mutex<Option<String>>>,
    /// Append the caller's app token to the socket URL (`{url}/{token}`), so a fake
    /// Socket Mode server can tell the instances apart (each is given its own token).
    socket_per_token: Arc<std::sync::atomic::AtomicBool>,
    /// The fake's own base URL, for the upload URLs it hands out.
    base_url: Arc<Mutex<String>>,
    /// Scripted answers per method, one per call: `None` answers normally.
    faults: Arc<Mutex<HashMap<String, VecDeque<Option<Fault>>>>>,
}

impl Recorder {
    /// The thread as Slack would list it: the messages posted in it, with their metadata
    /// only when `include_all_metadata` is set.
    fn replies(&self, query: &Value) -> Value {
        let with_metadata = query["include_all_metadata"] == "true";
        let calls = self.calls.lock().unwrap();
        let messages: Vec<Value> = calls
            .iter()
            .filter(|c| {
                c.method == "chat.postMessage" && c.ts.is_some() && c.body["thread_ts"] == query["ts"]
            })
            .map(|c| {
                let mut m = json!({"type": "message", "ts": c.ts, "thread_ts": query["ts"], "text": c.body["text"]});
                if with_metadata && !c.body["metadata"].is_null() {
                    m["metadata"] = c.body["metadata"].clone();
                }
                m
            })
            .collect();
        json!({"ok": true, "messages": messages, "has_more": false})
    }
}

impl Recorder {
    /// The channel's top-level messages, newest first, with their metadata when asked
    /// (issue 16: a day's post is found by its key).
    fn history(&self, query: &Value) -> Value {
        let with_metadata = query["include_all_metadata"] == "true";
        let calls = self.calls.lock().unwrap();
        let messages: Vec<Value> = calls
            .iter()
            .rev()
            .filter(|c| {
                c.method == "chat.postMessage"
                    && c.ts.is_some()
                    && c.body["channel"] == query["channel"]
                    && c.body["thread_ts"].is_null()
            })
            .map(|c| {
                let mut m = json!({"type": "message", "ts": c.ts, "text": c.body["text"]});
                if with_metadata && !c.body["metadata"].is_null() {
                    m["metadata"] = c.body["metadata"].clone();
                }
                m
            })
            .collect();
        json!({"ok": true, "messages": messages, "has_more": false})
    }
}

impl Respond for Recorder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.url.path().trim_start_matches("/api/").to_string();
        let body = if method.starts_with("_upload/") {
            // The file bytes sent to an upload URL.
            Value::String(String::from_utf8_lossy(&request.body).to_string())
        } else {
            serde_json::from_slice(&request.body).unwrap_or_else(|_| {
                let q: serde_json::Map<String, Value> = request
                    .url
                    .query_pairs()
                    .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                    .collect();
                Value::Object(q)
            })
        };
        let fault = self
            .faults
            .lock()
            .unwrap()
            .get_mut(&method)
            .and_then(|plan| plan.pop_front())
            .flatten();
        match fault {
            Some(Fault::Status(status, retry_after)) => {
                self.calls.lock().unwrap().push(Call {
                    method,
                    body,
                    ts: None,
                    at: std::time::Instant::now(),
                });
                let mut res = if status == 429 {
                    ResponseTemplate::new(status)
                        .set_body_json(json!({"ok": false, "error": "ratelimited"}))
                } else {
                    ResponseTemplate::new(status).set_body_string("upstream failure")
                };
                if let Some(secs) = retry_after {
                    res = res.insert_header("retry-after", secs.to_string().as_str());
                }
                return res;
            }
            Some(Fault::Error(code)) => {
                self.calls.lock().unwrap().push(Call {
                    method,
                    body,
                    ts: None,
                    at: std::time::Instant::now(),
                });
                return ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": code}));
            }
            Some(Fault::AfterEffect(status)) => {
                let n = self.next_ts.fetch_add(1, Ordering::SeqCst) + 1;
                let ts = format!("1700000000.{n:06}");
                self.calls.lock().unwrap().push(Call {
                    method,
                    body,
                    ts: Some(ts),
                    at: std::time::Instant::now(),
                });
                return ResponseTemplate::new(status).set_body_string("upstream failure");
            }
            Some(Fault::Hang) => {
                self.calls.lock().unwrap().push(Call {
                    method,
                    body,
                    ts: None,
                    at: std::time::Instant::now(),
                });
                return ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "hung"}))
                    .set_delay(Duration::from_secs(3600));
            }
            None => {}
        }
        let (answer, ts) = match method.as_str() {
            "chat.postMessage" => {
                let n = self.next_ts.fetch_add(1, Ordering::SeqCst) + 1;
                let ts = format!("1700000000.{n:06}");
                let answer = json!({"ok": true, "channel": body["channel"], "ts": ts,
                    "message": {"ts": ts, "text": body["text"]}});
                (answer, Some(ts))
            }
            "chat.postEphemeral" => (json!({"ok": true, "message_ts": "1700000000.999999"}), None),
            "chat.update" => (
                json!({"ok": true, "channel": body["channel"], "ts": body["ts"], "text": body["text"]}),
                None,
            ),
            "views.open" => (json!({"ok": true, "view": {"id": "V1"}}), None),
            "users.info" => {
                let id = body["user"].as_str().unwrap_or("U0").to_string();
                let handle = id.trim_start_matches("U_").to_lowercase();
                let mut user = json!({"id": id, "name": handle, "profile": {"display_name": ""}});
                // issue 16: ids starting `B_` are bots (a duel with one is refused).
                user["is_bot"] = json!(id.starts_with("B_"));
                (json!({"ok": true, "user": user}), None)
            }
            "conversations.replies" => (self.replies(&body), None),
            // issue 16: daily. Omar created the channel; no one is a workspace admin.
            "conversations.info" => (
                json!({"ok": true, "channel": {"id": body["channel"], "created": 1700000000, "creator": OMAR.0}}),
                None,
            ),
            "conversations.history" => (self.history(&body), None),
            // issue 16: duel. The bot's direct-message channel with a member: `D` + id.
            "conversations.open" => {
                let user = body["users"]
                    .as_array()
                    .and_then(|u| u.first())
                    .and_then(Value::as_str)
                    .or_else(|| body["users"].as_str())
                    .unwrap_or("U0")
                    .split(',')
                    .next()
                    .unwrap_or("U0")
                    .to_string();
                (json!({"ok": true, "channel": {"id": dm_of(&user)}}), None)
            }
            "files.getUploadURLExternal" => {
                let origin = self.base_url.lock().unwrap().clone();
                let answer = json!({"ok": true, "file_id": "F1",
                    "upload_url": format!("{origin}/api/_upload/F1")});
                (answer, None)
            }
            "_upload/F1" => (json!({"ok": true}), None),
            "files.completeUploadExternal" => (json!({"ok": true, "files": [{"id": "F1"}]}), None),
            "apps.connections.open" => {
                let mut url = self.socket_url.lock().unwrap().clone();
                if self.socket_per_token.load(Ordering::SeqCst) {
                    let token = request
                        .headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .trim_start_matches("Bearer ")
                        .to_string();
                    url = url.map(|u| format!("{u}/{token}"));
                }
                let answer = match url {
                    Some(url) => json!({"ok": true, "url": url}),
                    None => json!({"ok": false, "error": "no_socket"}),
                };
                (answer, None)
            }
            _ => (json!({"ok": false, "error": "unknown_method"}), None),
        };
        self.calls.lock().unwrap().push(Call {
            method,
            body,
            ts,
            at: std::time::Instant::now(),
        });
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

pub struct FakeSlack {
    pub server: MockServer,
    recorder: Recorder,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let server = MockServer::start().await;
        let recorder = Recorder::default();
        *recorder.base_url.lock().unwrap() = server.uri();
        Mock::given(matchers::path_regex("^/api/.*"))
            .respond_with(recorder.clone())
            .mount(&server)
            .await;
        FakeSlack { server, recorder }
    }

    /// Serve `content` at `path` to requests carrying the bot token (a shared file);
    /// the file's `url_private_download`.
    pub async fn serve_file(&self, path: &str, content: &str) -> String {
        Mock::given(matchers::method("GET"))
            .and(matchers::path(path))
            .and(matchers::header("authorization", "Bearer xoxb-test"))
            .respond_with(ResponseTemplate::new(200).set_body_string(content))
            .mount(&self.server)
            .await;
        format!("{}{path}", self.server.uri())
    }

    /// Script the next calls to `method`: one entry per call, `None` answering
    /// normally; calls after the plan answer normally.
    pub fn plan(&self, method: &str, plan: Vec<Option<Fault>>) {
        self.recorder
            .faults
            .lock()
            .unwrap()
            .insert(method.to_string(), plan.into_iter().collect());
    }

    /// Answer `apps.connections.open` with `url`.
    pub fn set_socket_url(&self, url: &str) {
        *self.recorder.socket_url.lock().unwrap() = Some(url.to_string());
    }

    /// Answer `apps.connections.open` with `{url}/{the caller's app token}`.
    pub fn set_socket_url_per_token(&self, url: &str) {
        self.set_socket_url(url);
        self.recorder.socket_per_token.store(true, Ordering::SeqCst);
    }

    pub fn api_url(&self) -> String {
        format!("{}/api", self.server.uri())
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        let calls = self.recorder.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Messages posted (shown) outside any thread: interviews' root messages.
    pub fn thread_posts_root(&self) -> Vec<Call> {
        self.calls("chat.postMessage")
            .into_iter()
            .filter(|c| c.ts.is_some() && c.body.get("thread_ts").is_none_or(Value::is_null))
            .collect()
    }

    /// Messages posted (shown) in `thread_ts`'s thread; failed posts are not shown.
    pub fn thread_posts(&self, thread_ts: &str) -> Vec<Call> {
        self.calls("chat.postMessage")
            .into_iter()
            .filter(|c| c.ts.is_some() && c.body["thread_ts"] == thread_ts)
            .collect()
    }
}

/// Serve settings from flags.
pub fn serve_args(flags: &[String]) -> ServeArgs {
    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        args: ServeArgs,
    }
    let mut argv = vec![
        "interview-coach".to_string(),
        "--bind".into(),
        "127.0.0.1:0".into(),
    ];
    argv.extend_from_slice(flags);
    Only::try_parse_from(argv).expect("valid serve flags").args
}

pub struct SlackApp {
    pub addr: SocketAddr,
    pub engine: Engine,
    /// The app's store, for assertions on what it holds.
    pub store: Arc<dyn Storage>,
    pub http: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SlackApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SlackApp {
    /// The real app on `store`, Slack over HTTP against `slack`, the coach on `llm_url`.
    pub async fn start(store: Arc<dyn Storage>, slack: &FakeSlack, llm_url: &str) -> SlackApp {
        Self::start_with(store, slack, llm_url, &["--slack-signing-secret", SECRET]).await
    }

    /// The app with `transport` flags (signing secret and/or app token, and any other
    /// flag that overrides a default).
    pub async fn start_with(
        store: Arc<dyn Storage>,
        slack: &FakeSlack,
        llm_url: &str,
        transport: &[&str],
    ) -> SlackApp {
        Self::start_with_clock(store, slack, llm_url, transport, Arc::new(SystemClock)).await
    }

    /// As `start_with`, on a clock the test moves.
    pub async fn start_with_clock(
        store: Arc<dyn Storage>,
        slack: &FakeSlack,
        llm_url: &str,
        transport: &[&str],
        clock: Arc<dyn interview_coach::engine::Clock>,
    ) -> SlackApp {
        // `transport` may also override a default below (the cooldown, say).
        let mut flags: Vec<String> = Vec::new();
        let defaults: Vec<String> = [
            "--slack-bot-token",
            "xoxb-test",
            "--slack-api-url",
            &slack.api_url(),
            "--anthropic-api-key",
            "fake-key",
            "--anthropic-base-url",
            llm_url,
            "--anthropic-model",
            "claude-fake",
            "--coach-cooldown-seconds",
            "0",
            "--web-dist-dir",
            "/nonexistent",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for pair in defaults.chunks(2) {
            if !transport.contains(&pair[0].as_str()) {
                flags.extend(pair.iter().cloned());
            }
        }
        flags.extend(transport.iter().map(|s| s.to_string()));
        let app = App::with_store(store.clone(), serve_args(&flags), clock)
            .await
            .expect("app starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], app.port()));
        let engine = app.engine().clone();
        let task = tokio::spawn(async move {
            let _ = app.run_until_stopped(std::future::pending()).await;
        });
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("http://{addr}/healthz")).send().await
                && r.status().is_success()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        SlackApp {
            addr,
            engine,
            store,
            http,
            task,
        }
    }

    /// POST `body` to `path`, signed at `timestamp` (now when None) with `secret`.
    pub async fn post_signed(
        &self,
        path: &str,
        body: &str,
        content_type: &str,
        timestamp: Option<i64>,
        retry: Option<u32>,
    ) -> reqwest::Response {
        let ts = timestamp
            .unwrap_or_else(|| chrono::Utc::now().timestamp())
            .to_string();
        let sig = signature::sign(SECRET, &ts, body.as_bytes());
        self.post_raw(path, body, content_type, &ts, &sig, retry)
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: &str,
        content_type: &str,
        ts: &str,
        sig: &str,
        retry: Option<u32>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("http://{}{path}", self.addr))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", sig)
            .body(body.to_string());
        if let Some(n) = retry {
            req = req
                .header("x-slack-retry-num", n.to_string())
                .header("x-slack-retry-reason", "http_timeout");
        }
        req.send().await.expect("request sent")
    }

    pub async fn command(
        &self,
        user: (&str, &str),
        text: &str,
        trigger: &str,
    ) -> reqwest::Response {
        self.slash(user, "/interview", text, trigger).await
    }

    /// Any slash command (`/stats`, `/leaderboard`, ...) by `user`.
    pub async fn slash(
        &self,
        user: (&str, &str),
        command: &str,
        text: &str,
        trigger: &str,
    ) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("team_id", TEAM)
            .append_pair("channel_id", CHANNEL)
            .append_pair("user_id", user.0)
            .append_pair("user_name", user.1)
            .append_pair("command", command)
            .append_pair("text", text)
            .append_pair("response_url", "https://hooks.slack.com/commands/x")
            .append_pair("trigger_id", trigger)
            .finish();
        self.post_signed(
            "/slack/commands",
            &body,
            "application/x-www-form-urlencoded",
            None,
            None,
        )
        .await
    }

    pub async fn event(&self, body: &Value, retry: Option<u32>) -> reqwest::Response {
        self.post_signed(
            "/slack/events",
            &body.to_string(),
            "application/json",
            None,
            retry,
        )
        .await
    }

    pub async fn interaction(&self, payload: &Value) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        self.post_signed(
            "/slack/interactions",
            &body,
            "application/x-www-form-urlencoded",
            None,
            None,
        )
        .await
    }

    pub async fn events(&self, stream: &StreamId) -> Vec<Event> {
        let (_, recorded) = self.engine.load(stream).await.expect("load");
        recorded.into_iter().map(|r| r.event).collect()
    }

    /// Wait until `stream`'s events satisfy `pred`.
    pub async fn wait_events(
        &self,
        stream: &StreamId,
        pred: impl Fn(&[Event]) -> bool,
    ) -> Vec<Event> {
        for _ in 0..300 {
            let events = self.events(stream).await;
            if pred(&events) {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out; events: {:#?}", self.events(stream).await);
    }
}

/// Wait until `f` is true (up to 15 s).
pub async fn wait_for(what: &str, f: impl Fn() -> bool) {
    for _ in 0..300 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

pub fn stream_of(root_ts: &str) -> StreamId {
    StreamId::new(format!("slack:{TEAM}:{CHANNEL}:{root_ts}"))
}

/// A thread reply as the Events API delivers it.
pub fn thread_message(event_id: &str, user: &str, root_ts: &str, ts: &str, text: &str) -> Value {
    json!({
        "token": "x", "type": "event_callback", "team_id": TEAM, "api_app_id": "A1",
        "event_id": event_id, "event_time": 1700000000,
        "event": {"type": "message", "channel": CHANNEL, "channel_type": "channel", "user": user,
                  "ts": ts, "thread_ts": root_ts, "text": text, "team": TEAM}
    })
}

/// The fake's direct-message channel between the bot and `user` (issue 16: duels).
pub fn dm_of(user: &str) -> String {
    format!("D{user}")
}

/// A reply in a thread of the bot's direct messages with `user`, as the Events API
/// delivers it (`message.im`).
pub fn dm_thread_message(event_id: &str, user: &str, root_ts: &str, ts: &str, text: &str) -> Value {
    let mut event = thread_message(event_id, user, root_ts, ts, text);
    event["event"]["channel"] = json!(dm_of(user));
    event["event"]["channel_type"] = json!("im");
    event
}

/// A button press on the interview's root message.
pub fn button(action_id: &str, user: (&str, &str), root_ts: &str, action_ts: &str) -> Value {
    json!({
        "type": "block_actions", "team": {"id": TEAM, "domain": "t"}, "api_app_id": "A1",
        "user": {"id": user.0, "username": user.1, "name": user.1, "team_id": TEAM},
        "trigger_id": format!("trigger-{action_ts}"),
        "container": {"type": "message", "message_ts": root_ts, "channel_id": CHANNEL, "is_ephemeral": false},
        "channel": {"id": CHANNEL, "name": "interview-practice"},
        "message": {"type": "message", "ts": root_ts, "text": "Mock interview"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "interview_actions",
                     "value": action_id, "action_ts": action_ts}]
    })
}
