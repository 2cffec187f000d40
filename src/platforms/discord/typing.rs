//! The typing indicator: shown in an interview thread from the moment the coach starts
//! (or queues) a turn (the engine's progress bus) until its answer is committed to the log, or at
//! most [`MAX_TYPING`]. Progress is in-process only, so an instance shows typing for
//! the turns its own coach works on; the answer itself always arrives through the log.

use super::ids::thread_of_stream;
use crate::domain::{Platform, StreamId};
use crate::engine::{Engine, ProgressKind};
use poise::serenity_prelude as serenity;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Longest a typing indicator is kept up without an answer.
pub const MAX_TYPING: Duration = Duration::from_secs(120);

/// Runs until `cancel` fires.
pub async fn run(engine: Engine, http: Arc<serenity::Http>, cancel: CancellationToken) {
    let mut progress = engine.progress().subscribe();
    let mut feed = engine.listen();
    let mut typing: HashMap<StreamId, (serenity::Typing, Instant)> = HashMap::new();
    let mut sweep = tokio::time::interval(Duration::from_secs(10));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = sweep.tick() => typing.retain(|_, (_, since)| since.elapsed() < MAX_TYPING),
            p = progress.recv() => match p {
                Ok(p) if p.stream.platform() == Some(Platform::Discord)
                    && matches!(p.kind, ProgressKind::Thinking | ProgressKind::Queued { .. } | ProgressKind::Retrying { .. }) =>
                {
                    if let Some(thread) = thread_of_stream(&p.stream) {
                        typing
                            .entry(p.stream.clone())
                            .or_insert_with(|| (thread.start_typing(&http), Instant::now()));
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            e = feed.recv() => match e {
                Ok(e) if e.event.reply_to().is_some() => {
                    typing.remove(&e.stream_id);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
        }
    }
}
