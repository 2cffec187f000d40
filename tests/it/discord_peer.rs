//! Peer interviews on Discord end to end (issue 16), the real app against the loopback
//! Discord fake and a fake Anthropic: `/interview start interviewer:` pairs two members;
//! the interviewer's brief and panel are private to them; a stranger's press is refused
//! privately and appends nothing; the coach stays out of the thread (its review and the
//! private answer are never posted) until the summary, which carries the interviewer's
//! rubric beside the coach's; the candidate rates the interviewer; Swap roles starts
//! the mirror on another problem once; `/stats` shows the interviewer their rating and
//! the candidate's note (the note to them alone). A third member is refused privately
//! on every interviewer button, `/submit` and Swap roles, and appends nothing. An
//! interviewer who leaves hands over to the coach.

use crate::common;
use crate::discord_fake;

use common::fake_anthropic::FakeAnthropic;
use discord_fake::*;
use interview_coach::domain::{Event, StreamId};
use serde_json::{Value, json};

const ZED: u64 = 600_000_000_000_000_003;

fn peer_start(interviewer: u64, name: &str) -> Value {
    json!({"id": "1", "name": "interview", "type": 1, "options": [{
        "name": "start", "type": 1, "options": [
            {"name": "problem", "type": 3, "value": "two-sum"},
            {"name": "language", "type": 3, "value": "python"},
            {"name": "interviewer", "type": 6, "value": interviewer.to_string()}
        ]}],
        "resolved": {"users": {interviewer.to_string(): user(interviewer, name, interviewer == BOT_ID)}}
    })
}

fn callback_of(id: u64) -> impl Fn(&Call) -> bool {
    move |c: &Call| {
        c.method == "POST" && c.path.starts_with(&format!("/api/v10/interactions/{id}/"))
    }
}

fn follow_up_of(id: u64) -> impl Fn(&Call) -> bool {
    move |c: &Call| {
        c.method == "POST"
            && c.path.starts_with("/api/v10/webhooks/")
            && c.path.contains(&format!("/token{id}"))
    }
}

/// Presses `custom_id` as `who` and returns the interaction's callback.
async fn press(
    discord: &FakeDiscord,
    id: u64,
    thread: u64,
    who: (u64, &str),
    custom_id: &str,
) -> Call {
    discord.dispatch(
        "INTERACTION_CREATE",
        button_press(id, thread, who.0, who.1, custom_id),
    );
    discord.wait_for(custom_id, callback_of(id)).await
}

/// Submits the modal `opened` (a type-9 callback) with `values`, one per field.
fn submit_modal(
    discord: &FakeDiscord,
    id: u64,
    thread: u64,
    who: (u64, &str),
    opened: &Call,
    values: &[&str],
) {
    assert_eq!(opened.body["type"], 9, "a modal: {}", opened.body);
    let rows = opened.body["data"]["components"].as_array().expect("rows");
    let components: Vec<Value> = rows
        .iter()
        .zip(values)
        .map(|(row, value)| {
            json!({"type": 1, "components": [{"type": 4,
                "custom_id": row["components"][0]["custom_id"], "value": value}]})
        })
        .collect();
    let mut submitted = interaction(
        id,
        thread,
        who.0,
        who.1,
        json!({"custom_id": opened.body["data"]["custom_id"], "components": components}),
    );
    submitted["type"] = json!(5);
    discord.dispatch("INTERACTION_CREATE", submitted);
}

fn is_private(callback: &Call) -> bool {
    callback.body["data"]["flags"]
        .as_u64()
        .is_some_and(|f| f & 64 != 0)
}

