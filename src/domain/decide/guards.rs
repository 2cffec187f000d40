//! Checks shared by the command families: whether the interview is running, who may act,
//! which coach turn is pending, and how long a text may be. Each returns a refusal or `()`.

use crate::domain::error::DomainError;
use crate::domain::events::Version;
use crate::domain::ids::Actor;
use crate::domain::interview::{Interview, Phase, TurnKind, TurnState};
use crate::domain::problem::Mode;

pub(super) fn started(state: &Interview) -> Result<(), DomainError> {
    if state.started.is_none() {
        return Err(DomainError::NotStarted);
    }
    Ok(())
}

/// Before the deadline, when there is one: past it, only ending is allowed.
pub(super) fn in_time(
    state: &Interview,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DomainError> {
    match state.deadline() {
        Some(deadline) if at >= deadline => Err(DomainError::TimeUp),
        _ => Ok(()),
    }
}

/// Started and not ended.
pub(super) fn open(state: &Interview) -> Result<(), DomainError> {
    started(state)?;
    if matches!(state.phase(), Phase::Ended | Phase::Summarised) {
        return Err(DomainError::InterviewOver);
    }
    Ok(())
}

fn candidate_name(state: &Interview) -> String {
    state
        .started
        .as_ref()
        .map(|s| s.candidate.name.clone())
        .unwrap_or_default()
}

fn is_candidate(state: &Interview, actor: &Actor) -> bool {
    state
        .started
        .as_ref()
        .is_some_and(|s| s.candidate.same_person(actor))
}

pub(super) fn candidate_only(state: &Interview, actor: &Actor) -> Result<(), DomainError> {
    if is_candidate(state, actor) {
        Ok(())
    } else {
        Err(DomainError::OnlyCandidate {
            candidate: candidate_name(state),
        })
    }
}

/// The candidate, or anyone in a group-mode interview.
pub(super) fn participant(state: &Interview, actor: &Actor) -> Result<(), DomainError> {
    let group = state
        .started
        .as_ref()
        .is_some_and(|s| s.mode == Mode::Group);
    if is_candidate(state, actor) || group {
        Ok(())
    } else {
        Err(DomainError::NotParticipant {
            candidate: candidate_name(state),
        })
    }
}

/// The turn `reply_to` exists, awaits the coach, and is of an accepted kind.
pub(super) fn pending(
    state: &Interview,
    reply_to: Version,
    kind_ok: impl Fn(TurnKind) -> bool,
) -> Result<(), DomainError> {
    match state.turns.get(&reply_to) {
        Some(t) if t.state == TurnState::Pending && kind_ok(t.kind) => Ok(()),
        _ => Err(DomainError::NotPending { reply_to }),
    }
}

/// `text` trimmed, refused when empty or longer than `max` characters.
pub(super) fn checked_text(
    what: &'static str,
    text: String,
    max: usize,
) -> Result<String, DomainError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DomainError::EmptyText { what });
    }
    let got = trimmed.chars().count();
    if got > max {
        return Err(DomainError::TextTooLong { what, got, max });
    }
    Ok(trimmed.to_string())
}
