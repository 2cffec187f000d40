//! Privacy, as the member sees it: what forgetting tells them, and the check that no
//! text of theirs is left. The forgetting itself is a write, done by the engine
//! (`Engine::forget_member`, with the domain's erasure rules); this module only reads.

use crate::engine::ForgetReport;
use crate::ports::RecordedEvent;

/// The confirmation a member gets after forgetting, on every platform.
pub fn forget_message(report: &ForgetReport) -> String {
    format!(
        "Done: your messages and code were erased ({} event(s) in {} interview(s)) and you left {} leaderboard(s). Scores stay, without your words.",
        report.events_rewritten, report.interviews, report.leaderboards_left
    )
}

/// Whether an event still mentions text (used by tests and the CLI report).
pub fn mentions(events: &[RecordedEvent], needle: &str) -> bool {
    events
        .iter()
        .any(|r| serde_json::to_string(&r.event).is_ok_and(|j| j.contains(needle)))
}
