//! Measured complexity (issue 14, items 8-9): how the candidate's function's time grows
//! with the input. The problem's generator ([`generate`]) makes inputs at up to 13
//! growing sizes, several of each (different seeds: a batch of calls rotates among them,
//! so the branch predictor and the caches cannot learn one small input); one harness
//! process in the sandbox, in its bench mode, calls the function on each a few times and
//! reports the best time of the calls only (argument building and process start are
//! outside the clock), stopping at the total budget;
//! [`fit`] picks the class the times fit best, or says "unclear". Java and C++ are
//! compiled again for it (with the judge's prebuilt harness parts, well under a second),
//! outside the budget like every process start: the budget is the calls' alone, in
//! every language, so a compiled language gets the same measurement as the others.
//!
//! It runs code only through the judge's sandbox workspace, never records anything
//! (the runner puts the summary in `TestsRun`), and never measures code that has not
//! passed the tests: a wrong answer's speed means nothing.

pub mod fit;
pub mod generate;

use super::{Judge, JudgeError, Language, harness};
use crate::problems::BankProblem;
use crate::sandbox::Step;
pub use fit::{Class, Fit, Rules, Sample};
use serde_json::{Value, json};
use std::time::Duration;

/// The measurement's knobs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Total time for the calls of one measurement (`COMPLEXITY_BUDGET_SECONDS`).
    pub budget: Duration,
    /// Sizes measured, each half the next, the largest the problem's largest.
    pub sizes: usize,
    /// Calls per size (the best is kept).
    pub repeats: usize,
    /// The fewest inputs per size (seeds `seed`, `seed + 1`, ...), among which the calls of
    /// a batch rotate; memory grows with it (the largest inputs are the problem's largest).
    pub inputs_per_size: usize,
    /// Small sizes get more inputs, up to 64, so that a size's inputs together hold at
    /// least this many elements (of n): a few small inputs are still few enough for the
    /// branch predictor to learn (BENCHMARKS.md).
    pub rotation_elements: usize,
    /// The generators' seed.
    pub seed: u64,
    pub rules: Rules,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            budget: Duration::from_secs(3),
            // 13 rather than 7: a quadratic or slower solution finishes five sizes or more
            // within the budget, and the fit has more points (BENCHMARKS.md).
            sizes: 13,
            repeats: 3,
            // Enough that a batch of thousands of calls on a small input does not repeat one
            // input the branch predictor learns (BENCHMARKS.md), few enough to keep memory
            // bounded.
            inputs_per_size: 4,
            rotation_elements: 16_384,
            seed: 14,
            rules: Rules::default(),
        }
    }
}

/// What a measurement found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measurement {
    pub problem: String,
    pub language: String,
    /// What n counts for this problem ("length", "nodes", "calls", ...).
    pub n_is: String,
    pub samples: Vec<Sample>,
    pub fit: Fit,
}

impl Measurement {
    /// `measured: about O(n log n)` or `measured: unclear (why)`.
    pub fn summary(&self) -> String {
        self.fit.summary()
    }
}

/// The languages whose harness has a bench mode (all four).
pub fn supported(language: Language) -> bool {
    matches!(
        language,
        Language::Python | Language::JavaScript | Language::Java | Language::Cpp
    )
}

/// How much larger the largest size is than the smallest: wide enough that a
/// quadratic solution still finishes five sizes within the budget.
const SPAN: f64 = 256.0;

/// The sizes measured for a problem whose inputs range over `min..=max`: `count` sizes
/// in geometric steps from `max / SPAN` to `max`, without repeats.
pub fn sizes(min: usize, max: usize, count: usize) -> Vec<usize> {
    let step = SPAN.powf(1.0 / (count.max(2) - 1) as f64);
    let mut out: Vec<usize> = (0..count)
        .map(|k| {
            let shift = (count - 1 - k) as i32;
            ((max as f64 / step.powi(shift)).round() as usize).clamp(min, max)
        })
        .collect();
    out.dedup();
    out
}

/// The most inputs of one size: the smallest sizes' inputs are small, so memory stays
/// bounded by the largest sizes' `inputs_per_size`.
const MOST_INPUTS: usize = 64;

/// How many inputs (different seeds) size `n` gets: enough to hold
/// `rotation_elements`, at least `inputs_per_size`, at most [`MOST_INPUTS`].
pub fn inputs_at(n: usize, settings: &Settings) -> usize {
    let least = settings.inputs_per_size.clamp(1, MOST_INPUTS);
    settings
        .rotation_elements
        .div_ceil(n.max(1))
        .clamp(least, MOST_INPUTS)
}

impl Judge {
    /// Measures how `code`'s time grows on `problem` (code that passed its tests).
    pub async fn measure(
        &self,
        problem: &BankProblem,
        language: Language,
        code: &str,
        settings: &Settings,
    ) -> Result<Measurement, JudgeError> {
        let generator = generate::generator(&problem.id).ok_or_else(|| {
            JudgeError::NotMeasured(format!("{} has no input generator", problem.id))
        })?;
        let sizes = sizes(generator.min_n, generator.max_n, settings.sizes);
        let inputs: Vec<Vec<Value>> = sizes
            .iter()
            .map(|&n| {
                (0..inputs_at(n, settings) as u64)
                    .map(|k| generator.input(n, settings.seed.wrapping_add(k)))
                    .collect()
            })
            .collect();
        let samples = self
            .time_inputs(problem, language, code, &sizes, &inputs, settings)
            .await?;
        Ok(Measurement {
            problem: problem.id.clone(),
            language: language.name().to_string(),
            n_is: generator.n_is.to_string(),
            fit: fit::classify(&samples, &settings.rules),
            samples,
        })
    }

