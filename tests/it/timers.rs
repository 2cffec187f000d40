//! Time limits from the log: a warning five minutes before, the end at the deadline with
//! reason `time_limit` and a summary, exactly once across a restart and across two
//! engines ticking on one database.

use crate::common;

use chrono::Duration;
use common::TestDb;
use common::fake_anthropic::FakeAnthropic;
use common::fixtures::*;
use interview_coach::coach::llm::{AnthropicClient, LlmClient, TokioSleeper};
use interview_coach::coach::{Coach, CoachSettings};
use interview_coach::config::Secret;
use interview_coach::domain::*;
use interview_coach::engine::timer::{Fired, Timers};
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::problems::ProblemBank;
use interview_coach::queries::Queries;
use std::sync::Arc;
use uuid::Uuid;

async fn engine_at(db: &TestDb, minutes: i64) -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0() + Duration::minutes(minutes)));
    (Engine::new(db.open().await, clock.clone()), clock)
}

fn ends(events: &[interview_coach::ports::RecordedEvent]) -> Vec<&InterviewEnded> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::InterviewEnded(x) => Some(x),
            _ => None,
        })
        .collect()
}

per_backend!(
    a_time_limit_survives_a_restart_and_fires_once,
    two_engines_end_an_interview_once
);

async fn a_time_limit_survives_a_restart_and_fires_once(db: &TestDb) {
    let place = discord_place("timer-1");
    let s = place.stream_id();
    {
        let (engine, _) = engine_at(db, 0).await;
        engine
            .execute(&s, start(Uuid::new_v4(), place, maya()), None)
            .await
            .unwrap();
        let timers = Timers::new(engine.clone());
        assert_eq!(
            timers.tick().await.unwrap(),
            Fired::default(),
            "nothing due at the start"
        );
    } // the process stops before the limit

    // Started again 41 minutes in: the five-minute warning, once.
    let (engine, clock) = engine_at(db, 41).await;
    let timers = Timers::new(engine.clone());
    assert_eq!(
        timers.tick().await.unwrap(),
        Fired {
            warned: 1,
            ended: 0
        }
    );
    assert_eq!(timers.tick().await.unwrap(), Fired::default());

    // Stopped again, and started after the limit: the interview ends, once.
    clock.advance(Duration::minutes(20));
    let (engine2, _) = engine_at(db, 61).await;
    let timers2 = Timers::new(engine2.clone());
    assert_eq!(
        timers2.tick().await.unwrap(),
        Fired {
            warned: 0,
            ended: 1
        }
    );
    assert_eq!(timers2.tick().await.unwrap(), Fired::default());
    assert_eq!(timers.tick().await.unwrap(), Fired::default());

    let (state, events) = engine2.load(&s).await.unwrap();
    let ended = ends(&events);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].reason, EndReason::TimeLimit);
    assert_eq!(ended[0].by, EndedBy::Timer);
    let warnings = events
        .iter()
        .filter(|e| matches!(&e.event, Event::CoachReplied(r) if r.kind == ReplyKind::TimeWarning))
        .count();
    assert_eq!(warnings, 1);

    // After the deadline the candidate can no longer submit, and the coach summarises.
    let late = engine2
        .execute(
            &s,
            Command::SubmitCode(SubmitCode {
                actor: maya(),
                language: "python".into(),
                code: CODE.into(),
                source: SubmissionSource::Modal,
                at: t0() + Duration::minutes(61),
            }),
            None,
        )
        .await;
    assert!(late.is_err());
    assert_eq!(state.pending_turns().len(), 1);
    let fake = FakeAnthropic::start().await;
    let llm: Arc<dyn LlmClient> = Arc::new(AnthropicClient::new(
        Secret::new("k"),
        fake.uri(),
        "claude-sonnet-4-5".into(),
        std::time::Duration::from_secs(10),
    ));
    let coach = Coach::new(
        engine2.clone(),
        Queries::new(db.open().await),
        Some(llm),
        CoachSettings::default(),
        Arc::new(TokioSleeper),
        Arc::new(ProblemBank::load_default().unwrap()),
    );
    coach.process_stream(&s).await.unwrap();
    let (state, events) = engine2.load(&s).await.unwrap();
    assert_eq!(state.phase(), Phase::Summarised);
    let summary = events.iter().find_map(|e| match &e.event {
        Event::SummaryWritten(x) => Some(x),
        _ => None,
    });
    assert_eq!(summary.unwrap().duration_seconds, 61 * 60);
}

async fn two_engines_end_an_interview_once(db: &TestDb) {
    let place = discord_place("timer-2");
    let s = place.stream_id();
    let (a, _) = engine_at(db, 0).await;
    a.execute(&s, start(Uuid::new_v4(), place, maya()), None)
        .await
        .unwrap();
    let (a, _) = engine_at(db, 46).await;
    let (b, _) = engine_at(db, 46).await;
    let (ta, tb) = (Timers::new(a.clone()), Timers::new(b.clone()));
    let (ra, rb) = tokio::join!(ta.tick(), tb.tick());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.ended + rb.ended, 1, "exactly one engine ended it");
    assert_eq!(ends(&a.load(&s).await.unwrap().1).len(), 1);
}
