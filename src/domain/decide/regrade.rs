//! Recording a regrade: only of an ended interview, only of its analyses and summary,
//! with one grade or failure per repeat, and once per prompt version and model.

use super::guards::started;
use crate::domain::error::DomainError;
use crate::domain::events::Event;
use crate::domain::interview::{Interview, TurnKind};
use crate::domain::regrade::{GradedKind, Regraded};

pub(super) fn record(state: &Interview, r: Regraded) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if state.ended.is_none() {
        return Err(DomainError::NotEnded);
    }
    if state.regrades.contains(&r.stamp) {
        return Err(DomainError::AlreadyRegraded {
            prompt_version: r.stamp.prompt_version,
            model: r.stamp.model,
        });
    }
    let invalid = |reason: String| Err(DomainError::InvalidRegrade { reason });
    if r.repeat == 0 || r.turns.is_empty() {
        return invalid("it grades nothing".into());
    }
    for t in &r.turns {
        let kind = state.turns.get(&t.reply_to).map(|turn| turn.kind);
        let expected = match t.kind {
            GradedKind::Analysis => TurnKind::Analysis,
            GradedKind::Summary => TurnKind::Summary,
        };
        if kind != Some(expected) {
            return invalid(format!(
                "event {} opened no {} turn in this interview",
                t.reply_to,
                t.kind.as_str()
            ));
        }
        if t.grades.len() as u64 + u64::from(t.failed) != u64::from(r.repeat) {
            return invalid(format!(
                "turn {} has {} grades and {} failures for {} repeats",
                t.reply_to,
                t.grades.len(),
                t.failed,
                r.repeat
            ));
        }
        let fits = t.grades.iter().chain([&t.original]).all(|g| match t.kind {
            GradedKind::Analysis => g.score.is_some() && g.hire_signal.is_none(),
            GradedKind::Summary => g.score.is_none() && g.hire_signal.is_some(),
        });
        if !fits {
            return invalid(format!(
                "turn {} mixes analysis and summary figures",
                t.reply_to
            ));
        }
    }
    Ok(vec![Event::Regraded(r)])
}