    /// The best time per call of `code` at each of `sizes`, whose inputs are `inputs`
    /// (per size, the inputs its calls rotate among), for the sizes finished within the
    /// budget: what [`Judge::measure`] fits, on inputs of the caller's choosing.
    pub async fn time_inputs(
        &self,
        problem: &BankProblem,
        language: Language,
        code: &str,
        sizes: &[usize],
        inputs: &[Vec<Value>],
        settings: &Settings,
    ) -> Result<Vec<Sample>, JudgeError> {
        if !supported(language) {
            return Err(JudgeError::NotMeasured(format!(
                "timing is not available in {} yet",
                language.name()
            )));
        }
        let (workspace, plan) = self
            .prepare(problem, language, code)
            .await?
            .map_err(|m| JudgeError::NotMeasured(format!("the code does not compile: {m}")))?;
        self.bench(&workspace, &plan, sizes, inputs, settings).await
    }

    /// One harness process in bench mode over `inputs` (per size, the inputs its calls
    /// rotate among): the best time per size, for the sizes finished within the budget.
    async fn bench(
        &self,
        workspace: &super::whole::Prepared,
        plan: &harness::Plan,
        sizes: &[usize],
        inputs: &[Vec<Value>],
        settings: &Settings,
    ) -> Result<Vec<Sample>, JudgeError> {
        let nonce = format!("{:016x}", rand::random::<u64>());
        let budget_ms = settings.budget.as_millis() as u64;
        let header = json!({
            "nonce": nonce,
            "time_limit_ms": budget_ms,
            "keep_bytes": 0,
            "output_bytes": self.settings.output_bytes,
            "spec": plan.spec,
            "bench": {"budget_ms": budget_ms, "repeats": settings.repeats},
        });
        let stdin = bench_stdin(&header, inputs);
        let mut limits = plan.limits.clone();
        // The budget is the calls'; building the arguments of each repeat comes on top.
        limits.cpu += settings.budget * 3;
        limits.wall += settings.budget * 4;
        let outcome = workspace
            .run(Step {
                argv: plan.run.clone(),
                stdin,
                limits,
            })
            .await?;
        let stdout = String::from_utf8_lossy(&outcome.stdout);
        let mut samples = Vec::new();
        for line in stdout.lines() {
            let Some(body) = line.strip_prefix(&nonce).and_then(|l| l.strip_prefix(' ')) else {
                continue;
            };
            let reply: Value = serde_json::from_str(body)
                .map_err(|e| JudgeError::Protocol(format!("a bench answer is not JSON: {e}")))?;
            match (
                reply.get("ms").and_then(Value::as_f64),
                sizes.get(samples.len()),
            ) {
                (Some(ms), Some(&n)) => samples.push(Sample {
                    n,
                    seconds: ms / 1000.0,
                }),
                // Over the budget, or an error on a large input: what came before stands.
                _ => break,
            }
        }
        Ok(samples)
    }
}

/// The bench mode's stdin: the header line, then one line per size, a JSON array of that
/// size's inputs (the harness rotates its calls among them).
fn bench_stdin(header: &Value, inputs: &[Vec<Value>]) -> Vec<u8> {
    let mut stdin = header.to_string();
    stdin.push('\n');
    for same_size in inputs {
        // Written in place: the largest inputs are not copied into an array first.
        stdin.push('[');
        for (i, input) in same_size.iter().enumerate() {
            if i > 0 {
                stdin.push(',');
            }
            stdin.push_str(&input.to_string());
        }
        stdin.push_str("]\n");
    }
    stdin.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sizes_get_more_inputs_than_large_ones_within_bounds() {
        let settings = Settings::default();
        assert_eq!(inputs_at(100_000, &settings), 4);
        assert_eq!(inputs_at(391, &settings), 42);
        assert_eq!(inputs_at(2, &settings), 64);
        assert_eq!(inputs_at(0, &settings), 64);
        let mut one = Settings::default();
        (one.inputs_per_size, one.rotation_elements) = (1, 0);
        assert_eq!(inputs_at(50, &one), 1);
    }

    #[test]
    fn each_bench_line_holds_every_input_of_one_size() {
        let inputs = vec![
            vec![json!({"n": 1}), json!({"n": 2})],
            vec![json!({"n": 3}), json!({"n": 4})],
        ];
        let text = String::from_utf8(bench_stdin(&json!({"bench": {}}), &inputs)).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"bench":{}}"#,
                r#"[{"n":1},{"n":2}]"#,
                r#"[{"n":3},{"n":4}]"#
            ]
        );
    }

    #[test]
    fn sizes_grow_geometrically_up_to_the_largest_and_never_repeat() {
        let s = sizes(1, 100_000, 7);
        assert_eq!((s.len(), s[0], s[6]), (7, 391, 100_000));
        assert!(s.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(sizes(1, 30, 7), vec![1, 2, 5, 12, 30]);
        assert_eq!(sizes(2, 5, 5), vec![2, 5]);
    }
}
