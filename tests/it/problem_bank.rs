//! The problem bank is consistent: every file under problems/ validates and every test
//! case's expected output agrees with the reference solution (run by the bank's Python
//! checker, standard library only).

use std::process::Command;

#[test]
fn every_problem_validates_and_matches_its_reference_solution() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("python3")
        .arg(format!("{root}/problems/check_reference.py"))
        .current_dir(root)
        .output()
        .expect("python3 is installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "problem bank check failed:\n{stdout}\n{stderr}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("passed, 0 failed"),
        "unexpected summary: {last}"
    );
}
