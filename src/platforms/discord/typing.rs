//! The typing indicator: shown in an interview thread from the moment the coach starts
//! (or queues) a turn (the engine's progress bus) until its answer is committed to the log, or at
//! most [`MAX_TYPING`]. Progress is in-process only, so an instance shows typing for
//! the turns its own coach works on; the answer itself always arrives through the log.

use super::ids::thread_of_stream;
use crate::domain::{Platform, StreamId};
use crate::engine::{Engine, ProgressKind};
use poise::serenity_prelude as serenity;
use std::collections::{HashMap, HashSet};
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
    // Turns already told about their wait (stream, the candidate event's version).
    let mut told: HashSet<(StreamId, u64)> = HashSet::new();
    let mut sweep = tokio::time::interval(Duration::from_secs(10));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = sweep.tick() => {
                typing.retain(|_, (_, since)| since.elapsed() < MAX_TYPING);
                if told.len() > 10_000 {
                    told.clear();
                }
            }
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
                Ok(p) if p.stream.platform() == Some(Platform::Discord) => {
                    if let (ProgressKind::Waiting { seconds }, Some(thread)) =
                        (&p.kind, thread_of_stream(&p.stream))
                        && told.insert((p.stream.clone(), p.reply_to))
                        && let Err(e) = thread.say(&http, waiting_notice(*seconds)).await
                    {
                        tracing::info!(stream = %p.stream, error = %e, "could not post the cooldown notice");
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

/// The line a deferred turn gets: when the coach will answer, and why it waits.
pub fn waiting_notice(seconds: u64) -> String {
    format!("⏳ The coach will answer in {seconds} s (it leaves a short pause between answers).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_when_in_seconds() {
        assert_eq!(
            waiting_notice(4),
            "⏳ The coach will answer in 4 s (it leaves a short pause between answers)."
        );
    }
}
