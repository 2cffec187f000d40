//! The member-stats port: one row per interview and one per code analysis (numbers and
//! ids only, never anything a member or the coach wrote), the leaderboard opt-ins, and
//! [`StatsStore`], which both backends implement. The fold lives in
//! `crate::projections::member_stats`; the SQL in `crate::store`.

use super::{Position, StoreError};
use async_trait::async_trait;

/// The name of the member-stats projection's checkpoint.
pub const MEMBER_STATS: &str = "member_stats";

/// One interview, as stats see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsInterview {
    pub stream_id: String,
    /// The candidate: `{platform}:{user_id}`.
    pub member_id: String,
    /// The community: `web`, `discord:{guild}`, `slack:{team}`.
    pub server: String,
    /// The bank problem, `None` for a problem the candidate described.
    pub problem_id: Option<String>,
    /// Ended or summarised.
    pub done: bool,
    pub hints_used: i64,
    /// Cases the latest tested submission passed, and ran (0 and 0 before any).
    pub tests_passed: i64,
    pub tests_total: i64,
    pub last_position: Position,
}

/// One code analysis of a member's interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsAnalysis {
    /// The event's position in the log: the time order of analyses.
    pub position: Position,
    pub stream_id: String,
    pub member_id: String,
    pub server: String,
    pub problem_id: Option<String>,
    /// 1 to 10.
    pub score: i64,
    /// Rubric bands, 1 to 4.
    pub communication: i64,
    pub problem_solving: i64,
    pub technical_competency: i64,
    pub testing: i64,
}

/// The rubric dimensions an analysis row holds, in column order.
pub const DIMENSIONS: [&str; 4] = [
    "communication",
    "problem_solving",
    "technical_competency",
    "testing",
];

impl StatsAnalysis {
    /// The rubric bands with their stable names, in display order.
    pub fn dimensions(&self) -> [(&'static str, i64); 4] {
        let values = [
            self.communication,
            self.problem_solving,
            self.technical_competency,
            self.testing,
        ];
        std::array::from_fn(|i| (DIMENSIONS[i], values[i]))
    }
}

/// One analysis graded again by a recorded regrade: shown beside the originals, never
/// counted in place of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRegrade {
    /// The `Regraded` event's position.
    pub position: Position,
    /// The submission the analysis answered.
    pub reply_to: i64,
    pub stream_id: String,
    pub member_id: String,
    pub server: String,
    /// The original analysis's score, and the regrade's (lower median of its repeats).
    pub original_score: i64,
    pub score: i64,
}

/// A member's rows, analyses (and regrades) in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberRows {
    pub interviews: Vec<StatsInterview>,
    pub analyses: Vec<StatsAnalysis>,
    pub regrades: Vec<StatsRegrade>,
}

/// Storage of the member-stats rows and leaderboard opt-ins, by both backends.
#[async_trait]
pub trait StatsStore: Send + Sync {
    async fn load_stats_interviews(
        &self,
        stream_ids: &[String],
    ) -> Result<Vec<StatsInterview>, StoreError>;
    /// Upsert interview rows, insert analysis and regrade rows and move the
    /// `member_stats` checkpoint from `from` to `to`, atomically; false (nothing
    /// written) when another instance moved it first.
    async fn save_stats(
        &self,
        interviews: &[StatsInterview],
        analyses: &[StatsAnalysis],
        regrades: &[StatsRegrade],
        from: Position,
        to: Position,
    ) -> Result<bool, StoreError>;
    /// Drop every stats row and the checkpoint (opt-ins are kept: they are not folded).
    async fn reset_stats(&self) -> Result<(), StoreError>;
    /// The member's rows, only those of `server` when given.
    async fn member_rows(
        &self,
        member_id: &str,
        server: Option<&str>,
    ) -> Result<MemberRows, StoreError>;
    /// Record (`joined`) or remove an opt-in; true when something changed.
    async fn set_leaderboard_opt_in(
        &self,
        server: &str,
        member_id: &str,
        joined: bool,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
    async fn leaderboard_opted_in(&self, server: &str) -> Result<Vec<String>, StoreError>;
    /// Remove the member's opt-ins everywhere; how many there were.
    async fn forget_leaderboard(&self, member_id: &str) -> Result<u64, StoreError>;
}
