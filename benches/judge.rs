//! The judge, measured under bubblewrap, printed as figures for BENCHMARKS.md:
//!
//! - **latency**: two-sum's reference solution with all its cases (examples and hidden
//!   tests), per language, `JUDGE_BENCH_N` times one at a time (default 20), then in
//!   batches of 8 submitted at once through the sandbox `Pool` (workers: the number of
//!   cores), `JUDGE_BENCH_BATCHES` batches (default 3). Latency is from submission to
//!   the report (queueing included); p50, p99 and runs per second.
//! - **compile**: the C++ compile of two-sum's harness with the precompiled
//!   `<bits/stdc++.h>` and without, `JUDGE_BENCH_N` times each.
//! - **limits**: every reference solution of the bank in every language, run with a
//!   third of every limit (`Settings::limits_divisor = 3` and a third of the per-case
//!   time and output), so passing shows the README's limits leave at least 3x; prints,
//!   per language, how many passed, the heaviest case's time and memory (as the harness
//!   measures them), the slowest whole judge run (compile included) and the largest
//!   answer of the harness.
//!
//! Run: `cargo bench --bench judge` (`JUDGE_BENCH=latency`, `compile` or `limits` for one part,
//! `JUDGE_BENCH_LANGUAGES=python,cpp` for some languages).

use futures::StreamExt;
use interview_coach::judge::{Judge, Language, Report, Settings, Verdict, What, harness};
use interview_coach::problems::{BankProblem, ProblemBank};
use interview_coach::sandbox::{Pool, PoolSettings, Runtime, Sandbox, Status, Step};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("problems")
}

