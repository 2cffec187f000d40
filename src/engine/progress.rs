//! Coach (and code run) progress that is not a fact of the interview: "thinking",
//! "queued" (every LLM slot taken), "retrying", "waiting" (a cooldown), and text as it streams in. Broadcast in-process only; the final answer is always an event in
//! the log, so a listener that misses progress (or runs on another instance) still gets
//! the result. Nothing here is ever persisted.

use crate::domain::{StreamId, Version};
use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq)]
pub enum ProgressKind {
    /// The coach started working on the turn.
    Thinking,
    /// The provider is busy; the coach will retry (attempt number, wait in ms).
    Retrying { attempt: u32, wait_ms: u64 },
    /// Every LLM slot (`COACH_MAX_CONCURRENCY`) is taken: the turn waits its turn,
    /// `ahead` turns before it.
    Queued { ahead: usize },
    /// The member's cooldown: the coach will answer in this many seconds.
    Waiting { seconds: u64 },
    /// Streamed text of the reply so far: this piece only.
    Delta(String),
    /// An ad-hoc run of the candidate's code (`/run`, Run tests): where it stands.
    Run(RunProgress),
    /// The run of a submission's tests (before its review): where it stands. Apart
    /// from [`ProgressKind::Run`] so that a member's ad-hoc run and the tests of a
    /// submission of the same interview never lend each other their lines.
    SubmissionRun { submission: u32, step: RunProgress },
}

/// Where a run of the candidate's code stands. `reply_to` is the stream's version when
/// it was asked (the submission's, for a submission's run).
#[derive(Debug, Clone, PartialEq)]
pub enum RunProgress {
    /// Waiting for a slot in the sandbox pool, `ahead` runs before it.
    Queued { ahead: usize },
    /// Running: "Running 2 examples and 12 tests…".
    Running { text: String },
    /// It could not run (the sandbox failed, the service is draining); nothing recorded.
    Failed { message: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub stream: StreamId,
    pub reply_to: Version,
    pub kind: ProgressKind,
}

#[derive(Clone)]
pub struct ProgressBus {
    tx: broadcast::Sender<Progress>,
}

impl Default for ProgressBus {
    fn default() -> Self {
        ProgressBus::new()
    }
}

impl ProgressBus {
    pub fn new() -> ProgressBus {
        let (tx, _) = broadcast::channel(4096);
        ProgressBus { tx }
    }

    pub fn publish(&self, stream: &StreamId, reply_to: Version, kind: ProgressKind) {
        // Nobody listening is fine.
        let _ = self.tx.send(Progress {
            stream: stream.clone(),
            reply_to,
            kind,
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Progress> {
        self.tx.subscribe()
    }
}
