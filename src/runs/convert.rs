//! The judge's report as the log keeps it: every text capped at `EXCERPT_BYTES`, the
//! examples in full, the hidden tests in brief with the first failing one in full.
//! Pure.

use crate::domain::{
    Actor, CaseBrief, CaseRun, CaseVerdict, EXCERPT_BYTES, HiddenTests, RunOf, TestsRun,
};
use crate::judge::verdict::{excerpt, tail};
use crate::judge::{CaseReport, Report, Verdict};
use chrono::{DateTime, Utc};

pub(super) fn verdict(v: Verdict) -> CaseVerdict {
    match v {
        Verdict::Passed => CaseVerdict::Passed,
        Verdict::WrongAnswer => CaseVerdict::WrongAnswer,
        Verdict::RuntimeError => CaseVerdict::RuntimeError,
        Verdict::TimeLimit => CaseVerdict::TimeLimit,
        Verdict::MemoryLimit => CaseVerdict::MemoryLimit,
        Verdict::OutputLimit => CaseVerdict::OutputLimit,
        Verdict::CompileError => CaseVerdict::CompileError,
        Verdict::Completed => CaseVerdict::Completed,
        Verdict::Skipped => CaseVerdict::Skipped,
    }
}

fn json(value: &serde_json::Value) -> String {
    excerpt(&value.to_string(), EXCERPT_BYTES)
}

fn case_run(c: &CaseReport) -> CaseRun {
    CaseRun {
        verdict: verdict(c.verdict),
        input: json(&c.input),
        expected: c.expected.as_ref().map(json),
        got: c.got.as_ref().map(json),
        time_ms: c.time_ms,
        memory_bytes: c.memory_bytes,
        stdout: excerpt(&c.stdout, EXCERPT_BYTES),
        error: c.error.as_deref().map(|e| tail(e, EXCERPT_BYTES)),
    }
}

/// The `TestsRun` of `report`, run by `actor`.
pub fn tests_run(report: &Report, actor: Actor, of: RunOf, at: DateTime<Utc>) -> TestsRun {
    let mut run = TestsRun {
        actor,
        of,
        language: report.language.clone(),
        isolation: report.isolation.clone(),
        verdict: verdict(report.verdict),
        examples: Vec::new(),
        tests: HiddenTests::default(),
        custom: None,
        error: report.error.as_deref().map(|e| tail(e, EXCERPT_BYTES)),
        complexity: None,
        at,
    };
    for c in &report.cases {
        if c.case.starts_with("examples[") {
            run.examples.push(case_run(c));
        } else if c.case.starts_with("tests[") {
            if !c.verdict.ok() && run.tests.first_failure.is_none() {
                run.tests.first_failure = Some(case_run(c));
            }
            run.tests.cases.push(CaseBrief {
                verdict: verdict(c.verdict),
                time_ms: c.time_ms,
                memory_bytes: c.memory_bytes,
            });
        } else {
            run.custom = Some(case_run(c));
        }
    }
    run
}

/// A submission's run that could not compile or load: why, and no case.
pub fn not_run(
    why: String,
    language: crate::judge::Language,
    isolation: &str,
    actor: Actor,
    of: RunOf,
    at: DateTime<Utc>,
) -> TestsRun {
    TestsRun {
        actor,
        of,
        language: language.name().to_string(),
        isolation: isolation.to_string(),
        verdict: CaseVerdict::CompileError,
        examples: Vec::new(),
        tests: HiddenTests::default(),
        custom: None,
        error: Some(tail(&why, EXCERPT_BYTES)),
        complexity: None,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use serde_json::json;

    fn case(label: &str, verdict: Verdict, got: serde_json::Value) -> CaseReport {
        CaseReport {
            case: label.into(),
            verdict,
            input: json!({"nums": [1, 2], "target": 3}),
            expected: Some(json!([0, 1])),
            got: Some(got),
            time_ms: Some(1.0),
            memory_bytes: Some(1 << 20),
            stdout: "x".repeat(10_000),
            error: None,
        }
    }

    #[test]
    fn hidden_tests_keep_a_brief_each_and_the_first_failure_in_full() {
        let report = Report {
            problem: "two-sum".into(),
            language: "python".into(),
            isolation: "bubblewrap".into(),
            verdict: Verdict::WrongAnswer,
            passed: 2,
            total: 4,
            error: None,
            cases: vec![
                case("examples[0]", Verdict::Passed, json!([0, 1])),
                case("tests[0]", Verdict::Passed, json!([0, 1])),
                case("tests[1]", Verdict::WrongAnswer, json!([1, 0])),
                case("tests[2]", Verdict::WrongAnswer, json!([2, 0])),
            ],
        };
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let actor = Actor::new(Platform::Web, "s", "Ana");
        let run = tests_run(&report, actor, RunOf::Submission { submission: 1 }, at);
        assert_eq!(run.examples.len(), 1);
        assert_eq!((run.tests.passed(), run.tests.total()), (1, 3));
        let first = run.tests.first_failure.as_ref().unwrap();
        assert_eq!(first.got.as_deref(), Some("[1,0]"));
        assert!(first.stdout.len() < EXCERPT_BYTES + 64, "capped");
        assert_eq!(run.verdict, CaseVerdict::WrongAnswer);
        assert_eq!((run.passed(), run.total()), (2, 4));
    }
}
