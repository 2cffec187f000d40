//! The Anthropic Messages API (`POST {base}/v1/messages`), plain and streamed.
//!
//! A thin translation between [`LlmRequest`]/[`LlmResponse`] and Anthropic's wire format,
//! one attempt per call. It must never retry on its own, never log request or response
//! bodies, and never let the API key reach an error or `Debug` output.

use super::{
    ErrorBody, LlmClient, LlmError, LlmRequest, LlmResponse, LlmUsage, Role, TextBlock, elapsed_ms,
    header_text, http_client, pick_call, sse::SseEvent, sse::read_events, transport_error,
};
use crate::config::Secret;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::time::Instant;

pub const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";

#[derive(Debug)]
pub struct AnthropicClient {
    /// Built once; `Err` only if the TLS backend failed to start, reported on each call.
    http: Result<reqwest::Client, String>,
    api_key: Secret,
    base_url: String,
    model: String,
}

impl AnthropicClient {
    /// `timeout` bounds each request, streamed body included (a `Duration`), or also its
    /// connecting and its silences ([`super::HttpTimeouts`]); an empty `model` means
    /// [`DEFAULT_MODEL`].
    pub fn new(
        api_key: Secret,
        base_url: String,
        model: String,
        timeout: impl Into<super::HttpTimeouts>,
    ) -> Self {
        let model = if model.is_empty() {
            DEFAULT_MODEL.to_string()
        } else {
            model
        };
        AnthropicClient {
            http: http_client(timeout.into()),
            api_key,
            base_url: base_url.trim_end_matches('/').to_string(),
            model,
        }
    }

    /// Sends the request and returns the response once it is known to be a success.
    async fn send(&self, req: &LlmRequest, stream: bool) -> Result<reqwest::Response, LlmError> {
        let http = self
            .http
            .as_ref()
            .map_err(|e| LlmError::Network(e.clone()))?;
        let response = http
            .post(format!("{}/v1/messages", self.base_url))
            .header("x-api-key", self.api_key.expose())
            .header("anthropic-version", API_VERSION)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(self.request_body(req, stream))
            .send()
            .await
            .map_err(transport_error)?;
        if response.status().is_success() {
            return Ok(response);
        }
        let error = ErrorBody::read(response, Some(&self.api_key)).await;
        if is_spend_limit(&error) {
            return Err(LlmError::SpendLimit {
                message: error.message,
            });
        }
        Err(error.into_status_error())
    }
}

/// Billing refusals: `billing_error`, 402, or the 400/429 whose message is about credit
/// balance or usage limits. Retrying them cannot help.
fn is_spend_limit(error: &ErrorBody) -> bool {
    let message = error.message.to_lowercase();
    error.status == 402
        || error.kind == "billing_error"
        || message.contains("credit balance")
        || message.contains("usage limit")
}

#[async_trait]
impl LlmClient for AnthropicClient {
    fn provider(&self) -> &'static str {
        "anthropic"
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn request_body(&self, req: &LlmRequest, stream: bool) -> Vec<u8> {
        let tools: Vec<WireTool> = req
            .tools
            .iter()
            .map(|t| WireTool {
                name: &t.name,
                description: &t.description,
                input_schema: t.input_schema.as_ref(),
            })
            .collect();
        let tool_choice = match (&req.tool_choice, tools.is_empty()) {
            (Some(name), _) => Some(ToolChoice {
                r#type: "tool",
                name: Some(name),
            }),
            (None, false) => Some(ToolChoice {
                r#type: "none",
                name: None,
            }),
            (None, true) => None,
        };
        let body = Body {
            model: req.model_or(&self.model),
            max_tokens: req.max_tokens,
            system: blocks(&req.system),
            messages: req
                .messages
                .iter()
                .map(|m| WireMessage {
                    role: m.role,
                    content: blocks(&m.content),
                })
                .collect(),
            temperature: req.temperature,
            tools,
            tool_choice,
            stream,
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }

    async fn complete(&self, req: &LlmRequest) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let response = self.send(req, false).await?;
        let request_id = header_text(response.headers(), "request-id");
        let bytes = response.bytes().await.map_err(transport_error)?;
        let reply: Reply = serde_json::from_slice(&bytes)
            .map_err(|e| LlmError::InvalidResponse(format!("unexpected message body: {e}")))?;
        let mut usage = LlmUsage {
            model: reply
                .model
                .unwrap_or_else(|| req.model_or(&self.model).to_string()),
            latency_ms: elapsed_ms(started),
            request_id,
            ..LlmUsage::default()
        };
        reply.usage.apply(&mut usage);
        let mut text = String::new();
        let mut calls = Vec::new();
        for block in reply.content {
            match block {
                Content::Text { text: t } => text.push_str(&t),
                Content::ToolUse { name, input } => calls.push((name, input)),
                Content::Other => {}
            }
        }
        Ok(LlmResponse {
            text,
            tool_input: pick_call(calls, req.tool_choice.as_deref()),
            usage,
            stop_reason: reply.stop_reason,
        })
    }

