//! The OpenAI-compatible client against a mock chat-completions server on loopback:
//! bearer auth (and none without a key), the exact body, plain and streamed parsing,
//! errors after the 200, retries through `with_retries`, timeouts, and secrecy; then the
//! JSON-schema dialect of structured turns and the fallback to function calls.

use crate::common::sleeper;

use interview_coach::coach::llm::{
    LlmClient, LlmError, LlmRequest, LlmResponse, Message, OpenAiClient, RetryPolicy, Role,
    Sampling, TextBlock, ToolSpec, with_retries,
};
use interview_coach::config::Secret;
use interview_coach::config::StructuredOutput;
use serde_json::{Value, json};
use sleeper::RecordingSleeper;
use std::sync::Mutex;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-proj-test-0123456789";

fn client(server: &MockServer) -> OpenAiClient {
    with_key(server, Some(KEY), Duration::from_secs(5))
}

/// The function-call dialect, which most tests here are about.
fn with_key(server: &MockServer, key: Option<&str>, timeout: Duration) -> OpenAiClient {
    let base = format!("{}/v1", server.uri());
    OpenAiClient::new(key.map(Secret::new), base, "qwen2.5-coder".into(), timeout)
        .with_structured(StructuredOutput::Tools)
}

fn in_dialect(server: &MockServer, structured: StructuredOutput) -> OpenAiClient {
    let base = format!("{}/v1", server.uri());
    OpenAiClient::new(None, base, "smollm2".into(), Duration::from_secs(5))
        .with_structured(structured)
}

/// A completion whose content is `content` and that calls no function.
fn content_reply(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-2", "object": "chat.completion", "model": "smollm2",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 300, "completion_tokens": 20}
    }))
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
            Message {
                role: Role::User,
                content: vec![
                    TextBlock::new("O(1) lookups."),
                    TextBlock::new("Here is my code."),
                ],
            },
        ],
        max_tokens: 512,
        temperature: Some(0.5),
        tools: vec![
            ToolSpec {
                name: "record_analysis".into(),
                description: "Record the analysis.".into(),
                input_schema:
                    json!({"type": "object", "properties": {"score": {"type": "integer"}}}).into(),
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

fn reply(arguments: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "qwen2.5-coder:7b",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": "Noted.",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "record_analysis", "arguments": arguments}}]}}],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 1000}}
    })
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(reply("{\"score\": 3}"))
}

fn error(status: u16, kind: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"error": {"message": "refused", "type": kind, "code": code}}))
}

fn sse(chunks: &[Value], done: bool) -> ResponseTemplate {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    if done {
        body.push_str("data: [DONE]\n\n");
    }
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

fn stream_chunks() -> Vec<Value> {
    let delta = |delta: Value, finish: Value| json!({"id": "c1", "model": "qwen2.5-coder:7b", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    let args = |index: u32, fragment: &str| json!({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]});
    vec![
        delta(json!({"role": "assistant", "content": ""}), Value::Null),
        delta(json!({"content": "Hello"}), Value::Null),
        delta(json!({"content": ", world"}), Value::Null),
        delta(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "record_analysis", "arguments": ""}}]}),
            Value::Null,
        ),
        delta(args(0, "{\"score\": "), Value::Null),
        delta(args(0, "3}"), Value::Null),
        delta(json!({}), json!("tool_calls")),
        json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 7, "prompt_tokens_details": {"cached_tokens": 20}}}),
    ]
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn complete_with_retries(
    server: &MockServer,
    sleeper: &RecordingSleeper,
) -> (Result<LlmResponse, LlmError>, u32) {
    let client = client(server);
    let req = request();
    let outcome = with_retries(&RetryPolicy::default(), sleeper, &|_, _, _| {}, || {
        client.complete(&req)
    })
    .await;
    (outcome.result, outcome.attempts)
}

#[tokio::test]
async fn sends_a_bearer_key_and_a_json_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    client(&server).complete(&request()).await.unwrap();
}

#[tokio::test]
async fn sends_no_authorization_without_a_key() {
    let server = MockServer::start().await;
    mount(&server, ok()).await;
    with_key(&server, None, Duration::from_secs(5))
        .complete(&request())
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_none());
}

