//! What people and the coach ask of an interview, in the imperative. Everything
//! `decide` needs travels inside the command: the clock reading, the actor, and
//! whatever an adapter looked up (such as the length of the problem's hint ladder).

use super::events::{
    CoachStamp, EndReason, FailureKind, HireSignal, LlmUsage, ReplyKind, SubmissionSource,
    TestsRun, Version,
};
use super::ids::{Actor, Place};
use super::problem::{CoachConfig, Difficulty, Mode, Problem};
use super::scores::{Analysis, Rubric};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    StartInterview(StartInterview),
    ExplainApproach {
        actor: Actor,
        text: String,
        at: DateTime<Utc>,
    },
    SubmitCode(SubmitCode),
    SendMessage {
        actor: Actor,
        text: String,
        at: DateTime<Utc>,
    },
    /// `max_hints` is the length of the problem's hint ladder when it has one.
    RequestHint {
        actor: Actor,
        max_hints: Option<u32>,
        at: DateTime<Utc>,
    },
    /// Re-run the latest failed coach turn.
    RetryCoach {
        actor: Actor,
        at: DateTime<Utc>,
    },
    EndInterview {
        by: EndBy,
        at: DateTime<Utc>,
    },
    RecordCoachReply {
        reply_to: Version,
        kind: ReplyKind,
        text: String,
        usage: Option<LlmUsage>,
        /// The prompt version and model behind the answer (`None` for a reply that is
        /// not the LLM's).
        stamp: Option<CoachStamp>,
        at: DateTime<Utc>,
    },
    RecordAnalysis {
        reply_to: Version,
        analysis: Analysis,
        usage: Option<LlmUsage>,
        /// The prompt version and model behind the answer (`None` for a reply that is
        /// not the LLM's).
        stamp: Option<CoachStamp>,
        at: DateTime<Utc>,
    },
    RecordCoachFailure {
        reply_to: Version,
        kind: FailureKind,
        message: String,
        attempts: u32,
        retryable: bool,
        /// The prompt version and model behind the answer (`None` for a reply that is
        /// not the LLM's).
        stamp: Option<CoachStamp>,
        at: DateTime<Utc>,
    },
    RecordSummary(RecordSummary),
    /// Warn the candidate that the time limit is `minutes_left` minutes away (once).
    WarnTime {
        minutes_left: u32,
        at: DateTime<Utc>,
    },
    /// Record a regrade of the ended interview (the operator's `regrade --record`).
    RecordRegrade(Box<crate::domain::regrade::Regraded>),
    /// Revoke one share link (by the share id its token carries), whatever the phase.
    RevokeShare {
        share_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Run the candidate's code on the problem's tests (or their own input). Accepted
    /// means the run may start and appends nothing: the judge runs outside `decide` (as
    /// the coach's LLM call does) and its result is recorded with `RecordTestsRun`.
    /// Platforms ask it through `Engine::check`.
    RunTests(RunTests),
    /// Record the verdicts of a run (an ad-hoc run `RunTests` allowed, or a submission's).
    RecordTestsRun(TestsRun),
    /// Replace the coach's view of events up to `up_to` with `digest`.
    CompactContext {
        up_to: Version,
        digest: String,
        at: DateTime<Utc>,
    },
    // issue 16: peer
    /// A move of a peer interview (`domain::peer`).
    Peer(super::peer::PeerCommand),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StartInterview {
    pub interview_id: Uuid,
    pub place: Place,
    pub candidate: Actor,
    pub problem: Problem,
    pub language: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub time_limit_minutes: Option<u32>,
    pub mode: Mode,
    pub coach: CoachConfig,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitCode {
    pub actor: Actor,
    pub language: String,
    pub code: String,
    pub source: SubmissionSource,
    pub at: DateTime<Utc>,
}

/// A run of code the candidate asks for. What the adapter looked up travels with it:
/// the code (given, or the last submission's), the languages the judge runs, and the
/// arguments of the problem's signature (`None`: the problem is not in the bank).
#[derive(Debug, Clone, PartialEq)]
pub struct RunTests {
    pub actor: Actor,
    /// The language as the judge names it when it knows the name, else as written.
    pub language: String,
    pub code: String,
    /// A JSON object of the problem's arguments, instead of the examples and tests.
    pub custom_input: Option<String>,
    /// The judge's language names.
    pub supported: Vec<String>,
    /// The argument names of the bank problem's signature; `None` for a problem that is
    /// not in the bank (it has no tests).
    pub arguments: Option<Vec<String>>,
    pub at: DateTime<Utc>,
}

/// Who ends an interview.
#[derive(Debug, Clone, PartialEq)]
pub enum EndBy {
    Member(Actor),
    /// The time limit passed; refused if it has not.
    Timer,
    /// The candidate has done nothing for `minutes` (an abandoned interview); refused
    /// if they acted more recently.
    Idle {
        minutes: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordSummary {
    pub reply_to: Version,
    pub overall: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub rubric: Rubric,
    pub hire_signal: HireSignal,
    pub usage: Option<LlmUsage>,
    pub stamp: Option<CoachStamp>,
    pub at: DateTime<Utc>,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::StartInterview(_) => "start",
            Command::ExplainApproach { .. } => "approach",
            Command::SubmitCode(_) => "submit",
            Command::SendMessage { .. } => "message",
            Command::RequestHint { .. } => "hint",
            Command::RetryCoach { .. } => "retry",
            Command::EndInterview { .. } => "end",
            Command::RecordCoachReply { .. } => "coach reply",
            Command::RecordAnalysis { .. } => "analysis",
            Command::RecordCoachFailure { .. } => "coach failure",
            Command::RecordSummary(_) => "summary",
            Command::CompactContext { .. } => "compaction",
            Command::WarnTime { .. } => "time warning",
            Command::RevokeShare { .. } => "share revocation",
            Command::RunTests(_) => "run",
            Command::RecordTestsRun(_) => "test results",
            Command::RecordRegrade(_) => "regrade",
            // issue 16: peer
            Command::Peer(c) => c.name(),
        }
    }

    /// Why an interview ended, for the end commands.
    pub fn end_reason(by: &EndBy) -> EndReason {
        match by {
            EndBy::Member(_) => EndReason::Finished,
            EndBy::Timer => EndReason::TimeLimit,
            EndBy::Idle { .. } => EndReason::Abandoned,
        }
    }
}
