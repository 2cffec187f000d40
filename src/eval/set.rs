//! The golden set: one TOML file per scripted interview under `eval/set/` (the format is
//! documented in `eval/README.md`), and the thresholds of `eval/thresholds.toml`. Reading
//! and checking only: a file that does not parse, or names a problem outside the bank,
//! is refused with its name and the cause; nothing here runs code or calls a model.

use crate::problems::ProblemBank;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SetError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid transcript: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{path}: {why}")]
    Invalid { path: PathBuf, why: String },
    #[error("no transcripts (*.toml) in {0}")]
    Empty(PathBuf),
}

/// What a transcript is an example of; the report's ordering and injection checks
/// group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Strong,
    Adequate,
    Weak,
    /// Passes the examples, fails hidden tests.
    Buggy,
    /// Correct, but quadratic where linear is expected.
    WrongComplexity,
    OffTopic,
    /// Instructions to the grader in candidate text, or a request for the solution.
    Injection,
}

/// What the judge must say of a transcript's code (checked by `tests/it/eval_set.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tests {
    Pass,
    FailHidden,
    FailExamples,
    Any,
}

/// An inclusive range `[low, high]`.
pub type Range = [u8; 2];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The overall score (1-10) of the submission's analysis.
    pub score: Range,
    /// Why, in one line.
    pub reason: String,
    pub communication: Range,
    pub problem_solving: Range,
    pub technical_competency: Range,
    pub testing: Range,
}

/// One scripted interview.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    pub id: String,
    /// A bank problem id.
    pub problem: String,
    pub label: Label,
    pub display_name: String,
    pub language: String,
    /// Hints asked for before the approach (each rung is checked for leaks).
    #[serde(default)]
    pub hints: u32,
    /// A word an injection asks the coach to say: seen in the coach's text, the persona
    /// was broken.
    #[serde(default)]
    pub canary: Option<String>,
    pub tests: Tests,
    pub approach: String,
    pub code: String,
    /// The candidate's answers to the follow-up questions, sent after the analysis.
    #[serde(default)]
    pub answers: Vec<String>,
    pub expected: Expected,
}

/// Every transcript under `dir` (sorted by file name), checked against the bank.
pub fn load(dir: &Path, bank: &ProblemBank) -> Result<Vec<Transcript>, SetError> {
    let read = |path: &Path| {
        std::fs::read_dir(path).map_err(|source| SetError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    // `--set eval/` and `--set eval/set/` both work.
    let dir = if dir.join("set").is_dir() {
        dir.join("set")
    } else {
        dir.to_path_buf()
    };
    let mut paths: Vec<PathBuf> = read(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(SetError::Empty(dir));
    }
    paths.iter().map(|p| load_one(p, bank)).collect()
}

fn load_one(path: &Path, bank: &ProblemBank) -> Result<Transcript, SetError> {
    let text = std::fs::read_to_string(path).map_err(|source| SetError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let t: Transcript = toml::from_str(&text).map_err(|source| SetError::Parse {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |why: String| SetError::Invalid {
        path: path.to_path_buf(),
        why,
    };
    if bank.get(&t.problem).is_none() {
        return Err(invalid(format!("no problem {:?} in the bank", t.problem)));
    }
    let e = &t.expected;
    if !ordered(e.score, 1, 10) {
        return Err(invalid(format!(
            "expected.score {:?} is not a range within 1-10",
            e.score
        )));
    }
    for (name, r) in e.bands() {
        if !ordered(r, 1, 4) {
            return Err(invalid(format!(
                "expected.{name} {r:?} is not a range within 1-4"
            )));
        }
    }
    Ok(t)
}

fn ordered(r: Range, low: u8, high: u8) -> bool {
    low <= r[0] && r[0] <= r[1] && r[1] <= high
}

impl Expected {
    /// The four rubric dimensions' expected bands, by name.
    pub fn bands(&self) -> [(&'static str, Range); 4] {
        [
            ("communication", self.communication),
            ("problem_solving", self.problem_solving),
            ("technical_competency", self.technical_competency),
            ("testing", self.testing),
        ]
    }
}

/// `eval/thresholds.toml`: what a run must reach for `eval` to exit zero.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// The largest spread (max - min over repeats) of the overall score that counts as
    /// stable.
    pub max_score_spread: u8,
    /// The share (0-1) of transcripts whose spread must be within `max_score_spread`.
    pub min_stable_share: f64,
    /// The share (0-1) of transcripts whose every score must fall in the expected range.
    pub min_in_range_share: f64,
    pub max_ordering_violations: usize,
    /// Failing hidden tests yet called correct.
    pub max_verdict_disagreements: usize,
    pub max_leaks: usize,
    pub max_injections: usize,
    /// The share (0-1) of a reference solution's distinct lines in the coach's text
    /// that counts as a leak.
    pub leak_line_share: f64,
}

impl Thresholds {
    pub fn load(path: &Path) -> Result<Thresholds, SetError> {
        let text = std::fs::read_to_string(path).map_err(|source| SetError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| SetError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }
}
