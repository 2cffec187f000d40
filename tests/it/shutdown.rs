//! An ordered shutdown on SIGTERM (issue 18 item 8), with the real binary, Slack over
//! the HTTP Events API against the loopback fake, and a fake Claude that holds its
//! answer: SIGTERM arrives while a coach turn is running. Within the deadline the turn
//! finishes and its answer is posted by this instance before it exits; past the
//! deadline the instance exits without it, releases its claim, and the next instance
//! posts it at once. Either way the answer is posted exactly once.

use crate::slack_common::{self, FakeSlack, OMAR, SECRET};
use crate::web_common::fake_claude::FakeClaude;
use crate::web_restart::{Server, free_port, service, wait_healthy};

use interview_coach::platforms::slack::signature;
use interview_coach::store::{self, StoreOptions};
use std::path::Path;
use std::time::Duration;

/// The words the candidate says, echoed by the fake in the coach's answer.
const ASKED: &str = "PINEAPPLE-42 how should I begin?";

fn start(dir: &Path, port: u16, slack: &FakeSlack, llm: &FakeClaude, deadline: u32) -> Server {
    let child = service(dir, port, llm)
        .env("SLACK_BOT_TOKEN", "xoxb-test")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_API_URL", slack.api_url())
        .env("SHUTDOWN_DEADLINE_SECONDS", deadline.to_string())
        .env("WEB_DIST_DIR", "/nonexistent")
        .env_remove("SLACK_APP_TOKEN")
        .env_remove("DISCORD_TOKEN")
        .spawn()
        .expect("the binary starts");
    Server(child)
}

async fn post_signed(port: u16, path: &str, body: &str, content_type: &str) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = signature::sign(SECRET, &ts, body.as_bytes());
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body.to_string())
        .send()
        .await
        .expect("request sent");
    assert_eq!(res.status(), 200, "{path}");
}

/// `/interview start` in Slack, then the candidate's question in its thread, answered by
/// a held LLM; returns the thread's root ts once the LLM has the question.
async fn ask_while_the_llm_holds(
    dir: &Path,
    port: u16,
    slack: &FakeSlack,
    llm: &FakeClaude,
) -> String {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("team_id", slack_common::TEAM)
        .append_pair("channel_id", slack_common::CHANNEL)
        .append_pair("user_id", OMAR.0)
        .append_pair("user_name", OMAR.1)
        .append_pair("command", "/interview")
        .append_pair("text", "start two-sum python")
        .append_pair("response_url", "https://hooks.slack.com/commands/x")
        .append_pair("trigger_id", "trigger-start")
        .finish();
    post_signed(
        port,
        "/slack/commands",
        &body,
        "application/x-www-form-urlencoded",
    )
    .await;
    slack_common::wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().expect("a root ts");
    // The root message is posted first; the interview starts right after it.
    let log = store::connect(
        &format!("sqlite://{}/log.db", dir.display()),
        &StoreOptions::default(),
    )
    .await
    .unwrap();
    for _ in 0..300 {
        if !log
            .read_stream(&slack_common::stream_of(&root), 1)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = llm.calls();
    let message = slack_common::thread_message("Ev1", OMAR.0, &root, "1700000001.000100", ASKED);
    post_signed(
        port,
        "/slack/events",
        &message.to_string(),
        "application/json",
    )
    .await;
    slack_common::wait_for("the LLM to get the question", || llm.calls() > before).await;
    root
}

fn sigterm(server: &Server) {
    // SAFETY: kill(2) with a pid this test spawned and still owns.
    let sent = unsafe { libc::kill(server.0.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM sent");
}

/// Waits for the process to exit (a positive signal), up to `limit`.
async fn exited(server: &mut Server, limit: Duration) -> std::process::ExitStatus {
    let until = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            return status;
        }
        assert!(
            std::time::Instant::now() < until,
            "the service did not exit"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn answers_posted(slack: &FakeSlack, root: &str) -> usize {
    slack
        .thread_posts(root)
        .iter()
        .filter(|c| {
            c.body["text"]
                .as_str()
                .is_some_and(|t| t.contains("PINEAPPLE-42"))
        })
        .count()
}

/// Coach answers in the log to the question.
async fn answers_logged(dir: &Path, root: &str) -> usize {
    let url = format!("sqlite://{}/log.db", dir.display());
    let store = store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let events = store
        .read_stream(&slack_common::stream_of(root), 1)
        .await
        .unwrap();
    let asked = events
        .iter()
        .find(|r| r.event.actor().is_some() && format!("{:?}", r.event).contains("PINEAPPLE-42"))
        .expect("the question is in the log")
        .version;
    events
        .iter()
        .filter(|r| r.event.reply_to() == Some(asked))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_turn_posts_the_answer_once_before_the_instance_exits() {
    let dir = tempfile::tempdir().unwrap();
    let slack = FakeSlack::start().await;
    let llm = FakeClaude::start().await;
    let port = free_port();
    let mut server = start(dir.path(), port, &slack, &llm, 20);
    wait_healthy(port).await;
    llm.set_latency(Duration::from_secs(2));
    let root = ask_while_the_llm_holds(dir.path(), port, &slack, &llm).await;

    sigterm(&server);
    let status = exited(&mut server, Duration::from_secs(30)).await;
    assert!(status.success(), "a clean exit: {status:?}");
    assert_eq!(
        answers_posted(&slack, &root),
        1,
        "posted by this instance before it exited"
    );
    assert_eq!(answers_logged(dir.path(), &root).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_past_the_deadline_leaves_the_answer_to_the_next_instance_once() {
    let dir = tempfile::tempdir().unwrap();
    let slack = FakeSlack::start().await;
    let llm = FakeClaude::start().await;
    let port = free_port();
    let mut server = start(dir.path(), port, &slack, &llm, 1);
    wait_healthy(port).await;
    llm.set_latency(Duration::from_secs(30));
    let root = ask_while_the_llm_holds(dir.path(), port, &slack, &llm).await;

    sigterm(&server);
    let status = exited(&mut server, Duration::from_secs(15)).await;
    assert!(status.success(), "a clean exit: {status:?}");
    assert_eq!(
        answers_posted(&slack, &root),
        0,
        "the turn outlived the deadline"
    );
    drop(server);

    // The next instance takes the released claim at once and answers.
    llm.set_latency(Duration::ZERO);
    let _next = start(dir.path(), port, &slack, &llm, 20);
    wait_healthy(port).await;
    slack_common::wait_for("the answer from the next instance", || {
        answers_posted(&slack, &root) > 0
    })
    .await;
    assert_eq!(answers_posted(&slack, &root), 1);
    assert_eq!(answers_logged(dir.path(), &root).await, 1);
}
