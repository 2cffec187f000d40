//! The facts of an interview, in the past tense. Each variant is one JSON object with a
//! `type` tag; its schema version is given by [`Event::schema_version`].
//!
//! Never edit a published variant in place: add a field with a default, or add a new
//! schema version and an upcaster in the store's codec.

pub use super::events_daily::{DailyPosted, DailyScheduled, DailyTurnedOff};
pub use super::events_duel::{
    DuelDeclined, DuelOfferExpired, DuelOffered, DuelRunnerUpFinished, DuelStarted, DuelTimedOut,
    DuelWon,
};
pub use super::events_peer::*;
use super::ids::{Actor, Place};
use super::problem::{CoachConfig, Difficulty, Mode, Problem};
pub use super::regrade::Regraded;
pub use super::runs::{CaseBrief, CaseRun, CaseVerdict, HiddenTests, RunOf, TestsRun};
use super::scores::{Analysis, Rubric};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Stream version of an event (1 for the first event of a stream).
pub type Version = u64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    InterviewStarted(InterviewStarted),
    ApproachExplained(ApproachExplained),
    CodeSubmitted(CodeSubmitted),
    CandidateMessage(CandidateMessage),
    HintRequested(HintRequested),
    RetryRequested(RetryRequested),
    CoachReplied(CoachReplied),
    CodeAnalyzed(CodeAnalyzed),
    CoachFailed(CoachFailed),
    InterviewEnded(InterviewEnded),
    SummaryWritten(SummaryWritten),
    ContextCompacted(ContextCompacted),
    ShareRevoked(ShareRevoked),
    /// A stored event this build cannot read: a type written by a newer release (during
    /// a rolling deploy) or a newer schema of a known type. It keeps the stored type
    /// name, folds to nothing, and every reader skips it. It is only ever read, never
    /// written: `decide` never makes one and the codec refuses to encode one.
    #[serde(skip)]
    Unknown(UnknownEvent),
    TestsRun(TestsRun),
    Regraded(Regraded),
    // issue 16: daily
    DailyScheduled(DailyScheduled),
    DailyTurnedOff(DailyTurnedOff),
    DailyPosted(DailyPosted),
    // issue 16: duel (in a duel stream `duel:<platform>:<id>`, never an interview's)
    DuelOffered(DuelOffered),
    DuelDeclined(DuelDeclined),
    DuelOfferExpired(DuelOfferExpired),
    DuelStarted(DuelStarted),
    DuelWon(DuelWon),
    DuelTimedOut(DuelTimedOut),
    // issue 16: peer
    PeerPaired(PeerPaired),
    PeerHintRevealed(PeerHintRevealed),
    PeerQuestionAsked(PeerQuestionAsked),
    PeerCoachAsked(PeerCoachAsked),
    PeerRubricFilled(PeerRubricFilled),
    PeerInterviewerRated(PeerInterviewerRated),
    PeerInterviewerLeft(PeerInterviewerLeft),
    PeerRolesSwapped(PeerRolesSwapped),
    // issue 16: duel, after a win (in the duel's stream)
    DuelRunnerUpFinished(DuelRunnerUpFinished),
}

