//! Text turns that come back unfit to show, against loopback fakes of both providers on
//! a real database: a reply stopped by the token limit (Anthropic's `max_tokens`,
//! OpenAI's `length`) or caught in a repetition loop is asked again with a firmer
//! instruction and the same token limit (once for Claude, `unfit_retries` times for an
//! OpenAI-compatible server); a good reply is recorded with every call billed, and a
//! last unfit one is a `CoachFailed` naming the causes. Every try counts in the turn's
//! deadline. The cut text never reaches the log.

use crate::common::fake_anthropic::{FakeAnthropic, Scripted};
use crate::common::fixtures::*;
use crate::common::sleeper::RecordingSleeper;
use crate::common::{self, TestDb};
use chrono::Duration as ChronoDuration;
use interview_coach::coach::llm::{AnthropicClient, LlmClient, OpenAiClient, Sampling};
use interview_coach::coach::{Coach, CoachSettings, TurnOutcome};
use interview_coach::config::{Secret, StructuredOutput};
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::problems::ProblemBank;
use interview_coach::queries::Queries;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CUT: &str = "Good plan. Before you code it, think about what happens when the";
const GOOD: &str = "Good plan. What happens when the same value appears twice?";

/// An interview whose approach awaits the coach's feedback (a text turn), and the coach.
async fn approach_pending(db: &TestDb, llm: Arc<dyn LlmClient>) -> (Engine, Coach, StreamId) {
    approach_pending_with(db, llm, CoachSettings::default()).await
}

/// The same, with `settings` (the cooldown is always off).
async fn approach_pending_with(
    db: &TestDb,
    llm: Arc<dyn LlmClient>,
    settings: CoachSettings,
) -> (Engine, Coach, StreamId) {
    let store = db.open().await;
    let engine = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let settings = CoachSettings {
        cooldown: ChronoDuration::zero(),
        ..settings
    };
    let coach = Coach::new(
        engine.clone(),
        Queries::new(store),
        Some(llm),
        settings,
        Arc::new(RecordingSleeper::default()),
        Arc::new(ProblemBank::load_default().unwrap()),
    );
    let place = discord_place(&format!("t{}", Uuid::new_v4().simple()));
    let stream = place.stream_id();
    engine
        .execute(&stream, start(Uuid::new_v4(), place, maya()), None)
        .await
        .unwrap();
    let approach = Command::ExplainApproach {
        actor: maya(),
        text: "Sort by start, then merge overlapping neighbours in one pass.".into(),
        at: t0(),
    };
    engine.execute(&stream, approach, None).await.unwrap();
    (engine, coach, stream)
}

async fn events(engine: &Engine, stream: &StreamId) -> Vec<Event> {
    let (_, recorded) = engine.load(stream).await.unwrap();
    recorded.into_iter().map(|r| r.event).collect()
}

/// The one coach reply or failure of the interview.
fn coach_events(events: &[Event]) -> Vec<&Event> {
    events.iter().filter(|e| e.reply_to().is_some()).collect()
}

fn anthropic(fake: &FakeAnthropic) -> Arc<dyn LlmClient> {
    Arc::new(AnthropicClient::new(
        Secret::new("sk-ant-test"),
        fake.uri(),
        "claude-sonnet-4-5".into(),
        Duration::from_secs(30),
    ))
}

