//! Running code from Slack (issue 14) against the real app on port 0 (HTTP Events API),
//! the real sandbox (bubblewrap when the machine allows it), real SQLite and the Slack
//! Web API on a loopback fake: a `run` reply with a correct and a wrong two-sum gets its
//! progress privately and its verdicts in the thread; the Run tests button opens a modal
//! whose code and input run, and the submit modal's "Run tests only" runs without
//! submitting; refusals are ephemeral and append nothing; a submission's tests are
//! posted once, with their delivery key as metadata; a `run` with a shared snippet runs
//! it; compile and runtime errors show their lines.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::FakeAnthropic;
use common::fixtures::interview_started;
use interview_coach::domain::*;
use interview_coach::ports::ExpectedVersion;
use serde_json::{Value, json};
use slack_common::*;

const CORRECT: &str = "def two_sum(nums, target):\n    seen = {}\n    for j, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], j]\n        seen[x] = j\n    return []\n";
const WRONG: &str = "def two_sum(nums, target):\n    return [0, 1]\n";

async fn setup() -> (common::TestDb, FakeSlack, FakeAnthropic, SlackApp) {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;
    (db, slack, llm, app)
}

/// `/interview start two-sum python 30` by Omar; the root message's ts.
async fn start_two_sum(app: &SlackApp, slack: &FakeSlack) -> String {
    app.command(OMAR, "start two-sum python 30", "trigger-start")
        .await;
    wait_for("the root message", || !slack.thread_posts_root().is_empty()).await;
    let root = slack.thread_posts_root()[0].ts.clone().expect("ts");
    app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    root
}

/// The private answers `user` got so far (their text).
fn told(slack: &FakeSlack, user: &str) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .into_iter()
        .filter(|c| c.body["user"] == user)
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The `n`th private answer to `user` (from 1), once it is there.
async fn nth_told(slack: &FakeSlack, user: &str, n: usize) -> String {
    wait_for("a private answer", || told(slack, user).len() >= n).await;
    told(slack, user)[n - 1].clone()
}

/// The thread's posts that show a test run.
fn run_posts(slack: &FakeSlack, root: &str) -> Vec<Call> {
    slack
        .thread_posts(root)
        .into_iter()
        .filter(|p| {
            let text = p.body["text"].as_str().unwrap_or_default();
            text.starts_with("Test run") || text.starts_with("Tests of submission")
        })
        .collect()
}

/// The `n`th run post of the thread (from 1), once it is there.
async fn nth_run_post(slack: &FakeSlack, root: &str, n: usize) -> Call {
    wait_for("a run in the thread", || run_posts(slack, root).len() >= n).await;
    run_posts(slack, root)[n - 1].clone()
}

