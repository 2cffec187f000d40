//! Every candidate-style solution under `problems/solutions/{id}/` runs through the judge
//! (the real harness of its language, in the real sandbox: bubblewrap, with the judge's
//! default settings and so the README's limits per language) on every example and hidden
//! test of its problem, so each harness is proven on each problem it has a solution for.
//! One test per language; each prints how long it took and fails listing every failing
//! case.

use futures::StreamExt;
use interview_coach::judge::{Judge, Language, Settings, Verdict, What};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use std::path::Path;
use std::time::Instant;

/// Problems judged at once (compiles dominate for Java and C++; the machine is small).
const PARALLEL: usize = 2;

async fn every_solution_passes(language: Language) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    let bank = ProblemBank::load(&root).expect("the bank loads");
    let scratch = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None)
        .expect("bubblewrap is installed (Debian: apt-get install bubblewrap)");
    let judge = Judge::new(sandbox, Settings::default());
    let solutions: Vec<(String, String)> = bank
        .all()
        .filter_map(|p| {
            let file = root
                .join("solutions")
                .join(&p.id)
                .join(format!("solution.{}", language.extension()));
            std::fs::read_to_string(file)
                .ok()
                .map(|code| (p.id.clone(), code))
        })
        .collect();
    assert!(
        !solutions.is_empty(),
        "no {} solutions found",
        language.name()
    );
    let started = Instant::now();
    let failures: Vec<String> = futures::stream::iter(solutions.iter())
        .map(|(id, code)| {
            let judge = &judge;
            let problem = bank.get(id).expect("a bank problem");
            async move {
                match judge.run(problem, language, code, What::All).await {
                    Err(e) => vec![format!("{id}: refused: {e}")],
                    Ok(report) if report.verdict == Verdict::Passed => Vec::new(),
                    Ok(report) if report.cases.is_empty() => {
                        vec![format!(
                            "{id}: {:?}: {}",
                            report.verdict,
                            report.error.unwrap_or_default()
                        )]
                    }
                    Ok(report) => report
                        .cases
                        .iter()
                        .filter(|c| c.verdict != Verdict::Passed)
                        .map(|c| {
                            format!(
                                "{id} {}: {:?}: expected {:?}, got {:?} {}",
                                c.case,
                                c.verdict,
                                c.expected,
                                c.got,
                                c.error.clone().unwrap_or_default()
                            )
                        })
                        .collect(),
                }
            }
        })
        .buffer_unordered(PARALLEL)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    println!(
        "{} {} solutions judged in {:.1} s",
        solutions.len(),
        language.name(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_python_solution_passes_every_example_and_test() {
    every_solution_passes(Language::Python).await;
}

#[tokio::test]
async fn every_javascript_solution_passes_every_example_and_test() {
    every_solution_passes(Language::JavaScript).await;
}

#[tokio::test]
async fn every_java_solution_passes_every_example_and_test() {
    every_solution_passes(Language::Java).await;
}

#[tokio::test]
async fn every_cpp_solution_passes_every_example_and_test() {
    every_solution_passes(Language::Cpp).await;
}
