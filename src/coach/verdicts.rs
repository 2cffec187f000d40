//! A submission's test results as the coach reads them: how many cases passed, the
//! first failing one, and the instruction to grade correctness on them, so the review
//! never calls a failing submission correct.
//!
//! Everything the candidate's code produced (its answers, prints, errors, compiler
//! output) and their own inputs are fenced as candidate data; only the counts, verdicts
//! and the bank's own inputs and expected outputs appear bare.

use super::prompts::candidate_block;
use crate::domain::{CaseRun, CaseVerdict, Event, TestsRun};
use crate::ports::RecordedEvent;

/// Characters kept of the code's output or error in the prompt.
const KEEP: usize = 600;

/// The run of `submission`'s tests in `events`, if it ran.
pub fn run_of(events: &[RecordedEvent], submission: u32) -> Option<&TestsRun> {
    events.iter().find_map(|r| match &r.event {
        Event::TestsRun(run) if run.submission() == Some(submission) => Some(run),
        _ => None,
    })
}

/// The lines added to a submission's message in the coach's context.
pub fn text(run: &TestsRun) -> String {
    let mut out = String::from(
        "Test results (the code was run in a sandbox on the problem's examples and hidden tests): ",
    );
    if run.verdict == CaseVerdict::CompileError {
        out.push_str("it did not compile, so no case ran.");
        if let Some(error) = &run.error {
            out.push('\n');
            out.push_str(&candidate_block("compiler_output", &clip(error)));
        }
    } else {
        let examples = run.examples.iter().filter(|c| c.verdict.ok()).count();
        out.push_str(&format!(
            "{} of {} passed ({} of {} examples, {} of {} hidden tests); verdict: {}.",
            run.passed(),
            run.total(),
            examples,
            run.examples.len(),
            run.tests.passed(),
            run.tests.total(),
            run.verdict.label()
        ));
        if let Some((case, hidden)) = run.first_failure() {
            let which = if hidden { "hidden test" } else { "example" };
            out.push_str(&format!(
                "\nFirst failing case ({which}, {}): {}",
                case.verdict.label(),
                failing(case)
            ));
        } else if let Some(error) = &run.error {
            out.push('\n');
            out.push_str(&candidate_block("error", &clip(error)));
        }
    }
    out.push_str("\n(Grade correctness on these results: code that fails any case is not correct; name the failing case.)");
    out
}

fn failing(case: &CaseRun) -> String {
    let mut parts = vec![format!("input {}", clip(&case.input))];
    if let Some(expected) = &case.expected {
        parts.push(format!("expected {}", clip(expected)));
    }
    let mut out = parts.join("; ");
    if let Some(got) = &case.got {
        out.push_str(&format!(
            "; got:\n{}",
            candidate_block("output", &clip(got))
        ));
    }
    if let Some(error) = &case.error {
        out.push_str(&format!(
            "\nerror:\n{}",
            candidate_block("error", &clip(error))
        ));
    }
    out
}

/// At most `KEEP` characters (the end, where an error's cause is, for long texts).
fn clip(text: &str) -> String {
    let n = text.chars().count();
    if n <= KEEP {
        return text.to_string();
    }
    let tail: String = text.chars().skip(n - KEEP).collect();
    format!("…{tail}")
}
