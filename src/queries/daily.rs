//! The daily problem's questions (issue 16): a community's schedule and today's post,
//! a member's streak, and the community's streak standings. Answered from the daily
//! read model (`projections::daily`), which each question first folds up to the log's
//! head; it holds nothing but memory, so a question writes no row.

use super::{Queries, QueryError};
use crate::domain::{Actor, DailyPosted, DailyScheduled};
use crate::projections::daily::{DailyBoard, DailyView, Streak};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What `/daily` shows: the schedule in force, today's post and the next one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DailyStatus {
    pub schedule: Option<DailyScheduled>,
    /// The post of the community's local today, once it is out.
    pub today: Option<DailyPosted>,
    /// The latest post (today's or an earlier day's).
    pub latest: Option<DailyPosted>,
    /// When the next post is due.
    pub next_at: Option<DateTime<Utc>>,
}

impl Queries {
    /// The daily read model this door folds, shared with the scheduler.
    pub fn daily_view(&self) -> Arc<DailyView> {
        self.daily.clone()
    }

    /// Ask `answer` of the daily board, caught up with the log.
    pub async fn daily_board<T>(
        &self,
        answer: impl FnOnce(&DailyBoard) -> T,
    ) -> Result<T, QueryError> {
        self.daily.read(self.store.as_ref(), answer).await
    }

    /// The daily problem of `community` (`discord:<guild>`, `slack:<team>`) at `now`.
    pub async fn daily_status(
        &self,
        community: &str,
        now: DateTime<Utc>,
    ) -> Result<DailyStatus, QueryError> {
        self.daily_board(|board| {
            let Some(c) = board.community(community) else {
                return DailyStatus::default();
            };
            DailyStatus {
                schedule: c.schedule.clone(),
                today: c.todays(now).cloned(),
                latest: c.posts.values().next_back().cloned(),
                next_at: c
                    .schedule
                    .as_ref()
                    .and_then(|s| crate::domain::decide::daily::next_post(s, now)),
            }
        })
        .await
    }

    /// `member_id`'s streak in `community` at `now` (zeros when they never solved one).
    pub async fn streak(
        &self,
        community: &str,
        member_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Streak, QueryError> {
        self.daily_board(|board| {
            board
                .community(community)
                .map(|c| c.streak_of(member_id, now))
                .unwrap_or_default()
        })
        .await
    }

    /// Every member of `community` who solved a daily problem, best current streak first.
    pub async fn streak_standings(
        &self,
        community: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Actor, Streak)>, QueryError> {
        self.daily_board(|board| {
            board
                .community(community)
                .map(|c| c.standings(now))
                .unwrap_or_default()
        })
        .await
    }
}
