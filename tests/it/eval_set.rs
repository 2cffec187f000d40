//! The golden set (`eval/set/`) is what its labels say: every transcript loads, covers
//! the bank, and its code, run through the real judge in bubblewrap, gets the verdict
//! the transcript promises (`tests`), which must agree with its label (strong, adequate
//! and wrong-complexity pass; buggy passes the examples and fails hidden tests).

use futures::StreamExt;
use interview_coach::eval::set::{self, Label, Tests};
use interview_coach::judge::{Judge, Settings, What};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use std::collections::HashSet;
use std::path::Path;

fn golden() -> (ProblemBank, Vec<set::Transcript>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = ProblemBank::load(&root.join("problems")).expect("the bank loads");
    let set = set::load(&root.join("eval"), &bank).expect("the golden set loads");
    (bank, set)
}

#[test]
fn the_golden_set_has_forty_transcripts_over_twelve_problems_and_every_label() {
    let (_, set) = golden();
    assert!(set.len() >= 40, "{} transcripts", set.len());
    let problems: HashSet<&str> = set.iter().map(|t| t.problem.as_str()).collect();
    assert!(problems.len() >= 12, "{} problems", problems.len());
    let labels: HashSet<Label> = set.iter().map(|t| t.label).collect();
    assert_eq!(labels.len(), 7, "labels present: {labels:?}");
    let ids: HashSet<&str> = set.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), set.len(), "transcript ids are unique");
}

#[test]
fn a_label_and_the_promised_verdict_agree() {
    let (_, set) = golden();
    for t in &set {
        let agrees = match t.label {
            Label::Strong | Label::Adequate | Label::WrongComplexity => t.tests == Tests::Pass,
            Label::Buggy => t.tests == Tests::FailHidden,
            _ => true,
        };
        assert!(
            agrees,
            "{}: label {:?} with tests {:?}",
            t.id, t.label, t.tests
        );
    }
}

#[test]
fn a_transcript_naming_a_problem_outside_the_bank_is_refused_with_its_file_name() {
    let (bank, _) = golden();
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/set/two-sum-strong.toml");
    let text = std::fs::read_to_string(source).unwrap();
    std::fs::write(
        dir.path().join("x.toml"),
        text.replace("problem = \"two-sum\"", "problem = \"no-such\""),
    )
    .unwrap();
    let err = set::load(dir.path(), &bank).unwrap_err().to_string();
    assert!(err.contains("x.toml") && err.contains("no-such"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcripts_code_gets_the_verdict_it_promises_in_the_sandbox() {
    let (bank, set) = golden();
    let scratch = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None)
        .expect("bubblewrap is installed (Debian: apt-get install bubblewrap)");
    let judge = Judge::new(sandbox, Settings::default());
    let language = Judge::language("python").unwrap();
    let failures: Vec<String> = futures::stream::iter(set.iter())
        .map(|t| {
            let judge = &judge;
            let problem = bank.get(&t.problem).expect("a bank problem");
            async move {
                let report = match judge.run(problem, language, &t.code, What::All).await {
                    Ok(report) => report,
                    // Code that defines nothing to call fails before any example.
                    Err(e) if t.tests == Tests::FailExamples || t.tests == Tests::Any => {
                        let _ = e;
                        return None;
                    }
                    Err(e) => return Some(format!("{}: refused: {e}", t.id)),
                };
                let examples_ok = report
                    .cases
                    .iter()
                    .filter(|c| c.case.starts_with("examples"))
                    .all(|c| c.verdict.ok())
                    && !report.cases.is_empty();
                let got = match (examples_ok, report.verdict.ok()) {
                    (true, true) => Tests::Pass,
                    (true, false) => Tests::FailHidden,
                    _ => Tests::FailExamples,
                };
                (t.tests != Tests::Any && got != t.tests)
                    .then(|| format!("{}: promised {:?}, the judge says {got:?}", t.id, t.tests))
            }
        })
        .buffer_unordered(2)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
