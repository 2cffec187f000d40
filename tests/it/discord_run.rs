//! Running code from Discord (issue 14), end to end: the real app (SQLite, the coach on
//! a fake Anthropic, the real sandbox) against the loopback fake of Discord. `/run` with
//! a correct two-sum shows passing verdicts and a wrong one (as a file) the first
//! failing case, each posted once as an embed in the thread while the member's private
//! reply shows the run's progress (a follow-up of its own after the editor); a
//! submission's tests (run by the coach before its analysis) are posted once; the Run
//! tests button runs the last code; refused runs answer privately and append nothing.

use crate::common;
use crate::discord_fake;

use common::fake_anthropic::FakeAnthropic;
use discord_fake::*;
use interview_coach::domain::{CaseVerdict, Event, RunOf, StreamId, TestsRun};
use interview_coach::engine::Engine;
use serde_json::{Value, json};

const CORRECT: &str = "def two_sum(nums, target):\n    seen = {}\n    for j, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], j]\n        seen[x] = j\n    return []\n";
const WRONG: &str = "def two_sum(nums, target):\n    print('trying', target)\n    return [0, 1]\n";

/// `/interview start` of `who` on `problem` (python); the new thread's id.
pub(crate) async fn start(discord: &FakeDiscord, id: u64, who: (u64, &str), problem: &str) -> u64 {
    let is_problem = |c: &Call| {
        c.method == "POST"
            && c.path.ends_with("/messages")
            && c.body["content"]
                .as_str()
                .is_some_and(|t| t.starts_with("Interview for <@"))
    };
    let before = discord.count(is_problem);
    let data = json!({"id": "1", "name": "interview", "type": 1, "options": [{
        "name": "start", "type": 1, "options": [
            {"name": "problem", "type": 3, "value": problem},
            {"name": "language", "type": 3, "value": "python"}
        ]
    }]});
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(id, CHANNEL, who.0, who.1, data),
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    while discord.count(is_problem) == before {
        assert!(tokio::time::Instant::now() < deadline, "no problem posted");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let problem = discord
        .calls()
        .into_iter()
        .rfind(is_problem)
        .expect("the problem message");
    problem.path.split('/').nth(4).unwrap().parse().unwrap()
}

/// A `/run` with `options` from `who` in `thread`.
fn run_command(id: u64, thread: u64, who: (u64, &str), options: Value) -> Value {
    interaction(
        id,
        thread,
        who.0,
        who.1,
        json!({"id": "7", "name": "run", "type": 1, "options": options}),
    )
}

fn is_post_in(thread: u64) -> impl Fn(&Call) -> bool {
    move |c: &Call| c.method == "POST" && c.path == format!("/api/v10/channels/{thread}/messages")
}

/// The embed of a post in `thread` whose title starts with `title`, waited for.
async fn embed_titled(discord: &FakeDiscord, thread: u64, title: &str) -> Value {
    let call = discord
        .wait_for(title, |c| {
            is_post_in(thread)(c)
                && c.body["embeds"][0]["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(title))
        })
        .await;
    call.body["embeds"][0].clone()
}

fn posts_titled(discord: &FakeDiscord, thread: u64, title: &str) -> usize {
    discord.count(|c| {
        is_post_in(thread)(c)
            && c.body["embeds"][0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with(title))
    })
}

fn field<'a>(embed: &'a Value, name: &str) -> &'a Value {
    embed["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == name))
        .unwrap_or_else(|| panic!("no field {name:?} in {embed}"))
}

/// The private texts of interaction `id`: its callback message, then the edits of its
/// deferred reply and its follow-ups, in order.
fn private_texts(discord: &FakeDiscord, id: u64) -> Vec<String> {
    discord
        .calls()
        .into_iter()
        .filter_map(|c| {
            let callback = c.path == format!("/api/v10/interactions/{id}/token{id}/callback");
            let webhook = c.path.starts_with("/api/v10/webhooks/")
                && (c.path.ends_with(&format!("/token{id}"))
                    || c.path.contains(&format!("/token{id}/")));
            match () {
                _ if callback => c.body["data"]["content"].as_str().map(str::to_string),
                _ if webhook => c.body["content"].as_str().map(str::to_string),
                _ => None,
            }
        })
        .collect()
}

/// Waits until a private text of interaction `id` contains `part`; all of them.
async fn private_answer(discord: &FakeDiscord, id: u64, part: &str) -> Vec<String> {
    discord
        .wait_for(part, |c| {
            let mine = c.path.contains(&format!("/token{id}"));
            let text = c.body["content"]
                .as_str()
                .or_else(|| c.body["data"]["content"].as_str())
                .unwrap_or("");
            mine && text.contains(part)
        })
        .await;
    private_texts(discord, id)
}

async fn runs(engine: &Engine, stream: &StreamId) -> Vec<TestsRun> {
    let (_, events) = engine.load(stream).await.expect("load");
    events
        .into_iter()
        .filter_map(|r| match r.event {
            Event::TestsRun(run) => Some(run),
            _ => None,
        })
        .collect()
}

fn stream_of(thread: u64) -> StreamId {
    StreamId::new(format!("discord:{GUILD}:{thread}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_run_shows_passing_verdicts_and_a_wrong_files_first_failing_case() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, _stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
    let thread = start(&discord, 1001, (MAYA, "Maya"), "two-sum").await;

    // A correct two-sum as a fenced block: deferred privately, progress, then the
    // results in the thread.
    let code = format!("```python\n{CORRECT}```");
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(
            1101,
            thread,
            (MAYA, "Maya"),
            json!([{"name": "code", "type": 3, "value": code}]),
        ),
    );
    let deferred = discord
        .wait_for("the run deferred", |c| {
            c.path == "/api/v10/interactions/1101/token1101/callback"
        })
        .await;
    assert_eq!(
        (
            deferred.body["type"].as_u64(),
            deferred.body["data"]["flags"].as_u64()
        ),
        (Some(5), Some(64)),
        "deferred privately"
    );
    let passed = embed_titled(&discord, thread, "✅ Test run: 8 of 8 passed (python)").await;
    let example = field(&passed, "Example 1 · ✅ passed")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let compact = example.replace(' ', "");
    assert!(
        compact.contains("input`{\"nums\":[2,7,11,15],\"target\":9}`")
            && compact.contains("expected`[0,1]`")
            && compact.contains("got`[0,1]`")
            && example.contains(" ms · ")
            && example.contains(" MiB"),
        "input, expected, actual, time and memory: {example}"
    );
    let hidden = field(&passed, "Hidden tests · 6 of 6 passed")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        hidden.lines().count(),
        6,
        "a line per hidden test: {hidden}"
    );
    let texts = private_answer(&discord, 1101, "8 of 8 passed").await;
    assert!(
        texts.iter().any(|t| t.starts_with("⏳ Queued")),
        "the queue place: {texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "⚙️ Running 2 examples and 6 tests…"),
        "the start: {texts:?}"
    );
    assert!(
        texts
            .last()
            .is_some_and(|t| t.contains("results are posted in the thread")),
        "{texts:?}"
    );

    // A wrong two-sum as a file: the first failing case in full.
    let url = discord.file("wrong.py", WRONG.as_bytes());
    let mut with_file = run_command(
        1102,
        thread,
        (MAYA, "Maya"),
        json!([{"name": "file", "type": 11, "value": "5151"}]),
    );
    with_file["data"]["resolved"] = json!({"attachments": {"5151": {
        "id": "5151", "filename": "wrong.py", "size": WRONG.len(), "url": url,
        "proxy_url": url, "content_type": "text/x-python"
    }}});
    discord.dispatch("INTERACTION_CREATE", with_file);
    let wrong = embed_titled(&discord, thread, "❌ Test run: ").await;
    let title = wrong["title"].as_str().unwrap_or_default();
    assert!(title.contains("wrong answer"), "{title}");
    let example = field(&wrong, "Example 2 · ❌ wrong answer")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let compact = example.replace(' ', "");
    assert!(
        compact.contains("expected`[1,2]`") && compact.contains("got`[0,1]`"),
        "{example}"
    );
    assert!(
        example.contains("trying 6"),
        "what a failing case printed: {example}"
    );
    let first = field(&wrong, "First failing hidden test · wrong answer")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.contains("expected `") && first.contains("got `"),
        "{first}"
    );

    let logged = runs(&engine, &stream_of(thread)).await;
    assert_eq!(logged.len(), 2, "one TestsRun per run");
    assert_eq!(logged[0].verdict, CaseVerdict::Passed);
    assert!(matches!(&logged[1].of, RunOf::Adhoc { code } if code == WRONG));
    private_answer(&discord, 1102, "wrong answer").await;
    assert_eq!(posts_titled(&discord, thread, "✅ Test run"), 1);
    assert_eq!(posts_titled(&discord, thread, "❌ Test run"), 1);

    // The editor: a modal first; the progress and outcome in one private follow-up.
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(
            1103,
            thread,
            (MAYA, "Maya"),
            json!([{"name": "editor", "type": 5, "value": true}]),
        ),
    );
    let modal = discord
        .wait_for("the code editor", |c| {
            c.path == "/api/v10/interactions/1103/token1103/callback"
        })
        .await;
    assert_eq!(
        modal.body["type"].as_u64(),
        Some(9),
        "a modal: {}",
        modal.body
    );
    let field_id = modal.body["data"]["components"][0]["components"][0]["custom_id"].clone();
    let mut typed = interaction(
        1104,
        thread,
        MAYA,
        "Maya",
        json!({"custom_id": modal.body["data"]["custom_id"], "components": [{"type": 1,
            "components": [{"type": 4, "custom_id": field_id, "value": CORRECT}]}]}),
    );
    typed["type"] = json!(5);
    discord.dispatch("INTERACTION_CREATE", typed);
    let texts = private_answer(&discord, 1103, "8 of 8 passed").await;
    let followups = discord.count(|c| {
        c.method == "POST"
            && c.path.starts_with("/api/v10/webhooks/")
            && c.path.ends_with("/token1103")
    });
    assert_eq!(followups, 1, "one follow-up, then edits of it: {texts:?}");
    assert_eq!(
        discord.count(|c| c.path.ends_with("/token1103/messages/@original")),
        0,
        "the modal was the reply: there is no original message to edit"
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    while posts_titled(&discord, thread, "✅ Test run") < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the editor's run posted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(runs(&engine, &stream_of(thread)).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submissions_tests_are_posted_once_and_the_button_runs_the_last_code() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, _stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
    let thread = start(&discord, 1001, (MAYA, "Maya"), "two-sum").await;
    let problem = discord
        .calls()
        .into_iter()
        .find(is_post_in(thread))
        .expect("the problem post");
    let ids: Vec<&str> = problem.body["components"][0]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["custom_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "interview:hint",
            "interview:submit",
            "interview:run",
            "interview:end"
        ]
    );

    // A submission as a fenced message: the coach runs its tests before the analysis,
    // and the tests are posted in the thread once.
    let code = format!("```python\n{WRONG}```");
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(2001, thread, MAYA, "Maya", &code),
    );
    let tests = embed_titled(&discord, thread, "❌ Tests of submission #1: ").await;
    assert!(
        tests["title"]
            .as_str()
            .is_some_and(|t| t.contains("wrong answer")),
        "{tests}"
    );
    embed_titled(&discord, thread, "Code analysis").await;

    // The Run tests button: deferred privately, the last code run again, ad hoc.
    discord.dispatch(
        "INTERACTION_CREATE",
        button_press(3001, thread, MAYA, "Maya", "interview:run"),
    );
    let deferred = discord
        .wait_for("the press deferred", |c| {
            c.path == "/api/v10/interactions/3001/token3001/callback"
        })
        .await;
    assert_eq!(
        (
            deferred.body["type"].as_u64(),
            deferred.body["data"]["flags"].as_u64()
        ),
        (Some(5), Some(64))
    );
    let adhoc = embed_titled(&discord, thread, "❌ Test run: ").await;
    assert!(
        adhoc["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("First failing hidden test")))),
        "{adhoc}"
    );
    private_answer(&discord, 3001, "results are posted in the thread").await;
    let logged = runs(&engine, &stream_of(thread)).await;
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert_eq!(logged[0].submission(), Some(1));
    assert!(
        matches!(&logged[1].of, RunOf::Adhoc { code } if code.trim_end() == WRONG.trim_end()),
        "the last submission's code: {:?}",
        logged[1].of
    );
    // The ad-hoc run was posted after the submission's tests: a second post of those
    // would be in by now.
    assert_eq!(
        posts_titled(&discord, thread, "❌ Tests of submission #1"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_runs_are_answered_privately_and_append_nothing() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, _stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
    let thread = start(&discord, 1001, (MAYA, "Maya"), "two-sum").await;
    let stream = stream_of(thread);
    let version = engine.load(&stream).await.expect("load").0.version;
    let maya = (MAYA, "Maya");
    let code = |c: &str| json!({"name": "code", "type": 3, "value": c});
    let input = |i: &str| json!({"name": "input", "type": 3, "value": i});
    let cases = [
        (json!([]), "write some code first"),
        (
            json!([code(CORRECT), {"name": "language", "type": 3, "value": "cobol"}]),
            "use one of: python, javascript, java, cpp",
        ),
        (json!([code("def other():\n    pass\n")]), "def two_sum("),
        (json!([code(CORRECT), input("nums=[1]")]), "not valid JSON"),
        (
            json!([code(CORRECT), input(r#"{"nums": [1, 2]}"#)]),
            "lacks the argument \"target\"",
        ),
    ];
    for (i, (options, expected)) in cases.into_iter().enumerate() {
        let id = 1201 + i as u64;
        discord.dispatch("INTERACTION_CREATE", run_command(id, thread, maya, options));
        private_answer(&discord, id, expected).await;
    }
    // A file over the size limit.
    let mut big = run_command(
        1210,
        thread,
        maya,
        json!([{"name": "file", "type": 11, "value": "6161"}]),
    );
    big["data"]["resolved"] = json!({"attachments": {"6161": {
        "id": "6161", "filename": "big.py", "size": 70_000, "url": "http://127.0.0.1:1/x",
        "proxy_url": "http://127.0.0.1:1/x"
    }}});
    discord.dispatch("INTERACTION_CREATE", big);
    private_answer(&discord, 1210, "too large").await;
    // Someone who is not the candidate, by command and by button.
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(1211, thread, (LEO, "Leo"), json!([code(CORRECT)])),
    );
    let refusal = discord
        .wait_for("the stranger's refusal", |c| {
            c.path == "/api/v10/interactions/1211/token1211/callback"
        })
        .await;
    assert_eq!(
        (
            refusal.body["type"].as_u64(),
            refusal.body["data"]["flags"].as_u64()
        ),
        (Some(4), Some(64))
    );
    assert!(private_texts(&discord, 1211)[0].contains("Only Maya"));
    discord.dispatch(
        "INTERACTION_CREATE",
        button_press(1212, thread, LEO, "Leo", "interview:run"),
    );
    private_answer(&discord, 1212, "Only Maya").await;
    let after = engine.load(&stream).await.expect("load").0.version;
    assert_eq!(after, version, "refused runs append nothing");

    // A problem of one's own: no hidden tests without an input; with one, it runs.
    let own = start(&discord, 1002, (LEO, "Leo"), "Echo the line you are given").await;
    let leo = (LEO, "Leo");
    let own_problem = discord
        .calls()
        .into_iter()
        .find(is_post_in(own))
        .expect("the problem post");
    assert!(
        !own_problem.body.to_string().contains("interview:run"),
        "no Run tests button without tests: {}",
        own_problem.body
    );
    let echo = json!({"name": "code", "type": 3, "value": "print(input())"});
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(1301, own, leo, json!([echo.clone()])),
    );
    private_answer(
        &discord,
        1301,
        "This problem has no hidden tests; use `input:`",
    )
    .await;
    assert!(runs(&engine, &stream_of(own)).await.is_empty());
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(1302, own, leo, json!([echo, input("\"hello there\"")])),
    );
    let ran = embed_titled(&discord, own, "✅ Test run on your input").await;
    let yours = field(&ran, "Your input · ✅ ran")["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(yours.contains("hello there"), "{yours}");

    // After the end: the wrong phase.
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(
            1401,
            thread,
            MAYA,
            "Maya",
            json!({"id": "3", "name": "end", "type": 1}),
        ),
    );
    embed_titled(&discord, thread, "Interview summary").await;
    let ended = engine.load(&stream).await.expect("load").0.version;
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(1402, thread, maya, json!([code(CORRECT)])),
    );
    let texts = private_answer(&discord, 1402, "This interview has ended").await;
    assert_eq!(texts.len(), 1, "the refusal only: {texts:?}");
    assert_eq!(engine.load(&stream).await.expect("load").0.version, ended);
}

/// Issue 18 item 5 on Discord: a message inside the member's cooldown is recorded, the
/// thread is told once when the coach will answer, and the coach answers it when the
/// cooldown ends.
#[tokio::test]
async fn a_message_inside_the_cooldown_is_told_when_the_coach_will_answer() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, _stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "3"]).await;
    let thread = start(&discord, 1, (MAYA, "Maya"), "two-sum").await;
    let stream = StreamId::new(format!("discord:{GUILD}:{thread}"));
    let replies = |events: &[Event]| {
        events
            .iter()
            .filter(|e| matches!(e, Event::CoachReplied(_)))
            .count()
    };
    let coach_replies = async |at_least: usize| {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (_, events) = engine.load(&stream).await.expect("load");
            let events: Vec<Event> = events.into_iter().map(|r| r.event).collect();
            if replies(&events) >= at_least {
                return events;
            }
            assert!(tokio::time::Instant::now() < deadline, "{events:?}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(2001, thread, MAYA, "Maya", "Should I sort the array first?"),
    );
    coach_replies(1).await;
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(2002, thread, MAYA, "Maya", "Or use a hash map?"),
    );
    let is_notice = move |c: &Call| {
        is_post_in(thread)(c)
            && c.body["content"]
                .as_str()
                .is_some_and(|t| t.contains("The coach will answer in"))
    };
    let notice = discord.wait_for("the cooldown notice", is_notice).await;
    let text = notice.body["content"].as_str().unwrap_or_default();
    assert!(
        ["1 s", "2 s", "3 s"].iter().any(|s| text.contains(s)),
        "{text}"
    );
    let events = coach_replies(2).await;
    assert_eq!(replies(&events), 2, "the deferred turn answered once");
    assert_eq!(
        discord.count(is_notice),
        1,
        "one notice for the one deferred turn"
    );
}

