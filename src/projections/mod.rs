//! Read models built from the log: each has a checkpoint (the last position folded) and
//! can be dropped and rebuilt from the log at any time. A projection never writes events.

pub mod daily;
pub mod duels; // issue 16: duel
pub mod interview_list;
pub mod interviewers; // issue 16: peer
pub mod member_stats;
mod memory;

pub use memory::{Board, BoardCache};

pub use member_stats::catch_up_stats;

use crate::ports::{
    DailyUsage, EventStore, INTERVIEW_LIST, InterviewRow, MEMBER_STATS, Position, ReadModelStore,
    RecordedEvent, StoreError,
};
use std::collections::{BTreeMap, HashMap};

/// Events folded per read of the log.
const CATCH_UP_BATCH: u32 = 500;

/// Fold every event after the checkpoint into the interview list; returns the new
/// checkpoint. Safe to run from several instances: rows are upserted from the log.
pub async fn catch_up<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    let mut checkpoint = store.checkpoint(INTERVIEW_LIST).await?;
    loop {
        let batch = store.read_all(checkpoint, CATCH_UP_BATCH).await?;
        let Some(last) = batch.last() else {
            return Ok(checkpoint);
        };
        let last_position = last.position;
        // A short batch reached the head as it was when read: no need to ask again.
        let at_head = batch.len() < CATCH_UP_BATCH as usize;
        if save_list(store, &batch, checkpoint).await? {
            checkpoint = last_position;
            if at_head {
                return Ok(checkpoint);
            }
        } else {
            checkpoint = store.checkpoint(INTERVIEW_LIST).await?;
        }
    }
}

/// Fold `batch` (the log right after `from`) into the interview list and move its
/// checkpoint from `from` to the batch's end: false when another folder moved it first.
async fn save_list<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
    batch: &[RecordedEvent],
    from: Position,
) -> Result<bool, StoreError> {
    let Some(last) = batch.last() else {
        return Ok(true);
    };
    let streams: Vec<String> = batch.iter().map(|e| e.stream_id.to_string()).collect();
    let mut rows: HashMap<String, InterviewRow> = store
        .load_interviews(&streams)
        .await?
        .into_iter()
        .map(|r| (r.stream_id.clone(), r))
        .collect();
    let usage = fold(&mut rows, batch);
    let rows: Vec<InterviewRow> = rows.into_values().collect();
    store
        .save_interviews(&rows, &usage, from, last.position)
        .await
}

/// Folds `batch` into `rows` (by stream; a stream's first event starts its row) and
/// returns the tokens the batch spent, per server and day.
fn fold(rows: &mut HashMap<String, InterviewRow>, batch: &[RecordedEvent]) -> Vec<DailyUsage> {
    let mut usage: BTreeMap<(String, String), i64> = BTreeMap::new();
    for recorded in batch {
        let key = recorded.stream_id.to_string();
        match rows.get_mut(&key) {
            Some(row) if row.last_position < recorded.position => {
                row.apply(recorded);
                let tokens = recorded.event.tokens_used() as i64;
                if tokens > 0 {
                    let day = recorded.event.at().format("%Y-%m-%d").to_string();
                    *usage.entry((row.server.clone(), day)).or_default() += tokens;
                }
            }
            Some(_) => {}
            None => {
                if let Some(row) = InterviewRow::start(recorded) {
                    rows.insert(key, row);
                }
            }
        }
    }
    usage
        .into_iter()
        .map(|((server, day), tokens)| DailyUsage {
            server,
            day,
            tokens,
        })
        .collect()
}

/// Bring both read models (interview list, member stats) up to the log's head; returns
/// the interview list's checkpoint. When both stand at the same position (the usual
/// case: the projector task folds them together) each batch of the log is read once for
/// both; otherwise, or when another folder moved a checkpoint meanwhile, each catches
/// up on its own.
pub async fn catch_up_all<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    Ok(catch_up_all_from(store, None).await?.0)
}

/// [`catch_up_all`] for a folder that remembers where it left the checkpoints (the
/// projector task): `known` is the position both stood at after its last round, so it
/// need not read them again. Its saves are compare-and-set, so a checkpoint another
/// folder moved meanwhile shows as a failed save and is read then. Returns the
/// interview list's checkpoint and, when both stand together, the position to pass
/// as `known` next time.
pub async fn catch_up_all_from<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
    known: Option<Position>,
) -> Result<(Position, Option<Position>), StoreError> {
    let together = match known {
        Some(position) => Some(position),
        None => {
            let list = store.checkpoint(INTERVIEW_LIST).await?;
            (list == store.checkpoint(MEMBER_STATS).await?).then_some(list)
        }
    };
    if let Some(mut checkpoint) = together {
        loop {
            let batch = store.read_all(checkpoint, CATCH_UP_BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok((checkpoint, Some(checkpoint)));
            };
            let last_position = last.position;
            let at_head = batch.len() < CATCH_UP_BATCH as usize;
            let list = save_list(store, &batch, checkpoint).await?;
            let stats = member_stats::save_stats_batch(store, &batch, checkpoint).await?;
            if !(list && stats) {
                break;
            }
            checkpoint = last_position;
            if at_head {
                return Ok((checkpoint, Some(checkpoint)));
            }
        }
    }
    let list = catch_up(store).await?;
    let stats = catch_up_stats(store).await?;
    Ok((list, (list == stats).then_some(list)))
}

/// Drop the read models (interview list and member stats) and fold the whole log again.
pub async fn rebuild<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    store.reset_interviews().await?;
    member_stats::rebuild_stats(store).await?;
    catch_up(store).await
}
