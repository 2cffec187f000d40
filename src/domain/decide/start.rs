//! Starting an interview: once, with a problem and time limit within bounds.

use super::guards::checked_text;
use super::{MAX_PROBLEM_CHARS, MAX_TIME_LIMIT_MINUTES};
use crate::domain::commands::StartInterview;
use crate::domain::error::DomainError;
use crate::domain::events::{Event, InterviewStarted};
use crate::domain::interview::Interview;
use crate::domain::problem::Problem;

pub(super) fn start(state: &Interview, c: StartInterview) -> Result<Vec<Event>, DomainError> {
    if state.started.is_some() {
        return Err(DomainError::AlreadyStarted);
    }
    if let Problem::Custom { text, .. } = &c.problem {
        checked_text("problem description", text.clone(), MAX_PROBLEM_CHARS)?;
    }
    if let Some(m) = c.time_limit_minutes
        && (m == 0 || m > MAX_TIME_LIMIT_MINUTES)
    {
        return Err(DomainError::InvalidTimeLimit {
            got: m,
            max: MAX_TIME_LIMIT_MINUTES,
        });
    }
    Ok(vec![Event::InterviewStarted(InterviewStarted {
        interview_id: c.interview_id,
        place: c.place,
        candidate: c.candidate,
        problem: c.problem,
        language: c.language,
        difficulty: c.difficulty,
        time_limit_minutes: c.time_limit_minutes,
        mode: c.mode,
        coach: c.coach,
        at: c.at,
    })])
}
