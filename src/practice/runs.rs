//! A run of the candidate's code as text, for every platform: the line shown while it
//! starts ("Running 2 examples and 12 tests…") and the result as a compact Markdown
//! table that also reads as plain text: each example with its input, expected and
//! actual output; the hidden tests as counts plus the first failing one; compiler
//! messages; the last lines of a runtime error; time and memory per case.
//!
//! Pure formatting of a `TestsRun`; it never runs code. Discord and Slack fit it to
//! their message limits with `max_chars` (the table is cut at a line, never mid-row).

use crate::domain::{CaseRun, CaseVerdict, RunOf, TestsRun};
use std::fmt::Write;

/// Lines of an error shown (its end, where the cause is).
const ERROR_LINES: usize = 12;

/// What is about to run: "Running 2 examples and 12 tests…" (or the custom input).
pub fn announce(examples: usize, tests: usize, custom: bool) -> String {
    if custom {
        return "Running your input…".to_string();
    }
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match (examples, tests) {
        (e, 0) => format!("Running {}…", plural(e, "example")),
        (e, t) => format!(
            "Running {} and {}…",
            plural(e, "example"),
            plural(t, "test")
        ),
    }
}

/// The headline: "Tests: 13 of 14 passed (wrong answer)".
pub fn headline(run: &TestsRun) -> String {
    let what = match &run.of {
        RunOf::Submission { submission } => format!("Tests of submission #{submission}"),
        RunOf::Adhoc { .. } => "Test run".to_string(),
    };
    if run.verdict == CaseVerdict::CompileError {
        return format!("{what}: compile error ({})", run.language);
    }
    if run.custom.is_some() && run.examples.is_empty() && run.tests.total() == 0 {
        return format!(
            "{what} on your input: {} ({})",
            run.verdict.label(),
            run.language
        );
    }
    let verdict = if run.verdict == CaseVerdict::Passed {
        String::new()
    } else {
        format!(", {}", run.verdict.label())
    };
    format!(
        "{what}: {} of {} passed{verdict} ({})",
        run.passed(),
        run.total(),
        run.language
    )
}

/// The whole result as Markdown, at most `max_chars` characters (cut at a line).
pub fn render(run: &TestsRun, max_chars: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**{}**", headline(run));
    if let Some(error) = &run.error {
        let label = if run.verdict == CaseVerdict::CompileError {
            "Compiler output"
        } else {
            "Error"
        };
        let _ = writeln!(out, "\n{label}:");
        block(&mut out, &last_lines(error, ERROR_LINES));
    }
    if !run.examples.is_empty() || run.tests.total() > 0 || run.custom.is_some() {
        table(&mut out, run);
    }
    if let Some((case, true)) = run.first_failure() {
        let _ = writeln!(
            out,
            "\nFirst failing hidden test ({}):",
            case.verdict.label()
        );
        details(&mut out, case);
    }
    for (i, case) in run.examples.iter().enumerate() {
        if !case.verdict.ok() {
            let _ = writeln!(out, "\nExample {} ({}):", i + 1, case.verdict.label());
            details(&mut out, case);
        }
    }
    if let Some(custom) = &run.custom {
        let _ = writeln!(out, "\nYour input:");
        details(&mut out, custom);
    }
    if let Some(c) = &run.complexity {
        let _ = writeln!(out, "\nMeasured time complexity: {c}");
    }
    let _ = writeln!(out, "\n_Sandbox: {}_", run.isolation);
    fit(out, max_chars)
}

/// One row per example (with input, expected and actual), one for the hidden tests.
fn table(out: &mut String, run: &TestsRun) {
    let _ = writeln!(
        out,
        "\n| case | verdict | input | expected | got | time | memory |\n|---|---|---|---|---|---|---|"
    );
    for (i, case) in run.examples.iter().enumerate() {
        row(out, &format!("example {}", i + 1), case);
    }
    if let Some(custom) = &run.custom {
        row(out, "your input", custom);
    }
    if run.tests.total() > 0 {
        let slowest = run
            .tests
            .cases
            .iter()
            .filter_map(|c| c.time_ms)
            .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
        let peak = run.tests.cases.iter().filter_map(|c| c.memory_bytes).max();
        let _ = writeln!(
            out,
            "| hidden tests | {} of {} passed | | | | {} | {} |",
            run.tests.passed(),
            run.tests.total(),
            slowest
                .map(|t| format!("max {}", ms(t)))
                .unwrap_or_default(),
            peak.map(|m| format!("max {}", mib(m))).unwrap_or_default(),
        );
    }
}

