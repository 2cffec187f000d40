//! The outbox: posts coach events to the chat platform where the interview lives, every
//! message part exactly once across errors, restarts and instances. A claim keeps two
//! instances from posting the same event at once; a delivery record counts the parts
//! posted; a part whose attempt had no known outcome is looked up on the platform by its
//! own delivery key (or re-posted under it, where the platform deduplicates by key)
//! before it is posted again. Never by its text: two messages may read the same.
//!
//! A failed delivery is retried on its own schedule: after the platform's `Retry-After`
//! when it gives one, else with jittered exponential backoff from about a second,
//! capped. A pass every 30 s over the interviews that still have an undelivered coach
//! event (an indexed query, not a read of every recent interview) is the safety net. At shutdown
//! it keeps posting until the coach has finished its turns and nothing is left to post
//! (or the deadline). Each try runs in the interview's span and is counted by outcome,
//! with the lag of each post. The outbox never decides anything: it only renders what
//! is already in the log.

use crate::domain::{Event, Interview, Platform, StreamId};
use crate::engine::{Engine, Shutdown};
use crate::ports::{DeliveryRecord, Position, RecordedEvent, StoreError};
use crate::ports::{InterviewRow, Page};
use crate::telemetry::{metrics, span};
use async_trait::async_trait;
use backon::{BackoffBuilder, ExponentialBuilder};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

#[derive(Debug, thiserror::Error)]
pub enum OutletError {
    /// Worth trying again (network, rate limit, platform outage); `retry_after` is the
    /// wait the platform asked for, if it said.
    #[error("posting failed, will retry: {why}")]
    Transient {
        why: String,
        retry_after: Option<Duration>,
    },
    /// The platform refused for good (thread deleted, bot removed); the event is skipped.
    #[error("posting refused: {0}")]
    Permanent(String),
}

impl OutletError {
    /// A failure worth retrying, with no wait asked for.
    pub fn transient(why: impl Into<String>) -> OutletError {
        OutletError::Transient {
            why: why.into(),
            retry_after: None,
        }
    }
}

/// A chat platform as the outbox sees it. A coach event becomes one or more messages
/// ("parts"); each part carries a delivery key of its own, derived from the event's
/// stream, version and the part's index.
#[async_trait]
pub trait Outlet: Send + Sync {
    fn platform(&self) -> Platform;

    /// Whether this event is shown on the platform (default: every coach event).
    /// The interview list counts these events per interview
    /// (`InterviewRow::is_coach_message`), which is how the sweep finds the interviews
    /// with something left to post.
    fn wants(&self, event: &Event) -> bool {
        InterviewRow::is_coach_message(event)
    }

    /// How many messages the event becomes (0: nothing is shown).
    fn parts(&self, event: &RecordedEvent, interview: &Interview) -> usize;

    /// Post message `part` of the event, carrying the part's delivery key; the
    /// platform's message id.
    async fn post_part(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
        part: usize,
    ) -> Result<String, OutletError>;

    /// After an attempt whose outcome is unknown (an error, a crash): the id of message
    /// `part` if the platform shows it already, found by its delivery key. The default
    /// (`None`) suits a platform where posting again under the same key returns the
    /// first message instead of a second one (Discord's `enforce_nonce`).
    async fn find_part(
        &self,
        _event: &RecordedEvent,
        _interview: &Interview,
        _part: usize,
    ) -> Result<Option<String>, OutletError> {
        Ok(None)
    }
}

pub struct Outbox {
    engine: Engine,
    outlet: Arc<dyn Outlet>,
    owner: String,
    /// Deliveries with a retry loop running in this process: the safety-net pass leaves
    /// them to it.
    in_flight: Mutex<HashSet<String>>,
    /// How often the safety-net pass runs.
    sweep: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    Posted,
    AlreadyPosted,
    /// The platform refused for good, or there was nothing to show.
    Skipped,
    /// Another instance holds the delivery's claim right now.
    Held,
    /// Posting failed for now; try again after the platform's wait, if it gave one.
    Delayed(Option<Duration>),
}

/// The first backoff between tries of one delivery, before jitter.
const FIRST_BACKOFF: Duration = Duration::from_millis(750);
/// The longest backoff between tries of one delivery.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The safety-net pass over recent interviews.
const SWEEP: Duration = Duration::from_secs(30);
/// While draining at shutdown, how often the outbox looks whether it is done.
const DRAIN_POLL: Duration = Duration::from_millis(50);

/// Interviews with something left to post, read from the list per query.
const UNDELIVERED_PAGE: u32 = 500;

impl Outbox {
    pub fn new(engine: Engine, outlet: Arc<dyn Outlet>) -> Outbox {
        let owner = engine.owner(&format!("outbox-{}", outlet.platform()));
        Outbox {
            engine,
            outlet,
            owner,
            in_flight: Mutex::new(HashSet::new()),
            sweep: SWEEP,
        }
    }

