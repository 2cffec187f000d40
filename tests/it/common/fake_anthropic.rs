//! A loopback fake of the Anthropic Messages API (wiremock) that answers like Claude:
//! a forced tool call gets a `tool_use` block, a streamed request gets SSE events, and
//! usage follows Anthropic's prompt-cache accounting (prefixes up to each
//! `cache_control` breakpoint are written once, then read). Scripted answers (errors,
//! delays, invalid tool input) are served first, in order.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

#[derive(Clone, Debug)]
pub enum Scripted {
    /// Answer the forced tool with this input.
    Tool(Value),
    /// Answer with this text.
    Text(String),
    /// Answer with this text, stopped by the request's `max_tokens`.
    Cut(String),
    /// An HTTP error with a JSON body and extra headers.
    Status(u16, Value, Vec<(String, String)>),
    /// Start a 200 stream, then send an SSE error event.
    StreamError,
    /// Wait, then answer as the default would.
    Delay(Duration),
}

#[derive(Default)]
struct State {
    script: VecDeque<Scripted>,
    cached: HashSet<u64>,
    bodies: Vec<Value>,
}

#[derive(Clone)]
pub struct FakeAnthropic {
    pub server: Arc<MockServer>,
    state: Arc<Mutex<State>>,
    /// Text every text turn answers with when nothing is scripted.
    pub default_text: Arc<Mutex<String>>,
    /// When false, cache breakpoints are ignored and every token is billed as input.
    pub caching: Arc<std::sync::atomic::AtomicBool>,
}

pub fn analysis_input(score: i64) -> Value {
    let dim = |s: i64, e: &str| json!({"score": s, "evidence": e});
    json!({
        "technical_feedback": "Sorting first makes the merge a single pass.",
        "complexity_analysis": "Time O(n log n), space O(n).",
        "code_quality": "Clear names, small function.",
        "follow_up_question": "How would you merge intervals arriving as a stream?",
        "score": score,
        "correctness": "Correct on the examples, including touching intervals.",
        "rubric": {
            "communication": dim(3, "explained the plan"),
            "problem_solving": dim(3, "found the sort-and-sweep idea"),
            "technical_competency": dim(3, "idiomatic code"),
            "testing": dim(2, "no edge cases discussed")
        }
    })
}

pub fn summary_input() -> Value {
    let dim = |s: i64| json!({"score": s, "evidence": "seen in the interview"});
    json!({
        "overall": "A correct solution with a clear plan; testing was thin.",
        "strengths": ["Clear plan before coding"],
        "improvements": ["Walk through edge cases out loud"],
        "rubric": {"communication": dim(3), "problem_solving": dim(3), "technical_competency": dim(3), "testing": dim(2)},
        "hire_signal": "lean_yes"
    })
}

impl FakeAnthropic {
    pub async fn start() -> FakeAnthropic {
        let server = Arc::new(MockServer::start().await);
        let fake = FakeAnthropic {
            server: server.clone(),
            state: Arc::new(Mutex::new(State::default())),
            default_text: Arc::new(Mutex::new(
                "Good. What is the time complexity of that?".to_string(),
            )),
            caching: Arc::new(std::sync::atomic::AtomicBool::new(true)),
        };
        Mock::given(matchers::method("POST"))
            .and(matchers::path("/v1/messages"))
            .respond_with(fake.clone())
            .mount(&server)
            .await;
        fake
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn script(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.state.lock().unwrap().script.extend(answers);
    }

    /// Forget the scripted answers not served yet.
    pub fn clear_script(&self) {
        self.state.lock().unwrap().script.clear();
    }

    /// Bodies of every request received, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.state.lock().unwrap().bodies.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().bodies.len()
    }

