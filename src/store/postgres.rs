//! The Postgres event store, for several instances sharing one database.
//!
//! Appends call the `ic_append` function (migrations/postgres), one round trip that
//! takes a transaction-level advisory lock before drawing positions, so positions are
//! handed out in commit order and `read_all` can never skip a late committer.
//! Subscriptions use LISTEN/NOTIFY as a hint and polling as the guarantee. Connection
//! strings never appear in errors or logs.

use super::codec;
use super::pg_batch;
use super::reads::postgres as reads;
use super::watcher::Watcher;
use super::*;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use std::str::FromStr;
use std::time::Duration;

pub struct PostgresStore {
    pub(crate) pool: PgPool,
    watcher: Watcher,
    /// Appends go through the group-commit task (see `pg_batch`).
    batch: tokio::sync::mpsc::Sender<pg_batch::Job>,
}

const CHANNEL: &str = "ic_events";

impl PostgresStore {
    /// Connect to `url`, run the migrations and start the subscription tasks.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<PostgresStore, StoreError> {
        let direct = PgConnectOptions::from_str(url)
            .map_err(|_| StoreError::InvalidUrl("not a valid postgres:// URL".to_string()))?;
        // Set at connection start, so every statement of every pooled connection is
        // bounded (DATABASE_STATEMENT_TIMEOUT_SECONDS).
        let connect = direct.clone().options([(
            "statement_timeout",
            format!("{}ms", options.statement_timeout.as_millis().max(1)),
        )]);
        let target = format!("{}:{}", connect.get_host(), connect.get_port());
        // One direct connection first: its error says why (refused, auth, no database),
        // where a pool would only report a timeout. The migrations run on it, without
        // the statement timeout: one migration of a large log may rightly take longer.
        let probe =
            tokio::time::timeout(options.connect_timeout, PgConnection::connect_with(&direct))
                .await;
        match probe {
            Ok(Ok(mut conn)) => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&mut conn)
                    .await?;
                let _ = conn.close().await;
            }
            Ok(Err(e)) => {
                return Err(StoreError::Open(format!(
                    "cannot reach Postgres at {target}: {}",
                    describe(&e)
                )));
            }
            Err(_) => {
                return Err(StoreError::Open(format!(
                    "cannot reach Postgres at {target}: timed out"
                )));
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.connect_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| {
                StoreError::Open(format!(
                    "cannot reach Postgres at {target}: {}",
                    describe(&e)
                ))
            })?;
        let (tx, _) = watch::channel(0);
        let watcher = Watcher::new(Arc::new(tx));
        let batch = pg_batch::spawn(pool.clone());
        let store = PostgresStore {
            pool,
            watcher,
            batch,
        };
        store.watcher.bump(store.head().await?);
        store.spawn_listener();
        let poll_pool = store.pool.clone();
        store.watcher.spawn_poller(options.poll_interval, move || {
            let pool = poll_pool.clone();
            async move { reads::max_position(&pool).await.ok() }
        });
        Ok(store)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.watcher.stop();
        self.pool.close().await;
    }

    fn spawn_listener(&self) {
        let pool = self.pool.clone();
        let tx = Arc::downgrade(&self.watcher.sender());
        let cancel = self.watcher.cancel_token();
        tokio::spawn(async move {
            loop {
                let mut listener = match PgListener::connect_with(&pool).await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::debug!(error = %describe(&e), "LISTEN connection failed; polling covers it");
                        tokio::select! {
                            _ = cancel.cancelled() => return,
                            _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        }
                    }
                };
                if listener.listen(CHANNEL).await.is_err() {
                    continue;
                }
                loop {
                    let note = tokio::select! {
                        _ = cancel.cancelled() => return,
                        n = listener.recv() => n,
                    };
                    let Ok(note) = note else { break };
                    let Some(tx) = tx.upgrade() else { return };
                    if let Ok(position) = note.payload().parse::<Position>() {
                        super::watcher::bump(&tx, position);
                    }
                }
            }
        });
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.watcher.stop();
    }
}

/// A database error without anything that could carry a connection string.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_string(),
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// Events to append, encoded as the columns `ic_append` takes.
struct Columns {
    types: Vec<String>,
    schemas: Vec<i32>,
    payloads: Vec<String>,
}

impl Columns {
    fn encode(events: &[Event]) -> Result<Columns, StoreError> {
        let (mut types, mut schemas, mut payloads) = (Vec::new(), Vec::new(), Vec::new());
        for e in events {
            let (t, s, p) = codec::encode_at(e, 0)?;
            types.push(t);
            schemas.push(s as i32);
            payloads.push(p);
        }
        Ok(Columns {
            types,
            schemas,
            payloads,
        })
    }
}

impl PostgresStore {
    /// An append through the group-commit task: its status and what it appended.
    async fn append_batched(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        key: Option<&str>,
        columns: Columns,
    ) -> Result<(String, Appended), StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = pg_batch::Job {
            stream: stream.to_string(),
            expected: expected.as_i64(),
            key: key.map(str::to_string),
            types: columns.types,
            schemas: columns.schemas,
            payloads: columns.payloads,
            reply,
        };
        self.batch
            .send(job)
            .await
            .map_err(|_| StoreError::Open("the append task has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Open("the append task has stopped".into()))?
    }

    /// An append in its own transaction, held open between `hold.entered` and
    /// `hold.release` (tests of commit order).
    async fn append_holding(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        key: Option<&str>,
        columns: Columns,
        hold: Hold,
    ) -> Result<(String, Appended), StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(pg_batch::APPEND)
            .bind(stream.as_str())
            .bind(expected.as_i64())
            .bind(key)
            .bind(&columns.types)
            .bind(&columns.schemas)
            .bind(&columns.payloads)
            .fetch_one(&mut *tx)
            .await?;
        let _ = hold.entered.send(());
        let _ = hold.release.await;
        tx.commit().await?;
        pg_batch::parse(&row)
    }
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn append_held(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[Event],
        key: Option<&str>,
        hold: Option<Hold>,
    ) -> Result<AppendOutcome, StoreError> {
        let columns = Columns::encode(events)?;
        let (status, appended) = match hold {
            None => self.append_batched(stream, expected, key, columns).await?,
            Some(hold) => {
                self.append_holding(stream, expected, key, columns, hold)
                    .await?
            }
        };
        match status.as_str() {
            "ok" => {
                self.watcher.bump(appended.last_position);
                Ok(AppendOutcome {
                    appended,
                    duplicate: false,
                    recorded_at: None,
                })
            }
            "duplicate" => super::sqlite_append::duplicate(stream, appended),
            _ => Err(StoreError::Conflict {
                stream: stream.to_string(),
                expected: expected.as_i64(),
                actual: appended.first_version,
            }),
        }
    }

    async fn find_key(&self, key: &str) -> Result<Option<Appended>, StoreError> {
        reads::find_key(&self.pool, key).await
    }

    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: Version,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        reads::read_stream(&self.pool, stream, from_version).await
    }

    async fn read_all(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        reads::read_all(&self.pool, after, limit).await
    }

    async fn head(&self) -> Result<Position, StoreError> {
        reads::max_position(&self.pool).await
    }

    fn subscribe(&self) -> watch::Receiver<Position> {
        self.watcher.subscribe()
    }

    async fn redact(&self, position: Position, event: &Event) -> Result<(), StoreError> {
        let (event_type, schema, payload) = codec::encode_at(event, position)?;
        sqlx::query(codec::REDACT)
            .bind(payload)
            .bind(schema as i32)
            .bind(position)
            .bind(event_type)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn close(&self) {
        PostgresStore::close(self).await
    }
}
