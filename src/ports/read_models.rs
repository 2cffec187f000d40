//! The read models' port: the rows of the interview list, the coach's daily token
//! usage, and [`ReadModelStore`], which both backends implement. The folds that fill
//! these rows live in `crate::projections`; the SQL in `crate::store`.

use super::{Position, StatsStore, StoreError};
use crate::domain::StreamId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterviewRow {
    pub interview_id: String,
    pub stream_id: String,
    pub platform: String,
    /// The community: `web`, `discord:{guild}`, `slack:{team}`.
    pub server: String,
    /// A readable place label (server and channel).
    pub place: String,
    pub candidate_id: String,
    pub candidate_name: String,
    pub problem_title: String,
    pub phase: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub last_score: Option<i64>,
    pub submissions: i64,
    pub hints_used: i64,
    pub tokens_used: i64,
    pub last_position: Position,
}

impl InterviewRow {
    pub fn stream(&self) -> StreamId {
        StreamId(self.stream_id.clone())
    }
}

/// Filters of the interview list; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewFilter {
    pub platform: Option<String>,
    /// Matches the server (`discord:123`) or the place label.
    pub place: Option<String>,
    /// Matches the member id (`discord:42`).
    pub member: Option<String>,
    pub phase: Option<String>,
    /// Only interviews that are not ended.
    pub open_only: bool,
    pub limit: Option<u32>,
}

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
/// through [`StatsStore`]).
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
    /// Set the labels of one interview's row (its candidate's name and its problem's
    /// title) after `privacy forget` rewrote its start; folding never changes them.
    async fn relabel_interview(
        &self,
        stream_id: &str,
        candidate_name: &str,
        problem_title: &str,
    ) -> Result<(), StoreError>;
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
