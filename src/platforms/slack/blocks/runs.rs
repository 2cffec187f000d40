//! A run of the candidate's code on Slack: the Run tests modal, and a `TestsRun` as one
//! Block Kit message within Slack's limits (at most 50 blocks, 3000 characters per
//! section): the headline, compiler output or the end of a runtime error, each example
//! with its input, expected and actual output, a custom input with what it printed, the
//! hidden tests as counts with time and memory per case plus the first failing one, and
//! the measured complexity.
//!
//! Pure: a `TestsRun` in, Slack JSON out. Every text that came from the candidate's code
//! is escaped, so a program's output can never ping anyone or form a link; nothing here
//! runs code or judges a verdict.

use super::{Rendered, SECTION_CHARS, clip, context, escape, modal, section, text_input};
use crate::domain::{CaseBrief, CaseRun, CaseVerdict, TestsRun};
use crate::platforms::slack::inbound::{INPUT_CODE, INPUT_CUSTOM, INPUT_LANGUAGE, MODAL_RUN};
use crate::practice::runs::headline;
use serde_json::{Value, json};
use std::fmt::Write;

/// Slack's limit on the blocks of one message.
pub const MAX_BLOCKS: usize = 50;
/// Examples shown one section each; the rest are counted (a bank has two or three).
const MAX_EXAMPLES: usize = 20;
/// Lines kept of an error or a printout: its end, where the cause is.
const TAIL_LINES: usize = 12;
/// Longest value (input, expected, got) shown inline in a case.
const VALUE_CHARS: usize = 300;
/// Longest printout or error shown in a case's fenced block.
const BLOCK_CHARS: usize = 700;

/// The modal of the root message's Run tests button: code (empty: the last
/// submission's), language, and an optional custom input.
pub fn run_modal(metadata: &str, language: Option<&str>) -> Value {
    let blocks = vec![
        text_input(INPUT_LANGUAGE, "Language", false, language, true),
        text_input(INPUT_CODE, "Code (empty: your last code)", true, None, true),
        text_input(INPUT_CUSTOM, "Your own input (optional)", true, None, true),
        context(
            "Your own input is a JSON object of the arguments, e.g. `{\"nums\": [2, 7], \"target\": 9}`; without one, the examples and the hidden tests run. A run is not a submission: the coach does not review it.",
        ),
    ];
    let mut view = modal(MODAL_RUN, "Run tests", metadata, blocks);
    view["submit"] = json!({"type": "plain_text", "text": "Run"});
    view
}

/// A `TestsRun` as one message in the interview's thread.
pub fn tests_run(run: &TestsRun) -> Rendered {
    let title = headline(run);
    let mark = if run.verdict.ok() {
        ":white_check_mark:"
    } else {
        ":x:"
    };
    let mut blocks = vec![section(&format!("{mark} *{}*", escape(&title)))];
    if let Some(error) = &run.error {
        let label = if run.verdict == CaseVerdict::CompileError {
            "Compiler output"
        } else {
            "Error (its last lines)"
        };
        blocks.push(section(&format!("*{label}*\n{}", fenced(error))));
    }
    for (i, case) in run.examples.iter().take(MAX_EXAMPLES).enumerate() {
        blocks.push(section(&case_text(&format!("Example {}", i + 1), case)));
    }
    if run.examples.len() > MAX_EXAMPLES {
        let more = run.examples.len() - MAX_EXAMPLES;
        blocks.push(context(&format!("… and {more} more examples")));
    }
    if let Some(custom) = &run.custom {
        blocks.push(section(&case_text("Your input", custom)));
    }
    if run.tests.total() > 0 {
        blocks.push(section(&hidden(&run.tests.cases)));
        if let Some(first) = &run.tests.first_failure {
            let label = format!("First failing hidden test ({})", first.verdict.label());
            blocks.push(section(&case_text(&label, first)));
        }
    }
    let mut facts = vec![format!("Sandbox: {}", escape(&run.isolation))];
    if let Some(c) = &run.complexity {
        facts.insert(0, format!("Measured complexity: {}", escape(c)));
    }
    blocks.push(context(&facts.join(" · ")));
    blocks.truncate(MAX_BLOCKS);
    Rendered {
        text: escape(&title),
        blocks: Some(Value::Array(blocks)),
    }
}

