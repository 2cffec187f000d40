//! Secrets the service makes for itself and keeps in the database so that every
//! instance and every restart agrees on them (the share-link key when
//! `WEB_SHARE_SECRET` is unset). A value is created once: concurrent first uses agree on
//! the one that was stored first. Values are never logged.

use super::StoreError;
use async_trait::async_trait;

#[async_trait]
pub trait Secrets: Send + Sync {
    /// The secret stored under `name`, storing `candidate` first when there is none.
    async fn secret_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}