/// The text of the last user message of a request body (either provider).
fn last_user_text(body: &Value) -> String {
    let messages = body["messages"].as_array().unwrap();
    let last = messages.iter().rev().find(|m| m["role"] == "user").unwrap();
    match &last["content"] {
        Value::String(s) => s.clone(),
        blocks => blocks
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["text"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn assert_never_logged(events: &[Event], text: &str) {
    let json = serde_json::to_string(events).unwrap();
    assert!(
        !json.contains(text),
        "the unfit text reached the log: {json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_a_reply_cut_by_max_tokens_is_asked_again_and_only_the_good_one_is_shown() {
    let db = common::sqlite_db();
    let fake = FakeAnthropic::start().await;
    fake.script([Scripted::Cut(CUT.into()), Scripted::Text(GOOD.into())]);
    let (engine, coach, stream) = approach_pending(&db, anthropic(&fake)).await;

    let outcomes = coach.process_stream(&stream).await.unwrap();

    assert_eq!(outcomes, vec![TurnOutcome::Answered]);
    assert_eq!(fake.requests(), 2, "one retry");
    let second = last_user_text(&fake.bodies()[1]);
    assert!(
        second.contains("could not be shown: the reply was cut at the 400-token limit")
            && second.contains("at most 100 words"),
        "{second}"
    );
    // Approach feedback is a short turn (400 tokens); the retry keeps the limit.
    let limits: Vec<u64> = fake
        .bodies()
        .iter()
        .map(|b| b["max_tokens"].as_u64().unwrap())
        .collect();
    assert_eq!(limits, vec![400, 400]);
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachReplied(r)] => {
            assert_eq!(r.text, GOOD);
            // Both calls are billed: the fake bills 60 output tokens a call.
            assert_eq!(r.usage.as_ref().unwrap().output_tokens, 120);
        }
        other => panic!("expected one reply, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_two_cut_replies_end_in_a_failure_that_says_why_and_log_no_cut_text() {
    let db = common::sqlite_db();
    let fake = FakeAnthropic::start().await;
    fake.script([Scripted::Cut(CUT.into()), Scripted::Cut(CUT.into())]);
    let (engine, coach, stream) = approach_pending(&db, anthropic(&fake)).await;

    let outcomes = coach.process_stream(&stream).await.unwrap();

    assert_eq!(
        outcomes,
        vec![TurnOutcome::Failed(FailureKind::InvalidResponse)]
    );
    assert_eq!(
        fake.requests(),
        2,
        "Claude gets one retry, then the failure"
    );
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachFailed(f)] => {
            assert!(
                f.message
                    .starts_with("The coach could not finish its reply; press retry.")
                    && f.message.contains("cut at the 400-token limit"),
                "{}",
                f.message
            );
            assert!(f.retryable);
            assert_eq!(f.attempts, 2);
        }
        other => panic!("expected one failure, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_a_looping_reply_is_asked_again_with_the_loop_named() {
    let db = common::sqlite_db();
    let fake = FakeAnthropic::start().await;
    let looping = "Think about the empty input first.\n".repeat(12);
    fake.script([Scripted::Text(looping.clone()), Scripted::Text(GOOD.into())]);
    let (engine, coach, stream) = approach_pending(&db, anthropic(&fake)).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Answered]
    );
    let second = last_user_text(&fake.bodies()[1]);
    assert!(second.contains("caught in a loop"), "{second}");
    let all = events(&engine, &stream).await;
    assert!(
        matches!(coach_events(&all).as_slice(), [Event::CoachReplied(r)] if r.text == GOOD),
        "{all:?}"
    );
    assert_never_logged(&all, "Think about the empty input first.");
    db.cleanup().await;
}

/// A streamed chat completion of `text` that stops for `finish` ("stop" or "length").
fn openai_stream(text: &str, finish: &str) -> ResponseTemplate {
    let chunk = |delta: Value, finish: Value| json!({"id": "c1", "model": "smollm2", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    let mut chunks = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    chunks.extend(
        text.split_inclusive(' ')
            .map(|piece| chunk(json!({"content": piece}), Value::Null)),
    );
    chunks.push(chunk(json!({}), json!(finish)));
    chunks.push(json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": 400, "completion_tokens": 50}}));
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// A fake OpenAI-compatible server answering `answers` in order, and its client.
async fn openai(answers: Vec<ResponseTemplate>) -> (MockServer, Arc<dyn LlmClient>) {
    openai_with(answers, Sampling::default()).await
}

/// The same, with `sampling` set on the client.
async fn openai_with(
    answers: Vec<ResponseTemplate>,
    sampling: Sampling,
) -> (MockServer, Arc<dyn LlmClient>) {
    let server = MockServer::start().await;
    for answer in answers {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(answer)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let client = OpenAiClient::new(
        None,
        format!("{}/v1", server.uri()),
        "smollm2".into(),
        Duration::from_secs(10),
    )
    .with_structured(StructuredOutput::JsonSchema)
    .with_sampling(sampling);
    (server, Arc::new(client))
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_a_reply_cut_by_length_is_asked_again_and_only_the_good_one_is_shown() {
    let db = common::sqlite_db();
    let (server, llm) = openai(vec![
        openai_stream(CUT, "length"),
        openai_stream(GOOD, "stop"),
    ])
    .await;
    let (engine, coach, stream) = approach_pending(&db, llm).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Answered]
    );
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 2, "one retry");
    assert!(last_user_text(&sent[1]).contains("cut at the 400-token limit"));
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachReplied(r)] => {
            assert_eq!(r.text, GOOD);
            let usage = r.usage.as_ref().unwrap();
            assert_eq!((usage.input_tokens, usage.output_tokens), (800, 100));
        }
        other => panic!("expected one reply, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    db.cleanup().await;
}

/// The settings `coach::setup` gives an OpenAI-compatible server by default.
fn openai_settings() -> CoachSettings {
    CoachSettings {
        unfit_retries: 2,
        ..CoachSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_a_reply_unfit_every_time_ends_in_a_failure_after_the_configured_tries() {
    let db = common::sqlite_db();
    let looping = "you should check the bounds ".repeat(8);
    let (server, llm) = openai(vec![
        openai_stream(CUT, "length"),
        openai_stream(CUT, "length"),
        openai_stream(&looping, "stop"),
        openai_stream(GOOD, "stop"),
    ])
    .await;
    let (engine, coach, stream) = approach_pending_with(&db, llm, openai_settings()).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Failed(FailureKind::InvalidResponse)]
    );
    assert_eq!(
        bodies(&server).await.len(),
        3,
        "two retries, then the failure; never a fourth try"
    );
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachFailed(f)] => {
            assert!(
                f.message
                    .starts_with("The coach could not finish its reply; press retry.")
                    && f.message
                        .contains("First try: the reply was cut at the 400-token limit")
                    && f.message
                        .contains("third try: the reply was caught in a loop"),
                "{}",
                f.message
            );
            assert_eq!(f.attempts, 3);
            assert!(f.retryable);
        }
        other => panic!("expected one failure, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    assert_never_logged(&all, "you should check the bounds");
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_with_one_retry_configured_a_second_unfit_reply_is_the_failure() {
    let db = common::sqlite_db();
    let (server, llm) = openai(vec![
        openai_stream(CUT, "length"),
        openai_stream(CUT, "length"),
        openai_stream(GOOD, "stop"),
    ])
    .await;
    let settings = CoachSettings {
        unfit_retries: 1,
        ..CoachSettings::default()
    };
    let (engine, coach, stream) = approach_pending_with(&db, llm, settings).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Failed(FailureKind::InvalidResponse)]
    );
    assert_eq!(bodies(&server).await.len(), 2);
    let all = events(&engine, &stream).await;
    assert!(
        matches!(coach_events(&all).as_slice(), [Event::CoachFailed(f)]
            if f.message.contains("second try: the reply was cut at the 400-token limit")),
        "{all:?}"
    );
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_a_third_try_that_ends_is_shown_with_all_three_calls_billed() {
    let db = common::sqlite_db();
    let (_server, llm) = openai(vec![
        openai_stream(CUT, "length"),
        openai_stream(CUT, "length"),
        openai_stream(GOOD, "stop"),
    ])
    .await;
    let (engine, coach, stream) = approach_pending_with(&db, llm, openai_settings()).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Answered]
    );
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachReplied(r)] => {
            assert_eq!(r.text, GOOD);
            let usage = r.usage.as_ref().unwrap();
            assert_eq!((usage.input_tokens, usage.output_tokens), (1200, 150));
        }
        other => panic!("expected one reply, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_every_retry_keeps_the_token_limit_and_the_penalties_and_tightens_the_words() {
    let db = common::sqlite_db();
    let sampling = Sampling {
        frequency_penalty: Some(0.5),
        presence_penalty: None,
        extra: serde_json::from_value(json!({"repeat_penalty": 1.3, "dry_multiplier": 0.8}))
            .unwrap(),
    };
    let (server, llm) = openai_with(
        vec![
            openai_stream(CUT, "length"),
            openai_stream(CUT, "length"),
            openai_stream(GOOD, "stop"),
        ],
        sampling,
    )
    .await;
    let (_engine, coach, stream) = approach_pending_with(&db, llm, openai_settings()).await;

    assert_eq!(
        coach.process_stream(&stream).await.unwrap(),
        vec![TurnOutcome::Answered]
    );
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 3, "two retries");
    for body in &sent {
        assert_eq!(body["frequency_penalty"], json!(0.5));
        assert_eq!(body["repeat_penalty"], json!(1.3));
        assert_eq!(body["dry_multiplier"], json!(0.8));
        assert!(body.get("presence_penalty").is_none(), "unset, not sent");
        assert_eq!(body["max_tokens"], json!(400), "the limit is never halved");
        assert!(body.get("stop").is_none(), "no stop sequence cuts a reply");
    }
    // The first try is the turn as built; each retry adds one firmer instruction.
    assert!(!last_user_text(&sent[0]).contains("could not be shown"));
    let second = last_user_text(&sent[1]);
    assert!(
        second.contains("cut at the 400-token limit") && second.contains("at most 100 words"),
        "{second}"
    );
    let third = last_user_text(&sent[2]);
    assert!(
        third.contains("at most 66 words") && third.matches("could not be shown").count() == 1,
        "{third}"
    );
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_the_retries_of_an_unfit_reply_stay_within_the_turns_deadline() {
    let db = common::sqlite_db();
    // Each cut reply takes 700 ms; the turn may spend 1 s: the second try is cut short.
    let slow_cut = || openai_stream(CUT, "length").set_delay(Duration::from_millis(700));
    let (server, llm) = openai(vec![slow_cut(), slow_cut(), slow_cut()]).await;
    let mut settings = openai_settings();
    settings.retry.max_total = Duration::from_secs(1);
    let (engine, coach, stream) = approach_pending_with(&db, llm, settings).await;

    let outcomes = coach.process_stream(&stream).await.unwrap();

    assert!(
        matches!(outcomes.as_slice(), [TurnOutcome::Failed(_)]),
        "{outcomes:?}"
    );
    let tries = bodies(&server).await.len();
    assert!((1..=2).contains(&tries), "{tries} tries within 1 s");
    let all = events(&engine, &stream).await;
    match coach_events(&all).as_slice() {
        [Event::CoachFailed(f)] => assert!(
            f.message.starts_with("The coach gave up after 1 s"),
            "{}",
            f.message
        ),
        other => panic!("expected one failure, got {other:?}"),
    }
    assert_never_logged(&all, CUT);
    db.cleanup().await;
}
