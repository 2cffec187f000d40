//! The SQL of the leases port (`crate::ports::Leases`): a short claim on a piece of work
//! so that several instances never work on it at once, and a dead instance's work is
//! taken over when its lease expires. The same SQL runs on both backends (an upsert that only takes an expired
//! lease or renews one's own). Leases are coordination, not truth: losing one costs
//! at most a duplicate attempt, which the log refuses to record twice; so on SQLite
//! they live in a file of their own beside the log (`<log>-leases`), written without
//! an fsync and never queued behind the log's writer.

use super::{PostgresStore, SqliteStore};
use crate::ports::{LeaseHolder, LeaseTaken, Leases, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

const TAKE: &str = "INSERT INTO leases (key, owner, expires_at_ms) VALUES ($1, $2, $3) \
    ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms \
    WHERE leases.expires_at_ms < $4 OR leases.owner = excluded.owner";
/// `TAKE`, answering whether a lease row was there before (Postgres: the CTE reads the
/// table as it was when the statement began). A row comes back only when taken.
const TAKE_REPORTING: &str = "WITH before AS (SELECT 1 FROM leases WHERE key = $1) \
    INSERT INTO leases (key, owner, expires_at_ms) VALUES ($1, $2, $3) \
    ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms \
    WHERE leases.expires_at_ms < $4 OR leases.owner = excluded.owner \
    RETURNING EXISTS (SELECT 1 FROM before)";
/// SQLite's take in two steps, each one statement: a free key is inserted (the usual
/// case: a claim is given up when its work is done), else an expired or own lease is
/// taken over in place.
const INSERT_FREE: &str = "INSERT INTO leases (key, owner, expires_at_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";
const TAKE_OVER: &str = "UPDATE leases SET owner = $2, expires_at_ms = $3 \
    WHERE key = $1 AND (expires_at_ms < $4 OR owner = $2)";
const RELEASE: &str = "DELETE FROM leases WHERE key = $1 AND owner = $2";
const HOLDERS: &str = "SELECT key, owner FROM leases \
    WHERE key LIKE $1 ESCAPE '\\' AND expires_at_ms >= $2 ORDER BY key";

/// A `LIKE` pattern matching every key that starts with `prefix`.
fn prefix_pattern(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

macro_rules! leases {
    ($store:ty, $writer:ident, $($take_lease:tt)*) => {
        #[async_trait]
        impl Leases for $store {
            async fn try_lease(
                &self,
                key: &str,
                owner: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(TAKE)
                    .bind(key)
                    .bind(owner)
                    .bind(until.timestamp_millis())
                    .bind(now.timestamp_millis())
                    .execute(&mut *self.$writer().await?)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            $($take_lease)*

            async fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
                sqlx::query(RELEASE)
                    .bind(key)
                    .bind(owner)
                    .execute(&mut *self.$writer().await?)
                    .await?;
                Ok(())
            }

            async fn holders(
                &self,
                prefix: &str,
                now: DateTime<Utc>,
            ) -> Result<Vec<LeaseHolder>, StoreError> {
                let rows: Vec<(String, String)> = sqlx::query_as(HOLDERS)
                    .bind(prefix_pattern(prefix))
                    .bind(now.timestamp_millis())
                    .fetch_all(&mut *self.$writer().await?)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(key, owner)| LeaseHolder { key, owner })
                    .collect())
            }
        }
    };
}

impl SqliteStore {
    /// Leases have their own file and connection: they never wait for the log's writer.
    async fn lease_writer(
        &self,
    ) -> Result<tokio::sync::MappedMutexGuard<'_, sqlx::SqliteConnection>, StoreError> {
        tokio::sync::MutexGuard::try_map(self.leases.lock().await, Option::as_mut)
            .map_err(|_| StoreError::Open("the store is closed".to_string()))
    }
}

impl PostgresStore {
    async fn lease_writer(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

fn taken(taken: bool, was_there: bool) -> LeaseTaken {
    match (taken, was_there) {
        (false, _) => LeaseTaken::Refused,
        (true, false) => LeaseTaken::Free,
        (true, true) => LeaseTaken::TakenOver,
    }
}

// SQLite evaluates a CTE lazily (it could see its own insert), so it takes a free key
// and an existing lease in separate statements on its one lease connection: one
// statement when the key is free. Another process on the same file may give the lease
// up between the two; the insert is then tried once more.
leases!(
    SqliteStore,
    lease_writer,
    async fn take_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        let mut conn = self.lease_writer().await?;
        let insert = || {
            sqlx::query(INSERT_FREE)
                .bind(key)
                .bind(owner)
                .bind(until.timestamp_millis())
        };
        if insert().execute(&mut *conn).await?.rows_affected() == 1 {
            return Ok(LeaseTaken::Free);
        }
        let over = sqlx::query(TAKE_OVER)
            .bind(key)
            .bind(owner)
            .bind(until.timestamp_millis())
            .bind(now.timestamp_millis())
            .execute(&mut *conn)
            .await?;
        if over.rows_affected() == 1 {
            return Ok(LeaseTaken::TakenOver);
        }
        Ok(taken(
            insert().execute(&mut *conn).await?.rows_affected() == 1,
            false,
        ))
    }
);
leases!(
    PostgresStore,
    lease_writer,
    async fn take_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        let was_there: Option<bool> = sqlx::query_scalar(TAKE_REPORTING)
            .bind(key)
            .bind(owner)
            .bind(until.timestamp_millis())
            .bind(now.timestamp_millis())
            .fetch_optional(&mut *self.lease_writer().await?)
            .await?;
        Ok(taken(was_there.is_some(), was_there.unwrap_or(false)))
    }
);
