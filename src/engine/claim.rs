//! Claims: a short lease on a piece of work (a coach interview, one outbox delivery)
//! held while the work runs. A heartbeat renews it every third of its length, so a
//! crashed instance's work is taken over within about one lease, however long the work
//! itself takes; `release` gives it up at once, and the engine's `release_claims`
//! gives up every claim still held when the service stops cleanly. A claim taken from
//! a holder that never gave it up (it crashed, or this instance restarted) counts as a
//! takeover (`interview_coach_lease_takeovers_total`).
//!
//! A claim is coordination, never truth: it must not be the only thing that keeps an
//! effect from happening twice (the log and the delivery records do that).

use crate::engine::Clock;
use crate::ports::{LeaseTaken, Leases, StoreError};
use crate::telemetry::metrics;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// The claims this process holds, by key: what a clean shutdown releases.
#[derive(Default)]
pub(crate) struct Held(Mutex<HashMap<String, String>>);

impl Held {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A lease taken by [`crate::engine::Engine::claim`]; renewed until released or dropped.
pub struct Claim {
    leases: Arc<dyn Leases>,
    held: Arc<Held>,
    key: String,
    owner: String,
    heartbeat: CancellationToken,
}

impl Claim {
    /// Takes `key` for `owner` for `ttl` if it is free, expired or already ours, and
    /// starts renewing it.
    pub(crate) async fn take(
        leases: Arc<dyn Leases>,
        held: Arc<Held>,
        clock: Arc<dyn Clock>,
        key: &str,
        owner: &str,
        ttl: chrono::Duration,
    ) -> Result<Option<Claim>, StoreError> {
        let now = clock.now();
        let ours_already = held.lock().get(key).is_some_and(|o| o == owner);
        match leases.take_lease(key, owner, now, now + ttl).await? {
            LeaseTaken::Refused => return Ok(None),
            LeaseTaken::TakenOver if !ours_already => metrics::lease_takeover(work_of(key)),
            LeaseTaken::TakenOver | LeaseTaken::Free => {}
        }
        held.lock().insert(key.to_string(), owner.to_string());
        let heartbeat = CancellationToken::new();
        let every = (ttl / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1))
            .max(std::time::Duration::from_millis(100));
        let (renew, stop) = (leases.clone(), heartbeat.clone());
        let (k, o) = (key.to_string(), owner.to_string());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(every) => {
                        let now = clock.now();
                        if let Err(e) = renew.try_lease(&k, &o, now, now + ttl).await {
                            tracing::warn!(key = %k, error = %e, "could not renew a claim");
                        }
                    }
                }
            }
        });
        Ok(Some(Claim {
            leases,
            held,
            key: key.to_string(),
            owner: owner.to_string(),
            heartbeat,
        }))
    }

    /// Stop renewing and give the lease up, so another instance may take the work now.
    pub async fn release(self) {
        self.heartbeat.cancel();
        self.held.lock().remove(&self.key);
        if let Err(e) = self.leases.release(&self.key, &self.owner).await {
            tracing::debug!(key = %self.key, error = %e, "could not release a claim; it expires");
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // A claim dropped without `release` (a panic, a cancelled task) stops being
        // renewed and lapses after one lease.
        self.heartbeat.cancel();
    }
}

/// The kind of work a claim key names (`coach:...`, `deliver:...`), for the takeover
/// metric's label.
fn work_of(key: &str) -> &'static str {
    match key.split(':').next() {
        Some("coach") => "coach",
        Some("deliver") => "deliver",
        _ => "other",
    }
}

/// Gives up every claim in `held` (the service is stopping cleanly).
pub(crate) async fn release_all(leases: &dyn Leases, held: &Held) {
    let claims: Vec<(String, String)> = held.lock().drain().collect();
    for (key, owner) in claims {
        let _ = leases.release(&key, &owner).await;
    }
}
