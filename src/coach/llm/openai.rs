//! OpenAI-compatible chat completions (`POST {base}/chat/completions`), plain and
//! streamed, so OpenAI, Ollama, llama.cpp's server or vLLM can stand in for Claude.
//!
//! A thin translation, one attempt per call. Cache breakpoints are dropped (these
//! providers cache prefixes on their own). It must never retry on its own, never log
//! request or response bodies, and never let the API key reach an error or `Debug` output.
//!
//! Structured turns (a forced tool) go out in one of two dialects ([`Structured`]): a
//! JSON schema as `response_format` (OpenAI, vLLM, Ollama and llama.cpp's server, which
//! constrains the output with a grammar, so even a tiny local model answers valid JSON),
//! or a forced function call (servers without `response_format`; llama.cpp treats the
//! object form of `tool_choice` as "auto", so there a model may simply not call it). In
//! `auto`, the schema goes first and the first refusal of it (a 400 naming
//! `response_format` or the schema) switches this client to function calls for good,
//! with the same request sent again at once. Either way the answer comes back as
//! `tool_input`, validated by the coach exactly as Claude's.
//!
//! Text turns (no forced tool) also carry the [`Sampling`] controls the operator set
//! (repetition penalties, server-specific fields), and only those: none by default.

use super::{
    ErrorBody, LlmClient, LlmError, LlmRequest, LlmResponse, LlmUsage, Role, TextBlock, elapsed_ms,
    header_text, http_client, pick_call, sampling::Penalties, sampling::Sampling, sse::SseEvent,
    sse::read_events, transport_error,
};
use crate::config::Secret;
pub use crate::config::StructuredOutput as Structured;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[derive(Debug)]
pub struct OpenAiClient {
    /// Built once; `Err` only if the TLS backend failed to start, reported on each call.
    http: Result<reqwest::Client, String>,
    /// Local servers (Ollama, llama.cpp) need none.
    api_key: Option<Secret>,
    /// Up to and including the version segment, e.g. `http://localhost:11434/v1`.
    base_url: String,
    model: String,
    structured: Structured,
    /// In `auto`: the server refused `response_format`, so function calls from now on.
    schema_refused: AtomicBool,
    /// Added to text turns only; empty unless configured.
    sampling: Sampling,
}

impl OpenAiClient {
    /// `timeout` bounds each request, streamed body included (a `Duration`), or also its
    /// connecting and its silences ([`super::HttpTimeouts`]).
    pub fn new(
        api_key: Option<Secret>,
        base_url: String,
        model: String,
        timeout: impl Into<super::HttpTimeouts>,
    ) -> Self {
        OpenAiClient {
            http: http_client(timeout.into()),
            api_key: api_key.filter(|k| !k.expose().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            model,
            structured: Structured::default(),
            schema_refused: AtomicBool::new(false),
            sampling: Sampling::default(),
        }
    }

    /// The sampling controls text turns carry (default: none).
    pub fn with_sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = sampling;
        self
    }

    /// The dialect of structured turns (default [`Structured::Auto`]).
    pub fn with_structured(mut self, structured: Structured) -> Self {
        self.structured = structured;
        self
    }

    /// Whether requests go out with a JSON schema instead of tools, now.
    fn uses_schema(&self) -> bool {
        match self.structured {
            Structured::JsonSchema => true,
            Structured::Tools => false,
            Structured::Auto => !self.schema_refused.load(Ordering::Relaxed),
        }
    }

    /// Sends the request and returns the response once it is known to be a success.
    async fn send(&self, req: &LlmRequest, stream: bool) -> Result<reqwest::Response, LlmError> {
        self.send_body(self.request_body(req, stream)).await
    }

    /// A non-streamed request. In `auto`, a refused schema switches this client to
    /// function calls and the request goes again at once. Also says whether the
    /// response answers a schema request.
    async fn send_structured(
        &self,
        req: &LlmRequest,
    ) -> Result<(reqwest::Response, bool), LlmError> {
        let schema = self.uses_schema() && req.tool_choice.is_some();
        match self
            .send_body(self.body(req, false, self.uses_schema()))
            .await
        {
            Err(e) if schema && self.structured == Structured::Auto && refuses_schema(&e) => {
                self.schema_refused.store(true, Ordering::Relaxed);
                tracing::warn!(
                    "the OpenAI-compatible server refused response_format json_schema; \
                     structured turns use function calls from now on"
                );
                let response = self.send_body(self.body(req, false, false)).await?;
                Ok((response, false))
            }
            result => result.map(|r| (r, schema)),
        }
    }

