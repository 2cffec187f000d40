//! The outbox's Discord outlet against the fake Discord: coach events are posted into
//! the interview's thread with a nonce per part, posting a part again under its nonce
//! returns the message already made instead of a second one, and the outbox posts each
//! event once.

use crate::common;
use crate::discord_fake;

use common::fixtures::*;
use discord_fake::FakeDiscord;
use interview_coach::domain::Event;
use interview_coach::engine::outbox::{Delivered, Outbox, Outlet};
use interview_coach::engine::{Engine, SystemClock};
use interview_coach::platforms::discord::send::DiscordOutlet;
use interview_coach::ports::RecordedEvent;
use std::sync::Arc;

const THREAD: &str = "7000";

async fn setup() -> (FakeDiscord, Engine, Vec<RecordedEvent>, common::TestDb) {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let engine = Engine::new(db.open().await, Arc::new(SystemClock));
    let stream = run_scripted_interview(&engine, uuid::Uuid::new_v4(), discord_place(THREAD)).await;
    let (_, events) = engine.load(&stream).await.expect("load");
    (discord, engine, events, db)
}

fn outlet(discord: &FakeDiscord) -> Arc<DiscordOutlet> {
    let http = serenity::http::HttpBuilder::new("fake-token")
        .proxy(discord.url())
        .ratelimiter_disabled(true)
        .build();
    Arc::new(DiscordOutlet {
        http: Arc::new(http),
    })
}

fn posts(discord: &FakeDiscord) -> usize {
    discord
        .count(|c| c.method == "POST" && c.path == format!("/api/v10/channels/{THREAD}/messages"))
}

#[tokio::test]
async fn an_analysis_is_posted_with_a_nonce_and_posting_it_again_returns_the_same_message() {
    let (discord, engine, events, _db) = setup().await;
    let outlet = outlet(&discord);
    let (interview, _) = engine.load(&events[0].stream_id).await.unwrap();
    let analysis = events
        .iter()
        .find(|e| matches!(e.event, Event::CodeAnalyzed(_)))
        .unwrap();
    let summary = events
        .iter()
        .find(|e| matches!(e.event, Event::SummaryWritten(_)))
        .unwrap();

    assert_eq!(outlet.parts(analysis, &interview), 1);
    let id = outlet
        .post_part(analysis, &interview, 0)
        .await
        .expect("posted");
    let call = discord
        .calls()
        .into_iter()
        .find(|c| c.path.ends_with("/messages") && c.method == "POST")
        .unwrap();
    assert_eq!(call.body["enforce_nonce"], true);
    assert_eq!(call.body["nonce"].as_str().map(str::len), Some(24));
    assert_eq!(
        call.body["embeds"][0]["title"],
        "Code analysis · score 7/10"
    );
    assert_eq!(call.body["flags"], 4, "link embeds suppressed");

    // After an error or a crash the part is posted again under the same nonce: Discord
    // answers with the message it already made.
    let again = outlet
        .post_part(analysis, &interview, 0)
        .await
        .expect("posted");
    assert_eq!(again, id);
    let other = outlet
        .post_part(summary, &interview, 0)
        .await
        .expect("posted");
    assert_ne!(other, id);
    assert_eq!(discord.shown(THREAD).len(), 2);
}

#[tokio::test]
async fn the_outbox_posts_each_coach_event_once() {
    let (discord, engine, events, _db) = setup().await;
    let outbox = Outbox::new(engine.clone(), outlet(&discord));
    let wanted: Vec<&RecordedEvent> = events
        .iter()
        .filter(|e| e.event.reply_to().is_some())
        .collect();
    assert!(wanted.len() >= 3, "replies, analysis and summary");
    for e in &wanted {
        assert_eq!(outbox.deliver(e).await.unwrap(), Delivered::Posted);
    }
    for e in &wanted {
        assert_eq!(outbox.deliver(e).await.unwrap(), Delivered::AlreadyPosted);
    }
    assert_eq!(posts(&discord), wanted.len());
}
