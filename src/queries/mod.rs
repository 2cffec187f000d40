//! The read door: every question a platform, the coach or the CLI asks of the log and
//! the read models. An interview with its folded state, an interview found by any id,
//! the interview list, a member's stats and the problems they have done, a community's
//! leaderboard, a member's export, tokens spent, delivery records, the log's head.
//!
//! Platforms read only through here and write only through the engine. In the service
//! (`Queries::following`) this module never writes anything: a question answered from a
//! read model first waits (briefly) until the projector task has folded the log up to
//! the head seen when it was asked, so what it answers is not behind what was
//! acknowledged, and a GET writes no row. Only `catch_up` writes (the read models'
//! fold), and only the projector task and the CLI call it; a `Queries::new` (CLI,
//! tests) catches up itself before such a question. It never knows a platform.

mod daily;
mod duels; // issue 16: duel
mod interviewers; // issue 16: peer
mod lookup;

pub use crate::ports::StoreError as QueryError;
pub use crate::ports::{DeliveryRecord, InterviewFilter, InterviewRow, Position, RecordedEvent};
pub use crate::projections::daily::Streak;
pub use daily::DailyStatus;
pub use lookup::Loaded;

use crate::domain::{Interview, StreamId, Version};
use crate::ports::{INTERVIEW_LIST, MEMBER_STATS, Storage};
use crate::practice::leaderboard::{self, Standing};
use crate::practice::member_export::{self, ExportFile, ExportRefusal, ExportTarget};
use crate::practice::stats::{self, MemberStats};
use crate::problems::ProblemBank;
use crate::projections;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a question waits for the projector before answering from the read models
/// as they stand.
const PROJECTOR_WAIT: Duration = Duration::from_secs(2);

/// How often a waiting question looks at the checkpoints in the database (another
/// instance's projector may fold first).
const CHECKPOINT_POLL: Duration = Duration::from_millis(200);

#[derive(Clone)]
pub struct Queries {
    store: Arc<dyn Storage>,
    /// The position both read models have been folded to by `catch_up` here.
    folded: Arc<watch::Sender<Position>>,
    /// A projector task keeps the read models caught up: questions wait for it
    /// instead of folding (writing) themselves.
    follows_projector: bool,
    /// The daily problem's read model, in memory (issue 16).
    daily: Arc<crate::projections::daily::DailyView>,
    /// The duels read model (issue 16), folded in memory from the log.
    duels: Arc<projections::duels::DuelBoardCache>,
    /// The peer interviewers read model (issue 16), folded in memory from the log.
    interviewers: Arc<projections::interviewers::InterviewerBoardCache>,
}

impl Queries {
    /// A query door that catches the read models up itself before answering from
    /// them (the CLI, tests): it writes read-model rows.
    pub fn new(store: Arc<dyn Storage>) -> Queries {
        Queries {
            store,
            folded: Arc::new(watch::channel(0).0),
            follows_projector: false,
            daily: Arc::default(),
            duels: Arc::default(),
            interviewers: Arc::default(),
        }
    }

    /// A query door that never writes: a projector task calls [`Queries::catch_up`]
    /// on (a clone of) it, and questions wait for that (the service).
    pub fn following(store: Arc<dyn Storage>) -> Queries {
        Queries {
            follows_projector: true,
            ..Queries::new(store)
        }
    }

    /// The read models hold everything committed before this call: caught up here
    /// (`new`), or waited for (`following`; after [`PROJECTOR_WAIT`] the answer is
    /// given from what is folded).
    pub async fn settle(&self) -> Result<(), QueryError> {
        if !self.follows_projector {
            self.catch_up().await?;
            return Ok(());
        }
        let head = self.store.head().await?;
        let mut folded = self.folded.subscribe();
        let waited = tokio::time::timeout(PROJECTOR_WAIT, async {
            loop {
                if *folded.borrow_and_update() >= head || self.stored_checkpoint().await? >= head {
                    return Ok::<(), QueryError>(());
                }
                tokio::select! {
                    changed = folded.changed() => if changed.is_err() { return Ok(()) },
                    _ = tokio::time::sleep(CHECKPOINT_POLL) => {}
                }
            }
        })
        .await;
        match waited {
            Ok(result) => result,
            Err(_) => {
                tracing::debug!(
                    head,
                    "the read models are behind the log; answering as folded"
                );
                Ok(())
            }
        }
    }

    /// The lower of the two read models' checkpoints in the database.
    async fn stored_checkpoint(&self) -> Result<Position, QueryError> {
        let list = self.store.checkpoint(INTERVIEW_LIST).await?;
        let stats = self.store.checkpoint(MEMBER_STATS).await?;
        Ok(list.min(stats))
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

    /// Bring the read models (interview list, member stats) up to the log's head:
    /// writes read-model rows. The projector task and the CLI call it.
    pub async fn catch_up(&self) -> Result<Position, QueryError> {
        Ok(self.catch_up_from(None).await?.0)
    }

    /// [`Queries::catch_up`] for the projector task, which remembers where its last
    /// round left both checkpoints (`known`) instead of reading them every round (see
    /// `projections::catch_up_all_from`); returns the list's position and what to pass
    /// as `known` next time.
    pub async fn catch_up_from(
        &self,
        known: Option<Position>,
    ) -> Result<(Position, Option<Position>), QueryError> {
        let (position, known) = projections::catch_up_all_from(self.store.as_ref(), known).await?;
        self.folded.send_if_modified(|folded| {
            let moved = position > *folded;
            *folded = (*folded).max(position);
            moved
        });
        Ok((position, known))
    }

    /// The interview list, newest first, up to date with the log (see `settle`).
    pub async fn interviews(
        &self,
        filter: &InterviewFilter,
    ) -> Result<Vec<InterviewRow>, QueryError> {
        self.settle().await?;
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
        self.settle().await?;
        stats::load(self.store.as_ref(), member_id, server, bank).await
    }

    /// Bank problems the member has already had, for choosing a fresh one.
    pub async fn problems_done(&self, member_id: &str) -> Result<HashSet<String>, QueryError> {
        self.settle().await?;
        stats::problems_done(self.store.as_ref(), member_id).await
    }

    /// The ranked standings of `server`'s opted-in members.
    pub async fn leaderboard(&self, server: &str) -> Result<Vec<Standing>, QueryError> {
        self.settle().await?;
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
        self.settle().await?;
        member_export::export_for(self.store.as_ref(), bank, target, member_id, server).await
    }

    /// Tokens the coach spent for `server` on the UTC `day` (`YYYY-MM-DD`), up to date.
    pub async fn tokens_used_on(&self, server: &str, day: &str) -> Result<i64, QueryError> {
        self.settle().await?;
        self.store.tokens_used_on(server, day).await
    }

    /// Whether a platform delivery (keyed by platform and event) was attempted or made.
    pub async fn delivery(&self, key: &str) -> Result<DeliveryRecord, QueryError> {
        self.store.delivery(key).await
    }
}