    async fn send_body(&self, body: Vec<u8>) -> Result<reqwest::Response, LlmError> {
        let http = self
            .http
            .as_ref()
            .map_err(|e| LlmError::Network(e.clone()))?;
        let mut request = http
            .post(format!("{}/chat/completions", self.base_url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let response = request.send().await.map_err(transport_error)?;
        if response.status().is_success() {
            return Ok(response);
        }
        let error = ErrorBody::read(response, self.api_key.as_ref()).await;
        let quota = |s: Option<&str>| s == Some("insufficient_quota");
        if error.status == 402 || quota(Some(&error.kind)) || quota(error.code.as_deref()) {
            return Err(LlmError::SpendLimit {
                message: error.message,
            });
        }
        Err(error.into_status_error())
    }

    /// The JSON body: with `schema`, a forced tool becomes `response_format` and no tools
    /// are sent at all (text turns then carry none either, so every turn's prefix is the
    /// same); without, the tools and `tool_choice` as Claude gets them.
    fn body(&self, req: &LlmRequest, stream: bool, schema: bool) -> Vec<u8> {
        let system = (!req.system.is_empty()).then(|| WireMessage {
            role: "system",
            content: joined(&req.system),
        });
        let turns = req.messages.iter().map(|m| WireMessage {
            role: match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            },
            content: joined(&m.content),
        });
        let response_format = req
            .tool_choice
            .as_deref()
            .filter(|_| schema)
            .and_then(|name| req.tools.iter().find(|t| t.name == name))
            .map(|t| ResponseFormat {
                r#type: "json_schema",
                json_schema: JsonSchema {
                    name: &t.name,
                    schema: t.input_schema.as_ref(),
                },
            });
        let tools: Vec<WireTool> = req
            .tools
            .iter()
            .filter(|_| !schema)
            .map(|t| WireTool {
                r#type: "function",
                function: Function {
                    name: &t.name,
                    description: Some(&t.description),
                    parameters: Some(t.input_schema.as_ref()),
                },
            })
            .collect();
        let tool_choice = match (&req.tool_choice, tools.is_empty()) {
            (Some(_), true) => None,
            (Some(name), false) => Some(WireChoice::Function(WireTool {
                r#type: "function",
                function: Function {
                    name,
                    description: None,
                    parameters: None,
                },
            })),
            (None, false) => Some(WireChoice::Mode("none")),
            (None, true) => None,
        };
        let text_turn = req.tool_choice.is_none();
        let body = Body {
            model: req.model_or(&self.model),
            messages: system.into_iter().chain(turns).collect(),
            max_tokens: req.max_tokens,
            temperature: req.temperature,
            tools,
            tool_choice,
            response_format,
            stream,
            stream_options: stream.then_some(StreamOptions {
                include_usage: true,
            }),
            penalties: if text_turn {
                self.sampling.penalties()
            } else {
                Penalties::default()
            },
        };
        if !text_turn || self.sampling.extra.is_empty() {
            return serde_json::to_vec(&body).unwrap_or_default();
        }
        // The server's own fields, after ours (a reserved key was refused at start, and
        // one of ours is never replaced).
        let mut value = serde_json::to_value(&body).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            for (key, extra) in &self.sampling.extra {
                fields.entry(key.clone()).or_insert_with(|| extra.clone());
            }
        }
        serde_json::to_vec(&value).unwrap_or_default()
    }
}

