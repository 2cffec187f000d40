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
    /// When the time limit runs out, for an interview that has one.
    #[serde(skip)]
    pub deadline: Option<DateTime<Utc>>,
    /// The time-limit warning was given.
    #[serde(skip)]
    pub time_warned: bool,
    /// When the candidate last did something (the start included).
    #[serde(skip)]
    pub last_candidate_at: DateTime<Utc>,
    /// The versions of the candidate events still waiting for the coach's answer.
    #[serde(skip)]
    pub pending_turns: Vec<u64>,
    /// Coach events in the stream (what a chat platform's outbox posts).
    #[serde(skip)]
    pub coach_messages: i64,
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

/// Which open interviews a timer looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// A deadline at or before `warn_by` and not yet warned, or at or before `end_by`.
    Deadline {
        warn_by: DateTime<Utc>,
        end_by: DateTime<Utc>,
    },
    /// On `platform`, no candidate event at or after `before`.
    Idle {
        platform: String,
        before: DateTime<Utc>,
    },
}

/// One page of a scan over the interview list: the rows after `after` (the sort key
/// and the stream id of the last row of the previous page), at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<K> {
    pub after: Option<(K, String)>,
    pub limit: u32,
}

impl<K> Page<K> {
    pub fn first(limit: u32) -> Page<K> {
        Page { after: None, limit }
    }
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
    /// Open interviews whose timer is `due`, by the time it is due (deadline, or last
    /// candidate event) and stream id; an indexed query whatever the number of open
    /// interviews.
    async fn due_interviews(
        &self,
        due: &Due,
        page: &Page<DateTime<Utc>>,
    ) -> Result<Vec<InterviewRow>, StoreError>;
    /// Interviews with a coach turn pending, oldest first (by start, then stream id).
    async fn pending_interviews(
        &self,
        page: &Page<DateTime<Utc>>,
    ) -> Result<Vec<InterviewRow>, StoreError>;
    /// Interviews on `platform` not ended before `ended_since` with more coach events
    /// than delivery records marked done: what a chat outbox still has to post. By
    /// stream id (`page.after`'s key is unused).
    async fn undelivered_interviews(
        &self,
        platform: &str,
        ended_since: DateTime<Utc>,
        page: &Page<()>,
    ) -> Result<Vec<InterviewRow>, StoreError>;
    /// Find by interview id or by stream id.
    async fn find_interview(&self, id: &str) -> Result<Option<InterviewRow>, StoreError>;
}
