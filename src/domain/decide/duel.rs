//! The rules of a duel (issue 16, point 3): the duel's folded state (`Duel::apply`) and
//! `decide_duel`, which turns a command into the events of a duel stream or a refusal.
//!
//! Pure and synchronous: whatever was looked up (whether a member is a bot or already
//! in a duel, the attempts made, the clock reading) travels inside the command. It must
//! never append, read a store or a clock, or touch an interview stream; a refusal means
//! nothing is written.

use crate::domain::events::{
    DuelDeclined, DuelOfferExpired, DuelOffered, DuelRunnerUpFinished, DuelStarted, DuelTimedOut,
    DuelWon, Event, Version,
};
use crate::domain::ids::{Actor, StreamId};
use crate::domain::problem::Difficulty;
use chrono::{DateTime, Duration, Utc};
use thiserror::Error;
use uuid::Uuid;

/// How long an offer waits for the opponent.
pub const OFFER_MINUTES: i64 = 10;
/// A duel's time limit when none is given.
pub const DEFAULT_DUEL_MINUTES: u32 = 30;
/// The shortest and longest time limits a duel may have.
pub const MIN_DUEL_MINUTES: u32 = 5;
pub const MAX_DUEL_MINUTES: u32 = 180;

/// Where a duel stands, folded from its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuelPhase {
    /// Nothing in the stream yet.
    #[default]
    None,
    Offered,
    Declined,
    Expired,
    Running,
    Won,
    TimedOut,
}

impl DuelPhase {
    /// An offer waiting or a duel running: the members are taken.
    pub fn is_live(self) -> bool {
        matches!(self, DuelPhase::Offered | DuelPhase::Running)
    }
}

/// A duel, folded from its stream's events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Duel {
    /// The stream's version (number of events folded).
    pub version: Version,
    pub phase: DuelPhase,
    pub offer: Option<DuelOffered>,
    pub started: Option<DuelStarted>,
    pub won: Option<DuelWon>,
    /// After a win: how the loser finished (passed later, or not by the limit).
    pub runner_up: Option<DuelRunnerUpFinished>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Duel {
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Duel {
        let mut duel = Duel::default();
        for e in events {
            duel.apply(e);
        }
        duel
    }

    /// Fold one event of the duel's stream.
    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        match event {
            Event::DuelOffered(e) => {
                self.offer = Some(e.clone());
                self.phase = DuelPhase::Offered;
            }
            Event::DuelDeclined(e) => self.close(DuelPhase::Declined, e.at),
            Event::DuelOfferExpired(e) => self.close(DuelPhase::Expired, e.at),
            Event::DuelStarted(e) => {
                self.started = Some(e.clone());
                self.phase = DuelPhase::Running;
            }
            Event::DuelWon(e) => {
                self.won = Some(e.clone());
                self.close(DuelPhase::Won, e.at);
            }
            Event::DuelTimedOut(e) => self.close(DuelPhase::TimedOut, e.at),
            Event::DuelRunnerUpFinished(e) => self.runner_up = Some(e.clone()),
            _ => {}
        }
    }

    fn close(&mut self, phase: DuelPhase, at: DateTime<Utc>) {
        self.phase = phase;
        self.ended_at = Some(at);
    }

    /// Won, and the loser may still pass before the time limit: the runner-up's
    /// finish is not recorded yet.
    pub fn awaiting_runner_up(&self) -> bool {
        self.phase == DuelPhase::Won && self.runner_up.is_none()
    }

    /// The duelists, challenger first.
    pub fn duelists(&self) -> Option<(&Actor, &Actor)> {
        self.offer.as_ref().map(|o| (&o.challenger, &o.opponent))
    }

    /// The interview stream of `actor` in a running or finished duel.
    pub fn interview_of(&self, actor: &Actor) -> Option<&StreamId> {
        let (challenger, opponent) = self.duelists()?;
        let started = self.started.as_ref()?;
        if challenger.same_person(actor) {
            Some(&started.challenger_interview)
        } else if opponent.same_person(actor) {
            Some(&started.opponent_interview)
        } else {
            None
        }
    }
}

/// An offer of a duel, with what the adapter looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferDuel {
    pub duel_id: Uuid,
    pub community: String,
    pub channel: String,
    pub challenger: Actor,
    pub opponent: Actor,
    /// The platform says the opponent is a bot (or an app).
    pub opponent_is_bot: bool,
    /// Each member has an offer waiting or a duel running (from the duel read model).
    pub challenger_busy: bool,
    pub opponent_busy: bool,
    pub difficulty: Option<Difficulty>,
    pub topic: Option<String>,
    pub minutes: u32,
    pub at: DateTime<Utc>,
}

