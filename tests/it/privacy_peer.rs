//! Forgetting a member of a peer interview (issue 16), on both backends: forgetting
//! the interviewer erases their name, their questions (to the candidate and to the
//! coach), the coach's private answer to them and their rubric notes, and the
//! candidate's note about them; the candidate's own words stay. Forgetting the
//! candidate erases their rating note and their interview's text. Either way the
//! interviewer's own stats keep the rating's stars and stop showing the note.

use crate::common;

use common::TestDb;
use common::fixtures::*;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::queries::Queries;
use std::sync::Arc;
use uuid::Uuid;

per_backend!(forgetting_either_member_of_a_peer_interview_erases_what_they_wrote);
per_backend!(forgetting_either_member_takes_the_note_off_the_interviewers_stats);

async fn ex(e: &Engine, s: &StreamId, cmd: Command) -> Version {
    e.execute(s, cmd, None)
        .await
        .unwrap()
        .events
        .last()
        .unwrap()
        .version
}

fn peer(command: PeerCommand) -> Command {
    Command::Peer(command)
}

async fn texts(e: &Engine, s: &StreamId) -> String {
    let (_, events) = e.load(s).await.unwrap();
    serde_json::to_string(&events.iter().map(|r| &r.event).collect::<Vec<_>>()).unwrap()
}

async fn forgetting_either_member_of_a_peer_interview_erases_what_they_wrote(db: &TestDb) {
    let store = db.open().await;
    let e = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let place = discord_place("peer");
    let s = place.stream_id();
    let Command::StartInterview(mut start) = start(Uuid::new_v4(), place, maya()) else {
        unreachable!()
    };
    start.time_limit_minutes = None;
    let paired = peer(PeerCommand::Start {
        start: Box::new(start),
        interviewer: leo(),
        interviewer_is_bot: false,
    });
    ex(&e, &s, paired).await;
    let said = Command::SendMessage {
        actor: maya(),
        text: "MAYA-WORDS a hash map".into(),
        at: t0(),
    };
    ex(&e, &s, said).await;
    let question = PeerCommand::AskQuestion {
        by: leo(),
        question: "LEO-QUESTION why a map?".into(),
        at: t0(),
    };
    ex(&e, &s, peer(question)).await;
    let asked = PeerCommand::AskCoach {
        by: leo(),
        question: "LEO-PRIVATE is this O(n)?".into(),
        aloud: false,
        at: t0(),
    };
    let asked = ex(&e, &s, peer(asked)).await;
    let answer = Command::RecordCoachReply {
        reply_to: asked,
        kind: ReplyKind::Chat,
        text: "COACH-TO-LEO yes, linear".into(),
        usage: None,
        stamp: None,
        at: t0(),
    };
    ex(&e, &s, answer).await;
    let end = Command::EndInterview {
        by: EndBy::Member(leo()),
        at: t0(),
    };
    ex(&e, &s, end).await;
    let b = Band::new(3).unwrap();
    let rubric = PeerCommand::FillRubric {
        by: leo(),
        rubric: PeerRubric {
            communication: b,
            problem_solving: b,
            technical_competency: b,
            testing: b,
        },
        notes: "LEO-NOTES test more".into(),
        at: t0(),
    };
    ex(&e, &s, peer(rubric)).await;
    let rated = PeerCommand::RateInterviewer {
        by: maya(),
        stars: 4,
        note: "MAYA-NOTE kind interviewer".into(),
        at: t0(),
    };
    ex(&e, &s, peer(rated)).await;
    let before = texts(&e, &s).await;
    for marker in [
        "LEO-QUESTION",
        "LEO-PRIVATE",
        "COACH-TO-LEO",
        "LEO-NOTES",
        "MAYA-NOTE",
        "\"Leo\"",
    ] {
        assert!(before.contains(marker), "{marker} is there before");
    }

    e.forget_member(&leo().member_id()).await.unwrap();
    let after = texts(&e, &s).await;
    for gone in [
        "LEO-QUESTION",
        "LEO-PRIVATE",
        "COACH-TO-LEO",
        "LEO-NOTES",
        "MAYA-NOTE",
        "\"Leo\"",
    ] {
        assert!(!after.contains(gone), "{gone} is erased: {after}");
    }
    assert!(
        after.contains("MAYA-WORDS"),
        "the candidate's own words stay"
    );
    let state = Interview::from_events(e.load(&s).await.unwrap().1.iter().map(|r| &r.event));
    assert_eq!(
        state
            .peer
            .as_ref()
            .and_then(|p| p.rating.as_ref())
            .map(|r| r.stars),
        Some(4)
    );

    e.forget_member(&maya().member_id()).await.unwrap();
    let after = texts(&e, &s).await;
    assert!(
        !after.contains("MAYA-WORDS") && !after.contains("\"Maya\""),
        "{after}"
    );
}

