//! Share links: revoking one. Links themselves are signed tokens made outside the log;
//! only their revocation is a fact of the interview, so it holds across restarts and
//! instances. A revocation names a link by its share id and never carries anyone's words.

use super::guards::started;
use crate::domain::error::DomainError;
use crate::domain::events::{Event, ShareRevoked};
use crate::domain::interview::Interview;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Revoke one link of a started interview, in any phase (ended interviews are the ones
/// usually shared); a second revocation of the same link is refused.
pub(super) fn revoke(
    state: &Interview,
    share_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if state.revoked_shares.contains(&share_id) {
        return Err(DomainError::ShareAlreadyRevoked);
    }
    Ok(vec![Event::ShareRevoked(ShareRevoked { share_id, at })])
}
