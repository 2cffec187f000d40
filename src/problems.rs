//! The problem bank: one TOML file per problem under `problems/`, loaded and validated
//! at start-up. A broken file is named in the error. The bank only reads files; it
//! never writes and never talks to the store.

pub mod signature;

use serde::Deserialize;
pub use signature::Signature;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub const TOPICS: [&str; 12] = [
    "arrays",
    "strings",
    "hashing",
    "two-pointers",
    "stacks",
    "linked-lists",
    "trees",
    "graphs",
    "dynamic-programming",
    "intervals",
    "heaps",
    "design",
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub input: String,
    pub output: String,
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub input: String,
    pub output: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BankProblem {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub difficulty: String,
    pub topics: Vec<String>,
    pub statement: String,
    pub constraints: Vec<String>,
    pub hints: Vec<String>,
    pub function: String,
    pub compare: String,
    /// The typed signature the judge's harnesses build arguments from.
    pub signature: Signature,
    pub examples: Vec<Example>,
    pub tests: Vec<TestCase>,
}

impl BankProblem {
    /// The statement as the candidate sees it: Markdown with examples and constraints.
    pub fn full_statement(&self) -> String {
        let mut out = format!("# {}\n\n{}\n", self.title, self.statement.trim());
        for (i, e) in self.examples.iter().enumerate() {
            out.push_str(&format!(
                "\n**Example {}**\n- input: `{}`\n- output: `{}`\n",
                i + 1,
                e.input,
                e.output
            ));
            if let Some(x) = &e.explanation {
                out.push_str(&format!("- why: {x}\n"));
            }
        }
        if !self.constraints.is_empty() {
            out.push_str("\n**Constraints**\n");
            for c in &self.constraints {
                out.push_str(&format!("- {c}\n"));
            }
        }
        out
    }
}

#[derive(Debug, Error)]
pub enum BankError {
    #[error("cannot read the problem bank at {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("problem file {path} is invalid: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// All problems by id.
#[derive(Debug, Clone, Default)]
pub struct ProblemBank {
    problems: BTreeMap<String, BankProblem>,
}

impl ProblemBank {
    /// Load every `*.toml` under `dir`, validating each.
    pub fn load(dir: &Path) -> Result<ProblemBank, BankError> {
        let read_err = |source| BankError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut problems = BTreeMap::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(&path).map_err(|source| BankError::Read {
                path: path.clone(),
                source,
            })?;
            let problem = parse(&path, &text)?;
            problems.insert(problem.id.clone(), problem);
        }
        Ok(ProblemBank { problems })
    }

    /// The bank under `problems/` of the working directory, or of the source tree.
    pub fn load_default() -> Result<ProblemBank, BankError> {
        let local = PathBuf::from("problems");
        if local.is_dir() {
            return ProblemBank::load(&local);
        }
        ProblemBank::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("problems"))
    }

    pub fn get(&self, id: &str) -> Option<&BankProblem> {
        self.problems.get(id)
    }

    /// The problem at exactly `version`, as an interview recorded it.
    pub fn get_version(&self, id: &str, version: u32) -> Option<&BankProblem> {
        self.get(id).filter(|p| p.version == version)
    }

    pub fn all(&self) -> impl Iterator<Item = &BankProblem> {
        self.problems.values()
    }

    pub fn len(&self) -> usize {
        self.problems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// Problems whose id or title contains `query` (case-insensitive), for autocomplete.
    pub fn search(&self, query: &str) -> Vec<&BankProblem> {
        let q = query.trim().to_lowercase();
        self.all()
            .filter(|p| q.is_empty() || p.id.contains(&q) || p.title.to_lowercase().contains(&q))
            .collect()
    }
}

fn parse(path: &Path, text: &str) -> Result<BankProblem, BankError> {
    let invalid = |message: String| BankError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let p: BankProblem = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if p.id != stem {
        return Err(invalid(format!(
            "id {:?} does not match the file name {stem:?}",
            p.id
        )));
    }
    if p.version == 0 {
        return Err(invalid("version must be at least 1".into()));
    }
    if !["easy", "medium", "hard"].contains(&p.difficulty.as_str()) {
        return Err(invalid(format!("unknown difficulty {:?}", p.difficulty)));
    }
    if p.topics.is_empty() || p.topics.iter().any(|t| !TOPICS.contains(&t.as_str())) {
        return Err(invalid(format!(
            "topics must be from {TOPICS:?}, got {:?}",
            p.topics
        )));
    }
    if p.hints.len() < 3 {
        return Err(invalid("the hint ladder needs at least 3 rungs".into()));
    }
    if p.examples.is_empty() || p.tests.len() < 5 {
        return Err(invalid("needs at least 1 example and 5 tests".into()));
    }
    if !["exact", "unordered", "unordered_nested", "float"].contains(&p.compare.as_str()) {
        return Err(invalid(format!("unknown compare mode {:?}", p.compare)));
    }
    let cases = p
        .examples
        .iter()
        .map(|e| (&e.input, &e.output))
        .chain(p.tests.iter().map(|t| (&t.input, &t.output)));
    for (i, (input, output)) in cases.enumerate() {
        let value: serde_json::Value = serde_json::from_str(input)
            .map_err(|e| invalid(format!("case {i}: input is not JSON: {e}")))?;
        if !value.is_object() {
            return Err(invalid(format!("case {i}: input must be a JSON object")));
        }
        p.signature
            .check_input(&value)
            .map_err(|e| invalid(format!("case {i}: {e}")))?;
        serde_json::from_str::<serde_json::Value>(output)
            .map_err(|e| invalid(format!("case {i}: output is not JSON: {e}")))?;
    }
    if p.title.trim().is_empty() || p.statement.trim().is_empty() {
        return Err(invalid("title and statement must not be empty".into()));
    }
    Ok(p)
}

/// What a member asked for when they did not name a problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub difficulty: Option<String>,
    pub topic: Option<String>,
}

