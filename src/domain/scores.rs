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
