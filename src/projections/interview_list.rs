//! The interview list read model: one row per interview, folded from its events.
//! Pure: `apply` knows nothing of databases; `store/read_models.rs` stores the rows.

use crate::domain::{Event, Phase};
use crate::ports::{InterviewRow, RecordedEvent};

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
}
