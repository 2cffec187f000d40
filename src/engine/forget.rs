//! Forgetting a member: the one rewrite of the log. Every event that carries the
//! member's words or code is replaced by its erased form (the domain's erasure rules),
//! their leaderboard opt-ins are removed, and only what changed is touched after: the
//! interview-list rows whose labels held their name or their own problem are
//! relabelled, and only the rewritten streams' remembered states are dropped.
//!
//! The log is streamed in pages to find the member's interviews (only their stream ids
//! are kept), then each of those is read and rewritten on its own. It never loads the
//! whole log and never rebuilds a read model, so every other interview, the interview
//! list and the daily budget stay correct and served while it runs.

use super::Engine;
use crate::domain::{Actor, Event, StreamId, Version, erasure};
use crate::ports::{InterviewRow, RecordedEvent, StoreError};
use crate::projections;
use std::collections::{BTreeSet, HashSet};

/// Events read per page while looking for the member's interviews.
const PAGE: u32 = 1000;

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
        let leaderboards_left = self.store.forget_leaderboard(member_id).await?;
        let mut report = ForgetReport {
            leaderboards_left,
            ..ForgetReport::default()
        };
        let mut relabel = Vec::new();
        for stream in self.streams_of(member_id).await? {
            let events = self.store.read_stream(&stream, 1).await?;
            let rewrites = rewrites(&events, member_id);
            for (recorded, erased) in &rewrites {
                self.store.redact(recorded.position, erased).await?;
                if let Some(row) = InterviewRow::start(&RecordedEvent {
                    event: erased.clone(),
                    ..(*recorded).clone()
                }) {
                    relabel.push(row);
                }
            }
            if !rewrites.is_empty() {
                // Nothing erased is decided on again.
                self.recent.take(&stream);
                report.interviews += 1;
                report.events_rewritten += rewrites.len();
            }
        }
        if !relabel.is_empty() {
            // The list holds the rows of every rewritten start once caught up (a fold
            // that read the start before its rewrite is committed by then); their
            // labels are then written once, and folding never writes labels again.
            projections::catch_up(self.store.as_ref()).await?;
            for row in &relabel {
                self.store
                    .relabel_interview(&row.stream_id, &row.candidate_name, &row.problem_title)
                    .await?;
            }
        }
        Ok(report)
    }

    /// The streams where `member_id` started an interview or acted, from a pass over
    /// the log in pages that keeps only their ids.
    async fn streams_of(&self, member_id: &str) -> Result<BTreeSet<StreamId>, StoreError> {
        let mut streams = BTreeSet::new();
        let mut after = 0;
        loop {
            let page = self.store.read_all(after, PAGE).await?;
            let Some(last) = page.last() else {
                return Ok(streams);
            };
            after = last.position;
            streams.extend(
                page.into_iter()
                    .filter(|r| {
                        r.event.actor().is_some_and(|a| a.member_id() == member_id)
                            // issue 16: the duel streams that name them
                            || r.event.duelists().iter().any(|a| a.member_id() == member_id)
                    })
                    .map(|r| r.stream_id),
            );
        }
    }
}

/// Pure: each event of `all` (one or more whole streams) that changes when `member_id`
/// is erased, with its erased form. Their own interviews lose every free text; elsewhere their messages and the
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
