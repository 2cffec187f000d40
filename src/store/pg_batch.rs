//! Group commit for Postgres appends. Appends are serialised by an advisory lock held
//! until commit (so positions follow commit order), which caps one-at-a-time commits at
//! one WAL flush each. This task gathers the appends waiting in this process and runs
//! them as one transaction: each keeps its own version check and idempotency key (a
//! conflict is a result row, not an error, so it never aborts its neighbours), and the
//! whole batch pays for one flush. A batch that fails is retried one append at a time,
//! so one bad append never fails another.

use super::{Appended, StoreError, StreamId};
use sqlx::Row;
use sqlx::postgres::PgPool;
use tokio::sync::{mpsc, oneshot};

/// Most appends folded into one transaction.
const MAX_BATCH: usize = 64;

pub(crate) const APPEND: &str = "SELECT * FROM ic_append($1, $2, $3, $4, $5, $6)";

pub(crate) struct Job {
    pub stream: String,
    pub expected: i64,
    pub key: Option<String>,
    pub types: Vec<String>,
    pub schemas: Vec<i32>,
    pub payloads: Vec<String>,
    pub reply: oneshot::Sender<Result<(String, Appended), StoreError>>,
}

fn query(job: &Job) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(APPEND)
        .bind(job.stream.as_str())
        .bind(job.expected)
        .bind(job.key.as_deref())
        .bind(&job.types)
        .bind(&job.schemas)
        .bind(&job.payloads)
}

pub(crate) fn parse(row: &sqlx::postgres::PgRow) -> Result<(String, Appended), StoreError> {
    Ok((
        row.try_get("status")?,
        Appended {
            stream_id: StreamId(row.try_get("stream_id")?),
            first_version: row.try_get::<i64, _>("first_version")? as u64,
            last_version: row.try_get::<i64, _>("last_version")? as u64,
            first_position: row.try_get("first_position")?,
            last_position: row.try_get("last_position")?,
        },
    ))
}

/// Start the batching task; it ends when every sender is dropped.
pub(crate) fn spawn(pool: PgPool) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(1024);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Wait for one append, then take every one already waiting (up to the cap).
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            run(&pool, std::mem::take(&mut batch)).await;
        }
    });
    tx
}

async fn run(pool: &PgPool, batch: Vec<Job>) {
    if batch.len() > 1 {
        match together(pool, &batch).await {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
                return;
            }
            Err(e) => {
                tracing::debug!(error = %e, size = batch.len(), "batched append failed; retrying one by one")
            }
        }
    }
    for job in batch {
        let result = match query(&job).fetch_one(pool).await {
            Ok(row) => parse(&row),
            Err(e) => Err(e.into()),
        };
        let _ = job.reply.send(result);
    }
}

async fn together(pool: &PgPool, batch: &[Job]) -> Result<Vec<(String, Appended)>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let row = query(job).fetch_one(&mut *tx).await?;
        results.push(parse(&row)?);
    }
    tx.commit().await?;
    Ok(results)
}