impl Event {
    /// The `type` tag of the variant, as stored.
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::InterviewStarted(_) => "interview_started",
            Event::ApproachExplained(_) => "approach_explained",
            Event::CodeSubmitted(_) => "code_submitted",
            Event::CandidateMessage(_) => "candidate_message",
            Event::HintRequested(_) => "hint_requested",
            Event::RetryRequested(_) => "retry_requested",
            Event::CoachReplied(_) => "coach_replied",
            Event::CodeAnalyzed(_) => "code_analyzed",
            Event::CoachFailed(_) => "coach_failed",
            Event::InterviewEnded(_) => "interview_ended",
            Event::SummaryWritten(_) => "summary_written",
            Event::ContextCompacted(_) => "context_compacted",
            Event::ShareRevoked(_) => "share_revoked",
            Event::Unknown(_) => "unknown",
            Event::TestsRun(_) => "tests_run",
            Event::Regraded(_) => "regraded",
            // issue 16: daily
            Event::DailyScheduled(_) => "daily_scheduled",
            Event::DailyTurnedOff(_) => "daily_turned_off",
            Event::DailyPosted(_) => "daily_posted",
            // issue 16: duel
            Event::DuelOffered(_) => "duel_offered",
            Event::DuelDeclined(_) => "duel_declined",
            Event::DuelOfferExpired(_) => "duel_offer_expired",
            Event::DuelStarted(_) => "duel_started",
            Event::DuelWon(_) => "duel_won",
            Event::DuelTimedOut(_) => "duel_timed_out",
            // issue 16: peer
            Event::PeerPaired(_) => "peer_paired",
            Event::PeerHintRevealed(_) => "peer_hint_revealed",
            Event::PeerQuestionAsked(_) => "peer_question_asked",
            Event::PeerCoachAsked(_) => "peer_coach_asked",
            Event::PeerRubricFilled(_) => "peer_rubric_filled",
            Event::PeerInterviewerRated(_) => "peer_interviewer_rated",
            Event::PeerInterviewerLeft(_) => "peer_interviewer_left",
            Event::PeerRolesSwapped(_) => "peer_roles_swapped",
            Event::DuelRunnerUpFinished(_) => "duel_runner_up_finished",
        }
    }

    /// The schema version written with the event. Bump it (and add an upcaster) when a
    /// variant's shape changes incompatibly.
    pub fn schema_version(&self) -> u32 {
        Event::current_schema_version(self.type_name()).unwrap_or(1)
    }

    /// Today's schema version of the event type named `type_name`, if it is known.
    pub fn current_schema_version(type_name: &str) -> Option<u32> {
        Event::TYPE_NAMES.contains(&type_name).then_some(1)
    }

    /// Every type tag, for fixtures and documentation.
    pub const TYPE_NAMES: [&'static str; 33] = [
        "interview_started",
        "approach_explained",
        "code_submitted",
        "candidate_message",
        "hint_requested",
        "retry_requested",
        "coach_replied",
        "code_analyzed",
        "coach_failed",
        "interview_ended",
        "summary_written",
        "context_compacted",
        "share_revoked",
        "tests_run",
        "regraded",
        // issue 16: daily
        "daily_scheduled",
        "daily_turned_off",
        "daily_posted",
        // issue 16: duel
        "duel_offered",
        "duel_declined",
        "duel_offer_expired",
        "duel_started",
        "duel_won",
        "duel_timed_out",
        // issue 16: peer
        "peer_paired",
        "peer_hint_revealed",
        "peer_question_asked",
        "peer_coach_asked",
        "peer_rubric_filled",
        "peer_interviewer_rated",
        "peer_interviewer_left",
        "peer_roles_swapped",
        "duel_runner_up_finished",
    ];

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Event::InterviewStarted(e) => e.at,
            Event::ApproachExplained(e) => e.at,
            Event::CodeSubmitted(e) => e.at,
            Event::CandidateMessage(e) => e.at,
            Event::HintRequested(e) => e.at,
            Event::RetryRequested(e) => e.at,
            Event::CoachReplied(e) => e.at,
            Event::CodeAnalyzed(e) => e.at,
            Event::CoachFailed(e) => e.at,
            Event::InterviewEnded(e) => e.at,
            Event::SummaryWritten(e) => e.at,
            Event::ContextCompacted(e) => e.at,
            Event::ShareRevoked(e) => e.at,
            Event::Unknown(e) => e.at,
            Event::TestsRun(e) => e.at,
            Event::Regraded(e) => e.at,
            // issue 16: daily
            Event::DailyScheduled(e) => e.at,
            Event::DailyTurnedOff(e) => e.at,
            Event::DailyPosted(e) => e.at,
            // issue 16: duel
            Event::DuelOffered(e) => e.at,
            Event::DuelDeclined(e) => e.at,
            Event::DuelOfferExpired(e) => e.at,
            Event::DuelStarted(e) => e.at,
            Event::DuelWon(e) => e.at,
            Event::DuelTimedOut(e) => e.at,
            // issue 16: peer
            Event::PeerPaired(e) => e.at,
            Event::PeerHintRevealed(e) => e.at,
            Event::PeerQuestionAsked(e) => e.at,
            Event::PeerCoachAsked(e) => e.at,
            Event::PeerRubricFilled(e) => e.at,
            Event::PeerInterviewerRated(e) => e.at,
            Event::PeerInterviewerLeft(e) => e.at,
            Event::PeerRolesSwapped(e) => e.at,
            Event::DuelRunnerUpFinished(e) => e.at,
        }
    }

    /// The person who caused the event, when it was a person.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Event::InterviewStarted(e) => Some(&e.candidate),
            Event::ApproachExplained(e) => Some(&e.actor),
            Event::CodeSubmitted(e) => Some(&e.actor),
            Event::CandidateMessage(e) => Some(&e.actor),
            Event::HintRequested(e) => Some(&e.actor),
            Event::RetryRequested(e) => Some(&e.actor),
            Event::TestsRun(e) => Some(&e.actor),
            // issue 16: daily
            Event::DailyScheduled(e) => Some(&e.by),
            Event::DailyTurnedOff(e) => Some(&e.by),
            // issue 16: peer (the pairing is the interviewer's: they were named)
            Event::PeerPaired(e) => Some(&e.interviewer),
            Event::PeerHintRevealed(e) => Some(&e.by),
            Event::PeerQuestionAsked(e) => Some(&e.by),
            Event::PeerCoachAsked(e) => Some(&e.by),
            Event::PeerRubricFilled(e) => Some(&e.by),
            Event::PeerInterviewerRated(e) => Some(&e.by),
            Event::PeerInterviewerLeft(e) => Some(&e.by),
            Event::PeerRolesSwapped(e) => Some(&e.by),
            Event::InterviewEnded(e) => match &e.by {
                EndedBy::Member { actor } => Some(actor),
                EndedBy::Timer => None,
            },
            _ => None,
        }
    }

    /// The candidate event a coach event answers.
    pub fn reply_to(&self) -> Option<Version> {
        match self {
            Event::CoachReplied(e) => Some(e.reply_to),
            Event::CodeAnalyzed(e) => Some(e.reply_to),
            Event::CoachFailed(e) => Some(e.reply_to),
            Event::SummaryWritten(e) => Some(e.reply_to),
            _ => None,
        }
    }

    /// The prompt version and model a coach event was produced with, when recorded.
    pub fn stamp(&self) -> Option<&CoachStamp> {
        match self {
            Event::CoachReplied(e) => e.stamp.as_ref(),
            Event::CodeAnalyzed(e) => e.stamp.as_ref(),
            Event::CoachFailed(e) => e.stamp.as_ref(),
            Event::SummaryWritten(e) => e.stamp.as_ref(),
            _ => None,
        }
    }

    /// Tokens the coach spent producing this event (0 for candidate events).
    pub fn tokens_used(&self) -> u64 {
        let usage = match self {
            Event::CoachReplied(e) => e.usage.as_ref(),
            Event::CodeAnalyzed(e) => e.usage.as_ref(),
            Event::SummaryWritten(e) => e.usage.as_ref(),
            _ => None,
        };
        usage.map(LlmUsage::billed_tokens).unwrap_or(0)
    }
}

