//! A fake Anthropic Messages API on loopback (wiremock) that answers by reading the
//! request: a forced `record_analysis` / `record_summary` tool call gets a valid tool
//! input, anything else a text reply that echoes the last user text together with XSS
//! payloads (so the browser test proves model text renders inert). `"stream": true`
//! gets Server-Sent Events. Latency and the analysis delay can be changed while running.
//! The `[fail]` switch (as in the page's TEST FAKE server): once armed, the next requests
//! whose body contains `[fail]` are answered "overloaded" (529), so the coach fails the
//! turn and the page's Retry brings the answer.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Markup a model might produce; the page must show it as text.
pub const MODEL_XSS: &str = "<script>window.__xss=1</script> <img src=x onerror=\"window.__xss=1\"> [click](javascript:alert(1)) <a href=\"javascript:window.__xss=1\">link</a> ![logo](https://example.com/logo.png)";

#[derive(Default)]
struct Knobs {
    /// Every answer waits this long (ms).
    latency_ms: AtomicU64,
    /// Analyses wait this long on top (ms).
    analysis_delay_ms: AtomicU64,
    calls: AtomicUsize,
    analyses: AtomicUsize,
    /// `[fail]` requests still to refuse.
    fail_switch: AtomicUsize,
    /// The body of the latest analysis request.
    last_analysis: std::sync::Mutex<String>,
}

/// A running fake; dropping it stops the server.
pub struct FakeClaude {
    pub server: MockServer,
    knobs: Arc<Knobs>,
}

struct Responder(Arc<Knobs>);

