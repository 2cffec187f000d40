//! Duels on Discord (issue 16, point 3), end to end: the real app (SQLite, the coach
//! on a fake Anthropic, the real sandbox judging) against the loopback fake of Discord,
//! with the engine's clock injected. A duel offered, accepted, both threads opened on
//! the same problem at the same moment, the first passing submission wins and the
//! result (times, attempts, ratings) is posted in the channel and both threads, and the
//! loser who never passes is shown "did not finish" at the time limit; two
//! passes in the same second give one winner; an offer expires; the time limit ends a
//! duel with no winner; refusals are private and append nothing.

use crate::common;
use crate::discord_fake;

use chrono::{TimeZone, Utc};
use common::fake_anthropic::FakeAnthropic;
use discord_fake::*;
use interview_coach::domain::{Duel, DuelPhase, Event, StreamId};
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::ports::Storage;
use serde_json::{Value, json};
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
/// Code that fails every case of any problem.
const WRONG: &str = "raise ValueError('not yet')\n";

/// A third member, and a bot.
const ZED: u64 = 600_000_000_000_000_003;
const ROBOT: u64 = 600_000_000_000_000_099;

struct Rig {
    discord: FakeDiscord,
    _claude: FakeAnthropic,
    engine: Engine,
    store: Arc<dyn Storage>,
    clock: Arc<ManualClock>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn rig(db: &common::TestDb) -> Rig {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let mut flags = app_flags(&discord, &claude);
    flags.extend(
        ["--coach-cooldown-seconds", "0", "--timer-tick-seconds", "1"]
            .iter()
            .map(|s| s.to_string()),
    );
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    let store = db.open().await;
    let app =
        interview_coach::app::App::with_store(store.clone(), serve_args(&flags), clock.clone())
            .await
            .expect("app builds");
    let engine = app.engine().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    discord
        .wait_for("command registration", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    Rig {
        discord,
        _claude: claude,
        engine,
        store,
        clock,
        _stop: stop,
    }
}

/// `/duel challenge` from `who` against `whom` (a user, maybe a bot) with `options`.
fn challenge(id: u64, who: (u64, &str), whom: (u64, &str, bool), minutes: Option<u32>) -> Value {
    let mut options = vec![
        json!({"name": "member", "type": 6, "value": whom.0.to_string()}),
        // A choice parameter: the index of "easy".
        json!({"name": "difficulty", "type": 4, "value": 0}),
    ];
    if let Some(m) = minutes {
        options.push(json!({"name": "minutes", "type": 4, "value": m}));
    }
    let data = json!({"id": "1", "name": "duel", "type": 1, "options": [{
        "name": "challenge", "type": 1, "options": options
    }], "resolved": {"users": {whom.0.to_string(): user(whom.0, whom.1, whom.2)}}});
    interaction(id, CHANNEL, who.0, who.1, data)
}

/// The custom id of the Accept (or Decline) button under the offer answering `id`.
async fn offer_button(discord: &FakeDiscord, id: u64, accept: bool) -> String {
    let call = discord
        .wait_for("the offer", |c| {
            c.path == format!("/api/v10/interactions/{id}/token{id}/callback")
        })
        .await;
    let buttons = &call.body["data"]["components"][0]["components"];
    buttons[if accept { 0 } else { 1 }]["custom_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no buttons on the offer: {}", call.body))
        .to_string()
}

/// The private text answering interaction `id` (a callback or an edited deferral).
async fn private_text(discord: &FakeDiscord, id: u64) -> String {
    let call = discord
        .wait_for("a private answer", |c| {
            let mine = c.path.contains(&format!("/token{id}"));
            let text = c.body["content"]
                .as_str()
                .or_else(|| c.body["data"]["content"].as_str());
            mine && text.is_some()
        })
        .await;
    call.body["content"]
        .as_str()
        .or_else(|| call.body["data"]["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

fn is_private(discord: &FakeDiscord, id: u64) -> bool {
    discord.calls().iter().any(|c| {
        c.path == format!("/api/v10/interactions/{id}/token{id}/callback")
            && c.body["data"]["flags"].as_u64() == Some(64)
    })
}

/// The thread whose problem post names `member`.
async fn thread_of(discord: &FakeDiscord, member: u64) -> u64 {
    let call = discord
        .wait_for("a duel thread's problem", |c| {
            c.method == "POST"
                && c.path.ends_with("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&format!("Interview for <@{member}>")))
        })
        .await;
    call.path.split('/').nth(4).unwrap().parse().unwrap()
}

async fn duel_streams(store: &Arc<dyn Storage>) -> Vec<(StreamId, Duel)> {
    let all = store.read_all(0, 10_000).await.expect("read the log");
    let mut ids: Vec<StreamId> = all
        .iter()
        .map(|r| r.stream_id.clone())
        .filter(|s| s.as_str().starts_with("duel:"))
        .collect();
    ids.dedup();
    let mut out = vec![];
    for id in ids {
        let events = store.read_stream(&id, 1).await.expect("read a duel");
        out.push((id, Duel::from_events(events.iter().map(|r| &r.event))));
    }
    out
}

async fn wait_for_phase(store: &Arc<dyn Storage>, phase: DuelPhase) -> Duel {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some((_, d)) = duel_streams(store)
            .await
            .into_iter()
            .find(|(_, d)| d.phase == phase)
        {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no duel reached {phase:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn posts_in(discord: &FakeDiscord, channel: u64, part: &str) -> usize {
    discord.count(|c| {
        c.method == "POST"
            && c.path == format!("/api/v10/channels/{channel}/messages")
            && c.body["content"].as_str().is_some_and(|t| t.contains(part))
    })
}

async fn wait_for_post(discord: &FakeDiscord, channel: u64, part: &str) -> String {
    let call = discord
        .wait_for(part, |c| {
            c.method == "POST"
                && c.path == format!("/api/v10/channels/{channel}/messages")
                && c.body["content"].as_str().is_some_and(|t| t.contains(part))
        })
        .await;
    call.body["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Offer (Maya to Leo) and accept; the two threads (Maya's, Leo's).
async fn accepted(r: &Rig, minutes: Option<u32>) -> (u64, u64) {
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5001, (MAYA, "Maya"), (LEO, "Leo", false), minutes),
    );
    let accept = offer_button(&r.discord, 5001, true).await;
    r.discord.dispatch(
        "INTERACTION_CREATE",
        button_press(5002, CHANNEL, LEO, "Leo", &accept),
    );
    let maya = thread_of(&r.discord, MAYA).await;
    let leo = thread_of(&r.discord, LEO).await;
    wait_for_phase(&r.store, DuelPhase::Running).await;
    (maya, leo)
}

fn fenced(code: &str) -> String {
    format!("```python\n{code}```")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duel_is_won_by_the_first_submission_to_pass_every_hidden_test() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    let (maya, leo) = accepted(&r, None).await;
    assert_ne!(maya, leo, "each has a thread of their own");
    // Private threads (type 12), each with only its duelist added.
    let made: Vec<_> = r
        .discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path == format!("/api/v10/channels/{CHANNEL}/threads"))
        .collect();
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|c| c.body["type"] == 12), "private threads");
    for (thread, member) in [(maya, MAYA), (leo, LEO)] {
        let prefix = format!("/api/v10/channels/{thread}/thread-members/");
        let added: Vec<String> = r
            .discord
            .calls()
            .into_iter()
            .filter(|c| c.method == "PUT" && c.path.starts_with(&prefix))
            .map(|c| c.path[prefix.len()..].to_string())
            .collect();
        assert_eq!(added, vec![member.to_string()], "only the duelist is added");
    }
    let duel = wait_for_phase(&r.store, DuelPhase::Running).await;
    let started = duel.started.clone().expect("started");
    let mut problems = vec![];
    for stream in [&started.challenger_interview, &started.opponent_interview] {
        let (state, _) = r.engine.load(stream).await.expect("interview");
        let s = state.started.expect("an interview");
        assert_eq!(s.at, started.at, "both clocks start at the same moment");
        problems.push(s.problem);
    }
    assert_eq!(problems[0], problems[1], "the same problem for both");
    wait_for_post(&r.discord, CHANNEL, "The duel is on").await;

    // Leo submits a wrong answer; a minute later Maya a right one.
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6001, leo, LEO, "Leo", &fenced(WRONG)),
    );
    r.clock.advance(chrono::Duration::seconds(75));
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6002, maya, MAYA, "Maya", &fenced(&correct(&duel))),
    );

    let won = wait_for_phase(&r.store, DuelPhase::Won).await;
    let w = won.won.expect("a winner");
    assert_eq!(w.winner.user_id, MAYA.to_string());
    assert_eq!((w.winner_attempts, w.loser_attempts), (1, 1));
    let result = wait_for_post(&r.discord, CHANNEL, "won the duel").await;
    assert!(result.contains(&format!("<@{MAYA}> won")), "{result}");
    assert!(
        result.contains("1m 15s") && result.contains("1 attempt"),
        "{result}"
    );
    assert!(
        result.contains("1200 → 1216") && result.contains("1200 → 1184"),
        "{result}"
    );
    for thread in [maya, leo] {
        wait_for_post(&r.discord, thread, "won the duel").await;
    }

    // Posted once each, and ratings show in /duel ratings.
    assert_eq!(posts_in(&r.discord, CHANNEL, "won the duel"), 1);
    let ratings = json!({"id": "1", "name": "duel", "type": 1, "options": [{
        "name": "ratings", "type": 1, "options": []}]});
    r.discord.dispatch(
        "INTERACTION_CREATE",
        interaction(5100, CHANNEL, LEO, "Leo", ratings),
    );
    let text = private_text(&r.discord, 5100).await;
    assert!(
        text.contains("1. Maya 1216 (1W 0L)") && text.contains("2. Leo 1184 (0W 1L)"),
        "{text}"
    );
    assert!(is_private(&r.discord, 5100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_passes_in_the_same_second_give_one_winner_and_both_are_told() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    let (maya, leo) = accepted(&r, None).await;
    let code = fenced(&correct(
        &wait_for_phase(&r.store, DuelPhase::Running).await,
    ));
    r.clock.advance(chrono::Duration::seconds(30));
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6101, maya, MAYA, "Maya", &code),
    );
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6102, leo, LEO, "Leo", &code),
    );
    // Both runs are recorded (the same clock second), then exactly one DuelWon.
    let passed = |events: &[interview_coach::ports::RecordedEvent]| {
        events
            .iter()
            .any(|e| matches!(&e.event, Event::TestsRun(t) if t.tests.passed() == t.tests.total()))
    };
    let duel = wait_for_phase(&r.store, DuelPhase::Won).await;
    let s = duel.started.clone().expect("started");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, a) = r.engine.load(&s.challenger_interview).await.expect("a");
        let (_, b) = r.engine.load(&s.opponent_interview).await.expect("b");
        if passed(&a) && passed(&b) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "both should pass");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let duels = duel_streams(&r.store).await;
    let (stream, _) = &duels[0];
    let events = r.store.read_stream(stream, 1).await.expect("duel");
    let wins = events
        .iter()
        .filter(|e| matches!(e.event, Event::DuelWon(_)))
        .count();
    assert_eq!(wins, 1, "exactly one winner");
    for thread in [maya, leo] {
        wait_for_post(&r.discord, thread, "won the duel").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_win_a_loser_who_never_passes_is_shown_as_not_finished_at_the_limit() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    let (maya, leo) = accepted(&r, Some(5)).await;
    let duel = wait_for_phase(&r.store, DuelPhase::Running).await;
    let leos = duel.started.clone().expect("started").opponent_interview;
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6401, leo, LEO, "Leo", &fenced(WRONG)),
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    while !r
        .engine
        .load(&leos)
        .await
        .expect("Leo's interview")
        .1
        .iter()
        .any(|e| matches!(e.event, Event::CodeSubmitted(_)))
    {
        assert!(tokio::time::Instant::now() < deadline, "Leo's submission");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    r.clock.advance(chrono::Duration::seconds(60));
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6402, maya, MAYA, "Maya", &fenced(&correct(&duel))),
    );
    wait_for_phase(&r.store, DuelPhase::Won).await;
    wait_for_post(&r.discord, CHANNEL, "won the duel").await;

    // The limit: Leo never passed.
    r.clock.advance(chrono::Duration::minutes(5));
    let text = wait_for_post(&r.discord, CHANNEL, "did not finish").await;
    assert!(
        text.contains(&format!(
            "Final: <@{MAYA}> 1m 00s (1 attempt), <@{LEO}> did not finish, 1 attempt."
        )),
        "{text}"
    );
    for thread in [maya, leo] {
        wait_for_post(&r.discord, thread, "did not finish").await;
    }
    let (_, done) = duel_streams(&r.store).await.remove(0);
    let finish = done.runner_up.expect("the runner-up's finish");
    assert_eq!((finish.seconds, finish.attempts), (None, 1));
    assert_eq!(done.won.expect("won").winner.user_id, MAYA.to_string());
    assert_eq!(posts_in(&r.discord, CHANNEL, "did not finish"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_offer_expires_after_ten_minutes() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5201, (MAYA, "Maya"), (LEO, "Leo", false), None),
    );
    let accept = offer_button(&r.discord, 5201, true).await;
    wait_for_phase(&r.store, DuelPhase::Offered).await;
    r.clock.advance(chrono::Duration::minutes(10));
    wait_for_phase(&r.store, DuelPhase::Expired).await;
    wait_for_post(&r.discord, CHANNEL, "expired").await;
    // Accepting now is refused privately and appends nothing.
    let before = r.store.head().await.expect("head");
    r.discord.dispatch(
        "INTERACTION_CREATE",
        button_press(5202, CHANNEL, LEO, "Leo", &accept),
    );
    let text = private_text(&r.discord, 5202).await;
    assert_eq!(text, "This duel offer has expired");
    assert!(is_private(&r.discord, 5202));
    assert_eq!(r.store.head().await.expect("head"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duel_nobody_passes_ends_at_its_time_limit_with_no_winner() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    let (maya, _) = accepted(&r, Some(5)).await;
    r.discord.dispatch(
        "MESSAGE_CREATE",
        message_create(6301, maya, MAYA, "Maya", &fenced(WRONG)),
    );
    r.clock.advance(chrono::Duration::minutes(5));
    let duel = wait_for_phase(&r.store, DuelPhase::TimedOut).await;
    assert!(duel.won.is_none());
    let text = wait_for_post(&r.discord, CHANNEL, "Time is up").await;
    assert!(text.contains("No winner"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_duels_are_told_privately_and_append_nothing() {
    let db = common::sqlite_db();
    let r = rig(&db).await;
    let head = || async { r.store.head().await.expect("head") };

    // With oneself, with a bot.
    let before = head().await;
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5301, (MAYA, "Maya"), (MAYA, "Maya", false), None),
    );
    assert_eq!(
        private_text(&r.discord, 5301).await,
        "You cannot duel yourself: pick another member"
    );
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5302, (MAYA, "Maya"), (ROBOT, "Robo", true), None),
    );
    assert_eq!(
        private_text(&r.discord, 5302).await,
        "Robo is a bot: duels are between members"
    );
    assert!(is_private(&r.discord, 5301) && is_private(&r.discord, 5302));
    assert_eq!(head().await, before);

    // A stranger pressing Accept on someone else's offer.
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5303, (MAYA, "Maya"), (LEO, "Leo", false), None),
    );
    let accept = offer_button(&r.discord, 5303, true).await;
    wait_for_phase(&r.store, DuelPhase::Offered).await;
    let before = head().await;
    r.discord.dispatch(
        "INTERACTION_CREATE",
        button_press(5304, CHANNEL, ZED, "Zed", &accept),
    );
    assert_eq!(
        private_text(&r.discord, 5304).await,
        "This offer is for Leo: only they can accept or decline it"
    );
    assert!(is_private(&r.discord, 5304));

    // A member already in a duel (Maya's offer is waiting).
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5305, (ZED, "Zed"), (MAYA, "Maya", false), None),
    );
    assert_eq!(
        private_text(&r.discord, 5305).await,
        "Maya is already in a duel; try again when it is over"
    );
    r.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5306, (LEO, "Leo"), (ZED, "Zed", false), None),
    );
    assert!(
        private_text(&r.discord, 5306)
            .await
            .starts_with("You are already in a duel")
    );
    assert_eq!(head().await, before, "no refusal appended anything");
}