#[tokio::test]
async fn the_body_joins_text_drops_cache_flags_and_forces_the_function() {
    let server = MockServer::start().await;
    mount(&server, ok()).await;
    client(&server).complete(&request()).await.unwrap();
    let body: Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(
        body,
        json!({
            "model": "qwen2.5-coder",
            "messages": [
                {"role": "system", "content": "You are an interviewer.\n\nProblem: two-sum."},
                {"role": "user", "content": "I'd use a hash map."},
                {"role": "assistant", "content": "Why a hash map?"},
                {"role": "user", "content": "O(1) lookups.\n\nHere is my code."}
            ],
            "max_tokens": 512,
            "temperature": 0.5,
            "tools": [
                {"type": "function", "function": {"name": "record_analysis", "description": "Record the analysis.",
                    "parameters": {"type": "object", "properties": {"score": {"type": "integer"}}}}},
                {"type": "function", "function": {"name": "record_summary", "description": "Record the summary.",
                    "parameters": {"type": "object"}}}
            ],
            "tool_choice": {"type": "function", "function": {"name": "record_analysis"}}
        })
    );
}

#[tokio::test]
async fn the_body_is_byte_identical_for_the_same_request_and_streaming_asks_for_usage() {
    let server = MockServer::start().await;
    mount(&server, ok()).await;
    let client = client(&server);
    let first = client.request_body(&request(), false);
    assert_eq!(first, client.request_body(&request(), false));
    client.complete(&request()).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap()[0].body, first);
    let streamed: Value = serde_json::from_slice(&client.request_body(&request(), true)).unwrap();
    assert_eq!(streamed["stream"], json!(true));
    assert_eq!(streamed["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn without_a_tool_choice_the_tools_stay_but_tool_calls_are_forbidden() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut chat = request();
    chat.tool_choice = None;
    let body: Value = serde_json::from_slice(&client.request_body(&chat, false)).unwrap();
    assert_eq!(body["tools"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["tool_choice"], json!("none"));
    chat.tools.clear();
    let body: Value = serde_json::from_slice(&client.request_body(&chat, false)).unwrap();
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
}

#[tokio::test]
async fn a_reply_gives_text_tool_input_uncached_usage_and_request_id() {
    let server = MockServer::start().await;
    mount(&server, ok().insert_header("x-request-id", "req_abc")).await;
    let response = client(&server).complete(&request()).await.unwrap();
    assert_eq!(response.text, "Noted.");
    assert_eq!(response.tool_input, Some(json!({"score": 3})));
    assert_eq!(response.stop_reason.as_deref(), Some("tool_calls"));
    let usage = response.usage;
    assert_eq!(usage.model, "qwen2.5-coder:7b");
    assert_eq!(
        (
            usage.input_tokens,
            usage.cache_read_tokens,
            usage.output_tokens
        ),
        (200, 1000, 40)
    );
    assert_eq!(usage.request_id.as_deref(), Some("req_abc"));
}

#[tokio::test]
async fn unparsable_tool_arguments_are_an_invalid_response() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(reply("{\"score\": 3")),
    )
    .await;
    let err = client(&server).complete(&request()).await.unwrap_err();
    assert!(matches!(err, LlmError::InvalidResponse(_)), "{err:?}");
}

