//! Turning events into stored rows and back. Reading goes through the upcaster, so an
//! event written under an older schema version is lifted to today's shape before it is
//! deserialised. Upcasters are pure functions on JSON; they never touch the database.
//!
//! A row of a type (or a schema version) this build does not know reads as
//! [`Event::Unknown`], so a newer release's events never stop an older one; a damaged
//! row (bad JSON, a payload of another type) is an error for its own stream only. Each
//! skip is counted in `interview_coach_unknown_events_skipped_total` and logged once per
//! type. This module never decides what a reader does with the rows it skips.

use crate::domain::{Event, UnknownEvent};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Mutex;

/// One schema step: lifts an event of `event_type` from `from` to `from + 1`.
pub struct Upcaster {
    pub event_type: &'static str,
    pub from: u32,
    pub lift: fn(Value) -> Value,
}

/// The upcasters of this codebase, in order. Empty while every event is at version 1;
/// when a variant changes, bump its `Event::schema_version`, add a step here and a new
/// fixture under `tests/fixtures/events/`.
pub const UPCASTERS: &[Upcaster] = &[];

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("event type {0} at schema version {1} is newer than this build understands")]
    TooNew(String, u32),
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("event type {0} at schema version {1} has no upcaster to today's version")]
    NoUpcaster(String, u32),
    #[error("stored type {stored} does not match payload type {payload}")]
    TypeMismatch { stored: String, payload: String },
}

/// The stored form of an event: type tag, schema version, JSON payload.
pub fn encode(event: &Event) -> Result<(String, u32, String), CodecError> {
    if let Event::Unknown(u) = event {
        return Err(CodecError::UnknownType(u.event_type.clone()));
    }
    let payload = serde_json::to_string(event)?;
    Ok((
        event.type_name().to_string(),
        event.schema_version(),
        payload,
    ))
}

/// [`encode`] for a store: a failure is a [`StoreError::Codec`] naming `position`
/// (0 for an event not stored yet).
pub(crate) fn encode_at(
    event: &Event,
    position: i64,
) -> Result<(String, u32, String), super::StoreError> {
    encode(event).map_err(|e| super::StoreError::Codec {
        position,
        message: e.to_string(),
    })
}

/// The statement behind `EventStore::redact`, the same on both backends.
pub(crate) const REDACT: &str =
    "UPDATE events SET payload = $1, schema_version = $2 WHERE position = $3 AND event_type = $4";

/// Read a stored event, upcasting it to the current schema.
pub fn decode(event_type: &str, schema_version: u32, payload: &str) -> Result<Event, CodecError> {
    decode_with(UPCASTERS, event_type, schema_version, payload)
}

/// How a reader takes a stored row: the event, [`Event::Unknown`] for a type or schema
/// version newer than this build (counted and logged once per type), or an error for
/// a damaged row.
pub fn read(
    event_type: &str,
    schema_version: u32,
    payload: &str,
    recorded_at: DateTime<Utc>,
) -> Result<Event, CodecError> {
    match decode(event_type, schema_version, payload) {
        Err(CodecError::UnknownType(_)) => Ok(skipped(
            event_type,
            schema_version,
            recorded_at,
            "unknown_type",
        )),
        Err(CodecError::TooNew(..)) => Ok(skipped(
            event_type,
            schema_version,
            recorded_at,
            "newer_schema",
        )),
        other => other,
    }
}

/// [`read`] for a reader of the whole log: a damaged row is skipped like an unknown
/// one (its own stream still reports it when read), so one bad row never stops the
/// feed, the projections or any other interview.
pub fn read_lenient(
    event_type: &str,
    schema_version: u32,
    payload: &str,
    recorded_at: DateTime<Utc>,
    position: i64,
) -> Event {
    read(event_type, schema_version, payload, recorded_at).unwrap_or_else(|e| {
        tracing::error!(position, event_type, error = %e, "a damaged event was skipped; its interview cannot be read until it is repaired");
        skipped(event_type, schema_version, recorded_at, "damaged")
    })
}

/// The types already logged as skipped (each is logged once per process).
static LOGGED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn skipped(
    event_type: &str,
    schema_version: u32,
    at: DateTime<Utc>,
    reason: &'static str,
) -> Event {
    crate::telemetry::metrics::unknown_event_skipped(reason);
    let first = LOGGED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(format!("{reason}:{event_type}"));
    if first && reason != "damaged" {
        tracing::warn!(
            event_type,
            schema_version,
            reason,
            "skipping events this release cannot read (written by a newer one?)"
        );
    }
    Event::Unknown(UnknownEvent {
        event_type: event_type.to_string(),
        schema_version,
        at,
    })
}

/// `decode` with an explicit upcaster table (tests use their own).
pub fn decode_with(
    upcasters: &[Upcaster],
    event_type: &str,
    schema_version: u32,
    payload: &str,
) -> Result<Event, CodecError> {
    let current = Event::current_schema_version(event_type)
        .ok_or_else(|| CodecError::UnknownType(event_type.to_string()))?;
    if schema_version > current {
        return Err(CodecError::TooNew(event_type.to_string(), schema_version));
    }
    let event: Event = if schema_version == current {
        // Today's shape: straight from the text, no intermediate JSON tree.
        serde_json::from_str(payload)?
    } else {
        lift(upcasters, event_type, schema_version, current, payload)?
    };
    if event.type_name() != event_type {
        return Err(CodecError::TypeMismatch {
            stored: event_type.to_string(),
            payload: event.type_name().to_string(),
        });
    }
    Ok(event)
}

/// Run the upcasters from `schema_version` up to `current`.
fn lift(
    upcasters: &[Upcaster],
    event_type: &str,
    schema_version: u32,
    current: u32,
    payload: &str,
) -> Result<Event, CodecError> {
    let mut value: Value = serde_json::from_str(payload)?;
    let mut version = schema_version;
    while let Some(step) = upcasters
        .iter()
        .find(|u| u.event_type == event_type && u.from == version)
    {
        value = (step.lift)(value);
        version += 1;
    }
    if version < current {
        return Err(CodecError::NoUpcaster(event_type.to_string(), version));
    }
    Ok(serde_json::from_value(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH
    }

    #[test]
    fn given_a_type_from_a_newer_release_when_read_then_it_is_unknown_with_its_name() {
        let event = read("mood_recorded", 1, r#"{"type":"mood_recorded"}"#, at()).unwrap();
        let Event::Unknown(u) = event else {
            panic!("{event:?}")
        };
        assert_eq!(u.event_type, "mood_recorded");
    }

    #[test]
    fn given_a_newer_schema_of_a_known_type_when_read_then_it_is_unknown() {
        let event = read("candidate_message", 9, "{}", at()).unwrap();
        assert!(event.is_unknown());
    }

    #[test]
    fn given_a_damaged_row_when_its_stream_reads_it_then_it_is_an_error_and_the_log_skips_it() {
        assert!(read("candidate_message", 1, "{\"type\":\"cand", at()).is_err());
        let skipped = read_lenient("candidate_message", 1, "{\"type\":\"cand", at(), 7);
        assert!(skipped.is_unknown());
    }

    #[test]
    fn given_an_unknown_event_when_encoded_then_it_is_refused() {
        let unknown = Event::Unknown(UnknownEvent {
            event_type: "mood_recorded".into(),
            schema_version: 1,
            at: at(),
        });
        assert!(encode(&unknown).is_err());
    }
}
