//! Starting and stopping one gateway shard at run time. serenity's `Client` starts a
//! fixed range of shards once; here each shard this instance holds gets a
//! `ShardManager` of its own (one runner, the same framework, HTTP client and gateway
//! URL as the client), so it can be connected when its lease is taken and closed when
//! the lease is given back, without touching the other shards.
//!
//! It must never decide which shards to run (that is `plan`) nor pace IDENTIFY (that is
//! the coordinator's, through the database): it connects what it is told, at once.

use poise::serenity_prelude as serenity;
use serenity::gateway::{ShardManager, ShardManagerOptions};
use std::sync::{Arc, OnceLock};
use tokio::sync::Notify;

/// What every shard of this instance shares: the client's parts and the framework.
pub struct Gateway {
    data: Arc<tokio::sync::RwLock<::serenity::prelude::TypeMap>>,
    ws_url: Arc<tokio::sync::Mutex<String>>,
    http: Arc<serenity::Http>,
    framework: Arc<dyn serenity::Framework>,
    intents: serenity::GatewayIntents,
    total: u32,
}

/// One connected (or connecting) shard.
pub struct Running {
    manager: Arc<ShardManager>,
    /// The manager's end: `Err` when the shard stopped for good (a bad token, an intent
    /// Discord refuses), which no other instance could fix either.
    ended: futures::channel::mpsc::UnboundedReceiver<Result<(), serenity::GatewayError>>,
    /// Woken once the shard's READY arrives (its IDENTIFY was accepted).
    pub ready: Arc<Notify>,
}

impl Gateway {
    /// The shards of `total` share `client`'s HTTP client, data and gateway URL, and
    /// dispatch to `framework` (already initialised with the client).
    pub fn new(
        client: &serenity::Client,
        framework: Arc<dyn serenity::Framework>,
        total: u32,
    ) -> Gateway {
        Gateway {
            data: client.data.clone(),
            ws_url: client.ws_url.clone(),
            http: client.http.clone(),
            framework,
            intents: client.shard_manager.intents(),
            total,
        }
    }

    /// Connects shard `id` now (serenity's queuer sends its IDENTIFY as soon as the
    /// gateway says hello).
    pub fn start(&self, id: u32) -> Running {
        let ready = Arc::new(Notify::new());
        let (manager, ended) = ShardManager::new(ShardManagerOptions {
            data: self.data.clone(),
            event_handlers: vec![Arc::new(ReadySignal(ready.clone()))],
            raw_event_handlers: vec![],
            framework: Arc::new(OnceLock::from(self.framework.clone())),
            shard_index: id,
            shard_init: 1,
            shard_total: self.total,
            ws_url: self.ws_url.clone(),
            http: self.http.clone(),
            intents: self.intents,
            presence: None,
        });
        if let Err(e) = manager.initialize() {
            // serenity 0.12 never fails here; the lease lapses if it ever does.
            tracing::warn!(shard = id, error = %e, "could not queue a Discord shard");
        }
        Running {
            manager,
            ended,
            ready,
        }
    }
}

impl Running {
    /// The shard's manager, to read its state (connected, latency).
    pub fn manager(&self) -> &ShardManager {
        &self.manager
    }

    /// Closes the shard's connection and waits (up to serenity's 5 s) for its runner.
    pub async fn stop(self) {
        self.manager.shutdown_all().await;
    }

    /// The gateway's error when the shard stopped for good on its own.
    pub fn failed(&mut self) -> Option<serenity::GatewayError> {
        match self.ended.try_recv() {
            Ok(Err(e)) => Some(e),
            _ => None,
        }
    }
}

/// Wakes the coordinator when a shard's READY arrives.
struct ReadySignal(Arc<Notify>);

#[serenity::async_trait]
impl serenity::EventHandler for ReadySignal {
    async fn ready(&self, _: serenity::Context, _: serenity::Ready) {
        self.0.notify_one();
    }
}