#[tokio::test]
async fn a_stream_delivers_deltas_in_order_and_assembles_the_response() {
    let server = MockServer::start().await;
    mount(
        &server,
        sse(&stream_chunks(), true).insert_header("x-request-id", "req_s"),
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
    assert_eq!(response.tool_input, Some(json!({"score": 3})));
    assert_eq!(response.stop_reason.as_deref(), Some("tool_calls"));
    let usage = response.usage;
    assert_eq!(
        (
            usage.input_tokens,
            usage.cache_read_tokens,
            usage.output_tokens
        ),
        (30, 20, 7)
    );
    assert_eq!(usage.request_id.as_deref(), Some("req_s"));
}

#[tokio::test]
async fn an_error_chunk_after_the_200_is_an_error_not_a_partial_response() {
    let server = MockServer::start().await;
    let mut chunks = stream_chunks()[..3].to_vec();
    chunks.push(json!({"error": {"message": "model crashed", "type": "server_error"}}));
    mount(&server, sse(&chunks, true)).await;
    let err = client(&server)
        .stream(&request(), &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LlmError::Stream(m) if m.contains("model crashed")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stream_without_done_is_an_error() {
    let server = MockServer::start().await;
    mount(&server, sse(&stream_chunks(), false)).await;
    let err = client(&server)
        .stream(&request(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::Stream(_)), "{err:?}");
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long_then_succeeds() {
    let server = MockServer::start().await;
    let limited = error(429, "requests", "rate_limit_exceeded").insert_header("retry-after", "2");
    Mock::given(method("POST"))
        .respond_with(limited)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, ok()).await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) = complete_with_retries(&server, &sleeper).await;
    assert!(result.is_ok());
    assert_eq!(attempts, 2);
    let waits = sleeper.waits();
    assert!(
        waits.len() == 1 && waits[0] >= Duration::from_secs(2),
        "{waits:?}"
    );
}

#[tokio::test]
async fn server_errors_three_times_then_ok_makes_exactly_four_requests() {
    let server = MockServer::start().await;
    let unavailable = error(503, "server_error", "unavailable");
    Mock::given(method("POST"))
        .respond_with(unavailable)
        .up_to_n_times(3)
        .mount(&server)
        .await;
    mount(&server, ok()).await;
    let (result, attempts) = complete_with_retries(&server, &RecordingSleeper::default()).await;
    assert!(result.is_ok());
    assert_eq!((attempts, requests(&server).await), (4, 4));
}

#[tokio::test]
async fn an_insufficient_quota_429_is_tried_once() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(429, "insufficient_quota", "insufficient_quota"),
    )
    .await;
    let sleeper = RecordingSleeper::default();
    let (result, attempts) = complete_with_retries(&server, &sleeper).await;
    assert!(
        matches!(result, Err(LlmError::SpendLimit { .. })),
        "{result:?}"
    );
    assert_eq!((attempts, requests(&server).await), (1, 1));
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn a_bad_request_is_tried_once() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(400, "invalid_request_error", "context_length_exceeded"),
    )
    .await;
    let (result, attempts) = complete_with_retries(&server, &RecordingSleeper::default()).await;
    assert!(
        matches!(result, Err(LlmError::Status { status: 400, .. })),
        "{result:?}"
    );
    assert_eq!((attempts, requests(&server).await), (1, 1));
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = MockServer::start().await;
    mount(&server, ok().set_delay(Duration::from_secs(3))).await;
    let client = with_key(&server, Some(KEY), Duration::from_millis(200));
    assert_eq!(
        client.complete(&request()).await.unwrap_err(),
        LlmError::Timeout
    );
}

#[tokio::test]
async fn the_key_never_shows_in_errors_or_debug_output() {
    let server = MockServer::start().await;
    let echo = json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "type": "invalid_request_error", "code": "invalid_api_key"}});
    mount(&server, ResponseTemplate::new(401).set_body_json(echo)).await;
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
}

#[tokio::test]
async fn a_schema_turn_sends_response_format_and_no_tools_and_reads_the_content_as_the_answer() {
    let server = MockServer::start().await;
    mount(&server, content_reply("{\"score\": 3}")).await;
    let client = in_dialect(&server, StructuredOutput::Auto);
    let response = client.complete(&request()).await.unwrap();
    assert_eq!(response.tool_input, Some(json!({"score": 3})));
    assert_eq!(response.text, "");
    let body: Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "record_analysis",
            "schema": {"type": "object", "properties": {"score": {"type": "integer"}}}}})
    );
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
    // A text turn in this dialect carries no tools either, so every turn's prefix matches.
    let mut chat = request();
    chat.tool_choice = None;
    let text: Value = serde_json::from_slice(&client.request_body(&chat, true)).unwrap();
    assert!(text.get("tools").is_none() && text.get("response_format").is_none());
}

#[tokio::test]
async fn a_fenced_schema_answer_is_read_and_prose_is_no_answer_for_the_coach_to_refuse() {
    let server = MockServer::start().await;
    let client = in_dialect(&server, StructuredOutput::JsonSchema);
    mount(&server, content_reply("```json\n{\"score\": 2}\n```")).await;
    let fenced = client.complete(&request()).await.unwrap();
    assert_eq!(fenced.tool_input, Some(json!({"score": 2})));
    server.reset().await;
    mount(&server, content_reply("The candidate did well.")).await;
    let prose = client.complete(&request()).await.unwrap();
    assert_eq!(prose.tool_input, None);
    assert_eq!(prose.text, "The candidate did well.");
}

