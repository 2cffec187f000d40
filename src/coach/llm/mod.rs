//! The LLM boundary: provider-neutral request and response types, the [`LlmClient`]
//! trait, [`LlmError`], and the HTTP plumbing both providers share.
//!
//! Nothing here knows about interviews or platforms, and nothing here may ever put an API
//! key into an error, a log line or `Debug` output: keys live in [`Secret`], transport
//! errors are stripped of their URL, and provider messages are scrubbed of the key.

pub mod anthropic;
pub mod metered;
pub mod openai;
pub mod retry;
pub mod sampling;
pub mod sse;

pub use crate::domain::LlmUsage;
pub use anthropic::AnthropicClient;
pub use metered::Metered;
pub use openai::OpenAiClient;
pub use retry::{
    Attempted, Budget, RetryPolicy, Sleeper, TokioSleeper, with_retries, with_retries_within,
};
pub use sampling::Sampling;

use crate::config::Secret;
use crate::domain::FailureKind;
use async_trait::async_trait;
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// A piece of prompt text. `cache: true` puts a cache breakpoint after this block, so
/// everything up to and including it can be re-read from the provider's prompt cache.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBlock {
    pub text: String,
    pub cache: bool,
}

impl TextBlock {
    pub fn new(text: impl Into<String>) -> TextBlock {
        TextBlock {
            text: text.into(),
            cache: false,
        }
    }

    /// A block followed by a cache breakpoint.
    pub fn cached(text: impl Into<String>) -> TextBlock {
        TextBlock {
            text: text.into(),
            cache: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: Role,
    pub content: Vec<TextBlock>,
}

impl Message {
    pub fn user(text: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: vec![TextBlock::new(text)],
        }
    }

    pub fn assistant(text: impl Into<String>) -> Message {
        Message {
            role: Role::Assistant,
            content: vec![TextBlock::new(text)],
        }
    }
}

/// A tool the model can be forced to call; its input must match `input_schema`. The
/// schema is shared (`Arc`): every request carries the same tools, built once.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub input_schema: std::sync::Arc<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LlmRequest {
    /// The model to ask; empty means the client's configured model.
    pub model: String,
    pub system: Vec<TextBlock>,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
    pub temperature: Option<f32>,
    /// The tools the model is shown. Send the same list every turn: tool definitions
    /// open the cached prefix, so changing them would re-bill the whole prompt.
    pub tools: Vec<ToolSpec>,
    /// The name of the tool the model is forced to call. `None` with tools present
    /// forbids tool calls, so the answer is text.
    pub tool_choice: Option<String>,
}

