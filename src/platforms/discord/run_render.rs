//! A run of the candidate's code as Discord shows it: the `TestsRun` of the log as one
//! embed (each example with its input, expected and actual output, time and memory; the
//! hidden tests as counts with each case's time and memory, plus the first failing one
//! in full; compiler messages or the end of a runtime error; the measured complexity),
//! and the short private lines of a run in progress ("⏳ Queued, 2 ahead", "⚙️ Running 2
//! examples and 6 tests…") edited into the member's deferred reply.
//!
//! Pure formatting within Discord's embed limits; it never runs code, decides anything
//! or shows a hidden test's input other than the first failing one (which the log keeps).

use super::parse::truncate_chars;
use super::render::{
    EmbedView, MAX_EMBED_DESCRIPTION, MAX_EMBED_TITLE, MAX_EMBED_TOTAL, MAX_FIELD_VALUE, MAX_FIELDS,
};
use crate::domain::{CaseRun, CaseVerdict, TestsRun};
use crate::engine::RunProgress;
use crate::practice::runs::headline;

const COLOR_PASSED: u32 = 0x57F287;
const COLOR_FAILED: u32 = 0xED4245;
/// Lines of an error or a printout shown (its end, where the cause is).
const TAIL_LINES: usize = 12;
/// Longest value shown inline (an input, an expected or actual output).
const INLINE_CHARS: usize = 300;

/// The embed of a run. Examples come first; when everything does not fit Discord's
/// 6000 characters, the examples' texts are shortened before anything is dropped, so the
/// hidden tests' counts and the first failing case stay.
pub fn run_embed(run: &TestsRun) -> EmbedView {
    [MAX_FIELD_VALUE, 300, 120]
        .into_iter()
        .map(|cap| embed_with(run, cap))
        .find(|e| e.total_chars() <= MAX_EMBED_TOTAL)
        .unwrap_or_else(|| embed_with(run, 80))
        .fit()
}

/// The embed with each example's text cut at `example_cap` characters.
fn embed_with(run: &TestsRun, example_cap: usize) -> EmbedView {
    let mut description = String::new();
    if let Some(error) = &run.error {
        let label = if run.verdict == CaseVerdict::CompileError {
            "Compiler output"
        } else {
            "Error"
        };
        description = format!("{label}:\n{}", fenced(&last_lines(error, TAIL_LINES)));
    }
    let title = format!("{} {}", mark(run.verdict), headline(run));
    let mut embed = EmbedView {
        title: truncate_chars(&title, MAX_EMBED_TITLE),
        description: truncate_chars(&description, MAX_EMBED_DESCRIPTION),
        color: if run.verdict.ok() {
            COLOR_PASSED
        } else {
            COLOR_FAILED
        },
        footer: Some(format!("{} · sandbox: {}", run.language, run.isolation)),
        ..EmbedView::default()
    };
    // Room for the custom input, the hidden tests, the first failure and the complexity.
    let examples = run.examples.iter().enumerate().take(MAX_FIELDS - 4);
    for (i, case) in examples {
        let name = format!("Example {} · {}", i + 1, verdict(case.verdict));
        embed = embed.field(&name, &truncate_chars(&case_text(case), example_cap), false);
    }
    if let Some(custom) = &run.custom {
        let name = format!("Your input · {}", verdict(custom.verdict));
        embed = embed.field(&name, &case_text(custom), false);
    }
    if run.tests.total() > 0 {
        let name = format!(
            "Hidden tests · {} of {} passed",
            run.tests.passed(),
            run.tests.total()
        );
        embed = embed.field(&name, &hidden_lines(run), false);
    }
    if let Some(first) = &run.tests.first_failure {
        let name = format!("First failing hidden test · {}", first.verdict.label());
        embed = embed.field(&name, &case_text(first), false);
    }
    if let Some(c) = &run.complexity {
        embed = embed.field("Measured complexity", c, false);
    }
    embed
}

