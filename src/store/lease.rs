//! The leases port (`crate::ports::Leases`) on both backends: a short claim on a piece
//! of work so that several instances never work on it at once, and a dead instance's
//! work is taken over when its lease expires. On Postgres an upsert that only takes an
//! expired lease or renews one's own; on SQLite, the store of one process, the leases
//! are held in memory (`sqlite_leases`). Leases are coordination, not truth: losing one
//! costs at most a duplicate attempt, which the log refuses to record twice.

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

impl PostgresStore {
    async fn lease_writer(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

#[async_trait]
impl Leases for PostgresStore {
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
            .execute(&mut *self.lease_writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The upsert, answering whether a row was there before (the CTE reads the table
    /// as it was when the statement began).
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
        Ok(match was_there {
            None => LeaseTaken::Refused,
            Some(false) => LeaseTaken::Free,
            Some(true) => LeaseTaken::TakenOver,
        })
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        sqlx::query(RELEASE)
            .bind(key)
            .bind(owner)
            .execute(&mut *self.lease_writer().await?)
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
            .fetch_all(&mut *self.lease_writer().await?)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(key, owner)| LeaseHolder { key, owner })
            .collect())
    }
}

#[async_trait]
impl Leases for SqliteStore {
    async fn try_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(self.leases.take(key, owner, now, until)? != LeaseTaken::Refused)
    }

    async fn take_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        self.leases.take(key, owner, now, until)
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        self.leases.release(key, owner)
    }

    async fn holders(
        &self,
        prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<LeaseHolder>, StoreError> {
        self.leases.holders(prefix, now)
    }
}
