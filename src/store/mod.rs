//! The event log: one append-only stream per interview, on SQLite (the embedded default)
//! or Postgres (several instances).
//!
//! Both backends keep the same promises, checked by one contract test suite: optimistic
//! concurrency on the stream version, idempotency keys that make a repeated append
//! return the first result, `read_all` in commit order with no gaps, and a subscription
//! that wakes on new events from any connection. This module never decides anything
//! about interviews; it stores what the engine hands it. It implements every trait of
//! `crate::ports` (the log, the read models' SQL, leases, deliveries, secrets) and is
//! named only by the wiring (`app`, `main`), the CLI and the tests.

#[macro_use]
mod checkpoint;
pub mod codec;
mod delivery;
mod error;
mod lease;
mod open_work;
mod pg_batch;
pub mod postgres;
mod read_models;
mod reads;
mod secrets;
pub mod sqlite;
mod sqlite_append;
mod sqlite_batch;
mod sqlite_leases;
mod sqlite_write;
mod stats_rows;
mod watcher;

pub use postgres::PostgresStore;
pub use sqlite::{SqliteStore, Synchronous};

use crate::domain::{Event, StreamId, Version};
use crate::ports::{
    AppendOutcome, Appended, Committed, EventStore, ExpectedVersion, Hold, Position, RecordedEvent,
    Storage, StoreError,
};
use async_trait::async_trait;

use std::sync::Arc;
use tokio::sync::{broadcast, oneshot, watch};

/// Open (creating if needed) and migrate the database named by `url`.
pub async fn connect(url: &str, options: &StoreOptions) -> Result<Arc<dyn Storage>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url, options).await?))
    } else {
        Err(StoreError::InvalidUrl(
            "DATABASE_URL must start with sqlite:// or postgres://".to_string(),
        ))
    }
}

/// Tuning shared by both backends.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// SQLite durability: FULL (default) survives power loss; NORMAL may lose the last
    /// transactions on power loss but never corrupts.
    pub synchronous: Synchronous,
    /// How often the subscription polls for appends made by other processes.
    pub poll_interval: std::time::Duration,
    /// Maximum connections in the (read) pool.
    pub max_connections: u32,
    /// Postgres: `statement_timeout` of every connection (one statement's longest run).
    pub statement_timeout: std::time::Duration,
    /// Postgres: the longest opening a connection, or waiting for one from the pool, takes.
    pub connect_timeout: std::time::Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            synchronous: Synchronous::Full,
            poll_interval: std::time::Duration::from_millis(500),
            max_connections: 8,
            statement_timeout: std::time::Duration::from_secs(30),
            connect_timeout: std::time::Duration::from_secs(10),
        }
    }
}
