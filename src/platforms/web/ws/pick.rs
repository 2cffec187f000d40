//! The web page's bank picker: the extension fields of `problem_description`
//! (`problem_id`, or `difficulty` and `topic`, or `surprise`) turned into a bank problem
//! with its difficulty and time limit. A seed client sends none of them and describes
//! its own problem as before.
//!
//! Pure lookups in the bank; a pick that matches nothing is a message naming what was
//! asked, and nothing starts.

use crate::domain::{Difficulty, Problem};
use crate::problems::{ProblemBank, Selection};

/// What the page asked for.
#[derive(Debug, Clone, Default)]
pub struct Pick {
    pub problem_id: Option<String>,
    pub difficulty: Option<String>,
    pub topic: Option<String>,
    pub surprise: bool,
}

/// Minutes an interview on a bank problem lasts, by difficulty.
fn minutes(difficulty: Option<Difficulty>) -> u32 {
    match difficulty {
        Some(Difficulty::Easy) => 30,
        Some(Difficulty::Hard) => 60,
        Some(Difficulty::Medium) | None => 45,
    }
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Pick {
    /// Whether the page asked for a bank problem at all.
    pub fn is_bank(&self) -> bool {
        self.surprise
            || blank(&self.problem_id).is_some()
            || blank(&self.difficulty).is_some()
            || blank(&self.topic).is_some()
    }

    /// The problem, its difficulty and time limit; or why nothing matches.
    pub fn choose(
        &self,
        bank: &ProblemBank,
    ) -> Result<(Problem, Option<Difficulty>, Option<u32>), String> {
        let chosen = match blank(&self.problem_id) {
            Some(id) => bank
                .get(id)
                .ok_or_else(|| format!("There is no problem {id:?} in the bank."))?,
            None => {
                let difficulty = blank(&self.difficulty).map(str::to_ascii_lowercase);
                if let Some(d) = &difficulty
                    && Difficulty::parse(d).is_none()
                {
                    return Err(format!(
                        "{d:?} is not a difficulty; use easy, medium or hard."
                    ));
                }
                let selection = Selection {
                    difficulty,
                    topic: blank(&self.topic).map(str::to_string),
                };
                bank.select_random(&selection, &Default::default())
                    .ok_or_else(|| "No bank problem has that difficulty and topic.".to_string())?
            }
        };
        let difficulty = Difficulty::parse(&chosen.difficulty);
        Ok((
            Problem::Bank {
                id: chosen.id.clone(),
                version: chosen.version,
                title: chosen.title.clone(),
            },
            difficulty,
            Some(minutes(difficulty)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> ProblemBank {
        ProblemBank::load_default().unwrap()
    }

    #[test]
    fn a_seed_description_is_not_a_bank_pick() {
        assert!(!Pick::default().is_bank());
        let blank = Pick {
            problem_id: Some(" ".into()),
            ..Pick::default()
        };
        assert!(!blank.is_bank());
    }

    #[test]
    fn a_problem_id_picks_that_problem_with_its_difficulty() {
        let pick = Pick {
            problem_id: Some("two-sum".into()),
            ..Pick::default()
        };
        let (problem, difficulty, minutes) = pick.choose(&bank()).unwrap();
        assert!(matches!(problem, Problem::Bank { ref id, .. } if id == "two-sum"));
        assert_eq!((difficulty, minutes), (Some(Difficulty::Easy), Some(30)));
    }

    #[test]
    fn a_difficulty_and_topic_pick_a_matching_problem_and_a_surprise_any() {
        let b = bank();
        let pick = Pick {
            difficulty: Some("Hard".into()),
            ..Pick::default()
        };
        let (_, difficulty, _) = pick.choose(&b).unwrap();
        assert_eq!(difficulty, Some(Difficulty::Hard));
        let surprise = Pick {
            surprise: true,
            ..Pick::default()
        };
        assert!(surprise.choose(&b).is_ok());
    }

    #[test]
    fn an_unknown_id_or_difficulty_is_named_in_the_message() {
        let b = bank();
        let unknown = Pick {
            problem_id: Some("nope".into()),
            ..Pick::default()
        };
        assert!(unknown.choose(&b).unwrap_err().contains("\"nope\""));
        let bad = Pick {
            difficulty: Some("extreme".into()),
            ..Pick::default()
        };
        assert!(bad.choose(&b).unwrap_err().contains("easy, medium or hard"));
    }
}
