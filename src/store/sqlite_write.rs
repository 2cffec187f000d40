//! The SQLite log's write side: the single writer connection with its durability
//! level per write, and the SQL of one append (version check, insert, idempotency
//! key). Both the store (appends held open in tests) and the group-commit task
//! (`sqlite_batch`) call it; it calls neither.

use super::reads::sqlite::key_row;
use crate::domain::StreamId;
use crate::ports::{AppendOutcome, Appended, ExpectedVersion, Hold, StoreError};
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::{Executor, Sqlite};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How a write on the writer connection waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteSync {
    /// At the configured `synchronous` level: events and delivery records.
    Durable,
    /// `synchronous=NORMAL`: the commit reaches the WAL without an fsync and is synced
    /// by the next durable commit. Survives a crash of the process, not of the machine;
    /// only for what can be rebuilt (read models).
    Relaxed,
}

/// The single writer connection. Every write sets the connection's `synchronous` level
/// first (a transaction in its `BEGIN`), so a relaxed write never leaves a later
/// durable one unsynced.
#[derive(Clone)]
pub(crate) struct WriterPool {
    pool: SqlitePool,
    /// Whether the durable level is FULL (else NORMAL, as configured).
    durable_full: bool,
    /// The level the writer connection was last set to (`UNKNOWN` while a change is
    /// in flight), so consecutive writes of one kind skip the statement.
    level: Arc<std::sync::atomic::AtomicU8>,
}

const UNKNOWN: u8 = 0;
const DURABLE: u8 = 1;
const RELAXED: u8 = 2;

impl WriterPool {
    /// `durable_full`: events commit at `synchronous=FULL` (else NORMAL).
    pub(crate) fn new(pool: SqlitePool, durable_full: bool) -> WriterPool {
        WriterPool {
            pool,
            durable_full,
            level: Arc::new(std::sync::atomic::AtomicU8::new(UNKNOWN)),
        }
    }

    /// The pool itself, for migrations (which set their own pragmas).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The writer connection for a single statement, its level set first (a statement
    /// of its own when the level changes).
    pub(crate) async fn acquire(
        &self,
        sync: WriteSync,
    ) -> Result<PoolConnection<Sqlite>, StoreError> {
        let mut conn = self.acquire_bare().await?;
        let (full, level) = self.target(sync);
        // Only the holder of the single connection reads or changes `level`. It is
        // UNKNOWN while the statement runs, so a write cancelled half-way makes the
        // next one set the level again.
        if self.level.load(Ordering::Acquire) != level {
            self.level.store(UNKNOWN, Ordering::Release);
            conn.execute(pragma_sql(full)).await?;
            self.level.store(level, Ordering::Release);
        }
        Ok(conn)
    }

    /// Begin a transaction on the writer connection (from [`WriterPool::acquire_bare`])
    /// at the level `sync` asks for. A change of level travels in the same statement
    /// string as the `BEGIN` (SQLite runs both in one call on the connection's thread),
    /// so switching between durable appends and relaxed read-model writes costs no
    /// round trip of its own; the level is still set before anything is written.
    pub(crate) async fn begin<'c>(
        &self,
        conn: &'c mut SqliteConnection,
        sync: WriteSync,
        immediate: bool,
    ) -> Result<sqlx::Transaction<'c, Sqlite>, StoreError> {
        let (full, level) = self.target(sync);
        let set = (self.level.load(Ordering::Acquire) != level).then_some(full);
        self.level.store(UNKNOWN, Ordering::Release);
        let tx = sqlx::Connection::begin_with(conn, begin_sql(set, immediate)).await?;
        self.level.store(level, Ordering::Release);
        Ok(tx)
    }

    /// Whether `sync` means `synchronous=FULL` (else NORMAL), and its mark in `level`.
    fn target(&self, sync: WriteSync) -> (bool, u8) {
        match sync {
            WriteSync::Durable => (self.durable_full, DURABLE),
            WriteSync::Relaxed => (false, RELAXED),
        }
    }

    /// The writer connection as it is: the caller sets the level ([`WriterPool::begin`]).
    pub(crate) async fn acquire_bare(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        let waited = std::time::Instant::now();
        let conn = self.pool.acquire().await?;
        let waited = waited.elapsed();
        if waited > Duration::from_millis(20) {
            tracing::debug!(
                waited_ms = waited.as_millis() as u64,
                "slow wait for the SQLite writer"
            );
        }
        Ok(conn)
    }
}

