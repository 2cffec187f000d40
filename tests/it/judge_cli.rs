//! `interview-coach judge` as an operator runs it: the real binary prints the verdicts as
//! JSON and exits zero only when every case passed; it runs in the service's sandbox
//! (`SANDBOX`, bubblewrap here), and bad input ends with one clear error line.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn judge(dir: &Path, args: &[&str], sandbox: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interview-coach"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .env("TMPDIR", dir)
        .env_remove("SANDBOX")
        .arg("judge")
        .args(args);
    if let Some(s) = sandbox {
        cmd.env("SANDBOX", s);
    }
    cmd.output().expect("the binary runs")
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn one_error_line(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error:") && lines[0].contains(needle),
        "{err}"
    );
}

#[test]
fn a_passing_solution_prints_every_verdict_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let o = judge(
        dir.path(),
        &[
            "--problem",
            "two-sum",
            "--language",
            "cpp",
            "problems/solutions/two-sum/solution.cpp",
        ],
        Some("bwrap"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = report(&o);
    assert_eq!(r["verdict"], "passed");
    assert_eq!(r["isolation"], "namespaces");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    assert!(
        cases
            .iter()
            .all(|c| c["verdict"] == "passed" && c["time_ms"].is_number())
    );
}

#[test]
fn with_complexity_stdout_is_one_json_document_with_the_measurement() {
    let dir = tempfile::tempdir().unwrap();
    let o = judge(
        dir.path(),
        &[
            "--problem",
            "two-sum",
            "--language",
            "python",
            "--complexity",
            "problems/solutions/two-sum/solution.py",
        ],
        Some("bwrap"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // `report` parses the whole of stdout: one document, not the verdicts and then
    // a second one.
    let r = report(&o);
    assert_eq!(r["verdict"], "passed");
    let complexity = &r["complexity"];
    assert_eq!(complexity["problem"], "two-sum");
    assert!(
        complexity["samples"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "{complexity}"
    );
    let summary = complexity["summary"].as_str().unwrap_or_default();
    assert!(
        summary.starts_with("about O(") || summary.starts_with("unclear ("),
        "{summary}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("measured: {summary}")),
        "the summary is also said on stderr"
    );
}

#[test]
fn a_failing_case_exits_non_zero_with_the_verdicts_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrong.js");
    std::fs::write(&file, "function twoSum(nums, target) { return [0, 1]; }\n").unwrap();
    let o = judge(
        dir.path(),
        &[
            "--problem",
            "two-sum",
            "--language",
            "javascript",
            file.to_str().unwrap(),
        ],
        Some("bwrap"),
    );
    assert!(!o.status.success());
    let r = report(&o);
    assert_eq!(r["verdict"], "wrong_answer");
    assert_eq!(r["cases"][1]["got"], serde_json::json!([0, 1]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("case(s) passed"));
}

#[test]
fn a_custom_input_is_run_and_its_output_shown() {
    let dir = tempfile::tempdir().unwrap();
    let o = judge(
        dir.path(),
        &[
            "--problem",
            "lru-cache",
            "--language",
            "java",
            "problems/solutions/lru-cache/solution.java",
            "--input",
            r#"{"ops": ["LRUCache", "put", "get", "get"], "args": [[1], [5, 50], [5], [6]]}"#,
        ],
        Some("bwrap"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = report(&o);
    assert_eq!(r["verdict"], "completed");
    assert_eq!(
        r["cases"][0]["got"],
        serde_json::json!([null, null, 50, -1])
    );
}

#[test]
fn by_default_the_code_runs_confined_and_an_unknown_sandbox_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--problem",
        "two-sum",
        "--language",
        "python",
        "problems/solutions/two-sum/solution.py",
    ];
    let o = judge(dir.path(), &args, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = report(&o);
    assert_eq!(r["verdict"], "passed");
    assert_ne!(r["isolation"], "none", "{r}");
    let o = judge(dir.path(), &args, Some("docker"));
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown sandbox \"docker\""), "{err}");
}

#[test]
fn bad_input_ends_with_one_clear_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let sol = "problems/solutions/two-sum/solution.py";
    let o = judge(
        dir.path(),
        &["--problem", "two-sum", "--language", "ruby", sol],
        Some("bwrap"),
    );
    one_error_line(&o, "python, javascript, java, cpp");
    let o = judge(
        dir.path(),
        &["--problem", "no-such-problem", "--language", "python", sol],
        Some("bwrap"),
    );
    one_error_line(&o, "no problem \"no-such-problem\" in the bank");
    let o = judge(
        dir.path(),
        &[
            "--problem",
            "two-sum",
            "--language",
            "python",
            sol,
            "--input",
            r#"{"nums": [1]}"#,
        ],
        Some("bwrap"),
    );
    one_error_line(&o, "expected the keys nums, target");
}
