//! A submission's tests as the interview's Slack thread sees them while they run: one
//! bot message in the thread ("⏳ Queued, 2 ahead." then "⚙️ Running 2 examples and 12
//! tests…"), updated (`chat.update`) at each step and, once the `TestsRun` is
//! committed, into the verdict's headline ("✅ Tests of submission #2: 14 of 14 passed
//! (python)."). An ephemeral line cannot be edited, and a submission is the thread's
//! business (the verdicts are posted there), so the thread is where it fits; an ad-hoc
//! `run` keeps its ephemeral lines (`handlers/run.rs`).
//!
//! The following is `platforms::submission_lines` (the progress bus of the instance
//! whose coach runs the tests, and the feed); what to post or edit is
//! `platforms::run_lines`. It never appends, never posts
//! the verdicts' blocks (the outbox does, once) and never runs code.

use super::api::SlackApi;
use super::blocks::Rendered;
use crate::domain::{Platform, StreamId};
use crate::engine::Engine;
use crate::platforms::run_lines::LineAction;
use crate::platforms::submission_lines::{ShowLine, follow};
use tokio_util::sync::CancellationToken;

/// Runs until `cancel` fires.
pub async fn run(engine: Engine, api: SlackApi, cancel: CancellationToken) {
    follow(engine, Platform::Slack, Thread { api }, cancel).await
}

/// Slack's way of showing the line: a bot message in the interview's thread.
struct Thread {
    api: SlackApi,
}

impl ShowLine for Thread {
    type Message = String;

    async fn show(&self, stream: &StreamId, action: LineAction<String>) -> Option<Option<String>> {
        show(&self.api, stream, action).await
    }
}

/// The channel and root ts of a Slack interview's stream (`slack:team:channel:ts`).
fn thread_of(stream: &StreamId) -> Option<(&str, &str)> {
    let mut parts = stream.as_str().splitn(4, ':');
    let (_, _, channel, ts) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    Some((channel, ts))
}

/// Posts or updates the line in the stream's thread. For a post, `Some` with the new
/// message's ts (`None` when it failed); for an update, `None`. Best effort: the
/// verdicts come through the outbox whatever happens here.
async fn show(
    api: &SlackApi,
    stream: &StreamId,
    action: LineAction<String>,
) -> Option<Option<String>> {
    let (channel, thread_ts) = thread_of(stream)?;
    match action {
        LineAction::Post(text) => {
            let rendered = Rendered { text, blocks: None };
            match api.post(channel, Some(thread_ts), &rendered, None).await {
                Ok(ts) => Some(Some(ts)),
                Err(e) => {
                    tracing::info!(%stream, error = %e.message, "could not post a submission's test line");
                    Some(None)
                }
            }
        }
        LineAction::Edit(ts, text) => {
            if let Err(e) = api.update(channel, &ts, &text).await {
                tracing::info!(%stream, error = %e.message, "could not update a submission's test line");
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slack_stream_names_its_channel_and_thread() {
        let stream = StreamId("slack:T1:C1:1700000000.000001".into());
        assert_eq!(thread_of(&stream), Some(("C1", "1700000000.000001")));
        assert_eq!(thread_of(&StreamId("slack:T1".into())), None);
    }
}
