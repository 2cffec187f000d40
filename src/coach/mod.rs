//! The coach: prompts, context and LLM clients, and the worker that answers pending
//! turns. It knows prompts and wire formats, never platforms: everything it says is
//! an event in the log.

pub mod budget;
pub mod context;
pub mod llm;
pub mod memory;
pub mod prompts;
pub mod schema;
pub mod settings;
pub mod setup;
pub mod slots;
pub mod unfinished;
pub mod verdicts;
pub mod worker;

pub use settings::CoachSettings;
pub use worker::{Coach, TurnOutcome};
