//! Store failures, the one error of every port. A conflict is a normal outcome the
//! engine retries; everything else is a technical failure. Messages never include
//! connection strings or secrets. The database library's errors are boxed here (the
//! store converts them), so nothing above the store names it.

use thiserror::Error;

/// A backend's own error, kept as the source of a [`StoreError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("stream {stream} is at version {actual}, expected {expected}")]
    Conflict {
        stream: String,
        expected: i64,
        actual: u64,
    },
    #[error("idempotency key already used on another stream ({stream})")]
    KeyOnOtherStream { stream: String },
    #[error("stored event at position {position} cannot be read: {message}")]
    Codec { position: i64, message: String },
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(String),
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database error: {0}")]
    Database(#[source] BoxError),
    #[error("database migration failed: {0}")]
    Migrate(#[source] BoxError),
}

impl StoreError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
