//! An interview as a Markdown document: problem, every turn with code in fenced blocks,
//! each analysis with its rubric, and the summary. Rendered from the log alone, so it
//! works for any interview on any platform, and after a member was forgotten it shows
//! only what the log still holds.

use crate::domain::{EndedBy, Event, Problem};
use crate::ports::RecordedEvent;
use crate::problems::ProblemBank;
use std::fmt::Write;

/// Render one interview's events (in order) as Markdown.
pub fn markdown(events: &[RecordedEvent], bank: Option<&ProblemBank>) -> String {
    let mut out = String::new();
    for r in events {
        let at = r.event.at().format("%Y-%m-%d %H:%M UTC");
        match &r.event {
            Event::InterviewStarted(e) => {
                let _ = writeln!(out, "# {}\n", e.problem.title());
                let _ = writeln!(out, "- Candidate: {}", e.candidate.name);
                let _ = writeln!(out, "- Place: {}", e.place.label());
                let _ = writeln!(out, "- Started: {at}");
                if let Some(l) = &e.language {
                    let _ = writeln!(out, "- Language: {l}");
                }
                if let Some(d) = e.difficulty {
                    let _ = writeln!(out, "- Difficulty: {}", d.as_str());
                }
                if let Some(m) = e.time_limit_minutes {
                    let _ = writeln!(out, "- Time limit: {m} minutes");
                }
                let _ = writeln!(out, "- Coach: {}\n\n## Problem\n", e.coach.model);
                match &e.problem {
                    Problem::Custom { text, .. } => quote(&mut out, text),
                    Problem::Bank { id, version, .. } => match bank
                        .and_then(|b| b.get_version(id, *version))
                    {
                        Some(p) => {
                            let _ = writeln!(out, "{}", p.statement.trim());
                        }
                        None => {
                            let _ =
                                writeln!(out, "Problem `{id}` (version {version}) from the bank.");
                        }
                    },
                }
                let _ = writeln!(out, "\n## Transcript\n");
            }
            Event::ApproachExplained(e) => {
                let _ = writeln!(out, "**{}** explained the approach ({at}):\n", e.actor.name);
                quote(&mut out, &e.text);
            }
            Event::CodeSubmitted(e) => {
                let _ = writeln!(
                    out,
                    "**{}** submitted code #{} ({at}):\n",
                    e.actor.name, e.submission
                );
                fence(&mut out, &e.language, &e.code);
            }
            Event::CandidateMessage(e) => {
                let _ = writeln!(out, "**{}** ({at}):\n", e.actor.name);
                quote(&mut out, &e.text);
            }
            Event::HintRequested(e) => {
                let _ = writeln!(out, "*{} asked for hint {}.*\n", e.actor.name, e.hint);
            }
            Event::CoachReplied(e) => {
                let _ = writeln!(out, "**Coach** ({}):\n", e.kind.as_str().replace('_', " "));
                quote(&mut out, &e.text);
            }
            Event::CodeAnalyzed(e) => {
                let a = &e.analysis;
                let _ = writeln!(out, "### Analysis of submission (score {})\n", a.score);
                for (label, text) in [
                    ("Correctness", &a.correctness),
                    ("Feedback", &a.technical_feedback),
                    ("Complexity", &a.complexity_analysis),
                    ("Code quality", &a.code_quality),
                    ("Follow-up question", &a.follow_up_question),
                ] {
                    let _ = writeln!(out, "- **{label}:** {}", one_line(text));
                }
                rubric(&mut out, &a.rubric);
            }
            Event::CoachFailed(e) => {
                let _ = writeln!(out, "*The coach could not answer: {}*\n", e.message);
            }
            Event::InterviewEnded(e) => {
                let who = match &e.by {
                    EndedBy::Member { actor } => actor.name.clone(),
                    EndedBy::Timer => "the time limit".to_string(),
                };
                let _ = writeln!(out, "*Ended by {who} ({at}).*\n");
            }
            Event::SummaryWritten(e) => {
                let _ = writeln!(out, "## Summary\n\n{}\n", e.overall.trim());
                let _ = writeln!(
                    out,
                    "- Duration: {} minutes\n- Submissions: {}\n- Hints used: {}\n- Hire signal: {}\n",
                    e.duration_seconds / 60,
                    e.submissions,
                    e.hints_used,
                    e.hire_signal.as_str().replace('_', " ")
                );
                list(&mut out, "Strengths", &e.strengths);
                list(&mut out, "To improve", &e.improvements);
                rubric(&mut out, &e.rubric);
            }
            Event::RetryRequested(_) | Event::ContextCompacted(_) => {}
        }
    }
    out
}

fn quote(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "> {line}");
    }
    out.push('\n');
}

/// A fenced block that the code itself cannot close: the fence is longer than any
/// run of backticks inside.
fn fence(out: &mut String, language: &str, code: &str) {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    let lang: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '#')
        .collect();
    let _ = writeln!(out, "{ticks}{lang}\n{}\n{ticks}\n", code.trim_end());
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{title}**\n");
    for i in items {
        let _ = writeln!(out, "- {}", one_line(i));
    }
    out.push('\n');
}

fn rubric(out: &mut String, r: &crate::domain::Rubric) {
    let _ = writeln!(out, "\n| dimension | band | evidence |\n|---|---|---|");
    for (name, d) in r.dimensions() {
        let _ = writeln!(
            out,
            "| {} | {}/4 ({}) | {} |",
            name.replace('_', " "),
            d.score.get(),
            d.score.label(),
            one_line(&d.evidence).replace('|', "\\|")
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::practice::golden;
    use crate::problems::ProblemBank;

    #[test]
    fn the_markdown_of_each_fixture_log_matches_its_golden_file() {
        let bank = ProblemBank::load_default().unwrap();
        for (name, log) in golden::logs() {
            golden::check(
                &format!("{name}.export.md"),
                &super::markdown(&log, Some(&bank)),
            );
            golden::check(
                &format!("{name}.export-nobank.md"),
                &super::markdown(&log, None),
            );
        }
    }
}
