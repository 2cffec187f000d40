//! Cost control computed from the log, so limits hold across instances and restarts: a
//! per-member cooldown between coach calls and a per-community daily token budget. Pure
//! functions; the worker gathers their inputs.

use crate::domain::{Actor, Event, TurnKind, Version};
use crate::ports::RecordedEvent;
use chrono::{DateTime, Duration, Utc};

/// Why a turn is refused before any LLM call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverLimit {
    Cooldown { wait_seconds: i64 },
    DailyBudget { used: i64, budget: u64 },
}

impl OverLimit {
    pub fn message(&self) -> String {
        match self {
            OverLimit::Cooldown { wait_seconds } => format!(
                "You're going a bit fast: the coach can answer you again in {wait_seconds} s. Use retry then; nothing you sent is lost."
            ),
            OverLimit::DailyBudget { used, budget } => format!(
                "This community has used its daily coach budget ({used} of {budget} tokens). It resets at midnight UTC; use retry after that."
            ),
        }
    }
}

/// The member who opened the turn `reply_to`, and when it was (last) asked for.
pub fn turn_owner(events: &[RecordedEvent], reply_to: Version) -> Option<(Actor, DateTime<Utc>)> {
    let opened = events.iter().find(|r| r.version == reply_to)?;
    let actor = match &opened.event {
        Event::InterviewEnded(_) | Event::InterviewStarted(_) => {
            opened.event.actor().cloned().or_else(|| candidate(events))
        }
        other => other.actor().cloned(),
    }?;
    let asked_at = events
        .iter()
        .filter_map(|r| match &r.event {
            Event::RetryRequested(e) if e.target == reply_to => Some(e.at),
            _ => None,
        })
        .next_back()
        .unwrap_or(opened.event.at());
    Some((actor, asked_at))
}

fn candidate(events: &[RecordedEvent]) -> Option<Actor> {
    events.iter().find_map(|r| match &r.event {
        Event::InterviewStarted(s) => Some(s.candidate.clone()),
        _ => None,
    })
}

/// When the coach last answered `member` in these events (an LLM-produced answer).
pub fn last_answer_to(events: &[RecordedEvent], member: &Actor) -> Option<DateTime<Utc>> {
    events
        .iter()
        .filter(|r| r.event.tokens_used() > 0)
        .filter(|r| {
            let Some(target) = r.event.reply_to() else {
                return false;
            };
            events
                .iter()
                .find(|c| c.version == target)
                .and_then(|c| c.event.actor())
                .is_some_and(|a| a.same_person(member))
        })
        .map(|r| r.event.at())
        .max()
}

/// The cooldown check: summaries are exempt (ending always works).
pub fn cooldown(
    kind: TurnKind,
    asked_at: DateTime<Utc>,
    last_answer: Option<DateTime<Utc>>,
    cooldown: Duration,
) -> Option<OverLimit> {
    if kind == TurnKind::Summary || cooldown <= Duration::zero() {
        return None;
    }
    let last = last_answer?;
    let since = asked_at - last;
    if since < cooldown {
        let wait = (cooldown - since).num_seconds().max(1);
        return Some(OverLimit::Cooldown { wait_seconds: wait });
    }
    None
}

pub fn daily_budget(used: i64, budget: Option<u64>) -> Option<OverLimit> {
    let budget = budget?;
    (used >= budget as i64).then_some(OverLimit::DailyBudget { used, budget })
}
