//! The engine on a real database: decide + append, refusals that write nothing,
//! duplicate deliveries, concurrent writers, pending coach work found from the log,
//! the event feed across instances, and the interview-list projection.

use crate::common;

use chrono::Duration;
use common::TestDb;
use common::fixtures::*;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, EngineError, ManualClock};
use interview_coach::ports::InterviewFilter;
use interview_coach::projections;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

per_backend!(
    a_refused_command_appends_nothing,
    a_duplicate_delivery_returns_the_first_result_without_deciding_again,
    concurrent_engines_both_get_their_message_in,
    pending_work_is_found_from_the_log_after_a_restart,
    the_feed_publishes_events_appended_by_another_instance,
    the_feed_gives_every_event_once_in_log_order_whoever_appends,
    a_state_remembered_before_another_instance_wrote_is_decided_again,
    the_interview_list_matches_a_rebuild_and_filters,
);

fn engine(store: Arc<dyn interview_coach::ports::Storage>) -> Engine {
    Engine::new(store, Arc::new(ManualClock::new(t0())))
}

async fn a_refused_command_appends_nothing(db: &TestDb) {
    let e = engine(db.open().await);
    let place = discord_place("t1");
    let s = place.stream_id();
    e.execute(&s, start(Uuid::new_v4(), place, maya()), None)
        .await
        .unwrap();
    let code = SubmitCode {
        actor: maya(),
        language: "python".into(),
        code: "   ".into(),
        source: SubmissionSource::Modal,
        at: t0(),
    };
    let err = e
        .execute(&s, Command::SubmitCode(code.clone()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, EngineError::Refused(DomainError::EmptyCode)),
        "{err}"
    );
    let stranger = SubmitCode {
        actor: leo(),
        code: CODE.into(),
        ..code
    };
    let err = e
        .execute(&s, Command::SubmitCode(stranger), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, EngineError::Refused(DomainError::OnlyCandidate { .. })),
        "{err}"
    );
    assert_eq!(
        e.load(&s).await.unwrap().1.len(),
        1,
        "only the start is in the log"
    );
}

async fn a_duplicate_delivery_returns_the_first_result_without_deciding_again(db: &TestDb) {
    let e = engine(db.open().await);
    let place = discord_place("t2");
    let s = place.stream_id();
    e.execute(
        &s,
        start(Uuid::new_v4(), place, maya()),
        Some("interaction-1"),
    )
    .await
    .unwrap();
    let submit = Command::SubmitCode(SubmitCode {
        actor: maya(),
        language: "python".into(),
        code: CODE.into(),
        source: SubmissionSource::Modal,
        at: t0(),
    });
    let first = e
        .execute(&s, submit.clone(), Some("interaction-2"))
        .await
        .unwrap();
    // Deciding again would be refused (an analysis is pending); a duplicate is not.
    let again = e.execute(&s, submit, Some("interaction-2")).await.unwrap();
    assert!(again.duplicate && !first.duplicate);
    assert_eq!(again.events, first.events);
    let replay = e
        .execute(
            &s,
            start(Uuid::new_v4(), discord_place("t2"), maya()),
            Some("interaction-1"),
        )
        .await
        .unwrap();
    assert!(replay.duplicate);
    assert_eq!(e.load(&s).await.unwrap().1.len(), 2);
}

async fn concurrent_engines_both_get_their_message_in(db: &TestDb) {
    let place = discord_place("t3");
    let s = place.stream_id();
    let a = engine(db.open().await);
    let b = engine(db.open().await);
    a.execute(&s, start(Uuid::new_v4(), place, maya()), None)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let e = if i % 2 == 0 { a.clone() } else { b.clone() };
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            e.execute(
                &s,
                Command::SendMessage {
                    actor: maya(),
                    text: format!("m{i}"),
                    at: t0(),
                },
                None,
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("conflicts are retried");
    }
    let (state, events) = a.load(&s).await.unwrap();
    assert_eq!(events.len(), 21);
    assert_eq!(state.pending_turns().len(), 20);
}

