//! The SQL of the interview list's background queries (migration 0007): which open
//! interviews a timer, the coach's scan or an outbox sweep must look at, each through
//! a partial index and paged by key, and the columns' encodings (times as Unix
//! milliseconds, pending turns as comma-separated versions). Shared by both backends
//! through `read_models.rs`; it never decides anything about an interview.

use chrono::{DateTime, Utc};

/// Open interviews, as the partial indexes of migration 0007 name them.
pub(super) const OPEN: &str = "phase NOT IN ('ended', 'summarised')";

pub(super) const DUE_DEADLINE: &str = "deadline_ms IS NOT NULL AND deadline_ms <= $1 \
    AND (time_warned = 0 OR deadline_ms <= $2) AND (deadline_ms, stream_id) > ($3, $4) \
    ORDER BY deadline_ms, stream_id LIMIT $5";

pub(super) const DUE_IDLE: &str = "platform = $1 AND last_candidate_ms <= $2 \
    AND (last_candidate_ms, stream_id) > ($3, $4) ORDER BY last_candidate_ms, stream_id LIMIT $5";

pub(super) const PENDING: &str = "pending_turns <> '' AND (started_at > $1 OR (started_at = $1 AND stream_id > $2)) \
    ORDER BY started_at, stream_id LIMIT $3";

pub(super) const UNDELIVERED: &str = "platform = $1 AND coach_messages > 0 AND stream_id > $2 \
    AND (ended_at IS NULL OR ended_at >= $3) \
    AND coach_messages > (SELECT COUNT(*) FROM deliveries d \
        WHERE d.stream_id = interview_list.stream_id AND d.delivered_at_ms IS NOT NULL) \
    ORDER BY stream_id LIMIT $4";

pub(super) fn millis(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

pub(super) fn from_millis(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.and_then(DateTime::from_timestamp_millis)
}

pub(super) fn turns_text(turns: &[u64]) -> String {
    let turns: Vec<String> = turns.iter().map(u64::to_string).collect();
    turns.join(",")
}

pub(super) fn turns_from(text: &str) -> Vec<u64> {
    text.split(',').filter_map(|v| v.parse().ok()).collect()
}

/// The start of a key-ordered scan, before every real key.
pub(super) fn after_or_start<K: Clone>(page: &crate::ports::Page<K>, start: K) -> (K, String) {
    page.after.clone().unwrap_or((start, String::new()))
}
