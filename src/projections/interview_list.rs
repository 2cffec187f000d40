//! The interview list read model: one row per interview, folded from its events.
//! Pure: `apply` knows nothing of databases; `sql.rs` stores the rows.

use crate::domain::{Event, Phase, StreamId};
use crate::store::{Position, RecordedEvent};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterviewRow {
    pub interview_id: String,
    pub stream_id: String,
    pub platform: String,
    /// The community: `web`, `discord:{guild}`, `slack:{team}`.
    pub server: String,
    /// A readable place label (server and channel).
    pub place: String,
    pub candidate_id: String,
    pub candidate_name: String,
    pub problem_title: String,
    pub phase: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub last_score: Option<i64>,
    pub submissions: i64,
    pub hints_used: i64,
    pub tokens_used: i64,
    pub last_position: Position,
}

impl InterviewRow {
    /// Start a row from an `InterviewStarted`; other events need an existing row.
    pub fn start(recorded: &RecordedEvent) -> Option<InterviewRow> {
        let Event::InterviewStarted(s) = &recorded.event else {
            return None;
        };
        Some(InterviewRow {
            interview_id: s.interview_id.to_string(),
            stream_id: recorded.stream_id.to_string(),
            platform: s.place.platform().to_string(),
            server: s.place.server(),
            place: s.place.label(),
            candidate_id: s.candidate.member_id(),
            candidate_name: s.candidate.name.clone(),
            problem_title: s.problem.title().to_string(),
            phase: Phase::Approach.as_str().to_string(),
            started_at: s.at,
            ended_at: None,
            last_score: None,
            submissions: 0,
            hints_used: 0,
            tokens_used: 0,
            last_position: recorded.position,
        })
    }

    /// Fold one later event of the same stream into the row.
    pub fn apply(&mut self, recorded: &RecordedEvent) {
        self.last_position = recorded.position;
        self.tokens_used += recorded.event.tokens_used() as i64;
        let phase = match &recorded.event {
            Event::InterviewStarted(_) => None,
            Event::ApproachExplained(_) => Some(Phase::Coding),
            Event::CodeSubmitted(e) => {
                self.submissions = i64::from(e.submission);
                Some(Phase::Feedback)
            }
            Event::HintRequested(e) => {
                self.hints_used = i64::from(e.hint);
                None
            }
            Event::CodeAnalyzed(e) => {
                self.last_score = Some(i64::from(e.analysis.score.get()));
                None
            }
            Event::InterviewEnded(e) => {
                self.ended_at = Some(e.at);
                Some(Phase::Ended)
            }
            Event::SummaryWritten(_) => Some(Phase::Summarised),
            _ => None,
        };
        if let Some(p) = phase {
            self.phase = p.as_str().to_string();
        }
    }

    pub fn stream(&self) -> StreamId {
        StreamId(self.stream_id.clone())
    }
}

/// Filters of the interview list; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewFilter {
    pub platform: Option<String>,
    /// Matches the server (`discord:123`) or the place label.
    pub place: Option<String>,
    /// Matches the member id (`discord:42`).
    pub member: Option<String>,
    pub phase: Option<String>,
    /// Only interviews that are not ended.
    pub open_only: bool,
    pub limit: Option<u32>,
}
