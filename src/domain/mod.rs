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
pub mod events_peer;
pub mod ids;
pub mod interview;
pub mod opt_in;
pub mod peer;
pub mod problem;
pub mod runs;
pub mod scores;

pub use commands::{Command, EndBy, RecordSummary, RunTests, StartInterview, SubmitCode};
pub use decide::{MAX_CODE_BYTES, decide};
pub use error::DomainError;
pub use events::*;
pub use ids::{Actor, Place, Platform, StreamId};
pub use interview::{Interview, Phase, Turn, TurnKind, TurnState};
pub use opt_in::{OptIn, OptInOutcome, decide_opt_in};
pub use peer::{MAX_PEER_TEXT_CHARS, PeerCommand, PeerState};
pub use problem::{CoachConfig, Difficulty, Mode, Problem};
pub use runs::EXCERPT_BYTES;
pub use scores::{Analysis, Band, RUBRIC_TEXT, Rubric, RubricScore, Score};
