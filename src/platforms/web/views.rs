//! JSON shapes shared by the WebSocket frames and the read API (docs/WEB-API.md): a
//! person, an interview row, a summary body, and the human duration of an interview.
//!
//! Plain conversions from domain values and read-model rows; nothing here reads the
//! store or decides anything.

use crate::domain::{Actor, Rubric, SummaryWritten};
use crate::queries::InterviewRow;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// `{id, name}`: a member (`{platform}:{user_id}`) and the name shown.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

impl From<&Actor> for Person {
    fn from(a: &Actor) -> Person {
        Person {
            id: a.member_id(),
            name: a.name.clone(),
        }
    }
}

/// `InterviewRow` of the API.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub interview_id: String,
    pub stream_id: String,
    pub platform: String,
    pub place: String,
    pub candidate: Person,
    pub problem_title: String,
    pub phase: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub last_score: Option<i64>,
    pub submissions: i64,
    pub hints_used: i64,
    /// A peer interview's result (issue 16): both rubrics and the rating; only in the
    /// list, which reads each listed interview for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<crate::practice::peer::PeerSummary>,
}

impl From<&InterviewRow> for RowView {
    fn from(r: &InterviewRow) -> RowView {
        RowView {
            interview_id: r.interview_id.clone(),
            stream_id: r.stream_id.clone(),
            platform: r.platform.clone(),
            place: r.place.clone(),
            candidate: Person {
                id: r.candidate_id.clone(),
                name: r.candidate_name.clone(),
            },
            problem_title: r.problem_title.clone(),
            phase: r.phase.clone(),
            started_at: r.started_at,
            ended_at: r.ended_at,
            last_score: r.last_score,
            submissions: r.submissions,
            hints_used: r.hints_used,
            peer: None,
        }
    }
}

/// The seed's `session_data`.
#[derive(Debug, Clone, Serialize)]
pub struct SessionData {
    pub duration: String,
    pub submissions: u32,
}

/// A written summary: the seed's `summary` and `session_data` plus the extensions.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryBody {
    pub summary: String,
    pub session_data: SessionData,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub rubric: Rubric,
    pub hire_signal: &'static str,
    pub hints_used: u32,
}

impl From<&SummaryWritten> for SummaryBody {
    fn from(s: &SummaryWritten) -> SummaryBody {
        SummaryBody {
            summary: s.overall.clone(),
            session_data: SessionData {
                duration: human_duration(s.duration_seconds),
                submissions: s.submissions,
            },
            strengths: s.strengths.clone(),
            improvements: s.improvements.clone(),
            rubric: s.rubric.clone(),
            hire_signal: s.hire_signal.as_str(),
            hints_used: s.hints_used,
        }
    }
}

/// "less than a minute", "1 minute", "25 minutes", "1 hour 5 minutes".
pub fn human_duration(seconds: u64) -> String {
    let minutes = (seconds + 30) / 60;
    if seconds < 60 {
        return "less than a minute".to_string();
    }
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_like_the_seed() {
        assert_eq!(human_duration(10), "less than a minute");
        assert_eq!(human_duration(60), "1 minute");
        assert_eq!(human_duration(25 * 60 + 10), "25 minutes");
        assert_eq!(human_duration(3600), "1 hour");
        assert_eq!(human_duration(3900), "1 hour 5 minutes");
        assert_eq!(human_duration(7200 + 120), "2 hours 2 minutes");
    }
}
