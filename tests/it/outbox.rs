//! The outbox posts each coach event to its platform once: across two instances racing
//! for the same event, across a restart, and after a crash between posting and
//! recording the post.

use crate::common;

use async_trait::async_trait;
use common::TestDb;
use common::fixtures::*;
use interview_coach::domain::*;
use interview_coach::engine::outbox::{Delivered, Outbox, Outlet, OutletError};
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::ports::RecordedEvent;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A platform that records what it was asked to post.
#[derive(Default)]
struct FakeOutlet {
    posted: Mutex<Vec<(String, u64)>>,
}

#[async_trait]
impl Outlet for FakeOutlet {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn parts(&self, _event: &RecordedEvent, _interview: &Interview) -> usize {
        1
    }

    async fn post_part(
        &self,
        event: &RecordedEvent,
        _interview: &Interview,
        _part: usize,
    ) -> Result<String, OutletError> {
        tokio::task::yield_now().await;
        let mut posted = self.posted.lock().unwrap();
        posted.push((event.stream_id.to_string(), event.version));
        Ok(format!("msg-{}", posted.len()))
    }

    async fn find_part(
        &self,
        event: &RecordedEvent,
        _interview: &Interview,
        _part: usize,
    ) -> Result<Option<String>, OutletError> {
        let posted = self.posted.lock().unwrap();
        Ok(posted
            .iter()
            .position(|(s, v)| s == event.stream_id.as_str() && *v == event.version)
            .map(|i| format!("msg-{}", i + 1)))
    }
}

per_backend!(each_coach_event_is_posted_once);

async fn each_coach_event_is_posted_once(db: &TestDb) {
    let engine = |store| Engine::new(store, Arc::new(ManualClock::new(t0())));
    let a = engine(db.open().await);
    let b = engine(db.open().await);
    let stream = run_scripted_interview(&a, Uuid::new_v4(), discord_place("out-1")).await;
    let outlet = Arc::new(FakeOutlet::default());
    let (oa, ob) = (
        Arc::new(Outbox::new(a.clone(), outlet.clone())),
        Arc::new(Outbox::new(b.clone(), outlet.clone())),
    );

    // Two instances race for every coach event of the interview.
    let (_, events) = a.load(&stream).await.unwrap();
    let wanted: Vec<RecordedEvent> = events
        .into_iter()
        .filter(|e| outlet.wants(&e.event))
        .collect();
    assert_eq!(
        wanted.len(),
        4,
        "approach feedback, analysis, chat reply, summary"
    );
    let mut tasks = Vec::new();
    for e in &wanted {
        for ob in [oa.clone(), ob.clone()] {
            let e = e.clone();
            tasks.push(tokio::spawn(async move { ob.deliver(&e).await.unwrap() }));
        }
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    // A loser either found the claim taken (and the winner posts) or found it posted.
    assert_eq!(
        results.iter().filter(|r| **r == Delivered::Posted).count(),
        4
    );
    assert!(
        results.iter().all(|r| matches!(
            r,
            Delivered::Posted | Delivered::AlreadyPosted | Delivered::Held
        )),
        "{results:?}"
    );
    assert_eq!(outlet.posted.lock().unwrap().len(), 4);

    // A restarted instance finds nothing left to post.
    let c = Outbox::new(engine(db.open().await), outlet.clone());
    assert_eq!(c.catch_up().await.unwrap(), 0);
    assert_eq!(outlet.posted.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn a_crash_between_posting_and_recording_does_not_post_twice() {
    let db = common::sqlite_db();
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let stream = run_scripted_interview(&engine, Uuid::new_v4(), discord_place("out-2")).await;
    let (_, events) = engine.load(&stream).await.unwrap();
    let reply = events
        .iter()
        .find(|e| matches!(e.event, Event::CoachReplied(_)))
        .unwrap()
        .clone();
    let outlet = Arc::new(FakeOutlet::default());
    // The dead instance had marked the attempt and posted, then died before recording.
    let key = format!("deliver:discord:{}:{}", reply.stream_id, reply.version);
    store
        .mark_attempted(&key, reply.stream_id.as_str(), reply.version, t0())
        .await
        .unwrap();
    outlet
        .post_part(&reply, &Interview::default(), 0)
        .await
        .unwrap();

    let outbox = Outbox::new(engine.clone(), outlet.clone());
    assert_eq!(
        outbox.deliver(&reply).await.unwrap(),
        Delivered::AlreadyPosted
    );
    assert_eq!(
        outlet.posted.lock().unwrap().len(),
        1,
        "asked the platform instead of posting again"
    );
    assert_eq!(
        outbox.deliver(&reply).await.unwrap(),
        Delivered::AlreadyPosted
    );
}
