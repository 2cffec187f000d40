//! Every message part is shown exactly once, by identity, against the loopback fakes
//! of Discord and Slack with scripted faults: a split reply meeting a 500 on part 2
//! (answered after the message was made, the ambiguous case), a crash with part 3's
//! outcome unknown, two coach messages with the same text, and a rate limit with
//! `Retry-After`. The outbox retries on its own schedule, so each test polls with a
//! deadline for the end state, and asserts nothing about timing.

use crate::common;
use crate::discord_fake::{FakeDiscord, Fault, MESSAGES};
use crate::slack_common::{self, FakeSlack};

use common::fixtures::*;
use interview_coach::config::Secret;
use interview_coach::domain::*;
use interview_coach::engine::outbox::{Delivered, Outbox, Outlet};
use interview_coach::engine::{Engine, SystemClock};
use interview_coach::platforms::discord::render;
use interview_coach::platforms::discord::send::DiscordOutlet;
use interview_coach::platforms::slack::api::SlackApi;
use interview_coach::platforms::slack::outlet::SlackOutlet;
use interview_coach::ports::{RecordedEvent, Storage};
use interview_coach::practice::transcript::Entry;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const FAILURE: &str =
    "The coach's AI provider is overloaded or unavailable. Please try again in a minute.";

/// A coach reply of `lines` lines of 99 characters (Discord: 2000 a message, Slack: 3500).
fn long_reply(lines: usize) -> String {
    (0..lines)
        .map(|i| format!("{i:03} {}", "x".repeat(95)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An interview on `place` whose coach answered once with a reply of `lines` lines and
/// then failed twice with the same notice; the three coach events.
async fn interview(engine: &Engine, place: Place, lines: usize) -> Vec<RecordedEvent> {
    let stream = place.stream_id();
    let ex = |cmd| async {
        engine
            .execute(&stream, cmd, None)
            .await
            .expect("command")
            .events
    };
    let Command::StartInterview(untimed) = start(Uuid::new_v4(), place.clone(), maya()) else {
        unreachable!("start() builds a StartInterview")
    };
    let candidate = match &place {
        Place::Slack { .. } => Actor::new(Platform::Slack, "U_OMAR", "omar"),
        _ => maya(),
    };
    ex(Command::StartInterview(StartInterview {
        time_limit_minutes: None,
        candidate: candidate.clone(),
        ..untimed
    }))
    .await;
    let mut coach = Vec::new();
    for n in 0..3 {
        let asked = ex(Command::SendMessage {
            actor: candidate.clone(),
            text: format!("question {n}"),
            at: t0(),
        })
        .await;
        let reply_to = asked[0].version;
        let command = if n == 0 {
            Command::RecordCoachReply {
                stamp: None,
                reply_to,
                kind: ReplyKind::Chat,
                text: long_reply(lines),
                usage: Some(usage()),
                at: t0(),
            }
        } else {
            Command::RecordCoachFailure {
                stamp: None,
                reply_to,
                kind: FailureKind::Unavailable,
                message: FAILURE.into(),
                attempts: 1,
                retryable: true,
                at: t0(),
            }
        };
        coach.extend(ex(command).await);
    }
    coach
}

fn discord_outlet(discord: &FakeDiscord) -> Arc<DiscordOutlet> {
    let http = serenity::http::HttpBuilder::new("fake-token")
        .proxy(discord.url())
        .ratelimiter_disabled(true)
        .build();
    Arc::new(DiscordOutlet {
        http: Arc::new(http),
    })
}

fn slack_outlet(slack: &FakeSlack) -> Arc<SlackOutlet> {
    Arc::new(SlackOutlet::new(SlackApi::new(
        &slack.api_url(),
        &Secret::new("xoxb-test"),
    )))
}

/// Polls until every event's delivery is recorded as done (up to 20 s).
async fn until_delivered(store: &Arc<dyn Storage>, platform: &str, events: &[RecordedEvent]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for e in events {
        let key = format!("deliver:{platform}:{}:{}", e.stream_id, e.version);
        while !store.delivery(&key).await.expect("record").delivered {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{key} not delivered in time"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The message texts the Discord outlet makes of `event`.
fn discord_parts(engine_state: &Interview, event: &RecordedEvent) -> Vec<String> {
    match render::render_event(&Entry::of(event), engine_state).map(|p| p.body) {
        Some(render::Body::Text(chunks)) => chunks,
        other => panic!("not text: {other:?}"),
    }
}

/// Delivers each event through its own retry loop, as the running outbox does.
fn deliver_all(outbox: &Arc<Outbox>, events: &[RecordedEvent], cancel: &CancellationToken) {
    for e in events {
        tokio::spawn(outbox.clone().deliver_until_done(e.clone(), cancel.clone()));
    }
}

fn contents(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

const THREAD: &str = "7100";

#[tokio::test]
async fn discord_a_three_part_reply_meeting_a_500_on_part_two_shows_every_part_once() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    let events = interview(&engine, discord_place(THREAD), 50).await;
    let outlet = discord_outlet(&discord);
    let (state, _) = engine.load(&events[0].stream_id).await.unwrap();
    assert_eq!(outlet.parts(&events[0], &state), 3);
    // Part 2's message is made, but Discord answers 500; then a plain 500.
    discord.plan(
        MESSAGES,
        vec![
            None,
            Some(Fault::status(500).after_effect()),
            Some(Fault::status(500)),
        ],
    );
    let outbox = Arc::new(Outbox::new(engine.clone(), outlet));
    let cancel = CancellationToken::new();
    deliver_all(&outbox, &events[..1], &cancel);

    until_delivered(&store, "discord", &events[..1]).await;
    let shown = discord.shown(THREAD);
    let expected = discord_parts(&state, &events[0]);
    assert_eq!(contents(&shown), expected, "each part once, in order");
    cancel.cancel();
}

#[tokio::test]
async fn discord_a_crash_with_part_three_unrecorded_resumes_there_without_a_duplicate() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    let events = interview(&engine, discord_place(THREAD), 50).await;
    // Part 3 is made but the answer never arrives (the instance dies before recording).
    discord.plan(
        MESSAGES,
        vec![None, None, Some(Fault::status(500).after_effect())],
    );
    let first = Outbox::new(engine.clone(), discord_outlet(&discord));
    assert_eq!(
        first.deliver(&events[0]).await.unwrap(),
        Delivered::Delayed(None)
    );
    assert_eq!(discord.shown(THREAD).len(), 3, "all three made");
    drop(first);

    // A new instance on the same log picks the delivery up at part 3.
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    let second = Outbox::new(engine, discord_outlet(&discord));
    assert_eq!(
        second.catch_up().await.unwrap(),
        3,
        "reply and both notices"
    );
    let shown = discord.shown(THREAD);
    assert_eq!(shown.len(), 5, "3 parts and 2 notices: {shown:#?}");
    let posts = discord.count(|c| c.method == "POST" && c.path.ends_with("/messages"));
    assert_eq!(
        posts, 6,
        "part 3 was posted again under its nonce, not duplicated"
    );
    let (state, _) = second_state(&db, &events[0]).await;
    assert_eq!(contents(&shown[..3]), discord_parts(&state, &events[0]));
}

async fn second_state(db: &common::TestDb, e: &RecordedEvent) -> (Interview, Vec<RecordedEvent>) {
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    engine.load(&e.stream_id).await.expect("load")
}

#[tokio::test]
async fn discord_two_coach_messages_with_the_same_text_are_both_shown_with_their_buttons() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    let events = interview(&engine, discord_place(THREAD), 1).await;
    // The first notice's answer is lost after it was made: the retry must not take
    // that message for the second notice (or the reverse).
    discord.plan(
        MESSAGES,
        vec![None, Some(Fault::status(502).after_effect())],
    );
    let outbox = Arc::new(Outbox::new(engine.clone(), discord_outlet(&discord)));
    let cancel = CancellationToken::new();
    for e in &events {
        // One after the other, as the feed brings them.
        let _ = outbox.deliver(e).await.unwrap();
    }
    deliver_all(&outbox, &events, &cancel);
    until_delivered(&store, "discord", &events).await;
    let shown = discord.shown(THREAD);
    assert_eq!(shown.len(), 3, "{shown:#?}");
    let notices: Vec<&Value> = shown
        .iter()
        .filter(|m| m["content"].as_str().unwrap_or("").contains("overloaded"))
        .collect();
    assert_eq!(notices.len(), 2, "both notices shown: {shown:#?}");
    for notice in notices {
        assert!(
            notice["components"].to_string().contains("retry"),
            "each notice has its Retry button: {notice:#?}"
        );
    }
    cancel.cancel();
}

const ROOT: &str = "1690000000.000100";

fn slack_place() -> Place {
    Place::Slack {
        team: slack_common::TEAM.into(),
        channel: slack_common::CHANNEL.into(),
        thread_ts: ROOT.into(),
    }
}

fn keys(posts: &[slack_common::Call]) -> Vec<String> {
    posts
        .iter()
        .map(|p| {
            p.body["metadata"]["event_payload"]["key"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn slack_a_three_part_reply_meeting_a_500_on_part_two_shows_every_part_once() {
    let slack = FakeSlack::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    let events = interview(&engine, slack_place(), 75).await;
    let outlet = slack_outlet(&slack);
    let (state, _) = engine.load(&events[0].stream_id).await.unwrap();
    assert_eq!(outlet.parts(&events[0], &state), 3);
    slack.plan(
        "chat.postMessage",
        vec![None, Some(slack_common::Fault::AfterEffect(500))],
    );
    let outbox = Arc::new(Outbox::new(engine.clone(), outlet));
    let cancel = CancellationToken::new();
    deliver_all(&outbox, &events[..1], &cancel);
    until_delivered(&store, "slack", &events[..1]).await;
    let shown_now = slack.thread_posts(ROOT);
    assert_eq!(shown_now.len(), 3, "{shown_now:#?}");
    let stream = &events[0].stream_id;
    let v = events[0].version;
    assert_eq!(
        keys(&shown_now),
        vec![
            format!("{stream}#{v}"),
            format!("{stream}#{v}#1"),
            format!("{stream}#{v}#2")
        ],
        "every part carries its own key"
    );
    cancel.cancel();
}

#[tokio::test]
async fn slack_a_crash_with_part_three_unrecorded_resumes_there_without_a_duplicate() {
    let slack = FakeSlack::start().await;
    let db = common::sqlite_db();
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    let events = interview(&engine, slack_place(), 75).await;
    slack.plan(
        "chat.postMessage",
        vec![None, None, Some(slack_common::Fault::AfterEffect(500))],
    );
    let first = Outbox::new(engine.clone(), slack_outlet(&slack));
    assert_eq!(
        first.deliver(&events[0]).await.unwrap(),
        Delivered::Delayed(None)
    );
    drop(first);
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    let second = Outbox::new(engine, slack_outlet(&slack));
    // Part 3 is found by its key (nothing new posted for the reply); the notices post.
    assert_eq!(second.catch_up().await.unwrap(), 2);
    let shown = slack.thread_posts(ROOT);
    assert_eq!(shown.len(), 5, "3 parts and 2 notices: {shown:#?}");
    assert_eq!(
        slack.calls("chat.postMessage").len(),
        5,
        "part 3 was found by its key, not posted again"
    );
}

#[tokio::test]
async fn slack_two_coach_messages_with_the_same_text_and_a_rate_limit_are_both_shown_once() {
    let slack = FakeSlack::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    let events = interview(&engine, slack_place(), 1).await;
    slack.plan(
        "chat.postMessage",
        vec![
            None,
            Some(slack_common::Fault::Status(429, Some(1))),
            Some(slack_common::Fault::AfterEffect(500)),
        ],
    );
    let outbox = Arc::new(Outbox::new(engine.clone(), slack_outlet(&slack)));
    let cancel = CancellationToken::new();
    deliver_all(&outbox, &events, &cancel);
    until_delivered(&store, "slack", &events).await;
    let shown_now = slack.thread_posts(ROOT);
    assert_eq!(shown_now.len(), 3, "{shown_now:#?}");
    let notices = shown_now
        .iter()
        .filter(|p| p.body["text"].as_str().unwrap_or("").contains("overloaded"))
        .count();
    assert_eq!(notices, 2);
    let mut k = keys(&shown_now);
    k.sort();
    k.dedup();
    assert_eq!(k.len(), 3, "three distinct keys");
    cancel.cancel();
}
