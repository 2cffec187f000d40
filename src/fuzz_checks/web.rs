//! The `ws_protocol` target: one WebSocket text frame through the web socket's client
//! message decoder. Checks only; never called by the service.

use crate::platforms::web::ws::protocol::{self, Inbound};

/// The longest error the decoder may send back: it quotes at most 40 characters of an
/// unknown type and 120 of serde's reason, never the whole frame.
const MAX_ERROR_CHARS: usize = 200;

/// A frame is decoded into the message its `type` names, with an id of at most 128
/// bytes, or refused with a short, non-empty reason.
pub fn ws_protocol(data: &[u8]) {
    // Tungstenite hands the session only valid UTF-8 text frames.
    let text = String::from_utf8_lossy(data);
    match protocol::parse(&text) {
        Ok(message) => {
            let value: serde_json::Value =
                serde_json::from_str(&text).expect("a decoded frame is JSON");
            assert_eq!(
                value.get("type").and_then(|t| t.as_str()),
                Some(type_of(&message.inbound)),
                "decoded as another type: {text:?}"
            );
            if let Some(id) = &message.id {
                assert!(!id.is_empty() && id.len() <= 128, "id kept: {id:?}");
            }
        }
        Err(why) => {
            assert!(!why.is_empty(), "an empty refusal for {text:?}");
            assert!(
                why.chars().count() <= MAX_ERROR_CHARS,
                "a refusal of {} characters: {why:?}",
                why.chars().count()
            );
        }
    }
}

fn type_of(inbound: &Inbound) -> &'static str {
    match inbound {
        Inbound::ProblemDescription { .. } => "problem_description",
        Inbound::Explanation { .. } => "explanation",
        Inbound::CodeSubmission { .. } => "code_submission",
        Inbound::Message { .. } => "message",
        Inbound::EndSession {} => "end_session",
        Inbound::Hint {} => "hint",
        Inbound::Retry {} => "retry",
        Inbound::RunCode { .. } => "run_code",
    }
}
