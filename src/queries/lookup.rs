//! Finding an interview by what a URL or a command holds: an interview uuid or a stream
//! id, of any platform. Reads the log directly for web interviews (so a just-started
//! one is found before the read model has caught up) and the interview list for the
//! rest.

use crate::domain::{Event, InterviewStarted, Place, StreamId};
use crate::ports::{RecordedEvent, Storage, StoreError};
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
pub(super) async fn find(store: &dyn Storage, id: &str) -> Result<Option<Loaded>, StoreError> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Ok(None);
    }
    if let Ok(uuid) = Uuid::parse_str(id) {
        let session = uuid.to_string();
        if let Some(found) = read(store, Place::Web { session }.stream_id()).await? {
            return Ok(Some(found));
        }
    }
    if let Some(row) = store.find_interview(id).await?
        && let Some(found) = read(store, row.stream()).await?
    {
        return Ok(Some(found));
    }
    let as_stream = StreamId::new(id);
    if as_stream.platform().is_some() {
        return read(store, as_stream).await;
    }
    Ok(None)
}

async fn read(store: &dyn Storage, stream: StreamId) -> Result<Option<Loaded>, StoreError> {
    let events = store.read_stream(&stream, 1).await?;
    let loaded = Loaded { stream, events };
    Ok(loaded.started().is_some().then_some(loaded))
}
