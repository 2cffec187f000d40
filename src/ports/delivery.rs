//! Delivery records: for each (platform, coach event), whether posting it was attempted
//! and whether it was posted. With a lease, they make a platform's outbox post each
//! reply once; `attempted` without `delivered` tells a restarted poster to ask the
//! platform before posting again.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryRecord {
    pub attempted: bool,
    pub delivered: bool,
    pub external_id: Option<String>,
}

#[async_trait]
pub trait Deliveries: Send + Sync {
    async fn delivery(&self, key: &str) -> Result<DeliveryRecord, StoreError>;
    /// Note that posting is about to be tried.
    async fn mark_attempted(
        &self,
        key: &str,
        stream: &str,
        version: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn mark_delivered(
        &self,
        key: &str,
        external_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
