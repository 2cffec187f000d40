//! Duels on the web page's API (issue 16, point 4): the interview list marks each
//! duelist's interview with the opponent and the outcome, and a member's progress lists
//! their finished duels (times, attempts, rating change) and their rating.

use crate::common;
use crate::web_common;

use common::TestDb;
use common::fixtures::{discord_place, leo, maya, start, t0};
use interview_coach::domain::*;
use interview_coach::engine::{ManualClock, duel_stream};
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;
use web_common::TestApp;

per_backend!(the_list_and_the_progress_page_show_duel_results_and_ratings);

async fn get_json(url: &str) -> Value {
    reqwest::get(url)
        .await
        .expect("request")
        .json()
        .await
        .unwrap_or(Value::Null)
}

async fn the_list_and_the_progress_page_show_duel_results_and_ratings(db: &TestDb) {
    // The app's clock at the duel's own times, so its referee expires nothing.
    let clock = Arc::new(ManualClock::new(t0()));
    let app = TestApp::start_with_clock(db.open().await, &[], clock).await;
    let engine = &app.engine;
    let (a, b) = (discord_place("901"), discord_place("902"));
    for (place, who) in [(&a, maya()), (&b, leo())] {
        let command = start(Uuid::new_v4(), place.clone(), who);
        engine
            .execute(&place.stream_id(), command, None)
            .await
            .expect("start");
    }
    let duel = duel_stream(Platform::Discord, Uuid::new_v4());
    let commands = [
        DuelCommand::Offer(OfferDuel {
            duel_id: Uuid::new_v4(),
            community: "discord:77".into(),
            channel: "500".into(),
            challenger: maya(),
            opponent: leo(),
            opponent_is_bot: false,
            challenger_busy: false,
            opponent_busy: false,
            difficulty: None,
            topic: None,
            minutes: 30,
            at: t0(),
        }),
        DuelCommand::Start {
            by: leo(),
            busy: false,
            problem_id: "two-sum".into(),
            challenger_interview: a.stream_id(),
            opponent_interview: b.stream_id(),
            at: t0(),
        },
        DuelCommand::RecordPass {
            actor: maya(),
            attempts: 2,
            rival_attempts: 1,
            at: t0() + chrono::Duration::seconds(90),
        },
        DuelCommand::FinishRunnerUp {
            passed: true,
            attempts: 3,
            at: t0() + chrono::Duration::seconds(130),
        },
    ];
    for command in commands {
        engine
            .execute_duel(&duel, command, None)
            .await
            .expect("duel");
    }

    let list = get_json(&app.url("/api/interviews")).await;
    let rows = list["interviews"].as_array().expect("rows");
    let marked = |id: &str| {
        rows.iter()
            .find(|r| r["candidate"]["id"] == id)
            .map(|r| r["duel"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(marked("discord:1001")["outcome"], "won");
    assert_eq!(marked("discord:1001")["opponent"], "Leo");
    assert_eq!(marked("discord:1002")["outcome"], "lost");

    let progress = get_json(&app.url("/api/members/discord:1001/progress")).await;
    let duels = progress["duels"].as_array().expect("duels");
    assert_eq!(duels.len(), 1, "{progress}");
    assert_eq!(duels[0]["outcome"], "won");
    assert_eq!(duels[0]["winner_seconds"], 90);
    assert_eq!(duels[0]["runner_up"], "passed");
    assert_eq!(duels[0]["runner_up_seconds"], 130);
    assert_eq!(
        (
            duels[0]["attempts"].as_u64(),
            duels[0]["opponent_attempts"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(
        (
            duels[0]["rating_before"].as_i64(),
            duels[0]["rating_after"].as_i64()
        ),
        (Some(1200), Some(1216))
    );
    assert_eq!(progress["duel_ratings"][0]["rating"], 1216);
    assert_eq!(progress["duel_ratings"][0]["community"], "discord:77");
}
