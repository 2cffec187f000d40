//! Given/when/then tests of the duel's rules, one rule each.

use super::*;
use crate::domain::ids::Platform;
use chrono::TimeZone;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn ada() -> Actor {
    Actor::new(Platform::Discord, "111", "ada")
}

fn linus() -> Actor {
    Actor::new(Platform::Discord, "222", "linus")
}

fn grace() -> Actor {
    Actor::new(Platform::Discord, "333", "grace")
}

fn offer_cmd() -> OfferDuel {
    OfferDuel {
        duel_id: Uuid::nil(),
        community: "discord:1".into(),
        channel: "10".into(),
        challenger: ada(),
        opponent: linus(),
        opponent_is_bot: false,
        challenger_busy: false,
        opponent_busy: false,
        difficulty: Some(Difficulty::Easy),
        topic: None,
        minutes: 30,
        at: t(0),
    }
}

fn offered() -> Vec<Event> {
    decide_duel(&Duel::default(), DuelCommand::Offer(offer_cmd())).unwrap()
}

fn started() -> Vec<Event> {
    let mut events = offered();
    events.extend(
        decide_duel(
            &Duel::from_events(&events),
            DuelCommand::Start {
                by: linus(),
                busy: false,
                problem_id: "two-sum".into(),
                challenger_interview: StreamId::new("discord:1:a"),
                opponent_interview: StreamId::new("discord:1:b"),
                at: t(2),
            },
        )
        .unwrap(),
    );
    events
}

struct Given(Duel);

fn given(events: &[Event]) -> Given {
    Given(Duel::from_events(events))
}

impl Given {
    fn when(self, command: DuelCommand) -> Result<Vec<Event>, DuelRefusal> {
        decide_duel(&self.0, command)
    }
}

fn pass(actor: Actor, at: DateTime<Utc>) -> DuelCommand {
    DuelCommand::RecordPass {
        actor,
        attempts: 2,
        rival_attempts: 1,
        at,
    }
}

#[test]
fn an_offer_expires_ten_minutes_after_it_is_made() {
    let events = offered();
    let [Event::DuelOffered(o)] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(o.expires_at, t(10));
    assert_eq!(Duel::from_events(&events).phase, DuelPhase::Offered);
}

#[test]
fn a_member_cannot_duel_themselves() {
    let mut c = offer_cmd();
    c.opponent = Actor::new(Platform::Discord, "111", "ada again");
    let got = given(&[]).when(DuelCommand::Offer(c));
    assert_eq!(got, Err(DuelRefusal::WithYourself));
}

#[test]
fn a_member_cannot_duel_a_bot() {
    let mut c = offer_cmd();
    c.opponent_is_bot = true;
    let got = given(&[]).when(DuelCommand::Offer(c));
    assert_eq!(
        got,
        Err(DuelRefusal::WithBot {
            name: "linus".into()
        })
    );
}

#[test]
fn a_member_already_in_a_duel_cannot_offer_another() {
    let mut c = offer_cmd();
    c.challenger_busy = true;
    assert_eq!(
        given(&[]).when(DuelCommand::Offer(c)),
        Err(DuelRefusal::YouAreBusy)
    );
}

#[test]
fn a_member_cannot_challenge_someone_already_in_a_duel() {
    let mut c = offer_cmd();
    c.opponent_busy = true;
    assert_eq!(
        given(&[]).when(DuelCommand::Offer(c)),
        Err(DuelRefusal::OpponentBusy {
            name: "linus".into()
        })
    );
}

#[test]
fn a_time_limit_outside_the_bounds_is_refused() {
    let mut c = offer_cmd();
    c.minutes = 1;
    assert!(matches!(
        given(&[]).when(DuelCommand::Offer(c)),
        Err(DuelRefusal::BadMinutes { .. })
    ));
}

#[test]
fn a_stranger_cannot_accept_someone_elses_offer() {
    let got = given(&offered()).when(DuelCommand::Accept {
        by: grace(),
        busy: false,
        at: t(1),
    });
    assert_eq!(
        got,
        Err(DuelRefusal::NotForYou {
            opponent: "linus".into()
        })
    );
}

#[test]
fn the_challenger_cannot_accept_their_own_offer() {
    let got = given(&offered()).when(DuelCommand::Decline {
        by: ada(),
        at: t(1),
    });
    assert!(matches!(got, Err(DuelRefusal::NotForYou { .. })));
}

#[test]
fn accepting_is_a_dry_run_that_appends_nothing() {
    let got = given(&offered()).when(DuelCommand::Accept {
        by: linus(),
        busy: false,
        at: t(1),
    });
    assert_eq!(got, Ok(vec![]));
}

#[test]
fn an_offer_cannot_be_accepted_once_its_ten_minutes_are_up() {
    let got = given(&offered()).when(DuelCommand::Accept {
        by: linus(),
        busy: false,
        at: t(10),
    });
    assert_eq!(got, Err(DuelRefusal::Expired));
}

#[test]
fn an_opponent_already_in_another_duel_cannot_accept() {
    let got = given(&offered()).when(DuelCommand::Accept {
        by: linus(),
        busy: true,
        at: t(1),
    });
    assert_eq!(got, Err(DuelRefusal::YouAreBusy));
}

#[test]
fn starting_sets_the_same_deadline_for_both_from_one_moment() {
    let events = started();
    let duel = Duel::from_events(&events);
    assert_eq!(duel.phase, DuelPhase::Running);
    let s = duel.started.as_ref().unwrap();
    assert_eq!((s.at, s.ends_at), (t(2), t(32)));
    assert_eq!(
        duel.interview_of(&ada()),
        Some(&StreamId::new("discord:1:a"))
    );
    assert_eq!(
        duel.interview_of(&linus()),
        Some(&StreamId::new("discord:1:b"))
    );
}

