//! What is being practised and how: the problem reference, difficulty, mode and the
//! coach configuration recorded at the start of an interview.
//!
//! Values only. The problem bank itself lives outside the domain; an interview records
//! a bank reference (id + version) or the candidate's own text, never a lookup.

use serde::{Deserialize, Serialize};

/// The problem of an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Problem {
    /// A problem from the bank, pinned to the version the interview started with.
    Bank {
        id: String,
        version: u32,
        title: String,
    },
    /// A problem the candidate described in their own words (the web flow).
    Custom { title: String, text: String },
}

impl Problem {
    pub fn title(&self) -> &str {
        match self {
            Problem::Bank { title, .. } | Problem::Custom { title, .. } => title,
        }
    }

    /// A custom problem whose title is the first line of the text, shortened.
    pub fn custom(text: &str) -> Problem {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let first = first.trim().trim_start_matches('#').trim();
        let mut title: String = first.chars().take(80).collect();
        if first.chars().count() > 80 {
            title.push('…');
        }
        if title.is_empty() {
            title = "Custom problem".to_string();
        }
        Problem::Custom {
            title,
            text: text.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn parse(s: &str) -> Option<Difficulty> {
        match s.trim().to_ascii_lowercase().as_str() {
            "easy" => Some(Difficulty::Easy),
            "medium" => Some(Difficulty::Medium),
            "hard" => Some(Difficulty::Hard),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// Who may take part besides the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Only the candidate talks to the coach; others' messages are ignored.
    #[default]
    Solo,
    /// Others in the thread may chat with the coach; only the candidate submits,
    /// asks for hints and ends.
    Group,
}

/// The coach set-up an interview started with, so replays know what produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachConfig {
    pub model: String,
    pub prompt_version: u32,
    pub rubric_version: u32,
}