/// The answer to interaction `id`: (its text, whether it is private, whether it carries
/// the offer's buttons).
async fn answer(discord: &FakeDiscord, id: u64) -> (String, bool, bool) {
    let call = discord
        .wait_for("an answer", |c| {
            c.path == format!("/api/v10/interactions/{id}/token{id}/callback")
        })
        .await;
    let data = &call.body["data"];
    (
        data["content"].as_str().unwrap_or_default().to_string(),
        data["flags"].as_u64() == Some(64),
        data["components"][0]["components"].is_array(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_database_offer_one_duel_to_a_member_challenged_on_both() {
    let Some(db) = common::postgres_db().await else {
        return;
    };
    let one = rig(&db).await;
    let two = rig(&db).await;
    let before = one.store.head().await.expect("head");
    // At once: Maya challenges Leo through one instance, Zed challenges Maya through
    // the other.
    one.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5501, (MAYA, "Maya"), (LEO, "Leo", false), None),
    );
    two.discord.dispatch(
        "INTERACTION_CREATE",
        challenge(5502, (ZED, "Zed"), (MAYA, "Maya", false), None),
    );
    let (a, b) = tokio::join!(answer(&one.discord, 5501), answer(&two.discord, 5502));
    let offers = [&a, &b].iter().filter(|x| x.2).count();
    assert_eq!(offers, 1, "exactly one offer is posted: {a:?} {b:?}");
    let refused = if a.2 { &b } else { &a };
    assert!(refused.1, "the refusal is private: {refused:?}");
    assert!(
        refused.0.starts_with("You are already in a duel")
            || refused.0 == "Maya is already in a duel; try again when it is over",
        "{refused:?}"
    );
    let duels = duel_streams(&one.store).await;
    assert_eq!(duels.len(), 1, "one duel recorded");
    assert_eq!(duels[0].1.phase, DuelPhase::Offered);
    assert_eq!(
        one.store.head().await.expect("head"),
        before + 1,
        "the offer and nothing else is appended"
    );
    drop((one, two));
    db.cleanup().await;
}
