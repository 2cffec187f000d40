//! The daily problem on Slack end to end (issue 16): the HTTP Events API transport and
//! the Web API on the loopback fake, the app's clock injected. A plain member's
//! `/daily set` is refused privately (naming who may) and appends nothing; the
//! channel's creator sets it; at 09:00 Europe/Berlin the day's post goes to the channel
//! once, with a Solve button; Solve opens the member's own interview on that problem;
//! `/daily` and `/streak` answer privately.

use crate::common;
use crate::slack_common;

use chrono::{DateTime, Utc};
use common::fake_anthropic::FakeAnthropic;
use interview_coach::domain::{Event, Platform, daily_stream};
use interview_coach::engine::{Clock, ManualClock};
use slack_common::*;
use std::sync::Arc;

/// `/command text` by `user`, signed at the app's clock (the signature check reads it).
async fn slash(
    app: &SlackApp,
    clock: &ManualClock,
    user: (&str, &str),
    command: &str,
    text: &str,
    trigger: &str,
) -> u16 {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("team_id", TEAM)
        .append_pair("channel_id", CHANNEL)
        .append_pair("user_id", user.0)
        .append_pair("user_name", user.1)
        .append_pair("command", command)
        .append_pair("text", text)
        .append_pair("response_url", "https://hooks.slack.com/commands/x")
        .append_pair("trigger_id", trigger)
        .finish();
    let form = "application/x-www-form-urlencoded";
    let at = Some(clock.now().timestamp());
    let response = app
        .post_signed("/slack/commands", &body, form, at, None)
        .await;
    response.status().as_u16()
}

/// An interaction `payload`, signed at the app's clock.
async fn interaction(app: &SlackApp, clock: &ManualClock, payload: &serde_json::Value) -> u16 {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish();
    let form = "application/x-www-form-urlencoded";
    let at = Some(clock.now().timestamp());
    let response = app
        .post_signed("/slack/interactions", &body, form, at, None)
        .await;
    response.status().as_u16()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a valid test time")
        .with_timezone(&Utc)
}

fn ephemerals(slack: &FakeSlack, user: &str) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .into_iter()
        .filter(|c| c.body["user"] == user)
        .map(|c| c.body.to_string())
        .collect()
}

async fn wait_ephemeral(slack: &FakeSlack, user: &str, n: usize) -> String {
    wait_for("an ephemeral answer", || ephemerals(slack, user).len() >= n).await;
    ephemerals(slack, user)[n - 1].clone()
}

/// The first private answer to `user` containing `needle`, waited for (progress lines
/// of a run may come in between).
async fn wait_ephemeral_with(slack: &FakeSlack, user: &str, needle: &str) -> String {
    let found = || {
        ephemerals(slack, user)
            .into_iter()
            .find(|e| e.contains(needle))
    };
    wait_for(needle, || found().is_some()).await;
    found().unwrap_or_default()
}

