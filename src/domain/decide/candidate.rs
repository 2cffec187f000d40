//! What the candidate (or, in group mode, a participant) does while the interview runs:
//! explain an approach, submit code, chat, ask for a hint, retry a failed coach turn.

use super::guards::{candidate_only, checked_text, in_time, open, participant, started};
use super::{MAX_CODE_BYTES, MAX_TEXT_CHARS};
use crate::domain::commands::SubmitCode;
use crate::domain::error::DomainError;
use crate::domain::events::*;
use crate::domain::ids::Actor;
use crate::domain::interview::{Interview, TurnKind, TurnState};
use chrono::{DateTime, Utc};

pub(super) fn approach(
    state: &Interview,
    actor: Actor,
    text: String,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, at)?;
    candidate_only(state, &actor)?;
    let text = checked_text("approach", text, MAX_TEXT_CHARS)?;
    Ok(vec![Event::ApproachExplained(ApproachExplained {
        actor,
        text,
        at,
    })])
}

pub(super) fn submit(state: &Interview, c: SubmitCode) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, c.at)?;
    candidate_only(state, &c.actor)?;
    if c.code.trim().is_empty() {
        return Err(DomainError::EmptyCode);
    }
    if c.code.len() > MAX_CODE_BYTES {
        return Err(DomainError::CodeTooLarge {
            got: c.code.len(),
            max: MAX_CODE_BYTES,
        });
    }
    let analysing = state
        .turns
        .values()
        .any(|t| t.kind == TurnKind::Analysis && t.state == TurnState::Pending);
    if analysing {
        return Err(DomainError::AnalysisPending);
    }
    Ok(vec![Event::CodeSubmitted(CodeSubmitted {
        actor: c.actor,
        language: c.language.trim().to_ascii_lowercase(),
        code: c.code,
        source: c.source,
        submission: state.submissions + 1,
        at: c.at,
    })])
}

pub(super) fn message(
    state: &Interview,
    actor: Actor,
    text: String,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, at)?;
    participant(state, &actor)?;
    let text = checked_text("message", text, MAX_TEXT_CHARS)?;
    Ok(vec![Event::CandidateMessage(CandidateMessage {
        actor,
        text,
        at,
    })])
}

/// `max_hints` is the length of the problem's hint ladder, when it has one.
pub(super) fn hint(
    state: &Interview,
    actor: Actor,
    max_hints: Option<u32>,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, at)?;
    candidate_only(state, &actor)?;
    super::peer::hints_from_interviewer(state)?;
    if let Some(max) = max_hints
        && state.hints_used >= max
    {
        return Err(DomainError::HintsExhausted { max });
    }
    let hint = state.hints_used + 1;
    Ok(vec![Event::HintRequested(HintRequested {
        actor,
        hint,
        at,
    })])
}

pub(super) fn retry(
    state: &Interview,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    candidate_only(state, &actor)?;
    let turn = state
        .last_failed_turn()
        .ok_or(DomainError::NothingToRetry)?;
    // A failed review of code that has since been resubmitted is superseded, and after
    // the end only the summary is still worth retrying.
    let superseded = turn.kind == TurnKind::Analysis
        && state
            .turns
            .values()
            .any(|t| t.kind == TurnKind::Analysis && t.reply_to > turn.reply_to);
    let over = state.ended.is_some() && turn.kind != TurnKind::Summary;
    if superseded || over {
        return Err(DomainError::NothingToRetry);
    }
    Ok(vec![Event::RetryRequested(RetryRequested {
        actor,
        target: turn.reply_to,
        at,
    })])
}
