//! The daily problem's practice helpers (issue 16): the bank's problems as the
//! candidates a day's post chooses from. Reads the bank only; never decides or writes.

use crate::domain::{Candidate, Difficulty, Problem};
use crate::problems::ProblemBank;

/// Every bank problem with a known difficulty, in the bank's order, pinned to its version.
pub fn candidates(bank: &ProblemBank) -> Vec<Candidate> {
    bank.all()
        .filter_map(|p| {
            Some(Candidate {
                problem: Problem::Bank {
                    id: p.id.clone(),
                    version: p.version,
                    title: p.title.clone(),
                },
                difficulty: Difficulty::parse(&p.difficulty)?,
                topics: p.topics.clone(),
            })
        })
        .collect()
}