/// What members, the referee and the timers ask of a duel.
#[derive(Debug, Clone, PartialEq)]
pub enum DuelCommand {
    Offer(OfferDuel),
    /// May `by` accept now? Appends nothing (a dry run before the threads are made);
    /// `busy`: `by` is in another duel.
    Accept {
        by: Actor,
        busy: bool,
        at: DateTime<Utc>,
    },
    /// Both interviews started at `at`: record the start, with the same checks as
    /// `Accept`.
    Start {
        by: Actor,
        busy: bool,
        problem_id: String,
        challenger_interview: StreamId,
        opponent_interview: StreamId,
        at: DateTime<Utc>,
    },
    Decline {
        by: Actor,
        at: DateTime<Utc>,
    },
    /// The offer's ten minutes are up (refused before).
    ExpireOffer {
        at: DateTime<Utc>,
    },
    /// `actor`'s submission passed every hidden test at `at` (its run's time).
    RecordPass {
        actor: Actor,
        attempts: u32,
        rival_attempts: u32,
        at: DateTime<Utc>,
    },
    /// After a win, the loser's part ended: `passed` (their submission passed every
    /// hidden test at `at`, its run's time, within the limit) or not (the time limit is
    /// up at `at`; refused before it). `attempts`: the loser's submissions by then.
    FinishRunnerUp {
        passed: bool,
        attempts: u32,
        at: DateTime<Utc>,
    },
    /// The time limit is up with no winner (refused before it).
    EndAtLimit {
        challenger_attempts: u32,
        opponent_attempts: u32,
        at: DateTime<Utc>,
    },
}

/// The moves a duel does not allow, each with a message for the member who tried.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DuelRefusal {
    #[error("you cannot duel yourself: pick another member")]
    WithYourself,
    #[error("{name} is a bot: duels are between members")]
    WithBot { name: String },
    #[error("you are already in a duel (an offer waiting or a duel running): finish it first")]
    YouAreBusy,
    #[error("{name} is already in a duel; try again when it is over")]
    OpponentBusy { name: String },
    #[error("a duel lasts {min} to {max} minutes")]
    BadMinutes { min: u32, max: u32 },
    #[error("this duel was already offered")]
    AlreadyOffered,
    #[error("there is no such duel")]
    NoSuchDuel,
    #[error("this offer is for {opponent}: only they can accept or decline it")]
    NotForYou { opponent: String },
    #[error("this duel offer has expired")]
    Expired,
    #[error("this duel offer was already answered")]
    AlreadyAnswered,
    #[error("this duel is not running")]
    NotRunning,
    #[error("only the two duelists take part in this duel")]
    NotADuelist,
    #[error("{winner} has already won this duel")]
    AlreadyWon { winner: String },
    #[error("the duel's time was up before that run")]
    TimeUp,
    #[error("not due yet")]
    NotDue,
    #[error("the runner-up's finish is already recorded")]
    RunnerUpRecorded,
}

/// The events `command` appends to the duel `state`, or why not.
pub fn decide_duel(state: &Duel, command: DuelCommand) -> Result<Vec<Event>, DuelRefusal> {
    use DuelCommand as C;
    match command {
        C::Offer(offer) => self::offer(state, offer),
        C::Accept { by, busy, at } => answerable(state, &by, busy, at).map(|_| vec![]),
        C::Start {
            by,
            busy,
            problem_id,
            challenger_interview,
            opponent_interview,
            at,
        } => {
            let offer = answerable(state, &by, busy, at)?;
            Ok(vec![Event::DuelStarted(DuelStarted {
                by,
                problem_id,
                challenger_interview,
                opponent_interview,
                ends_at: at + Duration::minutes(i64::from(offer.minutes)),
                at,
            })])
        }
        C::Decline { by, at } => {
            answerable(state, &by, false, at)?;
            Ok(vec![Event::DuelDeclined(DuelDeclined { by, at })])
        }
        C::ExpireOffer { at } => {
            let offer = offered(state)?;
            if at < offer.expires_at {
                return Err(DuelRefusal::NotDue);
            }
            Ok(vec![Event::DuelOfferExpired(DuelOfferExpired { at })])
        }
        C::RecordPass {
            actor,
            attempts,
            rival_attempts,
            at,
        } => pass(state, actor, attempts, rival_attempts, at),
        C::FinishRunnerUp {
            passed,
            attempts,
            at,
        } => runner_up(state, passed, attempts, at),
        C::EndAtLimit {
            challenger_attempts,
            opponent_attempts,
            at,
        } => {
            let started = running(state)?;
            if at < started.ends_at {
                return Err(DuelRefusal::NotDue);
            }
            Ok(vec![Event::DuelTimedOut(DuelTimedOut {
                challenger_attempts,
                opponent_attempts,
                at,
            })])
        }
    }
}

