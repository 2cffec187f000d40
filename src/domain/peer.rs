//! A peer interview's commands and the part of the folded state they need (issue 16).
//! The rules live in `decide/peer.rs`; this file only names the moves and keeps what
//! `apply` learnt from the peer events.
//!
//! Pure: no I/O, no clock; whatever a platform looked up (the hint ladder's length,
//! whether the named interviewer is a bot) travels inside the command.

use super::commands::StartInterview;
use super::events::{Event, Version};
use super::events_peer::{PeerInterviewerRated, PeerRubric, PeerRubricFilled};
use super::ids::Actor;
use super::scores::Rubric;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Longest note, question or question to the coach, in characters.
pub const MAX_PEER_TEXT_CHARS: usize = 4_000;

/// What the two members of a peer interview ask.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerCommand {
    /// Start an interview whose candidate is `start.candidate`, interviewed by
    /// `interviewer` (`interviewer_is_bot` as the platform says).
    Start {
        start: Box<StartInterview>,
        interviewer: Actor,
        interviewer_is_bot: bool,
    },
    /// Show the candidate the next rung of the hint ladder (`max_hints` long).
    RevealHint {
        by: Actor,
        max_hints: Option<u32>,
        at: DateTime<Utc>,
    },
    AskQuestion {
        by: Actor,
        question: String,
        at: DateTime<Utc>,
    },
    AskCoach {
        by: Actor,
        question: String,
        aloud: bool,
        at: DateTime<Utc>,
    },
    FillRubric {
        by: Actor,
        rubric: PeerRubric,
        notes: String,
        at: DateTime<Utc>,
    },
    RateInterviewer {
        by: Actor,
        stars: u8,
        note: String,
        at: DateTime<Utc>,
    },
    Leave {
        by: Actor,
        at: DateTime<Utc>,
    },
    /// Mark the interview's roles swapped (the platform then starts the mirror).
    Swap {
        by: Actor,
        at: DateTime<Utc>,
    },
}

impl PeerCommand {
    pub fn name(&self) -> &'static str {
        match self {
            PeerCommand::Start { .. } => "peer start",
            PeerCommand::RevealHint { .. } => "peer hint",
            PeerCommand::AskQuestion { .. } => "peer question",
            PeerCommand::AskCoach { .. } => "peer coach question",
            PeerCommand::FillRubric { .. } => "peer rubric",
            PeerCommand::RateInterviewer { .. } => "peer rating",
            PeerCommand::Leave { .. } => "peer leave",
            PeerCommand::Swap { .. } => "peer swap",
        }
    }
}

/// Whether `event` is one of the peer events (the interviewer's moves and the rating);
/// they do not count as the candidate acting.
pub fn is_peer_event(event: &Event) -> bool {
    matches!(
        event,
        Event::PeerPaired(_)
            | Event::PeerHintRevealed(_)
            | Event::PeerQuestionAsked(_)
            | Event::PeerCoachAsked(_)
            | Event::PeerRubricFilled(_)
            | Event::PeerInterviewerRated(_)
            | Event::PeerInterviewerLeft(_)
            | Event::PeerRolesSwapped(_)
    )
}

/// What a peer interview's events say, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerState {
    pub interviewer: Actor,
    /// The interviewer left before the end; the coach has taken over.
    pub left: bool,
    pub questions_asked: u32,
    /// Coach turns the interviewer asked privately: their answers stay out of the thread.
    pub private_turns: BTreeSet<Version>,
    pub rubric: Option<PeerRubricFilled>,
    pub rating: Option<PeerInterviewerRated>,
    /// The coach's own rubric, from its summary, to set beside the interviewer's.
    pub coach_rubric: Option<Rubric>,
    /// Swap roles was pressed: the mirrored interview has been started.
    pub swapped: bool,
}

impl PeerState {
    pub fn new(interviewer: Actor) -> PeerState {
        PeerState {
            interviewer,
            left: false,
            questions_asked: 0,
            private_turns: BTreeSet::new(),
            rubric: None,
            rating: None,
            coach_rubric: None,
            swapped: false,
        }
    }

    /// Folds the peer events that change this state alone.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::PeerQuestionAsked(_) => self.questions_asked += 1,
            Event::PeerRubricFilled(e) => self.rubric = Some(e.clone()),
            Event::PeerInterviewerRated(e) => self.rating = Some(e.clone()),
            Event::PeerInterviewerLeft(_) => self.left = true,
            Event::PeerRolesSwapped(_) => self.swapped = true,
            Event::SummaryWritten(e) => self.coach_rubric = Some(e.rubric.clone()),
            _ => {}
        }
    }

    /// While the interviewer is there, the coach says nothing in the thread unasked.
    pub fn coach_silent(&self) -> bool {
        !self.left
    }

    /// Whether `event` (a coach event of this stream) is kept out of the thread: the
    /// answer to a private question, or a review while the interviewer is there (the
    /// test results are still posted).
    pub fn keeps_private(&self, event: &Event) -> bool {
        match event {
            Event::CoachReplied(e) => self.private_turns.contains(&e.reply_to),
            Event::CoachFailed(e) => self.private_turns.contains(&e.reply_to),
            Event::CodeAnalyzed(_) => self.coach_silent(),
            _ => false,
        }
    }
}
