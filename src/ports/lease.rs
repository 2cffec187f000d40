//! Leases: a short claim on a piece of work (a coach interview, an outbox delivery) so
//! that several instances never work on it at once, and a dead instance's work is
//! taken over when its lease expires. Coordination, not truth: losing one costs at
//! most a duplicate attempt, which the log refuses to record twice.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait Leases: Send + Sync {
    /// Take `key` for `owner` until `until`, if it is free, expired, or already ours.
    async fn try_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Give `key` up (only if we hold it).
    async fn release(&self, key: &str, owner: &str) -> Result<(), StoreError>;
}
