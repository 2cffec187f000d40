//! The read door: every question a platform, the coach or the CLI asks of the log and
//! the read models. An interview with its folded state, an interview found by any id,
//! the interview list, a member's stats and the problems they have done, a community's
//! leaderboard, a member's export, tokens spent, delivery records, the log's head.
//!
//! Platforms read only through here and write only through the engine. This module
//! never writes events; the only writes it makes are the read models' catch-up (folding
//! the log into rows that can be dropped and rebuilt), so that what it answers is never
//! behind what was acknowledged. It never knows a platform.

mod lookup;

pub use crate::ports::StoreError as QueryError;
pub use crate::ports::{DeliveryRecord, InterviewFilter, InterviewRow, Position, RecordedEvent};
pub use lookup::Loaded;

use crate::domain::{Interview, StreamId, Version};
use crate::ports::Storage;
use crate::practice::leaderboard::{self, Standing};
use crate::practice::member_export::{self, ExportFile, ExportRefusal, ExportTarget};
use crate::practice::stats::{self, MemberStats};
use crate::problems::ProblemBank;
use crate::projections;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Clone)]
pub struct Queries {
    store: Arc<dyn Storage>,
}

impl Queries {
    pub fn new(store: Arc<dyn Storage>) -> Queries {
        Queries { store }
    }

    /// The highest committed position: the database answers (the health check).
    pub async fn head(&self) -> Result<Position, QueryError> {
        self.store.head().await
    }

    /// One interview's events and the state they fold to (an empty state when the
    /// stream does not exist).
    pub async fn interview(
        &self,
        stream: &StreamId,
    ) -> Result<(Interview, Vec<RecordedEvent>), QueryError> {
        let events = self.events(stream).await?;
        let state = Interview::from_events(events.iter().map(|r| &r.event));
        Ok((state, events))
    }

    /// One interview's events, in order.
    pub async fn events(&self, stream: &StreamId) -> Result<Vec<RecordedEvent>, QueryError> {
        self.store.read_stream(stream, 1).await
    }

    /// One interview's events from version `from` on (a client catching up).
    pub async fn events_from(
        &self,
        stream: &StreamId,
        from: Version,
    ) -> Result<Vec<RecordedEvent>, QueryError> {
        self.store.read_stream(stream, from).await
    }

    /// The interview named by an interview id or a stream id, of any platform.
    pub async fn find(&self, id: &str) -> Result<Option<Loaded>, QueryError> {
        lookup::find(self.store.as_ref(), id).await
    }

    /// Bring the read models (interview list, member stats) up to the log's head.
    pub async fn catch_up(&self) -> Result<Position, QueryError> {
        projections::catch_up_all(self.store.as_ref()).await
    }

    /// The interview list, newest first, caught up with the log first.
    pub async fn interviews(
        &self,
        filter: &InterviewFilter,
    ) -> Result<Vec<InterviewRow>, QueryError> {
        self.catch_up().await?;
        self.store.list_interviews(filter).await
    }

    /// The interview list as the read model stands, without catching up (for callers
    /// on a hot path that tolerate a row a few milliseconds behind).
    pub async fn interviews_as_folded(
        &self,
        filter: &InterviewFilter,
    ) -> Result<Vec<InterviewRow>, QueryError> {
        self.store.list_interviews(filter).await
    }

    /// `member_id`'s stats (only in `server` when given).
    pub async fn member_stats(
        &self,
        member_id: &str,
        server: Option<&str>,
        bank: &ProblemBank,
    ) -> Result<MemberStats, QueryError> {
        stats::load(self.store.as_ref(), member_id, server, bank).await
    }

    /// Bank problems the member has already had, for choosing a fresh one.
    pub async fn problems_done(&self, member_id: &str) -> Result<HashSet<String>, QueryError> {
        stats::problems_done(self.store.as_ref(), member_id).await
    }

    /// The ranked standings of `server`'s opted-in members.
    pub async fn leaderboard(&self, server: &str) -> Result<Vec<Standing>, QueryError> {
        leaderboard::standings(self.store.as_ref(), server).await
    }

    /// The Markdown export of `target` for `member_id` asking from `server`, or why not.
    pub async fn export(
        &self,
        bank: &ProblemBank,
        target: &ExportTarget,
        member_id: &str,
        server: &str,
    ) -> Result<Result<ExportFile, ExportRefusal>, QueryError> {
        member_export::export_for(self.store.as_ref(), bank, target, member_id, server).await
    }

    /// Tokens the coach spent for `server` on the UTC `day` (`YYYY-MM-DD`), caught up.
    pub async fn tokens_used_on(&self, server: &str, day: &str) -> Result<i64, QueryError> {
        projections::catch_up(self.store.as_ref()).await?;
        self.store.tokens_used_on(server, day).await
    }

    /// Whether a platform delivery (keyed by platform and event) was attempted or made.
    pub async fn delivery(&self, key: &str) -> Result<DeliveryRecord, QueryError> {
        self.store.delivery(key).await
    }
}
