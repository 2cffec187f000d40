//! Coach benchmarks, printed as figures for BENCHMARKS.md:
//! the time to rebuild the context of a 200-turn interview from its events, and the
//! input tokens billed over a scripted 20-turn interview with prompt caching against
//! without, counted from the usage a loopback fake reports under Anthropic's cache
//! accounting (cache writes bill 1.25x, cache reads 0.1x).
//!
//! Run: `cargo bench --bench coach`

#[path = "../tests/it/common/fake_anthropic.rs"]
mod fake_anthropic;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use fake_anthropic::FakeAnthropic;
use interview_coach::coach::context::{self, ContextInputs};
use interview_coach::coach::llm::{AnthropicClient, LlmClient, Sleeper};
use interview_coach::coach::{Coach, CoachSettings};
use interview_coach::config::Secret;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::ports::RecordedEvent;
use interview_coach::problems::ProblemBank;
use interview_coach::queries::Queries;
use interview_coach::store::{self, StoreOptions};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

struct NoSleep;
#[async_trait]
impl Sleeper for NoSleep {
    async fn sleep(&self, _: Duration) {}
}

fn maya() -> Actor {
    Actor::new(Platform::Discord, "1001", "Maya")
}

fn two_hundred_turns() -> Vec<RecordedEvent> {
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    let mut events = vec![Event::InterviewStarted(InterviewStarted {
        interview_id: uuid::Uuid::nil(),
        place: Place::Discord {
            guild: "1".into(),
            channel: "2".into(),
            thread: "3".into(),
        },
        candidate: maya(),
        problem: Problem::Bank {
            id: "merge-intervals".into(),
            version: 1,
            title: "Merge Intervals".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Medium),
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 1,
            rubric_version: 1,
        },
        at: t,
    })];
    for i in 0..200u64 {
        events.push(Event::CandidateMessage(CandidateMessage {
            actor: maya(),
            text: format!("Question {i}: what if the input is empty?"),
            at: t,
        }));
        events.push(Event::CoachReplied(CoachReplied {
            stamp: None,
            reply_to: 2 + 2 * i,
            kind: ReplyKind::Chat,
            text: "Then the loop never runs; what should the function return?".into(),
            usage: None,
            at: t,
        }));
    }
    events.push(Event::CandidateMessage(CandidateMessage {
        actor: maya(),
        text: "And the last one?".into(),
        at: t,
    }));
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| RecordedEvent {
            position: i as i64 + 1,
            stream_id: StreamId::new("discord:1:3"),
            version: i as u64 + 1,
            recorded_at: t,
            event,
        })
        .collect()
}

async fn billed_over_twenty_turns(caching: bool) -> (u64, u64, u64, u64) {
    let fake = FakeAnthropic::start().await;
    fake.caching.store(caching, Ordering::SeqCst);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let s = store::connect(&url, &StoreOptions::default())
        .await
        .expect("store");
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    let engine = Engine::new(s.clone(), Arc::new(ManualClock::new(t)));
    let llm: Arc<dyn LlmClient> = Arc::new(AnthropicClient::new(
        Secret::new("k"),
        fake.uri(),
        "claude-sonnet-4-5".into(),
        Duration::from_secs(30),
    ));
    let settings = CoachSettings {
        cooldown: chrono::Duration::zero(),
        ..CoachSettings::default()
    };
    let bank = Arc::new(ProblemBank::load_default().expect("bank"));
    let coach = Coach::new(
        engine.clone(),
        Queries::new(s),
        Some(llm),
        settings,
        Arc::new(NoSleep),
        bank,
    );
    let place = Place::Discord {
        guild: "1".into(),
        channel: "2".into(),
        thread: format!("{caching}"),
    };
    let stream = place.stream_id();
    let start = StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place,
        candidate: maya(),
        problem: Problem::Bank {
            id: "merge-intervals".into(),
            version: 1,
            title: "Merge Intervals".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Medium),
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 1,
            rubric_version: 1,
        },
        at: t,
    };
    engine
        .execute(&stream, Command::StartInterview(start), None)
        .await
        .expect("start");
    for turn in 0..20 {
        let cmd = match turn {
            0 => Command::ExplainApproach { actor: maya(), text: "Sort by start, then sweep and merge.".into(), at: t },
            7 | 14 => Command::SubmitCode(SubmitCode {
                actor: maya(),
                language: "python".into(),
                code: "def merge(xs):\n    xs.sort()\n    out = []\n    for s, e in xs:\n        if out and s <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out\n".into(),
                source: SubmissionSource::Message,
                at: t,
            }),
            19 => Command::EndInterview { by: EndBy::Member(maya()), at: t },
            n => Command::SendMessage { actor: maya(), text: format!("Follow-up {n}: does the sort dominate the cost?"), at: t },
        };
        engine.execute(&stream, cmd, None).await.expect("turn");
        coach.process_stream(&stream).await.expect("coach");
    }
    let (_, events) = engine.load(&stream).await.expect("load");
    let (mut input, mut read, mut write) = (0, 0, 0);
    for e in &events {
        let usage = match &e.event {
            Event::CoachReplied(r) => r.usage.clone(),
            Event::CodeAnalyzed(a) => a.usage.clone(),
            Event::SummaryWritten(s) => s.usage.clone(),
            _ => None,
        };
        if let Some(u) = usage {
            input += u.input_tokens;
            read += u.cache_read_tokens;
            write += u.cache_write_tokens;
        }
    }
    // Billed input in units of the base input price.
    let billed = input + (write * 125).div_ceil(100) + (read * 10).div_ceil(100);
    (billed, input, read, write)
}

fn main() {
    let events = two_hundred_turns();
    let bank = ProblemBank::load_default().expect("bank");
    let p = bank.get("merge-intervals").expect("problem");
    let statement = p.full_statement();
    let inputs = ContextInputs {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        statement: Some(&statement),
        hints: &p.hints,
    };
    let last = events.last().map(|e| e.version).unwrap_or(1);
    let iterations = 300;
    for _ in 0..30 {
        std::hint::black_box(context::build_request(
            &events,
            last,
            TurnKind::Chat,
            &inputs,
        ));
    }
    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(context::build_request(
            &events,
            last,
            TurnKind::Chat,
            &inputs,
        ));
    }
    let per = start.elapsed() / iterations;
    println!(
        "context rebuild of a 200-turn interview ({} events): {:.3} ms",
        events.len(),
        per.as_secs_f64() * 1e3
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (cached, input, read, write) = billed_over_twenty_turns(true).await;
        let (uncached, ..) = billed_over_twenty_turns(false).await;
        println!("20-turn interview with caching: billed input {cached} token-equivalents (input {input}, cache read {read}, cache write {write})");
        println!("20-turn interview without caching: billed input {uncached} tokens");
        println!("cached / uncached: {:.1} %", 100.0 * cached as f64 / uncached as f64);
    });
}
