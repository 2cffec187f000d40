//! The engine: load a stream, `decide`, append, publish, and find pending coach work.
//!
//! It is the only way commands reach the log. It retries on a version conflict by
//! reloading and deciding again, answers a repeated idempotency key with the first
//! result without deciding again, and never calls an LLM or a platform itself.

pub mod claim;
pub mod clock;
pub mod daily;
// issue 16: duel
pub mod duel;
pub mod duel_news;
pub mod duel_referee;
mod duelists;
pub mod feed;
mod forget;
mod leaderboard;
mod lease;
pub mod outbox;
pub mod progress;
pub mod recent;
pub mod shutdown;
pub mod timer;

pub use claim::Claim;
pub use clock::{Clock, ManualClock, SystemClock};
pub use duel::{DuelError, DuelExecuted, duel_stream};
pub use feed::FeedReceiver;
pub use forget::ForgetReport;
pub use lease::LeaseHolder;
pub use progress::{Progress, ProgressBus, ProgressKind, RunProgress};
pub use shutdown::Shutdown;

use crate::domain::{self, Command, DomainError, Interview, Platform, StreamId, Turn};
use crate::ports::Page;
use crate::ports::{ExpectedVersion, Leases, Position, RecordedEvent, Storage, StoreError};
use crate::projections;
use crate::telemetry::metrics::{self, CommandOutcome};
use crate::telemetry::span;
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Interviews with pending coach work read from the list per query.
const PENDING_PAGE: u32 = 500;

/// How often a conflicting append is re-decided before giving up.
const MAX_CONFLICT_RETRIES: u32 = 64;

