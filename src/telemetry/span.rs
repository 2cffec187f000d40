//! The span every piece of work on one interview runs in: the engine's execute, a coach
//! turn, a delivery to a chat platform. Its fields name the interview (stream id,
//! platform, interview id once known) and the operation, so a log shipper can gather one
//! interview's lines across instances. Fields never hold message text, code or secrets.

use std::fmt::Display;
use tracing::Span;

/// A span for `op` (`execute`, `coach_turn`, `delivery`) on `stream`; the interview id
/// is recorded with [`record_interview`] once it is known.
pub fn interview(op: &'static str, stream: &str, platform: &'static str) -> Span {
    tracing::info_span!(
        "interview",
        op,
        stream = %stream,
        platform,
        interview = tracing::field::Empty
    )
}

/// Names the interview of `span` (a uuid), when it is known.
pub fn record_interview(span: &Span, interview_id: &impl Display) {
    span.record("interview", tracing::field::display(interview_id));
}
