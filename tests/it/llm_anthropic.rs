//! The Anthropic client against a mock Messages API on loopback: headers, the exact body
//! (cache breakpoints, forced tool), plain and streamed parsing, errors after the 200,
//! retries through `with_retries` with a recording sleeper, timeouts, and secrecy.

use crate::common::sleeper;

use interview_coach::coach::llm::{
    AnthropicClient, LlmClient, LlmError, LlmRequest, Message, RetryPolicy, Role, TextBlock,
    ToolSpec, with_retries,
};
use interview_coach::config::Secret;
use serde_json::{Value, json};
use sleeper::RecordingSleeper;
use std::sync::Mutex;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-ant-test-0123456789";

fn client(server: &MockServer) -> AnthropicClient {
    client_with_timeout(server, Duration::from_secs(5))
}

fn client_with_timeout(server: &MockServer, timeout: Duration) -> AnthropicClient {
    AnthropicClient::new(Secret::new(KEY), server.uri(), String::new(), timeout)
}

fn request() -> LlmRequest {
    LlmRequest {
        model: String::new(),
        system: vec![
            TextBlock::new("You are an interviewer."),
            TextBlock::cached("Problem: two-sum."),
        ],
        messages: vec![
            Message::user("I'd use a hash map."),
            Message {
                role: Role::Assistant,
                content: vec![TextBlock::cached("Why a hash map?")],
            },
            Message::user("O(1) lookups."),
        ],
        max_tokens: 512,
        temperature: Some(0.5),
        tools: vec![
            ToolSpec {
                name: "record_analysis".into(),
                description: "Record the analysis.".into(),
                input_schema: json!({"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}).into(),
            },
            ToolSpec {
                name: "record_summary".into(),
                description: "Record the summary.".into(),
                input_schema: json!({"type": "object"}).into(),
            },
        ],
        tool_choice: Some("record_analysis".into()),
    }
}

fn reply() -> Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "text", "text": "Good. "},
            {"type": "tool_use", "id": "toolu_1", "name": "record_analysis", "input": {"score": 3}},
            {"type": "text", "text": "Next question."}
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 20, "output_tokens": 30, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000}
    })
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(reply())
}

fn error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"type": "error", "error": {"type": kind, "message": message}}))
}

fn sse(events: &[(&str, Value)]) -> ResponseTemplate {
    let body: String = events
        .iter()
        .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n"))
        .collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

fn stream_events() -> Vec<(&'static str, Value)> {
    let delta = |index: u32, delta: Value| {
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": index, "delta": delta}),
        )
    };
    vec![
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_1", "model": "claude-sonnet-4-5-20250929", "content": [],
            "usage": {"input_tokens": 12, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        ("ping", json!({"type": "ping"})),
        delta(0, json!({"type": "text_delta", "text": "Hello"})),
        delta(0, json!({"type": "text_delta", "text": ", world"})),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 1,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "record_analysis", "input": {}}}),
        ),
        delta(
            1,
            json!({"type": "input_json_delta", "partial_json": "{\"score\": "}),
        ),
        delta(
            1,
            json!({"type": "input_json_delta", "partial_json": "3, \"notes\": [\"ok\"]}"}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 1}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 42}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn complete_with_retries(
    server: &MockServer,
    policy: &RetryPolicy,
    sleeper: &RecordingSleeper,
) -> (
    Result<interview_coach::coach::llm::LlmResponse, LlmError>,
    u32,
) {
    let client = client(server);
    let req = request();
    let outcome = with_retries(policy, sleeper, &|_, _, _| {}, || client.complete(&req)).await;
    (outcome.result, outcome.attempts)
}

#[tokio::test]
async fn sends_the_key_the_api_version_and_a_json_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(header("content-type", "application/json"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    client(&server).complete(&request()).await.unwrap();
}

#[tokio::test]
async fn the_body_places_cache_breakpoints_and_forces_the_tool() {
    let server = MockServer::start().await;
    mount(&server, ok()).await;
    client(&server).complete(&request()).await.unwrap();
    let body: Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    let text = |t: &str| json!({"type": "text", "text": t});
    let cached =
        |t: &str| json!({"type": "text", "text": t, "cache_control": {"type": "ephemeral"}});
    assert_eq!(
        body,
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 512,
            "system": [text("You are an interviewer."), cached("Problem: two-sum.")],
            "messages": [
                {"role": "user", "content": [text("I'd use a hash map.")]},
                {"role": "assistant", "content": [cached("Why a hash map?")]},
                {"role": "user", "content": [text("O(1) lookups.")]}
            ],
            "temperature": 0.5,
            "tools": [
                {"name": "record_analysis", "description": "Record the analysis.",
                    "input_schema": {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}},
                {"name": "record_summary", "description": "Record the summary.", "input_schema": {"type": "object"}}
            ],
            "tool_choice": {"type": "tool", "name": "record_analysis"}
        })
    );
}

