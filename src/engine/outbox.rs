//! The outbox: posts coach events to the chat platform where the interview lives,
//! exactly once across restarts and instances. A lease keeps two instances from posting
//! the same event; a delivery record remembers what was posted; an attempt that crashed
//! between posting and recording asks the platform (`find_posted`) before posting again.
//! It never decides anything: it only renders what is already in the log.

use crate::domain::{Event, Interview, Platform};
use crate::engine::Engine;
use crate::ports::InterviewFilter;
use crate::ports::{RecordedEvent, StoreError};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum OutletError {
    /// Worth trying again later (network, rate limit, platform outage).
    #[error("posting failed, will retry: {0}")]
    Transient(String),
    /// The platform refused for good (thread deleted, bot removed); the event is skipped.
    #[error("posting refused: {0}")]
    Permanent(String),
}

/// A chat platform as the outbox sees it.
#[async_trait]
pub trait Outlet: Send + Sync {
    fn platform(&self) -> Platform;

    /// Whether this event is shown on the platform (default: every coach event).
    fn wants(&self, event: &Event) -> bool {
        matches!(
            event,
            Event::CoachReplied(_)
                | Event::CodeAnalyzed(_)
                | Event::CoachFailed(_)
                | Event::SummaryWritten(_)
        )
    }

    /// Post the event where the interview lives; the platform's message id.
    async fn post(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
    ) -> Result<String, OutletError>;

    /// After a crash between posting and recording: the message id, if it was posted.
    async fn find_posted(
        &self,
        _event: &RecordedEvent,
        _interview: &Interview,
    ) -> Result<Option<String>, OutletError> {
        Ok(None)
    }
}

pub struct Outbox {
    engine: Engine,
    outlet: Arc<dyn Outlet>,
    owner: String,
    lease_ttl: chrono::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    Posted,
    AlreadyPosted,
    /// Another instance holds it, or the platform refused for good.
    Skipped,
}

impl Outbox {
    pub fn new(engine: Engine, outlet: Arc<dyn Outlet>) -> Outbox {
        let owner = format!("outbox-{}", uuid::Uuid::new_v4().simple());
        Outbox {
            engine,
            outlet,
            owner,
            lease_ttl: chrono::Duration::seconds(60),
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

    /// Post `event` unless it was posted already.
    pub async fn deliver(&self, event: &RecordedEvent) -> Result<Delivered, StoreError> {
        let store = &self.engine.store;
        let key = self.key(event);
        let record = store.delivery(&key).await?;
        if record.delivered {
            return Ok(Delivered::AlreadyPosted);
        }
        let now = self.engine.now();
        if !store
            .try_lease(&key, &self.owner, now, now + self.lease_ttl)
            .await?
        {
            return Ok(Delivered::Skipped);
        }
        // Read again under the lease: the previous holder may have posted meanwhile.
        let record = match store.delivery(&key).await {
            Ok(r) => r,
            Err(e) => {
                let _ = store.release(&key, &self.owner).await;
                return Err(e);
            }
        };
        if record.delivered {
            let _ = store.release(&key, &self.owner).await;
            return Ok(Delivered::AlreadyPosted);
        }
        let result = self.post_once(event, &key, record.attempted).await;
        let _ = store.release(&key, &self.owner).await;
        result
    }

    async fn post_once(
        &self,
        event: &RecordedEvent,
        key: &str,
        attempted_before: bool,
    ) -> Result<Delivered, StoreError> {
        let store = &self.engine.store;
        let (interview, _) = self.engine.load(&event.stream_id).await?;
        if attempted_before && let Ok(Some(id)) = self.outlet.find_posted(event, &interview).await {
            store.mark_delivered(key, &id, self.engine.now()).await?;
            return Ok(Delivered::AlreadyPosted);
        }
        store
            .mark_attempted(
                key,
                event.stream_id.as_str(),
                event.version,
                self.engine.now(),
            )
            .await?;
        match self.outlet.post(event, &interview).await {
            Ok(id) => {
                store.mark_delivered(key, &id, self.engine.now()).await?;
                Ok(Delivered::Posted)
            }
            Err(OutletError::Permanent(why)) => {
                tracing::warn!(stream = %event.stream_id, version = event.version, %why, "platform refused a coach message; skipping it");
                store.mark_delivered(key, "", self.engine.now()).await?;
                Ok(Delivered::Skipped)
            }
            Err(OutletError::Transient(why)) => {
                tracing::warn!(stream = %event.stream_id, version = event.version, %why, "posting failed; will retry");
                Ok(Delivered::Skipped)
            }
        }
    }

    /// Deliver every wanted event of recent interviews on this platform that is not yet
    /// posted (start-up, and periodically for transient failures).
    pub async fn catch_up(&self) -> Result<usize, StoreError> {
        self.engine.catch_up_projections().await?;
        let filter = InterviewFilter {
            platform: Some(self.outlet.platform().to_string()),
            limit: Some(500),
            ..Default::default()
        };
        let since = self.engine.now() - chrono::Duration::days(2);
        let mut posted = 0;
        for row in self.engine.store.list_interviews(&filter).await? {
            if row.ended_at.is_some_and(|t| t < since) {
                continue;
            }
            let (_, events) = self.engine.load(&row.stream()).await?;
            for e in events.iter().filter(|e| self.outlet.wants(&e.event)) {
                if self.deliver(e).await? == Delivered::Posted {
                    posted += 1;
                }
            }
        }
        Ok(posted)
    }

    /// Post new events as they are committed, until `cancel` fires.
    pub async fn run(self: Arc<Self>, cancel: CancellationToken) {
        let mut feed = self.engine.listen();
        let mut ticker = tokio::time::interval(Duration::from_secs(30));
        let platform = self.outlet.platform();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = ticker.tick() => {
                    if let Err(e) = self.catch_up().await {
                        tracing::warn!(error = %e, %platform, "outbox catch-up failed");
                    }
                }
                event = feed.recv() => match event {
                    Ok(e) if e.stream_id.platform() == Some(platform) && self.outlet.wants(&e.event) => {
                        let outbox = self.clone();
                        tokio::spawn(async move {
                            if let Err(err) = outbox.deliver(&e).await {
                                tracing::warn!(error = %err, "delivery failed; the periodic catch-up retries it");
                            }
                        });
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let _ = self.catch_up().await;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }
}
