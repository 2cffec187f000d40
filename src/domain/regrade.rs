//! A regrade: an ended interview's analyses and summary graded again with a later prompt
//! and model (`interview-coach regrade --record`), kept beside the originals as one
//! `Regraded` event. The original scores stay the interview's scores (stats, exports,
//! the hire signal shown to the member); a regrade is a measurement of the grader.
//!
//! It holds numbers, bands, a hire signal and stamps only, never text a member or the
//! model wrote, so `privacy forget` has nothing to erase in it. Pure data, no I/O.

use super::events::{CoachStamp, HireSignal, Version};
use super::scores::{Analysis, Band, Rubric, Score};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The interview's analyses and summary graded again, `repeat` times each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regraded {
    /// The prompt version and model that graded again.
    pub stamp: CoachStamp,
    /// How many times each turn was graded.
    pub repeat: u32,
    /// The regraded turns, in log order.
    pub turns: Vec<RegradedTurn>,
    /// Tokens billed for the repeats that gave a grade (an invalid first answer the
    /// coach asked again included); a repeat that failed validation is not counted.
    pub tokens: u64,
    pub at: DateTime<Utc>,
}

/// One analysis or the summary, graded again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegradedTurn {
    /// The candidate event the original answered (the submission, or the end).
    pub reply_to: Version,
    pub kind: GradedKind,
    /// The original's figures, as the log holds them (so the record reads "from, to").
    pub original: Grade,
    /// One grade per repeat that gave a valid answer, in order.
    pub grades: Vec<Grade>,
    /// Repeats whose answer did not validate (after the coach's own second try).
    #[serde(default)]
    pub failed: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradedKind {
    Analysis,
    Summary,
}

impl GradedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GradedKind::Analysis => "analysis",
            GradedKind::Summary => "summary",
        }
    }
}

/// The figures of one grade: an analysis's overall score, the four rubric bands
/// (communication, problem solving, technical competency, testing), a summary's hire
/// signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    pub bands: [Band; 4],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hire_signal: Option<HireSignal>,
}

impl Grade {
    /// The figures of an analysis.
    pub fn of_analysis(a: &Analysis) -> Grade {
        Grade {
            score: Some(a.score),
            bands: bands(&a.rubric),
            hire_signal: None,
        }
    }

    /// The figures of a summary.
    pub fn of_summary(rubric: &Rubric, hire_signal: HireSignal) -> Grade {
        Grade {
            score: None,
            bands: bands(rubric),
            hire_signal: Some(hire_signal),
        }
    }
}

/// The rubric's bands in display order.
pub fn bands(r: &Rubric) -> [Band; 4] {
    [
        r.communication.score,
        r.problem_solving.score,
        r.technical_competency.score,
        r.testing.score,
    ]
}

/// The hire signals from strong no (step 0) to strong yes (step 5).
const SIGNALS: [HireSignal; 6] = [
    HireSignal::StrongNo,
    HireSignal::No,
    HireSignal::LeanNo,
    HireSignal::LeanYes,
    HireSignal::Yes,
    HireSignal::StrongYes,
];

/// A hire signal as a step from 0 (strong no) to 5 (strong yes), so signals can be
/// compared and their spread measured.
pub fn signal_step(s: HireSignal) -> i64 {
    SIGNALS.iter().position(|x| *x == s).unwrap_or(0) as i64
}

/// The hire signal at `step` (clamped to 0..=5).
pub fn signal_at(step: i64) -> HireSignal {
    SIGNALS[step.clamp(0, 5) as usize]
}

/// The lower median of `values` (the middle one, or the lower of the two middle ones):
/// the new figure of a regraded turn, so one odd repeat does not move it.
pub fn median(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}
