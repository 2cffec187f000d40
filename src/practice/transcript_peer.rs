//! A peer interview's events (issue 16) as transcript entries: what the interviewer did
//! and how the two rated each other, with one plain line each for the text renderers
//! (replay, Markdown export, the web transcript).
//!
//! Pure and format-free beyond that one line: no I/O, no platform. It must never show
//! the coach's private answers: those are ordinary coach replies the renderers see.

use crate::domain::{Actor, Event, Interview, PeerRubric, Version};
use crate::ports::RecordedEvent;
use std::collections::BTreeSet;

/// The versions of a peer interview the candidate must not read (the export, the web
/// page): the interviewer's private questions to the coach, the coach's answers to
/// them, and the coach's reviews kept out of the thread. Empty for other interviews.
pub fn private_versions(events: &[RecordedEvent]) -> BTreeSet<Version> {
    let state = Interview::from_events(events.iter().map(|r| &r.event));
    let Some(peer) = &state.peer else {
        return BTreeSet::new();
    };
    events
        .iter()
        .filter(|r| peer.private_turns.contains(&r.version) || state.keeps_private(&r.event))
        .map(|r| r.version)
        .collect()
}

/// What happened in a peer interview, as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerWhat {
    /// The interview is a peer interview, with this interviewer.
    Paired {
        interviewer: Actor,
    },
    Hint {
        number: u32,
    },
    Question {
        text: String,
    },
    CoachAsked {
        text: String,
        aloud: bool,
    },
    Rubric {
        rubric: PeerRubric,
        notes: String,
    },
    Rated {
        stars: u8,
        note: String,
    },
    Left,
    Swapped,
}

impl PeerWhat {
    /// The entry of a peer event; `None` for any other event.
    pub fn of(event: &Event) -> Option<PeerWhat> {
        Some(match event {
            Event::PeerPaired(e) => PeerWhat::Paired {
                interviewer: e.interviewer.clone(),
            },
            Event::PeerHintRevealed(e) => PeerWhat::Hint { number: e.hint },
            Event::PeerQuestionAsked(e) => PeerWhat::Question {
                text: e.question.clone(),
            },
            Event::PeerCoachAsked(e) => PeerWhat::CoachAsked {
                text: e.question.clone(),
                aloud: e.aloud,
            },
            Event::PeerRubricFilled(e) => PeerWhat::Rubric {
                rubric: e.rubric,
                notes: e.notes.clone(),
            },
            Event::PeerInterviewerRated(e) => PeerWhat::Rated {
                stars: e.stars,
                note: e.note.clone(),
            },
            Event::PeerInterviewerLeft(_) => PeerWhat::Left,
            Event::PeerRolesSwapped(_) => PeerWhat::Swapped,
            _ => return None,
        })
    }

    /// One line saying what `name` (who caused the entry) did.
    pub fn line(&self, name: &str) -> String {
        match self {
            PeerWhat::Paired { .. } => format!("{name} interviews (a peer interview)"),
            PeerWhat::Hint { number } => format!("{name} revealed hint {number}"),
            PeerWhat::Question { text } => format!("{name} asked: {text}"),
            PeerWhat::CoachAsked { text, aloud: true } => {
                format!("{name} asked the coach aloud: {text}")
            }
            PeerWhat::CoachAsked { text, aloud: false } => {
                format!("{name} asked the coach privately: {text}")
            }
            PeerWhat::Rubric { rubric, notes } => {
                let bands: Vec<String> = rubric
                    .dimensions()
                    .iter()
                    .map(|(d, b)| format!("{d} {}/4", b.get()))
                    .collect();
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!("; notes: {notes}")
                };
                format!("{name} filled the rubric: {}{notes}", bands.join(", "))
            }
            PeerWhat::Rated { stars, note } => {
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                };
                format!("{name} rated the interviewer {stars}/5{note}")
            }
            PeerWhat::Left => format!("{name} left the interview; the coach took over"),
            PeerWhat::Swapped => format!("{name} swapped roles for a new interview"),
        }
    }
}
