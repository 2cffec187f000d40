//! The WebSocket wire format of docs/WEB-API.md: the frames the server sends and the
//! messages a client may send. The seed's messages are kept exactly; extensions only add
//! fields and message types.
//!
//! Parsing here only checks shape; whether a move is allowed is the domain's decision.

use crate::domain::{Analysis, TestsRun, Version};
use crate::platforms::web::views::SummaryBody;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest client-chosen message id kept as an idempotency key.
const MAX_ID_LEN: usize = 128;

/// A server -> client frame.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Frame {
    System {
        message: String,
        timestamp: DateTime<Utc>,
    },
    Interview {
        interview_id: String,
        stream_id: String,
        phase: &'static str,
        deadline: Option<DateTime<Utc>>,
        problem_title: String,
        /// What this socket may do: `candidate`, `operator` (act) or `watcher` (read).
        role: &'static str,
        /// Extension: a bank problem's statement (a described one's text is the
        /// candidate's own).
        #[serde(skip_serializing_if = "Option::is_none")]
        problem_text: Option<String>,
    },
    AiResponse {
        message: String,
        timestamp: DateTime<Utc>,
        reply_to: Version,
        kind: &'static str,
    },
    AiResponseDelta {
        reply_to: Version,
        delta: String,
    },
    CoachStatus {
        state: &'static str,
        message: String,
        reply_to: Version,
    },
    CodeAnalysis {
        analysis: Analysis,
        timestamp: DateTime<Utc>,
        reply_to: Version,
        #[serde(skip_serializing_if = "Option::is_none")]
        submission: Option<u32>,
    },
    SessionSummary {
        #[serde(flatten)]
        body: SummaryBody,
        timestamp: DateTime<Utc>,
        reply_to: Version,
    },
    Candidate {
        kind: &'static str,
        content: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        timestamp: DateTime<Utc>,
    },
    /// Extension: the verdicts of a run of the candidate's code (a `run_code` or a
    /// submission's tests), with the result as Markdown text.
    TestResults {
        run: Box<TestsRun>,
        text: String,
        timestamp: DateTime<Utc>,
        version: Version,
    },
    /// Extension: where a run stands: `queued` (with `ahead`), `running`, `failed`.
    RunStatus {
        state: &'static str,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        ahead: Option<usize>,
        reply_to: Version,
    },
    ReplayDone,
    Error {
        message: String,
        timestamp: DateTime<Utc>,
    },
}

impl Frame {
    pub fn error(message: impl Into<String>, at: DateTime<Utc>) -> Frame {
        Frame::Error {
            message: message.into(),
            timestamp: at,
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail; keep a valid frame regardless.
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"error","message":"internal error"}"#.to_string())
    }
}

/// A client -> server message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inbound {
    ProblemDescription {
        #[serde(default)]
        content: String,
        /// Extension: start on this bank problem instead of a described one.
        #[serde(default)]
        problem_id: Option<String>,
        /// Extension: pick a bank problem of this difficulty (and `topic`), or any
        /// with `surprise`.
        #[serde(default)]
        difficulty: Option<String>,
        #[serde(default)]
        topic: Option<String>,
        #[serde(default)]
        surprise: bool,
    },
    Explanation {
        content: String,
    },
    CodeSubmission {
        code: String,
        #[serde(default = "default_language")]
        language: String,
    },
    Message {
        content: String,
    },
    /// The seed sends `content: {}`; it carries nothing.
    EndSession {},
    Hint {},
    Retry {},
    /// Extension: run code (the last submission's when absent) on the problem's tests,
    /// or on `custom_input` (a JSON object of the arguments, as text or as JSON).
    RunCode {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        language: Option<String>,
        #[serde(default)]
        custom_input: Option<serde_json::Value>,
    },
}

fn default_language() -> String {
    "python".to_string()
}

/// A parsed message and its optional client id (an extension: the idempotency key).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientMessage {
    pub inbound: Inbound,
    pub id: Option<String>,
}

/// Parse one text frame; the error is fit to show the client.
pub fn parse(text: &str) -> Result<ClientMessage, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| "Invalid JSON: each message must be a JSON object.")?;
    let Some(kind) = value.get("type").and_then(|t| t.as_str()) else {
        return Err("Invalid message: a `type` field is required.".to_string());
    };
    const KNOWN: [&str; 8] = [
        "problem_description",
        "explanation",
        "code_submission",
        "message",
        "end_session",
        "hint",
        "retry",
        "run_code",
    ];
    if !KNOWN.contains(&kind) {
        let shown: String = kind.chars().take(40).collect();
        return Err(format!("Unknown message type: {shown}"));
    }
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) if !s.is_empty() && s.len() <= MAX_ID_LEN => {
            Some(s.clone())
        }
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let inbound = Inbound::deserialize(&value).map_err(|e| {
        let why = e.to_string();
        let why: String = why.chars().take(120).collect();
        format!("Invalid {kind} message: {why}")
    })?;
    Ok(ClientMessage { inbound, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_messages_parse() {
        let m = parse(r#"{"type":"problem_description","content":"Two Sum"}"#).unwrap();
        assert_eq!(
            m.inbound,
            Inbound::ProblemDescription {
                content: "Two Sum".into(),
                problem_id: None,
                difficulty: None,
                topic: None,
                surprise: false,
            }
        );
        let m = parse(r#"{"type":"code_submission","code":"x=1","language":"python"}"#).unwrap();
        assert!(matches!(m.inbound, Inbound::CodeSubmission { .. }));
        let m = parse(r#"{"type":"end_session","content":{}}"#).unwrap();
        assert_eq!(m.inbound, Inbound::EndSession {});
        let m = parse(r#"{"type":"hint","id":"m-1"}"#).unwrap();
        assert_eq!(m.id.as_deref(), Some("m-1"));
    }

    #[test]
    fn malformed_messages_are_refused_with_a_reason() {
        assert!(parse("{not json").unwrap_err().contains("Invalid JSON"));
        assert!(parse(r#"{"content":"x"}"#).unwrap_err().contains("type"));
        assert!(
            parse(r#"{"type":"explode"}"#)
                .unwrap_err()
                .contains("Unknown")
        );
        assert!(parse(r#"{"type":"message","content":5}"#).is_err());
        assert!(parse(r#"{"type":"code_submission"}"#).is_err());
    }

    #[test]
    fn frames_carry_their_type_tag() {
        let f = Frame::ReplayDone.to_json();
        assert_eq!(f, r#"{"type":"replay_done"}"#);
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let f = Frame::error("slow down", at).to_json();
        assert_eq!(
            f,
            r#"{"type":"error","message":"slow down","timestamp":"2026-11-20T18:00:00Z"}"#
        );
    }
}
