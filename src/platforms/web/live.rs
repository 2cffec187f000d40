//! `GET /api/live`: Server-Sent Events fed by the engine's feed, one per committed event
//! of any interview on any instance: `{stream_id, interview_id, version, type, at}`. The
//! page refetches what it shows, so an event is a nudge, not data.
//!
//! Each stream ends when the server shuts down, so a graceful shutdown never waits on
//! an open page.

use super::Web;
use crate::domain::Event;
use crate::engine::FeedReceiver;
use crate::queries::RecordedEvent;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use serde_json::json;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// Stream ids mapped to interview ids, bounded by clearing.
#[derive(Default)]
pub struct InterviewIds(Mutex<HashMap<String, String>>);

const MAX_CACHED_IDS: usize = 10_000;

impl InterviewIds {
    fn get(&self, stream: &str) -> Option<String> {
        self.0.lock().ok()?.get(stream).cloned()
    }

    fn put(&self, stream: &str, id: &str) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_CACHED_IDS {
                map.clear();
            }
            map.insert(stream.to_string(), id.to_string());
        }
    }
}

pub async fn live(State(web): State<Web>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let feed = web.engine().listen();
    let shutdown = web.shutdown().clone();
    let stream = futures::stream::unfold(
        (web, feed, shutdown),
        |(web, mut feed, shutdown)| async move {
            let recorded = next(&mut feed, &shutdown).await?;
            let event = match recorded {
                Some(r) => describe(&web, &r).await,
                None => SseEvent::default().event("lagged").data("{}"),
            };
            Some((Ok(event), (web, feed, shutdown)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The next event (`Some(None)` after a lag), or `None` to end the stream.
async fn next(
    feed: &mut FeedReceiver,
    shutdown: &CancellationToken,
) -> Option<Option<Arc<RecordedEvent>>> {
    tokio::select! {
        _ = shutdown.cancelled() => None,
        r = feed.recv() => match r {
            Ok(e) => Some(Some(e)),
            Err(RecvError::Lagged(_)) => Some(None),
            Err(RecvError::Closed) => None,
        },
    }
}

async fn describe(web: &Web, r: &RecordedEvent) -> SseEvent {
    let data = json!({
        "stream_id": r.stream_id,
        "interview_id": interview_id(web, r).await,
        "version": r.version,
        "type": r.event.type_name(),
        "at": r.event.at(),
    });
    SseEvent::default().data(data.to_string())
}

/// The interview id of an event's stream: from the event, a web stream's name, the
/// cache, or the log.
async fn interview_id(web: &Web, r: &RecordedEvent) -> Option<String> {
    let stream = r.stream_id.as_str();
    if let Event::InterviewStarted(s) = &r.event {
        let id = s.interview_id.to_string();
        web.interview_ids().put(stream, &id);
        return Some(id);
    }
    if let Some(session) = stream.strip_prefix("web:")
        && uuid::Uuid::parse_str(session).is_ok()
    {
        return Some(session.to_string());
    }
    if let Some(id) = web.interview_ids().get(stream) {
        return Some(id);
    }
    let first = web.queries().events(&r.stream_id).await.ok()?;
    match first.first().map(|e| &e.event) {
        Some(Event::InterviewStarted(s)) => {
            let id = s.interview_id.to_string();
            web.interview_ids().put(stream, &id);
            Some(id)
        }
        _ => None,
    }
}