    fn key(&self, e: &RecordedEvent) -> String {
        format!(
            "deliver:{}:{}:{}",
            self.outlet.platform(),
            e.stream_id,
            e.version
        )
    }

    /// One try at posting `event` (the parts not yet posted), unless it is done; in the
    /// interview's span, counted by outcome.
    pub async fn deliver(&self, event: &RecordedEvent) -> Result<Delivered, StoreError> {
        let platform = self.outlet.platform().as_str();
        let span = span::interview("delivery", event.stream_id.as_str(), platform);
        let result = self.try_deliver(event).instrument(span).await;
        let outcome = match &result {
            Ok(Delivered::Posted) => {
                let lag = (self.engine.now() - event.recorded_at).to_std();
                metrics::outbox_lag(platform, lag.unwrap_or_default());
                "posted"
            }
            Ok(Delivered::AlreadyPosted) => "already_posted",
            Ok(Delivered::Skipped) => "skipped",
            Ok(Delivered::Held) => "held",
            Ok(Delivered::Delayed(_)) => "delayed",
            Err(_) => "failed",
        };
        metrics::delivery(platform, outcome);
        result
    }

    async fn try_deliver(&self, event: &RecordedEvent) -> Result<Delivered, StoreError> {
        let store = &self.engine.store;
        let key = self.key(event);
        if store.delivery(&key).await?.delivered {
            return Ok(Delivered::AlreadyPosted);
        }
        let Some(claim) = self.engine.claim(&key, &self.owner).await? else {
            return Ok(Delivered::Held);
        };
        // Read again under the claim: the previous holder may have posted meanwhile.
        let result = match store.delivery(&key).await {
            Ok(record) if record.delivered => Ok(Delivered::AlreadyPosted),
            Ok(record) => self.post_parts(event, &key, record).await,
            Err(e) => Err(e),
        };
        claim.release().await;
        result
    }

    /// Posts the parts from `record.parts_posted` on, recording each as it goes.
    async fn post_parts(
        &self,
        event: &RecordedEvent,
        key: &str,
        record: DeliveryRecord,
    ) -> Result<Delivered, StoreError> {
        let store = &self.engine.store;
        let (interview, _) = self.engine.load(&event.stream_id).await?;
        if let Some(started) = &interview.started {
            span::record_interview(&tracing::Span::current(), &started.interview_id);
        }
        let parts = self.outlet.parts(event, &interview);
        let first = record.parts_posted as usize;
        let (stream, version) = (event.stream_id.as_str(), event.version);
        let mut posted_now = false;
        for part in first..parts {
            let unknown = part == first && record.attempted;
            let found = if unknown {
                match self.outlet.find_part(event, &interview, part).await {
                    Ok(found) => found,
                    Err(e) => return self.failed(event, key, part, e).await,
                }
            } else {
                None
            };
            let id = match found {
                Some(id) => id,
                None => {
                    store
                        .mark_attempted(key, stream, version, self.engine.now())
                        .await?;
                    match self.outlet.post_part(event, &interview, part).await {
                        Ok(id) => {
                            posted_now = true;
                            id
                        }
                        Err(e) => return self.failed(event, key, part, e).await,
                    }
                }
            };
            store.mark_part_posted(key, part as u32 + 1, &id).await?;
        }
        store.mark_delivered(key, "", self.engine.now()).await?;
        Ok(if parts == 0 {
            Delivered::Skipped
        } else if posted_now {
            Delivered::Posted
        } else {
            Delivered::AlreadyPosted
        })
    }

    async fn failed(
        &self,
        event: &RecordedEvent,
        key: &str,
        part: usize,
        e: OutletError,
    ) -> Result<Delivered, StoreError> {
        let (stream, version) = (&event.stream_id, event.version);
        match e {
            OutletError::Permanent(why) => {
                tracing::warn!(%stream, version, part, %why, "platform refused a coach message; skipping it");
                self.engine
                    .store
                    .mark_delivered(key, "", self.engine.now())
                    .await?;
                Ok(Delivered::Skipped)
            }
            OutletError::Transient { why, retry_after } => {
                tracing::warn!(%stream, version, part, %why, ?retry_after, "posting failed; will retry");
                Ok(Delivered::Delayed(retry_after))
            }
        }
    }

