//! The write door for duels (issue 16): load a duel stream, `decide_duel`, append with
//! the stream's expected version, retry on a conflict by deciding again on the log.
//! That expected version is what makes one `DuelWon` possible however many instances
//! see both passes at once: the second append conflicts, and deciding again refuses.
//! An offer and a start also hold both members in the database (`duelists.rs`) before
//! they are appended, so a member is in one duel at a time across instances; the end
//! of a duel frees them.
//!
//! It never touches an interview stream, never posts to a platform, and never reads a
//! clock of its own (commands carry the engine's clock reading).

use super::Engine;
use super::duelists::frees_duelists;
use crate::domain::events::Event;
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
            let decided = match decide_duel(&state, command.clone()) {
                Ok(events) => self.hold_duelists(stream, &state, events).await?,
                Err(refused) => Err(refused),
            };
            let events = match decided {
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
            let appended = self.store.append(stream, expected, &events, key).await;
            let unwritten = match &appended {
                Ok(outcome) => outcome.duplicate,
                Err(e) => !e.is_conflict(),
            };
            if unwritten && let Some(Event::DuelOffered(_)) = events.first() {
                // This offer is not in the log: free its members at once.
                self.free_duelists(stream, &Duel::from_events(&events))
                    .await;
            }
            match appended {
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
                    if events.iter().any(frees_duelists) {
                        self.free_duelists(stream, &state).await;
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

    /// Hold both members before an offer (until it expires) or a start (until the
    /// duel's end) is appended; a member held by another duel is the domain's refusal.
    async fn hold_duelists(
        &self,
        stream: &StreamId,
        state: &Duel,
        events: Vec<Event>,
    ) -> Result<Result<Vec<Event>, DuelRefusal>, StoreError> {
        let (members, until) = match (events.first(), state.duelists()) {
            (Some(Event::DuelOffered(o)), _) => ([&o.challenger, &o.opponent], o.expires_at),
            (Some(Event::DuelStarted(s)), Some((a, b))) => ([a, b], s.ends_at),
            _ => return Ok(Ok(events)),
        };
        let refusal = match self.take_duelists(stream, members, until).await? {
            None => return Ok(Ok(events)),
            Some(i) => match (&events[0], i) {
                (Event::DuelOffered(_), 0) => DuelRefusal::YouAreBusy,
                (Event::DuelStarted(s), _) if members[i].same_person(&s.by) => {
                    DuelRefusal::YouAreBusy
                }
                _ => DuelRefusal::OpponentBusy {
                    name: members[i].name.clone(),
                },
            },
        };
        Ok(Err(refusal))
    }
}
