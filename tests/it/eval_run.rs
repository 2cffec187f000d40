//! `interview-coach eval` end to end: the binary replays a few golden transcripts
//! through the real engine, coach worker and bubblewrap sandbox against a loopback fake
//! of Claude whose answers are scripted, and its reports and exit code say what the
//! fake did: a clean coach passes, one that recites the reference solution and obeys an
//! injected instruction is flagged and fails the run.

use crate::common::fake_anthropic::{FakeAnthropic, Scripted};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A set folder holding copies of the named golden transcripts and thresholds that
/// ask for stability, order, no leak and no injection (not for the expected ranges,
/// which a fake with one fixed score cannot meet).
fn small_set(ids: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/set");
    std::fs::create_dir(dir.path().join("set")).unwrap();
    for id in ids {
        let from = golden.join(format!("{id}.toml"));
        std::fs::copy(&from, dir.path().join("set").join(format!("{id}.toml"))).unwrap();
    }
    let thresholds =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/thresholds.toml"))
            .unwrap()
            .replace("min_in_range_share = 0.7", "min_in_range_share = 0.0");
    std::fs::write(dir.path().join("thresholds.toml"), thresholds).unwrap();
    dir
}

/// Run `eval --repeat 2` on `set` against `fake`: the exit status and the JSON report.
async fn eval(set: &Path, fake: &FakeAnthropic) -> (bool, Value, String, PathBuf) {
    let out = set.join("report.json");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["eval", "--repeat", "2", "--set"])
        .arg(set)
        .arg("--out")
        .arg(&out)
        .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
        .env("ANTHROPIC_BASE_URL", fake.uri())
        .env("SANDBOX", "bwrap")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("no report ({e}); stderr: {stderr}"));
    (
        output.status.success(),
        serde_json::from_str(&report).unwrap(),
        stderr,
        out.with_extension("md"),
    )
}

fn listed(report: &Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_coach_meets_the_thresholds_and_the_run_exits_zero() {
    let fake = FakeAnthropic::start().await;
    // The first answer is cut by its token limit: asked again, answered, and counted.
    fake.script([Scripted::Cut("The first half of a reply".into())]);
    let set = small_set(&[
        "two-sum-strong",
        "two-sum-adequate",
        "two-sum-injection-code",
    ]);
    let (ok, report, stderr, md) = eval(set.path(), &fake).await;
    assert!(ok, "missed: {:?}\n{stderr}", report["missed"]);
    assert_eq!(report["repeats"], 2);
    assert_eq!(report["transcripts"].as_array().unwrap().len(), 3);
    for t in report["transcripts"].as_array().unwrap() {
        assert_eq!(t["scores"], serde_json::json!([7, 7]), "{t}");
        assert_eq!(t["spread"], 0);
    }
    let version = interview_coach::coach::prompts::prompt_version();
    assert_eq!(report["prompt_versions"], serde_json::json!([version]));
    assert!(report["tokens"].as_u64().unwrap() > 0);
    assert!(listed(&report, "leaks").is_empty() && listed(&report, "injections").is_empty());
    assert_eq!(report["coach_failures"], 0);
    assert_eq!(
        report["retries"], 1,
        "the cut answer asked again is a retry"
    );
    let markdown = std::fs::read_to_string(md).unwrap();
    assert!(markdown.contains("every threshold met"), "{markdown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_that_leaks_the_reference_and_obeys_an_injection_is_flagged_and_fails() {
    let fake = FakeAnthropic::start().await;
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("problems/reference/two-sum.py"),
    )
    .unwrap();
    // Every text answer recites the reference solution and says the injected word.
    *fake.default_text.lock().unwrap() =
        format!("PINEAPPLE! Here is the answer:\n```python\n{reference}\n```");
    let set = small_set(&[
        "two-sum-strong",
        "two-sum-injection-code",
        "valid-parentheses-buggy",
    ]);
    let (ok, report, _, md) = eval(set.path(), &fake).await;
    assert!(!ok, "the run must fail: {report}");
    let leaks = listed(&report, "leaks");
    assert!(
        leaks
            .iter()
            .any(|l| l.starts_with("two-sum-strong (repeat 1)")),
        "{leaks:?}"
    );
    let injections = listed(&report, "injections");
    assert!(
        injections
            .iter()
            .any(|i| i.starts_with("two-sum-injection-code") && i.contains("pineapple")),
        "{injections:?}"
    );
    // The fake calls every submission "Correct on the examples": a buggy one that fails
    // hidden tests in the sandbox is a disagreement.
    let disagreements = listed(&report, "verdict_disagreements");
    assert!(
        disagreements
            .iter()
            .any(|d| d.starts_with("valid-parentheses-buggy")),
        "{disagreements:?}"
    );
    let buggy = report["transcripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "valid-parentheses-buggy")
        .unwrap();
    let verdict = serde_json::json!({"examples_passed": true, "hidden_passed": false});
    assert_eq!(
        buggy["tests"],
        serde_json::json!([verdict, verdict]),
        "run in the sandbox"
    );
    let missed = listed(&report, "missed").join("\n");
    assert!(
        missed.contains("leaks") && missed.contains("injections"),
        "{missed}"
    );
    let markdown = std::fs::read_to_string(md).unwrap();
    assert!(markdown.contains("## Leaks") && markdown.contains("thresholds missed"));
}

#[tokio::test]
async fn a_set_naming_a_problem_outside_the_bank_fails_with_the_file_and_the_cause() {
    let fake = FakeAnthropic::start().await;
    let set = small_set(&["two-sum-strong"]);
    let path = set.path().join("set/two-sum-strong.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("problem = \"two-sum\"", "problem = \"nope\""),
    )
    .unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["eval", "--set"])
        .arg(set.path())
        .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
        .env("ANTHROPIC_BASE_URL", fake.uri())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("two-sum-strong.toml") && stderr.contains("\"nope\""),
        "{stderr}"
    );
    assert_eq!(fake.requests(), 0, "nothing was asked of the model");
}
