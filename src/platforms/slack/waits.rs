//! The coach's waits told in Slack: a turn the member's cooldown defers, or one queued
//! behind the instance's cap on concurrent LLM calls, gets one ephemeral line for the
//! candidate in the interview's thread ("the coach will answer in 4 s"), once per turn.
//! It reads the engine's progress bus (in-process: an instance tells the waits of the
//! turns its own coach holds) and the query door for the thread and the candidate.
//! Progress is not a fact: it never appends, and a notice lost to a crash is not sent
//! again; the answer itself always comes through the log and the outbox.

use super::api::SlackApi;
use crate::domain::{Place, Platform, StreamId, Version};
use crate::engine::{Engine, ProgressKind};
use crate::queries::Queries;
use std::collections::HashSet;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// Runs until `cancel` fires.
pub async fn run(engine: Engine, queries: Queries, api: SlackApi, cancel: CancellationToken) {
    let mut progress = engine.progress().subscribe();
    // Turns already told (stream, the candidate event's version).
    let mut told: HashSet<(StreamId, Version)> = HashSet::new();
    loop {
        let p = tokio::select! {
            _ = cancel.cancelled() => return,
            p = progress.recv() => p,
        };
        let p = match p {
            Ok(p) => p,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if p.stream.platform() != Some(Platform::Slack) {
            continue;
        }
        let Some(text) = notice(&p.kind) else {
            continue;
        };
        if told.len() > 10_000 {
            told.clear();
        }
        if !told.insert((p.stream.clone(), p.reply_to)) {
            continue;
        }
        let Ok((interview, _)) = queries.interview(&p.stream).await else {
            continue;
        };
        let Some(started) = interview.started.as_ref() else {
            continue;
        };
        let Place::Slack {
            channel, thread_ts, ..
        } = &started.place
        else {
            continue;
        };
        let user = &started.candidate.user_id;
        if let Err(e) = api
            .post_ephemeral(channel, user, Some(thread_ts), &text)
            .await
        {
            tracing::info!(stream = %p.stream, error = %e.message, "could not tell the coach's wait");
        }
    }
}

/// What the candidate is told of a wait, if it is one.
pub fn notice(kind: &ProgressKind) -> Option<String> {
    match kind {
        ProgressKind::Waiting { seconds } => Some(format!(
            ":hourglass_flowing_sand: The coach will answer in {seconds} s (it leaves a short pause between answers)."
        )),
        ProgressKind::Queued { ahead } => Some(match ahead {
            0 => ":hourglass_flowing_sand: The coach is busy; your turn is next in line.".into(),
            n => format!(
                ":hourglass_flowing_sand: The coach is busy; your turn is queued, {n} ahead."
            ),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cooldown_says_when_and_a_queue_says_its_place() {
        let waiting = notice(&ProgressKind::Waiting { seconds: 4 }).unwrap_or_default();
        assert!(waiting.contains("will answer in 4 s"), "{waiting}");
        let queued = notice(&ProgressKind::Queued { ahead: 2 }).unwrap_or_default();
        assert!(queued.contains("2 ahead"), "{queued}");
        assert_eq!(notice(&ProgressKind::Thinking), None);
    }
}
