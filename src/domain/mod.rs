//! The interview as a pure state machine: events, commands, state, `decide` and `apply`.
//!
//! This module must never do I/O, be async, or know about sqlx, HTTP or platforms; it
//! imports nothing from the rest of the crate. Everything time- or lookup-dependent
//! arrives inside a command.

pub mod commands;
pub mod decide;
pub mod erasure;
pub mod error;
pub mod events;
pub mod events_daily;
pub mod events_duel;
pub mod events_peer;
pub mod ids;
pub mod interview;
pub mod opt_in;
pub mod peer;
pub mod problem;
pub mod rating;
pub mod regrade;
pub mod runs;
pub mod scores;

pub use commands::{Command, EndBy, RecordSummary, RunTests, StartInterview, SubmitCode};
pub use decide::daily::{
    Candidate, Daily, DailyCommand, DailyRefused, decide_daily, next_post as next_daily_post,
};
pub use decide::{MAX_CODE_BYTES, decide};
// issue 16: duel
pub use decide::duel::{
    DEFAULT_DUEL_MINUTES, Duel, DuelCommand, DuelPhase, DuelRefusal, OfferDuel, decide_duel,
};
pub use error::DomainError;
pub use events::*;
pub use events_daily::{daily_community, daily_stream};
pub use ids::{Actor, Place, Platform, StreamId};
pub use interview::{Interview, Phase, Turn, TurnKind, TurnState};
pub use opt_in::{OptIn, OptInOutcome, decide_opt_in};
pub use peer::{MAX_PEER_TEXT_CHARS, PeerCommand, PeerState};
pub use problem::{CoachConfig, Difficulty, Mode, Problem};
pub use regrade::{Grade, GradedKind, RegradedTurn};
pub use runs::EXCERPT_BYTES;
pub use scores::{Analysis, Band, RUBRIC_TEXT, Rubric, RubricScore, Score};
