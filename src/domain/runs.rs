//! A run of the candidate's code against the problem's tests, as a fact of the interview
//! (`TestsRun`): what was run (a submission or an ad-hoc run), where, and the verdicts.
//!
//! Values only, kept small on purpose: every text in a run is capped at
//! [`EXCERPT_BYTES`] by whoever builds it, the examples (which the candidate can see) are
//! kept whole, and of the hidden tests only a verdict, time and memory per case plus the
//! details of the first failing one. Nothing here runs code or judges output.

use super::ids::Actor;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest text kept of one input, output, printout or error in a run, in bytes.
pub const EXCERPT_BYTES: usize = 2 * 1024;

/// How one case (or a whole run) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseVerdict {
    Passed,
    WrongAnswer,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    OutputLimit,
    CompileError,
    /// A custom input (no expected output) ran to its end.
    Completed,
    /// Not run: earlier cases ended the process too often.
    Skipped,
}

impl CaseVerdict {
    /// A success: passed, or a custom input that ran.
    pub fn ok(self) -> bool {
        matches!(self, CaseVerdict::Passed | CaseVerdict::Completed)
    }

    /// How a reader sees it: "passed", "wrong answer", ...
    pub fn label(self) -> &'static str {
        match self {
            CaseVerdict::Passed => "passed",
            CaseVerdict::WrongAnswer => "wrong answer",
            CaseVerdict::RuntimeError => "runtime error",
            CaseVerdict::TimeLimit => "time limit exceeded",
            CaseVerdict::MemoryLimit => "memory limit exceeded",
            CaseVerdict::OutputLimit => "output limit exceeded",
            CaseVerdict::CompileError => "compile error",
            CaseVerdict::Completed => "ran",
            CaseVerdict::Skipped => "not run",
        }
    }
}

/// What was run: the code of a submission (already in the log as `CodeSubmitted`), or
/// code the candidate ran before submitting (kept here, erased by `privacy forget`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunOf {
    Submission { submission: u32 },
    Adhoc { code: String },
}

/// One case in full: an example, the first failing hidden test, or a custom input. The
/// values are JSON texts, capped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRun {
    pub verdict: CaseVerdict,
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
    /// What the code printed during the case.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    /// The error: the exception and the candidate's frames, or the end of stderr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One hidden test in brief: no input or output, which the candidate does not see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseBrief {
    pub verdict: CaseVerdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
}

/// The hidden tests of a run: each in brief, and the first that failed in full.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HiddenTests {
    pub cases: Vec<CaseBrief>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<CaseRun>,
}

impl HiddenTests {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.verdict.ok()).count()
    }

    pub fn total(&self) -> usize {
        self.cases.len()
    }
}

/// The code was run against the problem's cases (or the candidate's own input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestsRun {
    /// Who asked for the run (the submitter, for a submission's run).
    pub actor: Actor,
    pub of: RunOf,
    /// The judge's name of the language (`python`, `javascript`, `java`, `cpp`).
    pub language: String,
    /// The sandbox's isolation as `sandbox::Isolation::as_str` names it (`namespaces`: bubblewrap;
    /// `landlock+seccomp`; `piston`; `none`).
    pub isolation: String,
    /// The first case that did not pass, else passed (completed for a custom input).
    pub verdict: CaseVerdict,
    /// The problem's examples, each in full (empty for a custom input).
    #[serde(default)]
    pub examples: Vec<CaseRun>,
    #[serde(default)]
    pub tests: HiddenTests,
    /// The candidate's own input, when the run was on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CaseRun>,
    /// Compiler messages (compile error) or the failure of the code's top level, capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The measured growth of the running time ("O(n log n)"), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<String>,
    pub at: DateTime<Utc>,
}

impl TestsRun {
    /// Cases that passed, examples and hidden tests together.
    pub fn passed(&self) -> usize {
        self.examples.iter().filter(|c| c.verdict.ok()).count()
            + self.tests.passed()
            + usize::from(self.custom.as_ref().is_some_and(|c| c.verdict.ok()))
    }

    /// Cases run, examples and hidden tests together (a custom input counts as one).
    pub fn total(&self) -> usize {
        self.examples.len() + self.tests.total() + usize::from(self.custom.is_some())
    }

    /// The submission this run judged, if it was a submission's.
    pub fn submission(&self) -> Option<u32> {
        match self.of {
            RunOf::Submission { submission } => Some(submission),
            RunOf::Adhoc { .. } => None,
        }
    }

    /// The first case that did not pass, examples first, with whether it was hidden.
    pub fn first_failure(&self) -> Option<(&CaseRun, bool)> {
        self.examples
            .iter()
            .find(|c| !c.verdict.ok())
            .map(|c| (c, false))
            .or_else(|| self.tests.first_failure.as_ref().map(|c| (c, true)))
            .or_else(|| {
                self.custom
                    .as_ref()
                    .filter(|c| !c.verdict.ok())
                    .map(|c| (c, false))
            })
    }
}

/// Sample runs of two-sum in Python, for the renderers' unit tests.
#[cfg(test)]
pub mod samples {
    use super::*;
    use crate::domain::Platform;

    /// One case on the first example's input, expecting `[0, 1]`, that got `got`.
    pub fn case(verdict: CaseVerdict, got: &str) -> CaseRun {
        CaseRun {
            verdict,
            input: r#"{"nums": [2, 7, 11, 15], "target": 9}"#.into(),
            expected: Some("[0, 1]".into()),
            got: Some(got.into()),
            time_ms: Some(0.4),
            memory_bytes: Some(9 * 1024 * 1024),
            stdout: String::new(),
            error: None,
        }
    }

    /// An ad-hoc run on `platform` of `examples` passing examples and `hidden` hidden
    /// tests (12 ms, 11 MiB each), the last of which has `verdict` (and is then shown as
    /// the first failure); measured as `complexity`.
    pub fn run(
        platform: Platform,
        verdict: CaseVerdict,
        examples: usize,
        hidden: usize,
        complexity: Option<&str>,
    ) -> TestsRun {
        let brief = |verdict| CaseBrief {
            verdict,
            time_ms: Some(12.0),
            memory_bytes: Some(11 << 20),
        };
        let mut cases = vec![brief(CaseVerdict::Passed); hidden];
        if let Some(last) = cases.last_mut() {
            *last = brief(verdict);
        }
        TestsRun {
            actor: Actor::new(platform, "1", "Maya"),
            of: RunOf::Adhoc {
                code: "def two_sum(): pass".into(),
            },
            language: "python".into(),
            isolation: "bubblewrap".into(),
            verdict,
            examples: vec![case(CaseVerdict::Passed, "[0, 1]"); examples],
            tests: HiddenTests {
                cases,
                first_failure: (!verdict.ok()).then(|| case(verdict, "[1, 0]")),
            },
            custom: None,
            error: None,
            complexity: complexity.map(str::to_string),
            at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        }
    }
}
