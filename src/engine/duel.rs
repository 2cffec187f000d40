//! The write door for duels (issue 16): load a duel stream, `decide_duel`, append with
//! the stream's expected version, retry on a conflict by deciding again on the log.
//! That expected version is what makes one `DuelWon` possible however many instances
//! see both passes at once: the second append conflicts, and deciding again refuses.
//!
//! It never touches an interview stream, never posts to a platform, and never reads a
//! clock of its own (commands carry the engine's clock reading).

use super::Engine;
use crate::domain::{Duel, DuelCommand, DuelRefusal, Platform, StreamId, decide_duel};
use crate::ports::{ExpectedVersion, RecordedEvent, StoreError};
use thiserror::Error;
use uuid::Uuid;

/// How often a conflicting duel append is decided again before giving up.
const MAX_CONFLICTS: u32 = 16;

#[derive(Debug, Error)]
pub enum DuelError {
    /// The move is not allowed: show the message; nothing was written.
    #[error(transparent)]
    Refused(#[from] DuelRefusal),
    /// The database failed: nothing is known to be written; the caller may retry.
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    #[error("the duel changed too often while deciding; try again")]
    Contention,
}

/// What a duel command produced.
#[derive(Debug, Clone)]
pub struct DuelExecuted {
    /// The events appended (for a duplicate: none).
    pub events: Vec<RecordedEvent>,
    /// The duel after the command.
    pub state: Duel,
    /// The idempotency key had been used: nothing new was written.
    pub duplicate: bool,
}

/// The stream of a new duel on `platform`: `duel:<platform>:<id>`.
pub fn duel_stream(platform: Platform, id: Uuid) -> StreamId {
    StreamId::new(format!("duel:{platform}:{}", id.simple()))
}

impl Engine {
    /// A duel's folded state and events.
    pub async fn load_duel(
        &self,
        stream: &StreamId,
    ) -> Result<(Duel, Vec<RecordedEvent>), StoreError> {
        let events = self.store.read_stream(stream, 1).await?;
        let state = Duel::from_events(events.iter().map(|r| &r.event));
        Ok((state, events))
    }

    /// Whether `command` would be accepted on `state`, writing nothing (an accept is
    /// checked before the duelists' threads are made).
    pub fn check_duel(&self, state: &Duel, command: DuelCommand) -> Result<(), DuelRefusal> {
        decide_duel(state, command).map(|_| ())
    }

    /// Decide and append `command` on the duel `stream`, at the version it was decided
    /// on. With `key`, a repeated delivery writes nothing.
    pub async fn execute_duel(
        &self,
        stream: &StreamId,
        command: DuelCommand,
        key: Option<&str>,
    ) -> Result<DuelExecuted, DuelError> {
        for _ in 0..MAX_CONFLICTS {
            let (mut state, _) = self.load_duel(stream).await?;
            let events = match decide_duel(&state, command.clone()) {
                Ok(events) => events,
                Err(refused) => {
                    if let Some(key) = key
                        && self.store.find_key(key).await?.is_some()
                    {
                        return Ok(DuelExecuted {
                            events: vec![],
                            state,
                            duplicate: true,
                        });
                    }
                    return Err(refused.into());
                }
            };
            if events.is_empty() {
                return Ok(DuelExecuted {
                    events: vec![],
                    state,
                    duplicate: false,
                });
            }
            let expected = ExpectedVersion::Exact(state.version);
            match self.store.append(stream, expected, &events, key).await {
                Ok(outcome) if outcome.duplicate => {
                    return Ok(DuelExecuted {
                        events: vec![],
                        state,
                        duplicate: true,
                    });
                }
                Ok(outcome) => {
                    let recorded = self.recorded(stream, &events, &outcome).await?;
                    for e in &events {
                        state.apply(e);
                    }
                    return Ok(DuelExecuted {
                        events: recorded,
                        state,
                        duplicate: false,
                    });
                }
                Err(e) if e.is_conflict() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(DuelError::Contention)
    }
}