#[test]
fn a_declined_offer_cannot_be_accepted_afterwards() {
    let mut events = offered();
    events.extend(
        given(&events)
            .when(DuelCommand::Decline {
                by: linus(),
                at: t(1),
            })
            .unwrap(),
    );
    let got = given(&events).when(DuelCommand::Accept {
        by: linus(),
        busy: false,
        at: t(2),
    });
    assert_eq!(got, Err(DuelRefusal::AlreadyAnswered));
}

#[test]
fn an_offer_does_not_expire_early() {
    let got = given(&offered()).when(DuelCommand::ExpireOffer { at: t(9) });
    assert_eq!(got, Err(DuelRefusal::NotDue));
}

#[test]
fn an_unanswered_offer_expires_once() {
    let mut events = offered();
    events.extend(
        given(&events)
            .when(DuelCommand::ExpireOffer { at: t(10) })
            .unwrap(),
    );
    assert_eq!(Duel::from_events(&events).phase, DuelPhase::Expired);
    let again = given(&events).when(DuelCommand::ExpireOffer { at: t(11) });
    assert_eq!(again, Err(DuelRefusal::Expired));
}

#[test]
fn the_first_pass_wins_with_the_time_from_the_start() {
    let got = given(&started())
        .when(pass(ada(), t(14) + Duration::seconds(34)))
        .unwrap();
    let [Event::DuelWon(won)] = got.as_slice() else {
        panic!("{got:?}");
    };
    assert_eq!(won.winner, ada());
    assert_eq!(won.loser, linus());
    assert_eq!(won.winner_seconds, 12 * 60 + 34);
    assert_eq!((won.winner_attempts, won.loser_attempts), (2, 1));
}

#[test]
fn a_second_pass_after_a_win_is_refused_naming_the_winner() {
    let mut events = started();
    events.extend(given(&events).when(pass(ada(), t(5))).unwrap());
    let got = given(&events).when(pass(linus(), t(5)));
    assert_eq!(
        got,
        Err(DuelRefusal::AlreadyWon {
            winner: "ada".into()
        })
    );
}

#[test]
fn a_pass_by_someone_else_is_refused() {
    let got = given(&started()).when(pass(grace(), t(5)));
    assert_eq!(got, Err(DuelRefusal::NotADuelist));
}

#[test]
fn a_pass_after_the_time_limit_does_not_win() {
    let got = given(&started()).when(pass(ada(), t(33)));
    assert_eq!(got, Err(DuelRefusal::TimeUp));
}

#[test]
fn the_duel_ends_with_no_winner_at_its_time_limit_and_not_before() {
    let end = |at| DuelCommand::EndAtLimit {
        challenger_attempts: 3,
        opponent_attempts: 0,
        at,
    };
    assert_eq!(given(&started()).when(end(t(31))), Err(DuelRefusal::NotDue));
    let mut events = started();
    events.extend(given(&events).when(end(t(32))).unwrap());
    let duel = Duel::from_events(&events);
    assert_eq!(duel.phase, DuelPhase::TimedOut);
    assert!(duel.won.is_none());
    assert_eq!(
        given(&events).when(end(t(33))),
        Err(DuelRefusal::NotRunning)
    );
}

fn won_by_ada() -> Vec<Event> {
    let mut events = started();
    events.extend(given(&events).when(pass(ada(), t(12))).unwrap());
    events
}

fn runner_up(passed: bool, attempts: u32, at: DateTime<Utc>) -> DuelCommand {
    DuelCommand::FinishRunnerUp {
        passed,
        attempts,
        at,
    }
}

#[test]
fn after_a_win_the_losers_later_pass_is_recorded_with_its_time_and_attempts() {
    let got = given(&won_by_ada())
        .when(runner_up(true, 3, t(20) + Duration::seconds(5)))
        .unwrap();
    let [Event::DuelRunnerUpFinished(r)] = got.as_slice() else {
        panic!("{got:?}");
    };
    assert_eq!(r.member, linus());
    assert_eq!((r.seconds, r.attempts), (Some(18 * 60 + 5), 3));
}

#[test]
fn a_loser_who_never_passed_is_recorded_as_not_finished_at_the_limit_and_not_before() {
    assert_eq!(
        given(&won_by_ada()).when(runner_up(false, 2, t(31))),
        Err(DuelRefusal::NotDue)
    );
    let got = given(&won_by_ada())
        .when(runner_up(false, 2, t(32)))
        .unwrap();
    let [Event::DuelRunnerUpFinished(r)] = got.as_slice() else {
        panic!("{got:?}");
    };
    assert_eq!((r.seconds, r.attempts), (None, 2));
}

#[test]
fn the_runner_ups_finish_is_recorded_once_and_leaves_the_win_as_it_was() {
    let mut events = won_by_ada();
    events.extend(given(&events).when(runner_up(true, 1, t(20))).unwrap());
    let duel = Duel::from_events(&events);
    assert_eq!(duel.phase, DuelPhase::Won);
    assert!(!duel.awaiting_runner_up());
    assert_eq!(
        given(&events).when(runner_up(false, 1, t(40))),
        Err(DuelRefusal::RunnerUpRecorded)
    );
}

#[test]
fn a_runner_up_pass_after_the_limit_or_before_any_win_is_refused() {
    assert_eq!(
        given(&won_by_ada()).when(runner_up(true, 1, t(33))),
        Err(DuelRefusal::TimeUp)
    );
    assert_eq!(
        given(&started()).when(runner_up(true, 1, t(20))),
        Err(DuelRefusal::NotRunning)
    );
}
