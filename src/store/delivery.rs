//! The SQL of the delivery-records port (`crate::ports::Deliveries`): for each
//! (platform, coach event), how many of its parts were posted, whether the next was
//! attempted, and whether the whole event is done. Together with a lease, this makes a
//! platform's outbox post each part once; `attempted` tells a restarted poster to check
//! the platform (by the part's key) before posting that part again. The same SQL runs
//! on both backends.

use super::sqlite::WriteSync;
use super::{PostgresStore, SqliteStore};
use crate::ports::{Deliveries, DeliveryRecord, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

const GET: &str = "SELECT attempted_at_ms, delivered_at_ms, external_id, parts_posted \
    FROM deliveries WHERE key = $1";
const ATTEMPT: &str = "INSERT INTO deliveries (key, stream_id, version, attempted_at_ms) VALUES ($1, $2, $3, $4) \
    ON CONFLICT (key) DO UPDATE SET attempted_at_ms = excluded.attempted_at_ms";
const PART: &str = "UPDATE deliveries SET parts_posted = $2, attempted_at_ms = NULL, \
    external_id = COALESCE(external_id, $3) WHERE key = $1";
const DELIVERED: &str = "UPDATE deliveries SET delivered_at_ms = $2, \
    external_id = COALESCE(external_id, $3) WHERE key = $1";

macro_rules! deliveries {
    ($store:ty, $read:ident, $writer:ident) => {
        #[async_trait]
        impl Deliveries for $store {
            async fn delivery(&self, key: &str) -> Result<DeliveryRecord, StoreError> {
                type Row = (Option<i64>, Option<i64>, Option<String>, i64);
                let row: Option<Row> = sqlx::query_as(GET)
                    .bind(key)
                    .fetch_optional(&self.$read)
                    .await?;
                Ok(row
                    .map(|(a, d, id, parts)| DeliveryRecord {
                        attempted: a.is_some(),
                        delivered: d.is_some(),
                        external_id: id.filter(|id| !id.is_empty()),
                        parts_posted: u32::try_from(parts).unwrap_or(0),
                    })
                    .unwrap_or_default())
            }

            async fn mark_attempted(
                &self,
                key: &str,
                stream: &str,
                version: u64,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(ATTEMPT)
                    .bind(key)
                    .bind(stream)
                    .bind(version as i64)
                    .bind(at.timestamp_millis())
                    .execute(&mut *self.$writer().await?)
                    .await?;
                Ok(())
            }

            async fn mark_part_posted(
                &self,
                key: &str,
                parts_posted: u32,
                external_id: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(PART)
                    .bind(key)
                    .bind(i64::from(parts_posted))
                    .bind(external_id)
                    .execute(&mut *self.$writer().await?)
                    .await?;
                Ok(())
            }

            async fn mark_delivered(
                &self,
                key: &str,
                external_id: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(DELIVERED)
                    .bind(key)
                    .bind(at.timestamp_millis())
                    .bind(external_id)
                    .execute(&mut *self.$writer().await?)
                    .await?;
                Ok(())
            }
        }
    };
}

impl SqliteStore {
    /// A lost delivery record could post a reply twice: always durable.
    async fn delivery_writer(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
        self.writer(WriteSync::Durable).await
    }
}

impl PostgresStore {
    async fn delivery_writer(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

deliveries!(SqliteStore, read, delivery_writer);
deliveries!(PostgresStore, pool, delivery_writer);
