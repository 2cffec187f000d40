//! One duel at a time per member, held by the database (issue 16): a member taken by a
//! duel has a row `duelist:<platform>:<user id>` in the store's lease table, owned by
//! that duel's stream, from the offer until the offer is answered or expires, then
//! until the duel's time limit. Taking the row is one atomic statement, so two offers
//! (or an offer and an accept) reaching two instances at once cannot both take the same
//! member, whatever each instance's read model says. The row is given up when the duel
//! is declined, expires, is won or ends at its limit; if that is missed (a crash), it
//! lapses by itself at the offer's expiry or the duel's end.
//!
//! Coordination only: it never decides a duel's rules (the refusal it causes is the
//! domain's `YouAreBusy` or `OpponentBusy`), never appends, and never releases a row
//! another duel owns.

use super::Engine;
use crate::domain::events::Event;
use crate::domain::{Actor, Duel, StreamId};
use crate::ports::StoreError;
use chrono::{DateTime, Utc};

/// The lease key that holds `member` for a duel.
pub fn duelist_key(member: &Actor) -> String {
    format!("duelist:{}:{}", member.platform, member.user_id)
}

/// Whether `event` ends a duel's hold on its members.
pub fn frees_duelists(event: &Event) -> bool {
    matches!(
        event,
        Event::DuelDeclined(_)
            | Event::DuelOfferExpired(_)
            | Event::DuelWon(_)
            | Event::DuelTimedOut(_)
    )
}

impl Engine {
    /// Take (or extend) both `members` for the duel `duel` until `until`, in a fixed
    /// order (by key) so that two instances racing over a shared member never refuse
    /// each other both. `Ok(Some(i))`: `members[i]` is held by another duel, and nothing
    /// is held for this one.
    pub(super) async fn take_duelists(
        &self,
        duel: &StreamId,
        members: [&Actor; 2],
        until: DateTime<Utc>,
    ) -> Result<Option<usize>, StoreError> {
        let mut order = [0usize, 1];
        order.sort_by_key(|&i| duelist_key(members[i]));
        let now = self.now();
        let mut taken = vec![];
        for i in order {
            let key = duelist_key(members[i]);
            if self
                .store
                .try_lease(&key, duel.as_str(), now, until)
                .await?
            {
                taken.push(key);
            } else {
                for key in taken {
                    self.store.release(&key, duel.as_str()).await?;
                }
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// Give up the rows `duel` holds on its members (best effort: they lapse anyway).
    pub(super) async fn free_duelists(&self, duel: &StreamId, state: &Duel) {
        let Some((a, b)) = state.duelists() else {
            return;
        };
        for member in [a, b] {
            if let Err(e) = self
                .store
                .release(&duelist_key(member), duel.as_str())
                .await
            {
                tracing::warn!(%duel, error = %e, "could not free a duelist; it lapses at the duel's end");
            }
        }
    }
}