/// A two-sum that takes about 3 s over its 8 cases: it holds the only sandbox slot.
const SLOW: &str =
    "import time\ndef two_sum(nums, target):\n    time.sleep(0.4)\n    return [0, 1]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submissions_tests_show_a_line_in_the_thread_from_its_queue_place_to_its_verdict() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let flags = ["--coach-cooldown-seconds", "0", "--sandbox-workers", "1"];
    let (_engine, _stop) = start_app(&discord, &claude, &db, &flags).await;
    let thread = start(&discord, 1001, (MAYA, "Maya"), "two-sum").await;

    // A slow ad-hoc run takes the one slot; its line is private, never in the thread.
    let slow = format!("```python\n{SLOW}```");
    discord.dispatch(
        "INTERACTION_CREATE",
        run_command(
            1101,
            thread,
            (MAYA, "Maya"),
            json!([{"name": "code", "type": 3, "value": slow}]),
        ),
    );
    private_answer(&discord, 1101, "⚙️ Running ").await;

    // The submission's tests wait behind it: their line says so in the thread, then
    // that they run, then their verdict, in one message edited in place.
    let code = format!("```python\n{CORRECT}```");
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(2001, thread, MAYA, "Maya", &code),
    );
    discord
        .wait_for("the queued line", |c| {
            is_post_in(thread)(c) && c.body["content"] == "⏳ Queued, next to run."
        })
        .await;
    let verdict = "✅ Tests of submission #1: 8 of 8 passed (python).";
    let edited = discord
        .wait_for("the verdict line", |c| {
            c.method == "PATCH" && c.body["content"] == verdict
        })
        .await;
    let line = edited
        .path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let shown = discord.shown(&thread.to_string());
    let lines: Vec<&Value> = shown.iter().filter(|m| m["id"] == line.as_str()).collect();
    assert_eq!(lines.len(), 1, "the line is a message of the thread");
    assert_eq!(lines[0]["content"], verdict);
    let edits: Vec<String> = discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH" && c.path.ends_with(&format!("/messages/{line}")))
        .filter_map(|c| c.body["content"].as_str().map(str::to_string))
        .collect();
    assert_eq!(edits.len(), 2, "{edits:?}");
    assert!(
        edits[0].starts_with("⚙️ Running 2 examples and 6 tests"),
        "{edits:?}"
    );
    // The verdicts themselves are still the outbox's embed, posted once; the ad-hoc
    // run never had a line in the thread.
    embed_titled(&discord, thread, "✅ Tests of submission #1: 8 of 8 passed").await;
    embed_titled(&discord, thread, "❌ Test run: ").await;
    assert_eq!(
        posts_titled(&discord, thread, "✅ Tests of submission #1"),
        1
    );
    let plain_lines = discord.count(|c| {
        is_post_in(thread)(c)
            && c.body["content"]
                .as_str()
                .is_some_and(|t| t.starts_with("⏳") || t.starts_with("⚙️"))
    });
    assert_eq!(plain_lines, 1, "one line, for the submission only");
}