#[tokio::test]
async fn a_server_that_refuses_the_schema_gets_the_same_turn_as_a_function_call_then_only_those() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(wiremock::matchers::body_string_contains("response_format"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"message": "Unrecognized request argument supplied: response_format", "type": "invalid_request_error"}}),
        ))
        .mount(&server)
        .await;
    mount(&server, ok()).await;
    let client = in_dialect(&server, StructuredOutput::Auto);
    let first = client.complete(&request()).await.unwrap();
    assert_eq!(first.tool_input, Some(json!({"score": 3})));
    let second = client.complete(&request()).await.unwrap();
    assert_eq!(second.tool_input, Some(json!({"score": 3})));
    let sent = server.received_requests().await.unwrap();
    let with_schema: Vec<bool> = sent
        .iter()
        .map(|r| {
            r.body_json::<Value>()
                .unwrap()
                .get("response_format")
                .is_some()
        })
        .collect();
    assert_eq!(
        with_schema,
        vec![true, false, false],
        "one refusal, then function calls only"
    );
    let forced: Value = sent[2].body_json().unwrap();
    assert_eq!(
        forced["tool_choice"]["function"]["name"],
        json!("record_analysis")
    );
}

#[tokio::test]
async fn another_bad_request_is_not_taken_for_a_refused_schema() {
    let server = MockServer::start().await;
    mount(
        &server,
        error(400, "invalid_request_error", "context_length_exceeded"),
    )
    .await;
    let client = in_dialect(&server, StructuredOutput::Auto);
    let err = client.complete(&request()).await.unwrap_err();
    assert!(
        matches!(err, LlmError::Status { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(requests(&server).await, 1, "no second request");
}

#[tokio::test]
async fn configured_sampling_goes_on_text_turns_only_and_never_replaces_the_clients_fields() {
    let server = MockServer::start().await;
    let extra = json!({"repeat_penalty": 1.3, "dry_multiplier": 0.8});
    let client = in_dialect(&server, StructuredOutput::JsonSchema).with_sampling(Sampling {
        frequency_penalty: Some(0.5),
        presence_penalty: Some(0.25),
        extra: serde_json::from_value(extra).unwrap(),
    });
    let mut chat = request();
    chat.tool_choice = None;
    let text: Value = serde_json::from_slice(&client.request_body(&chat, true)).unwrap();
    assert_eq!(
        (
            &text["frequency_penalty"],
            &text["presence_penalty"],
            &text["repeat_penalty"],
            &text["dry_multiplier"],
        ),
        (&json!(0.5), &json!(0.25), &json!(1.3), &json!(0.8))
    );
    assert_eq!(
        (&text["max_tokens"], &text["stream"]),
        (&json!(512), &json!(true))
    );
    assert_eq!(
        client.request_body(&chat, true),
        client.request_body(&chat, true),
        "still byte-identical"
    );
    // The grammar bounds a structured answer; a penalty there would fight JSON's quotes.
    let structured: Value =
        serde_json::from_slice(&client.request_body(&request(), false)).unwrap();
    for field in [
        "frequency_penalty",
        "presence_penalty",
        "repeat_penalty",
        "dry_multiplier",
    ] {
        assert!(
            structured.get(field).is_none(),
            "{field} on a structured turn"
        );
    }
}

#[test]
fn an_extra_body_naming_a_field_of_the_client_is_refused_at_start() {
    use clap::Parser;
    let parsed = interview_coach::config::Cli::try_parse_from([
        "interview-coach",
        "serve",
        "--openai-extra-body",
        r#"{"model": "other"}"#,
    ]);
    let error = parsed.expect_err("refused").to_string();
    assert!(error.contains("may not set `model`"), "{error}");
}

#[test]
fn an_openai_compatible_server_gets_two_retries_of_an_unfit_reply_unless_configured() {
    use clap::Parser;
    use interview_coach::config::{Cli, Cmd};
    let unfit_retries = |extra: &[&str]| {
        let mut argv = vec![
            "interview-coach",
            "serve",
            "--openai-base-url",
            "http://127.0.0.1:9/v1",
        ];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).expect("parsed").command {
            Some(Cmd::Serve(args)) => {
                interview_coach::coach::setup::from_args(&args.coach)
                    .1
                    .unfit_retries
            }
            other => panic!("not serve: {other:?}"),
        }
    };
    assert_eq!(unfit_retries(&[]), 2);
    assert_eq!(unfit_retries(&["--openai-unfit-retries", "1"]), 1);
    assert_eq!(
        interview_coach::coach::CoachSettings::default().unfit_retries,
        1,
        "Claude keeps one"
    );
}
