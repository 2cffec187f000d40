//! The rules of a peer interview (issue 16): the candidate works as in a solo
//! interview, the interviewer reveals hints, asks questions, asks the coach (privately
//! or aloud), may leave (the coach then takes over), and fills the rubric after the
//! end; the candidate then rates the interviewer. Only those two act; anyone else is
//! refused. Pure: it returns events or a refusal and never appends anything.

use super::guards::{candidate_only, checked_text, in_time, open, started};
use super::start;
use crate::domain::commands::StartInterview;
use crate::domain::error::DomainError;
use crate::domain::events::*;
use crate::domain::ids::Actor;
use crate::domain::interview::Interview;
use crate::domain::peer::{MAX_PEER_TEXT_CHARS, PeerCommand, PeerState};
use chrono::{DateTime, Utc};

pub(super) fn decide(state: &Interview, command: PeerCommand) -> Result<Vec<Event>, DomainError> {
    use PeerCommand as P;
    match command {
        P::Start {
            start,
            interviewer,
            interviewer_is_bot,
        } => begin(state, *start, interviewer, interviewer_is_bot),
        P::RevealHint { by, max_hints, at } => reveal_hint(state, by, max_hints, at),
        P::AskQuestion { by, question, at } => {
            present_interviewer(state, &by)?;
            in_time(state, at)?;
            let question = checked_text("question", question, MAX_PEER_TEXT_CHARS)?;
            Ok(vec![Event::PeerQuestionAsked(PeerQuestionAsked {
                by,
                question,
                at,
            })])
        }
        P::AskCoach {
            by,
            question,
            aloud,
            at,
        } => {
            present_interviewer(state, &by)?;
            let question = checked_text("question", question, MAX_PEER_TEXT_CHARS)?;
            Ok(vec![Event::PeerCoachAsked(PeerCoachAsked {
                by,
                question,
                aloud,
                at,
            })])
        }
        P::FillRubric {
            by,
            rubric,
            notes,
            at,
        } => fill_rubric(state, by, rubric, notes, at),
        P::RateInterviewer {
            by,
            stars,
            note,
            at,
        } => rate(state, by, stars, note, at),
        P::Swap { by, at } => swap(state, by, at),
        P::Leave { by, at } => {
            present_interviewer(state, &by)?;
            Ok(vec![Event::PeerInterviewerLeft(PeerInterviewerLeft {
                by,
                at,
            })])
        }
    }
}

fn begin(
    state: &Interview,
    start: StartInterview,
    interviewer: Actor,
    interviewer_is_bot: bool,
) -> Result<Vec<Event>, DomainError> {
    if interviewer.same_person(&start.candidate) {
        return Err(DomainError::PeerWithSelf);
    }
    if interviewer_is_bot {
        return Err(DomainError::PeerWithBot);
    }
    let at = start.at;
    let mut events = start::start(state, start)?;
    events.push(Event::PeerPaired(PeerPaired { interviewer, at }));
    Ok(events)
}

fn reveal_hint(
    state: &Interview,
    by: Actor,
    max_hints: Option<u32>,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    present_interviewer(state, &by)?;
    in_time(state, at)?;
    if let Some(max) = max_hints
        && state.hints_used >= max
    {
        return Err(DomainError::HintsExhausted { max });
    }
    Ok(vec![Event::PeerHintRevealed(PeerHintRevealed {
        by,
        hint: state.hints_used + 1,
        at,
    })])
}

fn fill_rubric(
    state: &Interview,
    by: Actor,
    rubric: PeerRubric,
    notes: String,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    let peer = interviewer(state, &by)?;
    if peer.left {
        return Err(DomainError::InterviewerLeft);
    }
    if state.ended.is_none() {
        return Err(DomainError::NotEnded);
    }
    if peer.rubric.is_some() {
        return Err(DomainError::RubricAlreadyFilled);
    }
    let notes = optional_text("notes", notes)?;
    Ok(vec![Event::PeerRubricFilled(PeerRubricFilled {
        by,
        rubric,
        notes,
        at,
    })])
}

fn rate(
    state: &Interview,
    by: Actor,
    stars: u8,
    note: String,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    let peer = state.peer.as_ref().ok_or(DomainError::NotPeer)?;
    candidate_only(state, &by)?;
    if state.ended.is_none() {
        return Err(DomainError::NotEnded);
    }
    if peer.rating.is_some() {
        return Err(DomainError::AlreadyRated);
    }
    if !(1..=5).contains(&stars) {
        return Err(DomainError::InvalidStars { got: stars });
    }
    let note = optional_text("note", note)?;
    Ok(vec![Event::PeerInterviewerRated(PeerInterviewerRated {
        by,
        interviewer: peer.interviewer.clone(),
        stars,
        note,
        at,
    })])
}

/// Either member, once the interview has ended, once.
fn swap(state: &Interview, by: Actor, at: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    let peer = state.peer.as_ref().ok_or(DomainError::NotPeer)?;
    if !peer.interviewer.same_person(&by) && candidate_only(state, &by).is_err() {
        return Err(DomainError::OnlyPeerMembers {
            candidate: state
                .started
                .as_ref()
                .map_or_else(String::new, |s| s.candidate.name.clone()),
            interviewer: peer.interviewer.name.clone(),
        });
    }
    if state.ended.is_none() {
        return Err(DomainError::NotEnded);
    }
    if peer.swapped {
        return Err(DomainError::AlreadySwapped);
    }
    Ok(vec![Event::PeerRolesSwapped(PeerRolesSwapped { by, at })])
}

/// The peer state when `by` is its interviewer.
fn interviewer<'a>(state: &'a Interview, by: &Actor) -> Result<&'a PeerState, DomainError> {
    started(state)?;
    let peer = state.peer.as_ref().ok_or(DomainError::NotPeer)?;
    if !peer.interviewer.same_person(by) {
        return Err(DomainError::OnlyInterviewer {
            interviewer: peer.interviewer.name.clone(),
        });
    }
    Ok(peer)
}

/// `by` is the interviewer of a running interview, and has not left.
fn present_interviewer(state: &Interview, by: &Actor) -> Result<(), DomainError> {
    let peer = interviewer(state, by)?;
    open(state)?;
    if peer.left {
        return Err(DomainError::InterviewerLeft);
    }
    Ok(())
}

/// Trimmed, possibly empty, at most `MAX_PEER_TEXT_CHARS`.
fn optional_text(what: &'static str, text: String) -> Result<String, DomainError> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    checked_text(what, text, MAX_PEER_TEXT_CHARS)
}

/// Who may end a peer interview besides the candidate: its present interviewer.
pub(super) fn may_end(state: &Interview, actor: &Actor) -> bool {
    state
        .peer
        .as_ref()
        .is_some_and(|p| !p.left && p.interviewer.same_person(actor))
}

/// Refuses the candidate's own hint request while the interviewer is there.
pub(super) fn hints_from_interviewer(state: &Interview) -> Result<(), DomainError> {
    match &state.peer {
        Some(p) if !p.left => Err(DomainError::HintsFromInterviewer {
            interviewer: p.interviewer.name.clone(),
        }),
        _ => Ok(()),
    }
}
