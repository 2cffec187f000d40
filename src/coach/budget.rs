//! Cost control computed from the log, so limits hold across instances and restarts: a
//! per-member cooldown between coach calls and a per-community daily token budget. Pure
//! functions; the worker gathers their inputs. The cooldown never refuses: a turn inside
//! it is answered when it ends. Only the daily budget refuses.

use crate::domain::{Actor, Event, TurnKind, Version};
use crate::ports::RecordedEvent;
use chrono::{DateTime, Duration, Utc};

/// Why a turn is refused before any LLM call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverLimit {
    DailyBudget { used: i64, budget: u64 },
}

impl OverLimit {
    pub fn message(&self) -> String {
        match self {
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

/// When the member's cooldown ends, if `now` is still inside it: the turn waits until
/// then (it is deferred, never refused). Summaries are exempt: ending always works.
pub fn cooldown_until(
    kind: TurnKind,
    last_answer: Option<DateTime<Utc>>,
    cooldown: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if kind == TurnKind::Summary || cooldown <= Duration::zero() {
        return None;
    }
    let due = last_answer? + cooldown;
    (now < due).then_some(due)
}

/// The wait to tell the member of a turn deferred until `due`: whole seconds, at
/// least 1.
pub fn seconds_left(now: DateTime<Utc>, due: DateTime<Utc>) -> u64 {
    let ms = (due - now).num_milliseconds().max(0) as u64;
    ms.div_ceil(1000).max(1)
}

pub fn daily_budget(used: i64, budget: Option<u64>) -> Option<OverLimit> {
    let budget = budget?;
    (used >= budget as i64).then_some(OverLimit::DailyBudget { used, budget })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::seconds(s)
    }

    #[test]
    fn given_an_answer_two_seconds_ago_when_the_cooldown_is_five_then_the_turn_waits_three() {
        let due = cooldown_until(TurnKind::Chat, Some(at(10)), Duration::seconds(5), at(12));
        assert_eq!(due, Some(at(15)));
        assert_eq!(seconds_left(at(12), at(15)), 3);
    }

    #[test]
    fn given_the_cooldown_is_over_when_checked_then_the_turn_goes_now() {
        let due = cooldown_until(TurnKind::Chat, Some(at(10)), Duration::seconds(5), at(15));
        assert_eq!(due, None);
    }

    #[test]
    fn given_a_summary_or_no_answer_yet_when_checked_then_nothing_waits() {
        let five = Duration::seconds(5);
        assert_eq!(
            cooldown_until(TurnKind::Summary, Some(at(10)), five, at(11)),
            None
        );
        assert_eq!(cooldown_until(TurnKind::Chat, None, five, at(11)), None);
    }

    #[test]
    fn given_a_fraction_of_a_second_left_when_told_then_it_says_one_second() {
        assert_eq!(seconds_left(at(0), at(0) + Duration::milliseconds(200)), 1);
    }
}
