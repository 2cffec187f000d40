//! Questions about duels (issue 16): a duel by its stream, whether a member is taken,
//! a community's ratings and a member's, and a member's finished duels. Answered from
//! the duels read model (`projections::duels`), caught up from the log first; never
//! writes anything.

use super::{Queries, QueryError};
use crate::domain::{Actor, Duel, StreamId};
use crate::projections::duels::{DuelBoardCache, Rating, RatingChange};
use std::sync::Arc;

/// A finished duel as a member's history shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DuelResult {
    pub stream: StreamId,
    pub duel: Duel,
    pub change: Option<RatingChange>,
}

impl Queries {
    /// The duels read model this door folds, shared with the referee and the duel
    /// outboxes of the same process.
    pub fn duel_board(&self) -> Arc<DuelBoardCache> {
        self.duels.clone()
    }

    /// A duel folded from its stream (`None` when the stream is empty).
    pub async fn duel(&self, stream: &StreamId) -> Result<Option<Duel>, QueryError> {
        let events = self.store.read_stream(stream, 1).await?;
        Ok((!events.is_empty()).then(|| Duel::from_events(events.iter().map(|r| &r.event))))
    }

    /// Whether `member` has an offer waiting or a duel running (other than `except`).
    pub async fn in_duel(
        &self,
        member: &Actor,
        except: Option<&StreamId>,
    ) -> Result<bool, QueryError> {
        let guard = self.duels.caught_up(self.store.as_ref()).await?;
        Ok(guard.1.busy(member, except))
    }

    /// The duel an interview belongs to, if any.
    pub async fn duel_of_interview(
        &self,
        interview: &StreamId,
    ) -> Result<Option<(StreamId, Duel)>, QueryError> {
        let guard = self.duels.caught_up(self.store.as_ref()).await?;
        Ok(guard
            .1
            .duel_of_interview(interview)
            .map(|(s, d)| (s.clone(), d.clone())))
    }

    /// A community's ratings, best first.
    pub async fn duel_ratings(&self, community: &str) -> Result<Vec<Rating>, QueryError> {
        Ok(self
            .duels
            .caught_up(self.store.as_ref())
            .await?
            .1
            .standings(community))
    }

    /// A member's rating in a community, once they have finished a duel there.
    pub async fn duel_rating(
        &self,
        community: &str,
        member_id: &str,
    ) -> Result<Option<Rating>, QueryError> {
        let guard = self.duels.caught_up(self.store.as_ref()).await?;
        Ok(guard.1.rating(community, member_id).cloned())
    }

    /// A member's finished duels, newest first, with each won duel's rating change.
    pub async fn duel_results(&self, member_id: &str) -> Result<Vec<DuelResult>, QueryError> {
        let guard = self.duels.caught_up(self.store.as_ref()).await?;
        Ok(guard
            .1
            .finished_of(member_id)
            .into_iter()
            .map(|(s, d)| DuelResult {
                stream: s.clone(),
                duel: d.clone(),
                change: guard.1.change(s),
            })
            .collect())
    }
}
