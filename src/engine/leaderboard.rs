//! Joining or leaving a community's leaderboard: the domain decides from whether the
//! member is on it now, and the engine writes the opt-in row when that changes.

use super::Engine;
use crate::domain::{OptIn, OptInOutcome, decide_opt_in};
use crate::ports::StoreError;

impl Engine {
    /// Join or leave `server`'s leaderboard as `member_id`.
    pub async fn set_leaderboard_opt_in(
        &self,
        server: &str,
        member_id: &str,
        request: OptIn,
    ) -> Result<OptInOutcome, StoreError> {
        let opted_in = self
            .store
            .leaderboard_opted_in(server)
            .await?
            .iter()
            .any(|m| m == member_id);
        let outcome = decide_opt_in(opted_in, request);
        if outcome.changes() {
            let at_ms = self.now().timestamp_millis();
            self.store
                .set_leaderboard_opt_in(server, member_id, request == OptIn::Join, at_ms)
                .await?;
        }
        Ok(outcome)
    }
}
