//! A submission's tests as the interview thread sees them while they run: one message
//! in the thread ("⏳ Queued, 2 ahead." then "⚙️ Running 2 examples and 12 tests…"),
//! edited at each step and, once the `TestsRun` is committed, into the verdict's
//! headline ("✅ Tests of submission #2: 14 of 14 passed (python)."). A submission has
//! no private reply to edit (it may be a plain message), so the thread is where its
//! progress fits; an ad-hoc `/run` keeps its private reply (`run.rs`).
//!
//! The following is `platforms::submission_lines` (the progress bus of the instance
//! whose coach runs the tests, and the feed); what to post or edit is
//! `platforms::run_lines`. It never appends, never posts
//! the verdicts' embed (the outbox does, once) and never runs code.

use super::ids::thread_of_stream;
use crate::domain::{Platform, StreamId};
use crate::engine::Engine;
use crate::platforms::run_lines::LineAction;
use crate::platforms::submission_lines::{ShowLine, follow};
use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, CreateMessage, EditMessage};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Runs until `cancel` fires.
pub async fn run(engine: Engine, http: Arc<serenity::Http>, cancel: CancellationToken) {
    follow(engine, Platform::Discord, Thread { http }, cancel).await
}

/// Discord's way of showing the line: a message in the interview's thread.
struct Thread {
    http: Arc<serenity::Http>,
}

impl ShowLine for Thread {
    type Message = serenity::MessageId;

    async fn show(
        &self,
        stream: &StreamId,
        action: LineAction<serenity::MessageId>,
    ) -> Option<Option<serenity::MessageId>> {
        show(&self.http, stream, action).await
    }
}

/// Posts or edits the line in the stream's thread. For a post, `Some` with the new
/// message (`None` when it failed); for an edit, `None`. Best effort: the verdicts
/// come through the outbox whatever happens here.
async fn show(
    http: &serenity::Http,
    stream: &StreamId,
    action: LineAction<serenity::MessageId>,
) -> Option<Option<serenity::MessageId>> {
    let thread = thread_of_stream(stream)?;
    match action {
        LineAction::Post(text) => {
            let message = CreateMessage::new()
                .content(text)
                .allowed_mentions(CreateAllowedMentions::new());
            match thread.send_message(http, message).await {
                Ok(m) => Some(Some(m.id)),
                Err(e) => {
                    tracing::info!(%stream, error = %e, "could not post a submission's test line");
                    Some(None)
                }
            }
        }
        LineAction::Edit(id, text) => {
            let edit = EditMessage::new()
                .content(text)
                .allowed_mentions(CreateAllowedMentions::new());
            if let Err(e) = thread.edit_message(http, id, edit).await {
                tracing::info!(%stream, error = %e, "could not edit a submission's test line");
            }
            None
        }
    }
}