fn runs(events: &[Event]) -> Vec<&TestsRun> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::TestsRun(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn reply(event_id: &str, user: &str, root: &str, ts: &str, text: &str) -> Value {
    thread_message(event_id, user, root, ts, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_reply_shows_passing_verdicts_then_a_wrong_ones_first_failing_case() {
    let (_db, slack, llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let stream = stream_of(&root);

    let text = format!("run\n```python\n{CORRECT}```");
    let msg = reply("Ev_run_1", OMAR.0, &root, "1700000100.000001", &text);
    assert_eq!(app.event(&msg, None).await.status(), 200);
    let passed = nth_run_post(&slack, &root, 1).await;
    assert_eq!(passed.body["text"], "Test run: 8 of 8 passed (python)");
    let blocks = passed.body["blocks"].to_string();
    assert!(blocks.contains("*Example 2:* ✓ passed"), "{blocks}");
    assert!(blocks.contains("expected: `[1,2]`"), "{blocks}");
    assert!(blocks.contains("*Hidden tests:* 6 of 6 passed"), "{blocks}");
    assert!(
        blocks.contains(" ms · "),
        "time and memory per case: {blocks}"
    );
    let events = app.events(&stream).await;
    let version = events.len();
    assert_eq!(
        passed.body["metadata"]["event_payload"]["key"],
        format!("{stream}#{version}"),
        "posted by the outbox under its delivery key"
    );
    let progress = told(&slack, OMAR.0);
    assert!(
        progress
            .iter()
            .any(|t| t == "Running 2 examples and 6 tests…"),
        "{progress:?}"
    );

    let text = format!("Run\n```python\n{WRONG}```");
    let msg = reply("Ev_run_2", OMAR.0, &root, "1700000100.000002", &text);
    app.event(&msg, None).await;
    let wrong = nth_run_post(&slack, &root, 2).await;
    assert_eq!(
        wrong.body["text"],
        "Test run: 2 of 8 passed, wrong answer (python)"
    );
    let blocks = wrong.body["blocks"].to_string();
    assert!(
        blocks.contains("*Example 2:* ✗ wrong answer")
            && blocks.contains("expected: `[1,2]`")
            && blocks.contains("got: `[0,1]`"),
        "the failing example in full: {blocks}"
    );
    assert!(
        blocks.contains("*First failing hidden test (wrong answer):*"),
        "{blocks}"
    );

    let events = app.events(&stream).await;
    let logged = runs(&events);
    assert_eq!(logged.len(), 2);
    assert!(matches!(&logged[1].of, RunOf::Adhoc { code } if code == WRONG.trim_end()));
    assert!(
        !events.iter().any(|e| matches!(e, Event::CodeSubmitted(_))),
        "a run is not a submission"
    );
    assert_eq!(llm.requests(), 0, "and the coach is not asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_tests_button_opens_a_modal_whose_code_runs_on_the_members_input() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let root_post = &slack.thread_posts_root()[0];
    assert!(
        root_post.body["blocks"].to_string().contains("\"ic_run\""),
        "the root message has a Run tests button"
    );
    app.interaction(&button("ic_run", OMAR, &root, "1700000200.000001"))
        .await;
    wait_for("the modal", || !slack.calls("views.open").is_empty()).await;
    let view = slack.calls("views.open")[0].body["view"].clone();
    assert_eq!(view["callback_id"], "ic_run_modal");
    let submitted = json!({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": OMAR.0, "username": OMAR.1},
        "view": {"id": "V_run", "callback_id": "ic_run_modal", "private_metadata": view["private_metadata"],
                 "state": {"values": {
                     "code": {"code": {"type": "plain_text_input", "value": CORRECT}},
                     "language": {"language": {"type": "plain_text_input", "value": "python"}},
                     "custom_input": {"custom_input": {"type": "plain_text_input", "value": "{\"nums\": [5, 1, 4], \"target\": 9}"}}}}}
    });
    assert_eq!(app.interaction(&submitted).await.status(), 200);
    let ran = nth_run_post(&slack, &root, 1).await;
    assert_eq!(
        ran.body["text"], "Test run on your input: ran (python)",
        "{ran:?}"
    );
    assert!(
        ran.body["blocks"].to_string().contains("got: `[0,2]`"),
        "{}",
        ran.body["blocks"]
    );

    // The submit modal's "Run tests only" runs the code without submitting it.
    app.interaction(&button("ic_submit", OMAR, &root, "1700000200.000002"))
        .await;
    wait_for("the submit modal", || slack.calls("views.open").len() == 2).await;
    let view = slack.calls("views.open")[1].body["view"].clone();
    assert!(view.to_string().contains("Run tests only"), "{view}");
    let run_only = json!({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": OMAR.0, "username": OMAR.1},
        "view": {"id": "V_submit_run", "callback_id": "ic_submit_modal", "private_metadata": view["private_metadata"],
                 "state": {"values": {
                     "code": {"code": {"type": "plain_text_input", "value": WRONG}},
                     "mode": {"mode": {"type": "radio_buttons", "selected_option": {"value": "run"}}}}}}
    });
    app.interaction(&run_only).await;
    let wrong = nth_run_post(&slack, &root, 2).await;
    assert_eq!(
        wrong.body["text"],
        "Test run: 2 of 8 passed, wrong answer (python)"
    );
    let events = app.events(&stream_of(&root)).await;
    assert_eq!(runs(&events).len(), 2);
    assert!(!events.iter().any(|e| matches!(e, Event::CodeSubmitted(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_runs_get_a_clear_private_answer_and_append_nothing() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let stream = stream_of(&root);
    let before = app.events(&stream).await.len();
    let fenced = |language: &str, code: &str| format!("```{language}\n{code}\n```");
    let cases = [
        (OMAR, "run".to_string(), "write some code"),
        (
            OMAR,
            format!("run\n{}", fenced("cobol", "DISPLAY 'HI'.")),
            "python, javascript, java, cpp",
        ),
        (
            OMAR,
            format!("run\n{}", fenced("python", "def other():\n    pass")),
            "def two_sum(",
        ),
        (
            OMAR,
            format!("run input: nums=[1]\n{}", fenced("python", CORRECT)),
            "not valid JSON",
        ),
        (
            OMAR,
            format!(
                "run input: {{\"nums\": [1, 2]}}\n{}",
                fenced("python", CORRECT)
            ),
            "lacks the argument \"target\"",
        ),
        (
            OMAR,
            format!("run\n{}", fenced("python", &"x".repeat(70_000))),
            "too large",
        ),
        (
            ANA,
            format!("run\n{}", fenced("python", CORRECT)),
            "Only omar can",
        ),
    ];
    let mut n = std::collections::HashMap::new();
    for (i, (user, text, expected)) in cases.iter().enumerate() {
        let ts = format!("1700000300.{:06}", i + 1);
        let msg = reply(&format!("Ev_bad_{i}"), user.0, &root, &ts, text);
        app.event(&msg, None).await;
        let count = n.entry(user.0).or_insert(0);
        *count += 1;
        // The refusal is the sentinel: it is told only after the runner refused.
        let answer = nth_told(&slack, user.0, *count).await;
        assert!(
            answer.contains(expected),
            "{answer:?} should say {expected:?}"
        );
    }
    assert_eq!(app.events(&stream).await.len(), before, "nothing appended");

    // Once the interview is over, a run is refused too.
    app.interaction(&button("ic_end", OMAR, &root, "1700000300.100000"))
        .await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::InterviewEnded(_)))
    })
    .await;
    let ended = app.events(&stream).await.len();
    let text = format!("run\n{}", fenced("python", CORRECT));
    app.event(
        &reply("Ev_late", OMAR.0, &root, "1700000300.200000", &text),
        None,
    )
    .await;
    let answer = nth_told(&slack, OMAR.0, n[OMAR.0] + 1).await;
    assert!(answer.contains("has ended"), "{answer}");
    let events = app.events(&stream).await;
    assert!(runs(&events).is_empty());
    assert!(
        events.len() >= ended
            && !events[ended..]
                .iter()
                .any(|e| matches!(e, Event::TestsRun(_))),
        "nothing but the coach's summary came after the end"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_problem_not_in_the_bank_runs_only_on_an_input_of_ones_own() {
    let (_db, slack, _llm, app) = setup().await;
    let root = "1690000000.000777";
    let place = Place::Slack {
        team: TEAM.into(),
        channel: CHANNEL.into(),
        thread_ts: root.into(),
    };
    let started = Event::InterviewStarted(InterviewStarted {
        language: Some("python".into()),
        time_limit_minutes: Some(30),
        ..interview_started(
            place.clone(),
            Actor::new(Platform::Slack, OMAR.0, OMAR.1),
            Problem::custom("Echo\nPrint the input back reversed."),
            chrono::Utc::now(),
        )
    });
    app.store
        .append(
            &place.stream_id(),
            ExpectedVersion::Exact(0),
            &[started],
            None,
        )
        .await
        .expect("started");
    let code = "```python\nprint(input()[::-1])\n```";
    let msg = reply(
        "Ev_echo_1",
        OMAR.0,
        root,
        "1700000400.000001",
        &format!("run\n{code}"),
    );
    app.event(&msg, None).await;
    let refused = nth_told(&slack, OMAR.0, 1).await;
    assert!(
        refused.contains("no hidden tests") && refused.contains("run input:"),
        "{refused}"
    );
    let msg = reply(
        "Ev_echo_2",
        OMAR.0,
        root,
        "1700000400.000002",
        &format!("run input: \"abc\"\n{code}"),
    );
    app.event(&msg, None).await;
    let ran = nth_run_post(&slack, root, 1).await;
    assert!(
        ran.body["blocks"].to_string().contains("cba"),
        "{}",
        ran.body["blocks"]
    );
    assert_eq!(runs(&app.events(&place.stream_id()).await).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submissions_tests_are_posted_once_with_their_delivery_key() {
    let (_db, slack, llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let stream = stream_of(&root);
    let code = format!("```python\n{WRONG}```");
    app.event(
        &reply("Ev_sub", OMAR.0, &root, "1700000500.000001", &code),
        None,
    )
    .await;
    app.wait_events(&stream, |e| {
        e.iter().any(|e| matches!(e, Event::CodeAnalyzed(_)))
    })
    .await;
    // A sentinel: the coach answers turns oldest first and the outbox posts the log in
    // order, so once its answer is in the thread a second post of the tests would be too.
    *llm.default_text.lock().unwrap() = "Sentinel: noted.".to_string();
    let said = reply("Ev_sentinel", OMAR.0, &root, "1700000500.000002", "Noted.");
    app.event(&said, None).await;
    wait_for("the sentinel's answer", || {
        slack
            .thread_posts(&root)
            .iter()
            .any(|p| p.body.to_string().contains("Sentinel: noted."))
    })
    .await;
    let posts = slack.thread_posts(&root);
    let tests: Vec<&Call> = posts
        .iter()
        .filter(|p| {
            p.body["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Tests of submission #1"))
        })
        .collect();
    assert_eq!(tests.len(), 1, "posted once: {posts:?}");
    assert_eq!(
        tests[0].body["text"],
        "Tests of submission #1: 2 of 8 passed, wrong answer (python)"
    );
    let events = app.events(&stream).await;
    let at = events
        .iter()
        .position(|e| matches!(e, Event::TestsRun(_)))
        .expect("a TestsRun");
    assert_eq!(
        tests[0].body["metadata"]["event_payload"]["key"],
        format!("{stream}#{}", at + 1)
    );
    // The outbox posts each event on its own, so the review (appended right after the
    // tests when the LLM is this quick) may land first; both are there, once each.
    let reviews = posts
        .iter()
        .filter(|p| p.body["blocks"].to_string().contains("Code review"))
        .count();
    assert_eq!(reviews, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syntax_error_and_a_runtime_error_show_their_lines() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let broken = "run\n```python\ndef two_sum(nums, target):\n    x = [\n    return x\n```";
    app.event(
        &reply("Ev_syntax", OMAR.0, &root, "1700000600.000001", broken),
        None,
    )
    .await;
    let post = nth_run_post(&slack, &root, 1).await;
    let blocks = post.body["blocks"].to_string();
    assert_eq!(post.body["text"], "Test run: compile error (python)");
    assert!(blocks.contains("solution.py:2:"), "the line: {blocks}");
    let crash = "run\n```python\ndef two_sum(nums, target):\n    return nums[99]\n```";
    app.event(
        &reply("Ev_crash", OMAR.0, &root, "1700000600.000002", crash),
        None,
    )
    .await;
    let post = nth_run_post(&slack, &root, 2).await;
    let blocks = post.body["blocks"].to_string();
    assert!(
        post.body["text"]
            .as_str()
            .is_some_and(|t| t.contains("runtime error")),
        "{}",
        post.body["text"]
    );
    assert!(
        blocks.contains("IndexError"),
        "the end of the error: {blocks}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_with_a_shared_snippet_runs_the_snippet() {
    let (_db, slack, _llm, app) = setup().await;
    let root = start_two_sum(&app, &slack).await;
    let url = slack
        .serve_file("/files-pri/T1-F2/download/solve.py", CORRECT)
        .await;
    let mut msg = reply("Ev_run_file", OMAR.0, &root, "1700000700.000001", "run");
    msg["event"]["subtype"] = "file_share".into();
    msg["event"]["files"] = json!([{"id": "F2", "name": "solve.py", "filetype": "python",
        "mimetype": "text/plain", "url_private_download": url}]);
    app.event(&msg, None).await;
    let post = nth_run_post(&slack, &root, 1).await;
    assert_eq!(post.body["text"], "Test run: 8 of 8 passed (python)");
    let events = app.events(&stream_of(&root)).await;
    assert!(matches!(&runs(&events)[0].of, RunOf::Adhoc { code } if code == CORRECT));
    assert!(!events.iter().any(|e| matches!(e, Event::CodeSubmitted(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waiting_for_the_one_sandbox_slot_is_told_its_place() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let flags = ["--slack-signing-secret", SECRET, "--sandbox-workers", "1"];
    let app = SlackApp::start_with(db.open().await, &slack, &llm.uri(), &flags).await;
    let root = start_two_sum(&app, &slack).await;
    let first = format!("run\n```python\n{CORRECT}```");
    let second = format!("run\n```python\n{WRONG}```");
    // Both are handed over before either can finish: one holds the only slot from the
    // moment it is accepted, so the other waits behind it.
    let first = reply("Ev_q1", OMAR.0, &root, "1700000800.000001", &first);
    let second = reply("Ev_q2", OMAR.0, &root, "1700000800.000002", &second);
    let (a, b) = tokio::join!(app.event(&first, None), app.event(&second, None));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    nth_run_post(&slack, &root, 2).await;
    let progress = told(&slack, OMAR.0);
    assert!(
        progress
            .iter()
            .any(|t| t == "Your run is queued, next to run."),
        "{progress:?}"
    );
    assert_eq!(
        progress
            .iter()
            .filter(|t| t.starts_with("Running "))
            .count(),
        2,
        "each run says when it starts: {progress:?}"
    );
    assert_eq!(runs(&app.events(&stream_of(&root)).await).len(), 2);
}

/// Issue 18 item 5 on Slack: a reply inside the member's cooldown is recorded, the
/// candidate is told once (privately, in the thread) when the coach will answer, and the
/// coach answers it when the cooldown ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_inside_the_cooldown_is_told_privately_when_the_coach_will_answer() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start_with(
        db.open().await,
        &slack,
        &llm.uri(),
        &[
            "--slack-signing-secret",
            SECRET,
            "--coach-cooldown-seconds",
            "3",
        ],
    )
    .await;
    let root = start_two_sum(&app, &slack).await;
    let stream = stream_of(&root);
    let replied = |events: &[Event]| {
        events
            .iter()
            .filter(|e| matches!(e, Event::CoachReplied(_)))
            .count()
    };
    let first = reply(
        "Ev_cd_1",
        OMAR.0,
        &root,
        "1700000100.000001",
        "Should I sort first?",
    );
    assert_eq!(app.event(&first, None).await.status(), 200);
    app.wait_events(&stream, |e| replied(e) >= 1).await;
    let second = reply(
        "Ev_cd_2",
        OMAR.0,
        &root,
        "1700000100.000002",
        "Or a hash map?",
    );
    assert_eq!(app.event(&second, None).await.status(), 200);
    let is_notice = |t: &String| t.contains("The coach will answer in");
    wait_for("the cooldown notice", || {
        told(&slack, OMAR.0).iter().any(is_notice)
    })
    .await;
    let notice = slack
        .calls("chat.postEphemeral")
        .into_iter()
        .find(|c| {
            c.body["text"]
                .as_str()
                .is_some_and(|t| t.contains("will answer in"))
        })
        .expect("the notice");
    assert_eq!(
        notice.body["thread_ts"],
        root.as_str(),
        "in the interview's thread"
    );
    let events = app.wait_events(&stream, |e| replied(e) >= 2).await;
    assert_eq!(replied(&events), 2, "the deferred turn answered once");
    let notices = told(&slack, OMAR.0).into_iter().filter(is_notice).count();
    assert_eq!(notices, 1, "one notice for the one deferred turn");
}

/// A two-sum that takes about 3 s over its 8 cases: it holds the only sandbox slot.
const SLOW: &str =
    "import time\ndef two_sum(nums, target):\n    time.sleep(0.4)\n    return [0, 1]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submissions_tests_show_a_line_in_the_thread_from_its_queue_place_to_its_verdict() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let flags = ["--slack-signing-secret", SECRET, "--sandbox-workers", "1"];
    let app = SlackApp::start_with(db.open().await, &slack, &llm.uri(), &flags).await;
    let root = start_two_sum(&app, &slack).await;

    // A slow ad-hoc run takes the one slot; its lines are ephemeral, never in the thread.
    let slow = format!("run\n```python\n{SLOW}```");
    app.event(
        &reply("Ev_slow", OMAR.0, &root, "1700000900.000001", &slow),
        None,
    )
    .await;
    wait_for("the slow run started", || {
        told(&slack, OMAR.0)
            .iter()
            .any(|t| t.starts_with("Running "))
    })
    .await;

    // The submission's tests wait behind it: their line says so in the thread, then
    // that they run, then their verdict, in one message updated in place.
    let code = format!("```python\n{CORRECT}```");
    app.event(
        &reply("Ev_sub_line", OMAR.0, &root, "1700000900.000002", &code),
        None,
    )
    .await;
    let is_line = |p: &Call| p.body["text"] == "⏳ Queued, next to run.";
    wait_for("the queued line", || {
        slack.thread_posts(&root).iter().any(is_line)
    })
    .await;
    let line = slack
        .thread_posts(&root)
        .into_iter()
        .find(is_line)
        .and_then(|p| p.ts)
        .expect("the line's ts");
    let verdict = "✅ Tests of submission #1: 8 of 8 passed (python).";
    let updates = || -> Vec<String> {
        slack
            .calls("chat.update")
            .into_iter()
            .filter(|c| c.body["ts"] == line.as_str() && c.body["channel"] == CHANNEL)
            .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    wait_for("the verdict line", || {
        updates().iter().any(|t| t == verdict)
    })
    .await;
    let updates = updates();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(
        updates[0].starts_with("⚙️ Running 2 examples and 6 tests"),
        "{updates:?}"
    );
    // The verdicts themselves are still the outbox's blocks, posted once; the ad-hoc
    // run never had a line in the thread.
    wait_for("the submission's verdicts", || {
        run_posts(&slack, &root)
            .iter()
            .any(|p| p.body["text"] == "Tests of submission #1: 8 of 8 passed (python)")
    })
    .await;
    let lines = slack
        .thread_posts(&root)
        .iter()
        .filter(|p| {
            p.body["text"]
                .as_str()
                .is_some_and(|t| t.starts_with('⏳') || t.starts_with('⚙'))
        })
        .count();
    assert_eq!(lines, 1, "one line, for the submission only");
}
