//! The bounded pool every run goes through: at most `workers` at once (default: the
//! number of cores), a queue of at most `queue_max` behind them whose members see their
//! place ("queued, 3 ahead") as it changes, a per-member rate limit (governor, keyed by
//! an opaque member key), and a drain: once started, queued runs are refused and no new
//! run starts, while running ones finish.
//!
//! It only admits and orders runs; it must never run two beyond `workers`, and never
//! start one after the drain began.

use super::{Isolation, Program, ProgramOutcome, Sandbox, SandboxError};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{oneshot, watch};

/// How big the pool is and how fast one member may start runs.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub workers: usize,
    pub queue_max: usize,
    /// Runs a member may start per minute (bursts up to the same number); `None`: no
    /// per-member limit.
    pub per_member_per_minute: Option<NonZeroU32>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_max: 100,
            per_member_per_minute: NonZeroU32::new(20),
        }
    }
}

/// The pool; clones share it.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.inner.workers)
            .field("queue_max", &self.inner.queue_max)
            .finish()
    }
}

struct Inner {
    sandbox: Sandbox,
    workers: usize,
    queue_max: usize,
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    state: Mutex<State>,
    idle: watch::Sender<usize>,
}

#[derive(Default)]
struct State {
    running: usize,
    queue: VecDeque<Queued>,
    next_id: u64,
    draining: bool,
}

struct Queued {
    id: u64,
    ahead: watch::Sender<usize>,
    start: oneshot::Sender<Result<(), SandboxError>>,
}

/// A place in the pool: while held, one of the `workers` slots is this run's.
pub struct Ticket {
    inner: Arc<Inner>,
}

/// A run waiting for a slot: `ahead` says how many are before it.
pub struct Waiting {
    inner: Arc<Inner>,
    id: u64,
    ahead: watch::Receiver<usize>,
    start: Option<oneshot::Receiver<Result<(), SandboxError>>>,
    /// Whether it had to queue (a free slot at once tells no place).
    queued: bool,
}

impl Pool {
    pub fn new(sandbox: Sandbox, settings: PoolSettings) -> Pool {
        let limiter = settings
            .per_member_per_minute
            .map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        Pool {
            inner: Arc::new(Inner {
                sandbox,
                workers: settings.workers.max(1),
                queue_max: settings.queue_max,
                limiter,
                state: Mutex::new(State::default()),
                idle: watch::channel(0).0,
            }),
        }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.inner.sandbox
    }

    pub fn isolation(&self) -> Isolation {
        self.inner.sandbox.isolation()
    }

    /// Asks for a slot for `member` (an opaque key such as `discord:123`; `None` skips
    /// the rate limit). Refuses at once when draining, over the member's rate, or when
    /// the queue is full.
    pub fn enqueue(&self, member: Option<&str>) -> Result<Waiting, SandboxError> {
        if let (Some(limiter), Some(member)) = (&self.inner.limiter, member)
            && let Err(not_until) = limiter.check_key(&member.to_string())
        {
            let now = governor::clock::DefaultClock::default().now();
            return Err(SandboxError::RateLimited {
                retry_after: not_until.wait_time_from(now),
            });
        }
        let mut state = self.inner.lock();
        if state.draining {
            return Err(SandboxError::Draining);
        }
        let id = state.next_id;
        state.next_id += 1;
        let (start_tx, start_rx) = oneshot::channel();
        if state.running < self.inner.workers && state.queue.is_empty() {
            state.running += 1;
            self.inner.idle.send_replace(state.running);
            let _ = start_tx.send(Ok(()));
            let (_, ahead) = watch::channel(0);
            return Ok(self.waiting(id, ahead, start_rx, false));
        }
        if state.queue.len() >= self.inner.queue_max {
            return Err(SandboxError::QueueFull(state.queue.len()));
        }
        let (ahead_tx, ahead_rx) = watch::channel(state.queue.len());
        state.queue.push_back(Queued {
            id,
            ahead: ahead_tx,
            start: start_tx,
        });
        Ok(self.waiting(id, ahead_rx, start_rx, true))
    }

