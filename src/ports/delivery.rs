//! Delivery records: for each (platform, coach event), how many of its message parts
//! were posted, whether posting the next part was attempted, and whether the whole
//! event was posted. With a lease, they make a platform's outbox post each part once;
//! `attempted` without a recorded part tells a restarted poster to ask the platform
//! (by the part's own key) before posting that part again.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryRecord {
    /// Posting the part at `parts_posted` was attempted, with no known outcome.
    pub attempted: bool,
    pub delivered: bool,
    /// The platform's id of the first message posted.
    pub external_id: Option<String>,
    /// Parts of the event already posted (a split reply has several).
    pub parts_posted: u32,
}

#[async_trait]
pub trait Deliveries: Send + Sync {
    async fn delivery(&self, key: &str) -> Result<DeliveryRecord, StoreError>;
    /// Note that posting the next part is about to be tried.
    async fn mark_attempted(
        &self,
        key: &str,
        stream: &str,
        version: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Note that `parts_posted` parts are now shown; `external_id` is kept when it is
    /// the first.
    async fn mark_part_posted(
        &self,
        key: &str,
        parts_posted: u32,
        external_id: &str,
    ) -> Result<(), StoreError>;
    /// Note that the whole event is done (posted, or refused for good).
    async fn mark_delivered(
        &self,
        key: &str,
        external_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
