//! The interview list read model: one row per interview, folded from its events.
//! Pure: `apply` knows nothing of databases; `store/read_models.rs` stores the rows.
//!
//! Besides what the list shows, a row keeps what the background work looks up by an
//! indexed query instead of reading every open interview: the deadline and whether it
//! was warned (timers), when the candidate last acted (abandoned web interviews), the
//! coach turns still pending (the coach's scan) and how many coach events a chat outbox
//! has to post. Each mirrors the domain's own fold (`Interview::apply`), which stays the
//! judge: the timers and the coach decide on the stream, never on the row.

use crate::domain::{Event, Phase, ReplyKind};
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
            deadline: s
                .time_limit_minutes
                .map(|m| s.at + chrono::Duration::minutes(i64::from(m))),
            time_warned: false,
            last_candidate_at: s.at,
            pending_turns: if matches!(s.problem, crate::domain::Problem::Custom { .. }) {
                vec![recorded.version]
            } else {
                Vec::new()
            },
            coach_messages: 0,
        })
    }

    /// Whether a chat platform's outbox posts this event (every coach event).
    pub fn is_coach_message(event: &Event) -> bool {
        matches!(
            event,
            Event::CoachReplied(_)
                | Event::CodeAnalyzed(_)
                | Event::CoachFailed(_)
                | Event::SummaryWritten(_)
        )
    }

    /// The pending turns, as the domain folds them: a candidate event (and an end)
    /// opens one, a coach answer or failure closes it, a retry opens it again.
    fn fold_turns(&mut self, recorded: &RecordedEvent) {
        let opens = match &recorded.event {
            Event::ApproachExplained(_)
            | Event::CodeSubmitted(_)
            | Event::CandidateMessage(_)
            | Event::HintRequested(_)
            | Event::InterviewEnded(_) => Some(recorded.version),
            Event::RetryRequested(e) => Some(e.target),
            _ => None,
        };
        if let Some(v) = opens.filter(|v| !self.pending_turns.contains(v)) {
            self.pending_turns.push(v);
            self.pending_turns.sort_unstable();
        }
        if let Some(answered) = recorded.event.reply_to() {
            self.pending_turns.retain(|v| *v != answered);
        }
    }

    /// Fold one later event of the same stream into the row.
    pub fn apply(&mut self, recorded: &RecordedEvent) {
        self.last_position = recorded.position;
        self.tokens_used += recorded.event.tokens_used() as i64;
        if recorded.event.actor().is_some() {
            self.last_candidate_at = recorded.event.at();
        }
        if InterviewRow::is_coach_message(&recorded.event) {
            self.coach_messages += 1;
        }
        self.fold_turns(recorded);
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
            Event::CoachReplied(e) if e.kind == ReplyKind::TimeWarning => {
                self.time_warned = true;
                None
            }
            _ => None,
        };
        if let Some(p) = phase {
            self.phase = p.as_str().to_string();
        }
    }
}