fn row(out: &mut String, name: &str, case: &CaseRun) {
    let _ = writeln!(
        out,
        "| {name} | {} | {} | {} | {} | {} | {} |",
        case.verdict.label(),
        cell(&case.input),
        case.expected.as_deref().map(cell).unwrap_or_default(),
        case.got.as_deref().map(cell).unwrap_or_default(),
        case.time_ms.map(ms).unwrap_or_default(),
        case.memory_bytes.map(mib).unwrap_or_default(),
    );
}

/// A failing case in full: input, expected, got, what it printed, its error's end.
fn details(out: &mut String, case: &CaseRun) {
    let _ = writeln!(out, "- input: `{}`", inline(&case.input));
    if let Some(expected) = &case.expected {
        let _ = writeln!(out, "- expected: `{}`", inline(expected));
    }
    if let Some(got) = &case.got {
        let _ = writeln!(out, "- got: `{}`", inline(got));
    }
    if !case.stdout.is_empty() {
        let _ = writeln!(out, "- printed:");
        block(out, &last_lines(&case.stdout, ERROR_LINES));
    }
    if let Some(error) = &case.error {
        let _ = writeln!(out, "- error:");
        block(out, &last_lines(error, ERROR_LINES));
    }
}

/// A table cell: one line, no pipes, short.
fn cell(text: &str) -> String {
    let one: String = inline(text).replace('|', "\\|");
    if one.chars().count() > 40 {
        let cut: String = one.chars().take(39).collect();
        format!("`{cut}…`")
    } else {
        format!("`{one}`")
    }
}

/// Text on one line, without backticks that would end an inline code span.
fn inline(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('`', "'")
}

/// A fenced block its text cannot close.
fn block(out: &mut String, text: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{ticks}\n{}\n{ticks}", text.trim_end());
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    lines[start..].join("\n")
}

fn ms(t: f64) -> String {
    if t < 10.0 {
        format!("{t:.1} ms")
    } else {
        format!("{t:.0} ms")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `text` cut at the last whole line within `max` characters, with a note when cut.
fn fit(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    const NOTE: &str = "… (cut to fit)";
    let budget = max.saturating_sub(NOTE.chars().count() + 1);
    let mut out = String::new();
    for line in text.lines() {
        if out.chars().count() + line.chars().count() + 1 > budget {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(NOTE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{HiddenTests, Platform};

    fn run(verdict: CaseVerdict) -> TestsRun {
        crate::domain::runs::samples::run(Platform::Web, verdict, 2, 2, None)
    }

    #[test]
    fn the_announcement_counts_examples_and_tests() {
        assert_eq!(announce(2, 12, false), "Running 2 examples and 12 tests…");
        assert_eq!(announce(1, 0, false), "Running 1 example…");
        assert_eq!(announce(0, 0, true), "Running your input…");
    }

    #[test]
    fn a_passing_run_shows_every_example_and_the_hidden_tests_as_counts() {
        let text = render(&run(CaseVerdict::Passed), 10_000);
        assert!(
            text.starts_with("**Test run: 4 of 4 passed (python)**"),
            "{text}"
        );
        assert!(text.contains("| example 2 | passed | `{\"nums\": [2, 7, 11, 15], \"target\": 9}` | `[0, 1]` | `[0, 1]` | 0.4 ms | 9.0 MiB |"), "{text}");
        assert!(
            text.contains("| hidden tests | 2 of 2 passed | | | | max 12 ms | max 11.0 MiB |"),
            "{text}"
        );
        assert!(!text.contains("First failing"), "{text}");
    }

    #[test]
    fn a_wrong_answer_shows_the_first_failing_hidden_test() {
        let text = render(&run(CaseVerdict::WrongAnswer), 10_000);
        assert!(text.contains("3 of 4 passed, wrong answer"), "{text}");
        assert!(text.contains("First failing hidden test (wrong answer):\n- input: `{\"nums\": [2, 7, 11, 15], \"target\": 9}`\n- expected: `[0, 1]`\n- got: `[1, 0]`"), "{text}");
    }

    #[test]
    fn a_compile_error_shows_the_compilers_lines() {
        let mut r = run(CaseVerdict::CompileError);
        r.examples.clear();
        r.tests = HiddenTests::default();
        r.error = Some("solution.cpp:3:5: error: expected ';'".into());
        let text = render(&r, 10_000);
        assert!(
            text.starts_with("**Test run: compile error (python)**"),
            "{text}"
        );
        assert!(
            text.contains("Compiler output:\n```\nsolution.cpp:3:5: error: expected ';'\n```"),
            "{text}"
        );
    }

    #[test]
    fn a_long_result_is_cut_at_a_line_to_fit() {
        let mut r = run(CaseVerdict::RuntimeError);
        r.error = Some("line\n".repeat(500));
        let text = render(&r, 300);
        assert!(text.chars().count() <= 300, "{}", text.chars().count());
        assert!(text.ends_with("… (cut to fit)"), "{text}");
    }
}
