//! The web page's read API on a peer interview (issue 16), against the real app: the
//! interview list and the member's progress list the peer interview with the interviewer's bands beside the
//! coach's, where they differ, and the rating (and the interviewer's page their figures
//! as an interviewer, without notes); the transcript (which the candidate
//! reads) leaves out the interviewer's private question to the coach and its answer.

use crate::common;
use crate::web_common;

use common::fixtures::*;
use interview_coach::domain::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;
use web_common::TestApp;

async fn get_json(url: &str) -> (StatusCode, Value) {
    let r = reqwest::get(url).await.expect("request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn ex(app: &TestApp, s: &StreamId, cmd: Command) -> Version {
    let done = app.engine.execute(s, cmd, None).await.expect("accepted");
    done.events.last().expect("an event").version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_page_shows_both_rubrics_and_the_transcript_hides_private_answers() {
    let db = common::sqlite_db();
    let app = TestApp::start(db.open().await, &[]).await;
    let place = discord_place("peer-web");
    let s = place.stream_id();
    let Command::StartInterview(start) = start(Uuid::new_v4(), place, maya()) else {
        unreachable!()
    };
    let paired = PeerCommand::Start {
        start: Box::new(start),
        interviewer: leo(),
        interviewer_is_bot: false,
    };
    ex(&app, &s, Command::Peer(paired)).await;
    let asked = PeerCommand::AskCoach {
        by: leo(),
        question: "PRIVATE-QUESTION is this linear?".into(),
        aloud: false,
        at: t0(),
    };
    let asked = ex(&app, &s, Command::Peer(asked)).await;
    let answer = Command::RecordCoachReply {
        reply_to: asked,
        kind: ReplyKind::Chat,
        text: "PRIVATE-ANSWER yes".into(),
        usage: None,
        stamp: None,
        at: t0(),
    };
    ex(&app, &s, answer).await;
    let end = Command::EndInterview {
        by: EndBy::Member(leo()),
        at: t0(),
    };
    let ended = ex(&app, &s, end).await;
    let summary = Command::RecordSummary(RecordSummary {
        reply_to: ended,
        overall: "Correct, thin testing.".into(),
        strengths: vec!["plan".into()],
        improvements: vec!["tests".into()],
        rubric: rubric(),
        hire_signal: HireSignal::LeanYes,
        usage: None,
        stamp: None,
        at: t0(),
    });
    ex(&app, &s, summary).await;
    let b = |n| Band::new(n).unwrap();
    let filled = PeerCommand::FillRubric {
        by: leo(),
        rubric: PeerRubric {
            communication: b(3),
            problem_solving: b(1),
            technical_competency: b(3),
            testing: b(2),
        },
        notes: "Say your tests out loud.".into(),
        at: t0(),
    };
    ex(&app, &s, Command::Peer(filled)).await;
    let rated = PeerCommand::RateInterviewer {
        by: maya(),
        stars: 5,
        note: String::new(),
        at: t0(),
    };
    ex(&app, &s, Command::Peer(rated)).await;

    let (status, p) = get_json(&app.url("/api/members/discord:1001/progress")).await;
    assert_eq!(status, StatusCode::OK);
    let peers = p["peer_interviews"].as_array().expect("peer interviews");
    assert_eq!(peers.len(), 1, "{p:#}");
    let summary = &peers[0]["summary"];
    assert_eq!(summary["interviewer"], "Leo");
    assert_eq!(summary["stars"], 5);
    assert_eq!(summary["differ"], json!(["problem_solving"]));
    assert_eq!(
        summary["rows"][1],
        json!({"dimension": "problem_solving", "interviewer": 1, "coach": 3})
    );
    assert_eq!(summary["notes"], "Say your tests out loud.");
    assert_eq!(p["as_interviewer"], Value::Null, "Maya interviewed nobody");

    // Leo, once he has an interview of his own, has his figures as an interviewer on
    // his page, never the candidates' notes.
    let own = discord_place("peer-web-leo");
    let Command::StartInterview(mine) = common::fixtures::start(Uuid::new_v4(), own.clone(), leo())
    else {
        unreachable!()
    };
    ex(&app, &own.stream_id(), Command::StartInterview(mine)).await;
    let (status, p) = get_json(&app.url("/api/members/discord:1002/progress")).await;
    assert_eq!(status, StatusCode::OK, "{p:#}");
    assert_eq!(
        p["as_interviewer"],
        json!({"given": 1, "left_early": 0, "ratings": 1, "average": 5.0}),
        "{p:#}"
    );

    let (status, list) = get_json(&app.url("/api/interviews")).await;
    assert_eq!(status, StatusCode::OK);
    let row = &list["interviews"][0];
    assert_eq!(row["peer"]["interviewer"], "Leo");
    assert_eq!(row["peer"]["rows"][1]["interviewer"], 1);
    assert_eq!(row["peer"]["rows"][1]["coach"], 3);

    let (status, t) = get_json(&app.url(&format!("/api/interviews/{s}"))).await;
    assert_eq!(status, StatusCode::OK);
    let text = t.to_string();
    assert!(text.contains("filled the rubric"), "{text}");
    assert!(
        !text.contains("PRIVATE-QUESTION") && !text.contains("PRIVATE-ANSWER"),
        "{text}"
    );
}