/// The statement setting `synchronous` to FULL (`full`) or NORMAL.
fn pragma_sql(full: bool) -> &'static str {
    if full {
        "PRAGMA synchronous = FULL"
    } else {
        "PRAGMA synchronous = NORMAL"
    }
}

/// The `BEGIN` of a writer transaction, preceded by the `synchronous` level to set
/// (`Some(true)`: FULL, `Some(false)`: NORMAL) when the connection is not at it.
fn begin_sql(set: Option<bool>, immediate: bool) -> &'static str {
    match (set, immediate) {
        (None, false) => "BEGIN",
        (None, true) => "BEGIN IMMEDIATE",
        (Some(true), false) => "PRAGMA synchronous = FULL; BEGIN",
        (Some(true), true) => "PRAGMA synchronous = FULL; BEGIN IMMEDIATE",
        (Some(false), false) => "PRAGMA synchronous = NORMAL; BEGIN",
        (Some(false), true) => "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE",
    }
}

/// An event ready to store: type, schema version, JSON payload.
pub(crate) type Encoded = (String, u32, String);

/// A repeated key: the first append's result, if it was for the same stream.
pub(crate) fn duplicate(
    stream: &StreamId,
    appended: Appended,
) -> Result<AppendOutcome, StoreError> {
    if &appended.stream_id != stream {
        return Err(StoreError::KeyOnOtherStream {
            stream: appended.stream_id.to_string(),
        });
    }
    Ok(AppendOutcome {
        appended,
        duplicate: true,
        recorded_at: None,
    })
}

/// Append in its own transaction, optionally held open before the commit (tests).
pub(crate) async fn append_one(
    pool: &WriterPool,
    stream: &StreamId,
    expected: ExpectedVersion,
    events: &[Encoded],
    key: Option<&str>,
    hold: Option<Hold>,
) -> Result<AppendOutcome, StoreError> {
    let mut conn = pool.acquire_bare().await?;
    let mut tx = pool.begin(&mut conn, WriteSync::Durable, true).await?;
    let outcome = append_in(&mut tx, stream, expected, events, key, Utc::now()).await?;
    if outcome.is_err() {
        tx.rollback().await?;
        return outcome;
    }
    if let Some(hold) = hold {
        let _ = hold.entered.send(());
        let _ = hold.release.await;
    }
    tx.commit().await?;
    outcome
}

/// `INSERT` of `n` events after the stream's current version, only if it is the
/// expected one (`$N`, negative for any) and the idempotency key (`$N+1`, NULL for
/// none) was never used: parameters are the stream, the time, then type, schema and
/// payload per event, then the expected version and the key. Rows come back as
/// (position, version). The key's check is part of the insert so that the usual
/// append costs no statement of its own for it.
fn insert_sql(n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "({}, ${}, ${}, ${})",
                i + 1,
                3 + 3 * i,
                4 + 3 * i,
                5 + 3 * i
            )
        })
        .collect();
    let expected = 3 + 3 * n;
    let key = expected + 1;
    format!(
        "WITH cur(v) AS (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1) \
         INSERT INTO events (stream_id, version, event_type, schema_version, payload, recorded_at) \
         SELECT $1, cur.v + n.column1, n.column2, n.column3, n.column4, $2 \
         FROM cur, (VALUES {}) AS n WHERE (${expected} < 0 OR cur.v = ${expected}) \
         AND NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = ${key}) \
         RETURNING position, version",
        values.join(", ")
    )
}

