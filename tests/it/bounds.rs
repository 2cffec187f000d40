//! Bounds on outside calls and on LLM concurrency (issue 18, item 7), against the real
//! app on port 0: a Slack Web API call, a Discord REST call and an LLM that never answer are ended by their
//! configured timeouts and go through the retry paths with the cause named; Postgres
//! statements are bounded by `statement_timeout`; and with `COACH_MAX_CONCURRENCY=2`
//! at most two LLM requests are in flight while the other web interviews wait, told
//! "queued", and are answered in the order they asked. A Discord call that never
//! answers is retried, and its failure names the timeout; so does an attachment whose
//! download never ends. An LLM stream that stalls midway ends at the idle timeout.

use crate::common;
use crate::discord_fake::{self, FakeDiscord, Fault as DiscordFault};
use crate::slack_common::{self, FakeSlack, Fault, OMAR, SlackApp, stream_of, wait_for};
use crate::web_common::fake_claude::FakeClaude;
use crate::web_common::{TestApp, WsClient};
use common::fake_anthropic::FakeAnthropic;
use futures::StreamExt;
use interview_coach::app::App;
use interview_coach::coach::llm::{
    AnthropicClient, HttpTimeouts, LlmClient, LlmError, LlmRequest, Message as LlmMessage,
    TextBlock,
};
use interview_coach::config::Secret;
use interview_coach::domain::Event;
use interview_coach::engine::SystemClock;
use interview_coach::store::{PostgresStore, StoreOptions};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The ephemeral replies Omar was shown.
fn told(slack: &FakeSlack) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slack_call_that_never_answers_times_out_and_is_retried_with_the_cause_named() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeClaude::start().await;
    slack.plan("chat.postMessage", vec![Some(Fault::Hang)]);
    let transport = ["--slack-signing-secret", slack_common::SECRET];
    let mut flags = transport.to_vec();
    flags.extend(["--slack-api-timeout-seconds", "1"]);
    let app = SlackApp::start_with(db.open().await, &slack, &llm.url(), &flags).await;
    let res = app.command(OMAR, "start two-sum", "trigger-hang").await;
    assert_eq!(res.status(), 200);
    wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().expect("a ts");
    let events = app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    assert!(matches!(events[0], Event::InterviewStarted(_)));
    assert_eq!(
        slack.calls("chat.postMessage").len(),
        2,
        "one hung, one posted"
    );
    assert_eq!(told(&slack), ["Slack did not answer in 1 s, retrying..."]);
}

