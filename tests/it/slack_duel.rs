//! Duels on Slack (issue 16, point 3), end to end: the real app (SQLite, HTTP Events
//! API, the real sandbox judging) against the loopback fake of Slack. `/duel @ana` posts
//! an offer with buttons; Ana's Accept opens a root message (thread) for each duelist on
//! the same problem, in their own direct messages with the bot; the first passing
//! submission wins and the result is posted in the channel and both threads, then the
//! runner-up's later pass (both times and attempts); `/duel ratings` shows the
//! ratings. Refusals (oneself, a bot, a stranger's Accept, someone already in a duel)
//! are ephemeral and append nothing.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::FakeAnthropic;
use interview_coach::domain::{Duel, DuelPhase, Event, StreamId};
use interview_coach::ports::Storage;
use serde_json::{Value, json};
use slack_common::*;
use std::sync::Arc;

/// The bank's Python solution of the duel's problem (chosen at random among those that
/// fit), which passes every hidden test.
fn correct(duel: &Duel) -> String {
    let id = &duel.started.as_ref().expect("started").problem_id;
    let path = format!(
        "{}/problems/solutions/{id}/solution.py",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
const ZED: (&str, &str) = ("U_ZED", "zed");

/// A press on a duel offer's button (`duel_accept` / `duel_decline`).
fn duel_button(action: &str, user: (&str, &str), stream: &str, action_ts: &str) -> Value {
    let mut press = button(action, user, "1700000000.000001", action_ts);
    press["actions"][0]["value"] = json!(stream);
    press["actions"][0]["block_id"] = json!("duel_actions");
    press
}

fn told(slack: &FakeSlack, user: &str) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .into_iter()
        .filter(|c| c.body["user"] == user)
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn nth_told(slack: &FakeSlack, user: &str, n: usize) -> String {
    wait_for("a private answer", || told(slack, user).len() >= n).await;
    told(slack, user)[n - 1].clone()
}

async fn duels(store: &Arc<dyn Storage>) -> Vec<(StreamId, Duel)> {
    let all = store.read_all(0, 10_000).await.expect("log");
    let mut ids: Vec<StreamId> = all
        .iter()
        .map(|r| r.stream_id.clone())
        .filter(|s| s.as_str().starts_with("duel:slack:"))
        .collect();
    ids.dedup();
    let mut out = vec![];
    for id in ids {
        let events = store.read_stream(&id, 1).await.expect("duel");
        out.push((id, Duel::from_events(events.iter().map(|r| &r.event))));
    }
    out
}

async fn duel_in(store: &Arc<dyn Storage>, phase: DuelPhase) -> (StreamId, Duel) {
    for _ in 0..600 {
        if let Some(found) = duels(store)
            .await
            .into_iter()
            .find(|(_, d)| d.phase == phase)
        {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no duel reached {phase:?}");
}

fn channel_posts(slack: &FakeSlack, part: &str) -> Vec<Call> {
    slack
        .thread_posts_root()
        .into_iter()
        .filter(|c| c.body["text"].as_str().is_some_and(|t| t.contains(part)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duel_on_slack_is_offered_accepted_and_won_by_the_first_pass() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;

    app.slash(OMAR, "/duel", "<@U_ANA|ana> easy", "trigger-duel")
        .await;
    let (stream, _) = duel_in(&app.store, DuelPhase::Offered).await;
    wait_for("the offer", || {
        !channel_posts(&slack, "challenges").is_empty()
    })
    .await;
    let offer = &channel_posts(&slack, "challenges")[0];
    let blocks = serde_json::to_string(&offer.body["blocks"]).unwrap_or_default();
    assert!(
        blocks.contains("duel_accept") && blocks.contains(stream.as_str()),
        "{blocks}"
    );

    // A stranger's Accept is refused privately and appends nothing.
    let head = app.store.head().await.expect("head");
    app.interaction(&duel_button("duel_accept", ZED, stream.as_str(), "1.1"))
        .await;
    assert_eq!(
        nth_told(&slack, ZED.0, 1).await,
        "This offer is for ana: only they can accept or decline it"
    );
    assert_eq!(app.store.head().await.expect("head"), head);

    app.interaction(&duel_button("duel_accept", ANA, stream.as_str(), "1.2"))
        .await;
    let (_, duel) = duel_in(&app.store, DuelPhase::Running).await;
    let started = duel.started.clone().expect("started");
    let omar_root = started
        .challenger_interview
        .as_str()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let ana_root = started
        .opponent_interview
        .as_str()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(omar_root, ana_root, "a thread each");
    // Each thread is in the duelist's direct messages with the bot, not in the channel.
    for (stream, user) in [
        (&started.challenger_interview, OMAR.0),
        (&started.opponent_interview, ANA.0),
    ] {
        assert!(
            stream.as_str().contains(&format!(":{}:", dm_of(user))),
            "{stream}"
        );
    }
    for root in [&omar_root, &ana_root] {
        let post = slack
            .calls("chat.postMessage")
            .into_iter()
            .find(|c| c.ts.as_deref() == Some(root.as_str()))
            .expect("the root was posted");
        assert!(
            post.body["channel"]
                .as_str()
                .is_some_and(|c| c.starts_with('D')),
            "a duelist's problem is never posted in the channel: {}",
            post.body
        );
    }
    for s in [&started.challenger_interview, &started.opponent_interview] {
        let (state, _) = app.engine.load(s).await.expect("interview");
        assert_eq!(state.started.expect("started").at, started.at, "same start");
    }

    // Ana passes first.
    let code = format!("```python\n{}```", correct(&duel));
    app.event(
        &dm_thread_message("Ev1", ANA.0, &ana_root, "1700000100.000001", &code),
        None,
    )
    .await;
    let (_, won) = duel_in(&app.store, DuelPhase::Won).await;
    assert_eq!(won.won.expect("winner").winner.user_id, ANA.0);
    wait_for("the result in the channel", || {
        !channel_posts(&slack, "won the duel").is_empty()
    })
    .await;
    let result = channel_posts(&slack, "won the duel")[0].body["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        result.contains("<@U_ANA> won") && result.contains("1 attempt"),
        "{result}"
    );
    assert!(result.contains("ana 1200 → 1216"), "{result}");
    for root in [&omar_root, &ana_root] {
        wait_for("the result in a thread", || {
            slack.thread_posts(root).iter().any(|c| {
                c.body["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("won the duel"))
            })
        })
        .await;
    }
    let events = app.store.read_stream(&stream, 1).await.expect("duel");
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e.event, Event::DuelWon(_)))
            .count(),
        1
    );

    // Omar passes too, before the limit: the channel shows both times and attempts.
    app.event(
        &dm_thread_message("Ev2", OMAR.0, &omar_root, "1700000200.000001", &code),
        None,
    )
    .await;
    wait_for("the runner-up's line in the channel", || {
        !channel_posts(&slack, "also passed").is_empty()
    })
    .await;
    let line = channel_posts(&slack, "also passed")[0].body["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("Final: <@U_ANA>")
            && line.contains("(1 attempt), <@U_OMAR>")
            && line.ends_with("(1 attempt)."),
        "{line}"
    );
    let (_, finished) = duel_in(&app.store, DuelPhase::Won).await;
    let r = finished.runner_up.expect("the runner-up's finish");
    assert_eq!((r.member.user_id.as_str(), r.attempts), (OMAR.0, 1));
    assert!(r.seconds.is_some());
    assert_eq!(
        finished.won.expect("won").winner.user_id,
        ANA.0,
        "the win stands"
    );

    let n = told(&slack, OMAR.0).len() + 1;
    app.slash(OMAR, "/duel", "ratings", "trigger-ratings").await;
    let ratings = nth_told(&slack, OMAR.0, n).await;
    assert!(
        ratings.contains("1. ana 1216") && ratings.contains("2. omar 1184"),
        "{ratings}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_duels_on_slack_are_ephemeral_and_append_nothing() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    let head = app.store.head().await.expect("head");
    app.slash(OMAR, "/duel", "<@U_OMAR|omar>", "t1").await;
    assert_eq!(
        nth_told(&slack, OMAR.0, 1).await,
        "You cannot duel yourself: pick another member"
    );
    app.slash(OMAR, "/duel", "<@B_ROBO|robo>", "t2").await;
    assert_eq!(
        nth_told(&slack, OMAR.0, 2).await,
        "B_robo is a bot: duels are between members"
    );
    app.slash(OMAR, "/duel", "ana", "t3").await;
    assert!(
        nth_told(&slack, OMAR.0, 3)
            .await
            .starts_with("Usage: `/duel")
    );
    assert_eq!(
        app.store.head().await.expect("head"),
        head,
        "nothing appended"
    );

    // One duel at a time: Omar's offer to Ana is waiting.
    app.slash(OMAR, "/duel", "<@U_ANA|ana>", "t4").await;
    duel_in(&app.store, DuelPhase::Offered).await;
    let head = app.store.head().await.expect("head");
    app.slash(ZED, "/duel", "<@U_ANA|ana>", "t5").await;
    assert_eq!(
        nth_told(&slack, ZED.0, 1).await,
        "Ana is already in a duel; try again when it is over"
    );
    assert_eq!(app.store.head().await.expect("head"), head);
}
