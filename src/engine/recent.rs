//! The folded state of recently used streams, kept in memory so that `Engine::execute`
//! can decide without reading the stream first.
//!
//! It is a guess, never the truth: the append that follows a decision checks the
//! stream's version, so a state made stale by another instance (or another engine on
//! the same database) ends in a version conflict and a fresh read, and a refusal
//! decided on a remembered state is decided again on a fresh one. It must never be
//! used to answer a read: readers go to the log.

use crate::domain::{Interview, StreamId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Streams remembered at most; past it the memory starts over (a guess lost costs one
/// read).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct RecentStates {
    states: Mutex<HashMap<StreamId, Interview>>,
}

impl RecentStates {
    /// Take the remembered state of `stream`, leaving none: two commands on one stream
    /// at once never decide on the same remembered state (the second reads the log).
    pub fn take(&self, stream: &StreamId) -> Option<Interview> {
        self.lock().remove(stream)
    }

    /// Remember `state` as the latest known state of `stream`, unless a newer one is
    /// already remembered.
    pub fn remember(&self, stream: &StreamId, state: Interview) {
        let mut states = self.lock();
        if states.len() >= CAPACITY && !states.contains_key(stream) {
            states.clear();
        }
        match states.get(stream) {
            Some(known) if known.version >= state.version => {}
            _ => {
                states.insert(stream.clone(), state);
            }
        }
    }

    /// Forget every stream (events were rewritten in place).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<StreamId, Interview>> {
        self.states.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_version(v: u64) -> Interview {
        let mut state = Interview::default();
        state.version = v;
        state
    }

    #[test]
    fn given_a_remembered_state_when_taken_then_it_is_gone() {
        let recent = RecentStates::default();
        let s = StreamId::new("web:a");
        recent.remember(&s, at_version(3));
        assert_eq!(recent.take(&s).map(|i| i.version), Some(3));
        assert!(recent.take(&s).is_none());
    }

    #[test]
    fn given_a_newer_state_when_an_older_one_is_remembered_then_the_newer_stays() {
        let recent = RecentStates::default();
        let s = StreamId::new("web:a");
        recent.remember(&s, at_version(5));
        recent.remember(&s, at_version(4));
        assert_eq!(recent.take(&s).map(|i| i.version), Some(5));
    }

    #[test]
    fn given_a_full_memory_when_a_new_stream_comes_then_it_starts_over() {
        let recent = RecentStates::default();
        for i in 0..CAPACITY {
            recent.remember(&StreamId::new(format!("web:{i}")), at_version(1));
        }
        let s = StreamId::new("web:new");
        recent.remember(&s, at_version(1));
        assert!(recent.take(&s).is_some());
        assert!(recent.take(&StreamId::new("web:0")).is_none());
    }
}
