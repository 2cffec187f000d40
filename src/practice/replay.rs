//! A readable transcript of one interview, rendered from its events alone. Used by the
//! `replay` command; the same log always gives the same text.

use crate::domain::{EndedBy, Event, Problem};
use crate::ports::RecordedEvent;
use std::fmt::Write;

/// Render `events` (one stream, in order) as plain text.
pub fn transcript(events: &[RecordedEvent]) -> String {
    let mut out = String::new();
    for r in events {
        let at = r.event.at().format("%Y-%m-%d %H:%M:%S");
        let _ = write!(out, "[{at}] #{} ", r.version);
        let _ = match &r.event {
            Event::InterviewStarted(e) => {
                let _ = writeln!(
                    out,
                    "Interview {} started by {} in {}",
                    e.interview_id,
                    e.candidate.name,
                    e.place.label()
                );
                let _ = writeln!(out, "    problem: {}", e.problem.title());
                if let Problem::Custom { text, .. } = &e.problem {
                    indent(&mut out, text);
                }
                let mut facts = Vec::new();
                if let Some(l) = &e.language {
                    facts.push(format!("language {l}"));
                }
                if let Some(d) = e.difficulty {
                    facts.push(format!("difficulty {}", d.as_str()));
                }
                if let Some(m) = e.time_limit_minutes {
                    facts.push(format!("{m} minutes"));
                }
                facts.push(format!("coach {}", e.coach.model));
                writeln!(out, "    {}", facts.join(", "))
            }
            Event::ApproachExplained(e) => {
                let _ = writeln!(out, "{} explained the approach:", e.actor.name);
                indent(&mut out, &e.text);
                Ok(())
            }
            Event::CodeSubmitted(e) => {
                let _ = writeln!(
                    out,
                    "{} submitted code #{} ({}, via {:?}):",
                    e.actor.name, e.submission, e.language, e.source
                );
                indent(&mut out, &e.code);
                Ok(())
            }
            Event::CandidateMessage(e) => {
                let _ = writeln!(out, "{}:", e.actor.name);
                indent(&mut out, &e.text);
                Ok(())
            }
            Event::HintRequested(e) => writeln!(out, "{} asked for hint {}", e.actor.name, e.hint),
            Event::RetryRequested(e) => writeln!(
                out,
                "{} asked the coach to retry turn #{}",
                e.actor.name, e.target
            ),
            Event::CoachReplied(e) => {
                let _ = writeln!(out, "Coach ({}, re #{}):", e.kind.as_str(), e.reply_to);
                indent(&mut out, &e.text);
                Ok(())
            }
            Event::CodeAnalyzed(e) => {
                let a = &e.analysis;
                let _ = writeln!(out, "Coach analysis of #{}: score {}", e.reply_to, a.score);
                for (label, text) in [
                    ("correctness", &a.correctness),
                    ("feedback", &a.technical_feedback),
                    ("complexity", &a.complexity_analysis),
                    ("code quality", &a.code_quality),
                    ("follow-up", &a.follow_up_question),
                ] {
                    let _ = writeln!(out, "    {label}: {text}");
                }
                for (name, d) in a.rubric.dimensions() {
                    let _ = writeln!(
                        out,
                        "    {name}: {}/4 ({}) {}",
                        d.score.get(),
                        d.score.label(),
                        d.evidence
                    );
                }
                Ok(())
            }
            Event::CoachFailed(e) => writeln!(
                out,
                "Coach failed on #{} after {} attempt(s): {}",
                e.reply_to, e.attempts, e.message
            ),
            Event::InterviewEnded(e) => match &e.by {
                EndedBy::Member { actor } => writeln!(
                    out,
                    "{} ended the interview ({})",
                    actor.name,
                    e.reason.as_str()
                ),
                EndedBy::Timer => writeln!(
                    out,
                    "The time limit ended the interview ({})",
                    e.reason.as_str()
                ),
            },
            Event::ContextCompacted(e) => {
                writeln!(out, "Coach context compacted up to #{}", e.up_to)
            }
            Event::SummaryWritten(e) => {
                let _ = writeln!(
                    out,
                    "Summary: {} min, {} submission(s), {} hint(s), hire signal {}",
                    e.duration_seconds / 60,
                    e.submissions,
                    e.hints_used,
                    e.hire_signal.as_str()
                );
                indent(&mut out, &e.overall);
                for s in &e.strengths {
                    let _ = writeln!(out, "    + {s}");
                }
                for s in &e.improvements {
                    let _ = writeln!(out, "    - {s}");
                }
                Ok(())
            }
        };
    }
    out
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