    /// Delivers `event`, trying again on the delivery's own schedule until it is done,
    /// another instance finished it, or `cancel` fires. Returns at once when this
    /// process already runs a loop for the event.
    pub async fn deliver_until_done(
        self: Arc<Self>,
        event: RecordedEvent,
        cancel: CancellationToken,
    ) {
        let key = self.key(&event);
        if !self.lock_in_flight().insert(key.clone()) {
            return;
        }
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(FIRST_BACKOFF)
            .with_max_delay(MAX_BACKOFF)
            .with_jitter()
            .without_max_times()
            .build();
        loop {
            let wait = match self.deliver(&event).await {
                Ok(Delivered::Delayed(Some(asked))) => asked,
                Ok(Delivered::Delayed(None)) => backoff.next().unwrap_or(MAX_BACKOFF),
                // Another instance is posting it: look again once its claim could have
                // lapsed (it finishes, or it died and the claim is free).
                Ok(Delivered::Held) => (self.engine.lease_ttl() / 2)
                    .to_std()
                    .unwrap_or(MAX_BACKOFF),
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, stream = %event.stream_id, "delivery could not be recorded; will retry");
                    backoff.next().unwrap_or(MAX_BACKOFF)
                }
            };
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        self.lock_in_flight().remove(&key);
    }

    fn lock_in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every wanted event not yet posted, with no retry loop running here, of the
    /// interviews on this platform (not ended more than two days ago) that have coach
    /// events without a finished delivery record: an indexed query over the interview
    /// list, paged, so only those streams are read.
    async fn undelivered(&self) -> Result<Vec<RecordedEvent>, StoreError> {
        self.engine.catch_up_projections().await?;
        let platform = self.outlet.platform().to_string();
        let since = self.engine.now() - chrono::Duration::days(2);
        let mut page = Page::first(UNDELIVERED_PAGE);
        let mut out = Vec::new();
        loop {
            let rows = self
                .engine
                .store
                .undelivered_interviews(&platform, since, &page)
                .await?;
            for row in &rows {
                // Per interview: one that cannot be read (a damaged event) is reported
                // and the others are still delivered.
                match self.undelivered_in(&row.stream()).await {
                    Ok(events) => out.extend(events),
                    Err(e) => {
                        tracing::warn!(stream = %row.stream_id, error = %e, "outbox cannot read this interview; skipping it");
                    }
                }
            }
            match rows.last() {
                Some(last) if rows.len() == UNDELIVERED_PAGE as usize => {
                    page.after = Some(((), last.stream_id.clone()));
                }
                _ => return Ok(out),
            }
        }
    }

    /// The wanted events of `stream` not yet posted, with no retry loop running here.
    async fn undelivered_in(&self, stream: &StreamId) -> Result<Vec<RecordedEvent>, StoreError> {
        let (_, events) = self.engine.load(stream).await?;
        let mut out = Vec::new();
        for e in events.into_iter().filter(|e| self.outlet.wants(&e.event)) {
            let key = self.key(&e);
            if self.lock_in_flight().contains(&key) {
                continue;
            }
            if !self.engine.store.delivery(&key).await?.delivered {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// One try at every event not yet posted (start-up, tests); how many were posted.
    pub async fn catch_up(&self) -> Result<usize, StoreError> {
        let mut posted = 0;
        for e in self.undelivered().await? {
            if self.deliver(&e).await? == Delivered::Posted {
                posted += 1;
            }
        }
        Ok(posted)
    }

    /// The safety net: a retry loop for every event not yet posted.
    async fn sweep(self: &Arc<Self>, loops: &TaskTracker, cancel: &CancellationToken) {
        match self.undelivered().await {
            Ok(events) => {
                for e in events {
                    loops.spawn(self.clone().deliver_until_done(e, cancel.clone()));
                }
            }
            Err(e) => {
                let platform = self.outlet.platform();
                tracing::warn!(error = %e, %platform, "outbox catch-up failed");
            }
        }
    }

    /// Post new events as they are committed. Once `shutdown.drained` fires (the coach
    /// has finished its turns) it returns as soon as every event committed by then has
    /// been seen and posted; `shutdown.stop` ends it (and every retry) at once.
    pub async fn run(self: Arc<Self>, shutdown: Shutdown) {
        let mut feed = self.engine.listen();
        let mut ticker = tokio::time::interval(self.sweep);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let platform = self.outlet.platform();
        let cancel = shutdown.stop.clone();
        // The retry loops of single deliveries: none left means nothing is posting.
        let loops = TaskTracker::new();
        // The last position the feed brought here (earlier events are the sweep's).
        let mut seen = self.engine.store.head().await.unwrap_or(0);
        // Once draining: the log's head when the coach finished.
        let mut drain_to: Option<Position> = None;
        loop {
            if drain_to.is_some_and(|head| seen >= head) && loops.is_empty() {
                return;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = shutdown.drained.cancelled(), if drain_to.is_none() => {
                    drain_to = Some(self.engine.store.head().await.unwrap_or(seen));
                }
                // While draining: look again when a retry loop ends.
                _ = tokio::time::sleep(DRAIN_POLL), if drain_to.is_some() => {}
                _ = ticker.tick(), if drain_to.is_none() => self.sweep(&loops, &cancel).await,
                event = feed.recv() => match event {
                    Ok(e) => {
                        seen = seen.max(e.position);
                        if e.stream_id.platform() == Some(platform) && self.outlet.wants(&e.event) {
                            let e = RecordedEvent::clone(&e);
                            loops.spawn(self.clone().deliver_until_done(e, cancel.clone()));
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        self.sweep(&loops, &cancel).await;
                        seen = seen.max(self.engine.store.head().await.unwrap_or(seen));
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }
}
