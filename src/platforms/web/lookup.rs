//! Finding an interview by what a URL holds: an interview uuid or a stream id, of any
//! platform. Reads the log directly for web interviews (so a just-started one is found
//! before the read model has caught up) and the interview list for the rest.

use crate::domain::{Event, InterviewStarted, Place, StreamId};
use crate::engine::Engine;
use crate::ports::{RecordedEvent, StoreError};
use uuid::Uuid;

/// Longest id accepted from a URL.
const MAX_ID_LEN: usize = 300;

/// An interview's stream and every event in it.
pub struct Loaded {
    pub stream: StreamId,
    pub events: Vec<RecordedEvent>,
}

impl Loaded {
    pub fn started(&self) -> Option<&InterviewStarted> {
        match self.events.first().map(|e| &e.event) {
            Some(Event::InterviewStarted(s)) => Some(s),
            _ => None,
        }
    }
}

/// The interview named by `id`, or `None` when there is none.
pub async fn load(engine: &Engine, id: &str) -> Result<Option<Loaded>, StoreError> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Ok(None);
    }
    if let Ok(uuid) = Uuid::parse_str(id) {
        let session = uuid.to_string();
        if let Some(found) = read(engine, Place::Web { session }.stream_id()).await? {
            return Ok(Some(found));
        }
    }
    if let Some(row) = engine.store().find_interview(id).await?
        && let Some(found) = read(engine, row.stream()).await?
    {
        return Ok(Some(found));
    }
    let as_stream = StreamId::new(id);
    if as_stream.platform().is_some() {
        return read(engine, as_stream).await;
    }
    Ok(None)
}

async fn read(engine: &Engine, stream: StreamId) -> Result<Option<Loaded>, StoreError> {
    let events = engine.store().read_stream(&stream, 1).await?;
    let loaded = Loaded { stream, events };
    Ok(loaded.started().is_some().then_some(loaded))
}
