//! The duel outbox (issue 16): posts what a duel's events mean on its platform (the
//! start, a decline, an expiry in the channel; a win or the time limit in the channel
//! and in both duelists' threads), each message once across errors, restarts and
//! instances, as the interview outbox does: a claim per event, a delivery record that
//! counts the messages posted, and a delivery key per message that the platform uses
//! to deduplicate (Discord's nonce, Slack's metadata).
//!
//! It never decides anything and never writes an event: it renders what is already in
//! the duel's stream. What a message says is the platform's (`DuelHerald`).

use super::Engine;
use super::outbox::OutletError;
use crate::domain::events::Event;
use crate::domain::{Duel, Platform, StreamId};
use crate::ports::{RecordedEvent, StoreError};
pub use crate::projections::duels::RatingChange;
use crate::projections::duels::{DuelBoardCache, is_duel_stream};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// Where a duel message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuelTarget {
    /// The channel the duel was offered in.
    Channel,
    /// A duelist's interview (its thread).
    Interview(StreamId),
}

/// One message a duel event becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuelMessage {
    pub to: DuelTarget,
    pub text: String,
}

/// A chat platform as the duel outbox sees it.
#[async_trait]
pub trait DuelHerald: Send + Sync {
    fn platform(&self) -> Platform;

    /// The messages `event` of `duel` becomes (none: nothing is shown); `change` is how
    /// a won duel moved the ratings.
    fn messages(
        &self,
        duel: &Duel,
        event: &Event,
        change: Option<RatingChange>,
    ) -> Vec<DuelMessage>;

    /// Post `message` of `duel`, carrying `key` (the message's own delivery key); the
    /// platform's message id.
    async fn post(
        &self,
        duel: &Duel,
        message: &DuelMessage,
        key: &str,
    ) -> Result<String, OutletError>;
}

/// Tries of one delivery within a pass, before leaving it to the next sweep.
const TRIES: u32 = 4;
/// How often finished duels are looked at again for anything left to post.
const SWEEP: Duration = Duration::from_secs(30);

pub struct DuelNews {
    engine: Engine,
    herald: Arc<dyn DuelHerald>,
    board: Arc<DuelBoardCache>,
    owner: String,
}

impl DuelNews {
    pub fn new(engine: Engine, herald: Arc<dyn DuelHerald>, board: Arc<DuelBoardCache>) -> Self {
        let owner = engine.owner(&format!("duel-news-{}", herald.platform()));
        DuelNews {
            engine,
            herald,
            board,
            owner,
        }
    }

    fn mine(&self, stream: &StreamId) -> bool {
        let prefix = format!("duel:{}:", self.herald.platform());
        is_duel_stream(stream) && stream.as_str().starts_with(&prefix)
    }

    /// Post every message of `event` not yet posted; false when it is left for later
    /// (another instance holds it, or the platform failed for now).
    pub async fn deliver(&self, event: &RecordedEvent) -> Result<bool, StoreError> {
        let store = &self.engine.store;
        let key = format!("duel-news:{}:{}", event.stream_id, event.version);
        if store.delivery(&key).await?.delivered {
            return Ok(true);
        }
        let Some(claim) = self.engine.claim(&key, &self.owner).await? else {
            return Ok(false);
        };
        let result = self.post_all(event, &key).await;
        claim.release().await;
        result
    }

    async fn post_all(&self, event: &RecordedEvent, key: &str) -> Result<bool, StoreError> {
        let store = &self.engine.store;
        let record = store.delivery(key).await?;
        if record.delivered {
            return Ok(true);
        }
        let (duel, _) = self.engine.load_duel(&event.stream_id).await?;
        let change = self
            .board
            .caught_up(store.as_ref())
            .await?
            .1
            .change(&event.stream_id);
        let messages = self.herald.messages(&duel, &event.event, change);
        let (stream, version) = (event.stream_id.as_str(), event.version);
        for (i, message) in messages
            .iter()
            .enumerate()
            .skip(record.parts_posted as usize)
        {
            store
                .mark_attempted(key, stream, version, self.engine.now())
                .await?;
            match self
                .herald
                .post(&duel, message, &format!("{key}:{i}"))
                .await
            {
                Ok(id) => store.mark_part_posted(key, i as u32 + 1, &id).await?,
                Err(OutletError::Permanent(why)) => {
                    tracing::warn!(%stream, version, %why, "platform refused a duel message; skipping it");
                }
                Err(OutletError::Transient { why, .. }) => {
                    tracing::warn!(%stream, version, %why, "posting a duel message failed; will retry");
                    return Ok(false);
                }
            }
        }
        store.mark_delivered(key, "", self.engine.now()).await?;
        Ok(true)
    }

    async fn deliver_with_retries(&self, event: &RecordedEvent) {
        for attempt in 0..TRIES {
            match self.deliver(event).await {
                Ok(true) => return,
                Ok(false) | Err(_) if attempt + 1 < TRIES => {
                    tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
                }
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(stream = %event.stream_id, error = %e, "duel news failed; the sweep will retry");
                    return;
                }
            }
        }
    }

    /// Every event of this platform's live and recently ended duels: what a restart or
    /// a failed try left unposted is posted now (delivered ones are skipped by record).
    async fn sweep(&self) -> Result<(), StoreError> {
        let since = self.engine.now() - chrono::Duration::days(1);
        let streams: Vec<StreamId> = {
            let guard = self.board.caught_up(self.engine.store.as_ref()).await?;
            guard
                .1
                .all()
                .filter(|(s, d)| self.mine(s) && d.ended_at.is_none_or(|at| at >= since))
                .map(|(s, _)| s.clone())
                .collect()
        };
        for stream in streams {
            let events = self.engine.store.read_stream(&stream, 1).await?;
            for event in &events {
                self.deliver_with_retries(event).await;
            }
        }
        Ok(())
    }

    /// Post duel news as it is committed, with a sweep at start and every 30 s, until
    /// `cancel` fires.
    pub async fn run(self: Arc<Self>, cancel: CancellationToken) {
        let mut feed = self.engine.listen();
        loop {
            if let Err(e) = self.sweep().await {
                tracing::warn!(error = %e, "duel news sweep failed; will retry");
            }
            let sleep = tokio::time::sleep(SWEEP);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = &mut sleep => break,
                    got = feed.recv() => match got {
                        Ok(r) if self.mine(&r.stream_id) => {
                            let news = self.clone();
                            tokio::spawn(async move { news.deliver_with_retries(&r).await });
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    },
                }
            }
        }
    }
}
