//! The daily problem's write door and clock (issue 16): `execute_daily` decides a
//! daily command on a community's stream and appends it with the stream's expected
//! version (and a key), and [`DailyScheduler`] asks, on every tick of the injected
//! clock, each community with a schedule whether its day is due, then hands the post to
//! the platform's outbox (`Outbox::deliver`, under its claim and delivery record: the
//! outbox's own feed path and sweep follow interview streams only).
//!
//! Exactly once comes from the log, never from memory: a day's post is appended under
//! the key `daily-post:<stream>:<day>` at the version the decision read, so of two
//! instances (or a restart) ticking at the same moment one appends and the other reads
//! the post and decides nothing is due; the outbox's delivery record and claim post it
//! to the channel once. It never renders or posts anything itself.

use super::outbox::Outbox;
use super::{Engine, back_off};
use crate::domain::{
    Candidate, Daily, DailyCommand, DailyRefused, Event, Platform, StreamId, daily_community,
    decide::daily::due, decide_daily,
};
use crate::ports::{ExpectedVersion, RecordedEvent, StoreError};
use crate::projections::daily::DailyView;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

/// How often a daily stream's conflicting append is decided again before giving up.
const MAX_CONFLICTS: u32 = 16;

#[derive(Debug, Error)]
pub enum DailyError {
    /// Not allowed: show the message privately; nothing was written.
    #[error(transparent)]
    Refused(#[from] DailyRefused),
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    #[error("the daily problem changed too often while deciding; try again")]
    Contention,
}

/// What a daily command produced.
#[derive(Debug, Clone)]
pub struct DailyExecuted {
    /// The events appended (none when nothing was due, or for a repeated key).
    pub events: Vec<RecordedEvent>,
    pub state: Daily,
}

impl Engine {
    /// The folded daily stream.
    pub async fn load_daily(&self, stream: &StreamId) -> Result<Daily, StoreError> {
        let events = self.store.read_stream(stream, 1).await?;
        Ok(Daily::from_events(events.iter().map(|r| &r.event)))
    }

    /// Decide `command` on the daily stream `stream` and append what it says, at the
    /// version decided on; a conflict reads the stream and decides again. A post is
    /// appended under the key `daily-post:<stream>:<day>`, other commands under
    /// `idempotency_key`.
    pub async fn execute_daily(
        &self,
        stream: &StreamId,
        command: DailyCommand,
        idempotency_key: Option<&str>,
    ) -> Result<DailyExecuted, DailyError> {
        for conflicts in 0..MAX_CONFLICTS {
            if conflicts > 0 {
                back_off(conflicts).await;
            }
            let state = self.load_daily(stream).await?;
            let events = decide_daily(&state, command.clone())?;
            if events.is_empty() {
                return Ok(DailyExecuted {
                    events: vec![],
                    state,
                });
            }
            // A day's post is keyed by its day, whoever decided it.
            let key = match events.as_slice() {
                [Event::DailyPosted(p)] => Some(format!("daily-post:{stream}:{}", p.day)),
                _ => idempotency_key.map(str::to_string),
            };
            let expected = ExpectedVersion::Exact(state.version);
            match self
                .store
                .append(stream, expected, &events, key.as_deref())
                .await
            {
                Ok(outcome) if outcome.duplicate => {
                    return Ok(DailyExecuted {
                        events: vec![],
                        state: self.load_daily(stream).await?,
                    });
                }
                Ok(outcome) => {
                    let recorded = self.recorded(stream, &events, &outcome).await?;
                    let mut state = state;
                    for e in &events {
                        state.apply(e);
                    }
                    return Ok(DailyExecuted {
                        events: recorded,
                        state,
                    });
                }
                Err(e) if e.is_conflict() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(DailyError::Contention)
    }
}

/// Posts the days of one platform's communities when they are due, on the engine's
/// clock, and hands each post to that platform's outbox. Each platform that runs has
/// one; on every instance.
pub struct DailyScheduler {
    engine: Engine,
    view: Arc<DailyView>,
    /// The bank's problems (`practice::daily::candidates`).
    candidates: Vec<Candidate>,
    platform: Platform,
    outbox: Arc<Outbox>,
    every: Duration,
}

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DailyTick {
    /// Days this instance appended a post for.
    pub posted: usize,
    /// Posts handed to an outbox that were not yet delivered.
    pub delivered: usize,
}

impl DailyScheduler {
    pub fn new(
        engine: Engine,
        view: Arc<DailyView>,
        candidates: Vec<Candidate>,
        platform: Platform,
        outbox: Arc<Outbox>,
    ) -> DailyScheduler {
        DailyScheduler {
            engine,
            view,
            candidates,
            platform,
            outbox,
            every: Duration::from_secs(10),
        }
    }

    /// Look for due days every `every`.
    pub fn every(mut self, every: Duration) -> DailyScheduler {
        self.every = every;
        self
    }

    /// Post every day that is due now, then deliver each community's latest post that
    /// is not yet delivered. Errors are per community.
    pub async fn tick(&self) -> Result<DailyTick, StoreError> {
        let now = self.engine.now();
        let store = self.engine.store.as_ref();
        let due_streams: Vec<StreamId> = self
            .view
            .read(store, |board| {
                board
                    .communities()
                    .filter_map(|(_, c)| {
                        let stream = c.stream.as_ref()?;
                        if daily_community(stream)?.0 != self.platform {
                            return None;
                        }
                        let schedule = c.schedule.as_ref()?;
                        let last = c.posts.keys().next_back().copied();
                        due(schedule, last, now)?;
                        Some(stream.clone())
                    })
                    .collect()
            })
            .await?;
        let mut tick = DailyTick::default();
        for stream in due_streams {
            let command = DailyCommand::Post {
                now,
                candidates: self.candidates.clone(),
            };
            match self.engine.execute_daily(&stream, command, None).await {
                Ok(done) => tick.posted += done.events.len(),
                Err(e) => {
                    tracing::warn!(%stream, error = %e, "the daily post could not be made; will retry")
                }
            }
        }
        let latest: Vec<RecordedEvent> = self
            .view
            .read(store, |board| {
                board
                    .communities()
                    .filter_map(|(_, c)| c.last_post.clone())
                    .filter(|p| {
                        daily_community(&p.stream_id).is_some_and(|(on, _)| on == self.platform)
                    })
                    .collect()
            })
            .await?;
        for post in latest {
            // Only a recent post is still worth posting (a week-old one is not).
            let Event::DailyPosted(p) = &post.event else {
                continue;
            };
            if now - p.due_at > chrono::Duration::days(2) {
                continue;
            }
            match self.outbox.deliver(&post).await {
                Ok(super::outbox::Delivered::Posted) => tick.delivered += 1,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(stream = %post.stream_id, error = %e, "the daily post could not be delivered; will retry")
                }
            }
        }
        Ok(tick)
    }

    /// Tick until `cancel` fires.
    pub async fn run(self, cancel: CancellationToken) {
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "daily tick failed; will retry");
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
