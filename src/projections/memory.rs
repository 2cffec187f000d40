//! Read models kept only in memory (the duel board, the interviewers' board): folded from
//! the whole log by each process and brought up to the log's head when asked. They hold
//! no checkpoint on disk, so they never write anything; a restart folds them again.

use crate::ports::{EventStore, Position, RecordedEvent, StoreError};
use tokio::sync::{Mutex, MutexGuard};

/// Events read per page while catching up.
const PAGE: u32 = 1000;

/// A read model that folds recorded events one by one.
pub trait Board: Default + Send {
    fn apply(&mut self, recorded: &RecordedEvent);
}

/// A board and the position it is folded to, shared by the questions of one process.
#[derive(Default)]
pub struct BoardCache<B> {
    inner: Mutex<(Position, B)>,
}

impl<B: Board> BoardCache<B> {
    /// The board folded up to the log's head as it is now.
    pub async fn caught_up(
        &self,
        store: &(impl EventStore + ?Sized),
    ) -> Result<MutexGuard<'_, (Position, B)>, StoreError> {
        let mut guard = self.inner.lock().await;
        loop {
            let page = store.read_all(guard.0, PAGE).await?;
            let Some(last) = page.last() else {
                return Ok(guard);
            };
            guard.0 = last.position;
            for recorded in &page {
                guard.1.apply(recorded);
            }
            if page.len() < PAGE as usize {
                return Ok(guard);
            }
        }
    }
}
