//! Peer interviews on Slack end to end (issue 16), signed requests to the real app and
//! Slack's Web API on a loopback fake: `/interview start @member` pairs two members;
//! the brief and panel go to the interviewer alone (an ephemeral message); a stranger
//! pressing the interviewer's buttons is told why privately and nothing is appended;
//! the coach stays out of the thread until the summary, which sets the interviewer's
//! rubric beside the coach's; the candidate rates the interviewer, and `/stats` shows
//! the interviewer their rating with the note (to them alone); Swap roles posts the
//! mirror under a new root message. A third member is refused privately on every
//! interviewer button, a submission and Swap roles, and appends nothing; an interviewer
//! who leaves hands over to the coach.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::FakeAnthropic;
use interview_coach::domain::{Event, StreamId};
use serde_json::{Value, json};
use slack_common::*;

/// A press on a peer button (from the panel or a thread message): the thread travels
/// in the value.
fn peer_button(action_id: &str, user: (&str, &str), root: &str, action_ts: &str) -> Value {
    let mut b = button(action_id, user, root, action_ts);
    b["actions"][0]["value"] = json!(format!("{CHANNEL}|{root}"));
    b
}

/// The form `view` (as opened) sent back by `user` with `values` by block id.
fn sent_form(view: &Value, user: (&str, &str), view_id: &str, values: &[(&str, &str)]) -> Value {
    let mut state = serde_json::Map::new();
    for (block, value) in values {
        state.insert(
            block.to_string(),
            json!({*block: {"type": "plain_text_input", "value": value}}),
        );
    }
    json!({"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user.0, "username": user.1},
        "view": {"id": view_id, "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                 "state": {"values": state}}})
}

fn count(events: &[Event], pred: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

fn told(slack: &FakeSlack, user: &str) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .iter()
        .filter(|c| c.body["user"] == user)
        .map(|c| c.body.to_string())
        .collect()
}

const ZED: (&str, &str) = ("U_ZED", "zed");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_interview_runs_from_pairing_to_rubric_rating_and_swap_on_slack() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;

    // Omar is the candidate, Ana (named by a mention) the interviewer.
    let res = app
        .command(OMAR, "start <@U_ANA|ana> two-sum python 30", "trigger-peer")
        .await;
    assert_eq!(res.status(), 200);
    wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().unwrap();
    let stream = stream_of(&root);
    let started = app.wait_events(&stream, |e| e.len() == 2).await;
    assert!(matches!(&started[1], Event::PeerPaired(p) if p.interviewer.user_id == ANA.0));
    wait_for("the brief", || !told(&slack, ANA.0).is_empty()).await;
    let brief = &told(&slack, ANA.0)[0];
    assert!(
        brief.contains("Hint ladder") && brief.contains("Reference approach"),
        "{brief}"
    );
    assert!(brief.contains("peer_hint") && brief.contains(&format!("{CHANNEL}|{root}")));
    assert!(
        told(&slack, OMAR.0).is_empty(),
        "the candidate never sees the brief"
    );
    wait_for("the peer note", || {
        slack.thread_posts(&root).iter().any(|p| {
            p.body["text"]
                .as_str()
                .unwrap_or("")
                .contains("Peer interview")
        })
    })
    .await;

    // A stranger presses the interviewer's hint: told privately, nothing appended.
    app.interaction(&peer_button("peer_hint", ZED, &root, "1700000100.000001"))
        .await;
    wait_for("the refusal", || !told(&slack, ZED.0).is_empty()).await;
    assert!(
        told(&slack, ZED.0)[0].contains("Only ana, the interviewer"),
        "{:?}",
        told(&slack, ZED.0)
    );
    assert_eq!(app.events(&stream).await.len(), 2);

    // The interviewer reveals a hint: the rung is said in the thread.
    app.interaction(&peer_button("peer_hint", ANA, &root, "1700000100.000002"))
        .await;
    wait_for("the hint in the thread", || {
        slack
            .thread_posts(&root)
            .iter()
            .any(|p| p.body["text"].as_str().unwrap_or("").contains("Hint 1"))
    })
    .await;
    // The candidate answers in the thread: recorded, and the coach stays silent.
    let said = thread_message(
        "Ev1",
        OMAR.0,
        &root,
        "1700000100.000003",
        "A hash map, one pass.",
    );
    app.event(&said, None).await;
    app.wait_events(&stream, |e| {
        count(e, |e| matches!(e, Event::ApproachExplained(_))) == 1
    })
    .await;
    assert_eq!(llm.requests(), 0, "the coach said nothing unasked");

    // The interviewer ends the interview; the end's buttons are in the thread.
    app.interaction(&peer_button("peer_end", ANA, &root, "1700000100.000004"))
        .await;
    wait_for("the end in the thread", || {
        slack
            .thread_posts(&root)
            .iter()
            .any(|p| p.body.to_string().contains("peer_rubric"))
    })
    .await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
    })
    .await;

    // The rubric form: a bad band is refused privately; then the side-by-side.
    app.interaction(&peer_button("peer_rubric", ANA, &root, "1700000100.000005"))
        .await;
    wait_for("the rubric form", || !slack.calls("views.open").is_empty()).await;
    let view = slack.calls("views.open")[0].body["view"].clone();
    let bad = [
        ("communication", "3"),
        ("problem_solving", "1"),
        ("technical_competency", "3"),
        ("testing", "great"),
    ];
    app.interaction(&sent_form(&view, ANA, "V1", &bad)).await;
    wait_for("the bad band", || {
        told(&slack, ANA.0)
            .iter()
            .any(|t| t.contains("testing must be a band"))
    })
    .await;
    let good = [
        ("communication", "3"),
        ("problem_solving", "1"),
        ("technical_competency", "3"),
        ("testing", "2"),
        ("peer_notes", "Test more."),
    ];
    app.interaction(&sent_form(&view, ANA, "V2", &good)).await;
    wait_for("the side-by-side", || {
        slack.thread_posts(&root).iter().any(|p| {
            p.body["text"]
                .as_str()
                .unwrap_or("")
                .contains("differ by 2")
        })
    })
    .await;
    let all = app.events(&stream).await;
    assert_eq!(count(&all, |e| matches!(e, Event::PeerRubricFilled(_))), 1);

    // The candidate rates the interviewer; the interviewer cannot rate themselves.
    app.interaction(&peer_button("peer_rate", ANA, &root, "1700000100.000006"))
        .await;
    wait_for("the refusal to rate", || {
        told(&slack, ANA.0).iter().any(|t| t.contains("Only omar"))
    })
    .await;
    app.interaction(&peer_button("peer_rate", OMAR, &root, "1700000100.000007"))
        .await;
    wait_for("the rating form", || slack.calls("views.open").len() == 2).await;
    let view = slack.calls("views.open")[1].body["view"].clone();
    app.interaction(&sent_form(
        &view,
        OMAR,
        "V3",
        &[("peer_stars", "5"), ("peer_notes", "Kind")],
    ))
    .await;
    app.wait_events(&stream, |e| {
        e.iter()
            .any(|e| matches!(e, Event::PeerInterviewerRated(r) if r.stars == 5))
    })
    .await;

    // Ana's /stats: her part as an interviewer, with Omar's note for her eyes only.
    let before = told(&slack, ANA.0).len();
    app.slash(ANA, "/stats", "", "trigger-stats-1").await;
    wait_for("Ana's stats", || told(&slack, ANA.0).len() > before).await;
    let hers = told(&slack, ANA.0).last().cloned().unwrap_or_default();
    assert!(
        hers.contains("As interviewer")
            && hers.contains("1 peer interview(s) given · rated 5.0/5 by 1 candidate(s)"),
        "{hers}"
    );
    assert!(hers.contains("5★ ") && hers.contains(": Kind"), "{hers}");
    let before = told(&slack, OMAR.0).len();
    app.slash(OMAR, "/stats", "<@U_ANA|ana>", "trigger-stats-2")
        .await;
    wait_for("Omar's view of Ana", || told(&slack, OMAR.0).len() > before).await;
    let seen = told(&slack, OMAR.0).last().cloned().unwrap_or_default();
    assert!(seen.contains("rated 5.0/5"), "{seen}");
    assert!(!seen.contains("Kind"), "the note is Ana's alone: {seen}");

    // Swap roles: a new root message, Ana the candidate and Omar the interviewer.
    app.interaction(&peer_button("peer_swap", OMAR, &root, "1700000100.000008"))
        .await;
    wait_for("the mirror's root", || slack.thread_posts_root().len() == 2).await;
    let mirror = slack.thread_posts_root()[1].ts.clone().unwrap();
    let started = app.wait_events(&stream_of(&mirror), |e| e.len() == 2).await;
    let Event::InterviewStarted(s) = &started[0] else {
        panic!("{started:?}")
    };
    assert_eq!(s.candidate.user_id, ANA.0);
    assert_ne!(s.problem.title(), "Two Sum");
    assert!(matches!(&started[1], Event::PeerPaired(p) if p.interviewer.user_id == OMAR.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cannot_be_their_own_interviewer_on_slack() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    app.command(OMAR, "start <@U_OMAR|omar> two-sum", "trigger-self")
        .await;
    wait_for("the refusal", || !told(&slack, OMAR.0).is_empty()).await;
    assert!(told(&slack, OMAR.0)[0].contains("cannot interview yourself"));
    assert!(slack.thread_posts_root().is_empty(), "nothing was posted");
}

/// Starts Omar's peer interview with Ana as the interviewer; its root ts and stream.
async fn paired(app: &SlackApp, slack: &FakeSlack) -> (String, StreamId) {
    app.command(OMAR, "start <@U_ANA|ana> two-sum python 30", "trigger-peer")
        .await;
    wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().unwrap();
    let stream = stream_of(&root);
    app.wait_events(&stream, |e| e.len() == 2).await;
    wait_for("the brief", || !told(slack, ANA.0).is_empty()).await;
    (root, stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_member_is_refused_privately_and_appends_nothing_on_slack() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    let (root, stream) = paired(&app, &slack).await;

    // Every button of the interviewer's panel, pressed by Zed.
    let buttons = [
        ("peer_hint", "Only ana, the interviewer"),
        ("peer_question", "Only ana, the interviewer"),
        ("peer_ask_coach", "Only ana, the interviewer"),
        ("peer_ask_aloud", "Only ana, the interviewer"),
        ("peer_leave", "Only ana, the interviewer"),
        ("peer_end", "Only omar"),
    ];
    for (i, (action, expected)) in buttons.into_iter().enumerate() {
        let before = told(&slack, ZED.0).len();
        let ts = format!("1700000200.00000{i}");
        app.interaction(&peer_button(action, ZED, &root, &ts)).await;
        wait_for(action, || told(&slack, ZED.0).len() > before).await;
        let why = told(&slack, ZED.0).last().cloned().unwrap_or_default();
        assert!(why.contains(expected), "{action}: {why}");
    }
    assert!(
        slack.calls("views.open").is_empty(),
        "no form was opened for Zed"
    );
    // Zed posts a submission in the thread: refused privately.
    let before = told(&slack, ZED.0).len();
    let code = "```python\ndef two_sum(nums, target):\n    return [0, 1]\n```";
    let posted = thread_message("Ev-zed", ZED.0, &root, "1700000201.000001", code);
    app.event(&posted, None).await;
    wait_for("the submission's refusal", || {
        told(&slack, ZED.0).len() > before
    })
    .await;
    let why = told(&slack, ZED.0).last().cloned().unwrap_or_default();
    assert!(why.contains("Only omar"), "{why}");
    assert_eq!(app.events(&stream).await.len(), 2, "nothing was appended");

    // After the end, Zed's Swap roles is refused privately, naming the two members.
    app.interaction(&peer_button("peer_end", ANA, &root, "1700000202.000001"))
        .await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::InterviewEnded(_)))
    })
    .await;
    let before = told(&slack, ZED.0).len();
    app.interaction(&peer_button("peer_swap", ZED, &root, "1700000202.000002"))
        .await;
    wait_for("the swap's refusal", || told(&slack, ZED.0).len() > before).await;
    let why = told(&slack, ZED.0).last().cloned().unwrap_or_default();
    assert!(why.contains("Only omar and ana"), "{why}");
    let all = app.events(&stream).await;
    assert!(
        !all.iter().any(|e| matches!(e, Event::PeerRolesSwapped(_))
            || e.actor().is_some_and(|a| a.user_id == ZED.0)),
        "{all:?}"
    );
    assert_eq!(slack.thread_posts_root().len(), 1, "no mirror was posted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_interviewer_leaves_the_coach_takes_over_on_slack() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    let (root, stream) = paired(&app, &slack).await;

    app.interaction(&peer_button("peer_leave", ANA, &root, "1700000300.000001"))
        .await;
    wait_for("the hand-over in the thread", || {
        slack.thread_posts(&root).iter().any(|p| {
            p.body["text"]
                .as_str()
                .unwrap_or("")
                .contains("left the interview")
        })
    })
    .await;
    // The candidate's message now gets the coach's answer in the thread.
    let said = thread_message(
        "Ev-left-1",
        OMAR.0,
        &root,
        "1700000300.000002",
        "I would use a hash map.",
    );
    app.event(&said, None).await;
    wait_for("the coach's answer in the thread", || {
        slack.thread_posts(&root).iter().any(|p| {
            p.body["text"]
                .as_str()
                .unwrap_or("")
                .contains("time complexity of that")
        })
    })
    .await;
    // The interviewer can no longer act; the candidate ends, and the summary is the coach's.
    app.interaction(&peer_button("peer_hint", ANA, &root, "1700000300.000003"))
        .await;
    wait_for("the refusal", || {
        told(&slack, ANA.0).iter().any(|t| t.contains("has left"))
    })
    .await;
    app.interaction(&peer_button("peer_end", OMAR, &root, "1700000300.000004"))
        .await;
    let all = app
        .wait_events(&stream, |e| {
            e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
        })
        .await;
    assert_eq!(
        count(&all, |e| matches!(e, Event::PeerInterviewerLeft(_))),
        1
    );
    app.interaction(&peer_button("peer_rubric", ANA, &root, "1700000300.000005"))
        .await;
    wait_for("the rubric's refusal", || {
        told(&slack, ANA.0)
            .iter()
            .filter(|t| t.contains("has left"))
            .count()
            == 2
    })
    .await;
    assert!(slack.calls("views.open").is_empty(), "no rubric form");
}