/// An LLM that never answers: each try ends at the idle timeout (1 s), is retried, and
/// the turn fails at its deadline telling the member the provider took too long.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_llm_that_never_answers_times_out_is_retried_and_the_failure_names_the_timeout() {
    let db = common::sqlite_db();
    let llm = FakeClaude::start().await;
    llm.set_latency(Duration::from_secs(3600));
    let mut flags = llm.flags();
    flags.extend(
        [
            "--coach-idle-timeout-seconds",
            "1",
            "--coach-turn-deadline-seconds",
            "4",
        ]
        .map(String::from),
    );
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let mut c = started(&app, "Problem timeout").await;
    let frames = c.until("error").await;
    let statuses: Vec<&str> = frames
        .iter()
        .filter(|f| f["type"] == "coach_status")
        .filter_map(|f| f["state"].as_str())
        .collect();
    assert!(statuses.contains(&"retrying"), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&"failed"), "{statuses:?}");
    let error = frames.last().expect("the error frame");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("took too long"), "{message}");
    assert!(!message.contains("credentials"), "{message}");
    assert!(llm.calls() >= 2, "the timed-out try was retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statements_are_bounded_by_the_statement_timeout() {
    let Some(db) = common::postgres_db().await else {
        return;
    };
    let options = StoreOptions {
        statement_timeout: Duration::from_secs(1),
        ..StoreOptions::default()
    };
    let store = PostgresStore::connect(&db.url, &options)
        .await
        .expect("connect");
    let shown: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(store.pool())
        .await
        .expect("show");
    assert_eq!(shown, "1s");
    let err = sqlx::query("SELECT pg_sleep(5)")
        .execute(store.pool())
        .await
        .expect_err("a statement over the timeout fails");
    assert!(err.to_string().contains("statement timeout"), "{err}");
    store.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn the_statement_timeout_setting_reaches_the_store_options() {
    #[derive(clap::Parser)]
    struct Only {
        #[command(flatten)]
        db: interview_coach::config::DatabaseArgs,
    }
    use clap::Parser as _;
    let only = Only::parse_from(["ic", "--database-statement-timeout-seconds", "7"]);
    let options = only.db.store_options();
    assert_eq!(options.statement_timeout, Duration::from_secs(7));
    assert_eq!(options.connect_timeout, Duration::from_secs(10));
}

/// A socket with a started web interview on a described problem (its intro turn goes
/// to the coach at once).
async fn started(app: &TestApp, title: &str) -> WsClient {
    let mut c = app.ws("/ws").await;
    assert_eq!(c.next().await.expect("welcome")["type"], "system");
    c.send(json!({"type": "problem_description", "content": format!("{title}\nReturn the indices of two numbers adding up to target.")}))
        .await;
    c.expect("interview").await;
    c
}

/// An LLM in front of [`FakeClaude`] that holds every request until released, and
/// records how many were in flight at once and in which order they came.
struct HeldLlm {
    url: String,
    gate: Arc<tokio::sync::Semaphore>,
    seen: Arc<Mutex<Held>>,
    _behind: FakeClaude,
    _server: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Held {
    in_flight: usize,
    max_in_flight: usize,
    /// The problem title each request was about, in arrival order.
    order: Vec<String>,
}

impl HeldLlm {
    async fn start() -> HeldLlm {
        let behind = FakeClaude::start().await;
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let seen = Arc::new(Mutex::new(Held::default()));
        let (target, g, s) = (
            format!("{}/v1/messages", behind.url()),
            gate.clone(),
            seen.clone(),
        );
        let client = reqwest::Client::new();
        let app = axum::Router::new().route(
            "/v1/messages",
            axum::routing::post(move |body: axum::body::Bytes| {
                let (target, gate, seen, client) =
                    (target.clone(), g.clone(), s.clone(), client.clone());
                async move { hold(&client, &target, &gate, &seen, body).await }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HeldLlm {
            url,
            gate,
            seen,
            _behind: behind,
            _server: server,
        }
    }

    fn order(&self) -> Vec<String> {
        self.seen.lock().unwrap().order.clone()
    }

    fn max_in_flight(&self) -> usize {
        self.seen.lock().unwrap().max_in_flight
    }

    /// Let the oldest held request through.
    fn release_one(&self) {
        self.gate.add_permits(1);
    }
}

/// One request: counted, held at the gate, then answered by the fake behind.
async fn hold(
    client: &reqwest::Client,
    target: &str,
    gate: &tokio::sync::Semaphore,
    seen: &Mutex<Held>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let text = String::from_utf8_lossy(&body);
    let title = (0..10)
        .map(|n| format!("Problem {n}"))
        .find(|t| text.contains(t.as_str()))
        .unwrap_or_default();
    {
        let mut held = seen.lock().unwrap();
        held.in_flight += 1;
        held.max_in_flight = held.max_in_flight.max(held.in_flight);
        held.order.push(title);
    }
    let permit = gate.acquire().await.expect("gate open");
    permit.forget();
    let answer = client
        .post(target)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the fake behind answers");
    let content_type = answer
        .headers()
        .get("content-type")
        .cloned()
        .unwrap_or(axum::http::HeaderValue::from_static("application/json"));
    let bytes = answer.bytes().await.expect("its body");
    seen.lock().unwrap().in_flight -= 1;
    axum::response::Response::builder()
        .header("content-type", content_type)
        .body(axum::body::Body::from(bytes))
        .expect("a response")
}

/// The next `coach_status` frame in `state`.
async fn status(c: &mut WsClient, state: &str) -> Value {
    loop {
        let s = c.expect("coach_status").await;
        if s["state"] == state {
            return s;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_concurrency_cap_turns_wait_queued_and_are_answered_in_order() {
    let db = common::sqlite_db();
    let llm = HeldLlm::start().await;
    let flags = [
        "--anthropic-api-key",
        "fake-key",
        "--anthropic-base-url",
        &llm.url,
        "--anthropic-model",
        "claude-fake",
        "--coach-cooldown-seconds",
        "0",
        "--coach-max-concurrency",
        "2",
    ];
    let app = TestApp::start(db.open().await, &flags).await;
    let mut sockets = Vec::new();
    for n in 0..5 {
        let mut c = started(&app, &format!("Problem {n}")).await;
        if n < 2 {
            wait_for("the request at the LLM", || llm.order().len() == n + 1).await;
        } else {
            let queued = status(&mut c, "queued").await;
            let message = queued["message"].as_str().unwrap_or_default();
            let ahead = n - 2;
            let expected = if ahead == 0 {
                "next in line".to_string()
            } else {
                format!("{ahead} ahead")
            };
            assert!(message.contains(&expected), "{message}");
        }
        sockets.push(c);
    }
    assert_eq!(llm.order().len(), 2, "only two requests reach the LLM");
    // One answer at a time: each frees a slot for the next turn in line.
    for (n, c) in sockets.iter_mut().enumerate() {
        llm.release_one();
        let answer = c.expect("ai_response").await;
        assert_eq!(answer["kind"], "nudge", "{answer}");
        let reached = (n + 3).min(5);
        wait_for("the next turn at the LLM", || llm.order().len() == reached).await;
    }
    let order: Vec<String> = (0..5).map(|n| format!("Problem {n}")).collect();
    assert_eq!(llm.order(), order, "answered in the order asked");
    assert!(llm.max_in_flight() <= 2, "{}", llm.max_in_flight());
}

/// The app against the Discord fake with `DISCORD_HTTP_TIMEOUT_SECONDS=1`; stopped when
/// the sender drops.
async fn discord_app(
    discord: &FakeDiscord,
    claude: &FakeAnthropic,
    db: &common::TestDb,
) -> tokio::sync::oneshot::Sender<()> {
    let guild = discord_fake::GUILD.to_string();
    let flags = [
        "--discord-token",
        "fake-token",
        "--discord-api-proxy",
        &discord.url(),
        "--discord-guild-id",
        &guild,
        "--discord-shards",
        "1",
        "--discord-http-timeout-seconds",
        "1",
        "--discord-download-timeout-seconds",
        "1",
        "--anthropic-api-key",
        "test-key",
        "--anthropic-base-url",
        &claude.uri(),
    ];
    let args = crate::web_common::serve_args(&flags);
    let app = App::with_store(db.open().await, args, Arc::new(SystemClock))
        .await
        .expect("app builds");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    discord
        .wait_for("command registration", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    stop
}

fn start_command() -> Value {
    json!({"id": "1", "name": "interview", "type": 1, "options": [{
        "name": "start", "type": 1, "options": [
            {"name": "problem", "type": 3, "value": "merge-intervals"},
            {"name": "language", "type": 3, "value": "python"}
        ]
    }]})
}

/// What the bot answered members in webhook follow-ups and edits.
fn discord_answers(discord: &FakeDiscord) -> Vec<String> {
    discord
        .calls()
        .iter()
        .filter(|c| c.path.starts_with("/api/v10/webhooks/"))
        .map(|c| c.body["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discord_call_that_never_answers_times_out_is_retried_and_the_failure_names_the_timeout()
{
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let _stop = discord_app(&discord, &claude, &db).await;
    let threads = |d: &FakeDiscord| d.count(|c| c.path.ends_with("/threads"));

    // One hung call: retried, and the interview's thread opens.
    discord.plan(discord_fake::THREADS, vec![Some(DiscordFault::hang())]);
    discord.dispatch(
        "INTERACTION_CREATE",
        discord_fake::interaction(
            2001,
            discord_fake::CHANNEL,
            discord_fake::MAYA,
            "Maya",
            start_command(),
        ),
    );
    discord
        .wait_for("the problem posted in the new thread", |c| {
            c.method == "POST" && c.path.ends_with("/messages")
        })
        .await;
    assert_eq!(threads(&discord), 2, "the hung call was tried again");

    // A file whose download never ends: the member is told Discord did not send it.
    let thread = discord
        .calls()
        .iter()
        .find(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .map(|c| c.path.split('/').nth(4).unwrap_or_default().to_string())
        .expect("the thread's first post");
    let thread_id: u64 = thread.parse().expect("a thread id");
    let url = discord.file("hang-merge.py", b"");
    let mut with_file =
        discord_fake::message_create(2101, thread_id, discord_fake::MAYA, "Maya", "");
    with_file["attachments"] = json!([{"id": "4344", "filename": "merge.py", "size": 38,
        "url": url, "proxy_url": url}]);
    discord.dispatch("MESSAGE_CREATE", with_file);
    let told = discord
        .wait_for("the download's failure", |c| {
            c.method == "POST"
                && c.path == format!("/api/v10/channels/{thread}/messages")
                && c.body.to_string().contains("did not send that file")
        })
        .await;
    assert!(
        told.body.to_string().contains("within 1 s"),
        "{}",
        told.body
    );

    // Every try hangs: the member is told Discord did not answer, never a permission.
    let hung = vec![Some(DiscordFault::hang()); 3];
    discord.plan(discord_fake::THREADS, hung);
    discord.dispatch(
        "INTERACTION_CREATE",
        discord_fake::interaction(
            2002,
            discord_fake::CHANNEL,
            discord_fake::LEO,
            "Leo",
            start_command(),
        ),
    );
    discord
        .wait_for("the failure", |c| {
            c.path.starts_with("/api/v10/webhooks/")
                && c.body.to_string().contains("did not answer")
        })
        .await;
    assert_eq!(threads(&discord), 5, "three tries for the second start");
    let told = discord_answers(&discord);
    let failure = told
        .iter()
        .find(|a| a.contains("did not answer"))
        .expect("the failure");
    assert!(
        failure.contains("Discord did not answer in 1 s"),
        "{failure}"
    );
    assert!(!told.iter().any(|a| a.contains("not allowed")), "{told:?}");
}

/// An Anthropic endpoint that accepts the request, starts its event stream and then
/// sends nothing more.
async fn stalling_llm() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().route(
        "/v1/messages",
        axum::routing::post(|| async {
            let start = json!({"type": "message_start", "message": {
                "id": "msg_stall", "type": "message", "role": "assistant", "model": "claude-fake",
                "content": [], "usage": {"input_tokens": 1, "output_tokens": 0}}});
            let first = format!("event: message_start\ndata: {start}\n\n");
            let chunks = futures::stream::iter([Ok::<_, std::io::Error>(first)])
                .chain(futures::stream::pending());
            axum::response::Response::builder()
                .header("content-type", "text/event-stream")
                .body(axum::body::Body::from_stream(chunks))
                .expect("a response")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, server)
}

/// The idle timeout ends a stream that stalls after it started, long before the whole
/// request's timeout (an hour here): a retryable timeout, not a broken stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_stalls_midway_ends_at_the_idle_timeout() {
    let (url, _server) = stalling_llm().await;
    let timeouts = HttpTimeouts {
        request: Duration::from_secs(3600),
        connect: Duration::from_secs(1),
        idle: Duration::from_secs(1),
    };
    let client = AnthropicClient::new(Secret::new("test-key"), url, "claude-fake".into(), timeouts);
    let request = LlmRequest {
        model: String::new(),
        system: vec![TextBlock::new("You are an interviewer.")],
        messages: vec![LlmMessage::user("Hello")],
        max_tokens: 64,
        temperature: None,
        tools: Vec::new(),
        tool_choice: None,
    };
    let err = client
        .stream(&request, &|_| {})
        .await
        .expect_err("a stalled stream fails");
    assert_eq!(err, LlmError::Timeout);
    assert!(err.retryable());
}

#[test]
fn every_bound_has_its_documented_default() {
    let args = crate::web_common::serve_args(&[]);
    assert_eq!(args.discord.http_timeout(), Duration::from_secs(15));
    assert_eq!(args.discord.download_timeout(), Duration::from_secs(20));
    assert_eq!(args.slack.api_timeout(), Duration::from_secs(15));
    assert_eq!(args.coach.coach_connect_timeout_seconds, 10);
    assert_eq!(args.coach.coach_idle_timeout_seconds, 60);
    assert_eq!(args.coach.coach_max_concurrency, 32);
    let (_, settings) = interview_coach::coach::setup::from_args(&args.coach);
    assert_eq!(settings.max_concurrency, 32);
    let readme = include_str!("../../README.md");
    for variable in [
        "DISCORD_HTTP_TIMEOUT_SECONDS",
        "DISCORD_DOWNLOAD_TIMEOUT_SECONDS",
        "SLACK_API_TIMEOUT_SECONDS",
        "DATABASE_STATEMENT_TIMEOUT_SECONDS",
        "DATABASE_CONNECT_TIMEOUT_SECONDS",
        "COACH_CONNECT_TIMEOUT_SECONDS",
        "COACH_IDLE_TIMEOUT_SECONDS",
        "COACH_MAX_CONCURRENCY",
    ] {
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "{variable} in README"
        );
    }
}