impl FakeClaude {
    pub async fn start() -> FakeClaude {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let knobs = Arc::new(Knobs::default());
        Mock::given(method("POST"))
            .and(path("/v1/messages"))
            .respond_with(Responder(knobs.clone()))
            .mount(&server)
            .await;
        FakeClaude { server, knobs }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Flags that point the app's coach at this fake (no cooldown).
    pub fn flags(&self) -> Vec<String> {
        [
            "--anthropic-api-key",
            "fake-key",
            "--anthropic-base-url",
            &self.url(),
            "--anthropic-model",
            "claude-fake",
            "--coach-cooldown-seconds",
            "0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    pub fn set_latency(&self, d: Duration) {
        self.knobs
            .latency_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn set_analysis_delay(&self, d: Duration) {
        self.knobs
            .analysis_delay_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Refuse the next `n` requests that mention `[fail]` with 529 overloaded.
    pub fn arm_fail_switch(&self, n: usize) {
        self.knobs.fail_switch.store(n, Ordering::SeqCst);
    }

    /// Requests answered (or being answered) so far.
    pub fn calls(&self) -> usize {
        self.knobs.calls.load(Ordering::SeqCst)
    }

    pub fn analyses(&self) -> usize {
        self.knobs.analyses.load(Ordering::SeqCst)
    }

    /// The body of the latest analysis request ("" before any).
    pub fn last_analysis_request(&self) -> String {
        self.knobs
            .last_analysis
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.calls.fetch_add(1, Ordering::SeqCst);
        let mentions_fail = String::from_utf8_lossy(&request.body).contains("[fail]");
        let take = |n: usize| n.checked_sub(1);
        if mentions_fail
            && self
                .0
                .fail_switch
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, take)
                .is_ok()
        {
            return ResponseTemplate::new(529).set_body_json(
                json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            );
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let streamed = body["stream"] == true;
        let forced = body["tool_choice"]["name"].as_str().map(str::to_string);
        let mut delay = self.0.latency_ms.load(Ordering::SeqCst);
        let content = match forced.as_deref() {
            Some(name @ "record_analysis") => {
                self.0.analyses.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut last) = self.0.last_analysis.lock() {
                    *last = String::from_utf8_lossy(&request.body).into_owned();
                }
                delay += self.0.analysis_delay_ms.load(Ordering::SeqCst);
                Block::Tool(name.to_string(), analysis())
            }
            Some(name @ "record_summary") => Block::Tool(name.to_string(), summary()),
            Some(other) => Block::Tool(other.to_string(), json!({})),
            None => Block::Text(reply_text(&body)),
        };
        let template = if streamed {
            ResponseTemplate::new(200).set_body_raw(sse(&content), "text/event-stream")
        } else {
            ResponseTemplate::new(200).set_body_json(message(&content))
        };
        template
            .insert_header("request-id", "req_fake")
            .set_delay(Duration::from_millis(delay))
    }
}

enum Block {
    Text(String),
    Tool(String, Value),
}

fn rubric() -> Value {
    let dim = |score: u8, evidence: &str| json!({"score": score, "evidence": evidence});
    json!({
        "communication": dim(3, "Explained the plan before coding."),
        "problem_solving": dim(3, "Found the hash-map idea."),
        "technical_competency": dim(3, "Idiomatic code."),
        "testing": dim(2, "Did not test empty input."),
    })
}

fn analysis() -> Value {
    json!({
        "technical_feedback": format!("A single pass with a hash map is right. Model markup stays text: {MODEL_XSS}"),
        "complexity_analysis": "Time O(n), space O(n).",
        "code_quality": "Clear names and a compact loop.",
        "follow_up_question": "What changes if the array is sorted?",
        "score": 7,
        "correctness": "Correct on the examples.",
        "rubric": rubric(),
    })
}

fn summary() -> Value {
    json!({
        "overall": format!("A solid session with a clear plan and a correct solution. {MODEL_XSS}"),
        "strengths": ["Clear explanation before coding"],
        "improvements": ["Test edge cases out loud"],
        "rubric": rubric(),
        "hire_signal": "lean_yes",
    })
}

/// The last user text of the request, shortened, echoed with model markup.
fn reply_text(body: &Value) -> String {
    let last_user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .map(|m| match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(blocks) => blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        })
        .unwrap_or_default();
    let tail: String = last_user
        .chars()
        .rev()
        .take(300)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!(
        "Thanks. Here is what I heard:\n{tail}\n\nModel markup stays text: {MODEL_XSS}\n\nWhat would you test first?"
    )
}

fn usage() -> Value {
    json!({"input_tokens": 120, "output_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
}

fn message(content: &Block) -> Value {
    let (block, stop) = match content {
        Block::Text(t) => (json!({"type": "text", "text": t}), "end_turn"),
        Block::Tool(name, input) => (
            json!({"type": "tool_use", "id": "toolu_fake", "name": name, "input": input}),
            "tool_use",
        ),
    };
    json!({
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-fake",
        "content": [block], "stop_reason": stop, "usage": usage(),
    })
}

fn sse(content: &Block) -> String {
    let mut events = vec![json!({"type": "message_start", "message": {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-fake",
        "content": [], "usage": usage()}})];
    let stop = match content {
        Block::Text(text) => {
            events.push(json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}));
            let chars: Vec<char> = text.chars().collect();
            for piece in chars.chunks(40) {
                let piece: String = piece.iter().collect();
                events.push(json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}));
            }
            "end_turn"
        }
        Block::Tool(name, input) => {
            events.push(json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_fake", "name": name, "input": {}}}));
            let text = input.to_string();
            let mid = text.len() / 2;
            let mid = (mid..text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(text.len());
            for part in [&text[..mid], &text[mid..]] {
                events.push(json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": part}}));
            }
            "tool_use"
        }
    };
    events.push(json!({"type": "content_block_stop", "index": 0}));
    events.push(json!({"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": 40}}));
    events.push(json!({"type": "message_stop"}));
    events
        .iter()
        .map(|e| {
            format!(
                "event: {}\ndata: {e}\n\n",
                e["type"].as_str().unwrap_or("ping")
            )
        })
        .collect()
}
