//! An interview's transcript for the read API, built from its events in the log: the
//! row (folded with the interview list's own pure fold, so it never lags), the problem,
//! and, from the transcript view (`practice::transcript`), each entry a person would want
//! to read (retries and compactions are left out).
//!
//! Pure; text is passed through as data, and the page renders it as text.

use super::views::{Person, RowView, SummaryBody};
use crate::domain::{Analysis, Problem, Regraded, TestsRun, Version};
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
    /// The operator's regrade (`regrade --record`): new figures per analysis (by
    /// `reply_to`) and the summary, which the page shows beside the originals; `text`
    /// is its one-line form. The originals stay the interview's scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regraded: Option<Regraded>,
    /// On an analysis or the summary: each recorded regrade's new figures for it, to
    /// show beside the original (which stays the score).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regrades: Vec<Beside>,
}

/// One regrade's figures for one analysis or summary.
#[derive(Debug, Serialize)]
pub struct Beside {
    pub prompt_version: String,
    pub model: String,
    pub repeat: u32,
    /// An analysis's new overall score (the lower median of the repeats) and each one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    pub scores: Vec<i64>,
    /// The new band of each rubric dimension (lower medians), in the rubric's order.
    pub bands: Vec<i64>,
    /// A summary's new hire signal (the lower median) and each repeat's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hire_signal: Option<&'static str>,
    pub hire_signals: Vec<&'static str>,
    /// Repeats that gave no valid answer.
    pub failed: u32,
}

impl Beside {
    fn of(r: &Regraded, t: &crate::domain::RegradedTurn) -> Beside {
        use crate::domain::regrade::{median, signal_at, signal_step};
        let scores = crate::practice::regrades::scores(t);
        let steps: Vec<i64> = t
            .grades
            .iter()
            .filter_map(|g| g.hire_signal.map(signal_step))
            .collect();
        let bands = (0..4)
            .filter_map(|i| {
                let of_dim: Vec<i64> = t
                    .grades
                    .iter()
                    .map(|g| i64::from(g.bands[i].get()))
                    .collect();
                median(&of_dim)
            })
            .collect();
        Beside {
            prompt_version: r.stamp.prompt_version.clone(),
            model: r.stamp.model.clone(),
            repeat: r.repeat,
            score: median(&scores),
            scores,
            bands,
            hire_signal: median(&steps).map(|m| signal_at(m).as_str()),
            hire_signals: t
                .grades
                .iter()
                .filter_map(|g| g.hire_signal.map(|h| h.as_str()))
                .collect(),
            failed: t.failed,
        }
    }
}

/// Put each recorded regrade's figures on the analysis or summary it regraded.
fn attach_regrades(view: &view::Transcript, entries: &mut [Entry]) {
    for r in view.entries.iter().filter_map(|e| match &e.what {
        What::Regraded(r) => Some(r),
        _ => None,
    }) {
        for t in &r.turns {
            let graded = view.entries.iter().position(|e| match &e.what {
                What::Analysis { reply_to, .. } => *reply_to == t.reply_to,
                What::Summary(s) => s.reply_to == t.reply_to,
                _ => false,
            });
            let version = graded.map(|i| view.entries[i].version);
            if let Some(entry) = entries.iter_mut().find(|e| Some(e.version) == version) {
                entry.regrades.push(Beside::of(r, t));
            }
        }
    }
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
    let view = view::Transcript::of(&loaded.events);
    // issue 16: what a peer interview keeps from its candidate is not shown.
    let private = crate::practice::transcript_peer::private_versions(&loaded.events);
    let mut entries: Vec<Entry> = view
        .entries
        .iter()
        .filter(|e| !private.contains(&e.version))
        .filter_map(entry)
        .collect();
    attach_regrades(&view, &mut entries);
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
            | What::Duel { .. }
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
        regraded: match what {
            What::Regraded(r) => Some(r.as_ref().clone()),
            _ => None,
        },
        regrades: Vec::new(),
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
        What::Regraded(r) => Some(format!(
            "Regraded with prompt {}, model {} ({} repeat(s)): {}",
            r.stamp.prompt_version,
            r.stamp.model,
            r.repeat,
            crate::practice::regrades::figures(r)
        )),
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

    #[test]
    fn a_recorded_regrade_is_shown_on_the_analysis_and_summary_it_regraded() {
        use crate::domain::*;
        let bank = ProblemBank::load_default().unwrap();
        let (_, mut events) = golden::logs().remove(0);
        events.retain(|r| !matches!(r.event, Event::Regraded(_)));
        let of = |f: fn(&Event) -> Option<Version>| events.iter().find_map(|r| f(&r.event));
        let analysed = of(|e| match e {
            Event::CodeAnalyzed(a) => Some(a.reply_to),
            _ => None,
        })
        .unwrap();
        let summarised = of(|e| match e {
            Event::SummaryWritten(s) => Some(s.reply_to),
            _ => None,
        })
        .unwrap();
        let grade = |score: i64| Grade {
            score: Some(Score::new(score).unwrap()),
            bands: [3, 4, 3, 2].map(|b| Band::new(b).unwrap()),
            hire_signal: None,
        };
        let signal = |h| Grade {
            score: None,
            bands: [3, 3, 3, 3].map(|b| Band::new(b).unwrap()),
            hire_signal: Some(h),
        };
        let last = events.last().unwrap().clone();
        events.push(crate::queries::RecordedEvent {
            position: last.position + 1,
            version: last.version + 1,
            event: Event::Regraded(Regraded {
                stamp: CoachStamp {
                    prompt_version: "p3-r1-000000000000".into(),
                    model: "claude-opus".into(),
                },
                repeat: 3,
                turns: vec![
                    RegradedTurn {
                        reply_to: analysed,
                        kind: GradedKind::Analysis,
                        original: grade(7),
                        grades: vec![grade(9), grade(6), grade(8)],
                        failed: 0,
                    },
                    RegradedTurn {
                        reply_to: summarised,
                        kind: GradedKind::Summary,
                        original: signal(HireSignal::LeanYes),
                        grades: vec![signal(HireSignal::No), signal(HireSignal::Yes)],
                        failed: 1,
                    },
                ],
                tokens: 900,
                at: last.event.at(),
            }),
            ..last
        });
        let loaded = Loaded {
            stream: events[0].stream_id.clone(),
            events,
        };
        let t = super::build(&loaded, &bank).unwrap();
        let json = serde_json::to_value(&t).unwrap();
        let entries = json["entries"].as_array().unwrap();
        let by_type = |ty: &str| entries.iter().find(|e| e["type"] == ty).unwrap();
        let beside = &by_type("code_analyzed")["regrades"][0];
        assert_eq!(beside["score"], 8);
        assert_eq!(beside["scores"], serde_json::json!([9, 6, 8]));
        assert_eq!(beside["bands"], serde_json::json!([3, 4, 3, 2]));
        assert_eq!(beside["model"], "claude-opus");
        let beside = &by_type("summary_written")["regrades"][0];
        assert_eq!(beside["hire_signal"], "no");
        assert_eq!(beside["failed"], 1);
        // The original stays: the analysis entry's own score is untouched.
        assert_eq!(by_type("code_analyzed")["analysis"]["score"], 7);
        let line = by_type("regraded")["text"].as_str().unwrap();
        assert!(line.contains("analysis of #"), "{line}");
        assert!(by_type("code_submitted").get("regrades").is_none());
    }
}
