//! The Discord adapter end to end: the real app (SQLite, the coach on a fake Anthropic)
//! connected to a loopback fake of Discord. `/interview start` opens a thread and posts
//! the problem; `/submit` with a file is deferred and answered with the analysis embed;
//! a redelivered interaction or message appends once and is answered once; the Hint
//! button is deferred, and the Submit button's code modal is opened, submitted and
//! acknowledged, with its outcome sent to the presser as a follow-up.

use crate::common;
use crate::discord_fake;

use common::fake_anthropic::FakeAnthropic;
use discord_fake::*;
use interview_coach::app::App;
use interview_coach::domain::{Event, Interview, StreamId, SubmissionSource, TurnKind};
use interview_coach::engine::SystemClock;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

fn start_command() -> Value {
    json!({"id": "1", "name": "interview", "type": 1, "options": [{
        "name": "start", "type": 1, "options": [
            {"name": "problem", "type": 3, "value": "merge-intervals"},
            {"name": "language", "type": 3, "value": "python"},
            {"name": "minutes", "type": 4, "value": 45}
        ]
    }]})
}

fn submit_command(file_url: &str) -> Value {
    json!({"id": "2", "name": "submit", "type": 1,
        "options": [{"name": "file", "type": 11, "value": "4242"}],
        "resolved": {"attachments": {"4242": {
            "id": "4242", "filename": "merge.py", "size": 120, "url": file_url,
            "proxy_url": file_url, "content_type": "text/x-python"
        }}}
    })
}

const CODE: &str = "def merge(xs):\n    xs.sort()\n    out = []\n    for s, e in xs:\n        if out and s <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out\n";

fn is_post_in(thread: &str) -> impl Fn(&Call) -> bool + '_ {
    move |c: &Call| c.method == "POST" && c.path == format!("/api/v10/channels/{thread}/messages")
}

