//! The daily problem on Discord end to end (issue 16, points 2 and 5), against the
//! loopback Discord fake, with the app on port 0 and its clock injected (a
//! `ManualClock` the test moves, never a sleep): `/daily set` at 09:00 Europe/Berlin is
//! posted at 08:00 UTC before the March change and 07:00 UTC after it, across a restart,
//! once each; in October a day missed while the service was down is posted late once,
//! then 09:00 is 08:00 UTC again; two instances on one Postgres database post each day
//! once; a plain member's `/daily set` is refused privately and appends nothing; Solve
//! opens the member's own interview on the day's problem, and a submission passing
//! every hidden test that day shows in `/streak`.

use crate::common;
use crate::discord_fake::*;

use chrono::{DateTime, NaiveDate, Utc};
use interview_coach::app::App;
use interview_coach::domain::*;
use interview_coach::engine::{Clock, Engine, ManualClock};
use interview_coach::ports::Storage;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a valid test time")
        .with_timezone(&Utc)
}

/// A running app; stopped (and waited for) by `stop`.
struct Running {
    engine: Engine,
    port: u16,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), interview_coach::app::AppError>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// The app against `discord` on `store`, ticking every second on `clock`; returns once
/// it has registered its commands (the `registered`-th registration seen).
async fn start(
    discord: &FakeDiscord,
    store: Arc<dyn Storage>,
    clock: Arc<ManualClock>,
    registered: usize,
) -> Running {
    start_with(discord, store, clock, registered, &[]).await
}

