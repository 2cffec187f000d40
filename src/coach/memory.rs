//! The events of the interviews this coach answers, kept as the feed shows them, so a
//! turn on a stream it has read before costs no read of the log (issue 18 item 12).
//!
//! Only used while this process is the log's one server (SQLite, lock held): then every
//! event of a stream comes to the feed, in order, whoever appended it, and the memory
//! extends a stream only with the next version; any gap drops the stream (the next
//! turn reads the log). A rewrite in place (`privacy forget`, in this process or from
//! the command line) changes the store's rewrite count, which empties the memory before
//! it is read again. It never decides that a turn is owed or answered on its own: the
//! worker confirms "nothing pending" on the log, and every answer is appended through
//! the engine's version check.

use crate::domain::StreamId;
use crate::ports::RecordedEvent;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// Streams remembered at most; past it the memory starts over (a stream lost costs one
/// read).
const CAPACITY: usize = 1024;

#[derive(Default)]
pub struct TurnMemory {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The store's rewrite count the remembered events were read under.
    rewrites: u64,
    streams: HashMap<StreamId, Vec<RecordedEvent>>,
}

impl Inner {
    /// Drop everything if the rewrite count is not the one the memory was read under;
    /// true when it was.
    fn current(&mut self, rewrites: u64) -> bool {
        if self.rewrites == rewrites {
            return true;
        }
        self.streams.clear();
        self.rewrites = rewrites;
        false
    }
}

impl TurnMemory {
    /// An event from the feed, in the log's order: the next version of a remembered
    /// stream is added; one past a gap drops the stream.
    pub fn follow(&self, event: &RecordedEvent) {
        let mut inner = self.lock();
        let Some(events) = inner.streams.get_mut(&event.stream_id) else {
            return;
        };
        match events.last() {
            Some(last) if last.version + 1 == event.version => events.push(event.clone()),
            // Already read from the log.
            Some(last) if last.version >= event.version => {}
            _ => {
                inner.streams.remove(&event.stream_id);
            }
        }
    }

    /// The remembered events of `stream`, if nothing was rewritten since they were read
    /// (`rewrites` is the store's count now).
    pub fn events(&self, stream: &StreamId, rewrites: u64) -> Option<Vec<RecordedEvent>> {
        let mut inner = self.lock();
        if !inner.current(rewrites) {
            return None;
        }
        inner.streams.get(stream).cloned()
    }

    /// Remember `events`, the whole stream as read from the log; `rewrites` is the
    /// store's count taken before the read. Under another count than the memory's
    /// (something was rewritten), nothing is kept: the next read is remembered.
    pub fn remember(&self, stream: &StreamId, events: &[RecordedEvent], rewrites: u64) {
        let mut inner = self.lock();
        if !inner.current(rewrites) {
            return;
        }
        if inner.streams.len() >= CAPACITY && !inner.streams.contains_key(stream) {
            inner.streams.clear();
        }
        inner.streams.insert(stream.clone(), events.to_vec());
    }

    /// Forget every stream (the feed lagged: events may have been missed).
    pub fn clear(&self) {
        self.lock().streams.clear();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::HintRequested;
    use crate::domain::{Actor, Event, Platform};

    fn event(stream: &str, version: u64) -> RecordedEvent {
        RecordedEvent {
            position: version as i64,
            stream_id: StreamId::new(stream),
            version,
            event: Event::HintRequested(HintRequested {
                actor: Actor::new(Platform::Web, "a", "A"),
                hint: version as u32,
                at: chrono::DateTime::UNIX_EPOCH,
            }),
            recorded_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn versions(memory: &TurnMemory, stream: &str, rewrites: u64) -> Option<Vec<u64>> {
        memory
            .events(&StreamId::new(stream), rewrites)
            .map(|events| events.iter().map(|e| e.version).collect())
    }

    #[test]
    fn given_a_read_stream_when_the_feed_shows_its_next_events_then_they_are_added() {
        let memory = TurnMemory::default();
        memory.remember(
            &StreamId::new("web:a"),
            &[event("web:a", 1), event("web:a", 2)],
            0,
        );
        memory.follow(&event("web:a", 2));
        memory.follow(&event("web:a", 3));
        memory.follow(&event("web:b", 1));
        assert_eq!(versions(&memory, "web:a", 0), Some(vec![1, 2, 3]));
        assert_eq!(
            versions(&memory, "web:b", 0),
            None,
            "never read: not remembered"
        );
    }

    #[test]
    fn given_a_gap_in_the_feed_when_followed_then_the_stream_is_dropped() {
        let memory = TurnMemory::default();
        memory.remember(&StreamId::new("web:a"), &[event("web:a", 1)], 0);
        memory.follow(&event("web:a", 3));
        assert_eq!(versions(&memory, "web:a", 0), None);
    }

    #[test]
    fn given_a_rewrite_when_read_then_nothing_is_remembered() {
        let memory = TurnMemory::default();
        let a = StreamId::new("web:a");
        memory.remember(&a, &[event("web:a", 1)], 0);
        assert_eq!(versions(&memory, "web:a", 0), Some(vec![1]));
        assert_eq!(versions(&memory, "web:a", 1), None, "rewritten since");
        // A read that began before the rewrite is not remembered.
        memory.remember(&a, &[event("web:a", 1)], 0);
        assert_eq!(versions(&memory, "web:a", 1), None);
        memory.remember(&a, &[event("web:a", 1)], 1);
        assert_eq!(versions(&memory, "web:a", 1), Some(vec![1]));
    }
}