impl ProblemBank {
    /// Problems matching `selection`, preferring ones not in `done`; `pick` chooses an
    /// index among the candidates (random in production, fixed in tests).
    pub fn select(
        &self,
        selection: &Selection,
        done: &std::collections::HashSet<String>,
        pick: impl FnOnce(usize) -> usize,
    ) -> Option<&BankProblem> {
        let matching: Vec<&BankProblem> = self
            .all()
            .filter(|p| {
                selection
                    .difficulty
                    .as_ref()
                    .is_none_or(|d| &p.difficulty == d)
            })
            .filter(|p| {
                selection
                    .topic
                    .as_ref()
                    .is_none_or(|t| p.topics.contains(t))
            })
            .collect();
        let fresh: Vec<&BankProblem> = matching
            .iter()
            .copied()
            .filter(|p| !done.contains(&p.id))
            .collect();
        let pool = if fresh.is_empty() { matching } else { fresh };
        if pool.is_empty() {
            return None;
        }
        let i = pick(pool.len()).min(pool.len() - 1);
        Some(pool[i])
    }

    /// `select` with a random pick.
    pub fn select_random(
        &self,
        selection: &Selection,
        done: &std::collections::HashSet<String>,
    ) -> Option<&BankProblem> {
        self.select(selection, done, |n| rand::random_range(0..n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn bank() -> ProblemBank {
        ProblemBank::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("problems"))
            .expect("the bank loads")
    }

    #[test]
    fn the_bank_loads_and_has_every_topic() {
        let b = bank();
        assert!(b.len() >= 40);
        for t in TOPICS {
            assert!(
                b.all().filter(|p| p.topics.iter().any(|x| x == t)).count() >= 2,
                "{t}"
            );
        }
    }

    #[test]
    fn selection_filters_and_avoids_problems_already_done() {
        let b = bank();
        let sel = Selection {
            difficulty: Some("easy".into()),
            topic: Some("linked-lists".into()),
        };
        let all: Vec<String> = (0..50)
            .filter_map(|i| b.select(&sel, &HashSet::new(), |n| i % n))
            .map(|p| p.id.clone())
            .collect();
        assert!(!all.is_empty());
        for id in &all {
            let p = b.get(id).unwrap();
            assert_eq!(p.difficulty, "easy");
            assert!(p.topics.contains(&"linked-lists".to_string()));
        }
        let matching: Vec<&BankProblem> = b
            .all()
            .filter(|p| p.difficulty == "easy" && p.topics.iter().any(|t| t == "linked-lists"))
            .collect();
        let left = matching[0].id.clone();
        let done: HashSet<String> = matching.iter().skip(1).map(|p| p.id.clone()).collect();
        for i in 0..10 {
            assert_eq!(
                b.select(&sel, &done, |n| i % n).unwrap().id,
                left,
                "the one not done yet"
            );
        }
        let all_done: HashSet<String> = matching.iter().map(|p| p.id.clone()).collect();
        assert!(
            b.select(&sel, &all_done, |_| 0).is_some(),
            "when all are done, repeats are allowed"
        );
    }

    #[test]
    fn a_broken_file_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("oops.toml"), "id = \"oops\"\nversion = 1\n").unwrap();
        let err = ProblemBank::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("oops.toml"), "{err}");
    }
}