    /// Usage as Anthropic would report it: tokens ~ bytes / 4.
    fn usage(state: &mut State, body: &Value, caching: bool) -> Value {
        // Prefix text at every content-block boundary, and which boundaries are breakpoints.
        let mut prefix = body["tools"].to_string();
        let mut boundaries: Vec<(String, bool)> = Vec::new();
        for block in body["system"].as_array().into_iter().flatten() {
            prefix.push_str(block["text"].as_str().unwrap_or(""));
            boundaries.push((
                prefix.clone(),
                block.get("cache_control").is_some() && caching,
            ));
        }
        for message in body["messages"].as_array().into_iter().flatten() {
            prefix.push_str(message["role"].as_str().unwrap_or(""));
            for block in message["content"].as_array().into_iter().flatten() {
                prefix.push_str(block["text"].as_str().unwrap_or(""));
                boundaries.push((
                    prefix.clone(),
                    block.get("cache_control").is_some() && caching,
                ));
            }
        }
        let total = prefix.len() / 4;
        let hash = |s: &str| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        // Like Anthropic: each breakpoint looks back up to 20 block boundaries for the
        // longest cached prefix; the prefix up to each breakpoint is then cached.
        let mut read = 0;
        for (i, (_, is_bp)) in boundaries.iter().enumerate() {
            if !is_bp {
                continue;
            }
            for (p, _) in boundaries[i.saturating_sub(20)..=i].iter() {
                if state.cached.contains(&hash(p)) {
                    read = read.max(p.len() / 4);
                }
            }
        }
        let mut write_upto = read;
        for (p, is_bp) in &boundaries {
            if *is_bp && !state.cached.contains(&hash(p)) {
                state.cached.insert(hash(p));
                write_upto = write_upto.max(p.len() / 4);
            }
        }
        let write = write_upto - read;
        json!({
            "input_tokens": total - read - write,
            "output_tokens": 60,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": write
        })
    }

    fn answer(&self, body: &Value, scripted: Option<Scripted>) -> ResponseTemplate {
        let caching = self.caching.load(std::sync::atomic::Ordering::SeqCst);
        let usage = Self::usage(&mut self.state.lock().unwrap(), body, caching);
        let forced = body["tool_choice"]["name"].as_str().map(str::to_string);
        let streaming = body["stream"].as_bool().unwrap_or(false);
        let text = match &scripted {
            Some(Scripted::Text(t) | Scripted::Cut(t)) => t.clone(),
            _ => self.default_text.lock().unwrap().clone(),
        };
        match scripted {
            Some(Scripted::Status(code, json_body, headers)) => {
                let mut t = ResponseTemplate::new(code).set_body_json(json_body);
                for (k, v) in headers {
                    t = t.insert_header(k.as_str(), v.as_str());
                }
                return t;
            }
            Some(Scripted::StreamError) => {
                let sse = format!(
                    "event: message_start\ndata: {}\n\nevent: content_block_start\ndata: {}\n\nevent: content_block_delta\ndata: {}\n\nevent: error\ndata: {}\n\n",
                    json!({"type": "message_start", "message": {"id": "msg_1", "model": body["model"], "usage": usage}}),
                    json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Partial answer that must never be reco"}}),
                    json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
                );
                return ResponseTemplate::new(200)
                    .insert_header("content-type", "text/event-stream")
                    .set_body_string(sse);
            }
            Some(Scripted::Delay(d)) => {
                return self.answer(body, None).set_delay(d);
            }
            _ => {}
        }
        if let Some(name) = forced {
            let input = match scripted {
                Some(Scripted::Tool(v)) => v,
                _ if name == "record_summary" => summary_input(),
                _ => analysis_input(7),
            };
            return ResponseTemplate::new(200).insert_header("request-id", "req_fake").set_body_json(json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
                "content": [{"type": "tool_use", "id": "toolu_1", "name": name, "input": input}],
                "stop_reason": "tool_use", "usage": usage
            }));
        }
        let stop_reason = match scripted {
            Some(Scripted::Cut(_)) => "max_tokens",
            _ => "end_turn",
        };
        if streaming {
            let mut sse = String::new();
            let mut ev =
                |name: &str, data: Value| sse.push_str(&format!("event: {name}\ndata: {data}\n\n"));
            ev(
                "message_start",
                json!({"type": "message_start", "message": {"id": "msg_1", "model": body["model"], "usage": usage}}),
            );
            ev(
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            );
            for piece in text.split_inclusive(' ') {
                ev(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}),
                );
            }
            ev(
                "content_block_stop",
                json!({"type": "content_block_stop", "index": 0}),
            );
            ev(
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": stop_reason}, "usage": {"output_tokens": 60}}),
            );
            ev("message_stop", json!({"type": "message_stop"}));
            return ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .insert_header("request-id", "req_fake")
                .set_body_string(sse);
        }
        ResponseTemplate::new(200).insert_header("request-id", "req_fake").set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "text", "text": text}], "stop_reason": stop_reason, "usage": usage
        }))
    }
}

impl Respond for FakeAnthropic {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let scripted = {
            let mut s = self.state.lock().unwrap();
            s.bodies.push(body.clone());
            s.script.pop_front()
        };
        self.answer(&body, scripted)
    }
}
