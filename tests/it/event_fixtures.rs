//! Frozen event fixtures: every stored shape of every event must still decode.
//!
//! Each file under `tests/fixtures/events/` is named `{type}.v{schema}[.{variant}].json`
//! and holds `{"event_type", "schema_version", "payload"}` exactly as it was once
//! written. The files are never regenerated: when an event's shape changes, its old
//! fixture stays, a new one is added, and the upcaster in `store::codec` must lift the
//! old one. These tests never touch a database.

use interview_coach::domain::{CandidateMessage, Event, Platform};
use interview_coach::store::codec::{self, CodecError, Upcaster};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// One fixture file, parsed but not yet decoded.
struct Fixture {
    /// File name, for failure messages.
    name: String,
    event_type: String,
    schema_version: u32,
    payload: Value,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events")
}

fn fixtures() -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/events exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no event fixtures found");
    paths.iter().map(|path| read_fixture(path)).collect()
}

fn read_fixture(path: &Path) -> Fixture {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let event_type = doc["event_type"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: event_type must be a string"))
        .to_string();
    let schema_version = doc["schema_version"]
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or_else(|| panic!("{name}: schema_version must be a small integer"));
    let payload = doc["payload"].clone();
    assert!(payload.is_object(), "{name}: payload must be an object");
    Fixture {
        name,
        event_type,
        schema_version,
        payload,
    }
}

fn decode(fixture: &Fixture) -> Event {
    codec::decode(
        &fixture.event_type,
        fixture.schema_version,
        &fixture.payload.to_string(),
    )
    .unwrap_or_else(|e| panic!("{} does not decode: {e}", fixture.name))
}

#[test]
fn every_fixture_file_is_named_after_its_type_and_schema_version() {
    for fixture in fixtures() {
        let prefix = format!("{}.v{}.", fixture.event_type, fixture.schema_version);
        assert!(
            fixture.name.starts_with(&prefix) && fixture.name.ends_with(".json"),
            "{} should be named {prefix}[variant.]json",
            fixture.name
        );
    }
}

#[test]
fn every_fixture_decodes_through_the_upcasters_to_an_event_of_its_type() {
    for fixture in fixtures() {
        let event = decode(&fixture);
        assert_eq!(event.type_name(), fixture.event_type, "{}", fixture.name);
    }
}

#[test]
fn every_current_fixture_is_exactly_what_todays_code_writes() {
    for fixture in fixtures() {
        let event = decode(&fixture);
        if fixture.schema_version != event.schema_version() {
            continue; // an older shape: decoding it is all we promise
        }
        let (event_type, schema_version, payload) = codec::encode(&event).unwrap();
        assert_eq!(event_type, fixture.event_type, "{}", fixture.name);
        assert_eq!(schema_version, fixture.schema_version, "{}", fixture.name);
        let written: Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(
            written, fixture.payload,
            "{}: today's encoding differs from the frozen payload; add a new schema \
             version and an upcaster instead of editing the event in place",
            fixture.name
        );
    }
}

#[test]
fn every_event_type_has_a_fixture_at_its_current_schema_version() {
    let fixtures = fixtures();
    for type_name in Event::TYPE_NAMES {
        let current = fixtures.iter().any(|f| {
            f.event_type == type_name
                && f.name == format!("{type_name}.v{}.json", f.schema_version)
                && decode(f).schema_version() == f.schema_version
        });
        assert!(
            current,
            "no tests/fixtures/events/{type_name}.v{{current}}.json: freeze one by \
             serialising a realistic event"
        );
    }
}

#[test]
fn every_fixture_names_a_known_event_type() {
    for fixture in fixtures() {
        assert!(
            Event::TYPE_NAMES.contains(&fixture.event_type.as_str()),
            "{} names unknown type {}",
            fixture.name,
            fixture.event_type
        );
    }
}

/// A pretend version 0 of `candidate_message`, which called its text `body`.
fn candidate_message_v0() -> String {
    json!({
        "type": "candidate_message",
        "actor": {"platform": "slack", "user_id": "U04ABCD1234", "name": "grace"},
        "body": "Is the input sorted?",
        "at": "2025-03-14T09:02:05Z"
    })
    .to_string()
}

fn rename_body_to_text(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut()
        && let Some(body) = object.remove("body")
    {
        object.insert("text".to_string(), body);
    }
    value
}

const TEST_UPCASTERS: &[Upcaster] = &[Upcaster {
    event_type: "candidate_message",
    from: 0,
    lift: rename_body_to_text,
}];

#[test]
fn an_upcaster_lifts_an_old_schema_version_to_todays_shape() {
    let event = codec::decode_with(
        TEST_UPCASTERS,
        "candidate_message",
        0,
        &candidate_message_v0(),
    )
    .expect("v0 is lifted to v1");
    let Event::CandidateMessage(CandidateMessage { actor, text, .. }) = event else {
        panic!("expected a candidate message, got {event:?}");
    };
    assert_eq!(text, "Is the input sorted?");
    assert_eq!(actor.platform, Platform::Slack);
}

#[test]
fn an_old_schema_version_without_its_upcaster_does_not_decode() {
    let result = codec::decode_with(&[], "candidate_message", 0, &candidate_message_v0());
    assert!(
        matches!(result, Err(CodecError::NoUpcaster(_, 0))),
        "{result:?}"
    );
}

#[test]
fn an_upcaster_only_lifts_its_own_event_type() {
    let approach_v0 = candidate_message_v0().replace("candidate_message", "approach_explained");
    let result = codec::decode_with(TEST_UPCASTERS, "approach_explained", 0, &approach_v0);
    assert!(
        matches!(result, Err(CodecError::NoUpcaster(_, 0))),
        "{result:?}"
    );
}

#[test]
fn a_schema_version_newer_than_this_build_is_rejected() {
    let current = std::fs::read_to_string(fixtures_dir().join("candidate_message.v1.json"))
        .expect("candidate_message fixture");
    let payload = serde_json::from_str::<Value>(&current).unwrap()["payload"].to_string();
    let result = codec::decode("candidate_message", 2, &payload);
    assert!(
        matches!(&result, Err(CodecError::TooNew(t, 2)) if t == "candidate_message"),
        "{result:?}"
    );
}

#[test]
fn a_payload_whose_type_differs_from_the_stored_type_is_rejected() {
    let current = std::fs::read_to_string(fixtures_dir().join("candidate_message.v1.json"))
        .expect("candidate_message fixture");
    let payload = serde_json::from_str::<Value>(&current).unwrap()["payload"].to_string();
    let result = codec::decode("approach_explained", 1, &payload);
    assert!(
        matches!(result, Err(CodecError::TypeMismatch { .. })),
        "{result:?}"
    );
}
