//! Measured complexity in the compiled languages (issue 14 item 8), through the real
//! sandbox (bubblewrap): the Java and C++ harnesses' bench mode times two-sum's
//! reference at five to seven growing sizes inside one process and the fit reads it as
//! linear-ish (never quadratic), while a version that tries every pair is read as slower
//! than linear; a solution that throws on a large input ends the measurement with the
//! sizes measured before it; and in every language a bench line's several inputs of one
//! size are all called (the calls rotate among them).

use interview_coach::judge::complexity::{Class, Settings};
use interview_coach::judge::{Judge, Language, Settings as JudgeSettings};
use interview_coach::problems::ProblemBank;
use interview_coach::sandbox::Sandbox;
use serde_json::{Value, json};
use std::path::Path;

const JAVA_PAIRS: &str = "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        for (int i = 0; i < nums.length; i++)\n            for (int j = i + 1; j < nums.length; j++)\n                if (nums[i] + nums[j] == target) return new int[] {i, j};\n        return new int[0];\n    }\n}\n";
const CPP_PAIRS: &str = "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n        for (int i = 0; i < (int)nums.size(); i++)\n            for (int j = i + 1; j < (int)nums.size(); j++)\n                if (nums[i] + nums[j] == target) return {i, j};\n        return {};\n    }\n};\n";
const JAVA_THROWS: &str = "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        if (nums.length > 1000) throw new IllegalStateException(\"too long\");\n        return new int[] {0, 1};\n    }\n}\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn judge() -> (Judge, ProblemBank, tempfile::TempDir) {
    let scratch = tempfile::tempdir().expect("scratch");
    let sandbox = Sandbox::namespaces(scratch.path().to_path_buf(), None)
        .expect("bubblewrap is installed (Debian: apt-get install bubblewrap)");
    let bank = ProblemBank::load(&root().join("problems")).expect("the bank");
    (Judge::new(sandbox, JudgeSettings::default()), bank, scratch)
}

fn reference(language: Language) -> String {
    let path = format!(
        "problems/solutions/two-sum/solution.{}",
        language.extension()
    );
    std::fs::read_to_string(root().join(path)).expect("the reference")
}

async fn the_reference_is_timed_at_growing_sizes_and_every_pair_reads_slower(
    language: Language,
    pairs: &str,
) {
    let (judge, bank, _scratch) = judge();
    let problem = bank.get("two-sum").expect("two-sum");
    let settings = Settings::default();
    let fast = judge
        .measure(problem, language, &reference(language), &settings)
        .await
        .expect("measured");
    assert!(fast.samples.len() >= 5, "{:?}", fast.samples);
    assert!(
        fast.samples.windows(2).all(|w| w[1].n > w[0].n),
        "growing sizes: {:?}",
        fast.samples
    );
    assert!(
        fast.samples.iter().all(|s| s.seconds > 0.0),
        "{:?}",
        fast.samples
    );
    assert!(
        fast.fit
            .class()
            .is_none_or(|c| c.distance(Class::Linear) <= 1),
        "a hash map's two-sum read as {} from {:?}",
        fast.summary(),
        fast.samples
    );
    let slow = judge
        .measure(problem, language, pairs, &settings)
        .await
        .expect("measured");
    // The first size both finished: every pair is slower from there on, and grows faster.
    let ratio = |m: &interview_coach::judge::complexity::Measurement| {
        let (first, last) = (m.samples[0], m.samples[m.samples.len() - 1]);
        (last.seconds / first.seconds) / (last.n as f64 / first.n as f64)
    };
    assert!(slow.samples.len() >= 2, "{:?}", slow.samples);
    assert!(
        ratio(&slow) > 4.0 * ratio(&fast).max(1.0) || slow.fit.class() > Some(Class::Linearithmic),
        "every pair ({}: {:?}) against the reference ({}: {:?})",
        slow.summary(),
        slow.samples,
        fast.summary(),
        fast.samples
    );
}

#[tokio::test]
async fn java_two_sum_is_timed_in_one_process_and_every_pair_reads_slower() {
    the_reference_is_timed_at_growing_sizes_and_every_pair_reads_slower(Language::Java, JAVA_PAIRS)
        .await;
}

#[tokio::test]
async fn cpp_two_sum_is_timed_in_one_process_and_every_pair_reads_slower() {
    the_reference_is_timed_at_growing_sizes_and_every_pair_reads_slower(Language::Cpp, CPP_PAIRS)
        .await;
}

#[tokio::test]
async fn an_error_on_a_large_input_keeps_the_sizes_measured_before_it() {
    let (judge, bank, _scratch) = judge();
    let problem = bank.get("two-sum").expect("two-sum");
    let m = judge
        .measure(problem, Language::Java, JAVA_THROWS, &Settings::default())
        .await
        .expect("measured");
    assert!(
        !m.samples.is_empty() && m.samples.iter().all(|s| s.n <= 1000),
        "{:?}",
        m.samples
    );
    assert_eq!(
        m.fit.class(),
        None,
        "too few sizes to tell: {}",
        m.summary()
    );
}

/// Candidates that fail on one input only: two-sum with target 99.
const FAILS_ON_99: [(Language, &str); 4] = [
    (
        Language::Python,
        "def two_sum(nums, target):\n    if target == 99:\n        raise ValueError('the fourth input')\n    return [0, 1]\n",
    ),
    (
        Language::JavaScript,
        "function twoSum(nums, target) {\n  if (target === 99) throw new Error('the fourth input');\n  return [0, 1];\n}\n",
    ),
    (
        Language::Java,
        "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        if (target == 99) throw new IllegalStateException(\"the fourth input\");\n        return new int[] {0, 1};\n    }\n}\n",
    ),
    (
        Language::Cpp,
        "class Solution {\npublic:\n    vector<int> twoSum(vector<int>& nums, int target) {\n        if (target == 99) throw std::runtime_error(\"the fourth input\");\n        return {0, 1};\n    }\n};\n",
    ),
];

#[tokio::test]
async fn a_bench_line_s_inputs_are_each_called_in_every_language() {
    let (judge, bank, _scratch) = judge();
    let problem = bank.get("two-sum").expect("two-sum");
    let good = |nums: &[i64]| json!({"nums": nums, "target": 3});
    // Given two sizes of four inputs each, the second size's last input the one the
    // candidate fails on
    let inputs: Vec<Vec<Value>> = vec![
        vec![good(&[1, 2]); 4],
        vec![
            good(&[1, 2, 5]),
            good(&[1, 2, 6]),
            good(&[1, 2, 7]),
            json!({"nums": [1, 2, 8], "target": 99}),
        ],
    ];
    for (language, code) in FAILS_ON_99 {
        // When each language's harness times them in bench mode
        let samples = judge
            .time_inputs(
                problem,
                language,
                code,
                &[2, 3],
                &inputs,
                &Settings::default(),
            )
            .await
            .expect("timed");
        // Then the first size is measured and the second fails: its fourth input was called
        assert_eq!(
            samples.iter().map(|s| s.n).collect::<Vec<_>>(),
            vec![2],
            "{}: {samples:?}",
            language.name()
        );
    }
}
