//! Recording what the coach produced: a reply, a code analysis, a failure, the summary,
//! or a compacted context. Each must answer a turn that is still pending, of its kind.

use super::MAX_TEXT_CHARS;
use super::guards::{checked_text, pending, started};
use crate::domain::commands::RecordSummary;
use crate::domain::error::DomainError;
use crate::domain::events::*;
use crate::domain::interview::{Interview, TurnKind};
use crate::domain::scores::Analysis;
use chrono::{DateTime, Utc};

/// What the coach's LLM spent on an answer, and the prompt version and model behind it.
type Produced = (Option<LlmUsage>, Option<CoachStamp>);

/// A chat reply, to any pending turn but a code review or the summary.
pub(super) fn reply(
    state: &Interview,
    reply_to: Version,
    kind: ReplyKind,
    text: String,
    (usage, stamp): Produced,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    pending(state, reply_to, |k| {
        k != TurnKind::Analysis && k != TurnKind::Summary
    })?;
    let text = checked_text("coach reply", text, MAX_TEXT_CHARS * 2)?;
    Ok(vec![Event::CoachReplied(CoachReplied {
        reply_to,
        kind,
        text,
        usage,
        stamp,
        at,
    })])
}

pub(super) fn analysis(
    state: &Interview,
    reply_to: Version,
    analysis: Analysis,
    (usage, stamp): Produced,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    pending(state, reply_to, |k| k == TurnKind::Analysis)?;
    Ok(vec![Event::CodeAnalyzed(CodeAnalyzed {
        reply_to,
        analysis,
        usage,
        stamp,
        at,
    })])
}

/// The coach gave up on a pending turn of any kind.
pub(super) fn failure(state: &Interview, failed: CoachFailed) -> Result<Vec<Event>, DomainError> {
    pending(state, failed.reply_to, |_| true)?;
    Ok(vec![Event::CoachFailed(failed)])
}

/// The summary, once the interview has ended; the tallies come from the state.
pub(super) fn summary(state: &Interview, c: RecordSummary) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    let (_, _, ended_at) = state.ended.as_ref().ok_or(DomainError::NotEnded)?;
    pending(state, c.reply_to, |k| k == TurnKind::Summary)?;
    let started_at = state.started.as_ref().map(|s| s.at).unwrap_or(*ended_at);
    let duration_seconds = (*ended_at - started_at).num_seconds().max(0) as u64;
    Ok(vec![Event::SummaryWritten(SummaryWritten {
        reply_to: c.reply_to,
        overall: c.overall,
        strengths: c.strengths,
        improvements: c.improvements,
        rubric: c.rubric,
        hire_signal: c.hire_signal,
        duration_seconds,
        submissions: state.submissions,
        hints_used: state.hints_used,
        usage: c.usage,
        stamp: c.stamp,
        at: c.at,
    })])
}

/// Replaces the coach's view of events up to `up_to`: it must move forward and stay
/// within the stream.
pub(super) fn compaction(
    state: &Interview,
    up_to: Version,
    digest: String,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if up_to <= state.compacted_up_to || up_to > state.version {
        return Err(DomainError::InvalidCompaction { up_to });
    }
    Ok(vec![Event::ContextCompacted(ContextCompacted {
        up_to,
        digest,
        at,
    })])
}