/// One case: its input, expected and actual output, time and memory, and when it did
/// not pass, what it printed and the end of its error.
fn case_text(case: &CaseRun) -> String {
    let mut lines = vec![format!("input `{}`", inline(&case.input))];
    if let Some(expected) = &case.expected {
        lines.push(format!("expected `{}`", inline(expected)));
    }
    if let Some(got) = &case.got {
        lines.push(format!("got `{}`", inline(got)));
    }
    let cost = cost(case.time_ms, case.memory_bytes);
    if !cost.is_empty() {
        lines.push(cost);
    }
    let shown = !case.verdict.ok() || case.expected.is_none();
    if shown && !case.stdout.trim().is_empty() {
        lines.push(format!(
            "printed:\n{}",
            fenced(&last_lines(&case.stdout, TAIL_LINES))
        ));
    }
    if let Some(error) = &case.error {
        lines.push(format!(
            "error:\n{}",
            fenced(&last_lines(error, TAIL_LINES))
        ));
    }
    lines.join("\n")
}

/// One line per hidden test (verdict, time, memory), as many as fit a field.
fn hidden_lines(run: &TestsRun) -> String {
    let mut out = String::new();
    let cases = &run.tests.cases;
    for (i, case) in cases.iter().enumerate() {
        let line = format!(
            "`#{}` {} {}\n",
            i + 1,
            mark(case.verdict),
            cost(case.time_ms, case.memory_bytes)
        );
        let rest = cases.len() - i;
        if out.chars().count() + line.chars().count() > MAX_FIELD_VALUE - 40 {
            out.push_str(&format!("… and {rest} more"));
            break;
        }
        out.push_str(&line);
    }
    out
}

fn cost(time_ms: Option<f64>, memory: Option<u64>) -> String {
    let time = time_ms.map(|t| {
        if t < 10.0 {
            format!("{t:.1} ms")
        } else {
            format!("{t:.0} ms")
        }
    });
    let memory = memory.map(|b| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)));
    [time, memory]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn mark(v: CaseVerdict) -> &'static str {
    if v.ok() { "✅" } else { "❌" }
}

fn verdict(v: CaseVerdict) -> String {
    format!("{} {}", mark(v), v.label())
}

/// A value on one line, without backticks that would end the code span, capped.
fn inline(text: &str) -> String {
    let one = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('`', "'");
    truncate_chars(&one, INLINE_CHARS)
}