/// What is kept of an event this build cannot read (see [`Event::Unknown`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEvent {
    /// The type tag as stored, e.g. a variant added by a newer release.
    pub event_type: String,
    /// The schema version as stored.
    pub schema_version: u32,
    /// When it was recorded (its payload's own time cannot be read).
    pub at: DateTime<Utc>,
}

impl Event {
    /// Whether this is an event this build cannot read, which every reader skips.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Event::Unknown(_))
    }
}

/// One share link of the interview was revoked: from now on it opens nothing. It holds
/// no one's words, so privacy erasure leaves it as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareRevoked {
    /// The id every share token carries (a random nonce), naming one link.
    pub share_id: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewStarted {
    pub interview_id: Uuid,
    pub place: Place,
    pub candidate: Actor,
    pub problem: Problem,
    pub language: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub time_limit_minutes: Option<u32>,
    #[serde(default)]
    pub mode: Mode,
    pub coach: CoachConfig,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApproachExplained {
    pub actor: Actor,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// How a submission reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionSource {
    Command,
    Modal,
    Attachment,
    Message,
    Editor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeSubmitted {
    pub actor: Actor,
    pub language: String,
    pub code: String,
    pub source: SubmissionSource,
    /// 1 for the first submission of the interview.
    pub submission: u32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateMessage {
    pub actor: Actor,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HintRequested {
    pub actor: Actor,
    /// 1 for the first hint of the interview: the rung of the hint ladder.
    pub hint: u32,
    pub at: DateTime<Utc>,
}

/// The candidate asked the coach to try a failed turn again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryRequested {
    pub actor: Actor,
    /// The candidate event whose coach turn failed.
    pub target: Version,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    ApproachFeedback,
    Chat,
    Hint,
    Nudge,
    TimeWarning,
}

impl ReplyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::ApproachFeedback => "approach_feedback",
            ReplyKind::Chat => "chat",
            ReplyKind::Hint => "hint",
            ReplyKind::Nudge => "nudge",
            ReplyKind::TimeWarning => "time_warning",
        }
    }
}