/// One append inside an open write transaction. The outer error is the database's (the
/// transaction must be abandoned); the inner result is this append's answer: a
/// conflict or a key used on another stream writes nothing and leaves the transaction
/// usable for the appends after it.
pub(crate) async fn append_in(
    conn: &mut SqliteConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
    events: &[Encoded],
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<AppendOutcome, StoreError>, StoreError> {
    if events.is_empty() {
        if let Some(first) = used_key(conn, key).await? {
            return Ok(duplicate(stream, first));
        }
        return check_only(conn, stream, expected).await;
    }
    let Some(appended) = insert_events(conn, stream, expected, events, key, now).await? else {
        // Nothing inserted: a used key (the first result is the answer) or a conflict.
        if let Some(first) = used_key(conn, key).await? {
            return Ok(duplicate(stream, first));
        }
        let actual = version_now(conn, stream).await?;
        return Ok(Err(conflict(stream, expected, actual)));
    };
    if let Some(key) = key {
        remember_key(conn, key, &appended, now).await?;
    }
    Ok(Ok(AppendOutcome {
        appended,
        duplicate: false,
        recorded_at: Some(now),
    }))
}

/// The first result appended under `key`, if the key was used.
async fn used_key(
    conn: &mut SqliteConnection,
    key: Option<&str>,
) -> Result<Option<Appended>, StoreError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let row = sqlx::query("SELECT * FROM idempotency_keys WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(key_row).transpose()
}

async fn version_now(conn: &mut SqliteConnection, stream: &StreamId) -> Result<u64, StoreError> {
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
            .bind(stream.as_str())
            .fetch_one(&mut *conn)
            .await?;
    Ok(current as u64)
}

fn conflict(stream: &StreamId, expected: ExpectedVersion, actual: u64) -> StoreError {
    StoreError::Conflict {
        stream: stream.to_string(),
        expected: expected.as_i64(),
        actual,
    }
}

/// An append of no events: only the version check.
async fn check_only(
    conn: &mut SqliteConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
) -> Result<Result<AppendOutcome, StoreError>, StoreError> {
    let current = version_now(conn, stream).await?;
    Ok(match expected {
        ExpectedVersion::Exact(v) if v != current => Err(conflict(stream, expected, current)),
        _ => Ok(AppendOutcome {
            appended: Appended {
                stream_id: stream.clone(),
                first_version: current + 1,
                last_version: current,
                first_position: 0,
                last_position: 0,
            },
            duplicate: false,
            recorded_at: None,
        }),
    })
}

/// The version check and every insert in one statement: on a conflict no row is
/// inserted and the answer is `None`.
async fn insert_events(
    conn: &mut SqliteConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
    events: &[Encoded],
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Appended>, StoreError> {
    let mut insert = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(insert_sql(events.len())))
        .bind(stream.as_str())
        .bind(now);
    for (event_type, schema, payload) in events {
        insert = insert
            .bind(event_type.as_str())
            .bind(*schema as i64)
            .bind(payload);
    }
    let mut rows = insert
        .bind(expected.as_i64())
        .bind(key)
        .fetch_all(&mut *conn)
        .await?;
    rows.sort_unstable_by_key(|(_, version)| *version);
    let (Some(&(first_position, first)), Some(&(last_position, _))) = (rows.first(), rows.last())
    else {
        return Ok(None);
    };
    let current = first as u64 - 1;
    Ok(Some(Appended {
        stream_id: stream.clone(),
        first_version: current + 1,
        last_version: current + events.len() as u64,
        first_position,
        last_position,
    }))
}

/// Records `key` as having appended `appended`, so a repeat is answered as a duplicate.
async fn remember_key(
    conn: &mut SqliteConnection,
    key: &str,
    appended: &Appended,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO idempotency_keys (key, stream_id, first_version, last_version, first_position, last_position, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(key)
    .bind(appended.stream_id.as_str())
    .bind(appended.first_version as i64)
    .bind(appended.last_version as i64)
    .bind(appended.first_position)
    .bind(appended.last_position)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
