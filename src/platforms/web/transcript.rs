//! An interview's transcript for the read API, built from its events in the log: the
//! row (folded with the interview list's own pure fold, so it never lags), the problem,
//! and one entry per event a person would want to read.
//!
//! Pure; text is passed through as data, and the page renders it as text.

use super::views::{Person, RowView, SummaryBody};
use crate::domain::{Analysis, EndedBy, Event, Problem, Version};
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

#[derive(Debug, Default, Serialize)]
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
    let entries = loaded
        .events
        .iter()
        .filter_map(|r| entry(r.version, &r.event))
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

/// The entry of one event; `None` for bookkeeping events (retries, compactions).
pub fn entry(version: Version, event: &Event) -> Option<Entry> {
    let base = Entry {
        version,
        at: event.at(),
        kind_of: event.type_name(),
        actor: event.actor().map(Person::from),
        ..Entry::default()
    };
    let entry = match event {
        Event::InterviewStarted(e) => Entry {
            text: Some(match &e.problem {
                Problem::Custom { text, .. } => text.clone(),
                other => other.title().to_string(),
            }),
            ..base
        },
        Event::ApproachExplained(e) => Entry {
            text: Some(e.text.clone()),
            ..base
        },
        Event::CodeSubmitted(e) => Entry {
            code: Some(e.code.clone()),
            language: Some(e.language.clone()),
            ..base
        },
        Event::CandidateMessage(e) => Entry {
            text: Some(e.text.clone()),
            ..base
        },
        Event::HintRequested(_) => base,
        Event::CoachReplied(e) => Entry {
            text: Some(e.text.clone()),
            kind: Some(e.kind.as_str()),
            ..base
        },
        Event::CodeAnalyzed(e) => Entry {
            analysis: Some(e.analysis.clone()),
            ..base
        },
        Event::CoachFailed(e) => Entry {
            error: Some(e.message.clone()),
            ..base
        },
        Event::InterviewEnded(e) => Entry {
            kind: Some(e.reason.as_str()),
            text: matches!(e.by, EndedBy::Timer).then(|| "The time limit was reached.".to_string()),
            ..base
        },
        Event::SummaryWritten(e) => Entry {
            summary: Some(SummaryBody::from(e)),
            ..base
        },
        _ => return None,
    };
    Some(entry)
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
