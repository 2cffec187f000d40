//! Read models built from the log: each has a checkpoint (the last position folded) and
//! can be dropped and rebuilt from the log at any time. A projection never writes events.

/// Inside a read model's write transaction `$tx`: move checkpoint `$name` from
/// `$from` to `$to` by compare-and-swap (a first checkpoint is inserted), so two
/// instances catching up at once never fold the same events twice. When another
/// instance moved it first, roll back and return `Ok(false)` from the enclosing
/// function. Both backends and both projections use it.
macro_rules! take_checkpoint {
    ($tx:ident, $name:expr, $from:expr, $to:expr) => {
        let moved = if $from == 0 {
            sqlx::query(
                "INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind($name)
            .bind($to)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE projection_checkpoints SET position = $3 WHERE name = $1 AND position = $2",
            )
            .bind($name)
            .bind($from)
            .bind($to)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
        };
        if moved != 1 {
            $tx.rollback().await?;
            return Ok(false);
        }
    };
}

pub mod interview_list;
pub mod member_stats;
mod sql;
mod stats_sql;

/// The distinct stream ids of a batch, and `$1, $2, ...` for an `IN (...)` list of
/// them: a projection loads the rows a batch touches in one query.
fn distinct_ids(stream_ids: &[String]) -> (Vec<&String>, String) {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<&String> = stream_ids.iter().filter(|id| seen.insert(*id)).collect();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    (ids, marks.join(", "))
}

pub use interview_list::{InterviewFilter, InterviewRow};
pub use member_stats::{StatsStore, catch_up_stats};

use crate::store::{EventStore, Position, StoreError};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};

/// Tokens spent by the coach for one community on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyUsage {
    pub server: String,
    pub day: String,
    pub tokens: i64,
}

/// The name of the interview-list projection's checkpoint.
pub const INTERVIEW_LIST: &str = "interview_list";

/// Storage of read models, implemented by both database backends (the member stats
/// through [`StatsStore`], in `stats_sql.rs`).
#[async_trait]
pub trait ReadModelStore: StatsStore + Send + Sync {
    async fn checkpoint(&self, projection: &str) -> Result<Position, StoreError>;
    async fn load_interviews(&self, stream_ids: &[String])
    -> Result<Vec<InterviewRow>, StoreError>;
    /// Upsert rows, add token usage and move the checkpoint from `from` to `to`,
    /// atomically. False (nothing written) when the checkpoint is no longer at `from`:
    /// another instance folded the batch first.
    async fn save_interviews(
        &self,
        rows: &[InterviewRow],
        usage: &[DailyUsage],
        from: Position,
        to: Position,
    ) -> Result<bool, StoreError>;
    /// Tokens the coach spent for `server` on the UTC `day` (`YYYY-MM-DD`).
    async fn tokens_used_on(&self, server: &str, day: &str) -> Result<i64, StoreError>;
    /// Drop every row and the checkpoint.
    async fn reset_interviews(&self) -> Result<(), StoreError>;
    async fn list_interviews(
        &self,
        filter: &InterviewFilter,
    ) -> Result<Vec<InterviewRow>, StoreError>;
    /// Find by interview id or by stream id.
    async fn find_interview(&self, id: &str) -> Result<Option<InterviewRow>, StoreError>;
}

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
        let streams: Vec<String> = batch.iter().map(|e| e.stream_id.to_string()).collect();
        let mut rows: HashMap<String, InterviewRow> = store
            .load_interviews(&streams)
            .await?
            .into_iter()
            .map(|r| (r.stream_id.clone(), r))
            .collect();
        let mut usage: BTreeMap<(String, String), i64> = BTreeMap::new();
        for recorded in &batch {
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
        let rows: Vec<InterviewRow> = rows.into_values().collect();
        let usage: Vec<DailyUsage> = usage
            .into_iter()
            .map(|((server, day), tokens)| DailyUsage {
                server,
                day,
                tokens,
            })
            .collect();
        if store
            .save_interviews(&rows, &usage, checkpoint, last_position)
            .await?
        {
            checkpoint = last_position;
            if at_head {
                return Ok(checkpoint);
            }
        } else {
            checkpoint = store.checkpoint(INTERVIEW_LIST).await?;
        }
    }
}

/// Drop the read models (interview list and member stats) and fold the whole log again.
pub async fn rebuild<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    store.reset_interviews().await?;
    member_stats::rebuild_stats(store).await?;
    catch_up(store).await
}
