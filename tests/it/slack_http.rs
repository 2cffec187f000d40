//! Slack over the HTTP Events API, end to end: signed requests to the real app on port
//! 0, the coach on a fake Anthropic API, and Slack's Web API on a loopback fake.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::{FakeAnthropic, Scripted};
use interview_coach::domain::{Event, SubmissionSource};
use serde_json::Value;
use slack_common::*;
use std::time::{Duration, Instant};

async fn setup() -> (common::TestDb, FakeSlack, FakeAnthropic, SlackApp) {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    (db, slack, llm, app)
}

/// `/interview start two-sum` by Omar; the root message's ts once the interview is in the log.
async fn start_interview(app: &SlackApp, slack: &FakeSlack) -> String {
    let res = app
        .command(OMAR, "start two-sum python 30", "trigger-start")
        .await;
    assert_eq!(res.status(), 200);
    wait_for("the root message", || {
        !slack.calls("chat.postMessage").is_empty()
    })
    .await;
    let root = slack.calls("chat.postMessage")[0].ts.clone().unwrap();
    app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    root
}

fn action_ids(call: &Call) -> Vec<String> {
    let mut ids = Vec::new();
    for block in call.body["blocks"].as_array().into_iter().flatten() {
        for e in block["elements"].as_array().into_iter().flatten() {
            if let Some(id) = e["action_id"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

fn count(events: &[Event], pred: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_start_posts_a_root_message_with_the_four_buttons() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let post = &slack.calls("chat.postMessage")[0];
    assert_eq!(post.body["channel"], CHANNEL);
    assert!(post.body.get("thread_ts").is_none_or(Value::is_null));
    assert_eq!(
        action_ids(post),
        ["ic_approach", "ic_submit", "ic_hint", "ic_end"]
    );
    let text = post.body["blocks"].to_string();
    assert!(text.contains("Two Sum"), "problem shown: {text}");
    assert!(text.contains("<@U_OMAR>"), "candidate shown");
    assert!(text.contains("<!date^"), "deadline shown");
    let events = app.events(&stream_of(&root)).await;
    let Event::InterviewStarted(started) = &events[0] else {
        panic!("not started: {events:?}")
    };
    assert_eq!(started.candidate.user_id, "U_OMAR");
    assert_eq!(started.language.as_deref(), Some("python"));
    assert_eq!(started.time_limit_minutes, Some(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_block_in_the_thread_gives_one_submission_and_one_threaded_analysis() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let code = "```python\ndef two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i\n```";
    let res = app
        .event(
            &thread_message("Ev_code", OMAR.0, &root, "1700000100.000001", code),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let stream = stream_of(&root);
    let events = app
        .wait_events(&stream, |e| {
            e.iter().any(|e| matches!(e, Event::CodeAnalyzed(_)))
        })
        .await;
    assert_eq!(count(&events, |e| matches!(e, Event::CodeSubmitted(_))), 1);
    let Some(Event::CodeSubmitted(sub)) =
        events.iter().find(|e| matches!(e, Event::CodeSubmitted(_)))
    else {
        unreachable!()
    };
    assert_eq!(sub.source, SubmissionSource::Message);
    assert_eq!(sub.language, "python");
    assert!(sub.code.starts_with("def two_sum"));
    wait_for("the analysis in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let posts = slack.thread_posts(&root);
    assert_eq!(posts.len(), 1, "one threaded analysis: {posts:?}");
    let blocks = posts[0].body["blocks"].to_string();
    assert!(blocks.contains("Code review: 7/10"), "{blocks}");
    assert!(blocks.contains("Complexity"));
    assert_eq!(
        posts[0].body["metadata"]["event_type"],
        "interview_coach_event"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_button_puts_the_summary_in_the_thread() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let res = app
        .interaction(&button("ic_end", OMAR, &root, "1700000200.000001"))
        .await;
    assert_eq!(res.status(), 200);
    let stream = stream_of(&root);
    let events = app
        .wait_events(&stream, |e| {
            e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
        })
        .await;
    assert_eq!(count(&events, |e| matches!(e, Event::InterviewEnded(_))), 1);
    wait_for("the summary in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
    let blocks = slack.thread_posts(&root)[0].body["blocks"].to_string();
    assert!(blocks.contains("Interview summary"), "{blocks}");
    assert!(blocks.contains("Strengths"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_correctly_signed_fresh_requests_are_accepted() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let stream = stream_of(&root);
    let before = app.events(&stream).await.len();
    let body = thread_message(
        "Ev_sig",
        OMAR.0,
        &root,
        "1700000300.000001",
        "I would use a hash map.",
    )
    .to_string();
    let json = "application/json";
    let now = chrono::Utc::now().timestamp();

    let forged = app
        .post_raw(
            "/slack/events",
            &body,
            json,
            &now.to_string(),
            &format!("v0={}", "ab".repeat(32)),
            None,
        )
        .await;
    assert_eq!(forged.status(), 401);
    let stale = app
        .post_signed("/slack/events", &body, json, Some(now - 5 * 60 - 30), None)
        .await;
    assert_eq!(stale.status(), 401);
    let sig = interview_coach::platforms::slack::signature::sign(
        SECRET,
        &now.to_string(),
        body.as_bytes(),
    );
    let changed = body.replace("hash map", "hash set");
    let tampered = app
        .post_raw(
            "/slack/events",
            &changed,
            json,
            &now.to_string(),
            &sig,
            None,
        )
        .await;
    assert_eq!(tampered.status(), 401);
    let unsigned = app
        .http
        .post(format!("http://{}/slack/commands", app.addr))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.events(&stream).await.len(), before, "nothing appended");

    let valid = app
        .post_signed("/slack/events", &body, json, None, None)
        .await;
    assert_eq!(valid.status(), 200);
    let events = app.wait_events(&stream, |e| e.len() > before).await;
    assert!(
        matches!(events[before], Event::ApproachExplained(_)),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_delivered_four_times_is_appended_answered_and_posted_once() {
    let (_db, slack, llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let stream = stream_of(&root);
    let calls_before = llm.requests();
    let msg = thread_message(
        "Ev_dup",
        OMAR.0,
        &root,
        "1700000400.000001",
        "Sort first, then two pointers.",
    );
    let first = app.event(&msg, None).await;
    assert_eq!(first.status(), 200);
    let (a, b) = tokio::join!(app.event(&msg, Some(1)), app.event(&msg, Some(2)));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let last = app.event(&msg, Some(3)).await;
    assert_eq!(last.status(), 200);

    let events = app
        .wait_events(&stream, |e| {
            e.iter().any(|e| matches!(e, Event::CoachReplied(_)))
        })
        .await;
    wait_for("the reply in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events_after = app.events(&stream).await;
    assert_eq!(events.len(), events_after.len());
    let candidate =
        |e: &Event| matches!(e, Event::ApproachExplained(_) | Event::CandidateMessage(_));
    assert_eq!(count(&events_after, candidate), 1, "{events_after:?}");
    assert_eq!(
        count(&events_after, |e| matches!(e, Event::CoachReplied(_))),
        1
    );
    assert_eq!(llm.requests() - calls_before, 1, "one LLM call");
    assert_eq!(slack.thread_posts(&root).len(), 1, "one reply");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_gets_its_ack_well_inside_three_seconds_while_the_coach_takes_thirty() {
    let (_db, slack, llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    llm.script([Scripted::Delay(Duration::from_secs(30))]);
    let msg = thread_message(
        "Ev_slow",
        OMAR.0,
        &root,
        "1700000500.000001",
        "My approach: a hash map of complements.",
    );
    let started = Instant::now();
    let res = app.event(&msg, None).await;
    let took = started.elapsed();
    assert_eq!(res.status(), 200);
    assert!(took < Duration::from_secs(1), "ack took {took:?}");
    // The message is in the log, and the coach is still thinking.
    let stream = stream_of(&root);
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::ApproachExplained(_)))
    })
    .await;
    wait_for("the coach to call the LLM", || llm.requests() >= 1).await;
    assert!(slack.thread_posts(&root).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_pressing_submit_gets_an_ephemeral_refusal_and_nothing_is_appended() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let stream = stream_of(&root);
    let before = app.events(&stream).await.len();
    let res = app
        .interaction(&button("ic_submit", ANA, &root, "1700000600.000001"))
        .await;
    assert_eq!(res.status(), 200);
    wait_for("the ephemeral refusal", || {
        !slack.calls("chat.postEphemeral").is_empty()
    })
    .await;
    let refusal = &slack.calls("chat.postEphemeral")[0];
    assert_eq!(refusal.body["user"], ANA.0);
    assert_eq!(refusal.body["thread_ts"], root.as_str());
    let text = refusal.body["text"].as_str().unwrap();
    assert!(text.contains("Only omar can"), "{text}");
    assert!(
        slack.calls("views.open").is_empty(),
        "no modal for a stranger"
    );
    // The same for End.
    app.interaction(&button("ic_end", ANA, &root, "1700000600.000002"))
        .await;
    wait_for("the second refusal", || {
        slack.calls("chat.postEphemeral").len() == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.events(&stream).await.len(), before, "nothing appended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidate_pressing_submit_gets_a_modal_whose_code_is_submitted() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    app.interaction(&button("ic_submit", OMAR, &root, "1700000700.000001"))
        .await;
    wait_for("the modal", || !slack.calls("views.open").is_empty()).await;
    let view = slack.calls("views.open")[0].body["view"].clone();
    assert_eq!(view["callback_id"], "ic_submit_modal");
    let submission = serde_json::json!({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": OMAR.0, "username": OMAR.1},
        "view": {"id": "V_submit", "callback_id": "ic_submit_modal", "private_metadata": view["private_metadata"],
                 "state": {"values": {"code": {"code": {"type": "plain_text_input", "value": "def f(): pass"}},
                                      "language": {"language": {"type": "plain_text_input", "value": "python"}}}}}
    });
    assert_eq!(app.interaction(&submission).await.status(), 200);
    let events = app
        .wait_events(&stream_of(&root), |e| {
            e.iter().any(|e| matches!(e, Event::CodeSubmitted(_)))
        })
        .await;
    let Some(Event::CodeSubmitted(sub)) =
        events.iter().find(|e| matches!(e, Event::CodeSubmitted(_)))
    else {
        unreachable!()
    };
    assert_eq!(
        (sub.source, sub.code.as_str()),
        (SubmissionSource::Modal, "def f(): pass")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teammate_is_ignored_in_a_solo_interview_and_heard_in_a_group_one() {
    let (_db, slack, _llm, app) = setup().await;
    let solo = start_interview(&app, &slack).await;
    let before = app.events(&stream_of(&solo)).await.len();
    let aside = thread_message("Ev_ana_1", ANA.0, &solo, "1700000900.000001", "Nice one!");
    assert_eq!(app.event(&aside, None).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.events(&stream_of(&solo)).await.len(), before);
    assert!(
        slack.calls("chat.postEphemeral").is_empty(),
        "ignored quietly"
    );

    app.command(OMAR, "start group two-sum", "trigger-group")
        .await;
    wait_for("the second root", || {
        slack.calls("chat.postMessage").len() >= 2
    })
    .await;
    let group = slack.calls("chat.postMessage")[1].ts.clone().unwrap();
    app.wait_events(&stream_of(&group), |e| !e.is_empty()).await;
    let question = thread_message(
        "Ev_ana_2",
        ANA.0,
        &group,
        "1700000900.000002",
        "Could a set work?",
    );
    assert_eq!(app.event(&question, None).await.status(), 200);
    let events = app
        .wait_events(&stream_of(&group), |e| {
            e.iter().any(|e| matches!(e, Event::CandidateMessage(_)))
        })
        .await;
    let Some(Event::CandidateMessage(m)) = events
        .iter()
        .find(|e| matches!(e, Event::CandidateMessage(_)))
    else {
        unreachable!()
    };
    assert_eq!(m.actor.user_id, ANA.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_failure_shows_a_retry_button_that_gets_the_answer() {
    let (_db, slack, llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let stream = stream_of(&root);
    let refusal = serde_json::json!({"type": "error", "error": {"type": "invalid_request_error", "message": "bad request"}});
    llm.script([Scripted::Status(400, refusal, vec![])]);
    let msg = thread_message(
        "Ev_fail",
        OMAR.0,
        &root,
        "1700001000.000001",
        "Two pointers after sorting.",
    );
    app.event(&msg, None).await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::CoachFailed(_)))
    })
    .await;
    wait_for("the failure in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
    assert_eq!(action_ids(&slack.thread_posts(&root)[0]), ["ic_retry"]);

    let mut retry = button("ic_retry", OMAR, &root, "1700001000.000002");
    retry["container"]["message_ts"] = slack.thread_posts(&root)[0].ts.clone().unwrap().into();
    retry["container"]["thread_ts"] = root.clone().into();
    assert_eq!(app.interaction(&retry).await.status(), 200);
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::CoachReplied(_)))
    })
    .await;
    wait_for("the answer in the thread", || {
        slack.thread_posts(&root).len() == 2
    })
    .await;
    let answer = &slack.thread_posts(&root)[1];
    assert!(
        answer.body["text"].as_str().unwrap().contains("complexity"),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_snippet_shared_in_the_thread_is_a_submission() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    // Longer than a modal takes (3000 characters).
    let code = format!(
        "def two_sum(nums, target):\n{}    return []\n",
        "    # think\n".repeat(400)
    );
    let url = slack
        .serve_file("/files-pri/T1-F1/download/solve.py", &code)
        .await;
    let mut msg = thread_message("Ev_file", OMAR.0, &root, "1700001100.000001", "");
    msg["event"]["subtype"] = "file_share".into();
    msg["event"]["files"] = serde_json::json!([{"id": "F1", "name": "solve.py", "filetype": "python",
        "mimetype": "text/plain", "url_private_download": url}]);
    assert_eq!(app.event(&msg, None).await.status(), 200);
    let events = app
        .wait_events(&stream_of(&root), |e| {
            e.iter().any(|e| matches!(e, Event::CodeSubmitted(_)))
        })
        .await;
    let Some(Event::CodeSubmitted(sub)) =
        events.iter().find(|e| matches!(e, Event::CodeSubmitted(_)))
    else {
        unreachable!()
    };
    assert_eq!(sub.source, SubmissionSource::Attachment);
    assert_eq!(sub.language, "python");
    assert_eq!(sub.code, code);
    wait_for("the analysis in the thread", || {
        !slack.thread_posts(&root).is_empty()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_url_answers_slacks_signed_url_verification() {
    let (_db, _slack, _llm, app) = setup().await;
    let body = serde_json::json!({"token": "x", "challenge": "c-123", "type": "url_verification"});
    let res = app.event(&body, None).await;
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["challenge"], "c-123");
}
