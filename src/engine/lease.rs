//! Leases held for as long as an instance keeps a role, not for one piece of work:
//! Discord's gateway shards, the instances sharing them, and the pacing of
//! IDENTIFY across instances. Unlike a [`crate::engine::Claim`] (renewed blindly
//! while its work runs), the holder renews these itself and learns at once when one
//! was lost, so it can stop what the lease protected.
//!
//! Coordination only: nothing here may be the only guard of a fact in the log.

use super::{Engine, EngineError};
pub use crate::ports::LeaseHolder;

impl Engine {
    /// Takes or renews `key` for `owner` for `ttl` from now: true when it is ours (it
    /// was free, expired, or already ours), false when another owner holds it.
    pub async fn lease(
        &self,
        key: &str,
        owner: &str,
        ttl: chrono::Duration,
    ) -> Result<bool, EngineError> {
        let now = self.clock.now();
        Ok(self.store.try_lease(key, owner, now, now + ttl).await?)
    }

    /// Gives `key` up if `owner` holds it.
    pub async fn release_lease(&self, key: &str, owner: &str) -> Result<(), EngineError> {
        Ok(self.store.release(key, owner).await?)
    }

    /// The leases in force whose key starts with `prefix`, by key.
    pub async fn lease_holders(&self, prefix: &str) -> Result<Vec<LeaseHolder>, EngineError> {
        Ok(self.store.holders(prefix, self.clock.now()).await?)
    }
}
