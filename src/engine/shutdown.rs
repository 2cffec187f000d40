//! The phases of an ordered shutdown, as tokens the service's tasks watch. On SIGTERM
//! the service first stops taking new work (`intake`: the HTTP listener and web
//! sockets, Discord's shards, Slack's Socket Mode, the timers, new coach turns); the
//! coach finishes the turns it is running, and then `drained` tells the outboxes to
//! post what is left and stop once nothing is; `stop` ends everything else, and also
//! fires at the deadline, whatever is still running. Claims still held are released
//! after that, so another instance takes the unfinished work over at once.
//!
//! It holds no work itself and must never decide when a phase starts: the app does.

use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
pub struct Shutdown {
    /// Stop taking new work.
    pub intake: CancellationToken,
    /// The coach has finished its running turns (or the deadline passed): deliver what
    /// is left, then stop.
    pub drained: CancellationToken,
    /// Stop now: the deadline passed, or everything else is done.
    pub stop: CancellationToken,
}

impl Shutdown {
    /// Every phase at once (tests, and tasks that have nothing to finish).
    pub fn now(&self) {
        self.intake.cancel();
        self.drained.cancel();
        self.stop.cancel();
    }
}
