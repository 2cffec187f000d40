//! An interview as a Markdown document: problem, every turn with code in fenced blocks,
//! each analysis with its rubric, and the summary. Rendered from the log alone, so it
//! works for any interview on any platform, and after a member was forgotten it shows
//! only what the log still holds. It formats the [`Transcript`] view; retries and
//! compactions are left out.

use super::transcript::{Entry, Started, Transcript, What};
use crate::domain::{Analysis, Problem, SummaryWritten};
use crate::ports::RecordedEvent;
use crate::problems::ProblemBank;
use std::fmt::Write;

/// Render one interview's events (in order) as Markdown.
pub fn markdown(events: &[RecordedEvent], bank: Option<&ProblemBank>) -> String {
    let mut out = String::new();
    // issue 16: what a peer interview keeps from its candidate is not exported.
    let private = super::transcript_peer::private_versions(events);
    let entries = Transcript::of(events).entries;
    for entry in entries.iter().filter(|e| !private.contains(&e.version)) {
        section(&mut out, entry, bank);
    }
    out
}

/// The Markdown of one entry.
fn section(out: &mut String, entry: &Entry, bank: Option<&ProblemBank>) {
    let at = entry.at.format("%Y-%m-%d %H:%M UTC");
    let who = entry.who.name();
    match &entry.what {
        What::Started(s) => started(out, who, &at.to_string(), s, bank),
        What::Approach { text } => {
            let _ = writeln!(out, "**{who}** explained the approach ({at}):\n");
            quote(out, text);
        }
        What::Code {
            language,
            submission,
            code,
            ..
        } => {
            let _ = writeln!(out, "**{who}** submitted code #{submission} ({at}):\n");
            fence(out, language, code);
        }
        What::Message { text } => {
            let _ = writeln!(out, "**{who}** ({at}):\n");
            quote(out, text);
        }
        What::Hint { number } => {
            let _ = writeln!(out, "*{who} asked for hint {number}.*\n");
        }
        What::CoachReply { kind, text, .. } => {
            let _ = writeln!(out, "**Coach** ({}):\n", kind.as_str().replace('_', " "));
            quote(out, text);
        }
        What::Analysis { analysis: a, .. } => analysis(out, a),
        What::CoachFailure(e) => {
            let _ = writeln!(out, "*The coach could not answer: {}*\n", e.message);
        }
        What::Ended { .. } => {
            let _ = writeln!(out, "*Ended by {who} ({at}).*\n");
        }
        What::Summary(s) => summary(out, s),
        What::TestsRun(run) => {
            if let crate::domain::RunOf::Adhoc { code } = &run.of {
                let _ = writeln!(out, "**{who}** ran code ({at}):\n");
                fence(out, &run.language, code);
            }
            let _ = writeln!(out, "{}", super::runs::render(run, usize::MAX));
        }
        What::Peer(peer) => {
            let _ = writeln!(out, "*{} ({at}).*\n", peer.line(who));
        }
        What::Retry { .. }
        | What::Compacted { .. }
        | What::ShareRevoked { .. }
        | What::Regraded(_)
        | What::Duel { .. }
        | What::Unknown { .. } => {}
    }
}

/// The title, the facts and the problem, then the transcript's heading.
fn started(out: &mut String, who: &str, at: &str, s: &Started, bank: Option<&ProblemBank>) {
    let _ = writeln!(out, "# {}\n", s.problem.title());
    let _ = writeln!(out, "- Candidate: {who}");
    let _ = writeln!(out, "- Place: {}", s.place);
    let _ = writeln!(out, "- Started: {at}");
    if let Some(l) = &s.language {
        let _ = writeln!(out, "- Language: {l}");
    }
    if let Some(d) = s.difficulty {
        let _ = writeln!(out, "- Difficulty: {}", d.as_str());
    }
    if let Some(m) = s.time_limit_minutes {
        let _ = writeln!(out, "- Time limit: {m} minutes");
    }
    let _ = writeln!(out, "- Coach: {}\n\n## Problem\n", s.coach_model);
    match &s.problem {
        Problem::Custom { text, .. } => quote(out, text),
        Problem::Bank { id, version, .. } => match bank.and_then(|b| b.get_version(id, *version)) {
            Some(p) => {
                let _ = writeln!(out, "{}", p.statement.trim());
            }
            None => {
                let _ = writeln!(out, "Problem `{id}` (version {version}) from the bank.");
            }
        },
    }
    let _ = writeln!(out, "\n## Transcript\n");
}

fn analysis(out: &mut String, a: &Analysis) {
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
    rubric(out, &a.rubric);
}

fn summary(out: &mut String, s: &SummaryWritten) {
    let _ = writeln!(out, "## Summary\n\n{}\n", s.overall.trim());
    let _ = writeln!(
        out,
        "- Duration: {} minutes\n- Submissions: {}\n- Hints used: {}\n- Hire signal: {}\n",
        s.duration_seconds / 60,
        s.submissions,
        s.hints_used,
        s.hire_signal.as_str().replace('_', " ")
    );
    list(out, "Strengths", &s.strengths);
    list(out, "To improve", &s.improvements);
    rubric(out, &s.rubric);
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
