//! A submission's tests as the interview thread sees them while they run: one message
//! in the thread ("⏳ Queued, 2 ahead." then "⚙️ Running 2 examples and 12 tests…"),
//! edited at each step and, once the `TestsRun` is committed, into the verdict's
//! headline ("✅ Tests of submission #2: 14 of 14 passed (python)."). A submission has
//! no private reply to edit (it may be a plain message), so the thread is where its
//! progress fits; an ad-hoc `/run` keeps its private reply (`run.rs`).
//!
//! It reads the engine's progress bus (the instance whose coach runs the tests) and
//! feed; what to post or edit is `platforms::run_lines`. It never appends, never posts
//! the verdicts' embed (the outbox does, once) and never runs code.

use super::ids::thread_of_stream;
use crate::domain::{Event, Platform, StreamId};
use crate::engine::{Engine, Progress, ProgressKind};
use crate::platforms::run_lines::{LineAction, Lines, step_text};
use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, CreateMessage, EditMessage};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// Runs until `cancel` fires.
pub async fn run(engine: Engine, http: Arc<serenity::Http>, cancel: CancellationToken) {
    let mut progress = engine.progress().subscribe();
    let mut feed = engine.listen();
    let mut lines: Lines<serenity::MessageId> = Lines::default();
    loop {
        tokio::select! {
            // Steps before the verdict: a run's progress is published before its
            // `TestsRun` is appended.
            biased;
            _ = cancel.cancelled() => return,
            p = progress.recv() => match p {
                Ok(Progress {
                    stream,
                    kind: ProgressKind::SubmissionRun { submission, step },
                    ..
                }) if stream.platform() == Some(Platform::Discord) => {
                    let text = step_text(&step);
                    if let Some(action) = lines.step(&stream, submission, &step, text) {
                        let posted = show(&http, &stream, action).await;
                        if let Some(posted) = posted {
                            lines.posted(&stream, submission, posted);
                        }
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            e = feed.recv() => match e {
                Ok(e) if e.stream_id.platform() == Some(Platform::Discord) => {
                    if let Event::TestsRun(run) = &e.event
                        && let Some(action) = lines.recorded(&e.stream_id, run)
                    {
                        show(&http, &e.stream_id, action).await;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
        }
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
