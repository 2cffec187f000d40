//! The accuracy of measured complexity (issue 14, item 9): every bank reference solution
//! (`problems/solutions/{id}/solution.{ext}`, labelled with its generator's class) and
//! every deliberately slower variant in that language (`problems/slow/{id}--{what}.{ext}`,
//! labelled by its first line `# expected: n^2`, or `// expected: n^2` in Java and C++)
//! measured through the judge in the bubblewrap sandbox with the default budget (3 s per
//! submission). Prints one line per solution, then the
//! share classified correctly, the share "unclear", the share wrong, and how many were
//! more than one class off.
//!
//! Run: `cargo bench --bench complexity` (`COMPLEXITY_BENCH_LANGUAGE=javascript` for the
//! JavaScript references, `java` and `cpp` likewise;
//! `COMPLEXITY_BENCH_ONLY=two-sum` to measure the problems whose id contains a word;
//! `COMPLEXITY_BENCH_SIZES=13` to measure at another number of sizes;
//! `COMPLEXITY_BENCH_SAVE=file` to keep the samples, one JSON line per solution, and
//! `COMPLEXITY_BENCH_REPLAY=file` to classify saved samples again under the current rules
//! without measuring).

use interview_coach::judge::complexity::{Class, Rules, Sample, Settings, fit, generate};
use interview_coach::judge::{Judge, Language, Settings as JudgeSettings};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use serde_json::{Value, json};
use std::io::Write;
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
    let mut slow: Vec<_> = std::fs::read_dir(Path::new("problems/slow"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    slow.retain(|p| p.extension().and_then(|e| e.to_str()) == Some(language.extension()));
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
            .and_then(|l| {
                l.strip_prefix("# expected:")
                    .or_else(|| l.strip_prefix("// expected:"))
            })
            .and_then(Class::parse)
            .unwrap_or_else(|| panic!("{} has no `expected:` line", path.display()));
        out.push(Labelled {
            name: stem.to_string(),
            problem,
            language,
            code,
            expected,
        });
    }
    out.retain(|l| l.name.contains(&only));
    out
}

/// One labelled solution's measurement: its samples, or why there are none.
struct Measured {
    name: String,
    expected: Class,
    samples: Result<Vec<Sample>, String>,
    seconds: f64,
}

/// The replay file's line for `m` (JSON: name, expected, samples as [n, seconds] or error).
fn saved(m: &Measured) -> String {
    let samples = match &m.samples {
        Ok(s) => json!(
            s.iter()
                .map(|p| json!([p.n, p.seconds]))
                .collect::<Vec<_>>()
        ),
        Err(e) => json!(e),
    };
    json!({"name": m.name, "expected": m.expected.label(), "samples": samples, "seconds": m.seconds})
        .to_string()
}

/// A replay file's lines back as measurements.
fn replayed(text: &str) -> Vec<Measured> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a replay line is JSON");
            let samples = match &v["samples"] {
                Value::Array(points) => Ok(points
                    .iter()
                    .map(|p| Sample {
                        n: p[0].as_u64().unwrap_or(0) as usize,
                        seconds: p[1].as_f64().unwrap_or(0.0),
                    })
                    .collect()),
                other => Err(other.as_str().unwrap_or("").to_string()),
            };
            Measured {
                name: v["name"].as_str().unwrap_or("").to_string(),
                expected: Class::parse(v["expected"].as_str().unwrap_or("")).expect("a class"),
                samples,
                seconds: v["seconds"].as_f64().unwrap_or(0.0),
            }
        })
        .collect()
}

/// Classifies every measurement under `rules`, prints one line each and the totals.
fn report(measured: &[Measured], rules: &Rules, title: &str) {
    let (mut correct, mut unclear, mut wrong, mut far) = (0, 0, 0, 0);
    for m in measured {
        let (verdict, summary) = match &m.samples {
            Ok(samples) => {
                let fit = fit::classify(samples, rules);
                match fit.class() {
                    Some(c) if c == m.expected => {
                        correct += 1;
                        ("correct", fit.summary())
                    }
                    Some(c) => {
                        wrong += 1;
                        if c.distance(m.expected) > 1 {
                            far += 1;
                        }
                        ("WRONG", fit.summary())
                    }
                    None => {
                        unclear += 1;
                        ("unclear", fit.summary())
                    }
                }
            }
            Err(e) => {
                unclear += 1;
                ("unclear", e.clone())
            }
        };
        let points = m
            .samples
            .as_ref()
            .map(|s| {
                s.iter()
                    .map(|p| format!("{}:{:.4}ms", p.n, p.seconds * 1e3))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        println!(
            "{:<58} expected {:<11} {:<8} {} [{:.1}s] {}",
            m.name,
            m.expected.label(),
            verdict,
            summary,
            m.seconds,
            points
        );
    }
    let total = measured.len().max(1) as f64;
    let classified = (correct + wrong).max(1) as f64;
    println!(
        "\n{} solutions ({title}): correct {} ({:.0} %), unclear {} ({:.0} %), wrong {} ({:.0} %); \
         correct among classified {:.0} %; more than one class off: {}",
        measured.len(),
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

/// The fit's rules, with `COMPLEXITY_BENCH_RULES="margin=2,pair_margin=3,..."` over the
/// defaults (to compare rules on saved samples).
fn rules() -> Rules {
    let mut rules = Rules::default();
    for pair in std::env::var("COMPLEXITY_BENCH_RULES")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').expect("key=value");
        let value: f64 = value.parse().expect("a number");
        match key {
            "min_seconds" => rules.min_seconds = value,
            "margin" => rules.margin = value,
            "pair_margin" => rules.pair_margin = value,
            "max_error" => rules.max_error = value,
            "min_drift" => rules.min_drift = value,
            "min_sizes" => rules.min_sizes = value as usize,
            other => panic!("no rule {other}"),
        }
    }
    rules
}

#[tokio::main]
async fn main() {
    // `COMPLEXITY_BENCH_REPLAY=file` classifies saved samples again under today's rules
    // (to tune the fit without measuring again).
    if let Ok(path) = std::env::var("COMPLEXITY_BENCH_REPLAY") {
        let text = std::fs::read_to_string(&path).expect("the replay file reads");
        report(&replayed(&text), &rules(), &format!("replay of {path}"));
        return;
    }
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
    let mut save = std::env::var("COMPLEXITY_BENCH_SAVE")
        .ok()
        .map(|p| std::fs::File::create(p).expect("the save file opens"));
    let items = labelled(&bank, language);
    let started = std::time::Instant::now();
    let mut measured = Vec::new();
    for item in &items {
        let problem = bank.get(&item.problem).expect("a bank problem");
        let at = std::time::Instant::now();
        let samples = judge
            .measure(problem, item.language, &item.code, &settings)
            .await
            .map(|m| m.samples)
            .map_err(|e| e.to_string());
        let m = Measured {
            name: item.name.clone(),
            expected: item.expected,
            samples,
            seconds: at.elapsed().as_secs_f64(),
        };
        if let Some(file) = save.as_mut() {
            writeln!(file, "{}", saved(&m)).expect("the save file writes");
        }
        measured.push(m);
    }
    let title = format!(
        "{}, {:.0} s in all",
        language.name(),
        started.elapsed().as_secs_f64()
    );
    report(&measured, &rules(), &title);
}
