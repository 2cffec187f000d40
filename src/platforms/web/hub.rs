//! Routes the engine's event feed and coach progress to the WebSocket sessions watching
//! each stream, so a committed event costs one map lookup instead of waking every socket.
//!
//! It never blocks on a session: each has a bounded queue, and when it is full the
//! session is told it lagged and re-reads the log itself. Nothing is lost that way,
//! because the log, not this hub, is the truth; progress (not a fact) may be dropped.

use crate::engine::{Engine, FeedReceiver, Progress};
use crate::queries::RecordedEvent;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

/// Deliveries queued per session before it counts as lagging.
const QUEUE: usize = 256;

/// Something for one session.
#[derive(Debug)]
pub enum Delivery {
    Event(Arc<RecordedEvent>),
    Progress(Progress),
}

/// What a session reads next.
#[derive(Debug)]
pub enum Next {
    Delivery(Delivery),
    /// Deliveries were dropped: re-read the stream from the log.
    Lagged,
    /// The hub stopped.
    Closed,
}

struct Route {
    id: u64,
    tx: mpsc::Sender<Delivery>,
    /// Capacity 1: a pending signal is a sticky "you lagged" flag that also wakes.
    lag: mpsc::Sender<()>,
}

#[derive(Default)]
struct Routes {
    next_id: u64,
    by_stream: HashMap<String, Vec<Route>>,
}

#[derive(Clone, Default)]
pub struct Hub {
    routes: Arc<Mutex<Routes>>,
}

/// A session's registration; dropping it unregisters.
pub struct Subscription {
    hub: Hub,
    stream: String,
    id: u64,
    rx: mpsc::Receiver<Delivery>,
    lag: mpsc::Receiver<()>,
}

impl Hub {
    /// Subscribe to the feed and progress now (so nothing committed from here on is
    /// missed) and route them until `shutdown`.
    pub fn start(engine: &Engine, shutdown: CancellationToken) -> Hub {
        let hub = Hub::default();
        let feed = engine.listen();
        let progress = engine.progress().subscribe();
        tokio::spawn(hub.clone().run(feed, progress, shutdown));
        hub
    }

    /// Register for the events of `stream`. Register before reading the stream, then
    /// skip versions already read: that leaves neither a gap nor a duplicate.
    pub fn subscribe(&self, stream: &str) -> Subscription {
        let (tx, rx) = mpsc::channel(QUEUE);
        let (lag_tx, lag) = mpsc::channel(1);
        let mut routes = self.lock();
        routes.next_id += 1;
        let id = routes.next_id;
        routes
            .by_stream
            .entry(stream.to_string())
            .or_default()
            .push(Route {
                id,
                tx,
                lag: lag_tx,
            });
        Subscription {
            hub: self.clone(),
            stream: stream.to_string(),
            id,
            rx,
            lag,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn run(
        self,
        mut feed: FeedReceiver,
        mut progress: broadcast::Receiver<Progress>,
        shutdown: CancellationToken,
    ) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                event = feed.recv() => match event {
                    Ok(e) => self.route(e.stream_id.as_str(), Delivery::Event(e.clone()), true),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "web hub lagged behind the feed; sessions re-read the log");
                        self.lag_all();
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                p = progress.recv() => match p {
                    Ok(p) => {
                        let stream = p.stream.as_str().to_string();
                        self.route(&stream, Delivery::Progress(p), false);
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }

    fn route(&self, stream: &str, delivery: Delivery, must_arrive: bool) {
        let routes = self.lock();
        let Some(list) = routes.by_stream.get(stream) else {
            return;
        };
        for route in list {
            let d = match &delivery {
                Delivery::Event(e) => Delivery::Event(e.clone()),
                Delivery::Progress(p) => Delivery::Progress(p.clone()),
            };
            if let Err(mpsc::error::TrySendError::Full(_)) = route.tx.try_send(d)
                && must_arrive
            {
                let _ = route.lag.try_send(());
            }
        }
    }

    fn lag_all(&self) {
        for route in self.lock().by_stream.values().flatten() {
            let _ = route.lag.try_send(());
        }
    }

    fn unsubscribe(&self, stream: &str, id: u64) {
        let mut routes = self.lock();
        if let Some(list) = routes.by_stream.get_mut(stream) {
            list.retain(|r| r.id != id);
            if list.is_empty() {
                routes.by_stream.remove(stream);
            }
        }
    }
}

impl Subscription {
    /// The next delivery; a lag signal comes first. Cancel-safe.
    pub async fn next(&mut self) -> Next {
        tokio::select! {
            biased;
            Some(()) = self.lag.recv() => Next::Lagged,
            d = self.rx.recv() => d.map(Next::Delivery).unwrap_or(Next::Closed),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(&self.stream, self.id);
    }
}
