//! The member-stats read model: one row per interview (whose, where, which bank
//! problem, finished or not, hints) and one row per code analysis (the score and the
//! four rubric bands, in log order). The fold is pure; `store/stats_rows.rs` stores the rows
//! and `crate::practice::stats` turns them into a member's stats.
//!
//! A recorded regrade adds a row per regraded analysis (its original and new score),
//! shown beside the originals and never in their place.
//!
//! Rows hold numbers and ids only, never anything a member or the coach wrote, so
//! forgetting a member needs no rewrite here. This module never writes events.

use crate::domain::{Event, Problem};
use crate::ports::{EventStore, Position, RecordedEvent, StoreError};
use crate::ports::{MEMBER_STATS, ReadModelStore, StatsAnalysis, StatsInterview, StatsRegrade};
use std::collections::HashMap;

/// Events folded per batch by [`catch_up_stats`].
const BATCH: u32 = 500;

impl StatsInterview {
    /// Start a row from an `InterviewStarted`; other events need an existing row.
    pub fn start(recorded: &RecordedEvent) -> Option<StatsInterview> {
        let Event::InterviewStarted(s) = &recorded.event else {
            return None;
        };
        Some(StatsInterview {
            stream_id: recorded.stream_id.to_string(),
            member_id: s.candidate.member_id(),
            server: s.place.server(),
            problem_id: match &s.problem {
                Problem::Bank { id, .. } => Some(id.clone()),
                Problem::Custom { .. } => None,
            },
            done: false,
            hints_used: 0,
            last_position: recorded.position,
            tests_passed: 0,
            tests_total: 0,
        })
    }

    /// Fold one later event of the same stream; a code analysis also gives its row.
    pub fn apply(&mut self, recorded: &RecordedEvent) -> Option<StatsAnalysis> {
        self.last_position = recorded.position;
        match &recorded.event {
            Event::HintRequested(e) => self.hints_used = i64::from(e.hint),
            Event::TestsRun(run) if run.submission().is_some() => {
                self.tests_passed = run.passed() as i64;
                self.tests_total = run.total() as i64;
            }
            Event::InterviewEnded(_) | Event::SummaryWritten(_) => self.done = true,
            Event::CodeAnalyzed(e) => {
                let r = &e.analysis.rubric;
                return Some(StatsAnalysis {
                    position: recorded.position,
                    stream_id: self.stream_id.clone(),
                    member_id: self.member_id.clone(),
                    server: self.server.clone(),
                    problem_id: self.problem_id.clone(),
                    score: i64::from(e.analysis.score.get()),
                    communication: i64::from(r.communication.score.get()),
                    problem_solving: i64::from(r.problem_solving.score.get()),
                    technical_competency: i64::from(r.technical_competency.score.get()),
                    testing: i64::from(r.testing.score.get()),
                });
            }
            _ => {}
        }
        None
    }
}

impl StatsInterview {
    /// The rows of a recorded regrade of this interview: one per analysis it graded
    /// again with at least one valid answer (summaries have no score).
    pub fn regrades(&self, recorded: &RecordedEvent) -> Vec<StatsRegrade> {
        let Event::Regraded(r) = &recorded.event else {
            return Vec::new();
        };
        r.turns
            .iter()
            .filter_map(|t| {
                let original = t.original.score?;
                let scores: Vec<i64> = t
                    .grades
                    .iter()
                    .filter_map(|g| g.score.map(|s| i64::from(s.get())))
                    .collect();
                Some(StatsRegrade {
                    position: recorded.position,
                    reply_to: t.reply_to as i64,
                    stream_id: self.stream_id.clone(),
                    member_id: self.member_id.clone(),
                    server: self.server.clone(),
                    original_score: i64::from(original.get()),
                    score: crate::domain::regrade::median(&scores)?,
                })
            })
            .collect()
    }
}

/// Fold every event after the stats checkpoint; returns the new checkpoint.
pub async fn catch_up_stats<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    catch_up_stats_in(store, BATCH).await
}

/// [`catch_up_stats`] with a chosen batch size (tests use small ones).
pub async fn catch_up_stats_in<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
    batch_size: u32,
) -> Result<Position, StoreError> {
    let mut checkpoint = store.checkpoint(MEMBER_STATS).await?;
    loop {
        let batch = store.read_all(checkpoint, batch_size.max(1)).await?;
        let Some(last) = batch.last() else {
            return Ok(checkpoint);
        };
        let last_position = last.position;
        // A short batch reached the head as it was when read: no need to ask again.
        let at_head = batch.len() < batch_size.max(1) as usize;
        if save_stats_batch(store, &batch, checkpoint).await? {
            checkpoint = last_position;
            if at_head {
                return Ok(checkpoint);
            }
        } else {
            checkpoint = store.checkpoint(MEMBER_STATS).await?;
        }
    }
}

/// Fold `batch` (the log right after `from`) into the stats rows and move the stats
/// checkpoint from `from` to the batch's end: false when another folder moved it first.
pub(crate) async fn save_stats_batch<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
    batch: &[RecordedEvent],
    from: Position,
) -> Result<bool, StoreError> {
    let Some(last) = batch.last() else {
        return Ok(true);
    };
    let streams: Vec<String> = batch.iter().map(|e| e.stream_id.to_string()).collect();
    let mut rows: HashMap<String, StatsInterview> = store
        .load_stats_interviews(&streams)
        .await?
        .into_iter()
        .map(|r| (r.stream_id.clone(), r))
        .collect();
    let mut analyses = Vec::new();
    let mut regrades = Vec::new();
    for recorded in batch {
        let key = recorded.stream_id.to_string();
        match rows.get_mut(&key) {
            Some(row) if row.last_position < recorded.position => {
                regrades.extend(row.regrades(recorded));
                analyses.extend(row.apply(recorded));
            }
            Some(_) => {}
            None => {
                if let Some(row) = StatsInterview::start(recorded) {
                    rows.insert(key, row);
                }
            }
        }
    }
    let rows: Vec<StatsInterview> = rows.into_values().collect();
    store
        .save_stats(&rows, &analyses, &regrades, from, last.position)
        .await
}

/// Drop the stats rows and fold the whole log again.
pub async fn rebuild_stats<S: EventStore + ReadModelStore + ?Sized>(
    store: &S,
) -> Result<Position, StoreError> {
    store.reset_stats().await?;
    catch_up_stats(store).await
}
