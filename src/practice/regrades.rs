//! A recorded regrade as readers see it beside the originals: each regraded turn's new
//! figure (the lower median of the repeats) with every repeat's value. The replay text
//! and the read API use it; the original scores stay the interview's own.
//!
//! Pure formatting of the `Regraded` event; it never reads the log.

use crate::domain::regrade::{median, signal_at, signal_step};
use crate::domain::{GradedKind, Regraded, RegradedTurn};

/// The repeats' overall scores of an analysis turn.
pub fn scores(t: &RegradedTurn) -> Vec<i64> {
    t.grades
        .iter()
        .filter_map(|g| g.score.map(|s| i64::from(s.get())))
        .collect()
}

/// One line: "analysis of #4: 8/10 (8 7 8); summary: yes (lean_yes yes, 1 failed)".
pub fn figures(r: &Regraded) -> String {
    r.turns
        .iter()
        .map(|t| {
            let (what, new, values) = match t.kind {
                GradedKind::Analysis => {
                    let s = scores(t);
                    (
                        format!("analysis of #{}", t.reply_to),
                        median(&s).map(|m| format!("{m}/10")),
                        s.iter().map(i64::to_string).collect::<Vec<_>>(),
                    )
                }
                GradedKind::Summary => {
                    let signals: Vec<&str> = t
                        .grades
                        .iter()
                        .filter_map(|g| g.hire_signal.map(|h| h.as_str()))
                        .collect();
                    let steps: Vec<i64> = t
                        .grades
                        .iter()
                        .filter_map(|g| g.hire_signal)
                        .map(signal_step)
                        .collect();
                    let new = median(&steps).map(|m| signal_at(m).as_str().to_string());
                    (
                        "summary".to_string(),
                        new,
                        signals.iter().map(|s| s.to_string()).collect(),
                    )
                }
            };
            let mut detail = values.join(" ");
            if t.failed > 0 {
                detail.push_str(&format!(", {} failed", t.failed));
            }
            format!(
                "{what}: {} ({detail})",
                new.unwrap_or_else(|| "no valid answer".into())
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