    fn waiting(
        &self,
        id: u64,
        ahead: watch::Receiver<usize>,
        start: oneshot::Receiver<Result<(), SandboxError>>,
        queued: bool,
    ) -> Waiting {
        Waiting {
            inner: self.inner.clone(),
            id,
            ahead,
            start: Some(start),
            queued,
        }
    }

    /// A slot for `member`, telling `place` how many runs are ahead whenever that
    /// changes while it waits (not at all when a slot is free at once).
    pub async fn acquire(
        &self,
        member: Option<&str>,
        place: impl FnMut(usize),
    ) -> Result<Ticket, SandboxError> {
        self.enqueue(member)?.ready(place).await
    }

    /// Compile and run `program` in a slot of the pool.
    pub async fn run_program(
        &self,
        member: Option<&str>,
        program: Program,
        place: impl FnMut(usize),
    ) -> Result<ProgramOutcome, SandboxError> {
        let _ticket = self.acquire(member, place).await?;
        self.inner.sandbox.run_program(program).await
    }

    /// Starts the drain: queued runs are refused with `Draining`, and so is every new
    /// one; running ones go on.
    pub fn drain(&self) {
        let mut state = self.inner.lock();
        state.draining = true;
        for queued in state.queue.drain(..) {
            let _ = queued.start.send(Err(SandboxError::Draining));
        }
    }

    /// Runs holding a slot now.
    pub fn running(&self) -> usize {
        self.inner.lock().running
    }

    /// Resolves once no run holds a slot.
    pub async fn idle(&self) {
        let mut running = self.inner.idle.subscribe();
        let _ = running.wait_for(|n| *n == 0).await;
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot came free: it goes to the first waiter still waiting, or back to the pool.
    fn release(&self) {
        let mut state = self.lock();
        while let Some(next) = state.queue.pop_front() {
            if !state.draining && next.start.send(Ok(())).is_ok() {
                tell_places(&state.queue);
                return;
            }
        }
        state.running -= 1;
        self.idle.send_replace(state.running);
    }

    fn leave_queue(&self, id: u64) {
        let mut state = self.lock();
        if let Some(i) = state.queue.iter().position(|q| q.id == id) {
            state.queue.remove(i);
            tell_places(&state.queue);
        }
    }
}

fn tell_places(queue: &VecDeque<Queued>) {
    for (ahead, queued) in queue.iter().enumerate() {
        queued
            .ahead
            .send_if_modified(|n| std::mem::replace(n, ahead) != ahead);
    }
}

impl Waiting {
    /// How many runs are ahead now.
    pub fn ahead(&self) -> usize {
        *self.ahead.borrow()
    }

    /// Waits for the slot, telling `place` each new count of runs ahead.
    pub async fn ready(mut self, mut place: impl FnMut(usize)) -> Result<Ticket, SandboxError> {
        let Some(mut start) = self.start.take() else {
            return Err(SandboxError::Draining);
        };
        let mut told = None;
        loop {
            let ahead = *self.ahead.borrow_and_update();
            if self.queued && told != Some(ahead) {
                place(ahead);
                told = Some(ahead);
            }
            tokio::select! {
                started = &mut start => {
                    return match started {
                        Ok(Ok(())) => Ok(Ticket { inner: self.inner.clone() }),
                        Ok(Err(e)) => Err(e),
                        Err(_) => Err(SandboxError::Draining),
                    };
                }
                changed = self.ahead.changed() => {
                    if changed.is_err() {
                        // The queue entry is gone: the start message decides.
                        return match (&mut start).await {
                            Ok(Ok(())) => Ok(Ticket { inner: self.inner.clone() }),
                            Ok(Err(e)) => Err(e),
                            Err(_) => Err(SandboxError::Draining),
                        };
                    }
                }
            }
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(mut start) = self.start.take() {
            // Given a slot but never used it: hand it on. Still queued: leave the queue.
            match start.try_recv() {
                Ok(Ok(())) => self.inner.release(),
                Ok(Err(_)) => {}
                Err(_) => {
                    self.inner.leave_queue(self.id);
                    // A slot may have been sent between the two calls.
                    if let Ok(Ok(())) = start.try_recv() {
                        self.inner.release();
                    }
                }
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.inner.release();
    }
}

impl Ticket {
    pub fn sandbox(&self) -> &Sandbox {
        &self.inner.sandbox
    }
}