#[tokio::test]
async fn the_body_is_byte_identical_for_the_same_request_and_is_what_is_sent() {
    let server = MockServer::start().await;
    mount(&server, ok()).await;
    let client = client(&server);
    let first = client.request_body(&request(), false);
    assert_eq!(first, client.request_body(&request(), false));
    client.complete(&request()).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap()[0].body, first);
    let streamed: Value = serde_json::from_slice(&client.request_body(&request(), true)).unwrap();
    assert_eq!(streamed["stream"], json!(true));
}

#[tokio::test]
async fn without_a_tool_choice_the_tools_stay_but_tool_calls_are_forbidden() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut chat = request();
    chat.tool_choice = None;
    chat.temperature = None;
    let body: Value = serde_json::from_slice(&client.request_body(&chat, false)).unwrap();
    assert_eq!(body["tools"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["tool_choice"], json!({"type": "none"}));
    assert!(body.get("temperature").is_none() && body.get("stream").is_none());
    chat.tools.clear();
    let body: Value = serde_json::from_slice(&client.request_body(&chat, false)).unwrap();
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
}

#[tokio::test]
async fn a_reply_gives_text_tool_input_usage_and_request_id() {
    let server = MockServer::start().await;
    mount(&server, ok().insert_header("request-id", "req_123")).await;
    let response = client(&server).complete(&request()).await.unwrap();
    assert_eq!(response.text, "Good. Next question.");
    assert_eq!(response.tool_input, Some(json!({"score": 3})));
    assert_eq!(response.stop_reason.as_deref(), Some("tool_use"));
    let usage = response.usage;
    assert_eq!(usage.model, "claude-sonnet-4-5-20250929");
    assert_eq!((usage.input_tokens, usage.output_tokens), (20, 30));
    assert_eq!(
        (usage.cache_write_tokens, usage.cache_read_tokens),
        (100, 2000)
    );
    assert_eq!(usage.request_id.as_deref(), Some("req_123"));
}

#[tokio::test]
async fn a_stream_delivers_deltas_in_order_and_assembles_the_response() {
    let server = MockServer::start().await;
    mount(
        &server,
        sse(&stream_events()).insert_header("request-id", "req_9"),
    )
    .await;
    let seen = Mutex::new(Vec::new());
    let response = client(&server)
        .stream(&request(), &|text| {
            seen.lock().unwrap().push(text.to_string())
        })
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ["Hello", ", world"]);
    assert_eq!(response.text, "Hello, world");
    assert_eq!(
        response.tool_input,
        Some(json!({"score": 3, "notes": ["ok"]}))
    );
    assert_eq!(response.stop_reason.as_deref(), Some("tool_use"));
    let usage = response.usage;
    assert_eq!((usage.input_tokens, usage.output_tokens), (12, 42));
    assert_eq!(
        (usage.cache_write_tokens, usage.cache_read_tokens),
        (100, 2000)
    );
    assert_eq!(usage.request_id.as_deref(), Some("req_9"));
    let sent: Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(sent["stream"], json!(true));
}

#[tokio::test]
async fn an_error_event_after_the_200_is_an_error_not_a_partial_response() {
    let server = MockServer::start().await;
    let mut events = stream_events()[..4].to_vec();
    events.push((
        "error",
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    ));
    mount(&server, sse(&events)).await;
    let err = client(&server)
        .stream(&request(), &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LlmError::Stream(m) if m.contains("overloaded_error")),
        "{err:?}"
    );
    assert!(err.retryable());
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_is_an_error() {
    let server = MockServer::start().await;
    let events = stream_events();
    mount(&server, sse(&events[..events.len() - 1])).await;
    let err = client(&server)
        .stream(&request(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::Stream(_)), "{err:?}");
}

