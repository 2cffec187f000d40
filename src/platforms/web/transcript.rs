//! An interview's transcript for the read API, built from its events in the log: the
//! row (folded with the interview list's own pure fold, so it never lags), the problem,
//! and, from the transcript view (`practice::transcript`), each entry a person would want
//! to read (retries and compactions are left out).
//!
//! Pure; text is passed through as data, and the page renders it as text.

use super::views::{Person, RowView, SummaryBody};
use crate::domain::{Analysis, Problem, TestsRun, Version};
use crate::practice::transcript::{self as view, What, Who};
use crate::problems::ProblemBank;
use crate::queries::InterviewRow;
use crate::queries::Loaded;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Transcript {
    pub interview: RowView,
    pub problem: ProblemView,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct ProblemView {
    pub title: String,
    pub statement: String,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub version: Version,
    pub at: DateTime<Utc>,
    #[serde(rename = "type")]
    pub kind_of: &'static str,
    pub actor: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A run of the code: its verdicts as the log holds them (`text` is the table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests_run: Option<TestsRun>,
}

/// The transcript of a loaded interview, or `None` if its first event is not a start.
/// A bank problem's statement comes from `bank` (its title when the bank lacks it).
pub fn build(loaded: &Loaded, bank: &ProblemBank) -> Option<Transcript> {
    let first = loaded.events.first()?;
    let mut row = InterviewRow::start(first)?;
    for e in &loaded.events[1..] {
        row.apply(e);
    }
    let started = loaded.started()?;
    let statement = match &started.problem {
        Problem::Custom { text, .. } => text.clone(),
        Problem::Bank { id, version, title } => bank
            .get_version(id, *version)
            .map(|p| p.full_statement())
            .unwrap_or_else(|| title.clone()),
    };
    // issue 16: what a peer interview keeps from its candidate is not shown.
    let private = crate::practice::transcript_peer::private_versions(&loaded.events);
    let entries = view::Transcript::of(&loaded.events)
        .entries
        .iter()
        .filter(|e| !private.contains(&e.version))
        .filter_map(entry)
        .collect();
    Some(Transcript {
        interview: RowView::from(&row),
        problem: ProblemView {
            title: started.problem.title().to_string(),
            statement,
        },
        entries,
    })
}

/// The API's entry for one view entry; `None` for bookkeeping (retries, compactions,
/// revoked share links).
pub fn entry(e: &view::Entry) -> Option<Entry> {
    let what = &e.what;
    if matches!(
        what,
        What::Retry { .. }
            | What::Compacted { .. }
            | What::ShareRevoked { .. }
            | What::Unknown { .. }
    ) {
        return None;
    }
    let (code, language) = match what {
        What::Code { code, language, .. } => (Some(code.clone()), Some(language.clone())),
        What::TestsRun(run) => match &run.of {
            crate::domain::RunOf::Adhoc { code } => {
                (Some(code.clone()), Some(run.language.clone()))
            }
            crate::domain::RunOf::Submission { .. } => (None, Some(run.language.clone())),
        },
        _ => (None, None),
    };
    Some(Entry {
        version: e.version,
        at: e.at,
        kind_of: e.event_type,
        actor: e.who.member().map(Person::from),
        text: text(e),
        code,
        language,
        kind: match what {
            What::CoachReply { kind, .. } => Some(kind.as_str()),
            What::Ended { reason } => Some(reason.as_str()),
            _ => None,
        },
        analysis: match what {
            What::Analysis { analysis, .. } => Some(analysis.clone()),
            _ => None,
        },
        summary: match what {
            What::Summary(s) => Some(SummaryBody::from(s)),
            _ => None,
        },
        error: match what {
            What::CoachFailure(f) => Some(f.message.clone()),
            _ => None,
        },
        tests_run: match what {
            What::TestsRun(run) => Some(run.as_ref().clone()),
            _ => None,
        },
    })
}

/// An entry's text: what was said, the problem (a custom one's text, a bank one's
/// title), or why the timer ended the interview.
fn text(e: &view::Entry) -> Option<String> {
    match &e.what {
        What::Started(s) => Some(match &s.problem {
            Problem::Custom { text, .. } => text.clone(),
            other => other.title().to_string(),
        }),
        What::Approach { text } | What::Message { text } | What::CoachReply { text, .. } => {
            Some(text.clone())
        }
        What::Ended { .. } if e.who == Who::Timer => Some("The time limit was reached.".into()),
        What::TestsRun(run) => Some(crate::practice::runs::render(run, usize::MAX)),
        What::Peer(peer) => Some(peer.line(e.who.name())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::practice::golden;
    use crate::problems::ProblemBank;
    use crate::queries::Loaded;

    #[test]
    fn the_json_transcript_of_each_fixture_log_matches_its_golden_file() {
        let bank = ProblemBank::load_default().unwrap();
        for (name, events) in golden::logs() {
            let loaded = Loaded {
                stream: events[0].stream_id.clone(),
                events,
            };
            let t = super::build(&loaded, &bank).unwrap();
            let json = serde_json::to_string_pretty(&t).unwrap();
            golden::check(&format!("{name}.web.json"), &json);
        }
    }
}
