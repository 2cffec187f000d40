//! The Slack outlet: renders coach events and test runs (`TestsRun`, an ad-hoc run's or
//! a submission's) from the log into the interview's thread
//! (`chat.postMessage` with `thread_ts`) for the engine's outbox, which guarantees each
//! part is posted once. Every message part carries its own delivery key as message
//! metadata, so after an error or a crash `find_part` can tell from
//! `conversations.replies` whether that very part went out: by key, never by text.

use super::api::{ApiFailure, SlackApi};
use super::blocks::{self, Rendered};
use crate::domain::{Event, Interview, Place, Platform};
use crate::engine::outbox::{Outlet, OutletError};
use crate::practice::transcript::{Entry, What};
use crate::queries::RecordedEvent;
use async_trait::async_trait;

pub struct SlackOutlet {
    api: SlackApi,
}

impl SlackOutlet {
    pub fn new(api: SlackApi) -> SlackOutlet {
        SlackOutlet { api }
    }
}

/// The metadata key of message `part` of a coach event: its stream and version, and
/// the part's index after the first (the first part's key is the event's, as before
/// split replies were keyed per part).
pub fn part_key(event: &RecordedEvent, part: usize) -> String {
    match part {
        0 => format!("{}#{}", event.stream_id, event.version),
        n => format!("{}#{}#{n}", event.stream_id, event.version),
    }
}

/// The messages one coach entry (built with `Entry::of`) becomes: several when a long
/// reply is split, none for entries the thread does not show.
pub fn render(entry: &Entry) -> Vec<Rendered> {
    match &entry.what {
        What::CoachReply { text, .. } => blocks::coach_reply(text),
        What::Analysis { analysis, .. } => vec![blocks::analysis(analysis)],
        What::CoachFailure(e) => vec![blocks::failure(e)],
        What::Summary(s) => vec![blocks::summary(s)],
        What::TestsRun(run) => vec![blocks::runs::tests_run(run)],
        _ => Vec::new(),
    }
}

/// [`render`] in `interview`: a peer interview's summary carries the interviewer's
/// rubric beside the coach's and the buttons of the end (issue 16).
fn render_in(entry: &Entry, interview: &Interview) -> Vec<Rendered> {
    match (&entry.what, &interview.peer, thread(interview)) {
        (What::Summary(s), Some(peer), Ok((channel, thread_ts))) => {
            vec![super::peer::summary(s, peer, channel, thread_ts)]
        }
        _ => render(entry),
    }
}

fn thread(interview: &Interview) -> Result<(&str, &str), OutletError> {
    match interview.started.as_ref().map(|s| &s.place) {
        Some(Place::Slack {
            channel, thread_ts, ..
        }) => Ok((channel, thread_ts)),
        _ => Err(OutletError::Permanent("not a Slack interview".to_string())),
    }
}

fn outlet_error(e: ApiFailure) -> OutletError {
    if e.permanent {
        OutletError::Permanent(e.message)
    } else {
        OutletError::Transient {
            why: e.message,
            retry_after: e.retry_after,
        }
    }
}

#[async_trait]
impl Outlet for SlackOutlet {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    /// The coach's events, and the verdicts of every run.
    fn wants(&self, event: &Event) -> bool {
        matches!(
            event,
            Event::CoachReplied(_)
                | Event::CodeAnalyzed(_)
                | Event::CoachFailed(_)
                | Event::SummaryWritten(_)
                | Event::TestsRun(_)
                // issue 16: daily
                | Event::DailyPosted(_)
        )
    }

    fn parts(&self, event: &RecordedEvent, interview: &Interview) -> usize {
        // issue 16: daily. A day's post is one top-level message in its channel.
        if let Event::DailyPosted(_) = &event.event {
            return 1;
        }
        // issue 16: a peer interview's private answers and silent reviews.
        if interview.keeps_private(&event.event) {
            return 0;
        }
        render_in(&Entry::of(event), interview).len()
    }

    async fn post_part(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
        part: usize,
    ) -> Result<String, OutletError> {
        // issue 16: daily
        if let Event::DailyPosted(post) = &event.event {
            let message = super::daily::post(post);
            return self
                .api
                .post(&post.channel, None, &message, Some(&part_key(event, 0)))
                .await
                .map_err(outlet_error);
        }
        let (channel, thread_ts) = thread(interview)?;
        let message = render_in(&Entry::of(event), interview)
            .into_iter()
            .nth(part)
            .ok_or_else(|| OutletError::Permanent(format!("the post has no part {part}")))?;
        self.api
            .post(
                channel,
                Some(thread_ts),
                &message,
                Some(&part_key(event, part)),
            )
            .await
            .map_err(outlet_error)
    }

    async fn find_part(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
        part: usize,
    ) -> Result<Option<String>, OutletError> {
        // issue 16: daily
        if let Event::DailyPosted(post) = &event.event {
            return self
                .api
                .find_in_channel(&post.channel, &part_key(event, 0))
                .await
                .map_err(outlet_error);
        }
        let (channel, thread_ts) = thread(interview)?;
        self.api
            .find_by_key(channel, thread_ts, &part_key(event, part))
            .await
            .map_err(outlet_error)
    }
}

#[cfg(test)]
mod tests {
    use crate::practice::golden;
    use crate::practice::transcript::Entry;

    #[test]
    fn the_messages_of_each_fixture_event_match_their_golden_file() {
        for (name, log) in golden::logs() {
            let out: String = log
                .iter()
                .map(|r| format!("#{} {:#?}\n", r.version, super::render(&Entry::of(r))))
                .collect();
            golden::check(&format!("{name}.slack.txt"), &out);
        }
    }
}
