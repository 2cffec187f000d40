//! Issue 18 item 7: background work found by indexed queries, for any number of open
//! interviews; abandoned web interviews end; GETs never write.
//!
//! - 20,000 open interviews (bulk-appended through the store before the real app
//!   starts), the two oldest due: the deadline of the oldest ends it and the pending
//!   turn of the next oldest is answered (the old scans saw only the newest 10,000).
//! - A web interview idle for `--web-idle-end-minutes` ends as abandoned and gets its
//!   summary; a recently active one and an idle Discord one stay open.
//! - With the read models behind the log, the read API's GETs append nothing and fold
//!   nothing: the database is the same before and after.

use crate::common;
use crate::web_common;

use chrono::Duration;
use common::TestDb;
use common::fixtures::*;
use futures::StreamExt;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::ports::{ExpectedVersion, INTERVIEW_LIST, Storage};
use interview_coach::projections;
use std::sync::Arc;
use uuid::Uuid;
use web_common::TestApp;
use web_common::fake_claude::FakeClaude;

/// How long a test waits for a positive marker (an event in a stream).
const WAIT: std::time::Duration = std::time::Duration::from_secs(60);

fn untimed(place: Place, candidate: Actor, minutes: i64) -> Command {
    let Command::StartInterview(s) = start(Uuid::new_v4(), place, candidate) else {
        unreachable!("start() is a StartInterview")
    };
    Command::StartInterview(StartInterview {
        time_limit_minutes: None,
        at: t0() + Duration::minutes(minutes),
        ..s
    })
}

fn web_place() -> Place {
    Place::Web {
        session: Uuid::new_v4().to_string(),
    }
}

fn web_candidate(n: u32) -> Actor {
    Actor::new(Platform::Web, format!("guest-{n}"), "Guest")
}

