//! The task that keeps a submission's line in its thread up to date, for any chat
//! platform: it follows the engine's progress bus (steps of a submission's run) and
//! feed (the committed `TestsRun`), asks `run_lines` what to do, and hands each post
//! or edit to the platform's [`ShowLine`]. Discord and Slack differ only in how a line
//! is posted and edited.
//!
//! It never appends, never posts the verdicts (the outbox does, once) and never runs
//! code; what it shows is best effort.

use super::run_lines::{LineAction, Lines, step_text};
use crate::domain::{Event, Platform, StreamId};
use crate::engine::{Engine, Progress, ProgressKind};
use std::future::Future;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// How a platform posts or edits a submission's line in a stream's thread.
pub trait ShowLine: Send + Sync {
    /// The platform's id of a posted message.
    type Message: Clone + Send + Sync;

    /// For a post, `Some` with the new message (`None` inside when it failed); for an
    /// edit, `None`. `None` also when the stream has no thread on this platform.
    fn show(
        &self,
        stream: &StreamId,
        action: LineAction<Self::Message>,
    ) -> impl Future<Output = Option<Option<Self::Message>>> + Send;
}

/// Follows the runs of `platform`'s interviews until `cancel` fires.
pub async fn follow<S: ShowLine>(
    engine: Engine,
    platform: Platform,
    shower: S,
    cancel: CancellationToken,
) {
    let mut progress = engine.progress().subscribe();
    let mut feed = engine.listen();
    let mut lines: Lines<S::Message> = Lines::default();
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
                }) if stream.platform() == Some(platform) => {
                    let text = step_text(&step);
                    if let Some(action) = lines.step(&stream, submission, &step, text)
                        && let Some(posted) = shower.show(&stream, action).await
                    {
                        lines.posted(&stream, submission, posted);
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            e = feed.recv() => match e {
                Ok(e) if e.stream_id.platform() == Some(platform) => {
                    if let Event::TestsRun(run) = &e.event
                        && let Some(action) = lines.recorded(&e.stream_id, run)
                    {
                        shower.show(&e.stream_id, action).await;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
        }
    }
}
