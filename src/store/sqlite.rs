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
use super::reads::sqlite as reads;
use super::sqlite_append::append_one;
use super::sqlite_batch;
use super::sqlite_leases::LocalLeases;
pub(crate) use super::sqlite_write::WriteSync;
use super::sqlite_write::WriterPool;
use super::watcher::{Watcher, bump};
use super::*;
use sqlx::Sqlite;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
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
    /// Leases, in this process's memory, shared by its stores on the same file
    /// (`sqlite_leases`).
    pub(crate) leases: Arc<LocalLeases>,
}

/// Stores opened on the same file in one process share one wake-up channel.
type Registry = Mutex<HashMap<PathBuf, Weak<watch::Sender<Position>>>>;
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A pool of connections to a local file. sqlx pings a connection (a round trip to
/// its worker thread) before handing it out unless told not to; a connection to a file
/// in this process cannot have gone away, and a broken one fails its next statement
/// anyway, so the ping only cost each query one more thread wake-up (`perf`, web load
/// bench in BENCHMARKS.md).
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

/// The connection options for `url` (WAL, secure delete, busy timeout, foreign keys)
/// and the file it names, creating the file's directory if missing.
fn connect_options(
    url: &str,
    options: &StoreOptions,
) -> Result<(SqliteConnectOptions, PathBuf), StoreError> {
    let connect =
        SqliteConnectOptions::from_str(url).map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
    let path = connect.get_filename().to_path_buf();
    if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
        return Err(StoreError::InvalidUrl(
            "an SQLite DATABASE_URL must name a file, e.g. sqlite://data/interview-coach.db".into(),
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
    Ok((connect, path))
}

/// The one writing connection, migrated and checked to be writable; `open_err` names
/// the file in the database's errors.
async fn open_writer(
    connect: SqliteConnectOptions,
    options: &StoreOptions,
    open_err: impl Fn(sqlx::Error) -> StoreError,
) -> Result<WriterPool, StoreError> {
    let write = pool_options()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(connect)
        .await
        .map_err(&open_err)?;
    let write = WriterPool::new(write, options.synchronous == Synchronous::Full);
    sqlx::migrate!("./migrations/sqlite")
        .run(write.pool())
        .await?;
    // A read-only directory lets SQLite open the file but not write the WAL.
    sqlx::query("CREATE TABLE IF NOT EXISTS ic_write_check (x INTEGER)")
        .execute(write.pool())
        .await
        .map_err(open_err)?;
    Ok(write)
}

impl SqliteStore {
    /// Open `url` (`sqlite://path/to/file.db`), creating the file and its directory if
    /// missing, and run the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<SqliteStore, StoreError> {
        let (connect, path) = connect_options(url, options)?;
        let open_err = |e: sqlx::Error| StoreError::Open(format!("{}: {e}", path.display()));
        let write = open_writer(connect.clone(), options, open_err).await?;
        let read = pool_options()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect.read_only(true))
            .await
            .map_err(open_err)?;
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let leases = LocalLeases::of(&canonical);
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
        self.write.pool().close().await;
        self.read.close().await;
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
        self.leases.note_rewrite()?;
        sqlx::query(codec::REDACT)
            .bind(payload)
            .bind(schema as i32)
            .bind(position)
            .bind(event_type)
            .execute(&mut *self.writer(WriteSync::Durable).await?)
            .await?;
        self.leases.note_rewrite()
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn exclusive(&self) -> bool {
        self.leases.is_held()
    }

    fn rewrites(&self) -> u64 {
        self.leases.rewrites()
    }

    async fn close(&self) {
        SqliteStore::close(self).await
    }
}
