//! Forgetting a member: the one rewrite of the log. Every event that carries the
//! member's words or code is replaced by its erased form (the domain's erasure rules),
//! their leaderboard opt-ins are removed, the read models are rebuilt, and every
//! remembered state is dropped so that nothing erased is decided on again.

use super::Engine;
use crate::domain::{Actor, Event, StreamId, Version, erasure};
use crate::ports::{RecordedEvent, StoreError};
use crate::projections;
use std::collections::HashSet;

/// Events read per batch while reading the whole log.
const BATCH: u32 = 1000;

/// What forgetting a member changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ForgetReport {
    pub interviews: usize,
    pub events_rewritten: usize,
    /// Leaderboard opt-ins removed.
    pub leaderboards_left: u64,
}

impl Engine {
    /// Erase `member_id`'s content (`{platform}:{user_id}`) everywhere, and take them
    /// off every leaderboard.
    pub async fn forget_member(&self, member_id: &str) -> Result<ForgetReport, StoreError> {
        self.recent.clear();
        let leaderboards_left = self.store.forget_leaderboard(member_id).await?;
        let all = self.whole_log().await?;
        let rewrites = rewrites(&all, member_id);
        let mut touched: HashSet<&StreamId> = HashSet::new();
        for (recorded, erased) in &rewrites {
            self.store.redact(recorded.position, erased).await?;
            touched.insert(&recorded.stream_id);
        }
        if !touched.is_empty() {
            projections::rebuild(self.store.as_ref()).await?;
        }
        Ok(ForgetReport {
            interviews: touched.len(),
            events_rewritten: rewrites.len(),
            leaderboards_left,
        })
    }

    async fn whole_log(&self) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let batch = self.store.read_all(after, BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok(all);
            };
            after = last.position;
            all.extend(batch);
        }
    }
}

/// Pure: each event of `all` that changes when `member_id` is erased, with its erased
/// form. Their own interviews lose every free text; elsewhere their messages and the
/// coach's answers to them (and the digests that may quote them) are erased.
fn rewrites<'a>(all: &'a [RecordedEvent], member_id: &str) -> Vec<(&'a RecordedEvent, Event)> {
    let is_member = |a: &Actor| a.member_id() == member_id;
    let own: HashSet<&StreamId> = all
        .iter()
        .filter_map(|r| match &r.event {
            Event::InterviewStarted(s) if is_member(&s.candidate) => Some(&r.stream_id),
            _ => None,
        })
        .collect();
    let spoken: HashSet<(&StreamId, Version)> = all
        .iter()
        .filter(|r| r.event.actor().is_some_and(is_member))
        .map(|r| (&r.stream_id, r.version))
        .collect();
    let spoke_in: HashSet<&StreamId> = spoken.iter().map(|(s, _)| *s).collect();
    all.iter()
        .filter_map(|r| {
            let answers_member = r
                .event
                .reply_to()
                .is_some_and(|v| spoken.contains(&(&r.stream_id, v)))
                || (matches!(r.event, Event::ContextCompacted(_))
                    && spoke_in.contains(&r.stream_id));
            let whole = own.contains(&r.stream_id) || answers_member;
            let erased = erasure::erase(&r.event, whole, &is_member);
            (erased != r.event).then_some((r, erased))
        })
        .collect()
}
