//! Event-store benchmarks, printed as figures for BENCHMARKS.md:
//! single-event appends per second on SQLite (synchronous FULL and NORMAL) and on
//! Postgres (1 and 8 writers), and the time to fold a 200-turn interview.
//!
//! Run: `cargo bench --bench store` (Postgres from `TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; a fresh database is created and dropped).

use chrono::{TimeZone, Utc};
use interview_coach::domain::*;
use interview_coach::ports::{ExpectedVersion, Storage};
use interview_coach::store::{self, StoreOptions, Synchronous, codec};
use sqlx::{Connection, Executor, PgConnection};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn message(i: usize) -> Event {
    Event::CandidateMessage(CandidateMessage {
        actor: Actor::new(Platform::Discord, "1001", "Maya"),
        text: format!("message number {i}: what about an empty input?"),
        at: Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap(),
    })
}

async fn appends_per_second(store: Arc<dyn Storage>, writers: usize, per_writer: usize) -> f64 {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let s = StreamId::new(format!("web:bench-{w}-{}", uuid::Uuid::new_v4()));
            for v in 0..per_writer {
                store
                    .append(&s, ExpectedVersion::Exact(v as u64), &[message(v)], None)
                    .await
                    .expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    (writers * per_writer) as f64 / start.elapsed().as_secs_f64()
}

async fn sqlite(sync: Synchronous) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let options = StoreOptions {
        synchronous: sync,
        ..StoreOptions::default()
    };
    let s = store::connect(&url, &options).await.expect("sqlite");
    appends_per_second(s.clone(), 1, 200).await; // warm-up
    appends_per_second(s, 1, 3000).await
}

async fn postgres(writers: usize) -> Option<f64> {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut conn = PgConnection::connect(&admin).await.ok()?;
    let name = format!("ic_bench_{}", uuid::Uuid::new_v4().simple());
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .ok()?;
    let url = format!("{}/{name}", admin.rsplit_once('/')?.0);
    let options = StoreOptions {
        max_connections: 16,
        ..StoreOptions::default()
    };
    let rate = {
        let s = store::connect(&url, &options).await.ok()?;
        appends_per_second(s.clone(), writers, 50).await;
        appends_per_second(s, writers, 3000 / writers).await
    };
    conn.execute(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .await
    .ok()?;
    Some(rate)
}

/// A 200-turn interview: start, then 200 × (candidate message, coach reply).
fn two_hundred_turns() -> Vec<Event> {
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    let maya = Actor::new(Platform::Discord, "1001", "Maya");
    let mut events = vec![Event::InterviewStarted(InterviewStarted {
        interview_id: uuid::Uuid::nil(),
        place: Place::Discord {
            guild: "1".into(),
            channel: "2".into(),
            thread: "3".into(),
        },
        candidate: maya.clone(),
        problem: Problem::Bank {
            id: "two-sum".into(),
            version: 1,
            title: "Two Sum".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Easy),
        time_limit_minutes: Some(45),
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 1,
            rubric_version: 1,
        },
        at: t,
    })];
    for i in 0..200u64 {
        events.push(message(i as usize));
        events.push(Event::CoachReplied(CoachReplied {
            stamp: None,
            reply_to: 2 + 2 * i,
            kind: ReplyKind::Chat,
            text: "Good question. What happens to your loop when the list is empty?".into(),
            usage: Some(LlmUsage {
                model: "claude-sonnet-4-5".into(),
                input_tokens: 900,
                output_tokens: 80,
                ..Default::default()
            }),
            at: t,
        }));
    }
    events
}

fn time_per_iteration(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let events = two_hundred_turns();
    let stored: Vec<(String, u32, String)> = events
        .iter()
        .map(|e| codec::encode(e).expect("encode"))
        .collect();
    let fold = time_per_iteration(2000, || {
        let state = Interview::from_events(events.iter());
        std::hint::black_box(state);
    });
    let decode_fold = time_per_iteration(500, || {
        let decoded: Vec<Event> = stored
            .iter()
            .map(|(t, v, p)| codec::decode(t, *v, p).expect("decode"))
            .collect();
        std::hint::black_box(Interview::from_events(decoded.iter()));
    });
    println!(
        "fold of a 200-turn interview ({} events): {:.1} µs",
        events.len(),
        fold.as_secs_f64() * 1e6
    );
    println!(
        "decode + fold of the same stored events: {:.1} µs",
        decode_fold.as_secs_f64() * 1e6
    );

    rt.block_on(async {
        println!(
            "SQLite synchronous=FULL, 1 writer: {:.0} appends/s",
            sqlite(Synchronous::Full).await
        );
        println!(
            "SQLite synchronous=NORMAL, 1 writer: {:.0} appends/s",
            sqlite(Synchronous::Normal).await
        );
        for writers in [1, 8] {
            match postgres(writers).await {
                Some(rate) => println!("Postgres, {writers} writer(s): {rate:.0} appends/s"),
                None => println!("Postgres, {writers} writer(s): skipped (unreachable)"),
            }
        }
    });
}