/// Several writers on one interview: back off a little, with jitter, so they do not
/// keep colliding.
async fn back_off(conflicts: u32) {
    let ms = rand::random_range(1..=(2 * conflicts.min(10)) as u64);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

#[derive(Debug, Error)]
pub enum EngineError {
    /// The command is not allowed: show the message, nothing was written.
    #[error(transparent)]
    Refused(#[from] DomainError),
    /// The database failed: nothing is known to be written; the caller may retry.
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    #[error("the interview changed too often while deciding; try again")]
    Contention,
}

/// What a command produced.
#[derive(Debug, Clone)]
pub struct Executed {
    /// The events appended (or, for a duplicate, those the first delivery appended).
    pub events: Vec<RecordedEvent>,
    /// The interview after the command.
    pub state: Interview,
    /// True when the idempotency key had been seen: nothing new was written.
    pub duplicate: bool,
}

/// A coach turn owed on a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingWork {
    pub stream: StreamId,
    pub turn: Turn,
}

#[derive(Clone)]
pub struct Engine {
    store: Arc<dyn Storage>,
    clock: Arc<dyn Clock>,
    feed: broadcast::Sender<Arc<RecordedEvent>>,
    progress: ProgressBus,
    recent: Arc<recent::RecentStates>,
    /// How long a claim on work (a coach interview, a delivery) lasts without renewal.
    lease_ttl: chrono::Duration,
    /// The claims this process holds, released at once on a clean shutdown.
    held: Arc<claim::Held>,
    /// This instance's stable name (host and port), when the service runs: claims
    /// are taken under it, so a restart of the same instance (after `kill -9`) takes
    /// back what its predecessor held at once instead of waiting out the lease.
    instance: Option<String>,
}

/// The default length of a claim: a crashed instance's work is taken over this soon.
pub const DEFAULT_LEASE: chrono::Duration = chrono::Duration::seconds(10);

impl Engine {
    pub fn new(store: Arc<dyn Storage>, clock: Arc<dyn Clock>) -> Engine {
        let (feed, _) = broadcast::channel(4096);
        Engine {
            store,
            clock,
            feed,
            progress: ProgressBus::new(),
            recent: Arc::default(),
            lease_ttl: DEFAULT_LEASE,
            held: Arc::default(),
            instance: None,
        }
    }

    /// The same engine naming its claims after `instance` (unique among running
    /// instances, stable across restarts: the host and the bound port).
    pub fn with_instance(mut self, instance: String) -> Engine {
        self.instance = Some(instance);
        self
    }

    /// The owner name under which `role` (`coach`, `outbox`) takes claims: stable for
    /// a named instance, else unique to this call.
    pub fn owner(&self, role: &str) -> String {
        match &self.instance {
            Some(instance) => format!("{role}@{instance}"),
            None => format!("{role}-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// The same engine with claims lasting `ttl` (renewed every third of it).
    pub fn with_lease_ttl(mut self, ttl: chrono::Duration) -> Engine {
        self.lease_ttl = ttl;
        self
    }

    pub fn lease_ttl(&self) -> chrono::Duration {
        self.lease_ttl
    }

    /// Claim `key` for `owner` while the work runs (see [`Claim`]); `None` when another
    /// owner holds it.
    pub async fn claim(&self, key: &str, owner: &str) -> Result<Option<Claim>, StoreError> {
        Claim::take(
            self.store.clone(),
            self.held.clone(),
            self.clock.clone(),
            key,
            owner,
            self.lease_ttl,
        )
        .await
    }

    /// Give up every claim this process still holds (a clean shutdown), so other
    /// instances take the work over at once instead of after a lease.
    pub async fn release_claims(&self) {
        claim::release_all(self.store.as_ref(), &self.held).await;
    }

    /// Coach progress (thinking, retrying, streamed text) on this instance.
    pub fn progress(&self) -> &ProgressBus {
        &self.progress
    }

    /// Leases on work (the coach's claim on an interview): coordination between
    /// instances, never the log itself.
    pub fn leases(&self) -> Arc<dyn Leases> {
        self.store.clone()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Listen to every event committed from now on, by any instance. Start the feed
    /// task with [`Engine::spawn_feed`].
    pub fn listen(&self) -> FeedReceiver {
        self.feed.subscribe()
    }

    /// Start tailing the log from its current head; stops when `cancel` fires.
    pub async fn spawn_feed(
        &self,
        cancel: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, StoreError> {
        let head = self.store.head().await?;
        let store: Arc<dyn crate::ports::EventStore> = upcast(self.store.clone());
        Ok(tokio::spawn(feed::run_feed(
            store,
            head,
            self.feed.clone(),
            cancel,
        )))
    }

    /// The events and folded state of one stream.
    pub async fn load(
        &self,
        stream: &StreamId,
    ) -> Result<(Interview, Vec<RecordedEvent>), StoreError> {
        let events = self.store.read_stream(stream, 1).await?;
        let state = Interview::from_events(events.iter().map(|r| &r.event));
        self.recent.remember(stream, state.clone());
        Ok((state, events))
    }

    /// Whether this process is the only one serving the log (see
    /// `EventStore::exclusive`): then the feed shows every event of every stream.
    pub fn log_is_exclusive(&self) -> bool {
        self.store.exclusive()
    }

    /// The store's count of events rewritten in place (see `EventStore::rewrites`).
    pub fn log_rewrites(&self) -> u64 {
        self.store.rewrites()
    }

    /// Whether `command` would be accepted on `state`, without writing anything: a
    /// platform asks before it opens a form or posts a root message, so a refusal is
    /// shown before any work. `execute` decides again on the log.
    pub fn check(&self, state: &Interview, command: Command) -> Result<(), DomainError> {
        domain::decide(state, command).map(|_| ())
    }

    /// Decide and append `command` on `stream`. With `idempotency_key`, a repeated
    /// delivery returns the first result and writes nothing.
    ///
    /// The first decision is made on the stream's remembered state when there is one
    /// (no read); the append's version check catches a stale one, and a refusal is
    /// only given after deciding again on the log. The key is looked up only when the
    /// decision is a refusal: otherwise the append itself finds a used key.
    ///
    /// Runs in the interview's span and counts the command and the events it appended
    /// (`telemetry::metrics`).
    pub async fn execute(
        &self,
        stream: &StreamId,
        command: Command,
        idempotency_key: Option<&str>,
    ) -> Result<Executed, EngineError> {
        let platform = stream.platform().map_or("unknown", Platform::as_str);
        let kind = command.name();
        let span = span::interview("execute", stream.as_str(), platform);
        let result = self
            .decide_and_append(stream, command, idempotency_key)
            .instrument(span)
            .await;
        let outcome = match &result {
            Ok(executed) if executed.duplicate => CommandOutcome::Duplicate,
            Ok(executed) => {
                for e in &executed.events {
                    metrics::event_appended(platform, e.event.type_name());
                }
                CommandOutcome::Accepted
            }
            Err(EngineError::Refused(_)) => CommandOutcome::Refused,
            Err(_) => CommandOutcome::Failed,
        };
        metrics::command(platform, kind, outcome);
        result
    }

    async fn decide_and_append(
        &self,
        stream: &StreamId,
        command: Command,
        idempotency_key: Option<&str>,
    ) -> Result<Executed, EngineError> {
        let mut remembered = self.recent.take(stream);
        let mut conflicts = 0;
        while conflicts < MAX_CONFLICT_RETRIES {
            if conflicts > 0 {
                back_off(conflicts).await;
            }
            let guessed = remembered.is_some();
            let state = match remembered.take() {
                Some(state) => state,
                None => self.load(stream).await?.0,
            };
            if let Some(started) = &state.started {
                span::record_interview(&tracing::Span::current(), &started.interview_id);
            }
            let events = match domain::decide(&state, command.clone()) {
                Ok(events) => events,
                // A remembered state may be behind the log: decide again on the log.
                Err(_) if guessed => continue,
                Err(refused) => {
                    if let Some(first) = self.find_key(idempotency_key).await? {
                        return self.duplicate(stream, first).await;
                    }
                    return Err(refused.into());
                }
            };
            let expected = ExpectedVersion::Exact(state.version);
            match self
                .store
                .append(stream, expected, &events, idempotency_key)
                .await
            {
                Ok(outcome) if outcome.duplicate => {
                    return self.duplicate(stream, outcome.appended).await;
                }
                Ok(outcome) => return self.appended(stream, state, &events, &outcome).await,
                Err(e) if e.is_conflict() => {
                    if !guessed {
                        conflicts += 1;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(EngineError::Contention)
    }

    /// What `execute` answers once `events` are appended: them as recorded, and the
    /// state they lead to, remembered for the stream's next command.
    async fn appended(
        &self,
        stream: &StreamId,
        mut state: Interview,
        events: &[domain::Event],
        outcome: &crate::ports::AppendOutcome,
    ) -> Result<Executed, EngineError> {
        let recorded = self.recorded(stream, events, outcome).await?;
        for e in events {
            state.apply(e);
        }
        self.recent.remember(stream, state.clone());
        Ok(Executed {
            events: recorded,
            state,
            duplicate: false,
        })
    }

    async fn find_key(
        &self,
        key: Option<&str>,
    ) -> Result<Option<crate::ports::Appended>, StoreError> {
        match key {
            Some(key) => self.store.find_key(key).await,
            None => Ok(None),
        }
    }

    /// The events an append wrote, as stored: built from the append's outcome when the
    /// store reports the rows' time, read back otherwise.
    async fn recorded(
        &self,
        stream: &StreamId,
        events: &[domain::Event],
        outcome: &crate::ports::AppendOutcome,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        if let Some(recorded) = outcome.recorded(events) {
            return Ok(recorded);
        }
        let a = &outcome.appended;
        let recorded = self.store.read_stream(stream, a.first_version).await?;
        Ok(recorded
            .into_iter()
            .take_while(|r| r.version <= a.last_version)
            .collect())
    }

    async fn duplicate(
        &self,
        stream: &StreamId,
        first: crate::ports::Appended,
    ) -> Result<Executed, EngineError> {
        let (state, events) = self.load(stream).await?;
        let events = events
            .into_iter()
            .filter(|r| r.version >= first.first_version && r.version <= first.last_version)
            .collect();
        Ok(Executed {
            events,
            state,
            duplicate: true,
        })
    }

    /// Coach turns owed anywhere, found from the log through the interview list
    /// (caught up first; only interviews with a pending turn are read, a page at a
    /// time, however many are open). Oldest stream first, turns in order.
    pub async fn pending_work(&self) -> Result<Vec<PendingWork>, StoreError> {
        projections::catch_up(self.store.as_ref()).await?;
        let mut work = Vec::new();
        let mut page = Page::first(PENDING_PAGE);
        loop {
            let rows = self.store.pending_interviews(&page).await?;
            for row in &rows {
                let stream = row.stream();
                // One interview that cannot be read (a damaged event) is reported and
                // passed over; every other interview's work is still found.
                let state = match self.load(&stream).await {
                    Ok((state, _)) => state,
                    Err(e) => {
                        tracing::warn!(%stream, error = %e, "cannot read this interview; its coach work is skipped");
                        continue;
                    }
                };
                work.extend(state.pending_turns().into_iter().map(|turn| PendingWork {
                    stream: stream.clone(),
                    turn,
                }));
            }
            match rows.last() {
                Some(last) if rows.len() == PENDING_PAGE as usize => {
                    page.after = Some((last.started_at, last.stream_id.clone()));
                }
                _ => return Ok(work),
            }
        }
    }

    /// Bring the read models (interview list, member stats) up to date with the log.
    async fn catch_up_projections(&self) -> Result<Position, StoreError> {
        projections::catch_up_all(self.store.as_ref()).await
    }
}

fn upcast(store: Arc<dyn Storage>) -> Arc<dyn crate::ports::EventStore> {
    store
}