    async fn stream(
        &self,
        req: &LlmRequest,
        on_text: &(dyn for<'t> Fn(&'t str) + Send + Sync),
    ) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let response = self.send(req, true).await?;
        let mut state = StreamState {
            usage: LlmUsage {
                model: req.model_or(&self.model).to_string(),
                request_id: header_text(response.headers(), "request-id"),
                ..LlmUsage::default()
            },
            ..StreamState::default()
        };
        read_events(response, |event| state.apply(event, on_text)).await?;
        state.usage.latency_ms = elapsed_ms(started);
        state.finish(req.tool_choice.as_deref())
    }
}

fn blocks(blocks: &[TextBlock]) -> Vec<WireBlock<'_>> {
    let ephemeral = CacheControl {
        r#type: "ephemeral",
    };
    blocks
        .iter()
        .map(|b| WireBlock {
            r#type: "text",
            text: &b.text,
            cache_control: b.cache.then_some(ephemeral),
        })
        .collect()
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    system: Vec<WireBlock<'a>>,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<ToolChoice<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
}

#[derive(Serialize)]
struct WireBlock<'a> {
    r#type: &'static str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_control: Option<CacheControl>,
}

#[derive(Serialize, Clone, Copy)]
struct CacheControl {
    r#type: &'static str,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: Role,
    content: Vec<WireBlock<'a>>,
}

#[derive(Serialize)]
struct WireTool<'a> {
    name: &'a str,
    description: &'a str,
    input_schema: &'a serde_json::Value,
}

#[derive(Serialize)]
struct ToolChoice<'a> {
    r#type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Deserialize)]
