//! The `event_decode` target: a stored row (type name, schema version, JSON payload)
//! through the store's decoder, as every read of the log does. Checks only; never
//! called by the service.

use super::lines;
use crate::domain::Event;
use crate::store::codec;

/// Input: two lines (the row's `event_type` and `schema_version`), then its payload. A
/// decoded event has the row's type and a version the build knows, and writing it again
/// and reading that back gives the same event; a refusal says why.
pub fn event_decode(data: &[u8]) {
    let ([event_type, version], payload) = lines::<2>(data);
    let Ok(version) = version.trim().parse::<u32>() else {
        return; // the column is an integer
    };
    let payload = String::from_utf8_lossy(payload);
    match codec::decode(&event_type, version, &payload) {
        Ok(event) => {
            assert_eq!(event.type_name(), event_type, "decoded as another type");
            let current = Event::current_schema_version(&event_type);
            assert!(
                current.is_some_and(|c| version <= c),
                "a version from the future"
            );
            let (t, v, p) = codec::encode(&event).expect("a decoded event encodes");
            let again = codec::decode(&t, v, &p).expect("an encoded event decodes");
            assert_eq!(again, event, "the event changed on its way through the log");
        }
        Err(why) => assert!(!why.to_string().is_empty()),
    }
}
