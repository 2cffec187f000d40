//! Platform adapters (Discord, Slack, web). Each turns platform input into an engine
//! `Command` (writes) or a question to the query door (reads) and renders the answer.
//! None of them touches the store, the database driver, an LLM client or the domain's
//! decide function (they ask `Engine::check`): `tests/it/layers.rs` fails the build when
//! a file here names one of them.

pub mod daily_text;
pub mod discord;
pub mod run_lines;
pub mod slack;
pub mod submission_lines;
pub mod text;
pub mod web;

use crate::domain::CoachConfig;
use crate::engine::Engine;
use crate::problems::ProblemBank;
use crate::queries::Queries;
use crate::runs::Runner;
use crate::telemetry::Readiness;
use std::sync::Arc;

/// What the wiring (`app.rs`) builds once and hands to every platform.
#[derive(Clone)]
pub struct Services {
    /// The write door: every command goes through it.
    pub engine: Engine,
    /// The read door: every question of the log and the read models.
    pub queries: Queries,
    /// The problem bank, loaded once.
    pub problems: Arc<ProblemBank>,
    /// The model and prompt versions recorded in each new interview.
    pub coach: CoachConfig,
    /// Where the platforms report their connections, for `/readyz`.
    pub readiness: Readiness,
    /// Runs candidates' code on the problem's tests and records the verdicts.
    pub runner: Runner,
}