async fn pending_work_is_found_from_the_log_after_a_restart(db: &TestDb) {
    let place = discord_place("t4");
    let s = place.stream_id();
    {
        let e = engine(db.open().await);
        e.execute(&s, start(Uuid::new_v4(), place, maya()), None)
            .await
            .unwrap();
        e.execute(
            &s,
            Command::SubmitCode(SubmitCode {
                actor: maya(),
                language: "python".into(),
                code: CODE.into(),
                source: SubmissionSource::Message,
                at: t0(),
            }),
            None,
        )
        .await
        .unwrap();
    }
    // A new engine on the same database: the analysis is still owed.
    let e = engine(db.open().await);
    let work = e.pending_work().await.unwrap();
    assert_eq!(work.len(), 1);
    assert_eq!(work[0].stream, s);
    assert_eq!(work[0].turn.kind, TurnKind::Analysis);
    e.execute(
        &s,
        Command::RecordAnalysis {
            stamp: None,
            reply_to: work[0].turn.reply_to,
            analysis: analysis(6),
            usage: None,
            at: t0(),
        },
        None,
    )
    .await
    .unwrap();
    assert!(e.pending_work().await.unwrap().is_empty());
    // A second answer for the same turn is refused: exactly one analysis.
    let again = e
        .execute(
            &s,
            Command::RecordAnalysis {
                stamp: None,
                reply_to: work[0].turn.reply_to,
                analysis: analysis(9),
                usage: None,
                at: t0(),
            },
            None,
        )
        .await;
    assert!(matches!(
        again,
        Err(EngineError::Refused(DomainError::NotPending { .. }))
    ));
}

async fn the_feed_publishes_events_appended_by_another_instance(db: &TestDb) {
    let watcher = engine(db.open().await);
    let cancel = CancellationToken::new();
    let mut feed = watcher.listen();
    let task = watcher.spawn_feed(cancel.clone()).await.unwrap();
    let other = engine(db.open().await);
    let place = discord_place("t5");
    other
        .execute(
            &place.stream_id(),
            start(Uuid::new_v4(), place.clone(), maya()),
            None,
        )
        .await
        .unwrap();
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), feed.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.stream_id, place.stream_id());
    assert_eq!(got.event.type_name(), "interview_started");
    cancel.cancel();
    task.await.unwrap();
}

fn message(text: String) -> Command {
    Command::SendMessage {
        actor: maya(),
        text,
        at: t0(),
    }
}