/// One case in full: verdict, time, memory, input, expected, got, printout, error.
fn case_text(label: &str, case: &CaseRun) -> String {
    let mut out = format!("*{label}:* {}", verdict(case.verdict));
    let measures = [case.time_ms.map(ms), case.memory_bytes.map(mib)];
    for m in measures.into_iter().flatten() {
        let _ = write!(out, " · {m}");
    }
    let _ = write!(out, "\ninput: {}", inline(&case.input));
    if let Some(expected) = &case.expected {
        let _ = write!(out, "\nexpected: {}", inline(expected));
    }
    if let Some(got) = &case.got {
        let _ = write!(out, "\ngot: {}", inline(got));
    }
    if !case.stdout.is_empty() {
        let _ = write!(out, "\nprinted:\n{}", fenced(&case.stdout));
    }
    if let Some(error) = &case.error {
        let _ = write!(out, "\nerror:\n{}", fenced(error));
    }
    out
}

/// The hidden tests: counts, then each case's verdict, time and memory on a line.
fn hidden(cases: &[CaseBrief]) -> String {
    let passed = cases.iter().filter(|c| c.verdict.ok()).count();
    let mut out = format!("*Hidden tests:* {passed} of {} passed", cases.len());
    let budget = SECTION_CHARS - 100;
    for (i, case) in cases.iter().enumerate() {
        let mut line = format!("\n{} #{}", verdict(case.verdict), i + 1);
        for m in [case.time_ms.map(ms), case.memory_bytes.map(mib)]
            .into_iter()
            .flatten()
        {
            let _ = write!(line, " · {m}");
        }
        if out.chars().count() + line.chars().count() > budget {
            let _ = write!(out, "\n… and {} more", cases.len() - i);
            break;
        }
        out.push_str(&line);
    }
    out
}

fn verdict(v: CaseVerdict) -> String {
    let mark = if v.ok() { "✓" } else { "✗" };
    format!("{mark} {}", v.label())
}

/// A value on one line as inline code: escaped, without backticks, capped.
fn inline(text: &str) -> String {
    let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("`{}`", escape(&clip(&one.replace('`', "'"), VALUE_CHARS)))
}

/// The last lines of `text` in a fenced block it cannot close, escaped and capped.
fn fenced(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n");
    let chars = tail.chars().count();
    let tail: String = if chars > BLOCK_CHARS {
        let kept: String = tail.chars().skip(chars - BLOCK_CHARS + 1).collect();
        format!("…{kept}")
    } else {
        tail
    };
    format!(
        "```\n{}\n```",
        escape(&tail.replace("```", "'''")).trim_end()
    )
}