/// Starts a peer interview of Maya interviewed by Leo; its thread id and stream.
async fn paired(
    discord: &FakeDiscord,
    engine: &interview_coach::engine::Engine,
) -> (u64, StreamId) {
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(1001, CHANNEL, MAYA, "Maya", peer_start(LEO, "Leo")),
    );
    let note = discord
        .wait_for("the peer note", |c| {
            c.method == "POST"
                && c.path.contains("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("Peer interview"))
        })
        .await;
    assert_eq!(
        note.body["components"][0]["components"][0]["custom_id"],
        "peer:panel"
    );
    let thread: u64 = note.path.split('/').nth(4).unwrap().parse().unwrap();
    let stream = StreamId::new(format!("discord:{GUILD}:{thread}"));
    let started = wait_events(engine, &stream, "the pairing", |e| e.len() == 2).await;
    assert!(
        matches!(&started[1], Event::PeerPaired(p) if p.interviewer.user_id == LEO.to_string())
    );
    (thread, stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_interview_runs_from_pairing_to_rubric_rating_and_swap_on_discord() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
    let (thread, stream) = paired(&discord, &engine).await;
    let t = thread.to_string();

    // A stranger's press on the interviewer's panel: refused privately, nothing appended.
    let refused = press(&discord, 2001, thread, (ZED, "Zed"), "peer:panel").await;
    assert!(is_private(&refused));
    let why = refused.body["data"]["content"].as_str().unwrap();
    assert!(why.contains("Only Leo, the interviewer"), "{why}");
    let refused = press(&discord, 2002, thread, (ZED, "Zed"), "peer:hint").await;
    assert!(
        is_private(&refused)
            && refused.body["data"]["content"]
                .as_str()
                .unwrap()
                .contains("Only Leo")
    );
    assert_eq!(events(&engine, &stream).await.len(), 2);

    // The interviewer's panel: the brief (ladder, approach, questions, rubric), privately.
    let panel = press(&discord, 2003, thread, (LEO, "Leo"), "peer:panel").await;
    assert!(is_private(&panel));
    let titles: Vec<&str> = panel.body["data"]["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Hint ladder (reveal one rung at a time)"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Reference approach") && titles.contains(&"Rubric (bands 1-4)"));
    let panel_ids = panel.body["data"]["components"].to_string();
    assert!(panel_ids.contains("peer:hint") && panel_ids.contains("peer:ask-coach"));

    // The candidate explains; the coach stays silent (no turn, no LLM call).
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(
            3001,
            thread,
            MAYA,
            "Maya",
            "A hash map from value to index, one pass.",
        ),
    );
    wait_events(&engine, &stream, "the approach", |e| {
        count(e, |e| matches!(e, Event::ApproachExplained(_))) == 1
    })
    .await;

    // The interviewer reveals a hint and asks a question, both said in the thread.
    let hint = press(&discord, 2004, thread, (LEO, "Leo"), "peer:hint").await;
    assert!(!is_private(&hint));
    let said = hint.body["data"]["content"].as_str().unwrap();
    assert!(
        said.contains("Hint 1") && said.contains("compares every pair"),
        "{said}"
    );
    let question = press(&discord, 2005, thread, (LEO, "Leo"), "peer:question").await;
    assert!(
        question.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Leo** asks")
    );
    assert_eq!(claude.requests(), 0, "the coach said nothing unasked");

    // The candidate submits: the tests run and are posted, the review stays private.
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(
            3002,
            thread,
            MAYA,
            "Maya",
            "```python\ndef two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n```",
        ),
    );
    wait_events(&engine, &stream, "the silent review", |e| {
        count(e, |e| matches!(e, Event::CodeAnalyzed(_))) == 1
    })
    .await;

    // The interviewer asks the coach privately; the answer comes to them alone.
    let opened = press(&discord, 2006, thread, (LEO, "Leo"), "peer:ask-coach").await;
    submit_modal(
        &discord,
        2007,
        thread,
        (LEO, "Leo"),
        &opened,
        &["Is this O(n)?"],
    );
    let answer = discord
        .wait_for("the private answer", follow_up_of(2006))
        .await;
    assert_eq!(answer.body["flags"], 64, "{}", answer.body);
    let text = answer.body["content"].as_str().unwrap();
    assert!(
        text.contains("only you see this") && text.contains("time complexity"),
        "{text}"
    );

    // The interviewer ends; the end's buttons are shown.
    let ended = press(&discord, 2008, thread, (LEO, "Leo"), "peer:end").await;
    assert!(!is_private(&ended));
    assert!(
        ended.body["data"]["components"]
            .to_string()
            .contains("peer:rubric")
    );
    let summary = discord
        .wait_for("the summary", |c| {
            c.path == format!("/api/v10/channels/{t}/messages")
                && c.body["embeds"][0]["title"] == "Interview summary"
        })
        .await;
    assert!(
        summary.body["embeds"][0]["fields"]
            .to_string()
            .contains("Waiting for Leo's rubric")
    );

    // Only the interviewer fills the rubric; a bad band is refused and saves nothing.
    let refused = press(&discord, 2009, thread, (MAYA, "Maya"), "peer:rubric").await;
    assert!(is_private(&refused));
    let opened = press(&discord, 2010, thread, (LEO, "Leo"), "peer:rubric").await;
    submit_modal(
        &discord,
        2011,
        thread,
        (LEO, "Leo"),
        &opened,
        &["3", "2", "4", "9", ""],
    );
    let bad = discord.wait_for("the bad band", follow_up_of(2010)).await;
    assert!(
        bad.body["content"]
            .as_str()
            .unwrap()
            .contains("Testing must be a band")
    );
    let opened = press(&discord, 2012, thread, (LEO, "Leo"), "peer:rubric").await;
    submit_modal(
        &discord,
        2013,
        thread,
        (LEO, "Leo"),
        &opened,
        &["3", "1", "3", "solid", "Test more."],
    );
    let side = discord
        .wait_for("the side-by-side", follow_up_of(2012))
        .await;
    assert!(
        side.body["flags"].as_u64().is_none_or(|f| f & 64 == 0),
        "said in the thread"
    );
    let side = side.body["content"].as_str().unwrap();
    assert!(
        side.contains("problem solving: interviewer 1/4 · coach 3/4 (⚠ differ by 2)"),
        "{side}"
    );
    assert!(
        side.contains("They differ on: problem solving, testing"),
        "{side}"
    );

    // The candidate rates the interviewer.
    let opened = press(&discord, 2014, thread, (MAYA, "Maya"), "peer:rate").await;
    submit_modal(
        &discord,
        2015,
        thread,
        (MAYA, "Maya"),
        &opened,
        &["4", "Good questions"],
    );
    discord.wait_for("the thanks", follow_up_of(2014)).await;
    let all = events(&engine, &stream).await;
    assert_eq!(count(&all, |e| matches!(e, Event::PeerRubricFilled(_))), 1);
    assert!(
        all.iter()
            .any(|e| matches!(e, Event::PeerInterviewerRated(r) if r.stars == 4))
    );

    // Leo's /stats: his part as an interviewer, with Maya's note for his eyes only.
    let leos = stats_field(&discord, 2101, (LEO, "Leo"), None).await;
    assert!(
        leos.contains("1 peer interview(s) given · rated 4.0/5 by 1 candidate(s)"),
        "{leos}"
    );
    assert!(leos.contains("4★ Maya: Good questions"), "{leos}");
    let seen_by_maya = stats_field(&discord, 2102, (MAYA, "Maya"), Some((LEO, "Leo"))).await;
    assert!(seen_by_maya.contains("rated 4.0/5"), "{seen_by_maya}");
    assert!(
        !seen_by_maya.contains("Good questions"),
        "the note is Leo's alone: {seen_by_maya}"
    );

    // Swap roles: a new thread where Leo is the candidate, on another problem; once.
    press(&discord, 2016, thread, (LEO, "Leo"), "peer:swap").await;
    let note = discord
        .wait_for("the mirror's note", |c| {
            c.method == "POST"
                && c.path != format!("/api/v10/channels/{t}/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("Peer interview"))
        })
        .await;
    let mirror: u64 = note.path.split('/').nth(4).unwrap().parse().unwrap();
    let mirror = StreamId::new(format!("discord:{GUILD}:{mirror}"));
    let started = wait_events(&engine, &mirror, "the mirror", |e| e.len() == 2).await;
    let Event::InterviewStarted(s) = &started[0] else {
        panic!("{started:?}")
    };
    assert_eq!(s.candidate.user_id, LEO.to_string());
    assert_ne!(s.problem.title(), "Two Sum");
    assert!(
        matches!(&started[1], Event::PeerPaired(p) if p.interviewer.user_id == MAYA.to_string())
    );
    press(&discord, 2017, thread, (MAYA, "Maya"), "peer:swap").await;
    let again = discord
        .wait_for("the second swap's answer", |c| {
            c.method == "PATCH" && c.path.contains("/token2017/")
        })
        .await;
    assert!(
        again.body["content"]
            .as_str()
            .unwrap()
            .contains("already been swapped")
    );

    // In the whole interview the coach's review and private answer never reached the thread.
    let shown = discord.shown(&t);
    let leaked: Vec<&Value> = shown
        .iter()
        .filter(|m| {
            m.to_string().contains("time complexity of that")
                || m["embeds"][0]["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("Review") || t.contains("Analysis"))
        })
        .collect();
    assert!(leaked.is_empty(), "{leaked:#?}");
    let _ = stop.send(());
}

/// `who`'s `/stats` (about `about` when given): the "As interviewer" field's value.
async fn stats_field(
    discord: &FakeDiscord,
    id: u64,
    who: (u64, &str),
    about: Option<(u64, &str)>,
) -> String {
    let mut data = json!({"id": "9", "name": "stats", "type": 1, "options": []});
    if let Some((member, name)) = about {
        data["options"] = json!([{"name": "member", "type": 6, "value": member.to_string()}]);
        data["resolved"] = json!({"users": {member.to_string(): user(member, name, false)}});
    }
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(id, CHANNEL, who.0, who.1, data),
    );
    let answer = discord
        .wait_for("the stats", |c| {
            c.path.starts_with("/api/v10/webhooks/") && c.path.contains(&format!("/token{id}"))
        })
        .await;
    let fields = answer.body["embeds"][0]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("an embed: {}", answer.body));
    fields
        .iter()
        .find(|f| f["name"] == "As interviewer")
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("an As interviewer field: {}", answer.body))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_member_is_refused_privately_and_appends_nothing_on_discord() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, stop) = start_app(&discord, &claude, &db, &[]).await;
    let (thread, stream) = paired(&discord, &engine).await;

    // Every button of the interviewer's panel, pressed by Zed.
    let buttons = [
        ("peer:panel", "Only Leo, the interviewer"),
        ("peer:hint", "Only Leo, the interviewer"),
        ("peer:question", "Only Leo, the interviewer"),
        ("peer:ask-coach", "Only Leo, the interviewer"),
        ("peer:ask-aloud", "Only Leo, the interviewer"),
        ("peer:leave", "Only Leo, the interviewer"),
        ("peer:end", "Only Maya and Leo"),
    ];
    for (i, (custom_id, expected)) in buttons.into_iter().enumerate() {
        let refused = press(&discord, 2001 + i as u64, thread, (ZED, "Zed"), custom_id).await;
        assert!(is_private(&refused), "{custom_id}: {}", refused.body);
        let why = refused.body["data"]["content"].as_str().unwrap_or_default();
        assert!(why.contains(expected), "{custom_id}: {why}");
    }
    // Zed's /submit: a private refusal.
    let submit = json!({"id": "2", "name": "submit", "type": 1, "options": []});
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(2101, thread, ZED, "Zed", submit),
    );
    let refused = discord
        .wait_for("the /submit refusal", callback_of(2101))
        .await;
    assert!(is_private(&refused), "{}", refused.body);
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .is_some_and(|t| t.contains("Only Maya")),
        "{}",
        refused.body
    );
    // Zed's code block in the thread is not taken (the thread is for watching): once
    // Maya's later message is in the log, Zed's is not.
    let code = "```python\ndef two_sum(nums, target):\n    return [0, 1]\n```";
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(3001, thread, ZED, "Zed", code),
    );
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(3002, thread, MAYA, "Maya", "A hash map, one pass."),
    );
    let all = wait_events(&engine, &stream, "Maya's approach", |e| {
        count(e, |e| matches!(e, Event::ApproachExplained(_))) == 1
    })
    .await;
    assert_eq!(all.len(), 3, "only Maya's approach was appended: {all:?}");
    assert!(
        !all.iter()
            .any(|e| e.actor().is_some_and(|a| a.user_id == ZED.to_string())),
        "{all:?}"
    );

    // After the end, Zed's Swap roles is refused privately, naming the two members.
    press(&discord, 2201, thread, (LEO, "Leo"), "peer:end").await;
    wait_events(&engine, &stream, "the end", |e| {
        e.iter().any(|e| matches!(e, Event::InterviewEnded(_)))
    })
    .await;
    let refused = press(&discord, 2202, thread, (ZED, "Zed"), "peer:swap").await;
    assert!(is_private(&refused), "{}", refused.body);
    let why = refused.body["data"]["content"].as_str().unwrap_or_default();
    assert!(why.contains("Only Maya and Leo"), "{why}");
    let after = events(&engine, &stream).await;
    assert!(
        !after.iter().any(|e| matches!(e, Event::PeerRolesSwapped(_))
            || e.actor().is_some_and(|a| a.user_id == ZED.to_string())),
        "{after:?}"
    );
    let threads = discord.count(|c| c.path == format!("/api/v10/channels/{CHANNEL}/threads"));
    assert_eq!(threads, 1, "no mirror was opened");
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_interviewer_leaves_the_coach_takes_over_and_the_rubric_is_the_coachs() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (engine, stop) =
        start_app(&discord, &claude, &db, &["--coach-cooldown-seconds", "0"]).await;
    let (thread, stream) = paired(&discord, &engine).await;
    let t = thread.to_string();

    let left = press(&discord, 2001, thread, (LEO, "Leo"), "peer:leave").await;
    assert!(
        left.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("left the interview")
    );
    // The candidate's question now gets the coach's answer in the thread.
    discord.dispatch(
        "MESSAGE_CREATE",
        message_create(3001, thread, MAYA, "Maya", "I would use a hash map."),
    );
    discord
        .wait_for("the coach's answer in the thread", |c| {
            c.path == format!("/api/v10/channels/{t}/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|x| x.contains("time complexity of that"))
        })
        .await;
    // The interviewer can no longer act; the candidate ends.
    let refused = press(&discord, 2002, thread, (LEO, "Leo"), "peer:hint").await;
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("has left")
    );
    let ended = press(&discord, 2003, thread, (MAYA, "Maya"), "peer:end").await;
    assert!(!is_private(&ended));
    let all = wait_events(&engine, &stream, "the summary", |e| {
        e.iter().any(|e| matches!(e, Event::SummaryWritten(_)))
    })
    .await;
    assert_eq!(
        count(&all, |e| matches!(e, Event::PeerInterviewerLeft(_))),
        1
    );
    let refused = press(&discord, 2004, thread, (LEO, "Leo"), "peer:rubric").await;
    assert!(is_private(&refused));
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("has left")
    );
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_is_paired_with_themselves_or_a_bot_and_nothing_is_opened() {
    let discord = FakeDiscord::start().await;
    let claude = FakeAnthropic::start().await;
    let db = common::sqlite_db();
    let (_engine, stop) = start_app(&discord, &claude, &db, &[]).await;
    for (id, interviewer, name, why) in [
        (1001, MAYA, "Maya", "cannot interview yourself"),
        (1002, BOT_ID, "coach", "bot cannot be the interviewer"),
    ] {
        discord.dispatch(
            "INTERACTION_CREATE",
            interaction(id, CHANNEL, MAYA, "Maya", peer_start(interviewer, name)),
        );
        let said = discord
            .wait_for(why, |c| {
                c.path.contains(&format!("/token{id}"))
                    && c.body["content"].as_str().is_some_and(|t| t.contains(why))
            })
            .await;
        assert!(said.body["content"].as_str().is_some());
    }
    let threads = discord.count(|c| c.path == format!("/api/v10/channels/{CHANNEL}/threads"));
    assert_eq!(threads, 0, "no thread was opened");
    let _ = stop.send(());
}
