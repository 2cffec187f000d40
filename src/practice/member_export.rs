//! `/export` on a chat platform: find the interview (the thread the command runs in, or
//! an interview id), check that the member asking is its candidate and that it belongs
//! to the community asked from, and render it as Markdown with `export::markdown`.
//!
//! Refusals and failures are kept apart (outer: the store failed; inner: refused).
//! This module only reads; it never writes events.

use crate::domain::{Event, StreamId};
use crate::ports::InterviewFilter;
use crate::ports::{RecordedEvent, Storage, StoreError};
use crate::problems::ProblemBank;
use thiserror::Error;

/// Which interview to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// The interview living in this stream (the thread the command ran in).
    Stream(StreamId),
    /// An interview id or stream id the member typed.
    Id(String),
    /// The member's latest interview in the place labelled so (`slack:{team}/{channel}`).
    Latest { place: String },
}

/// Why an export was refused; the text is fit to show the member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportRefusal {
    #[error(
        "This is not an interview thread. Run `/export` inside an interview's thread, or give its interview id."
    )]
    NotAnInterviewHere,
    #[error("No interview with id `{0}` here.")]
    NotFound(String),
    #[error("You have no interview in this channel yet. Give an interview id to export another.")]
    NoneYet,
    #[error("Only {0} can export this interview.")]
    NotCandidate(String),
}

/// A transcript ready to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Where the interview lives (a Slack export is shared in its thread).
    pub place: crate::domain::Place,
    pub filename: String,
    pub title: String,
    pub markdown: String,
}

/// The Markdown of `target` for `member_id` asking from `server`.
pub async fn export_for(
    store: &dyn Storage,
    bank: &ProblemBank,
    target: &ExportTarget,
    member_id: &str,
    server: &str,
) -> Result<Result<ExportFile, ExportRefusal>, StoreError> {
    let events = match stream_of(store, target, member_id).await? {
        Some(stream) => store.read_stream(&stream, 1).await?,
        None => Vec::new(),
    };
    Ok(file_for(&events, bank, target, member_id, server))
}

/// The stream `target` names, if any, by the interview list as it stands (the caller
/// brings it up to date); reads only.
async fn stream_of(
    store: &dyn Storage,
    target: &ExportTarget,
    member_id: &str,
) -> Result<Option<StreamId>, StoreError> {
    Ok(match target {
        ExportTarget::Stream(s) => Some(s.clone()),
        ExportTarget::Id(id) => {
            let id = id.trim();
            match store.find_interview(id).await? {
                Some(row) => Some(row.stream()),
                None => Some(StreamId::new(id)).filter(|s| s.platform().is_some()),
            }
        }
        ExportTarget::Latest { place } => {
            let filter = InterviewFilter {
                member: Some(member_id.to_string()),
                place: Some(place.clone()),
                limit: Some(1),
                ..InterviewFilter::default()
            };
            store
                .list_interviews(&filter)
                .await?
                .first()
                .map(|r| r.stream())
        }
    })
}

/// Pure: the file of an interview's `events`, or why `member_id` asking from `server`
/// may not have it.
fn file_for(
    events: &[RecordedEvent],
    bank: &ProblemBank,
    target: &ExportTarget,
    member_id: &str,
    server: &str,
) -> Result<ExportFile, ExportRefusal> {
    let started = events.first().and_then(|r| match &r.event {
        Event::InterviewStarted(s) => Some(s),
        _ => None,
    });
    let not_found = || match target {
        ExportTarget::Stream(_) => ExportRefusal::NotAnInterviewHere,
        ExportTarget::Id(id) => ExportRefusal::NotFound(id.trim().chars().take(80).collect()),
        ExportTarget::Latest { .. } => ExportRefusal::NoneYet,
    };
    let Some(started) = started else {
        return Err(not_found());
    };
    // Another community's interview is not found from here, whoever asks.
    if started.place.server() != server {
        return Err(not_found());
    }
    if started.candidate.member_id() != member_id {
        return Err(ExportRefusal::NotCandidate(started.candidate.name.clone()));
    }
    Ok(ExportFile {
        place: started.place.clone(),
        filename: format!("interview-{}.md", started.interview_id),
        title: started.problem.title().to_string(),
        markdown: crate::practice::export::markdown(events, Some(bank)),
    })
}