/// Two engines on one database append to the same streams at once; the feed of one of
/// them (its own commits come without a read, the other's from the log) must give
/// exactly the log, in its order, and the events `execute` returned must be the
/// log's.
async fn the_feed_gives_every_event_once_in_log_order_whoever_appends(db: &TestDb) {
    let store = db.open().await;
    let a = engine(store.clone());
    let b = engine(db.open().await);
    let cancel = CancellationToken::new();
    let before = store.head().await.unwrap();
    let mut feed = a.listen();
    let task = a.spawn_feed(cancel.clone()).await.unwrap();
    let places: Vec<Place> = (0..4)
        .map(|i| discord_place(&format!("order-{i}-{}", Uuid::new_v4())))
        .collect();
    let streams: Vec<StreamId> = places.iter().map(Place::stream_id).collect();
    for (i, place) in places.into_iter().enumerate() {
        let e = if i % 2 == 0 { &a } else { &b };
        e.execute(&streams[i], start(Uuid::new_v4(), place, maya()), None)
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..40 {
        let e = if i % 3 == 0 { b.clone() } else { a.clone() };
        let s = streams[i % streams.len()].clone();
        tasks.push(tokio::spawn(async move {
            e.execute(&s, message(format!("m{i}")), None).await
        }));
    }
    let mut returned = Vec::new();
    for t in tasks {
        returned.extend(t.await.unwrap().expect("appended").events);
    }
    let log = store.read_all(before, 10_000).await.unwrap();
    assert_eq!(log.len(), 44);
    for r in &returned {
        let stored = log.iter().find(|e| e.position == r.position).unwrap();
        assert_eq!(
            r, stored,
            "execute returns the events as the log holds them"
        );
    }
    let mut got = Vec::new();
    while got.len() < log.len() {
        let e = tokio::time::timeout(std::time::Duration::from_secs(10), feed.recv())
            .await
            .expect("the feed keeps up")
            .unwrap();
        if e.position > before {
            got.push((*e).clone());
        }
    }
    assert_eq!(got, log, "every event once, in the log's order");
    cancel.cancel();
    task.await.unwrap();
}

async fn a_state_remembered_before_another_instance_wrote_is_decided_again(db: &TestDb) {
    let place = discord_place(&format!("stale-{}", Uuid::new_v4()));
    let s = place.stream_id();
    let a = engine(db.open().await);
    let b = engine(db.open().await);
    // A reads the stream before it exists: it remembers an interview not started.
    assert_eq!(a.load(&s).await.unwrap().0.version, 0);
    b.execute(&s, start(Uuid::new_v4(), place, maya()), None)
        .await
        .unwrap();
    // Decided on the remembered state this is a refusal (not started); on the log it
    // is fine.
    let first = a.execute(&s, message("hello".into()), None).await.unwrap();
    assert_eq!(first.events[0].version, 2);
    // B writes again behind A's back: A's remembered version 2 conflicts and is reread.
    b.execute(&s, message("from b".into()), None).await.unwrap();
    let third = a.execute(&s, message("again".into()), None).await.unwrap();
    assert_eq!(third.events[0].version, 4);
    assert_eq!(third.state.version, 4);
    let (_, log) = a.load(&s).await.unwrap();
    assert_eq!(log.len(), 4);
}

async fn the_interview_list_matches_a_rebuild_and_filters(db: &TestDb) {
    let store = db.open().await;
    let e = engine(store.clone());
    let id = Uuid::new_v4();
    let done = run_scripted_interview(&e, id, discord_place("t6")).await;
    let open_place = Place::Slack {
        team: "T1".into(),
        channel: "C1".into(),
        thread_ts: "1700000000.000100".into(),
    };
    let open = open_place.stream_id();
    e.execute(
        &open,
        start(
            Uuid::new_v4(),
            open_place,
            Actor::new(Platform::Slack, "U9", "Omar"),
        ),
        None,
    )
    .await
    .unwrap();
    e.execute(
        &open,
        Command::ExplainApproach {
            actor: Actor::new(Platform::Slack, "U9", "Omar"),
            text: "hash map".into(),
            at: t0() + Duration::minutes(1),
        },
        None,
    )
    .await
    .unwrap();

    projections::catch_up(store.as_ref()).await.unwrap();
    let incremental = store
        .list_interviews(&InterviewFilter::default())
        .await
        .unwrap();
    projections::rebuild(store.as_ref()).await.unwrap();
    let rebuilt = store
        .list_interviews(&InterviewFilter::default())
        .await
        .unwrap();
    assert_eq!(incremental, rebuilt);
    assert_eq!(rebuilt.len(), 2);

    let row = store
        .find_interview(&id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.stream_id, done.to_string());
    assert_eq!(row.phase, "summarised");
    assert_eq!(row.last_score, Some(7));
    assert_eq!(row.problem_title, "Merge Intervals");
    assert_eq!(row.candidate_name, "Maya");
    assert_eq!(row.submissions, 1);
    assert!(row.ended_at.is_some());
    assert_eq!(row.tokens_used, 4 * 2500);
    assert_eq!(
        store
            .find_interview(done.as_str())
            .await
            .unwrap()
            .unwrap()
            .interview_id,
        id.to_string()
    );

    let only = |f: InterviewFilter| {
        let store = store.clone();
        async move {
            store
                .list_interviews(&f)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.candidate_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        only(InterviewFilter {
            platform: Some("slack".into()),
            ..Default::default()
        })
        .await,
        ["Omar"]
    );
    assert_eq!(
        only(InterviewFilter {
            place: Some("discord:77".into()),
            ..Default::default()
        })
        .await,
        ["Maya"]
    );
    assert_eq!(
        only(InterviewFilter {
            member: Some("discord:1001".into()),
            ..Default::default()
        })
        .await,
        ["Maya"]
    );
    assert_eq!(
        only(InterviewFilter {
            phase: Some("coding".into()),
            ..Default::default()
        })
        .await,
        ["Omar"]
    );
    assert_eq!(
        only(InterviewFilter {
            open_only: true,
            ..Default::default()
        })
        .await,
        ["Omar"]
    );
}
