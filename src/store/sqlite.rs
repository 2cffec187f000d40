//! The SQLite event store: the embedded default, a single file under a data directory.
//!
//! WAL journal, `BEGIN IMMEDIATE` appends through a single-connection writer pool (so
//! commit order is position order) with group commit (`sqlite_batch`),
//! `synchronous=FULL` by default so an acknowledged event survives power loss, and a
//! separate reader pool. Only what cannot be rebuilt is written durably: events and
//! delivery records. Read models (rebuilt from the log, checkpointed in the same
//! transaction) are written without waiting for an fsync; the next durable commit
//! syncs them with it. Leases live in a file of their own beside the log, so they never
//! queue for its writer. It must never hold the writer longer than one batch.

use super::codec;
use super::reads::sqlite::{self as reads, key_row};
use super::sqlite_batch;
use super::watcher::{Watcher, bump};
use super::*;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Executor, Sqlite};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock, Weak};
use std::time::Duration;

/// SQLite's `synchronous` setting for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

impl FromStr for Synchronous {
    type Err = String;
    fn from_str(s: &str) -> Result<Synchronous, String> {
        match s.to_ascii_lowercase().as_str() {
            "full" => Ok(Synchronous::Full),
            "normal" => Ok(Synchronous::Normal),
            other => Err(format!("expected FULL or NORMAL, got {other}")),
        }
    }
}

pub struct SqliteStore {
    pub(crate) write: WriterPool,
    pub(crate) read: SqlitePool,
    watcher: Watcher,
    path: PathBuf,
    /// Appends without a test hold go through the group-commit task.
    batch: tokio::sync::mpsc::Sender<sqlite_batch::Job>,
    /// What the group-commit task committed, for the event feed.
    committed: broadcast::Sender<Committed>,
    /// Leases, in a file of their own beside the log (`<log>-leases`): taking and
    /// giving up a lease never waits for the log's writer or its fsyncs.
    pub(crate) leases: SqlitePool,
}

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
/// first, so a relaxed write never leaves a later durable one unsynced.
#[derive(Clone)]
pub(crate) struct WriterPool {
    pool: SqlitePool,
    durable: &'static str,
    /// The level the writer connection was last set to (`UNKNOWN` while a change is
    /// in flight), so consecutive writes of one kind skip the statement.
    level: Arc<std::sync::atomic::AtomicU8>,
}

const UNKNOWN: u8 = 0;

impl WriterPool {
    pub(crate) async fn acquire(
        &self,
        sync: WriteSync,
    ) -> Result<PoolConnection<Sqlite>, StoreError> {
        let waited = std::time::Instant::now();
        let mut conn = self.pool.acquire().await?;
        let waited = waited.elapsed();
        if waited > Duration::from_millis(20) {
            tracing::debug!(
                ?sync,
                waited_ms = waited.as_millis() as u64,
                "slow wait for the SQLite writer"
            );
        }
        let (pragma, level) = match sync {
            WriteSync::Durable => (self.durable, 1),
            WriteSync::Relaxed => ("PRAGMA synchronous = NORMAL", 2),
        };
        // Only the holder of the single connection reads or changes `level`. It is
        // UNKNOWN while the statement runs, so a write cancelled half-way makes the
        // next one set the level again.
        use std::sync::atomic::Ordering;
        if self.level.load(Ordering::Acquire) != level {
            self.level.store(UNKNOWN, Ordering::Release);
            conn.execute(pragma).await?;
            self.level.store(level, Ordering::Release);
        }
        Ok(conn)
    }
}

/// An event ready to store: type, schema version, JSON payload.
pub(crate) type Encoded = (String, u32, String);

/// Stores opened on the same file in one process share one wake-up channel.
type Registry = Mutex<HashMap<PathBuf, Weak<watch::Sender<Position>>>>;
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

