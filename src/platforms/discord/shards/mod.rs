//! Discord shards that follow the living (`DISCORD_SHARD_LEASES=true`): the instances
//! sharing one database share DISCORD_SHARDS gateway shards through leases, the way they
//! share coach turns. Each instance keeps a presence lease (`discord-instance:{owner}`)
//! and a lease per shard it runs (`discord-shard:{id}`), renewed every third of
//! `LEASE_SECONDS`; once a second it looks at the leases and brings itself to its
//! share (`plan`): it takes free shards up to `ceil(total / live instances)` and gives
//! back its highest ones above it. A dead instance's leases lapse after one lease and
//! the survivors connect its shards; a new or returning instance is given its share.
//!
//! IDENTIFY is paced across instances through the same table: before connecting shard
//! `id`, an instance must take `discord-identify:{id % max_concurrency}` (a fresh owner
//! per attempt, so nobody renews it by accident), held until the shard's READY and then
//! for 5 s more: Discord's one IDENTIFY per 5 s per bucket.
//!
//! This module must never run a shard whose lease it does not hold (it disconnects one
//! at once when a renewal shows another owner), nor give up a shard's lease before its
//! connection is closed.

mod gateway;
pub mod plan;

pub use gateway::Gateway;

use crate::engine::{Engine, EngineError};
use crate::telemetry::Readiness;
use gateway::Running;
use plan::{Step, View};
use poise::serenity_prelude as serenity;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const SHARD_KEY: &str = "discord-shard:";
const INSTANCE_KEY: &str = "discord-instance:";
const IDENTIFY_KEY: &str = "discord-identify:";
/// Discord's limit: one IDENTIFY per 5 s in each bucket, counted here from READY.
const IDENTIFY_GAP: chrono::Duration = chrono::Duration::seconds(5);
/// How long a bucket stays held when no READY arrives (a shard that cannot connect).
const IDENTIFY_UNTIL_READY: chrono::Duration = chrono::Duration::seconds(15);
/// How often the leases are looked at: a lapsed shard is taken this soon after.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// The shard count and Discord's IDENTIFY buckets.
#[derive(Debug, Clone, Copy)]
pub struct Sharding {
    /// DISCORD_SHARDS: the same on every instance.
    pub total: u32,
    /// `session_start_limit.max_concurrency` of `GET /gateway/bot`: the buckets.
    pub max_concurrency: u32,
}

/// Runs this instance's share of the shards until `cancel` fires, then closes them and
/// gives their leases up; reports how many are connected to `readiness` (for the
/// metric: an instance whose share is none is still ready). Errs when a shard stopped for good (a refused token or
/// intent), after closing the others.
pub async fn run(
    engine: Engine,
    gateway: Gateway,
    sharding: Sharding,
    readiness: Readiness,
    cancel: CancellationToken,
) -> Result<(), serenity::GatewayError> {
    let mut shards = Coordinator::new(engine, gateway, sharding);
    tracing::info!(
        owner = %shards.me,
        total = sharding.total,
        "Discord shards are shared through leases"
    );
    let mut renew = tokio::time::interval(shards.every());
    let mut look = tokio::time::interval(LOOK_EVERY);
    for tick in [&mut renew, &mut look] {
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    }
    let result = loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => break Ok(()),
            _ = renew.tick() => shards.renew().await,
            _ = look.tick() => {
                if let Err(e) = shards.step().await {
                    tracing::warn!(error = %e, "cannot read the Discord shard leases");
                }
            }
        }
        if let Some(e) = shards.failed() {
            break Err(e);
        }
    };
    shards.stop_all().await;
    readiness.discord_shards(0);
    result
}

struct Coordinator {
    engine: Engine,
    gateway: Gateway,
    /// This instance's owner name in the leases.
    me: String,
    sharding: Sharding,
    ttl: chrono::Duration,
    /// The shards connected or connecting here.
    running: BTreeMap<u32, Running>,
    /// The shards whose lease this instance holds, as last seen or taken.
    mine: BTreeSet<u32>,
    /// When every lease was last renewed.
    renewed: Option<Instant>,
}

impl Coordinator {
    fn new(engine: Engine, gateway: Gateway, sharding: Sharding) -> Coordinator {
        Coordinator {
            me: engine.owner("discord"),
            ttl: engine.lease_ttl(),
            engine,
            gateway,
            sharding,
            running: BTreeMap::new(),
            mine: BTreeSet::new(),
            renewed: None,
        }
    }

    fn every(&self) -> Duration {
        (self.ttl / 3)
            .to_std()
            .unwrap_or(Duration::from_secs(1))
            .max(Duration::from_millis(100))
    }

    /// The first shard that stopped for good, if any.
    fn failed(&mut self) -> Option<serenity::GatewayError> {
        self.running.values_mut().find_map(Running::failed)
    }

