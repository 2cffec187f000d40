//! Group commit for SQLite appends. SQLite has one writer at a time and, with
//! `synchronous=FULL`, every commit waits for an fsync of the WAL; committing appends one
//! by one caps the log at one fsync each and queues every other writer behind them.
//! This task gathers the appends waiting in this process and writes them in one
//! `BEGIN IMMEDIATE` transaction, sent to the writer connection as one script (one hop
//! to its thread per batch, not one per statement): each keeps its own idempotency-key
//! and version check (evaluated in order inside the transaction, so a later append sees
//! an earlier one's events and key), and the whole batch pays for one fsync. No caller
//! hears "appended" before the commit returned. A batch whose transaction fails is
//! retried one append at a time, so one bad append never fails another. The task runs
//! each batch to its end (it is never cancelled part-way), so a script is never cut
//! off with its transaction open. After each commit the task hands
//! the events it wrote, in commit order, to this store's `committed` channel (the
//! event feed's fast path) before it raises the store's head.

use super::sqlite_append::{Append, Encoded, append_one, append_script};
use super::sqlite_write::WriterPool;
use super::watcher::bump;
use crate::domain::Event;
use crate::domain::StreamId;
use crate::ports::{AppendOutcome, Committed, ExpectedVersion, Position, StoreError};
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Most appends folded into one transaction.
const MAX_BATCH: usize = 128;

pub(crate) struct Job {
    pub stream: StreamId,
    pub expected: ExpectedVersion,
    pub key: Option<String>,
    pub events: Vec<Encoded>,
    /// The same events, to hand to the feed once committed.
    pub originals: Vec<Event>,
    pub reply: oneshot::Sender<Result<AppendOutcome, StoreError>>,
}

/// Start the batching task; it ends when every sender is dropped.
pub(crate) fn spawn(store: Writer) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(4096);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Wait for one append, then take every one already waiting (up to the cap).
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            store.run(std::mem::take(&mut batch)).await;
        }
    });
    tx
}

/// What the task needs of the store: its writer, its wake-up channel and the channel
/// of committed events.
pub(crate) struct Writer {
    pub pool: WriterPool,
    pub watcher: Arc<watch::Sender<Position>>,
    pub committed: broadcast::Sender<Committed>,
}

impl Writer {
    async fn run(&self, batch: Vec<Job>) {
        // Callers that gave up (a dropped request) need no work.
        let batch: Vec<Job> = batch.into_iter().filter(|j| !j.reply.is_closed()).collect();
        if batch.is_empty() {
            return;
        }
        match self.together(&batch).await {
            Ok(results) => {
                self.publish(&batch, &results);
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
                return;
            }
            Err(e) => {
                tracing::debug!(error = %e, size = batch.len(), "batched append failed; retrying one by one")
            }
        }
        for job in batch {
            let result = append_one(
                &self.pool,
                &job.stream,
                job.expected,
                &job.events,
                job.key.as_deref(),
                None,
            )
            .await;
            self.publish(std::slice::from_ref(&job), std::slice::from_ref(&result));
            let _ = job.reply.send(result);
        }
    }

    /// Hand the committed events to the feed, then wake subscribers up to the last
    /// committed position.
    fn publish(&self, jobs: &[Job], results: &[Result<AppendOutcome, StoreError>]) {
        let mut written = Vec::new();
        for (job, result) in jobs.iter().zip(results) {
            let Ok(outcome) = result else { continue };
            written.extend(outcome.recorded(&job.originals).unwrap_or_default());
        }
        let Some(last) = written.iter().map(|e| e.position).max() else {
            return;
        };
        // Nobody listening is fine; a listener that lagged reads the log instead.
        let _ = self.committed.send(Arc::from(written));
        bump(&self.watcher, last);
    }

    /// One transaction for the whole batch. The outer error aborts it (nothing of the
    /// batch is written); the inner results are each append's own answer.
    async fn together(
        &self,
        batch: &[Job],
    ) -> Result<Vec<Result<AppendOutcome, StoreError>>, StoreError> {
        let appends: Vec<Append<'_>> = batch
            .iter()
            .map(|job| Append {
                stream: &job.stream,
                expected: job.expected,
                events: &job.events,
                key: job.key.as_deref(),
            })
            .collect();
        let committing = std::time::Instant::now();
        let results = append_script(&self.pool, &appends, Utc::now()).await?;
        let took = committing.elapsed();
        if took > std::time::Duration::from_millis(20) {
            tracing::debug!(
                size = batch.len(),
                took_ms = took.as_millis() as u64,
                "slow SQLite commit"
            );
        }
        Ok(results)
    }
}
