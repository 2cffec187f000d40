//! The facts of a peer interview (issue 16): a member interviews another with the coach
//! as the interviewer's assistant. A peer interview is an ordinary interview stream;
//! these events sit in it beside the candidate's and the coach's.
//!
//! Never edit a published variant in place (see `events.rs`). Every struct that holds a
//! member's name or words is covered by `erasure.rs`; none may hold a secret.

use super::ids::Actor;
use super::scores::Band;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The interview is a peer interview: `interviewer` asks the questions and the coach
/// stays silent in the thread. Appended with `InterviewStarted`, in the same decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerPaired {
    pub interviewer: Actor,
    pub at: DateTime<Utc>,
}

/// The interviewer revealed the next rung of the problem's hint ladder to the candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerHintRevealed {
    pub by: Actor,
    /// 1 for the first hint of the interview: the rung of the ladder shown.
    pub hint: u32,
    pub at: DateTime<Utc>,
}

/// The interviewer asked the candidate a question in the thread (a suggested follow-up
/// or their own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerQuestionAsked {
    pub by: Actor,
    pub question: String,
    pub at: DateTime<Utc>,
}

/// The interviewer asked the coach something. Its answer (a `CoachReplied` to this
/// event) is shown only to the interviewer unless `aloud`, when it is said in the thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerCoachAsked {
    pub by: Actor,
    pub question: String,
    pub aloud: bool,
    pub at: DateTime<Utc>,
}

/// The interviewer's own bands on the coach's four rubric dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerRubric {
    pub communication: Band,
    pub problem_solving: Band,
    pub technical_competency: Band,
    pub testing: Band,
}

impl PeerRubric {
    /// The dimensions with the same stable names as [`super::Rubric::dimensions`].
    pub fn dimensions(&self) -> [(&'static str, Band); 4] {
        [
            ("communication", self.communication),
            ("problem_solving", self.problem_solving),
            ("technical_competency", self.technical_competency),
            ("testing", self.testing),
        ]
    }
}

/// The interviewer filled the rubric after the end (once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerRubricFilled {
    pub by: Actor,
    pub rubric: PeerRubric,
    /// Free notes for the candidate; may be empty.
    pub notes: String,
    pub at: DateTime<Utc>,
}

/// The candidate rated their interviewer after the end (once): 1 to 5 stars and a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerInterviewerRated {
    pub by: Actor,
    pub interviewer: Actor,
    pub stars: u8,
    /// May be empty.
    pub note: String,
    pub at: DateTime<Utc>,
}

/// The interviewer left before the end: from here on the coach takes over as in a solo
/// interview (it answers in the thread), and the rubric is the coach's alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerInterviewerLeft {
    pub by: Actor,
    pub at: DateTime<Utc>,
}

/// One of the two pressed Swap roles after the end: the mirrored interview starts in a
/// new thread (once: a second swap of the same interview is refused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerRolesSwapped {
    pub by: Actor,
    pub at: DateTime<Utc>,
}
