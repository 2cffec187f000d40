//! The SQLite log's single writer connection, with its durability level per write:
//! every write on it (appends, read models, delivery records) comes through here. It
//! knows no table and decides nothing.

use crate::ports::StoreError;
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
        let (begin, level) = self.script_begin(sync, immediate);
        let tx = sqlx::Connection::begin_with(conn, begin).await?;
        self.set_level(level);
        Ok(tx)
    }

    /// The `BEGIN` statement (with the level change in front when the connection is not
    /// at the level `sync` asks for) and the level to record with
    /// [`WriterPool::set_level`] once it ran. Until then the level reads as unknown, so
    /// a write that fails or is cancelled half-way makes the next one set it again.
    pub(crate) fn script_begin(&self, sync: WriteSync, immediate: bool) -> (&'static str, u8) {
        let (full, level) = self.target(sync);
        let set = (self.level.load(Ordering::Acquire) != level).then_some(full);
        self.level.store(UNKNOWN, Ordering::Release);
        (begin_sql(set, immediate), level)
    }

    /// Record the level a `BEGIN` from [`WriterPool::script_begin`] set.
    pub(crate) fn set_level(&self, level: u8) {
        self.level.store(level, Ordering::Release);
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