#[tokio::test]
async fn a_refusal_before_the_stream_starts_is_a_status_error() {
    let server = MockServer::start().await;
    mount(&server, error(529, "overloaded_error", "Overloaded")).await;
    let err = client(&server)
        .stream(&request(), &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LlmError::Status { status: 529, kind, .. } if kind == "overloaded_error"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long_then_succeeds() {
    let server = MockServer::start().await;
    let limited = error(429, "rate_limit_error", "Slow down").insert_header("retry-after", "2");
    Mock::given(method("POST"))
        .respond_with(limited)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, ok()).await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) =
        complete_with_retries(&server, &RetryPolicy::default(), &sleeper).await;
    assert!(result.is_ok());
    assert_eq!(attempts, 2);
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 1);
    assert!(waits[0] >= Duration::from_secs(2), "{waits:?}");
}

#[tokio::test]
async fn overloaded_three_times_then_ok_makes_exactly_four_requests() {
    let server = MockServer::start().await;
    let overloaded = error(529, "overloaded_error", "Overloaded");
    Mock::given(method("POST"))
        .respond_with(overloaded)
        .up_to_n_times(3)
        .mount(&server)
        .await;
    mount(&server, ok()).await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) =
        complete_with_retries(&server, &RetryPolicy::default(), &sleeper).await;
    assert!(result.is_ok());
    assert_eq!((attempts, requests(&server).await), (4, 4));
    assert_eq!(sleeper.waits().len(), 3);
}

#[tokio::test]
async fn a_spend_limit_429_is_tried_once() {
    let server = MockServer::start().await;
    let message =
        "You have reached your specified API usage limits. You will regain access on 2026-02-01.";
    mount(&server, error(429, "rate_limit_error", message)).await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) =
        complete_with_retries(&server, &RetryPolicy::default(), &sleeper).await;
    assert!(
        matches!(result, Err(LlmError::SpendLimit { .. })),
        "{result:?}"
    );
    assert_eq!((attempts, requests(&server).await), (1, 1));
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn a_low_credit_balance_is_a_spend_limit() {
    let server = MockServer::start().await;
    let message = "Your credit balance is too low to access the Anthropic API.";
    mount(&server, error(400, "invalid_request_error", message)).await;
    let err = client(&server).complete(&request()).await.unwrap_err();
    assert!(matches!(err, LlmError::SpendLimit { .. }), "{err:?}");
}

#[tokio::test]
async fn a_bad_request_is_tried_once() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(400, "invalid_request_error", "max_tokens: too large"),
    )
    .await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) =
        complete_with_retries(&server, &RetryPolicy::default(), &sleeper).await;
    assert!(
        matches!(result, Err(LlmError::Status { status: 400, .. })),
        "{result:?}"
    );
    assert_eq!((attempts, requests(&server).await), (1, 1));
}

#[tokio::test]
async fn the_total_wait_never_exceeds_max_total() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(503, "api_error", "Unavailable").insert_header("retry-after", "10"),
    )
    .await;
    let policy = RetryPolicy {
        max_attempts: 10,
        max_total: Duration::from_secs(25),
        ..RetryPolicy::default()
    };
    let sleeper = RecordingSleeper::default();
    let (result, attempts) = complete_with_retries(&server, &policy, &sleeper).await;
    assert!(matches!(result, Err(LlmError::Status { status: 503, .. })));
    let waited: Duration = sleeper.waits().iter().sum();
    assert!(waited <= Duration::from_secs(25), "{waited:?}");
    assert_eq!((attempts, requests(&server).await), (3, 3));
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = MockServer::start().await;
    mount(&server, ok().set_delay(Duration::from_secs(3))).await;
    let client = client_with_timeout(&server, Duration::from_millis(200));
    let err = client.complete(&request()).await.unwrap_err();
    assert_eq!(err, LlmError::Timeout);
}

#[tokio::test]
async fn the_key_never_shows_in_errors_or_debug_output() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(
            401,
            "authentication_error",
            &format!("invalid x-api-key {KEY}"),
        ),
    )
    .await;
    let client = client(&server);
    let err = client.complete(&request()).await.unwrap_err();
    assert!(matches!(err, LlmError::Status { status: 401, .. }));
    for text in [
        err.to_string(),
        format!("{err:?}"),
        err.user_message(),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = AnthropicClient::new(
        Secret::new(KEY),
        format!("http://127.0.0.1:{port}"),
        String::new(),
        Duration::from_secs(2),
    );
    let err = unreachable.complete(&request()).await.unwrap_err();
    assert!(matches!(err, LlmError::Network(_)), "{err:?}");
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
}