    /// Renews the presence and shard leases (every third of a lease). A shard whose
    /// lease another instance now holds is closed at once; if renewing fails for a
    /// whole lease, every shard is closed (another instance may have them by now).
    async fn renew(&mut self) {
        let mut ok = self
            .engine
            .lease(&instance_key(&self.me), &self.me, self.ttl)
            .await
            .is_ok();
        for id in self.mine.clone() {
            match self.engine.lease(&shard_key(id), &self.me, self.ttl).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(shard = id, "lost the lease of a Discord shard; closing it");
                    self.mine.remove(&id);
                    self.stop(id).await;
                }
                Err(e) => {
                    tracing::warn!(shard = id, error = %e, "cannot renew a Discord shard lease");
                    ok = false;
                }
            }
        }
        let stale = self.ttl.to_std().unwrap_or(Duration::from_secs(10));
        if ok {
            self.renewed = Some(Instant::now());
        } else if self.renewed.is_none_or(|at| at.elapsed() > stale) && !self.running.is_empty() {
            tracing::warn!(
                "Discord shard leases not renewed for a whole lease; closing the shards"
            );
            for id in std::mem::take(&mut self.mine) {
                self.stop(id).await;
            }
        }
    }

    /// Looks at the leases and takes the steps of the plan.
    async fn step(&mut self) -> Result<(), EngineError> {
        let instances: BTreeSet<String> = self
            .engine
            .lease_holders(INSTANCE_KEY)
            .await?
            .into_iter()
            .map(|h| h.owner)
            .chain([self.me.clone()])
            .collect();
        let holders: BTreeMap<u32, String> = self
            .engine
            .lease_holders(SHARD_KEY)
            .await?
            .into_iter()
            .filter_map(|h| Some((h.key.strip_prefix(SHARD_KEY)?.parse().ok()?, h.owner)))
            .collect();
        let running: BTreeSet<u32> = self.running.keys().copied().collect();
        self.mine = holders
            .iter()
            .filter(|(id, owner)| **id < self.sharding.total && **owner == self.me)
            .map(|(id, _)| *id)
            .collect();
        let steps = plan::plan(&View {
            total: self.sharding.total,
            me: &self.me,
            instances: instances.len(),
            holders: &holders,
            running: &running,
        });
        for step in steps {
            match step {
                Step::Stop(id) => {
                    tracing::warn!(
                        shard = id,
                        "another instance holds this Discord shard; closing it"
                    );
                    self.stop(id).await;
                }
                Step::GiveBack(id) => {
                    self.stop(id).await;
                    self.mine.remove(&id);
                    self.engine.release_lease(&shard_key(id), &self.me).await?;
                    tracing::info!(
                        shard = id,
                        "gave a Discord shard back to balance the instances"
                    );
                }
                Step::Take(id) => {
                    if self
                        .engine
                        .lease(&shard_key(id), &self.me, self.ttl)
                        .await?
                    {
                        self.mine.insert(id);
                    }
                }
                Step::Connect(id) if self.mine.contains(&id) => self.connect(id).await?,
                Step::Connect(_) => {}
            }
        }
        Ok(())
    }

    /// Connects shard `id` if its IDENTIFY bucket is free across the instances; else it
    /// waits for a later look.
    async fn connect(&mut self, id: u32) -> Result<(), EngineError> {
        let key = identify_key(id % self.sharding.max_concurrency.max(1));
        let attempt = format!("{}#{}", self.me, uuid::Uuid::new_v4().simple());
        if !self
            .engine
            .lease(&key, &attempt, IDENTIFY_UNTIL_READY)
            .await?
        {
            return Ok(());
        }
        tracing::info!(
            shard = id,
            total = self.sharding.total,
            "connecting a Discord shard"
        );
        let running = self.gateway.start(id);
        let (ready, engine) = (running.ready.clone(), self.engine.clone());
        self.running.insert(id, running);
        tokio::spawn(async move {
            let wait = IDENTIFY_UNTIL_READY
                .to_std()
                .unwrap_or(Duration::from_secs(15));
            if tokio::time::timeout(wait, ready.notified()).await.is_ok() {
                // The IDENTIFY went out before this READY: the bucket is free 5 s on.
                let _ = engine.lease(&key, &attempt, IDENTIFY_GAP).await;
            }
        });
        Ok(())
    }

    /// Closes shard `id` if it runs here.
    async fn stop(&mut self, id: u32) {
        if let Some(running) = self.running.remove(&id) {
            running.stop().await;
        }
    }

    /// A clean stop: close every shard, then give up their leases and the presence, so
    /// the other instances connect them at once.
    async fn stop_all(&mut self) {
        let running = std::mem::take(&mut self.running);
        futures::future::join_all(running.into_values().map(Running::stop)).await;
        for id in std::mem::take(&mut self.mine) {
            let _ = self.engine.release_lease(&shard_key(id), &self.me).await;
        }
        let _ = self
            .engine
            .release_lease(&instance_key(&self.me), &self.me)
            .await;
    }
}

fn shard_key(id: u32) -> String {
    format!("{SHARD_KEY}{id}")
}

fn instance_key(owner: &str) -> String {
    format!("{INSTANCE_KEY}{owner}")
}

fn identify_key(bucket: u32) -> String {
    format!("{IDENTIFY_KEY}{bucket}")
}