fn callback_of(id: u64) -> impl Fn(&Call) -> bool {
    move |c: &Call| {
        c.method == "POST" && c.path.starts_with(&format!("/api/v10/interactions/{id}/"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interview_runs_in_a_thread_against_a_fake_discord() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let mut flags = app_flags(&discord, &claude);
    flags.extend(["--coach-cooldown-seconds".to_string(), "0".to_string()]);
    let app = App::with_store(db.open().await, serve_args(&flags), Arc::new(SystemClock))
        .await
        .expect("app builds");
    let engine = app.engine().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    discord
        .wait_for("command registration", |c| {
            c.method == "PUT"
                && c.path == format!("/api/v10/applications/{APP_ID}/guilds/{GUILD}/commands")
        })
        .await;

    // /interview start: deferred privately, a thread, the problem in it.
    let start = interaction(1001, CHANNEL, MAYA, "Maya", start_command());
    discord.dispatch("INTERACTION_CREATE", start.clone());
    let deferred = discord.wait_for("start deferred", callback_of(1001)).await;
    assert_eq!(deferred.body["type"], 5);
    assert_eq!(deferred.body["data"]["flags"], 64, "deferred ephemerally");
    let thread_call = discord
        .wait_for("thread created", |c| {
            c.path == format!("/api/v10/channels/{CHANNEL}/threads")
        })
        .await;
    assert_eq!(thread_call.body["name"], "Merge Intervals · Maya");
    let problem = discord
        .wait_for("problem posted", |c| {
            c.method == "POST"
                && c.path.contains("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("Merge Intervals"))
        })
        .await;
    let thread = problem.path.split('/').nth(4).unwrap().to_string();
    let content = problem.body["content"].as_str().unwrap();
    assert!(content.contains(":R>"), "a relative deadline: {content}");
    let stream = StreamId::new(format!("discord:{GUILD}:{thread}"));
    let started = events(&engine, &stream).await;
    assert!(
        matches!(started.as_slice(), [Event::InterviewStarted(_)]),
        "{started:?}"
    );

    // The same interaction again (a gateway resume): nothing new. It is checked once the
    // /submit below has been answered with its analysis.
    discord.dispatch("INTERACTION_CREATE", start);

    // /submit with a file: deferred, then the analysis embed in the thread.
    let url = discord.file("merge.py", CODE.as_bytes());
    let thread_id: u64 = thread.parse().unwrap();
    let submit = interaction(1002, thread_id, MAYA, "Maya", submit_command(&url));
    discord.dispatch("INTERACTION_CREATE", submit.clone());
    let deferred = discord.wait_for("submit deferred", callback_of(1002)).await;
    assert_eq!(deferred.body["type"], 5);
    let analysis = discord
        .wait_for("analysis embed", |c| {
            is_post_in(&thread)(c)
                && c.body["embeds"][0]["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Code analysis"))
        })
        .await;
    assert_eq!(
        analysis.body["embeds"][0]["title"],
        "Code analysis · score 7/10"
    );
    assert_eq!(analysis.body["allowed_mentions"]["parse"], json!([]));
    // The analysis is the sentinel for the redelivered start: the /submit was dispatched
    // after it on the same gateway connection, and its analysis comes only after a
    // deferral, a download, an append and a coach turn, far more than a handled start
    // (deferral, thread, append) needs. A second start would show here.
    assert_eq!(discord.count(|c| c.path.ends_with("/threads")), 1);
    assert_eq!(discord.count(callback_of(1001)), 1);
    let so_far = events(&engine, &stream).await;
    assert_eq!(
        count(&so_far, |e| matches!(e, Event::InterviewStarted(_))),
        1,
        "{so_far:?}"
    );
    discord
        .wait_for("code echoed for watchers", |c| {
            is_post_in(&thread)(c)
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("submitted python code") && t.contains("def merge"))
        })
        .await;
    discord.dispatch("INTERACTION_CREATE", submit);

    // A stranger's /submit: a private refusal, nothing appended.
    let before = events(&engine, &stream).await.len();
    let stranger = interaction(1003, thread_id, LEO, "Leo", submit_command(&url));
    discord.dispatch("INTERACTION_CREATE", stranger);
    let refusal = discord.wait_for("refusal", callback_of(1003)).await;
    assert_eq!(refusal.body["type"], 4);
    assert_eq!(refusal.body["data"]["flags"], 64);
    assert!(
        refusal.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Only Maya")
    );

    // A chat message delivered twice: one event, one reply.
    let chat = message_create(2001, thread_id, MAYA, "Maya", "Could I avoid the sort?");
    discord.dispatch("MESSAGE_CREATE", chat.clone());
    discord.dispatch("MESSAGE_CREATE", chat);
    let reply_text = claude.default_text.lock().unwrap().clone();
    discord
        .wait_for("chat reply", |c| {
            is_post_in(&thread)(c) && c.body["content"] == reply_text.as_str()
        })
        .await;
    // Sentinel: one more chat message, dispatched after both duplicates (the /submit
    // above and this chat) on the same connection, into the same interview. The coach
    // answers an interview's turns oldest first, so a turn from a duplicate would be
    // answered before the sentinel's reply is posted.
    let sentinel_text = "Sentinel: noted, thank you.";
    *claude.default_text.lock().unwrap() = sentinel_text.to_string();
    let sentinel = message_create(2004, thread_id, MAYA, "Maya", "Noted.");
    discord.dispatch("MESSAGE_CREATE", sentinel);
    discord
        .wait_for("the sentinel's reply", |c| {
            is_post_in(&thread)(c) && c.body["content"] == sentinel_text
        })
        .await;
    *claude.default_text.lock().unwrap() = reply_text.clone();
    let all = events(&engine, &stream).await;
    let duplicated_chat = count(
        &all,
        |e| matches!(e, Event::CandidateMessage(m) if m.text == "Could I avoid the sort?"),
    );
    let submissions = count(&all, |e| matches!(e, Event::CodeSubmitted(_)));
    assert_eq!((duplicated_chat, submissions), (1, 1), "{all:?}");
    assert!(all.len() > before);
    assert_eq!(
        discord.count(|c| is_post_in(&thread)(c) && c.body["content"] == reply_text.as_str()),
        1
    );
    assert_eq!(discord.count(callback_of(1002)), 1);

    assert!(
        discord.count(|c| c.path == format!("/api/v10/channels/{thread}/typing")) >= 1,
        "the typing indicator showed while the coach worked"
    );

    // A watcher's chat in a solo interview is ignored quietly.
    let before = events(&engine, &stream).await.len();
    let watcher = message_create(2002, thread_id, LEO, "Leo", "nice!");
    discord.dispatch("MESSAGE_CREATE", watcher);

    // A source file attached to a plain message is a submission too. It is also the
    // sentinel for the watcher: dispatched after it into the same thread, and its
    // submission needs a download before it is appended, so anything the watcher's
    // message appended would come first.
    let url = discord.file("second.py", b"def merge(xs):\n    return sorted(xs)\n");
    let mut with_file = message_create(2003, thread_id, MAYA, "Maya", "");
    with_file["attachments"] = json!([{"id": "4343", "filename": "second.py", "size": 38,
        "url": url, "proxy_url": url}]);
    discord.dispatch("MESSAGE_CREATE", with_file);
    let all = wait_events(&engine, &stream, "no second submission", |all| {
        count(all, |e| matches!(e, Event::CodeSubmitted(_))) == 2
    })
    .await;
    let Event::CodeSubmitted(second) = &all[before] else {
        panic!(
            "the watcher's message appended something: {:?}",
            &all[before..]
        );
    };
    assert_eq!(second.language, "python");
    assert!(second.code.contains("sorted(xs)"));

    // The Hint button: deferred privately, a hint requested once.
    let press = button_press(3001, thread_id, MAYA, "Maya", "interview:hint");
    discord.dispatch("INTERACTION_CREATE", press.clone());
    discord.dispatch("INTERACTION_CREATE", press);
    let deferred = discord.wait_for("hint deferred", callback_of(3001)).await;
    assert_eq!(
        (
            deferred.body["type"].as_u64(),
            deferred.body["data"]["flags"].as_u64()
        ),
        (Some(5), Some(64))
    );
    discord
        .wait_for("hint acknowledged", |c| {
            c.method == "PATCH" && c.path.contains("/token3001/")
        })
        .await;
    let hints = events(&engine, &stream)
        .await
        .iter()
        .filter(|e| matches!(e, Event::HintRequested(_)))
        .count();
    assert_eq!(hints, 1);

    // The second submission's review (its tests run in the sandbox first) is done
    // before the modal's submission, which would otherwise be refused as pending.
    wait_events(&engine, &stream, "the second review", |all| {
        !Interview::from_events(all)
            .pending_turns()
            .iter()
            .any(|t| t.kind == TurnKind::Analysis)
    })
    .await;

    // The Submit button: the code editor opens as a modal; its submission is recorded
    // once, acknowledged, and the outcome reaches the presser as a follow-up.
    let press = button_press(3002, thread_id, MAYA, "Maya", "interview:submit");
    discord.dispatch("INTERACTION_CREATE", press);
    let modal = discord.wait_for("code modal", callback_of(3002)).await;
    assert_eq!(
        modal.body["type"].as_u64(),
        Some(9),
        "a modal: {}",
        modal.body
    );
    let modal_id = modal.body["data"]["custom_id"].clone();
    let field = modal.body["data"]["components"][0]["components"][0]["custom_id"].clone();
    let mut submitted = interaction(
        3003,
        thread_id,
        MAYA,
        "Maya",
        json!({"custom_id": modal_id, "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": field, "value": "```python\ndef modal_sort(xs):\n    return sorted(xs)\n```"}
        ]}]}),
    );
    submitted["type"] = json!(5);
    discord.dispatch("INTERACTION_CREATE", submitted);
    let ack = discord
        .wait_for("modal acknowledged", callback_of(3003))
        .await;
    assert_eq!(ack.body["type"].as_u64(), Some(6));
    discord
        .wait_for("submit follow-up", |c| {
            c.method == "POST"
                && c.path.starts_with("/api/v10/webhooks/")
                && c.path.contains("/token3002")
        })
        .await;
    let from_modal: Vec<_> = events(&engine, &stream)
        .await
        .into_iter()
        .filter_map(|e| match e {
            Event::CodeSubmitted(c) if c.source == SubmissionSource::Modal => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(from_modal.len(), 1, "one submission from the modal");
    // The modal's follow-up is the sentinel for the pressed-twice Hint: both presses
    // were dispatched before the Submit button, so a second hint would be in by now.
    let all = events(&engine, &stream).await;
    assert_eq!(count(&all, |e| matches!(e, Event::HintRequested(_))), 1);
    assert_eq!(discord.count(callback_of(3001)), 1);
    assert!(from_modal[0].code.contains("modal_sort"));
    assert_eq!(from_modal[0].language, "python");

    // /end: the summary embed.
    let end = interaction(
        1004,
        thread_id,
        MAYA,
        "Maya",
        json!({"id": "3", "name": "end", "type": 1}),
    );
    discord.dispatch("INTERACTION_CREATE", end);
    let summary = discord
        .wait_for("summary embed", |c| {
            is_post_in(&thread)(c) && c.body["embeds"][0]["title"] == "Interview summary"
        })
        .await;
    assert!(
        summary.body["embeds"][0]["fields"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );

    // Nothing the bot sent in the whole interview could mention anyone: every message,
    // reply, follow-up and edit with content or embeds carries empty allowed mentions.
    let unguarded: Vec<String> = discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" || c.method == "PATCH")
        .filter_map(|c| {
            let message = c.body.get("data").filter(|_| c.path.ends_with("/callback"));
            let message = message.unwrap_or(&c.body);
            let speaks = message.get("content").is_some() || message.get("embeds").is_some();
            let guarded = message["allowed_mentions"]["parse"] == json!([]);
            (speaks && !guarded).then(|| format!("{} {}: {}", c.method, c.path, message))
        })
        .collect();
    assert!(unguarded.is_empty(), "{unguarded:#?}");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(15), running)
        .await
        .expect("the app stops, Discord included")
        .expect("the app task")
        .expect("the app ran cleanly");
}

/// What the bot answered the member in webhook follow-ups and edits.
fn answers(discord: &FakeDiscord) -> Vec<String> {
    discord
        .calls()
        .iter()
        .filter(|c| c.path.starts_with("/api/v10/webhooks/"))
        .map(|c| c.body["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_500_on_thread_creation_is_retried_and_a_403_names_the_permission() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (_engine, _stop) = start_app(&discord, &claude, &db, &[]).await;

    discord.plan(THREADS, vec![Some(Fault::status(500))]);
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(2001, CHANNEL, MAYA, "Maya", start_command()),
    );
    discord
        .wait_for("the problem posted in the new thread", |c| {
            c.method == "POST" && c.path.ends_with("/messages")
        })
        .await;
    assert_eq!(discord.count(|c| c.path.ends_with("/threads")), 2);
    assert!(
        !answers(&discord)
            .iter()
            .any(|a| a.contains("thread") && !a.contains("ready")),
        "no permission advice for a 500: {:?}",
        answers(&discord)
    );

    discord.plan(THREADS, vec![Some(Fault::status(403))]);
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(2002, CHANNEL, LEO, "Leo", start_command()),
    );
    discord
        .wait_for("the refusal", |c| {
            c.path.starts_with("/api/v10/webhooks/")
                && c.body.to_string().contains("not allowed to create threads")
        })
        .await;
    assert_eq!(
        discord.count(|c| c.path.ends_with("/threads")),
        3,
        "a 403 is not retried"
    );
}
