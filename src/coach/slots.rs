//! The cap on LLM calls in flight on this instance (`COACH_MAX_CONCURRENCY`): a turn
//! takes a slot for all its calls (tries and pauses included) and gives it back when it
//! ends; turns beyond the cap wait first come, first served (tokio's semaphore is
//! fair), counted in the `coach_queued_turns` gauge. It only orders waiting: it must
//! never refuse, drop or reorder a turn, and never talk to a platform (the worker
//! tells the member "queued" on the progress bus).

use crate::telemetry::metrics::QueuedTurn;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct LlmSlots {
    semaphore: Arc<Semaphore>,
    /// Turns waiting now: what a newcomer has ahead of it.
    waiting: Arc<AtomicUsize>,
}

/// A slot held: dropping it frees the slot for the next turn in line.
#[must_use = "the slot is freed when this is dropped"]
pub struct Slot(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

/// One turn in the line, counted until it gets its slot or is dropped (shutdown).
struct InLine {
    waiting: Arc<AtomicUsize>,
    _gauge: QueuedTurn,
}

impl Drop for InLine {
    fn drop(&mut self) {
        self.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LlmSlots {
    /// `max` slots (at least one).
    pub fn new(max: usize) -> LlmSlots {
        LlmSlots {
            semaphore: Arc::new(Semaphore::new(max.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A slot: at once when one is free and nobody waits, else after every turn that
    /// asked before; `queued(ahead)` is called first when the turn has to wait.
    pub async fn acquire(&self, queued: impl FnOnce(usize)) -> Slot {
        // A free permit is never free while turns wait: tokio hands a released permit
        // to the first waiter, so this cannot jump the line.
        if let Ok(permit) = self.semaphore.clone().try_acquire_owned() {
            return Slot(Some(permit));
        }
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        let in_line = InLine {
            waiting: self.waiting.clone(),
            _gauge: QueuedTurn::queued(),
        };
        queued(ahead);
        let permit = self.semaphore.clone().acquire_owned().await;
        drop(in_line);
        // The semaphore is never closed, so this is always a permit.
        Slot(permit.ok())
    }

    /// Turns waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_over_the_cap_wait_and_get_their_slots_in_the_order_they_asked() {
        let slots = Arc::new(LlmSlots::new(2));
        let a = slots.acquire(|_| panic!("a slot is free")).await;
        let _b = slots.acquire(|_| panic!("a slot is free")).await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for n in 0..3 {
            let (slots, order) = (slots.clone(), order.clone());
            let (told_tx, told_rx) = tokio::sync::oneshot::channel();
            waiters.push(tokio::spawn(async move {
                let slot = slots.acquire(|ahead| told_tx.send(ahead).unwrap()).await;
                order.lock().unwrap().push(n);
                drop(slot);
            }));
            assert_eq!(told_rx.await.unwrap(), n, "turns ahead when queued");
        }
        assert_eq!(slots.waiting(), 3);
        drop(a);
        for w in waiters {
            w.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
        assert_eq!(slots.waiting(), 0);
    }
}