/// As `start`, with `extra` flags (the coach's fake LLM).
async fn start_with(
    discord: &FakeDiscord,
    store: Arc<dyn Storage>,
    clock: Arc<ManualClock>,
    registered: usize,
    extra: &[String],
) -> Running {
    let mut flags: Vec<String> = [
        "--bind",
        "127.0.0.1:0",
        "--discord-token",
        "fake-token",
        "--discord-api-proxy",
        &discord.url(),
        "--discord-guild-id",
        &GUILD.to_string(),
        "--discord-shards",
        "1",
        "--timer-tick-seconds",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    flags.extend(extra.iter().cloned());
    let app = App::with_store(store, serve_args(&flags), clock)
        .await
        .expect("app builds");
    let engine = app.engine().clone();
    let port = app.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    until("command registration", || {
        discord.count(|c| c.method == "PUT" && c.path.ends_with("/commands")) >= registered
    })
    .await;
    Running {
        engine,
        port,
        stop,
        task,
    }
}

/// Polls `ready` (a positive condition) until it holds, for at most 30 s.
async fn until(what: &str, ready: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The day's posts Discord received in the channel (every POST, duplicates included).
fn posts(discord: &FakeDiscord) -> Vec<Value> {
    discord
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && c.path == format!("/api/v10/channels/{CHANNEL}/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|s| s.contains("Daily problem"))
        })
        .map(|c| c.body)
        .collect()
}

fn daily() -> StreamId {
    daily_stream(Platform::Discord, &GUILD.to_string())
}

/// The posts in the log, in order.
async fn posted(store: &dyn Storage) -> Vec<DailyPosted> {
    store
        .read_stream(&daily(), 1)
        .await
        .expect("the daily stream reads")
        .into_iter()
        .filter_map(|r| match r.event {
            Event::DailyPosted(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn command(name: &str, options: Value) -> Value {
    json!({"id": "9", "name": name, "type": 1, "options": options})
}

fn set_berlin_at_nine() -> Value {
    command(
        "daily",
        json!([{"name": "set", "type": 1, "options": [
            {"name": "time", "type": 3, "value": "09:00"},
            {"name": "zone", "type": 3, "value": "Europe/Berlin"},
        ]}]),
    )
}

/// The answer to interaction `id`: its callback message, or the follow-up after a
/// deferral.
async fn answer(discord: &FakeDiscord, id: u64) -> Value {
    let call = discord
        .wait_for("an answer", |c| {
            (c.path.starts_with(&format!("/api/v10/interactions/{id}/")) && c.body["type"] == 4)
                || (c.path.starts_with("/api/v10/webhooks/")
                    && c.path.contains(&format!("/token{id}")))
        })
        .await;
    if call.body["type"] == 4 {
        call.body["data"].clone()
    } else {
        call.body
    }
}

async fn wait_posts(discord: &FakeDiscord, store: &dyn Storage, n: usize) -> Vec<DailyPosted> {
    until(&format!("{n} daily posts"), || posts(discord).len() >= n).await;
    posted(store).await
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid date")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nine_in_berlin_is_posted_once_a_day_across_the_march_change_and_a_restart() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let clock = Arc::new(ManualClock::new(t("2026-03-27T12:00:00Z")));
    let app = start(&discord, store.clone(), clock.clone(), 1).await;

    // A plain member (no Manage Server) is refused privately; nothing is appended.
    let mut plain = interaction(7001, CHANNEL, LEO, "Leo", set_berlin_at_nine());
    plain["member"]["permissions"] = json!("2048");
    discord.dispatch("INTERACTION_CREATE", plain);
    let refused = answer(&discord, 7001).await;
    assert_eq!(refused["flags"], 64, "private: {refused}");
    assert!(refused.to_string().contains("Manage Server"), "{refused}");
    assert_eq!(app.engine.load_daily(&daily()).await.unwrap().version, 0);

    // An organiser sets it.
    let set = interaction(7002, CHANNEL, MAYA, "Maya", set_berlin_at_nine());
    discord.dispatch("INTERACTION_CREATE", set);
    let done = answer(&discord, 7002).await;
    assert_eq!(done["flags"], 64, "private: {done}");
    assert!(
        done.to_string()
            .contains("every day at 09:00 Europe/Berlin"),
        "{done}"
    );

    // Saturday 28 March, winter time: 09:00 in Berlin is 08:00 UTC.
    clock.set(t("2026-03-28T08:00:00Z"));
    let log = wait_posts(&discord, store.as_ref(), 1).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].day, log[0].due_at),
        (day("2026-03-28"), t("2026-03-28T08:00:00Z"))
    );
    let message = &posts(&discord)[0];
    assert!(
        message["components"]
            .to_string()
            .contains("daily:solve:2026-03-28"),
        "{message}"
    );

    // A restart in the night of the change; Sunday 29 March, summer time: 07:00 UTC.
    app.stop().await;
    clock.set(t("2026-03-29T06:30:00Z"));
    let app = start(&discord, store.clone(), clock.clone(), 2).await;
    clock.set(t("2026-03-29T07:00:00Z"));
    let log = wait_posts(&discord, store.as_ref(), 2).await;
    assert_eq!(log.len(), 2, "one post per day: {log:?}");
    assert_eq!(
        (log[1].day, log[1].due_at),
        (day("2026-03-29"), t("2026-03-29T07:00:00Z"))
    );
    assert_eq!(
        posts(&discord).len(),
        2,
        "each day reached the channel once"
    );
    assert_ne!(
        log[0].problem, log[1].problem,
        "not the same problem two days running"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_missed_while_down_is_posted_late_once_then_october_is_eight_utc_again() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let clock = Arc::new(ManualClock::new(t("2026-10-20T12:00:00Z")));
    let app = start(&discord, store.clone(), clock.clone(), 1).await;
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(7101, CHANNEL, MAYA, "Maya", set_berlin_at_nine()),
    );
    answer(&discord, 7101).await;
    app.stop().await;

    // Down over Saturday 24 October's 09:00 (07:00 UTC, summer time); back at 10:00 UTC.
    clock.set(t("2026-10-24T10:00:00Z"));
    let app = start(&discord, store.clone(), clock.clone(), 2).await;
    let log = wait_posts(&discord, store.as_ref(), 1).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].day, log[0].due_at),
        (day("2026-10-24"), t("2026-10-24T07:00:00Z"))
    );
    assert_eq!(
        log[0].at,
        t("2026-10-24T10:00:00Z"),
        "posted late, when back"
    );

    // Sunday 25 October, winter time again: 09:00 in Berlin is 08:00 UTC.
    clock.set(t("2026-10-25T08:00:00Z"));
    let log = wait_posts(&discord, store.as_ref(), 2).await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(
        (log[1].day, log[1].due_at),
        (day("2026-10-25"), t("2026-10-25T08:00:00Z"))
    );
    assert_eq!(
        posts(&discord).len(),
        2,
        "the late day once, and the next day once"
    );

    // `privacy forget` of the organiser erases her name from the schedule; the daily
    // stream still folds the same.
    let report = app
        .engine
        .forget_member(&format!("discord:{MAYA}"))
        .await
        .expect("forget runs");
    assert_eq!(report.events_rewritten, 1, "{report:?}");
    let first = store
        .read_stream(&daily(), 1)
        .await
        .unwrap()
        .remove(0)
        .event;
    let Event::DailyScheduled(schedule) = first else {
        panic!("the stream starts with the schedule: {first:?}");
    };
    assert_eq!(schedule.by.name, erasure::ERASED);
    assert_eq!(schedule.time_zone, "Europe/Berlin");
    assert_eq!(
        app.engine.load_daily(&daily()).await.unwrap().last_day,
        Some(day("2026-10-25"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_database_post_each_day_once_across_both_changes_and_a_restart()
 {
    let Some(db) = common::postgres_db().await else {
        return;
    };
    let discord = FakeDiscord::start().await;
    let clock = Arc::new(ManualClock::new(t("2026-03-27T12:00:00Z")));
    let one = start(&discord, db.open().await, clock.clone(), 1).await;
    let two = start(&discord, db.open().await, clock.clone(), 2).await;
    let organiser = Actor::new(Platform::Discord, MAYA.to_string(), "Maya");
    let set = DailyCommand::Set {
        channel: CHANNEL.to_string(),
        local_time: chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
        time_zone: "Europe/Berlin".into(),
        difficulty: None,
        topics: vec![],
        by: organiser,
        may_manage: true,
        who: "members with the Manage Server permission".into(),
        at: clock.now(),
    };
    one.engine
        .execute_daily(&daily(), set, Some("set-once"))
        .await
        .expect("the organiser's set is accepted");
    let store = db.open().await;
    // Both changes of the year: 09:00 Berlin is 08:00 UTC, then 07:00, then 08:00 again.
    // Each step waits for the next post, so by the last one both instances have ticked
    // past every earlier post (a duplicate would have been made by then).
    let days = [
        "2026-03-28T08:00:00Z",
        "2026-03-29T07:00:00Z",
        "2026-10-24T07:00:00Z",
        "2026-10-25T08:00:00Z",
    ];
    let mut one = Some(one);
    for (i, now) in days.iter().enumerate() {
        if i == 2 {
            // One instance restarts between the March and the October change.
            if let Some(old) = one.take() {
                old.stop().await;
            }
            one = Some(start(&discord, db.open().await, clock.clone(), 3).await);
        }
        clock.set(t(now));
        let log = wait_posts(&discord, store.as_ref(), i + 1).await;
        assert_eq!(log.len(), i + 1, "{log:?}");
        assert_eq!(log[i].due_at, t(now));
        assert_eq!(
            posts(&discord).len(),
            i + 1,
            "each day once, whichever instance posted it"
        );
    }
    if let Some(one) = one {
        one.stop().await;
    }
    two.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solve_opens_the_members_interview_and_passing_every_hidden_test_that_day_is_a_streak() {
    let discord = FakeDiscord::start().await;
    let claude = common::fake_anthropic::FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    let clock = Arc::new(ManualClock::new(t("2026-03-27T12:00:00Z")));
    let coach = [
        "--anthropic-api-key",
        "test-key",
        "--anthropic-base-url",
        &claude.uri(),
        "--coach-cooldown-seconds",
        "0",
    ]
    .map(String::from);
    let app = start_with(&discord, store.clone(), clock.clone(), 1, &coach).await;
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(7201, CHANNEL, MAYA, "Maya", set_berlin_at_nine()),
    );
    answer(&discord, 7201).await;
    clock.set(t("2026-03-28T08:00:00Z"));
    let log = wait_posts(&discord, store.as_ref(), 1).await;
    let problem = log[0].problem.clone();

    // Leo presses Solve under the post: his own interview, on the day's problem.
    discord.dispatch(
        "INTERACTION_CREATE",
        button_press(7202, CHANNEL, LEO, "Leo", "daily:solve:2026-03-28"),
    );
    let ready = answer(&discord, 7202).await.to_string();
    let thread: u64 = ready
        .split("<#")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the answer names the thread: {ready}"));
    let stream = StreamId::new(format!("discord:{GUILD}:{thread}"));
    let (interview, _) = app.engine.load(&stream).await.unwrap();
    let started = interview.started.expect("the interview started");
    assert_eq!(started.problem, problem);
    assert_eq!(started.candidate.user_id, LEO.to_string());

    // At 21:00 Berlin that day Leo explains his approach, then submits the bank's own
    // solution in the thread: the real judge runs it in the sandbox before the review.
    clock.set(t("2026-03-28T20:00:00Z"));
    let id = log[0].problem_id().to_string();
    let solution = std::fs::read_to_string(format!(
        "{}/problems/solutions/{id}/solution.py",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("every bank problem has a Python solution");
    let approach = "I will go through the input once, keeping what I need in a map.";
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(7210, thread, LEO, "Leo", approach),
    );
    let code = format!("```python\n{solution}\n```");
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(7211, thread, LEO, "Leo", &code),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let run = loop {
        let (_, events) = app.engine.load(&stream).await.unwrap();
        let run = events.into_iter().find_map(|r| match r.event {
            Event::TestsRun(run) if run.submission().is_some() => Some(run),
            _ => None,
        });
        if let Some(run) = run {
            break run;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the submission was never tested"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(run.tests.total() > 0, "{run:?}");
    assert_eq!(
        run.tests.passed(),
        run.tests.total(),
        "every hidden test passed: {run:?}"
    );
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(7203, CHANNEL, LEO, "Leo", command("streak", json!([]))),
    );
    let streak = answer(&discord, 7203).await.to_string();
    assert!(
        streak.contains("daily streak: 1 day (longest 1"),
        "{streak}"
    );

    // `/stats` shows it; the leaderboard ranks its members by streak once Leo joins.
    let stats = interaction(7204, CHANNEL, LEO, "Leo", command("stats", json!([])));
    discord.dispatch("INTERACTION_CREATE", stats);
    let stats = answer(&discord, 7204).await.to_string();
    assert!(
        stats.contains("Daily problem") && stats.contains("1 day"),
        "{stats}"
    );
    let board = |id: u64, sub: &str| {
        let options = json!([{"name": sub, "type": 1, "options": []}]);
        interaction(id, CHANNEL, LEO, "Leo", command("leaderboard", options))
    };
    discord.dispatch("INTERACTION_CREATE", board(7205, "streaks"));
    let before = answer(&discord, 7205).await.to_string();
    assert!(
        !before.contains(&format!("<@{LEO}>")),
        "not joined yet: {before}"
    );
    discord.dispatch("INTERACTION_CREATE", board(7206, "join"));
    answer(&discord, 7206).await;
    discord.dispatch("INTERACTION_CREATE", board(7207, "streaks"));
    let ranked = answer(&discord, 7207).await.to_string();
    assert!(
        ranked.contains(&format!("1. <@{LEO}> · streak 1")),
        "{ranked}"
    );

    // The web page: the interview list marks the daily interview, progress shows the streak.
    let base = format!("http://127.0.0.1:{}", app.port);
    let list: Value = reqwest::get(format!("{base}/api/interviews"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = list["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stream_id"] == stream.as_str())
        .unwrap_or_else(|| panic!("the daily interview is listed: {list}"));
    assert_eq!(row["daily"], "2026-03-28", "{row}");
    let progress: Value = reqwest::get(format!("{base}/api/members/discord:{LEO}/progress"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(progress["daily"][0]["current"], 1, "{progress}");
    assert_eq!(
        progress["daily"][0]["community"],
        format!("discord:{GUILD}")
    );
    app.stop().await;
}
