//! The event feed: one task tails `read_all` from the store's subscription and
//! broadcasts every committed event, whichever instance appended it, to in-process
//! listeners (web sockets, platform renderers, the coach). A slow listener lags and
//! re-reads the log; it never blocks the feed.

use crate::store::{EventStore, Position, RecordedEvent, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

pub type FeedReceiver = broadcast::Receiver<Arc<RecordedEvent>>;

/// Tail the log from `start` and publish each event until `cancel` fires.
pub async fn run_feed(
    store: Arc<dyn EventStore>,
    start: Position,
    tx: broadcast::Sender<Arc<RecordedEvent>>,
    cancel: CancellationToken,
) {
    let mut wake = store.subscribe();
    let mut checkpoint = start;
    loop {
        match drain(store.as_ref(), &mut checkpoint, &tx).await {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(error = %e, "event feed could not read the log; retrying");
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            changed = wake.changed() => if changed.is_err() { return },
        }
    }
}

async fn drain(
    store: &dyn EventStore,
    checkpoint: &mut Position,
    tx: &broadcast::Sender<Arc<RecordedEvent>>,
) -> Result<(), StoreError> {
    loop {
        let batch = store.read_all(*checkpoint, 256).await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        *checkpoint = last.position;
        for e in batch {
            // No receivers is fine: nobody is listening right now.
            let _ = tx.send(Arc::new(e));
        }
    }
}
