//! The Slack outlet: renders coach events from the log into the interview's thread
//! (`chat.postMessage` with `thread_ts`) for the engine's outbox, which guarantees each
//! is posted once. Every message carries the event's key as metadata, so after a crash
//! `find_posted` can tell from `conversations.replies` whether it went out.

use super::api::{ApiFailure, SlackApi};
use super::blocks::{self, Rendered};
use crate::domain::{Interview, Place, Platform};
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

/// The metadata key of a coach event: its stream and version.
pub fn event_key(event: &RecordedEvent) -> String {
    format!("{}#{}", event.stream_id, event.version)
}

/// The messages one coach entry (built with `Entry::of`) becomes: several when a long
/// reply is split, none for entries the thread does not show.
pub fn render(entry: &Entry) -> Vec<Rendered> {
    match &entry.what {
        What::CoachReply { text, .. } => blocks::coach_reply(text),
        What::Analysis { analysis, .. } => vec![blocks::analysis(analysis)],
        What::CoachFailure(e) => vec![blocks::failure(e)],
        What::Summary(s) => vec![blocks::summary(s)],
        _ => Vec::new(),
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
        OutletError::Transient(e.message)
    }
}

#[async_trait]
impl Outlet for SlackOutlet {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn post(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
    ) -> Result<String, OutletError> {
        let (channel, thread_ts) = thread(interview)?;
        let key = event_key(event);
        let mut first = None;
        for (i, message) in render(&Entry::of(event)).iter().enumerate() {
            // Only the first part carries the key: finding it means the event went out.
            let key = (i == 0).then_some(key.as_str());
            let ts = self
                .api
                .post(channel, Some(thread_ts), message, key)
                .await
                .map_err(outlet_error)?;
            first.get_or_insert(ts);
        }
        first.ok_or_else(|| OutletError::Permanent("nothing to show".to_string()))
    }

    async fn find_posted(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
    ) -> Result<Option<String>, OutletError> {
        let (channel, thread_ts) = thread(interview)?;
        self.api
            .find_by_key(channel, thread_ts, &event_key(event))
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
