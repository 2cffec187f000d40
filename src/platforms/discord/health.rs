//! Watches this instance's gateway shards (one manager's, or those the shard
//! coordinator runs under leases): how many are connected (for `/readyz` and
//! `interview_coach_discord_shards_connected`) and each one's heartbeat latency
//! (`interview_coach_discord_gateway_latency_seconds`). It only reads the shard
//! manager's state; it never connects, restarts or stops a shard.

use crate::telemetry::{Readiness, metrics};
use poise::serenity_prelude as serenity;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the shards' state is read.
const EVERY: Duration = Duration::from_secs(2);

/// Reports the shards' state every [`EVERY`] until `cancel` fires; then none are
/// connected.
pub async fn watch(
    shards: Arc<serenity::ShardManager>,
    readiness: Readiness,
    cancel: CancellationToken,
) {
    let mut ticker = tokio::time::interval(EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = ticker.tick() => {}
        }
        report([shards.as_ref()], &readiness).await;
    }
    readiness.discord_shards(0);
}

/// Reads the state of the shards `managers` run once and reports it: how many are
/// connected, and each one's heartbeat latency.
pub async fn report<'a>(
    managers: impl IntoIterator<Item = &'a serenity::ShardManager>,
    readiness: &Readiness,
) {
    let mut connected = 0;
    for shards in managers {
        let runners = shards.runners.lock().await;
        connected += runners
            .values()
            .filter(|r| r.stage == serenity::ConnectionStage::Connected)
            .count();
        for (id, runner) in runners.iter() {
            if let Some(latency) = runner.latency {
                metrics::discord_gateway_latency(id.0, latency);
            }
        }
    }
    readiness.discord_shards(connected);
}
