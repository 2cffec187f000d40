//! The facts of a duel (issue 16, point 3), in the past tense: an offer, its answer or
//! expiry, the start (which links the two duelists' interview streams to the duel), and
//! the end, with a winner or at the time limit, and after a win how the runner-up finished. They live in a duel stream
//! `duel:<platform>:<id>`, never in an interview stream.
//!
//! Values only. They must never hold code or free text a member wrote: names (in
//! `Actor`s) are the only personal data, which `privacy forget` erases.

use super::events::Event;
use super::ids::{Actor, StreamId};
use super::problem::Difficulty;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member challenged another to a duel; the offer waits for the opponent until
/// `expires_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelOffered {
    pub duel_id: Uuid,
    /// The community the rating belongs to (`Place::server`: `discord:<guild>`,
    /// `slack:<team>`).
    pub community: String,
    /// The channel the offer was made in, where the result is posted.
    pub channel: String,
    pub challenger: Actor,
    pub opponent: Actor,
    pub difficulty: Option<Difficulty>,
    pub topic: Option<String>,
    /// The time limit of the duel once it starts.
    pub minutes: u32,
    pub expires_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

/// The opponent declined the offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelDeclined {
    pub by: Actor,
    pub at: DateTime<Utc>,
}

/// Nobody answered the offer before it expired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelOfferExpired {
    pub at: DateTime<Utc>,
}

/// The opponent accepted and both interviews started at `at`, on the same bank problem:
/// this event links each duelist's interview stream to the duel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelStarted {
    pub by: Actor,
    /// The bank problem's id, the same for both.
    pub problem_id: String,
    pub challenger_interview: StreamId,
    pub opponent_interview: StreamId,
    pub ends_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

/// One duelist's submission passed every hidden test first (in the log's order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelWon {
    pub winner: Actor,
    pub loser: Actor,
    /// Seconds from the duel's start to the winner's passing run.
    pub winner_seconds: u64,
    /// Submissions the winner made, the passing one included.
    pub winner_attempts: u32,
    /// Submissions the loser had made by then.
    pub loser_attempts: u32,
    pub at: DateTime<Utc>,
}

/// The time limit passed and nobody had passed every hidden test: no winner, and the
/// ratings do not move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelTimedOut {
    pub challenger_attempts: u32,
    pub opponent_attempts: u32,
    pub at: DateTime<Utc>,
}

/// After a win, the loser's part of the duel ended: their submission passed every
/// hidden test too, `seconds` after the start, or the time limit came first (`seconds`
/// is `None`: did not finish). Shown with the winner's time and attempts; the ratings
/// were decided by the win and do not move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuelRunnerUpFinished {
    pub member: Actor,
    pub seconds: Option<u64>,
    /// Submissions the runner-up made, the passing one included.
    pub attempts: u32,
    pub at: DateTime<Utc>,
}

impl Event {
    /// The members a duel event names (none for any other event): how `privacy forget`
    /// finds the duel streams a member is in.
    pub fn duelists(&self) -> Vec<&Actor> {
        match self {
            Event::DuelOffered(e) => vec![&e.challenger, &e.opponent],
            Event::DuelDeclined(e) => vec![&e.by],
            Event::DuelStarted(e) => vec![&e.by],
            Event::DuelWon(e) => vec![&e.winner, &e.loser],
            Event::DuelRunnerUpFinished(e) => vec![&e.member],
            _ => vec![],
        }
    }
}