fn ms(t: f64) -> String {
    if t < 1.0 {
        format!("{t:.2} ms")
    } else if t < 10.0 {
        format!("{t:.1} ms")
    } else {
        format!("{t:.0} ms")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::runs::samples::case;
    use crate::domain::{HiddenTests, Platform};

    fn run(verdict: CaseVerdict) -> TestsRun {
        crate::domain::runs::samples::run(Platform::Slack, verdict, 1, 2, Some("about O(n)"))
    }
    use slack_morphism::prelude::SlackBlock;

    fn brief(verdict: CaseVerdict) -> CaseBrief {
        CaseBrief {
            verdict,
            time_ms: Some(1.5),
            memory_bytes: Some(10 << 20),
        }
    }

    fn blocks(r: &Rendered) -> Vec<SlackBlock> {
        serde_json::from_value(r.blocks.clone().expect("blocks")).expect("valid Block Kit")
    }

    #[test]
    fn a_passing_run_shows_each_example_and_the_hidden_tests_with_time_and_memory() {
        let r = tests_run(&run(CaseVerdict::Passed));
        blocks(&r);
        assert_eq!(r.text, "Test run: 3 of 3 passed (python)");
        let all = r.blocks.unwrap().to_string();
        assert!(
            all.contains("*Example 1:* ✓ passed · 0.40 ms · 9.0 MiB"),
            "{all}"
        );
        assert!(all.contains("expected: `[0, 1]`"), "{all}");
        assert!(all.contains("*Hidden tests:* 2 of 2 passed"), "{all}");
        assert!(all.contains("✓ passed #2 · 12 ms · 11.0 MiB"), "{all}");
        assert!(all.contains("Measured complexity: about O(n)"), "{all}");
        assert!(!all.contains("First failing"), "{all}");
    }

    #[test]
    fn a_wrong_answer_shows_the_first_failing_hidden_case_in_full() {
        let r = tests_run(&run(CaseVerdict::WrongAnswer));
        let all = r.blocks.unwrap().to_string();
        assert!(
            all.contains("First failing hidden test (wrong answer):* ✗ wrong answer"),
            "{all}"
        );
        assert!(all.contains("got: `[1, 0]`"), "{all}");
    }

    #[test]
    fn a_compile_error_shows_the_compilers_lines() {
        let mut r = run(CaseVerdict::CompileError);
        r.examples.clear();
        r.tests = HiddenTests::default();
        r.error = Some("solution.cpp:3:5: error: expected ';' before '}'".into());
        let all = tests_run(&r).blocks.unwrap().to_string();
        assert!(all.contains("*Compiler output*"), "{all}");
        assert!(all.contains("solution.cpp:3:5: error"), "{all}");
    }

    #[test]
    fn program_output_can_neither_ping_nor_close_the_fence() {
        let mut r = run(CaseVerdict::RuntimeError);
        r.examples[0].verdict = CaseVerdict::RuntimeError;
        r.examples[0].stdout = "<!channel> ```".into();
        r.examples[0].error = Some(format!("{}ValueError: <@U1>", "frame\n".repeat(40)));
        let rendered = tests_run(&r);
        blocks(&rendered);
        let all = rendered.blocks.unwrap().to_string();
        assert!(
            !all.contains("<!channel>") && !all.contains("<@U1>"),
            "{all}"
        );
        assert!(all.contains("&lt;!channel&gt; '''"), "{all}");
        assert_eq!(
            all.matches("frame").count(),
            TAIL_LINES - 1,
            "the last lines"
        );
    }

    #[test]
    fn a_huge_run_stays_within_slacks_limits() {
        let mut r = run(CaseVerdict::WrongAnswer);
        let long = "9".repeat(2048);
        r.examples = (0..60)
            .map(|_| CaseRun {
                input: long.clone(),
                stdout: "x\n".repeat(1000),
                error: Some("e\n".repeat(1000)),
                ..case(CaseVerdict::WrongAnswer, &long)
            })
            .collect();
        r.tests.cases = vec![brief(CaseVerdict::Passed); 500];
        let rendered = tests_run(&r);
        let parsed = blocks(&rendered);
        assert!(parsed.len() <= MAX_BLOCKS);
        for b in rendered.blocks.unwrap().as_array().unwrap() {
            let text = b["text"]["text"].as_str().unwrap_or_default();
            assert!(text.chars().count() <= 3000, "{}", text.chars().count());
        }
    }

    #[test]
    fn the_run_modal_is_valid_and_its_code_is_optional() {
        let view = run_modal("C1|1.0", Some("python"));
        let _: slack_morphism::prelude::SlackView =
            serde_json::from_value(view.clone()).expect("valid view");
        assert_eq!(view["callback_id"], MODAL_RUN);
        assert_eq!(view["blocks"][1]["optional"], true);
    }
}
