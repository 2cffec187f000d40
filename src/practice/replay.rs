//! A readable transcript of one interview, rendered from its events alone. Used by the
//! `replay` command; the same log always gives the same text. It formats the
//! [`Transcript`] view, one line (and an indented body) per entry.

use super::transcript::{Entry, Started, Transcript, What, Who};
use crate::domain::{Analysis, Problem, SummaryWritten, Version};
use crate::ports::RecordedEvent;
use std::fmt::Write;

/// Render `events` (one stream, in order) as plain text.
pub fn transcript(events: &[RecordedEvent]) -> String {
    let mut out = String::new();
    for entry in &Transcript::of(events).entries {
        let at = entry.at.format("%Y-%m-%d %H:%M:%S");
        let _ = write!(out, "[{at}] #{} ", entry.version);
        line(&mut out, entry);
    }
    out
}

/// The entry's lines, after its time and version.
fn line(out: &mut String, entry: &Entry) {
    match &entry.what {
        What::Started(s) => started(out, entry.who.name(), s),
        What::Analysis {
            reply_to,
            analysis: a,
        } => analysis(out, *reply_to, a),
        What::Summary(s) => summary(out, s),
        What::TestsRun(run) => {
            put(out, format!("{} ran the tests:", entry.who.name()));
            indent(out, &super::runs::render(run, usize::MAX));
        }
        what => {
            put(out, headline(&entry.who, what));
            if let Some(text) = body(what) {
                indent(out, text);
            }
        }
    }
}

/// The one line of a short entry, or the title of one with a body.
fn headline(who: &Who, what: &What) -> String {
    let name = who.name();
    match what {
        What::Approach { .. } => format!("{name} explained the approach:"),
        What::Code {
            language,
            submission,
            source,
            ..
        } => format!("{name} submitted code #{submission} ({language}, via {source:?}):"),
        What::Message { .. } => format!("{name}:"),
        What::Hint { number } => format!("{name} asked for hint {number}"),
        What::Retry { target } => format!("{name} asked the coach to retry turn #{target}"),
        What::CoachReply { kind, reply_to, .. } => {
            format!("Coach ({}, re #{reply_to}):", kind.as_str())
        }
        What::CoachFailure(e) => format!(
            "Coach failed on #{} after {} attempt(s): {}",
            e.reply_to, e.attempts, e.message
        ),
        What::Ended { reason } if *who == Who::Timer => {
            format!("The time limit ended the interview ({})", reason.as_str())
        }
        What::Ended { reason } => format!("{name} ended the interview ({})", reason.as_str()),
        What::Compacted { up_to } => format!("Coach context compacted up to #{up_to}"),
        What::ShareRevoked { share_id } => format!("Share link {share_id} revoked"),
        What::Regraded(r) => format!(
            "Regraded with prompt {}, model {} ({} repeat(s); the original scores stand): {}",
            r.stamp.prompt_version,
            r.stamp.model,
            r.repeat,
            super::regrades::figures(r)
        ),
        What::Duel { event_type } => format!("Duel: {event_type}"),
        What::Unknown { event_type } => {
            format!("(an event this release cannot read: {event_type})")
        }
        What::Peer(peer) => peer.line(name),
        What::Started(_) | What::Analysis { .. } | What::Summary(_) | What::TestsRun(_) => {
            String::new()
        }
    }
}

/// The text shown indented under the headline.
fn body(what: &What) -> Option<&str> {
    match what {
        What::Approach { text } | What::Message { text } | What::CoachReply { text, .. } => {
            Some(text)
        }
        What::Code { code, .. } => Some(code),
        _ => None,
    }
}

fn started(out: &mut String, who: &str, s: &Started) {
    put(
        out,
        format!(
            "Interview {} started by {who} in {}",
            s.interview_id, s.place
        ),
    );
    put(out, format!("    problem: {}", s.problem.title()));
    if let Problem::Custom { text, .. } = &s.problem {
        indent(out, text);
    }
    let mut facts = Vec::new();
    if let Some(l) = &s.language {
        facts.push(format!("language {l}"));
    }
    if let Some(d) = s.difficulty {
        facts.push(format!("difficulty {}", d.as_str()));
    }
    if let Some(m) = s.time_limit_minutes {
        facts.push(format!("{m} minutes"));
    }
    facts.push(format!("coach {}", s.coach_model));
    put(out, format!("    {}", facts.join(", ")));
}

fn analysis(out: &mut String, reply_to: Version, a: &Analysis) {
    put(
        out,
        format!("Coach analysis of #{reply_to}: score {}", a.score),
    );
    for (label, text) in [
        ("correctness", &a.correctness),
        ("feedback", &a.technical_feedback),
        ("complexity", &a.complexity_analysis),
        ("code quality", &a.code_quality),
        ("follow-up", &a.follow_up_question),
    ] {
        put(out, format!("    {label}: {text}"));
    }
    for (name, d) in a.rubric.dimensions() {
        let (score, label) = (d.score.get(), d.score.label());
        put(
            out,
            format!("    {name}: {score}/4 ({label}) {}", d.evidence),
        );
    }
}

fn summary(out: &mut String, s: &SummaryWritten) {
    put(
        out,
        format!(
            "Summary: {} min, {} submission(s), {} hint(s), hire signal {}",
            s.duration_seconds / 60,
            s.submissions,
            s.hints_used,
            s.hire_signal.as_str()
        ),
    );
    indent(out, &s.overall);
    for s in &s.strengths {
        put(out, format!("    + {s}"));
    }
    for s in &s.improvements {
        put(out, format!("    - {s}"));
    }
}

fn put(out: &mut String, line: String) {
    out.push_str(&line);
    out.push('\n');
}

fn indent(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "    | {line}");
    }
}

#[cfg(test)]
mod tests {
    use crate::practice::golden;

    #[test]
    fn the_replay_of_each_fixture_log_matches_its_golden_file() {
        for (name, log) in golden::logs() {
            golden::check(&format!("{name}.replay.txt"), &super::transcript(&log));
        }
    }
}