fn solution(id: &str, language: Language) -> Option<String> {
    std::fs::read_to_string(
        root()
            .join("solutions")
            .join(id)
            .join(format!("solution.{}", language.extension())),
    )
    .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn check(report: &Report) {
    assert_eq!(
        report.verdict,
        Verdict::Passed,
        "{} {}: {:?}",
        report.problem,
        report.language,
        report.error
    );
}

async fn latency(sandbox: &Sandbox, bank: &ProblemBank) {
    let n: usize = env_number("JUDGE_BENCH_N", 20);
    let batches: usize = env_number("JUDGE_BENCH_BATCHES", 3);
    let pool = Pool::new(
        sandbox.clone(),
        PoolSettings {
            per_member_per_minute: None,
            ..PoolSettings::default()
        },
    );
    let workers = PoolSettings::default().workers;
    let judge = Judge::new(sandbox.clone(), Settings::default());
    let problem = bank.get("two-sum").expect("two-sum is in the bank");
    println!(
        "two-sum, all {} cases, reference solution; {n} one at a time, {batches} batches of 8 at once through the pool ({workers} workers)",
        problem.examples.len() + problem.tests.len()
    );
    println!("| language | one at a time p50 | p99 | runs/s | 8 at once p50 | p99 | runs/s |");
    println!("|---|---|---|---|---|---|---|");
    for language in languages() {
        let code = solution("two-sum", language).expect("a two-sum solution");
        // One warm-up run (page cache, the runtime's files).
        check(
            &judge
                .run(problem, language, &code, What::All)
                .await
                .expect("runs"),
        );
        let mut alone = Vec::new();
        let started = Instant::now();
        for _ in 0..n {
            let t = Instant::now();
            check(
                &judge
                    .run(problem, language, &code, What::All)
                    .await
                    .expect("runs"),
            );
            alone.push(t.elapsed());
        }
        let alone_rate = n as f64 / started.elapsed().as_secs_f64();
        let mut together = Vec::new();
        let started = Instant::now();
        for _ in 0..batches {
            let runs = (0..8).map(|_| {
                let (pool, judge, code) = (&pool, &judge, &code);
                async move {
                    let t = Instant::now();
                    let _slot = pool.acquire(None, |_| {}).await.expect("a slot");
                    check(
                        &judge
                            .run(problem, language, code, What::All)
                            .await
                            .expect("runs"),
                    );
                    t.elapsed()
                }
            });
            together.extend(futures::future::join_all(runs).await);
        }
        let together_rate = together.len() as f64 / started.elapsed().as_secs_f64();
        alone.sort();
        together.sort();
        println!(
            "| {} | {:.0} ms | {:.0} ms | {:.1} | {:.0} ms | {:.0} ms | {:.1} |",
            language.name(),
            ms(percentile(&alone, 0.5)),
            ms(percentile(&alone, 0.99)),
            alone_rate,
            ms(percentile(&together, 0.5)),
            ms(percentile(&together, 0.99)),
            together_rate
        );
    }
}

/// The heaviest figures of one language's references.
#[derive(Default)]
struct Heaviest {
    passed: usize,
    failed: Vec<String>,
    case_ms: (f64, String),
    case_bytes: (u64, String),
    run: (Duration, String),
    answer_bytes: (usize, String),
}

async fn limits(sandbox: &Sandbox, bank: &ProblemBank) {
    let base = Settings::default();
    let settings = Settings {
        time_limit: base.time_limit / 3,
        output_bytes: base.output_bytes / 3,
        limits_divisor: 3,
        ..base
    };
    let judge = Judge::new(sandbox.clone(), settings);
    println!("every reference solution with a third of every limit (bubblewrap)");
    println!(
        "| language | passed | heaviest case: time | memory (peak RSS) | slowest whole run (compile included) | largest answer |"
    );
    println!("|---|---|---|---|---|---|");
    for language in languages() {
        let problems: Vec<(&BankProblem, String)> = bank
            .all()
            .filter_map(|p| solution(&p.id, language).map(|code| (p, code)))
            .collect();
        let results: Vec<(String, Duration, Result<Report, String>)> =
            futures::stream::iter(problems.iter())
                .map(|(problem, code)| {
                    let judge = &judge;
                    async move {
                        let t = Instant::now();
                        let report = judge
                            .run(problem, language, code, What::All)
                            .await
                            .map_err(|e| e.to_string());
                        (problem.id.clone(), t.elapsed(), report)
                    }
                })
                .buffer_unordered(2)
                .collect()
                .await;
        let mut h = Heaviest::default();
        for (id, wall, report) in results {
            let report = match report {
                Ok(report) if report.verdict == Verdict::Passed => report,
                Ok(report) => {
                    let why = report
                        .first_failure()
                        .map(|c| format!("{} {:?} {:?}", c.case, c.verdict, c.error))
                        .or(report.error.clone())
                        .unwrap_or_default();
                    h.failed.push(format!("{id}: {:?} {why}", report.verdict));
                    continue;
                }
                Err(e) => {
                    h.failed.push(format!("{id}: {e}"));
                    continue;
                }
            };
            h.passed += 1;
            if wall > h.run.0 {
                h.run = (wall, id.clone());
            }
            for case in &report.cases {
                let label = format!("{id} {}", case.case);
                if let Some(t) = case.time_ms.filter(|t| *t > h.case_ms.0) {
                    h.case_ms = (t, label.clone());
                }
                if let Some(m) = case.memory_bytes.filter(|m| *m > h.case_bytes.0) {
                    h.case_bytes = (m, label.clone());
                }
                let answer = case.got.as_ref().map_or(0, |g| g.to_string().len());
                if answer > h.answer_bytes.0 {
                    h.answer_bytes = (answer, label);
                }
            }
        }
        println!(
            "| {} | {}/{} | {:.1} ms ({}) | {:.1} MiB ({}) | {:.2} s ({}) | {} B ({}) |",
            language.name(),
            h.passed,
            problems.len(),
            h.case_ms.0,
            h.case_ms.1,
            h.case_bytes.0 as f64 / (1024.0 * 1024.0),
            h.case_bytes.1,
            h.run.0.as_secs_f64(),
            h.run.1,
            h.answer_bytes.0,
            h.answer_bytes.1
        );
        for failure in &h.failed {
            println!("  FAILED {failure}");
        }
    }
}

/// `JUDGE_BENCH_LANGUAGES` (`python,cpp`, ...), or all four.
fn languages() -> Vec<Language> {
    match std::env::var("JUDGE_BENCH_LANGUAGES") {
        Ok(names) => names.split(',').filter_map(Language::parse).collect(),
        Err(_) => Language::ALL.to_vec(),
    }
}

/// The C++ compile of two-sum's harness, with the precompiled header and without,
/// `JUDGE_BENCH_N` times each, interleaved.
async fn compile(sandbox: &Sandbox, bank: &ProblemBank) {
    let n: usize = env_number("JUDGE_BENCH_N", 20);
    let problem = bank.get("two-sum").expect("two-sum is in the bank");
    let code = solution("two-sum", Language::Cpp).expect("a two-sum solution");
    // The judge's first C++ run makes the header.
    let judge = Judge::new(sandbox.clone(), Settings::default());
    check(
        &judge
            .run(problem, Language::Cpp, &code, What::Examples)
            .await
            .expect("runs"),
    );
    let dir = sandbox
        .shared_dir()
        .expect("a local sandbox")
        .join("cpp-pch");
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..n {
        for precompiled in [true, false] {
            let mut plan = harness::plan(Language::Cpp, problem, &code);
            if precompiled {
                harness::cpp::use_precompiled(&mut plan, &dir);
            }
            let (argv, limits) = plan.compile.clone().expect("C++ compiles");
            let workspace = sandbox
                .prepare(Runtime::Cxx, plan.files)
                .await
                .expect("a workspace");
            let t = Instant::now();
            let outcome = workspace
                .run(Step {
                    argv,
                    stdin: Vec::new(),
                    limits,
                })
                .await
                .expect("compiles");
            assert_eq!(outcome.status, Status::Exited(0));
            if precompiled { &mut with } else { &mut without }.push(t.elapsed());
        }
    }
    with.sort();
    without.sort();
    println!("C++ compile of two-sum's harness under bubblewrap, {n} each");
    println!("| | p50 | p99 |");
    println!("|---|---|---|");
    for (name, v) in [
        ("with the precompiled header", &with),
        ("without", &without),
    ] {
        println!(
            "| {name} | {:.0} ms | {:.0} ms |",
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99))
        );
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let part = std::env::var("JUDGE_BENCH").unwrap_or_default();
    let bank = ProblemBank::load(&root()).expect("the bank loads");
    let scratch = tempfile::tempdir().expect("scratch");
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None).expect("bubblewrap");
    if part.is_empty() || part == "latency" {
        latency(&sandbox, &bank).await;
    }
    if part.is_empty() || part == "compile" {
        compile(&sandbox, &bank).await;
    }
    if part.is_empty() || part == "limits" {
        limits(&sandbox, &bank).await;
    }
}