/// What one LLM call cost and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LlmUsage {
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_read_tokens: u64,
    #[serde(default)]
    pub cache_write_tokens: u64,
    pub latency_ms: u64,
    #[serde(default)]
    pub request_id: Option<String>,
    /// Requests beyond the first that this answer took: a passing fault retried, a reply
    /// cut short or looping asked again, a structured answer that did not validate asked
    /// again (their tokens and time are in the figures above). Absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl LlmUsage {
    /// Tokens counted against budgets: everything read and written.
    pub fn billed_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens
    }
}

/// What produced a coach event: the prompt version (a hash of the prompt templates, the
/// tools' schemas and the rubric; `coach::prompts::prompt_version`) and the model, so a
/// score can be traced to the prompt and model behind it and compared after a change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CoachStamp {
    pub prompt_version: String,
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachReplied {
    pub reply_to: Version,
    pub kind: ReplyKind,
    pub text: String,
    pub usage: Option<LlmUsage>,
    /// The prompt version and model that produced it; absent on events written before
    /// coach events were stamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<CoachStamp>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeAnalyzed {
    pub reply_to: Version,
    pub analysis: Analysis,
    pub usage: Option<LlmUsage>,
    /// The prompt version and model that produced it; absent on events written before
    /// coach events were stamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<CoachStamp>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No LLM is configured; the message names the variable to set.
    NotConfigured,
    /// The provider stayed overloaded or unreachable through every retry.
    Unavailable,
    /// The provider refused the request (bad request, auth, spend limit).
    Rejected,
    /// The model's answer did not validate (e.g. invalid analysis JSON twice).
    InvalidResponse,
    /// The member's cooldown or the place's daily budget is used up.
    OverBudget,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachFailed {
    pub reply_to: Version,
    pub kind: FailureKind,
    /// A message fit to show the candidate: no secrets, no stack traces.
    pub message: String,
    pub attempts: u32,
    pub retryable: bool,
    /// The prompt version and model that produced it; absent on events written before
    /// coach events were stamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<CoachStamp>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum EndedBy {
    Member { actor: Actor },
    Timer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Finished,
    TimeLimit,
    Abandoned,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Finished => "finished",
            EndReason::TimeLimit => "time_limit",
            EndReason::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewEnded {
    #[serde(flatten)]
    pub by: EndedBy,
    pub reason: EndReason,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HireSignal {
    StrongNo,
    No,
    LeanNo,
    LeanYes,
    Yes,
    StrongYes,
}

impl HireSignal {
    pub fn as_str(self) -> &'static str {
        match self {
            HireSignal::StrongNo => "strong_no",
            HireSignal::No => "no",
            HireSignal::LeanNo => "lean_no",
            HireSignal::LeanYes => "lean_yes",
            HireSignal::Yes => "yes",
            HireSignal::StrongYes => "strong_yes",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryWritten {
    pub reply_to: Version,
    pub overall: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub rubric: Rubric,
    pub hire_signal: HireSignal,
    pub duration_seconds: u64,
    pub submissions: u32,
    pub hints_used: u32,
    pub usage: Option<LlmUsage>,
    /// The prompt version and model that produced it; absent on events written before
    /// coach events were stamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<CoachStamp>,
    pub at: DateTime<Utc>,
}

/// The coach's context was compacted: events up to `up_to` are represented by
/// `digest` from now on, so long interviews stay inside the token budget and the
/// replayed prefix stays stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextCompacted {
    pub up_to: Version,
    pub digest: String,
    pub at: DateTime<Utc>,
}
