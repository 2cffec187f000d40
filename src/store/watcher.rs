//! The subscription behind `EventStore::subscribe`: a watch channel holding the highest
//! committed position, raised by local appends, by notifications and by a poller that
//! guarantees wake-ups even when a notification is lost.

use super::Position;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub(crate) struct Watcher {
    tx: Arc<watch::Sender<Position>>,
    cancel: CancellationToken,
}

impl Watcher {
    pub(crate) fn new(tx: Arc<watch::Sender<Position>>) -> Watcher {
        Watcher {
            tx,
            cancel: CancellationToken::new(),
        }
    }

    pub(crate) fn sender(&self) -> Arc<watch::Sender<Position>> {
        self.tx.clone()
    }

    /// Record that `position` is committed; wakes subscribers if it is new.
    pub(crate) fn bump(&self, position: Position) {
        bump(&self.tx, position);
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Position> {
        self.tx.subscribe()
    }

    pub(crate) fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Poll `head` every `interval` until the store is dropped.
    pub(crate) fn spawn_poller<F, Fut>(&self, interval: Duration, head: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Option<Position>> + Send,
    {
        let tx = Arc::downgrade(&self.tx);
        let cancel = self.cancel.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = ticker.tick() => {}
                }
                let Some(position) = head().await else {
                    continue;
                };
                match tx.upgrade() {
                    Some(tx) => bump(&tx, position),
                    None => return,
                }
            }
        });
    }

    pub(crate) fn stop(&self) {
        self.cancel.cancel();
    }
}

pub(crate) fn bump(tx: &watch::Sender<Position>, position: Position) {
    tx.send_if_modified(|current| {
        if position > *current {
            *current = position;
            true
        } else {
            false
        }
    });
}