impl LlmRequest {
    /// The model this request goes to: its own, or `default` when it names none.
    pub fn model_or<'a>(&'a self, default: &'a str) -> &'a str {
        if self.model.is_empty() {
            default
        } else {
            &self.model
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LlmResponse {
    /// All text blocks, concatenated.
    pub text: String,
    /// The forced tool call's input (the call to `tool_choice`, else the first call).
    pub tool_input: Option<serde_json::Value>,
    pub usage: LlmUsage,
    pub stop_reason: Option<String>,
}

/// Why an LLM call failed. Callers branch on [`LlmError::retryable`]; the candidate sees
/// [`LlmError::user_message`]; operators see `Display`, which never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error("no LLM is configured: set ANTHROPIC_API_KEY (or OPENAI_BASE_URL)")]
    NotConfigured { variable: &'static str },
    #[error("the LLM provider answered {status} ({kind}): {message}")]
    Status {
        status: u16,
        /// The provider's error type, e.g. `overloaded_error` or `rate_limit_exceeded`.
        kind: String,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the LLM account's spend limit is reached: {message}")]
    SpendLimit { message: String },
    #[error("could not reach the LLM provider: {0}")]
    Network(String),
    #[error("the LLM provider did not answer in time")]
    Timeout,
    #[error("the LLM stream failed after it started: {0}")]
    Stream(String),
    #[error("the LLM provider's response could not be read: {0}")]
    InvalidResponse(String),
}

impl LlmError {
    /// Whether the same request may succeed later: overload, rate limits, server errors
    /// and broken connections. Spend limits and other refusals are final.
    pub fn retryable(&self) -> bool {
        match self {
            LlmError::Status { status, .. } => {
                matches!(status, 408 | 409 | 429) || (500..=599).contains(status)
            }
            LlmError::Network(_) | LlmError::Timeout | LlmError::Stream(_) => true,
            LlmError::NotConfigured { .. }
            | LlmError::SpendLimit { .. }
            | LlmError::InvalidResponse(_) => false,
        }
    }

    /// How long the provider asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Text fit for the candidate: no secrets, no provider internals.
    pub fn user_message(&self) -> String {
        let text = match self {
            LlmError::NotConfigured { .. } => {
                "The coach is not set up yet: an operator needs to set ANTHROPIC_API_KEY (or OPENAI_BASE_URL)."
            }
            LlmError::SpendLimit { .. } => {
                "The coach's AI account has reached its spend limit; an operator needs to top it up."
            }
            LlmError::Status {
                status: 401 | 403, ..
            } => {
                "The coach's AI provider refused its credentials; an operator needs to check the API key."
            }
            LlmError::Status { status: 429, .. } => {
                "The coach is being rate-limited right now. Please try again in a minute."
            }
            LlmError::Status { .. } if self.retryable() => {
                "The coach's AI provider is overloaded or unavailable. Please try again in a minute."
            }
            LlmError::Status { .. } => "The coach's AI provider rejected the request.",
            LlmError::Network(_) => {
                "The coach could not reach its AI provider. Please try again in a minute."
            }
            LlmError::Timeout => {
                "The coach's AI provider took too long to answer. Please try again."
            }
            LlmError::Stream(_) => "The coach's answer was cut off. Please try again.",
            LlmError::InvalidResponse(_) => {
                "The coach's AI provider sent an answer that could not be read. Please try again."
            }
        };
        text.to_string()
    }

    /// The domain's classification, for a `CoachFailed` event.
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            LlmError::NotConfigured { .. } => FailureKind::NotConfigured,
            LlmError::SpendLimit { .. } => FailureKind::Rejected,
            LlmError::Status { .. } if !self.retryable() => FailureKind::Rejected,
            LlmError::InvalidResponse(_) => FailureKind::InvalidResponse,
            _ => FailureKind::Unavailable,
        }
    }
}

/// A chat model behind HTTP. Implementations are thin: they translate [`LlmRequest`] to a
/// wire format and back, and make exactly one attempt per call (see [`with_retries`]).
#[async_trait]
pub trait LlmClient: Send + Sync {
    fn provider(&self) -> &'static str;
    fn model(&self) -> &str;
    /// The exact JSON body that would be sent (tests hash it; must be deterministic:
    /// same request -> byte-identical bytes).
    fn request_body(&self, req: &LlmRequest, stream: bool) -> Vec<u8>;
    /// One attempt, no retries.
    async fn complete(&self, req: &LlmRequest) -> Result<LlmResponse, LlmError>;
    /// One streamed attempt: calls `on_text` for each text delta as it arrives and
    /// returns the full response at the end. Any error (including an SSE `error` event or
    /// a connection cut before the final event) returns `Err`; text already passed to
    /// `on_text` must then be discarded by the caller.
    ///
    /// (`for<'t>` is spelled out: `async_trait` would otherwise pin the elided lifetime
    /// of `Fn(&str)` to the call, and deltas could not be passed to it.)
    async fn stream(
        &self,
        req: &LlmRequest,
        on_text: &(dyn for<'t> Fn(&'t str) + Send + Sync),
    ) -> Result<LlmResponse, LlmError>;
}

/// The bounds on one request to a provider. Each one that is hit is a
/// [`LlmError::Timeout`], which the retry path tries again within the turn's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTimeouts {
    /// The whole request, streamed body included.
    pub request: Duration,
    /// Opening the connection (TCP and TLS).
    pub connect: Duration,
    /// The longest wait for the next byte of the answer (a stalled stream).
    pub idle: Duration,
}

impl From<Duration> for HttpTimeouts {
    /// Only the whole request bounded by `request`; connecting takes at most 10 s of it.
    fn from(request: Duration) -> HttpTimeouts {
        HttpTimeouts {
            request,
            connect: crate::config::connect_timeout(request),
            idle: request,
        }
    }
}

