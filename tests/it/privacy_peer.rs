//! Forgetting a member of a peer interview (issue 16), on both backends: forgetting
//! the interviewer erases their name, their questions (to the candidate and to the
//! coach), the coach's private answer to them and their rubric notes, and the
//! candidate's note about them; the candidate's own words stay. Forgetting the
//! candidate erases their rating note and their interview's text.

use crate::common;

use common::TestDb;
use common::fixtures::*;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use std::sync::Arc;
use uuid::Uuid;

per_backend!(forgetting_either_member_of_a_peer_interview_erases_what_they_wrote);

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
