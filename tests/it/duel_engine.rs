//! Duels through the engine on both backends (issue 16): two instances recording a pass
//! of the same duel at once append exactly one `DuelWon` (the duel stream's expected
//! version), `privacy forget` erases a duelist's name from the duel's stream, and a
//! member is in one duel at a time across instances (held in the database, not in one
//! instance's read model), freed when the duel ends.

use crate::common;

use common::TestDb;
use common::fixtures::t0;
use interview_coach::domain::erasure::ERASED;
use interview_coach::domain::*;
use interview_coach::engine::{DuelError, DuelExecuted, Engine, ManualClock, duel_stream};
use std::sync::Arc;

per_backend!(
    two_instances_recording_passes_at_once_append_one_win,
    forgetting_a_duelist_erases_their_name_from_the_duel,
    two_instances_offering_duels_to_one_member_at_once_record_one_offer,
    a_member_is_held_until_the_duel_ends_and_free_after
);

fn ada() -> Actor {
    Actor::new(Platform::Discord, "111", "Ada")
}

fn linus() -> Actor {
    Actor::new(Platform::Discord, "222", "Linus")
}

fn grace() -> Actor {
    Actor::new(Platform::Discord, "333", "Grace")
}

/// An offer from `challenger` to `opponent` whose read model says nobody is busy (as a
/// stale read model of another instance would).
fn offer(challenger: Actor, opponent: Actor) -> DuelCommand {
    DuelCommand::Offer(OfferDuel {
        duel_id: uuid::Uuid::new_v4(),
        community: "discord:1".into(),
        channel: "10".into(),
        challenger,
        opponent,
        opponent_is_bot: false,
        challenger_busy: false,
        opponent_busy: false,
        difficulty: None,
        topic: None,
        minutes: 30,
        at: t0(),
    })
}

async fn offers_in(store: &Arc<dyn interview_coach::ports::Storage>) -> usize {
    let all = store.read_all(0, 10_000).await.expect("log");
    all.iter()
        .filter(|r| matches!(r.event, Event::DuelOffered(_)))
        .count()
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
    let later = |s| t0() + chrono::Duration::seconds(s);
    let won = DuelCommand::RecordPass {
        actor: linus(),
        attempts: 1,
        rival_attempts: 1,
        at: later(30),
    };
    engine.execute_duel(&stream, won, None).await.expect("win");
    let runner_up = DuelCommand::FinishRunnerUp {
        passed: true,
        attempts: 2,
        at: later(90),
    };
    engine
        .execute_duel(&stream, runner_up, None)
        .await
        .expect("runner-up");
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
    let finish = duel.runner_up.expect("the runner-up's finish");
    assert_eq!(finish.member.name, ERASED);
    assert_eq!((finish.seconds, finish.attempts), (Some(90), 2));
}

async fn two_instances_offering_duels_to_one_member_at_once_record_one_offer(db: &TestDb) {
    let clock = Arc::new(ManualClock::new(t0()));
    let one = Engine::new(db.open().await, clock.clone());
    let two = Engine::new(db.open().await, clock.clone());
    let store = db.open().await;
    for _ in 0..5 {
        // Ada challenges Linus on one instance while Grace challenges Ada on the other.
        let (a, b) = (
            duel_stream(Platform::Discord, uuid::Uuid::new_v4()),
            duel_stream(Platform::Discord, uuid::Uuid::new_v4()),
        );
        let before = offers_in(&store).await;
        let (x, y) = tokio::join!(
            one.execute_duel(&a, offer(ada(), linus()), None),
            two.execute_duel(&b, offer(grace(), ada()), None),
        );
        let busy = |r: &Result<DuelExecuted, DuelError>| {
            matches!(
                r,
                Err(DuelError::Refused(
                    DuelRefusal::YouAreBusy | DuelRefusal::OpponentBusy { .. }
                ))
            )
        };
        assert!(
            x.is_ok() != y.is_ok() && (busy(&x) || busy(&y)),
            "one offer, one 'already in a duel': {x:?} {y:?}"
        );
        assert_eq!(
            offers_in(&store).await,
            before + 1,
            "exactly one offer is recorded"
        );
        // Free Ada again for the next round: the offer recorded is declined.
        let (stream, by) = if x.is_ok() {
            (&a, linus())
        } else {
            (&b, ada())
        };
        one.execute_duel(stream, DuelCommand::Decline { by, at: t0() }, None)
            .await
            .expect("decline");
    }
}

async fn a_member_is_held_until_the_duel_ends_and_free_after(db: &TestDb) {
    let clock = Arc::new(ManualClock::new(t0()));
    let one = Engine::new(db.open().await, clock.clone());
    let two = Engine::new(db.open().await, clock.clone());
    let stream = running(&one).await;
    // The other instance's read model says nobody is busy: the database still refuses.
    let other = duel_stream(Platform::Discord, uuid::Uuid::new_v4());
    let got = two
        .execute_duel(&other, offer(grace(), linus()), None)
        .await;
    assert!(
        matches!(&got, Err(DuelError::Refused(DuelRefusal::OpponentBusy { name })) if name == "Linus"),
        "{got:?}"
    );
    let got = two.execute_duel(&other, offer(ada(), grace()), None).await;
    assert!(
        matches!(got, Err(DuelError::Refused(DuelRefusal::YouAreBusy))),
        "{got:?}"
    );
    assert!(
        two.load_duel(&other).await.expect("read").1.is_empty(),
        "nothing appended"
    );
    // Ada wins: both are free at once.
    let won = DuelCommand::RecordPass {
        actor: ada(),
        attempts: 1,
        rival_attempts: 0,
        at: t0() + chrono::Duration::seconds(60),
    };
    one.execute_duel(&stream, won, None).await.expect("win");
    two.execute_duel(&other, offer(grace(), linus()), None)
        .await
        .expect("Linus is free once the duel is won");
}
