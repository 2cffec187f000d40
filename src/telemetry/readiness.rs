//! Whether this instance should be sent traffic (`GET /readyz`), apart from the
//! database, which the HTTP handler asks itself: every configured chat platform is
//! connected, and the service is not draining. The platforms report their connections
//! here; the shutdown marks the instance draining (`set_draining`) before it stops taking
//! work, so a load balancer stops sending it new clients first.
//!
//! It only reports: nothing here refuses work or changes what the service does.

use super::metrics;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A cheap, cloneable handle shared by the wiring, the platforms and `/readyz`.
#[derive(Clone, Default)]
pub struct Readiness(Arc<Inner>);

#[derive(Default)]
struct Inner {
    draining: AtomicBool,
    /// Discord is configured: at least one of this instance's shards must be connected.
    discord_expected: AtomicBool,
    discord_shards: AtomicUsize,
    /// Slack Socket Mode is configured: at least one socket must have said hello.
    slack_expected: AtomicBool,
    slack_sockets: AtomicUsize,
}

/// Why the instance is not ready; `reason` is the short text `/readyz` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReady {
    Database,
    Draining,
    Discord,
    Slack,
}

impl NotReady {
    pub fn reason(self) -> &'static str {
        match self {
            NotReady::Database => "the database does not answer",
            NotReady::Draining => "the service is shutting down",
            NotReady::Discord => "no Discord gateway shard is connected",
            NotReady::Slack => "no Slack Socket Mode connection is open",
        }
    }
}

impl Readiness {
    pub fn new() -> Readiness {
        Readiness::default()
    }

    /// The service is stopping: `/readyz` answers 503 from now on.
    pub fn set_draining(&self) {
        self.0.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.0.draining.load(Ordering::SeqCst)
    }

    /// Discord is configured on this instance: ready only once a shard is connected.
    pub fn expect_discord(&self) {
        self.0.discord_expected.store(true, Ordering::SeqCst);
    }

    /// `connected` of this instance's shards are connected now.
    pub fn discord_shards(&self, connected: usize) {
        self.0.discord_shards.store(connected, Ordering::SeqCst);
        metrics::discord_shards(connected);
    }

    /// Slack Socket Mode is configured: ready only once a socket said hello.
    pub fn expect_slack_socket(&self) {
        self.0.slack_expected.store(true, Ordering::SeqCst);
    }

    /// A Socket Mode connection said hello; the count stays within `connections`, the
    /// number the client keeps open (it reconnects on its own and reports no drop).
    pub fn slack_socket_hello(&self, connections: usize) {
        let counted = self
            .0
            .slack_sockets
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some((n + 1).min(connections))
            })
            .map_or(connections, |before| (before + 1).min(connections));
        metrics::slack_sockets(counted);
    }

    /// Ready as far as this handle knows (the caller checks the database).
    pub fn check(&self) -> Result<(), NotReady> {
        let inner = &self.0;
        if inner.draining.load(Ordering::SeqCst) {
            return Err(NotReady::Draining);
        }
        if inner.discord_expected.load(Ordering::SeqCst)
            && inner.discord_shards.load(Ordering::SeqCst) == 0
        {
            return Err(NotReady::Discord);
        }
        if inner.slack_expected.load(Ordering::SeqCst)
            && inner.slack_sockets.load(Ordering::SeqCst) == 0
        {
            return Err(NotReady::Slack);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_nothing_configured_then_it_is_ready() {
        assert_eq!(Readiness::new().check(), Ok(()));
    }

    #[test]
    fn given_draining_then_it_is_not_ready_whatever_else_holds() {
        let r = Readiness::new();
        r.expect_discord();
        r.discord_shards(2);
        r.set_draining();
        assert_eq!(r.check(), Err(NotReady::Draining));
    }

    #[test]
    fn given_discord_configured_then_it_is_ready_only_while_a_shard_is_connected() {
        let r = Readiness::new();
        r.expect_discord();
        assert_eq!(r.check(), Err(NotReady::Discord));
        r.discord_shards(1);
        assert_eq!(r.check(), Ok(()));
        r.discord_shards(0);
        assert_eq!(r.check(), Err(NotReady::Discord));
    }

    #[test]
    fn given_slack_socket_mode_then_it_is_ready_after_a_hello() {
        let r = Readiness::new();
        r.expect_slack_socket();
        assert_eq!(r.check(), Err(NotReady::Slack));
        r.slack_socket_hello(2);
        assert_eq!(r.check(), Ok(()));
    }
}