/// A fenced block its text cannot close.
fn fenced(text: &str) -> String {
    let text = truncate_chars(text.trim_end(), 700).replace("```", "`\u{200b}``");
    format!("```\n{text}\n```")
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A run waiting or running, as its private progress line.
pub fn progress_text(p: &RunProgress) -> String {
    match p {
        RunProgress::Queued { ahead } => queued(*ahead),
        RunProgress::Running { text } => format!("⚙️ {text}"),
        RunProgress::Failed { message } => format!("⚠️ {}", super::auth::capitalise(message)),
    }
}

/// The line of a run waiting for a sandbox slot.
pub fn queued(ahead: usize) -> String {
    match ahead {
        0 => "⏳ Queued, next to run.".to_string(),
        n => format!("⏳ Queued, {n} ahead."),
    }
}

/// The private line once the run is recorded (its results are posted in the thread).
pub fn finished(run: &TestsRun) -> String {
    format!(
        "{} {}. The results are posted in the thread.",
        mark(run.verdict),
        headline(run)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use crate::domain::runs::samples::case;

    fn run(verdict: CaseVerdict, hidden: usize) -> TestsRun {
        crate::domain::runs::samples::run(Platform::Discord, verdict, 1, hidden, Some("about O(n)"))
    }

    #[test]
    fn a_passing_run_shows_each_example_the_hidden_counts_and_the_complexity() {
        let e = run_embed(&run(CaseVerdict::Passed, 2));
        assert_eq!(e.title, "✅ Test run: 3 of 3 passed (python)");
        assert_eq!(e.color, COLOR_PASSED);
        assert_eq!(e.fields[0].name, "Example 1 · ✅ passed");
        assert_eq!(
            e.fields[0].value,
            "input `{\"nums\": [2, 7, 11, 15], \"target\": 9}`\nexpected `[0, 1]`\ngot `[0, 1]`\n0.4 ms · 9.0 MiB"
        );
        assert_eq!(e.fields[1].name, "Hidden tests · 2 of 2 passed");
        assert_eq!(
            e.fields[1].value,
            "`#1` ✅ 12 ms · 11.0 MiB\n`#2` ✅ 12 ms · 11.0 MiB"
        );
        assert_eq!(e.fields[2].value, "about O(n)");
        assert_eq!(e.footer.as_deref(), Some("python · sandbox: bubblewrap"));
    }

    #[test]
    fn a_wrong_answer_shows_the_first_failing_hidden_test_in_full() {
        let e = run_embed(&run(CaseVerdict::WrongAnswer, 3));
        assert_eq!(e.color, COLOR_FAILED);
        assert!(
            e.title.contains("3 of 4 passed, wrong answer"),
            "{}",
            e.title
        );
        let first = e
            .fields
            .iter()
            .find(|f| f.name == "First failing hidden test · wrong answer")
            .expect("the first failing case");
        assert!(first.value.contains("expected `[0, 1]`\ngot `[1, 0]`"));
    }

    #[test]
    fn a_compile_error_shows_the_compilers_lines_and_a_runtime_error_its_end() {
        let mut r = run(CaseVerdict::CompileError, 0);
        r.examples.clear();
        r.error = Some("solution.cpp:3:5: error: expected ';'".into());
        let e = run_embed(&r);
        assert_eq!(e.title, "❌ Test run: compile error (python)");
        assert_eq!(
            e.description,
            "Compiler output:\n```\nsolution.cpp:3:5: error: expected ';'\n```"
        );
        let mut r = run(CaseVerdict::RuntimeError, 1);
        let trace: String = (1..=30).map(|i| format!("frame {i}\n")).collect();
        r.tests.first_failure.as_mut().unwrap().error = Some(trace);
        let e = run_embed(&r);
        let first = &e
            .fields
            .iter()
            .find(|f| f.name.starts_with("First"))
            .unwrap();
        assert!(first.value.contains("frame 30") && first.value.contains("frame 19"));
        assert!(!first.value.contains("frame 18\n"), "{}", first.value);
    }

    #[test]
    fn a_huge_run_still_fits_discords_embed_limits() {
        let mut r = run(CaseVerdict::RuntimeError, 500);
        r.examples = vec![case(CaseVerdict::RuntimeError, &"x".repeat(2000)); 40];
        for c in &mut r.examples {
            c.error = Some("e\n".repeat(1000));
            c.stdout = "```\n".repeat(300);
        }
        r.error = Some("y".repeat(10_000));
        let e = run_embed(&r);
        assert!(e.total_chars() <= MAX_EMBED_TOTAL);
        assert!(e.fields.len() <= MAX_FIELDS);
        assert!(
            e.fields.iter().any(|f| f.name.starts_with("Hidden tests")),
            "the counts stay: {:?}",
            e.fields.iter().map(|f| &f.name).collect::<Vec<_>>()
        );
        assert!(e.description.chars().count() <= MAX_EMBED_DESCRIPTION);
        assert!(
            e.fields
                .iter()
                .all(|f| f.value.chars().count() <= MAX_FIELD_VALUE)
        );
    }

    #[test]
    fn progress_lines_say_the_queue_place_and_what_runs() {
        assert_eq!(
            progress_text(&RunProgress::Queued { ahead: 2 }),
            "⏳ Queued, 2 ahead."
        );
        assert_eq!(queued(0), "⏳ Queued, next to run.");
        let running = RunProgress::Running {
            text: "Running 2 examples and 12 tests…".into(),
        };
        assert_eq!(
            progress_text(&running),
            "⚙️ Running 2 examples and 12 tests…"
        );
        assert_eq!(
            finished(&run(CaseVerdict::Passed, 1)),
            "✅ Test run: 2 of 2 passed (python). The results are posted in the thread."
        );
    }
}