impl SqliteStore {
    /// Open `url` (`sqlite://path/to/file.db`), creating the file and its directory if
    /// missing, and run the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<SqliteStore, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
        let path = connect.get_filename().to_path_buf();
        if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
            return Err(StoreError::InvalidUrl(
                "an SQLite DATABASE_URL must name a file, e.g. sqlite://data/interview-coach.db"
                    .into(),
            ));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Open(format!(
                    "cannot create data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let connect = connect
            .create_if_missing(true)
            // Erased content is overwritten on disk, not left in free pages.
            .pragma("secure_delete", "on")
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match options.synchronous {
                Synchronous::Full => SqliteSynchronous::Full,
                Synchronous::Normal => SqliteSynchronous::Normal,
            })
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let open_err = |e: sqlx::Error| StoreError::Open(format!("{}: {e}", path.display()));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(connect.clone())
            .await
            .map_err(open_err)?;
        let write = WriterPool {
            pool: write,
            durable: match options.synchronous {
                Synchronous::Full => "PRAGMA synchronous = FULL",
                Synchronous::Normal => "PRAGMA synchronous = NORMAL",
            },
            level: Arc::new(std::sync::atomic::AtomicU8::new(UNKNOWN)),
        };
        sqlx::migrate!("./migrations/sqlite")
            .run(&write.pool)
            .await?;
        // A read-only directory lets SQLite open the file but not write the WAL.
        sqlx::query("CREATE TABLE IF NOT EXISTS ic_write_check (x INTEGER)")
            .execute(&write.pool)
            .await
            .map_err(open_err)?;
        let read = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect.read_only(true))
            .await
            .map_err(open_err)?;
        let leases = open_leases(&path).await.map_err(open_err)?;
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let sender = shared_sender(&canonical);
        let watcher = Watcher::new(sender);
        let (committed, _) = broadcast::channel(1024);
        let batch = sqlite_batch::spawn(sqlite_batch::Writer {
            pool: write.clone(),
            watcher: watcher.sender(),
            committed: committed.clone(),
        });
        let store = SqliteStore {
            write,
            read,
            watcher,
            path: canonical,
            batch,
            committed,
            leases,
        };
        let head = store.head().await?;
        store.watcher.bump(head);
        let poll_pool = store.read.clone();
        store.watcher.spawn_poller(options.poll_interval, move || {
            let pool = poll_pool.clone();
            async move { reads::max_position(&pool).await.ok() }
        });
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Close both pools (waits for connections to be returned).
    pub async fn close(&self) {
        self.watcher.stop();
        self.write.pool.close().await;
        self.read.close().await;
        self.leases.close().await;
    }

    /// The writer connection for a write of the given kind.
    pub(crate) async fn writer(
        &self,
        sync: WriteSync,
    ) -> Result<PoolConnection<Sqlite>, StoreError> {
        self.write.acquire(sync).await
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.watcher.stop();
    }
}

/// The lease file beside the log at `log`. Leases are coordination, not truth (see
/// `lease.rs`): it is written at `synchronous=NORMAL` and a lost one is retaken.
async fn open_leases(log: &Path) -> Result<SqlitePool, sqlx::Error> {
    let mut name = log.as_os_str().to_owned();
    name.push("-leases");
    let connect = SqliteConnectOptions::new()
        .filename(PathBuf::from(name))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(connect)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)",
    )
    .execute(&pool)
    .await?;
    Ok(pool)
}