/// The HTTP client both providers use, with `timeouts`.
pub(crate) fn http_client(timeouts: HttpTimeouts) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeouts.request)
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.idle)
        .user_agent(concat!("interview-coach/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(describe)
}

/// A failure to send the request or to read its response.
pub(crate) fn transport_error(err: reqwest::Error) -> LlmError {
    if err.is_timeout() {
        LlmError::Timeout
    } else {
        LlmError::Network(describe(err))
    }
}

/// A failure while reading a stream the provider had already accepted.
pub(crate) fn stream_error(err: reqwest::Error) -> LlmError {
    if err.is_timeout() {
        LlmError::Timeout
    } else {
        LlmError::Stream(describe(err))
    }
}

/// The error and its causes on one line, without the URL (it could carry credentials).
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A provider's error answer, read from a non-2xx response.
#[derive(Debug)]
pub(crate) struct ErrorBody {
    pub status: u16,
    /// `error.type` (or `error.code`), else `"unknown"`.
    pub kind: String,
    pub code: Option<String>,
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl ErrorBody {
    /// Reads the response; `secret` is scrubbed from the message in case it was echoed.
    pub async fn read(response: reqwest::Response, secret: Option<&Secret>) -> ErrorBody {
        let status = response.status();
        let retry_after = retry::parse_retry_after(response.headers(), chrono::Utc::now());
        let text = response.text().await.unwrap_or_default();
        let mut body = ErrorBody::parse(status.as_u16(), &text);
        body.retry_after = retry_after;
        if body.message.is_empty() {
            body.message = status.canonical_reason().unwrap_or("error").to_string();
        }
        if let Some(secret) = secret.map(Secret::expose).filter(|s| !s.is_empty()) {
            body.message = body.message.replace(secret, "[redacted]");
        }
        body
    }

    /// Understands `{"error": {"type", "message", "code"}}` (Anthropic, OpenAI, vLLM) and
    /// `{"error": "text"}` (Ollama); anything else keeps a short prefix of the text.
    fn parse(status: u16, text: &str) -> ErrorBody {
        let json: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let error = &json["error"];
        let field = |name: &str| error[name].as_str().map(str::to_string);
        let code = field("code");
        let kind = field("type")
            .or_else(|| code.clone())
            .unwrap_or_else(|| "unknown".into());
        let message = match error {
            serde_json::Value::String(s) => s.clone(),
            _ => field("message").unwrap_or_else(|| text.trim().chars().take(300).collect()),
        };
        ErrorBody {
            status,
            kind,
            code,
            message,
            retry_after: None,
        }
    }

    pub fn into_status_error(self) -> LlmError {
        LlmError::Status {
            status: self.status,
            kind: self.kind,
            message: self.message,
            retry_after: self.retry_after,
        }
    }
}

/// Of the tool calls `(name, input)` in a reply, the one to `choice`, else the first.
pub(crate) fn pick_call<T>(calls: Vec<(String, T)>, choice: Option<&str>) -> Option<T> {
    let index = choice.and_then(|c| calls.iter().position(|(name, _)| name == c));
    calls
        .into_iter()
        .nth(index.unwrap_or(0))
        .map(|(_, input)| input)
}

/// Milliseconds since `started`, for [`LlmUsage::latency_ms`].
pub(crate) fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The named response header as text, e.g. a request id.
pub(crate) fn header_text(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overload_and_rate_limits_are_retryable_but_refusals_are_not() {
        let status = |status| LlmError::Status {
            status,
            kind: "x".into(),
            message: "m".into(),
            retry_after: None,
        };
        for code in [408, 409, 429, 500, 502, 503, 529] {
            assert!(status(code).retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 413, 422] {
            assert!(!status(code).retryable(), "{code}");
        }
        assert!(
            !LlmError::SpendLimit {
                message: "m".into()
            }
            .retryable()
        );
        assert!(LlmError::Timeout.retryable());
    }

    #[test]
    fn error_bodies_of_both_providers_and_ollama_are_understood() {
        let anthropic = ErrorBody::parse(
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        );
        assert_eq!(
            (anthropic.kind.as_str(), anthropic.message.as_str()),
            ("overloaded_error", "Overloaded")
        );
        let openai = ErrorBody::parse(
            429,
            r#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
        );
        assert_eq!(openai.code.as_deref(), Some("insufficient_quota"));
        let ollama = ErrorBody::parse(404, r#"{"error":"model 'x' not found"}"#);
        assert_eq!(ollama.message, "model 'x' not found");
        let html = ErrorBody::parse(502, "<html>Bad gateway</html>");
        assert_eq!(
            (html.kind.as_str(), html.message.as_str()),
            ("unknown", "<html>Bad gateway</html>")
        );
    }

    #[test]
    fn the_call_to_the_forced_tool_is_picked_else_the_first() {
        let calls = || vec![("a".to_string(), 1), ("b".to_string(), 2)];
        assert_eq!(pick_call(calls(), Some("b")), Some(2));
        assert_eq!(pick_call(calls(), None), Some(1));
        assert_eq!(pick_call(calls(), Some("c")), Some(1));
        assert_eq!(pick_call(Vec::<(String, u8)>::new(), Some("a")), None);
    }

    #[test]
    fn user_messages_never_repeat_provider_text() {
        let err = LlmError::Status {
            status: 400,
            kind: "invalid_request_error".into(),
            message: "secret-ish detail".into(),
            retry_after: None,
        };
        assert!(!err.user_message().contains("secret-ish"));
        assert_eq!(err.failure_kind(), FailureKind::Rejected);
    }
}
