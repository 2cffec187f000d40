//! Scores the coach gives: the seed's analysis fields, a 1-10 score and a four-part
//! rubric with anchored 1-4 bands.
//!
//! Construction validates ranges, and deserialisation goes through the same checks, so
//! a score outside its band can never enter the log.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An overall score from 1 to 10, as the model gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Score(u8);

impl Score {
    pub fn new(value: i64) -> Result<Score, String> {
        if (1..=10).contains(&value) {
            Ok(Score(value as u8))
        } else {
            Err(format!(
                "score must be an integer from 1 to 10, got {value}"
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Score {
    type Error = String;
    fn try_from(v: i64) -> Result<Score, String> {
        Score::new(v)
    }
}

impl From<Score> for i64 {
    fn from(s: Score) -> i64 {
        i64::from(s.0)
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/10", self.0)
    }
}

/// A rubric band: 1 not yet, 2 developing, 3 solid, 4 strong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Band(u8);

impl Band {
    pub fn new(value: i64) -> Result<Band, String> {
        if (1..=4).contains(&value) {
            Ok(Band(value as u8))
        } else {
            Err(format!(
                "rubric band must be an integer from 1 to 4, got {value}"
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "not yet",
            2 => "developing",
            3 => "solid",
            _ => "strong",
        }
    }
}

impl TryFrom<i64> for Band {
    type Error = String;
    fn try_from(v: i64) -> Result<Band, String> {
        Band::new(v)
    }
}

impl From<Band> for i64 {
    fn from(b: Band) -> i64 {
        i64::from(b.0)
    }
}

/// One rubric dimension: the band and the evidence the coach saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricScore {
    pub score: Band,
    pub evidence: String,
}

/// The four dimensions every analysis and summary is scored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub communication: RubricScore,
    pub problem_solving: RubricScore,
    pub technical_competency: RubricScore,
    pub testing: RubricScore,
}

impl Rubric {
    /// The dimensions with their stable names, in display order.
    pub fn dimensions(&self) -> [(&'static str, &RubricScore); 4] {
        [
            ("communication", &self.communication),
            ("problem_solving", &self.problem_solving),
            ("technical_competency", &self.technical_competency),
            ("testing", &self.testing),
        ]
    }
}

/// The analysis of one code submission: the seed's five fields plus correctness and
/// the rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub technical_feedback: String,
    pub complexity_analysis: String,
    pub code_quality: String,
    pub follow_up_question: String,
    pub score: Score,
    pub correctness: String,
    pub rubric: Rubric,
}

/// The rubric's anchors, as the coach is prompted with them and a peer interviewer
/// reads them (issue 16). Changing it changes the coach's prompt version.
pub const RUBRIC_TEXT: &str = "\
Rubric. Score each dimension 1-4 using these anchors, citing evidence from the interview.

communication:
  1 not yet: silent or unclear; the interviewer cannot follow the reasoning.
  2 developing: explains some steps, but jumps or leaves gaps the interviewer must fill.
  3 solid: explains the plan before coding and narrates the key decisions.
  4 strong: clear, structured, checks understanding, and adapts to questions.
problem_solving:
  1 not yet: no workable approach, even with hints.
  2 developing: reaches a workable approach with substantial hints.
  3 solid: finds a correct, reasonably efficient approach with little help.
  4 strong: finds an optimal approach, compares alternatives and their trade-offs.
technical_competency:
  1 not yet: code does not run or is far from the approach.
  2 developing: mostly right with significant bugs or awkward constructs.
  3 solid: correct, idiomatic code with minor issues.
  4 strong: clean, correct, idiomatic code, with sound complexity.
testing:
  1 not yet: no testing or edge-case thinking.
  2 developing: mentions tests or edge cases only when prompted.
  3 solid: walks through examples and the main edge cases unprompted.
  4 strong: systematic: edge cases, a dry run, and the failure modes of the code.

Overall score 1-10 for a submission: 1-3 not working or far from a solution, 4-5 partly
working, 6-7 correct with notable issues, 8-9 correct and clean, 10 optimal and exemplary.
Hints used lower problem_solving unless the candidate took them further on their own.";