fn offer(state: &Duel, c: OfferDuel) -> Result<Vec<Event>, DuelRefusal> {
    if state.phase != DuelPhase::None {
        return Err(DuelRefusal::AlreadyOffered);
    }
    if c.challenger.same_person(&c.opponent) {
        return Err(DuelRefusal::WithYourself);
    }
    if c.opponent_is_bot {
        return Err(DuelRefusal::WithBot {
            name: c.opponent.name,
        });
    }
    if c.challenger_busy {
        return Err(DuelRefusal::YouAreBusy);
    }
    if c.opponent_busy {
        return Err(DuelRefusal::OpponentBusy {
            name: c.opponent.name,
        });
    }
    if !(MIN_DUEL_MINUTES..=MAX_DUEL_MINUTES).contains(&c.minutes) {
        return Err(DuelRefusal::BadMinutes {
            min: MIN_DUEL_MINUTES,
            max: MAX_DUEL_MINUTES,
        });
    }
    Ok(vec![Event::DuelOffered(DuelOffered {
        duel_id: c.duel_id,
        community: c.community,
        channel: c.channel,
        challenger: c.challenger,
        opponent: c.opponent,
        difficulty: c.difficulty,
        topic: c.topic,
        minutes: c.minutes,
        expires_at: c.at + Duration::minutes(OFFER_MINUTES),
        at: c.at,
    })])
}

fn offered(state: &Duel) -> Result<&DuelOffered, DuelRefusal> {
    match (&state.offer, state.phase) {
        (None, _) => Err(DuelRefusal::NoSuchDuel),
        (Some(o), DuelPhase::Offered) => Ok(o),
        (Some(_), DuelPhase::Expired) => Err(DuelRefusal::Expired),
        (Some(_), _) => Err(DuelRefusal::AlreadyAnswered),
    }
}

/// The offer `by` may answer now: theirs, still open, not expired.
fn answerable<'a>(
    state: &'a Duel,
    by: &Actor,
    busy: bool,
    at: DateTime<Utc>,
) -> Result<&'a DuelOffered, DuelRefusal> {
    let offer = offered(state)?;
    if !offer.opponent.same_person(by) {
        return Err(DuelRefusal::NotForYou {
            opponent: offer.opponent.name.clone(),
        });
    }
    if at >= offer.expires_at {
        return Err(DuelRefusal::Expired);
    }
    if busy {
        return Err(DuelRefusal::YouAreBusy);
    }
    Ok(offer)
}

fn running(state: &Duel) -> Result<&DuelStarted, DuelRefusal> {
    match (&state.started, state.phase, &state.won) {
        (_, DuelPhase::Won, Some(won)) => Err(DuelRefusal::AlreadyWon {
            winner: won.winner.name.clone(),
        }),
        (Some(started), DuelPhase::Running, _) => Ok(started),
        _ => Err(DuelRefusal::NotRunning),
    }
}

fn pass(
    state: &Duel,
    actor: Actor,
    attempts: u32,
    rival_attempts: u32,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DuelRefusal> {
    let started = running(state)?;
    let (challenger, opponent) = state.duelists().ok_or(DuelRefusal::NotRunning)?;
    let rival = if challenger.same_person(&actor) {
        opponent
    } else if opponent.same_person(&actor) {
        challenger
    } else {
        return Err(DuelRefusal::NotADuelist);
    };
    if at > started.ends_at {
        return Err(DuelRefusal::TimeUp);
    }
    Ok(vec![Event::DuelWon(DuelWon {
        winner: actor,
        loser: rival.clone(),
        winner_seconds: (at - started.at).num_seconds().max(0) as u64,
        winner_attempts: attempts,
        loser_attempts: rival_attempts,
        at,
    })])
}

/// The loser's finish after a win: a later pass within the limit, or none at the limit.
fn runner_up(
    state: &Duel,
    passed: bool,
    attempts: u32,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DuelRefusal> {
    let (Some(won), Some(started)) = (&state.won, &state.started) else {
        return Err(DuelRefusal::NotRunning);
    };
    if state.runner_up.is_some() {
        return Err(DuelRefusal::RunnerUpRecorded);
    }
    let seconds = if passed {
        if at > started.ends_at {
            return Err(DuelRefusal::TimeUp);
        }
        Some((at - started.at).num_seconds().max(0) as u64)
    } else {
        if at < started.ends_at {
            return Err(DuelRefusal::NotDue);
        }
        None
    };
    Ok(vec![Event::DuelRunnerUpFinished(DuelRunnerUpFinished {
        member: won.loser.clone(),
        seconds,
        attempts,
        at,
    })])
}

#[cfg(test)]
#[path = "duel_tests.rs"]
mod tests;
