//! The clock and the end: the one-time warning before the deadline, and ending the
//! interview, by the candidate at any time, by the timer once the deadline has passed,
//! or by the timer once the candidate has been idle long enough (abandoned).

use super::guards::{candidate_only, open, started};
use crate::domain::commands::{Command, EndBy};
use crate::domain::error::DomainError;
use crate::domain::events::*;
use crate::domain::interview::Interview;
use chrono::{DateTime, Utc};

pub(super) fn warn_time(
    state: &Interview,
    minutes_left: u32,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    let deadline = state.deadline().ok_or(DomainError::NoTimeLimit)?;
    if state.time_warned {
        return Err(DomainError::AlreadyWarned);
    }
    if at < deadline - chrono::Duration::minutes(i64::from(minutes_left)) || at >= deadline {
        return Err(DomainError::WarningNotDue);
    }
    let left = (deadline - at).num_minutes().max(1);
    Ok(vec![Event::CoachReplied(CoachReplied {
        reply_to: 0,
        kind: ReplyKind::TimeWarning,
        text: format!(
            "About {left} minute{} left. Make sure your best solution is submitted, then talk through how you would test it.",
            if left == 1 { "" } else { "s" }
        ),
        usage: None,
        stamp: None,
        at,
    })])
}

pub(super) fn end(
    state: &Interview,
    by: EndBy,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if state.ended.is_some() {
        return Err(DomainError::AlreadyEnded);
    }
    let reason = Command::end_reason(&by);
    let by = match by {
        EndBy::Member(actor) => {
            if !super::peer::may_end(state, &actor) {
                candidate_only(state, &actor)?;
            }
            EndedBy::Member { actor }
        }
        EndBy::Timer => {
            let deadline = state.deadline().ok_or(DomainError::NoTimeLimit)?;
            if at < deadline {
                return Err(DomainError::TimeLimitNotReached);
            }
            EndedBy::Timer
        }
        EndBy::Idle { minutes } => {
            let idle = chrono::Duration::minutes(i64::from(minutes));
            if state.last_candidate_at.is_some_and(|last| at < last + idle) {
                return Err(DomainError::NotIdle { minutes });
            }
            EndedBy::Timer
        }
    };
    Ok(vec![Event::InterviewEnded(InterviewEnded {
        by,
        reason,
        at,
    })])
}