#[async_trait]
impl LlmClient for OpenAiClient {
    fn provider(&self) -> &'static str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn request_body(&self, req: &LlmRequest, stream: bool) -> Vec<u8> {
        self.body(req, stream, self.uses_schema())
    }

    async fn complete(&self, req: &LlmRequest) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let (response, schema) = self.send_structured(req).await?;
        let request_id = header_text(response.headers(), "x-request-id");
        let bytes = response.bytes().await.map_err(transport_error)?;
        let reply: Completion = serde_json::from_slice(&bytes)
            .map_err(|e| LlmError::InvalidResponse(format!("unexpected completion body: {e}")))?;
        let choice = reply.choices.into_iter().next().ok_or_else(|| {
            LlmError::InvalidResponse("the completion has no choices".to_string())
        })?;
        let message = choice.message.unwrap_or_default();
        let content = message.content.unwrap_or_default();
        let (text, tool_input) = if schema {
            // The answer is the JSON document itself; one that is not JSON goes to the
            // coach's validation as a missing answer, like a reply without a tool call.
            match json_document(&content) {
                Some(input) => (String::new(), Some(input)),
                None => (content, None),
            }
        } else {
            let calls = message.tool_calls.into_iter().map(|c| {
                let CallFunction { name, arguments } = c.function;
                (name.unwrap_or_default(), arguments.unwrap_or_default())
            });
            let arguments = pick_call(calls.collect(), req.tool_choice.as_deref());
            let input = arguments.as_deref().map(parse_arguments).transpose()?;
            (content, input)
        };
        Ok(LlmResponse {
            text,
            tool_input,
            usage: usage(
                reply.model,
                reply.usage,
                req.model_or(&self.model),
                started,
                request_id,
            ),
            stop_reason: choice.finish_reason,
        })
    }

    async fn stream(
        &self,
        req: &LlmRequest,
        on_text: &(dyn for<'t> Fn(&'t str) + Send + Sync),
    ) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let response = self.send(req, true).await?;
        let request_id = header_text(response.headers(), "x-request-id");
        let mut state = StreamState::default();
        read_events(response, |event| state.apply(event, on_text)).await?;
        let tool_input = if self.uses_schema() && req.tool_choice.is_some() {
            json_document(&state.text)
        } else {
            let arguments = pick_call(state.calls, req.tool_choice.as_deref());
            arguments.as_deref().map(parse_arguments).transpose()?
        };
        let model = req.model_or(&self.model);
        Ok(LlmResponse {
            text: state.text,
            tool_input,
            usage: usage(state.model, state.usage, model, started, request_id),
            stop_reason: state.finish_reason,
        })
    }
}

/// OpenAI messages carry one string, so blocks are joined by a blank line.
fn joined(blocks: &[TextBlock]) -> String {
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    texts.join("\n\n")
}

/// The forced call's `arguments`, a JSON document inside a string (empty means `{}`).
fn parse_arguments(arguments: &str) -> Result<serde_json::Value, LlmError> {
    if arguments.trim().is_empty() {
        return Ok(serde_json::json!({}));
    }
    serde_json::from_str(arguments)
        .map_err(|e| LlmError::InvalidResponse(format!("tool arguments are not JSON: {e}")))
}

/// A 400 that names what a server without structured outputs says it does not know.
fn refuses_schema(e: &LlmError) -> bool {
    match e {
        LlmError::Status {
            status: 400 | 422,
            message,
            kind,
            ..
        } => {
            let said = format!("{kind} {message}").to_ascii_lowercase();
            ["response_format", "json_schema", "schema"]
                .iter()
                .any(|w| said.contains(w))
        }
        _ => false,
    }
}

/// The JSON object a schema-constrained answer is: the whole content, or the one inside
/// a Markdown fence some servers wrap it in. `None` when it is not an object.
fn json_document(content: &str) -> Option<serde_json::Value> {
    let trimmed = content.trim();
    let inner = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .unwrap_or(trimmed);
    serde_json::from_str::<serde_json::Value>(inner.trim())
        .ok()
        .filter(serde_json::Value::is_object)
}

/// Cached prompt tokens are moved out of `input_tokens`, which then means uncached input
/// as it does for Anthropic.
fn usage(
    reported_model: Option<String>,
    wire: Option<WireUsage>,
    model: &str,
    started: Instant,
    request_id: Option<String>,
) -> LlmUsage {
    let wire = wire.unwrap_or_default();
    let cached = wire
        .prompt_tokens_details
        .and_then(|d| d.cached_tokens)
        .unwrap_or(0);
    LlmUsage {
        model: reported_model.unwrap_or_else(|| model.to_string()),
        input_tokens: wire.prompt_tokens.saturating_sub(cached),
        output_tokens: wire.completion_tokens,
        cache_read_tokens: cached,
        cache_write_tokens: 0,
        latency_ms: elapsed_ms(started),
        request_id,
        retries: 0,
    }
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<WireChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
    #[serde(flatten)]
    penalties: Penalties,
}