fn shared_sender(path: &Path) -> Arc<watch::Sender<Position>> {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(tx) = map.get(path).and_then(Weak::upgrade) {
        return tx;
    }
    let (tx, _) = watch::channel(0);
    let tx = Arc::new(tx);
    map.insert(path.to_path_buf(), Arc::downgrade(&tx));
    tx
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn append_held(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[Event],
        key: Option<&str>,
        hold: Option<Hold>,
    ) -> Result<AppendOutcome, StoreError> {
        let encoded = events
            .iter()
            .map(|e| codec::encode_at(e, 0))
            .collect::<Result<Vec<_>, _>>()?;
        if hold.is_some() {
            let outcome = append_one(&self.write, stream, expected, &encoded, key, hold).await?;
            if !outcome.duplicate {
                bump(&self.watcher.sender(), outcome.appended.last_position);
            }
            return Ok(outcome);
        }
        let (reply, answer) = oneshot::channel();
        let job = sqlite_batch::Job {
            stream: stream.clone(),
            expected,
            key: key.map(str::to_string),
            events: encoded,
            originals: events.to_vec(),
            reply,
        };
        let closed = || StoreError::Open("the store is closed".to_string());
        self.batch.send(job).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    async fn find_key(&self, key: &str) -> Result<Option<Appended>, StoreError> {
        reads::find_key(&self.read, key).await
    }

    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: Version,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        reads::read_stream(&self.read, stream, from_version).await
    }

    async fn read_all(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        reads::read_all(&self.read, after, limit).await
    }

    async fn head(&self) -> Result<Position, StoreError> {
        reads::max_position(&self.read).await
    }

    fn subscribe(&self) -> watch::Receiver<Position> {
        self.watcher.subscribe()
    }

    fn committed(&self) -> Option<broadcast::Receiver<Committed>> {
        Some(self.committed.subscribe())
    }

    async fn redact(&self, position: Position, event: &Event) -> Result<(), StoreError> {
        let (event_type, schema, payload) = codec::encode_at(event, position)?;
        sqlx::query(codec::REDACT)
            .bind(payload)
            .bind(schema as i32)
            .bind(position)
            .bind(event_type)
            .execute(&mut *self.writer(WriteSync::Durable).await?)
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

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
    let mut conn = pool.acquire(WriteSync::Durable).await?;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
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
/// expected one (`$N`, negative for any): parameters are the stream, the time, then
/// type, schema and payload per event, then the expected version. Rows come back as
/// (position, version).
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
    format!(
        "WITH cur(v) AS (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1) \
         INSERT INTO events (stream_id, version, event_type, schema_version, payload, recorded_at) \
         SELECT $1, cur.v + n.column1, n.column2, n.column3, n.column4, $2 \
         FROM cur, (VALUES {}) AS n WHERE ${expected} < 0 OR cur.v = ${expected} \
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
    if let Some(key) = key {
        let row = sqlx::query("SELECT * FROM idempotency_keys WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(row) = row {
            return Ok(duplicate(stream, key_row(&row)?));
        }
    }
    let version_now = async |conn: &mut SqliteConnection| -> Result<u64, StoreError> {
        let current: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
                .bind(stream.as_str())
                .fetch_one(&mut *conn)
                .await?;
        Ok(current as u64)
    };
    let conflict = |actual: u64| StoreError::Conflict {
        stream: stream.to_string(),
        expected: expected.as_i64(),
        actual,
    };
    if events.is_empty() {
        // Nothing to insert: only the version check.
        let current = version_now(&mut *conn).await?;
        return Ok(match expected {
            ExpectedVersion::Exact(v) if v != current => Err(conflict(current)),
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
        });
    }
    // The version check and every insert in one statement: a conflict inserts no row.
    let mut insert = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(insert_sql(events.len())))
        .bind(stream.as_str())
        .bind(now);
    for (event_type, schema, payload) in events {
        insert = insert
            .bind(event_type.as_str())
            .bind(*schema as i64)
            .bind(payload);
    }
    let mut rows = insert.bind(expected.as_i64()).fetch_all(&mut *conn).await?;
    rows.sort_unstable_by_key(|(_, version)| *version);
    let (Some(&(first_position, first)), Some(&(last_position, _))) = (rows.first(), rows.last())
    else {
        return Ok(Err(conflict(version_now(&mut *conn).await?)));
    };
    let current = first as u64 - 1;
    let appended = Appended {
        stream_id: stream.clone(),
        first_version: current + 1,
        last_version: current + events.len() as u64,
        first_position,
        last_position,
    };
    if let Some(key) = key {
        sqlx::query(
            "INSERT INTO idempotency_keys (key, stream_id, first_version, last_version, first_position, last_position, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(key)
        .bind(stream.as_str())
        .bind(appended.first_version as i64)
        .bind(appended.last_version as i64)
        .bind(first_position)
        .bind(last_position)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(AppendOutcome {
        appended,
        duplicate: false,
        recorded_at: Some(now),
    }))
}
