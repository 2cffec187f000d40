//! The event log's port: an append-only stream per interview with optimistic
//! concurrency, idempotency keys and a global commit order, and the types it hands
//! back. Both backends implement [`EventStore`]; nothing here knows SQL.

use super::StoreError;
use crate::domain::{Event, StreamId, Version};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::{broadcast, oneshot, watch};

/// A global, gap-free position in the whole log (commit order).
pub type Position = i64;

/// Events committed together, in position order.
pub type Committed = Arc<[RecordedEvent]>;

/// What the appender believes the stream's current version is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// The stream must be at exactly this version (0: the stream must not exist).
    Exact(Version),
    /// No check (used only by tools, never by the engine).
    Any,
}

impl ExpectedVersion {
    /// The version as stored by the backends (-1 for `Any`).
    pub fn as_i64(self) -> i64 {
        match self {
            ExpectedVersion::Exact(v) => v as i64,
            ExpectedVersion::Any => -1,
        }
    }
}

/// An event as stored, with its place in the stream and in the whole log.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: Position,
    pub stream_id: StreamId,
    pub version: Version,
    pub recorded_at: DateTime<Utc>,
    pub event: Event,
}

/// The result of an append. A repeated idempotency key returns the first append's
/// `Appended` with `duplicate` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub stream_id: StreamId,
    pub first_version: Version,
    pub last_version: Version,
    pub first_position: Position,
    pub last_position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendOutcome {
    pub appended: Appended,
    /// True when the idempotency key had been used: nothing was written.
    pub duplicate: bool,
    /// The `recorded_at` the new events were stored with, when the backend knows it
    /// without reading them back (SQLite does; Postgres stamps rows with the server's
    /// clock; a duplicate never has it). With it the caller can build the
    /// `RecordedEvent`s it appended instead of re-reading them.
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Test support: an append that stops inside its open transaction (after writing,
/// before committing) until released.
impl AppendOutcome {
    /// The events this append wrote, as the log holds them, built from `events` (what
    /// was appended) without a read: an append's events take consecutive versions and
    /// positions inside its transaction. `None` for a duplicate, or when the backend did
    /// not report `recorded_at`.
    pub fn recorded(&self, events: &[Event]) -> Option<Vec<RecordedEvent>> {
        let a = &self.appended;
        let at = self.recorded_at.filter(|_| !self.duplicate)?;
        let n = events.len();
        if a.last_position - a.first_position + 1 != n as i64
            || a.last_version + 1 - a.first_version != n as u64
        {
            return None;
        }
        Some(
            events
                .iter()
                .enumerate()
                .map(|(i, event)| RecordedEvent {
                    position: a.first_position + i as i64,
                    stream_id: a.stream_id.clone(),
                    version: a.first_version + i as u64,
                    recorded_at: at,
                    event: event.clone(),
                })
                .collect(),
        )
    }
}

#[doc(hidden)]
pub struct Hold {
    pub entered: oneshot::Sender<()>,
    pub release: oneshot::Receiver<()>,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Append `events` to `stream` if it is at `expected`. With a key that was used
    /// before, nothing is written and the first append's result comes back.
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[Event],
        idempotency_key: Option<&str>,
    ) -> Result<AppendOutcome, StoreError> {
        self.append_held(stream, expected, events, idempotency_key, None)
            .await
    }

    /// `append`, optionally holding the transaction open (tests only).
    #[doc(hidden)]
    async fn append_held(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[Event],
        idempotency_key: Option<&str>,
        hold: Option<Hold>,
    ) -> Result<AppendOutcome, StoreError>;

    /// The result an idempotency key produced, if it was used.
    async fn find_key(&self, key: &str) -> Result<Option<Appended>, StoreError>;

    /// Events of one stream with version >= `from_version`, in order.
    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: Version,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Up to `limit` events with position > `after`, in commit order.
    async fn read_all(&self, after: Position, limit: u32)
    -> Result<Vec<RecordedEvent>, StoreError>;

    /// The highest committed position (0 for an empty log).
    async fn head(&self) -> Result<Position, StoreError>;

    /// A receiver whose value is the highest position known to be committed; it changes
    /// whenever any connection (or, on Postgres, any instance) appends.
    fn subscribe(&self) -> watch::Receiver<Position>;

    /// Events this process committed, in commit order, as they commit: the event
    /// feed's fast path, so a local append reaches listeners without a read. It may
    /// miss events (another process's, a lagging receiver's), so the feed still fills
    /// every gap from `read_all`. `None` where the backend has no such path.
    fn committed(&self) -> Option<broadcast::Receiver<Committed>> {
        None
    }

    /// Replace the stored payload of the event at `position` with `event` (same type).
    /// The one exception to append-only: erasing a member's content on request. Never
    /// used for anything else.
    async fn redact(&self, position: Position, event: &Event) -> Result<(), StoreError>;

    /// The backend's name, for logs.
    fn backend(&self) -> &'static str;

    /// Whether this process is the only one serving the log (SQLite, once it holds the
    /// file's lock): every event appended to an interview then comes through this
    /// process's engine or, rarely, a command-line tool (see [`Self::rewrites`]). False
    /// on Postgres, where other instances append.
    fn exclusive(&self) -> bool {
        false
    }

    /// A number that changes whenever any process rewrites an event in place
    /// (`redact`), for memories of events to drop what they hold.
    fn rewrites(&self) -> u64 {
        0
    }

    /// Close the connections: the last step of a clean shutdown, by whoever opened
    /// the store. Nothing may use it afterwards.
    async fn close(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EndReason, EndedBy, InterviewEnded};

    fn ended() -> Event {
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Timer,
            reason: EndReason::TimeLimit,
            at: DateTime::UNIX_EPOCH,
        })
    }

    fn outcome(first_position: Position, n: u64, duplicate: bool) -> AppendOutcome {
        AppendOutcome {
            appended: Appended {
                stream_id: StreamId::new("web:a"),
                first_version: 3,
                last_version: 2 + n,
                first_position,
                last_position: first_position + n as i64 - 1,
            },
            duplicate,
            recorded_at: Some(DateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn given_a_new_append_when_its_events_are_built_then_they_take_consecutive_places() {
        let built = outcome(40, 2, false).recorded(&[ended(), ended()]).unwrap();
        let places: Vec<(Position, Version)> =
            built.iter().map(|e| (e.position, e.version)).collect();
        assert_eq!(places, vec![(40, 3), (41, 4)]);
    }

    #[test]
    fn given_a_duplicate_or_no_time_when_built_then_none() {
        assert!(outcome(40, 1, true).recorded(&[ended()]).is_none());
        let mut unknown = outcome(40, 1, false);
        unknown.recorded_at = None;
        assert!(unknown.recorded(&[ended()]).is_none());
    }

    #[test]
    fn given_a_count_that_does_not_match_when_built_then_none() {
        assert!(outcome(40, 2, false).recorded(&[ended()]).is_none());
    }
}
