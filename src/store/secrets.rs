//! The SQL of the secrets port (`web_secrets`), the same statements for both backends:
//! insert unless present, then read the value that won.

use super::sqlite::WriteSync;
use super::{PostgresStore, SqliteStore};
use crate::ports::{Secrets, StoreError};
use async_trait::async_trait;

const INSERT: &str =
    "INSERT INTO web_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
const SELECT: &str = "SELECT value FROM web_secrets WHERE name = $1";

macro_rules! secrets {
    ($store:ty, $writer:ident) => {
        #[async_trait]
        impl Secrets for $store {
            async fn secret_or_insert(
                &self,
                name: &str,
                candidate: &str,
            ) -> Result<String, StoreError> {
                let mut conn = self.$writer().await?;
                sqlx::query(INSERT)
                    .bind(name)
                    .bind(candidate)
                    .execute(&mut *conn)
                    .await?;
                Ok(sqlx::query_scalar(SELECT)
                    .bind(name)
                    .fetch_one(&mut *conn)
                    .await?)
            }
        }
    };
}

impl SqliteStore {
    /// A lost secret would change the share-link key: always durable.
    async fn secret_writer(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
        self.writer(WriteSync::Durable).await
    }
}

impl PostgresStore {
    async fn secret_writer(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

secrets!(SqliteStore, secret_writer);
secrets!(PostgresStore, secret_writer);