struct Reply {
    model: Option<String>,
    content: Vec<Content>,
    stop_reason: Option<String>,
    #[serde(default)]
    usage: WireUsage,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Content {
    Text {
        text: String,
    },
    ToolUse {
        name: String,
        input: serde_json::Value,
    },
    #[serde(other)]
    Other,
}

/// Usage as Anthropic reports it; a streamed `message_delta` carries only some fields.
#[derive(Deserialize, Default)]
struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    fn apply(&self, usage: &mut LlmUsage) {
        let set = |field: &mut u64, value: Option<u64>| *field = value.unwrap_or(*field);
        set(&mut usage.input_tokens, self.input_tokens);
        set(&mut usage.output_tokens, self.output_tokens);
        set(
            &mut usage.cache_write_tokens,
            self.cache_creation_input_tokens,
        );
        set(&mut usage.cache_read_tokens, self.cache_read_input_tokens);
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        message: StartedMessage,
    },
    ContentBlockStart {
        index: usize,
        content_block: Content,
    },
    ContentBlockDelta {
        index: usize,
        delta: Delta,
    },
    MessageDelta {
        delta: StopDelta,
        usage: Option<WireUsage>,
    },
    MessageStop {},
    Error {
        error: ErrorDetail,
    },
    /// `ping`, `content_block_stop`, and event types added later.
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct StartedMessage {
    model: Option<String>,
    #[serde(default)]
    usage: WireUsage,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Delta {
    #[serde(rename = "text_delta")]
    Text { text: String },
    #[serde(rename = "input_json_delta")]
    InputJson { partial_json: String },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct StopDelta {
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    r#type: String,
    message: String,
}

/// A content block being assembled from stream events.
enum Block {
    Text(String),
    /// The tool's name, the input given at `content_block_start`, and the partial JSON
    /// appended since.
    Tool(String, serde_json::Value, String),
    Other,
}

#[derive(Default)]
struct StreamState {
    blocks: Vec<Block>,
    usage: LlmUsage,
    stop_reason: Option<String>,
}

impl StreamState {
    /// Applies one event; `Ok(true)` once `message_stop` arrived.
    fn apply(
        &mut self,
        event: SseEvent,
        on_text: &(dyn Fn(&str) + Send + Sync),
    ) -> Result<bool, LlmError> {
        let event: Event = serde_json::from_str(&event.data)
            .map_err(|e| LlmError::InvalidResponse(format!("unexpected stream event: {e}")))?;
        match event {
            Event::MessageStart { message } => {
                if let Some(model) = message.model {
                    self.usage.model = model;
                }
                message.usage.apply(&mut self.usage);
            }
            Event::ContentBlockStart {
                index,
                content_block,
            } => self.start_block(index, content_block, on_text),
            Event::ContentBlockDelta { index, delta } => {
                self.extend_block(index, delta, on_text)?
            }
            Event::MessageDelta { delta, usage } => {
                self.stop_reason = delta.stop_reason.or(self.stop_reason.take());
                if let Some(usage) = usage {
                    usage.apply(&mut self.usage);
                }
            }
            Event::MessageStop {} => return Ok(true),
            Event::Error { error } => {
                return Err(LlmError::Stream(format!(
                    "{}: {}",
                    error.r#type, error.message
                )));
            }
            Event::Other => {}
        }
        Ok(false)
    }

    fn start_block(
        &mut self,
        index: usize,
        content: Content,
        on_text: &(dyn Fn(&str) + Send + Sync),
    ) {
        if self.blocks.len() <= index {
            self.blocks.resize_with(index + 1, || Block::Other);
        }
        self.blocks[index] = match content {
            Content::Text { text } => {
                if !text.is_empty() {
                    on_text(&text);
                }
                Block::Text(text)
            }
            Content::ToolUse { name, input } => Block::Tool(name, input, String::new()),
            Content::Other => Block::Other,
        };
    }

    fn extend_block(
        &mut self,
        index: usize,
        delta: Delta,
        on_text: &(dyn Fn(&str) + Send + Sync),
    ) -> Result<(), LlmError> {
        match (self.blocks.get_mut(index), delta) {
            (Some(Block::Text(text)), Delta::Text { text: more }) => {
                on_text(&more);
                text.push_str(&more);
            }
            (Some(Block::Tool(_, _, json)), Delta::InputJson { partial_json }) => {
                json.push_str(&partial_json);
            }
            (None, _) => {
                return Err(LlmError::InvalidResponse(format!(
                    "delta for unstarted block {index}"
                )));
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self, choice: Option<&str>) -> Result<LlmResponse, LlmError> {
        let mut text = String::new();
        let mut calls = Vec::new();
        for block in self.blocks {
            match block {
                Block::Text(t) => text.push_str(&t),
                Block::Tool(name, input, json) => calls.push((name, (input, json))),
                Block::Other => {}
            }
        }
        let tool_input =
            match pick_call(calls, choice) {
                Some((input, json)) if json.trim().is_empty() => Some(input),
                Some((_, json)) => Some(serde_json::from_str(&json).map_err(|e| {
                    LlmError::InvalidResponse(format!("tool input is not JSON: {e}"))
                })?),
                None => None,
            };
        Ok(LlmResponse {
            text,
            tool_input,
            usage: self.usage,
            stop_reason: self.stop_reason,
        })
    }
}
