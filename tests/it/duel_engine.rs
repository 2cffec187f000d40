//! Duels through the engine on both backends (issue 16): two instances recording a pass
//! of the same duel at once append exactly one `DuelWon` (the duel stream's expected
//! version), and `privacy forget` erases a duelist's name from the duel's stream.

use crate::common;

use common::TestDb;
use common::fixtures::t0;
use interview_coach::domain::erasure::ERASED;
use interview_coach::domain::*;
use interview_coach::engine::{DuelError, Engine, ManualClock, duel_stream};
use std::sync::Arc;

per_backend!(
    two_instances_recording_passes_at_once_append_one_win,
    forgetting_a_duelist_erases_their_name_from_the_duel
);

fn ada() -> Actor {
    Actor::new(Platform::Discord, "111", "Ada")
}

fn linus() -> Actor {
    Actor::new(Platform::Discord, "222", "Linus")
}

/// An offered and started duel between Ada and Linus; its stream.
async fn running(engine: &Engine) -> StreamId {
    let stream = duel_stream(Platform::Discord, uuid::Uuid::new_v4());
    let offer = DuelCommand::Offer(OfferDuel {
        duel_id: uuid::Uuid::new_v4(),
        community: "discord:1".into(),
        channel: "10".into(),
        challenger: ada(),
        opponent: linus(),
        opponent_is_bot: false,
        challenger_busy: false,
        opponent_busy: false,
        difficulty: None,
        topic: None,
        minutes: 30,
        at: t0(),
    });
    engine
        .execute_duel(&stream, offer, None)
        .await
        .expect("offer");
    let start = DuelCommand::Start {
        by: linus(),
        busy: false,
        problem_id: "two-sum".into(),
        challenger_interview: StreamId::new("discord:1:a"),
        opponent_interview: StreamId::new("discord:1:b"),
        at: t0(),
    };
    engine
        .execute_duel(&stream, start, None)
        .await
        .expect("start");
    stream
}

async fn two_instances_recording_passes_at_once_append_one_win(db: &TestDb) {
    let clock = Arc::new(ManualClock::new(t0()));
    let one = Engine::new(db.open().await, clock.clone());
    let two = Engine::new(db.open().await, clock.clone());
    let stream = running(&one).await;
    let pass = |actor: Actor| DuelCommand::RecordPass {
        actor,
        attempts: 1,
        rival_attempts: 1,
        at: t0() + chrono::Duration::seconds(42),
    };
    let (a, b) = tokio::join!(
        one.execute_duel(&stream, pass(ada()), Some("duel:won:a")),
        two.execute_duel(&stream, pass(linus()), Some("duel:won:b")),
    );
    let refused = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(DuelError::Refused(DuelRefusal::AlreadyWon { .. }))))
        .count();
    assert_eq!(
        refused, 1,
        "one pass wins, the other is told who did: {a:?} {b:?}"
    );
    let (duel, events) = one.load_duel(&stream).await.expect("duel");
    let wins = events
        .iter()
        .filter(|e| matches!(e.event, Event::DuelWon(_)))
        .count();
    assert_eq!(wins, 1);
    assert_eq!(duel.phase, DuelPhase::Won);
    assert_eq!(duel.won.expect("won").winner_seconds, 42);
}

async fn forgetting_a_duelist_erases_their_name_from_the_duel(db: &TestDb) {
    let engine = Engine::new(db.open().await, Arc::new(ManualClock::new(t0())));
    let stream = running(&engine).await;
    let report = engine
        .forget_member(&ada().member_id())
        .await
        .expect("forget");
    assert!(report.events_rewritten >= 1, "{report:?}");
    let (duel, _) = engine.load_duel(&stream).await.expect("duel");
    let (challenger, opponent) = duel.duelists().expect("duelists");
    assert_eq!(challenger.name, ERASED);
    assert_eq!(
        challenger.user_id, "111",
        "the id stays, so the duel still folds"
    );
    assert_eq!(opponent.name, "Linus", "the other member is untouched");
}
