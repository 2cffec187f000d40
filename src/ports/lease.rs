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
    /// As `try_lease`, telling also whether the lease was still in the table (held by
    /// an owner that never gave it up: a crash, a restart, or ours renewed). Used when
    /// a claim is first taken, to count takeovers; the default cannot tell and says
    /// `Free`.
    async fn take_lease(
        &self,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        Ok(if self.try_lease(key, owner, now, until).await? {
            LeaseTaken::Free
        } else {
            LeaseTaken::Refused
        })
    }
    /// Give `key` up (only if we hold it).
    async fn release(&self, key: &str, owner: &str) -> Result<(), StoreError>;
    /// The leases whose key starts with `prefix` and that have not expired at `now`,
    /// by key: who holds which piece of shared work (Discord's shards, the instances
    /// sharing them).
    async fn holders(
        &self,
        prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<LeaseHolder>, StoreError>;
}

/// A lease in force: its key and the owner holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    pub key: String,
    pub owner: String,
}

/// What `take_lease` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseTaken {
    /// Another owner holds it.
    Refused,
    /// Nobody held it: taken.
    Free,
    /// A lease nobody gave up was there (expired, or under our own name): taken.
    TakenOver,
}