/// The day's posts made in the channel (top level, every call).
fn daily_posts(slack: &FakeSlack) -> Vec<serde_json::Value> {
    slack
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["thread_ts"].is_null() && c.body.to_string().contains("Daily problem"))
        .map(|c| c.body)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_problem_on_slack_refused_set_posted_once_and_solved_in_a_thread() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let clock = Arc::new(ManualClock::new(t("2026-03-27T12:00:00Z")));
    let transport = [
        "--slack-signing-secret",
        SECRET,
        "--timer-tick-seconds",
        "1",
    ];
    let app = SlackApp::start_with_clock(
        db.open().await,
        &slack,
        &llm.uri(),
        &transport,
        clock.clone(),
    )
    .await;
    let stream = daily_stream(Platform::Slack, TEAM);

    // Ana is neither an admin nor the channel's creator: refused, nothing appended.
    let set = "set 09:00 Europe/Berlin easy";
    assert_eq!(slash(&app, &clock, ANA, "/daily", set, "t-1").await, 200);
    let refused = wait_ephemeral(&slack, ANA.0, 1).await;
    assert!(
        refused.contains("workspace admins and the channel's creator"),
        "{refused}"
    );
    assert!(
        app.events(&stream).await.is_empty(),
        "a refusal appends nothing"
    );

    // Omar created the channel: the daily is set.
    assert_eq!(slash(&app, &clock, OMAR, "/daily", set, "t-2").await, 200);
    let done = wait_ephemeral(&slack, OMAR.0, 1).await;
    assert!(done.contains("every day at 09:00 Europe/Berlin"), "{done}");
    assert!(matches!(
        app.events(&stream).await.as_slice(),
        [Event::DailyScheduled(_)]
    ));

    // Saturday 28 March: 09:00 in Berlin is 08:00 UTC. One post, with Solve.
    clock.set(t("2026-03-28T08:00:00Z"));
    wait_for("the day's post", || !daily_posts(&slack).is_empty()).await;
    let events = app
        .wait_events(&stream, |e| {
            e.iter().any(|e| matches!(e, Event::DailyPosted(_)))
        })
        .await;
    let Some(Event::DailyPosted(post)) = events.last() else {
        panic!("the last event is the post: {events:?}");
    };
    assert_eq!(post.due_at, t("2026-03-28T08:00:00Z"));
    let message = daily_posts(&slack).remove(0);
    assert!(message.to_string().contains("ic_daily_solve"), "{message}");
    assert!(message.to_string().contains("2026-03-28"), "{message}");

    // `/daily` names today's problem.
    assert_eq!(slash(&app, &clock, ANA, "/daily", "", "t-3").await, 200);
    let today = wait_ephemeral(&slack, ANA.0, 2).await;
    assert!(today.contains(post.problem.title()), "{today}");

    // Ana presses Solve: a root message for her own interview on that problem.
    let press = serde_json::json!({
        "type": "block_actions", "team": {"id": TEAM, "domain": "t"}, "api_app_id": "A1",
        "user": {"id": ANA.0, "username": ANA.1, "name": ANA.1, "team_id": TEAM},
        "trigger_id": "trigger-solve",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": CHANNEL},
        "channel": {"id": CHANNEL, "name": "interview-practice"},
        "actions": [{"type": "button", "action_id": "ic_daily_solve", "block_id": "daily_actions",
                     "value": "2026-03-28", "action_ts": "1700000100.000001"}]
    });
    assert_eq!(interaction(&app, &clock, &press).await, 200);
    wait_for("the interview's root message", || {
        slack
            .calls("chat.postMessage")
            .iter()
            .any(|c| c.body.to_string().contains("Mock interview for <@U_ANA>"))
    })
    .await;
    let root = slack
        .calls("chat.postMessage")
        .into_iter()
        .find(|c| c.body.to_string().contains("Mock interview for <@U_ANA>"))
        .and_then(|c| c.ts)
        .expect("the root message has a ts");
    let started = app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    let Some(Event::InterviewStarted(s)) = started.first() else {
        panic!("the interview started: {started:?}");
    };
    assert_eq!(s.problem, post.problem);
    assert_eq!(s.candidate.user_id, ANA.0);

    // `/streak`: nothing solved yet.
    assert_eq!(slash(&app, &clock, ANA, "/streak", "", "t-4").await, 200);
    let streak = wait_ephemeral(&slack, ANA.0, 3).await;
    assert!(streak.contains("Your daily streak: 0 days"), "{streak}");
    assert_eq!(daily_posts(&slack).len(), 1, "the day was posted once");

    // At 09:20 Berlin (within the interview's 45 minutes) Ana explains, then replies
    // with the bank's own solution: the real judge runs it in the sandbox before the
    // review, and the day is solved.
    clock.set(t("2026-03-28T08:20:00Z"));
    let solution = std::fs::read_to_string(format!(
        "{}/problems/solutions/{}/solution.py",
        env!("CARGO_MANIFEST_DIR"),
        post.problem_id()
    ))
    .expect("every bank problem has a Python solution");
    let approach = "One pass over the input, keeping what I need in a map.";
    let code = format!("```python\n{solution}\n```");
    for (n, text) in [(1, approach), (2, code.as_str())] {
        let ts = format!("1700000300.00000{n}");
        let body = thread_message(&format!("Ev{n}"), ANA.0, &root, &ts, text).to_string();
        let at = Some(clock.now().timestamp());
        let sent = app.post_signed("/slack/events", &body, "application/json", at, None);
        assert_eq!(sent.await.status(), 200);
    }
    let events = app
        .wait_events(&stream_of(&root), |e| {
            e.iter()
                .any(|e| matches!(e, Event::TestsRun(r) if r.submission().is_some()))
        })
        .await;
    let run = events
        .iter()
        .find_map(|e| match e {
            Event::TestsRun(r) if r.submission().is_some() => Some(r),
            _ => None,
        })
        .expect("the submission's run");
    assert!(
        run.tests.total() > 0 && run.tests.passed() == run.tests.total(),
        "{run:?}"
    );
    assert_eq!(slash(&app, &clock, ANA, "/streak", "", "t-4b").await, 200);
    let streak = wait_ephemeral(&slack, ANA.0, 4).await;
    assert!(
        streak.contains("Your daily streak: 1 day (longest 1"),
        "{streak}"
    );

    // The streak leaderboard lists only members who joined; none has yet.
    assert_eq!(
        slash(&app, &clock, ANA, "/leaderboard", "streaks", "t-5").await,
        200
    );
    let board = wait_ephemeral_with(
        &slack,
        ANA.0,
        "No one on this leaderboard has a daily streak",
    )
    .await;
    assert!(
        board.contains("No one on this leaderboard has a daily streak yet"),
        "{board}"
    );

    // Ana cannot turn it off either; Omar can, and the stream says so.
    let version = app.events(&stream).await.len();
    assert_eq!(slash(&app, &clock, ANA, "/daily", "off", "t-6").await, 200);
    let refusals = || {
        ephemerals(&slack, ANA.0)
            .iter()
            .filter(|e| e.contains("workspace admins and the channel's creator"))
            .count()
    };
    wait_for("the second refusal", || refusals() >= 2).await;
    assert_eq!(
        app.events(&stream).await.len(),
        version,
        "a refusal appends nothing"
    );
    assert_eq!(slash(&app, &clock, OMAR, "/daily", "off", "t-7").await, 200);
    let off = wait_ephemeral(&slack, OMAR.0, 2).await;
    assert!(off.contains("The daily problem is off"), "{off}");
    assert!(matches!(
        app.events(&stream).await.last(),
        Some(Event::DailyTurnedOff(_))
    ));
}