/// A peer interview of Maya by Leo in `thread`, ended and rated `stars` with `note`.
async fn rated_peer_interview(e: &Engine, thread: &str, stars: u8, note: &str) {
    let place = discord_place(thread);
    let s = place.stream_id();
    let Command::StartInterview(mut start) = start(Uuid::new_v4(), place, maya()) else {
        unreachable!()
    };
    start.time_limit_minutes = None;
    let paired = peer(PeerCommand::Start {
        start: Box::new(start),
        interviewer: leo(),
        interviewer_is_bot: false,
    });
    ex(e, &s, paired).await;
    let end = Command::EndInterview {
        by: EndBy::Member(leo()),
        at: t0(),
    };
    ex(e, &s, end).await;
    let rated = PeerCommand::RateInterviewer {
        by: maya(),
        stars,
        note: note.into(),
        at: t0(),
    };
    ex(e, &s, peer(rated)).await;
}

async fn forgetting_either_member_takes_the_note_off_the_interviewers_stats(db: &TestDb) {
    let store = db.open().await;
    let e = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    let queries = Queries::new(store);
    let leo_id = leo().member_id();
    rated_peer_interview(&e, "peer-a", 4, "FIRST-NOTE clear hints").await;
    let stats = queries
        .interviewer_stats(&leo_id, None, true)
        .await
        .unwrap();
    assert_eq!(
        (stats.given, stats.ratings, stats.average),
        (1, 1, Some(4.0))
    );
    assert_eq!(stats.notes.len(), 1);
    assert_eq!(stats.notes[0].note, "FIRST-NOTE clear hints");
    assert_eq!(stats.notes[0].by, "Maya");
    let others_view = queries
        .interviewer_stats(&leo_id, None, false)
        .await
        .unwrap();
    assert!(others_view.notes.is_empty(), "notes only when asked for");

    // Forgetting the candidate: the stars stay, the note goes.
    e.forget_member(&maya().member_id()).await.unwrap();
    let stats = queries
        .interviewer_stats(&leo_id, None, true)
        .await
        .unwrap();
    assert_eq!((stats.ratings, stats.average), (1, Some(4.0)));
    assert!(stats.notes.is_empty(), "{stats:?}");

    // A second rated interview; forgetting the interviewer takes its note off too.
    rated_peer_interview(&e, "peer-b", 2, "SECOND-NOTE rushed").await;
    let stats = queries
        .interviewer_stats(&leo_id, None, true)
        .await
        .unwrap();
    assert_eq!(
        (stats.given, stats.ratings, stats.average),
        (2, 2, Some(3.0))
    );
    assert_eq!(stats.notes.len(), 1, "{stats:?}");
    assert_eq!(stats.notes[0].note, "SECOND-NOTE rushed");
    e.forget_member(&leo_id).await.unwrap();
    let stats = queries
        .interviewer_stats(&leo_id, None, true)
        .await
        .unwrap();
    assert_eq!((stats.given, stats.ratings), (2, 2));
    assert!(stats.notes.is_empty(), "{stats:?}");
}
