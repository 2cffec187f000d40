//! The accuracy of measured complexity (issue 14, item 9): every bank reference solution
//! (`problems/solutions/{id}/solution.{ext}`, labelled with its generator's class) and
//! every deliberately slower variant (`problems/slow/{id}--{what}.py`, labelled by its
//! first line `# expected: n^2`) measured through the judge in the bubblewrap sandbox
//! with the default budget (3 s per submission). Prints one line per solution, then the
//! share classified correctly, the share "unclear", the share wrong, and how many were
//! more than one class off.
//!
//! Run: `cargo bench --bench complexity` (`COMPLEXITY_BENCH_LANGUAGE=javascript` for the
//! JavaScript references, `java` and `cpp` likewise; the slower variants are Python only;
//! `COMPLEXITY_BENCH_ONLY=two-sum` to measure the problems whose id contains a word;
//! `COMPLEXITY_BENCH_SIZES=13` to measure at another number of sizes).

use interview_coach::judge::complexity::{Class, Settings, generate};
use interview_coach::judge::{Judge, Language, Settings as JudgeSettings};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use std::path::Path;

struct Labelled {
    name: String,
    problem: String,
    language: Language,
    code: String,
    expected: Class,
}

fn labelled(bank: &ProblemBank, language: Language) -> Vec<Labelled> {
    let only = std::env::var("COMPLEXITY_BENCH_ONLY").unwrap_or_default();
    let mut out = Vec::new();
    for problem in bank.all() {
        let path = format!(
            "problems/solutions/{}/solution.{}",
            problem.id,
            language.extension()
        );
        let (Ok(code), Some(g)) = (
            std::fs::read_to_string(&path),
            generate::generator(&problem.id),
        ) else {
            continue;
        };
        out.push(Labelled {
            name: format!("{} (reference)", problem.id),
            problem: problem.id.clone(),
            language,
            code,
            expected: g.expected,
        });
    }
    if language == Language::Python {
        let mut slow: Vec<_> = std::fs::read_dir(Path::new("problems/slow"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        slow.sort();
        for path in slow {
            let Ok(code) = std::fs::read_to_string(&path) else {
                continue;
            };
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let problem = stem.split("--").next().unwrap_or("").to_string();
            let expected = code
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expected:"))
                .and_then(Class::parse)
                .unwrap_or_else(|| panic!("{} has no `# expected:` line", path.display()));
            out.push(Labelled {
                name: stem.to_string(),
                problem,
                language,
                code,
                expected,
            });
        }
    }
    out.retain(|l| l.name.contains(&only));
    out
}

#[tokio::main]
async fn main() {
    let language = std::env::var("COMPLEXITY_BENCH_LANGUAGE")
        .ok()
        .and_then(|l| Language::parse(&l))
        .unwrap_or(Language::Python);
    let bank = ProblemBank::load_default().expect("the bank loads");
    let scratch = tempfile::tempdir().expect("scratch directory");
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None).expect("bubblewrap");
    let judge = Judge::new(sandbox, JudgeSettings::default());
    // `COMPLEXITY_BENCH_SIZES` overrides the number of sizes (to compare schedules).
    let mut settings = Settings::default();
    if let Some(sizes) = std::env::var("COMPLEXITY_BENCH_SIZES")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        settings.sizes = sizes;
    }
    println!("{} sizes per measurement", settings.sizes);
    let (mut correct, mut unclear, mut wrong, mut far) = (0, 0, 0, 0);
    let items = labelled(&bank, language);
    let started = std::time::Instant::now();
    for item in &items {
        let problem = bank.get(&item.problem).expect("a bank problem");
        let at = std::time::Instant::now();
        let measured = judge
            .measure(problem, item.language, &item.code, &settings)
            .await;
        let (verdict, summary) = match &measured {
            Ok(m) => match m.fit.class() {
                Some(c) if c == item.expected => {
                    correct += 1;
                    ("correct", m.summary())
                }
                Some(c) => {
                    wrong += 1;
                    if c.distance(item.expected) > 1 {
                        far += 1;
                    }
                    ("WRONG", m.summary())
                }
                None => {
                    unclear += 1;
                    ("unclear", m.summary())
                }
            },
            Err(e) => {
                unclear += 1;
                ("unclear", e.to_string())
            }
        };
        let points = measured
            .as_ref()
            .map(|m| {
                m.samples
                    .iter()
                    .map(|s| format!("{}:{:.3}ms", s.n, s.seconds * 1e3))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        println!(
            "{:<58} expected {:<11} {:<8} {} [{:.1}s] {}",
            item.name,
            item.expected.label(),
            verdict,
            summary,
            at.elapsed().as_secs_f64(),
            points
        );
    }
    let total = items.len().max(1) as f64;
    let classified = (correct + wrong).max(1) as f64;
    println!(
        "\n{} solutions ({}), {:.0} s in all: correct {} ({:.0} %), unclear {} ({:.0} %), wrong {} ({:.0} %); \
         correct among classified {:.0} %; more than one class off: {}",
        items.len(),
        language.name(),
        started.elapsed().as_secs_f64(),
        correct,
        100.0 * correct as f64 / total,
        unclear,
        100.0 * unclear as f64 / total,
        wrong,
        100.0 * wrong as f64 / total,
        100.0 * correct as f64 / classified,
        far
    );
}