/// `{"type": "json_schema", "json_schema": {"name": .., "schema": ..}}`.
#[derive(Serialize)]
struct ResponseFormat<'a> {
    r#type: &'static str,
    json_schema: JsonSchema<'a>,
}

#[derive(Serialize)]
struct JsonSchema<'a> {
    name: &'a str,
    schema: &'a serde_json::Value,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'a str,
    content: String,
}

/// `"none"`, or the one function the model must call.
#[derive(Serialize)]
#[serde(untagged)]
enum WireChoice<'a> {
    Mode(&'static str),
    Function(WireTool<'a>),
}

#[derive(Serialize)]
struct WireTool<'a> {
    r#type: &'static str,
    function: Function<'a>,
}

#[derive(Serialize)]
struct Function<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Deserialize)]
struct Completion {
    model: Option<String>,
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<ReplyMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct ReplyMessage {
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCall>,
}

#[derive(Deserialize)]
struct ToolCall {
    #[serde(default)]
    index: usize,
    #[serde(default)]
    function: CallFunction,
}

#[derive(Deserialize, Default)]
struct CallFunction {
    name: Option<String>,
    arguments: Option<String>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

/// One streamed chunk: deltas, the usage chunk, or an error.
#[derive(Deserialize)]
struct Chunk {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    usage: Option<WireUsage>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: ReplyMessage,
    finish_reason: Option<String>,
}

#[derive(Default)]
struct StreamState {
    text: String,
    /// Each tool call's name and argument fragments, joined, by call index.
    calls: Vec<(String, String)>,
    model: Option<String>,
    usage: Option<WireUsage>,
    finish_reason: Option<String>,
}

impl StreamState {
    /// Applies one event; `Ok(true)` at `data: [DONE]`.
    fn apply(
        &mut self,
        event: SseEvent,
        on_text: &(dyn Fn(&str) + Send + Sync),
    ) -> Result<bool, LlmError> {
        if event.data.trim() == "[DONE]" {
            return Ok(true);
        }
        if event.event.as_deref() == Some("error") {
            let error: serde_json::Value =
                serde_json::from_str(&event.data).unwrap_or(serde_json::Value::String(event.data));
            let inner = error.get("error").unwrap_or(&error);
            return Err(LlmError::Stream(stream_error_text(inner)));
        }
        let chunk: Chunk = serde_json::from_str(&event.data)
            .map_err(|e| LlmError::InvalidResponse(format!("unexpected stream chunk: {e}")))?;
        if let Some(error) = chunk.error {
            return Err(LlmError::Stream(stream_error_text(&error)));
        }
        self.model = chunk.model.or(self.model.take());
        self.usage = chunk.usage.or(self.usage.take());
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                on_text(&text);
                self.text.push_str(&text);
            }
            for call in choice.delta.tool_calls {
                if self.calls.len() <= call.index {
                    self.calls.resize(call.index + 1, Default::default());
                }
                let (name, arguments) = &mut self.calls[call.index];
                name.push_str(call.function.name.as_deref().unwrap_or(""));
                arguments.push_str(call.function.arguments.as_deref().unwrap_or(""));
            }
            self.finish_reason = choice.finish_reason.or(self.finish_reason.take());
        }
        Ok(false)
    }
}

/// `{"message": .., "type": ..}` or a bare string, as the various servers send it.
fn stream_error_text(error: &serde_json::Value) -> String {
    match error {
        serde_json::Value::String(s) => s.clone(),
        _ => {
            let field = |name: &str| error[name].as_str().unwrap_or("").to_string();
            let (kind, message) = (field("type"), field("message"));
            match (kind.is_empty(), message.is_empty()) {
                (_, true) => "the provider reported an error mid-stream".to_string(),
                (true, false) => message,
                (false, false) => format!("{kind}: {message}"),
            }
        }
    }
}