/// Waits until `stream`'s events satisfy `done`, and returns them.
async fn until(
    engine: &Engine,
    stream: &StreamId,
    what: &str,
    done: impl Fn(&[Event]) -> bool,
) -> Vec<Event> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, events) = engine.load(stream).await.expect("read stream");
        let events: Vec<Event> = events.into_iter().map(|r| r.event).collect();
        if done(&events) {
            return events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{stream}: {what} never happened; events: {events:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn ended_with(events: &[Event]) -> Option<(EndedBy, EndReason)> {
    events.iter().find_map(|e| match e {
        Event::InterviewEnded(x) => Some((x.by.clone(), x.reason)),
        _ => None,
    })
}

/// Appends one `InterviewStarted` per interview, many at a time (group commit).
async fn bulk_start(store: &Arc<dyn Storage>, n: u32) {
    futures::stream::iter(0..n)
        .map(|i| {
            let store = store.clone();
            async move {
                let place = discord_place(&format!("bulk-{i}"));
                let mut started = interview_started(
                    place.clone(),
                    maya(),
                    Problem::Bank {
                        id: "merge-intervals".into(),
                        version: 1,
                        title: "Merge Intervals".into(),
                    },
                    t0() + Duration::milliseconds(i64::from(i)),
                );
                started.time_limit_minutes = Some(240);
                store
                    .append(
                        &place.stream_id(),
                        ExpectedVersion::Exact(0),
                        &[Event::InterviewStarted(started)],
                        None,
                    )
                    .await
                    .expect("bulk append");
            }
        })
        .buffer_unordered(128)
        .collect::<Vec<()>>()
        .await;
}

async fn twenty_thousand_open_interviews_the_oldest_is_ended_and_its_neighbour_answered(
    db: &TestDb,
) {
    let store = db.open().await;
    let seeding = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    // The two oldest: one past its deadline, one waiting for the coach.
    let late = discord_place("oldest-late");
    seeding
        .execute(
            &late.stream_id(),
            start(Uuid::new_v4(), late.clone(), maya()),
            None,
        )
        .await
        .expect("start the late one");
    let waiting = discord_place("oldest-waiting");
    seeding
        .execute(
            &waiting.stream_id(),
            untimed(waiting.clone(), leo(), 0),
            None,
        )
        .await
        .expect("start the waiting one");
    seeding
        .execute(
            &waiting.stream_id(),
            Command::ExplainApproach {
                actor: leo(),
                text: "Sort by start, then merge overlapping neighbours in one pass.".into(),
                at: t0() + Duration::minutes(1),
            },
            None,
        )
        .await
        .expect("explain");
    // 20,000 newer ones, open, nothing due for hours.
    let began = std::time::Instant::now();
    bulk_start(&store, 20_000).await;
    // Folded before the app starts, as a running service would have them.
    projections::catch_up_all(store.as_ref())
        .await
        .expect("fold");
    eprintln!(
        "{}: 20,000 interviews appended and folded in {:?}",
        db.backend,
        began.elapsed()
    );

    // Later than the oldest's deadline (45 minutes); the others have 240.
    let clock = Arc::new(ManualClock::new(t0() + Duration::minutes(60)));
    let fake = FakeClaude::start().await;
    let flags = fake.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let began = std::time::Instant::now();
    let app = TestApp::start_with_clock(store.clone(), &flags, clock).await;
    eprintln!("{}: app started in {:?}", db.backend, began.elapsed());

    let events = until(&app.engine, &late.stream_id(), "the end", |e| {
        ended_with(e).is_some()
    })
    .await;
    assert_eq!(
        ended_with(&events),
        Some((EndedBy::Timer, EndReason::TimeLimit))
    );
    until(
        &app.engine,
        &waiting.stream_id(),
        "the coach's answer",
        |e| {
            e.iter()
                .any(|e| matches!(e, Event::CoachReplied(r) if r.reply_to == 2))
        },
    )
    .await;
    eprintln!("{}: both handled in {:?}", db.backend, began.elapsed());
    app.stop().await;
}

async fn an_idle_web_interview_ends_as_abandoned_and_is_summarised(db: &TestDb) {
    let store = db.open().await;
    let seeding = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let idle = web_place();
    seeding
        .execute(
            &idle.stream_id(),
            untimed(idle.clone(), web_candidate(1), 0),
            None,
        )
        .await
        .expect("start the idle one");
    let active = web_place();
    seeding
        .execute(
            &active.stream_id(),
            untimed(active.clone(), web_candidate(2), 25),
            None,
        )
        .await
        .expect("start the active one");
    let chat = discord_place("idle-on-discord");
    seeding
        .execute(&chat.stream_id(), untimed(chat.clone(), maya(), 0), None)
        .await
        .expect("start the Discord one");

    // 31 minutes after the first start, with a 30-minute idle end.
    let clock = Arc::new(ManualClock::new(t0() + Duration::minutes(31)));
    let fake = FakeClaude::start().await;
    let mut flags = fake.flags();
    flags.extend(["--web-idle-end-minutes".to_string(), "30".to_string()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start_with_clock(store.clone(), &flags, clock).await;

    let events = until(&app.engine, &idle.stream_id(), "the summary", |e| {
        e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
    })
    .await;
    assert_eq!(
        ended_with(&events),
        Some((EndedBy::Timer, EndReason::Abandoned))
    );
    // The same tick looked at the others: neither was due.
    for other in [&active, &chat] {
        let (state, _) = app.engine.load(&other.stream_id()).await.unwrap();
        assert!(state.ended.is_none(), "{} ended", other.stream_id());
    }
    app.stop().await;
}

/// What a write would change: every table's rows (leases aside: coordination, not
/// data), and on SQLite the file's `data_version` (moved by any other connection's
/// commit).
struct Snapshot {
    tables: Vec<(String, String)>,
    data_version: Option<i64>,
}

const TABLES: [&str; 9] = [
    "events",
    "idempotency_keys",
    "projection_checkpoints",
    "interview_list",
    "usage_daily",
    "deliveries",
    "stats_interviews",
    "stats_analyses",
    "leaderboard_members",
];

enum Probe {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Probe {
    async fn open(db: &TestDb) -> Probe {
        use sqlx::Connection;
        match db.backend {
            "sqlite" => Probe::Sqlite(sqlx::SqliteConnection::connect(&db.url).await.unwrap()),
            _ => Probe::Postgres(sqlx::PgConnection::connect(&db.url).await.unwrap()),
        }
    }

    async fn snapshot(&mut self) -> Snapshot {
        let mut tables = Vec::new();
        let mut data_version = None;
        match self {
            Probe::Sqlite(c) => {
                for t in TABLES {
                    let sql = format!(
                        "SELECT COUNT(*) || ':' || COALESCE(SUM(LENGTH(CAST(rowid AS TEXT))), 0) FROM {t}"
                    );
                    let v: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .fetch_one(&mut *c)
                        .await
                        .unwrap();
                    tables.push((t.to_string(), v));
                }
                let cp: String = sqlx::query_scalar(
                    "SELECT COALESCE(GROUP_CONCAT(name || '=' || position, ','), '') FROM projection_checkpoints",
                )
                .fetch_one(&mut *c)
                .await
                .unwrap();
                tables.push(("checkpoints".into(), cp));
                data_version = Some(
                    sqlx::query_scalar("PRAGMA data_version")
                        .fetch_one(&mut *c)
                        .await
                        .unwrap(),
                );
            }
            Probe::Postgres(c) => {
                for t in TABLES {
                    let sql = format!(
                        "SELECT COUNT(*)::text || ':' || COALESCE(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM {t} x"
                    );
                    let v: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .fetch_one(&mut *c)
                        .await
                        .unwrap();
                    tables.push((t.to_string(), v));
                }
            }
        }
        Snapshot {
            tables,
            data_version,
        }
    }
}

async fn gets_append_nothing_and_fold_nothing(db: &TestDb) {
    let store = db.open().await;
    let seeding = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let web = web_place();
    seeding
        .execute(
            &web.stream_id(),
            untimed(web.clone(), web_candidate(1), 0),
            None,
        )
        .await
        .unwrap();
    // A turn the (stalled) coach takes at start: once its LLM call arrives, the coach's
    // start-up scan is over.
    let waiting = discord_place("gets-waiting");
    seeding
        .execute(
            &waiting.stream_id(),
            untimed(waiting.clone(), leo(), 0),
            None,
        )
        .await
        .unwrap();
    seeding
        .execute(
            &waiting.stream_id(),
            Command::ExplainApproach {
                actor: leo(),
                text: "Sort by start, then merge overlapping neighbours in one pass.".into(),
                at: t0() + Duration::minutes(1),
            },
            None,
        )
        .await
        .unwrap();

    let fake = FakeClaude::start().await;
    fake.set_latency(std::time::Duration::from_secs(3600));
    let mut flags = fake.flags();
    // The projector folds a wake-up's appends only after an hour, and the timers tick
    // at start only: nothing but the GETs could fold what is appended below.
    flags.extend(
        [
            "--projector-gather-ms",
            "3600000",
            "--timer-tick-seconds",
            "3600",
        ]
        .map(String::from),
    );
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let clock = Arc::new(ManualClock::new(t0() + Duration::minutes(2)));
    let app = TestApp::start_with_clock(store.clone(), &flags, clock).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.calls() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the coach never called"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A new interview the read models have not folded.
    let newer = discord_place("gets-newer");
    app.engine
        .execute(&newer.stream_id(), untimed(newer.clone(), maya(), 2), None)
        .await
        .unwrap();
    let head = store.head().await.unwrap();
    assert!(store.checkpoint(INTERVIEW_LIST).await.unwrap() < head);

    let mut probe = Probe::open(db).await;
    let before = probe.snapshot().await;
    let web_id = match web {
        Place::Web { session } => session,
        _ => unreachable!(),
    };
    let client = reqwest::Client::new();
    for path in [
        "/".to_string(),
        "/api/interviews".to_string(),
        "/api/interviews?platform=discord".to_string(),
        format!("/api/interviews/{web_id}"),
        format!("/api/interviews/{}", waiting.stream_id()),
        "/api/members/discord:1002/progress".to_string(),
        "/healthz".to_string(),
        "/readyz".to_string(),
    ] {
        let r = client.get(app.url(&path)).send().await.unwrap();
        assert!(
            r.status().is_success() || r.status().as_u16() == 503,
            "GET {path}: {}",
            r.status()
        );
    }
    let after = probe.snapshot().await;
    assert_eq!(before.tables, after.tables, "the GETs changed the database");
    assert_eq!(
        before.data_version, after.data_version,
        "another connection committed during the GETs"
    );
    assert!(
        store.checkpoint(INTERVIEW_LIST).await.unwrap() < head,
        "a GET folded the log"
    );
    app.stop().await;
}

per_backend!(
    twenty_thousand_open_interviews_the_oldest_is_ended_and_its_neighbour_answered,
    an_idle_web_interview_ends_as_abandoned_and_is_summarised,
    gets_append_nothing_and_fold_nothing
);
