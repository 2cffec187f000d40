//! The event feed: one task tails `read_all` from the store's subscription and
//! broadcasts every committed event, whichever instance appended it, to in-process
//! listeners (web sockets, platform renderers, the coach). Events this process
//! committed come straight from the store's `committed` channel when they follow on
//! from the last one published; anything else (another instance's commit, a gap) is
//! read from the log, so the order is always the log's and nothing is skipped or
//! repeated. A slow listener lags and re-reads the log; it never blocks the feed. How
//! far the feed is behind the log's head is the `interview_coach_feed_lag_events` gauge.

use crate::ports::{Committed, EventStore, Position, RecordedEvent, StoreError};
use crate::telemetry::metrics;
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
    // Events this process commits arrive here without a read; the log fills the rest.
    let mut committed = store.committed();
    let mut checkpoint = start;
    loop {
        if let Some(rx) = committed.as_mut() {
            take_committed(rx, &mut checkpoint, &tx);
        }
        let head = *wake.borrow_and_update();
        if head > checkpoint
            && let Err(e) = drain(store.as_ref(), &mut checkpoint, &tx).await
        {
            tracing::warn!(error = %e, "event feed could not read the log; retrying");
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
            }
        }
        metrics::feed_lag(u64::try_from(*wake.borrow() - checkpoint).unwrap_or(0));
        tokio::select! {
            _ = cancel.cancelled() => return,
            changed = wake.changed() => if changed.is_err() { return },
            Some(batch) = next_committed(&mut committed) => match batch {
                Ok(batch) => publish_if_next(&batch, &mut checkpoint, &tx),
                // Missed batches are read from the log on the next pass.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => committed = None,
            }
        }
    }
}

async fn next_committed(
    rx: &mut Option<broadcast::Receiver<Committed>>,
) -> Option<Result<Committed, broadcast::error::RecvError>> {
    match rx {
        Some(rx) => Some(rx.recv().await),
        None => std::future::pending().await,
    }
}

/// Publish every committed batch already waiting that follows on from `checkpoint`.
fn take_committed(
    rx: &mut broadcast::Receiver<Committed>,
    checkpoint: &mut Position,
    tx: &broadcast::Sender<Arc<RecordedEvent>>,
) {
    loop {
        match rx.try_recv() {
            Ok(batch) => publish_if_next(&batch, checkpoint, tx),
            Err(broadcast::error::TryRecvError::Lagged(_)) => continue,
            Err(_) => return,
        }
    }
}

/// Publish the events of `batch` past `checkpoint` if they follow on from it without
/// a gap; with a gap (another process's commit, a missed batch) the log is read.
fn publish_if_next(
    batch: &[RecordedEvent],
    checkpoint: &mut Position,
    tx: &broadcast::Sender<Arc<RecordedEvent>>,
) {
    let fresh: Vec<&RecordedEvent> = batch.iter().filter(|e| e.position > *checkpoint).collect();
    let follows = fresh
        .iter()
        .enumerate()
        .all(|(i, e)| e.position == *checkpoint + 1 + i as i64);
    if fresh.is_empty() || !follows {
        return;
    }
    for e in fresh {
        *checkpoint = e.position;
        let _ = tx.send(Arc::new(e.clone()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EndReason, EndedBy, Event, InterviewEnded, StreamId};

    fn at(position: Position) -> RecordedEvent {
        RecordedEvent {
            position,
            stream_id: StreamId::new("web:feed"),
            version: position as u64,
            recorded_at: chrono::DateTime::UNIX_EPOCH,
            event: Event::InterviewEnded(InterviewEnded {
                by: EndedBy::Timer,
                reason: EndReason::TimeLimit,
                at: chrono::DateTime::UNIX_EPOCH,
            }),
        }
    }

    fn published(rx: &mut broadcast::Receiver<Arc<RecordedEvent>>) -> Vec<Position> {
        std::iter::from_fn(|| rx.try_recv().ok().map(|e| e.position)).collect()
    }

    #[test]
    fn given_a_batch_that_follows_on_when_taken_then_it_is_published() {
        let (tx, mut rx) = broadcast::channel(16);
        let mut checkpoint = 10;
        publish_if_next(&[at(11), at(12)], &mut checkpoint, &tx);
        assert_eq!(published(&mut rx), vec![11, 12]);
        assert_eq!(checkpoint, 12);
    }

    #[test]
    fn given_a_gap_before_a_batch_when_taken_then_nothing_is_published() {
        let (tx, mut rx) = broadcast::channel(16);
        let mut checkpoint = 10;
        publish_if_next(&[at(12), at(13)], &mut checkpoint, &tx);
        assert!(published(&mut rx).is_empty());
        assert_eq!(checkpoint, 10, "the log fills the gap");
    }

    #[test]
    fn given_a_batch_partly_published_when_taken_then_only_the_rest_is() {
        let (tx, mut rx) = broadcast::channel(16);
        let mut checkpoint = 10;
        publish_if_next(&[at(9), at(10), at(11)], &mut checkpoint, &tx);
        assert_eq!(published(&mut rx), vec![11]);
        publish_if_next(&[at(10), at(11)], &mut checkpoint, &tx);
        assert!(published(&mut rx).is_empty(), "nothing twice");
    }
}
