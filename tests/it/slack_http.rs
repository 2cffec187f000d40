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

/// What the coach answers the sentinel message with.
const SENTINEL_REPLY: &str = "Sentinel: noted.";

/// A sentinel for "nothing more came": Omar says one more thing in the thread (a new
/// event id at `ts`), and this returns once the coach's answer to it is posted there.
/// The coach answers an interview's turns oldest first and the outbox posts what the log
/// holds, so by then anything owed to an earlier delivery is in the log and posted too.
async fn sentinel_answered(
    app: &SlackApp,
    slack: &FakeSlack,
    llm: &FakeAnthropic,
    root: &str,
    ts: &str,
) {
    *llm.default_text.lock().unwrap() = SENTINEL_REPLY.to_string();
    let said = thread_message(&format!("Ev_sentinel_{ts}"), OMAR.0, root, ts, "Noted.");
    assert_eq!(app.event(&said, None).await.status(), 200);
    wait_for("the coach's answer to the sentinel", || {
        slack
            .thread_posts(root)
            .iter()
            .any(|p| p.body.to_string().contains(SENTINEL_REPLY))
    })
    .await;
}

fn is_candidate(e: &Event) -> bool {
    matches!(e, Event::ApproachExplained(_) | Event::CandidateMessage(_))
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
async fn interview_start_posts_a_root_message_with_the_five_buttons() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_interview(&app, &slack).await;
    let post = &slack.calls("chat.postMessage")[0];
    assert_eq!(post.body["channel"], CHANNEL);
    assert!(post.body.get("thread_ts").is_none_or(Value::is_null));
    assert_eq!(
        action_ids(post),
        ["ic_approach", "ic_submit", "ic_run", "ic_hint", "ic_end"]
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
    let (_db, slack, llm, app) = setup().await;
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
    // The sentinel's answer is committed after the analysis (turns run oldest first), so
    // a second post of the analysis would have been made first.
    sentinel_answered(&app, &slack, &llm, &root, "1700000100.000002").await;
    // The outbox's posts (each with its delivery key as metadata); the line the tests
    // showed while they ran is the only other post, and was updated into their headline.
    let (posts, lines): (Vec<Call>, Vec<Call>) = slack
        .thread_posts(&root)
        .into_iter()
        .partition(|p| !p.body["metadata"].is_null());
    assert_eq!(
        posts.len(),
        3,
        "the submission's tests, the analysis, then the sentinel's answer: {posts:?}"
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    wait_for("the line updated into the tests' headline", || {
        slack.calls("chat.update").iter().any(|c| {
            c.body["ts"] == lines[0].ts.as_deref().unwrap_or_default()
                && c.body["text"] == "✅ Tests of submission #1: 8 of 8 passed (python)."
        })
    })
    .await;
    assert!(posts[2].body.to_string().contains(SENTINEL_REPLY));
    // The tests and the review are posted each on its own: either may land first.
    assert!(
        posts[..2]
            .iter()
            .any(|p| p.body["text"] == "Tests of submission #1: 8 of 8 passed (python)"),
        "{posts:?}"
    );
    let review = posts[..2]
        .iter()
        .find(|p| p.body["blocks"].to_string().contains("Code review: 7/10"))
        .unwrap_or_else(|| panic!("the review: {posts:?}"));
    assert!(review.body["blocks"].to_string().contains("Complexity"));
    assert_eq!(
        review.body["metadata"]["event_type"],
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

    // The sentinel: a correctly signed request with its own event id and text, sent
    // after every refused one was answered, on the same route to the same stream. A
    // refused request that still did work would have started it before its answer, so
    // it would be in the log ahead of the sentinel's event.
    let valid = thread_message(
        "Ev_sig_ok",
        OMAR.0,
        &root,
        "1700000300.000002",
        "Signed: a hash map of complements.",
    )
    .to_string();
    let accepted = app
        .post_signed("/slack/events", &valid, json, None, None)
        .await;
    assert_eq!(accepted.status(), 200);
    let events = app.wait_events(&stream, |e| e.len() > before).await;
    let Event::ApproachExplained(approach) = &events[before] else {
        panic!("not the signed request's approach: {events:?}")
    };
    assert_eq!(approach.text, "Signed: a hash map of complements.");
    assert_eq!(count(&events, is_candidate), 1, "{events:?}");
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
    assert_eq!(count(&events, |e| matches!(e, Event::CoachReplied(_))), 1);
    // All four deliveries were acknowledged, so handed to the handler, before the
    // sentinel was sent; a second turn from any of them would be answered first.
    sentinel_answered(&app, &slack, &llm, &root, "1700000400.000002").await;
    let events_after = app.events(&stream).await;
    let duplicated = |e: &Event| {
        matches!(e, Event::ApproachExplained(a) if a.text == "Sort first, then two pointers.")
            || matches!(e, Event::CandidateMessage(m) if m.text == "Sort first, then two pointers.")
    };
    assert_eq!(count(&events_after, duplicated), 1, "{events_after:?}");
    assert_eq!(count(&events_after, is_candidate), 2, "and the sentinel");
    assert_eq!(
        count(&events_after, |e| matches!(e, Event::CoachReplied(_))),
        2
    );
    assert_eq!(llm.requests() - calls_before, 2, "one LLM call each");
    assert_eq!(slack.thread_posts(&root).len(), 2, "one reply each");
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
    // The refusal is the sentinel: the handler posts it only after the engine refused
    // the End, in the same task, so anything that press appended would be in already.
    wait_for("the second refusal", || {
        slack.calls("chat.postEphemeral").len() == 2
    })
    .await;
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
    // The sentinel: Omar's reply in the same thread, sent after Ana's was acknowledged
    // (so handed to the handler) and taking the same path; whatever Ana's appended
    // would be in the log ahead of it.
    let said = thread_message("Ev_omar_1", OMAR.0, &solo, "1700000900.000003", "Thanks.");
    assert_eq!(app.event(&said, None).await.status(), 200);
    let events = app
        .wait_events(&stream_of(&solo), |e| e.len() > before)
        .await;
    let Event::ApproachExplained(first) = &events[before] else {
        panic!("Ana's aside was appended: {events:?}")
    };
    assert_eq!(first.actor.user_id, OMAR.0);
    assert!(
        slack.calls("chat.postEphemeral").is_empty(),
        "ignored quietly"
    );

    app.command(OMAR, "start group two-sum", "trigger-group")
        .await;
    let roots = || {
        slack
            .calls("chat.postMessage")
            .into_iter()
            .filter(|c| c.body["thread_ts"].is_null())
            .collect::<Vec<_>>()
    };
    wait_for("the second root", || roots().len() >= 2).await;
    let group = roots()[1].ts.clone().unwrap();
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

/// The ephemeral replies Omar was shown.
fn told(slack: &FakeSlack) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_root_post_is_retried_and_the_member_told_slack_is_busy() {
    let (_db, slack, _llm, app) = setup().await;
    slack.plan("chat.postMessage", vec![Some(Fault::Status(429, Some(1)))]);
    let res = app.command(OMAR, "start two-sum", "trigger-busy").await;
    assert_eq!(res.status(), 200);
    wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().unwrap();
    let events = app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    assert!(matches!(events[0], Event::InterviewStarted(_)));
    let told = told(&slack);
    assert_eq!(told, ["Slack is busy, retrying..."], "no invite advice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_bot_missing_from_the_channel_is_asked_to_be_invited() {
    let (_db, slack, _llm, app) = setup().await;
    slack.plan(
        "chat.postMessage",
        vec![
            Some(Fault::Error("not_in_channel")),
            Some(Fault::Error("restricted_action")),
        ],
    );
    app.command(OMAR, "start two-sum", "trigger-a").await;
    wait_for("the first answer", || told(&slack).len() == 1).await;
    assert!(told(&slack)[0].contains("/invite @interview-coach"));
    app.command(OMAR, "start two-sum", "trigger-b").await;
    wait_for("the second answer", || told(&slack).len() == 2).await;
    let second = &told(&slack)[1];
    assert!(second.contains("restricted_action"), "{second}");
    assert!(!second.contains("/invite"), "{second}");
    assert!(slack.thread_posts_root().is_empty(), "nothing was posted");
}
