//! The practice commands on Discord, end to end against the loopback fake: `/stats`
//! (one's own, and an unknown member's), the opt-in `/leaderboard` (a member who did
//! not join never appears), `/export` (the candidate gets a Markdown file; a stranger
//! and a channel that is no interview are refused) and `/privacy forget` (refused
//! without the confirm; with it, the member's words are gone and so is their opt-in).

use crate::common;
use crate::discord_fake;

use chrono::{Duration, TimeZone, Utc};
use common::fixtures::interview_started;
use discord_fake::*;
use interview_coach::app::App;
use interview_coach::domain::*;
use interview_coach::engine::SystemClock;
use interview_coach::ports::{ExpectedVersion, Storage};
use serde_json::{Value, json};
use std::sync::Arc;

const MAYA_THREAD: u64 = 710_000_000_000_000_001;
const ZED: u64 = 600_000_000_000_000_003;

fn band(n: i64) -> RubricScore {
    RubricScore {
        score: Band::new(n).unwrap(),
        evidence: "seen".into(),
    }
}

fn rubric(n: i64) -> Rubric {
    Rubric {
        communication: band(n),
        problem_solving: band(n),
        technical_competency: band(n),
        testing: band(n),
    }
}

/// A finished interview of `who` on `problem` in `thread`, analysed with `score`.
async fn seed(store: &dyn Storage, who: (u64, &str), thread: u64, problem: &str, score: i64) {
    let actor = Actor::new(Platform::Discord, who.0.to_string(), who.1);
    let place = Place::Discord {
        guild: GUILD.to_string(),
        channel: CHANNEL.to_string(),
        thread: thread.to_string(),
    };
    let at =
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::hours(thread as i64 % 97);
    let events = vec![
        Event::InterviewStarted(InterviewStarted {
            language: Some("python".into()),
            ..interview_started(
                place.clone(),
                actor.clone(),
                Problem::Bank {
                    id: problem.into(),
                    version: 1,
                    title: problem.replace('-', " "),
                },
                at,
            )
        }),
        Event::ApproachExplained(ApproachExplained {
            actor: actor.clone(),
            text: format!("secret plan of {}", who.1),
            at,
        }),
        Event::CoachReplied(CoachReplied {
            stamp: None,
            reply_to: 2,
            kind: ReplyKind::ApproachFeedback,
            text: "ok".into(),
            usage: None,
            at,
        }),
        Event::CodeAnalyzed(CodeAnalyzed {
            stamp: None,
            reply_to: 2,
            analysis: Analysis {
                technical_feedback: "f".into(),
                complexity_analysis: "c".into(),
                code_quality: "q".into(),
                follow_up_question: "?".into(),
                score: Score::new(score).unwrap(),
                correctness: "ok".into(),
                rubric: rubric(if score > 6 { 3 } else { 2 }),
            },
            usage: None,
            at,
        }),
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Member {
                actor: actor.clone(),
            },
            reason: EndReason::Finished,
            at,
        }),
        Event::SummaryWritten(SummaryWritten {
            stamp: None,
            reply_to: 5,
            overall: "good".into(),
            strengths: vec![],
            improvements: vec![],
            rubric: rubric(3),
            hire_signal: HireSignal::LeanYes,
            duration_seconds: 60,
            submissions: 0,
            hints_used: 0,
            usage: None,
            at,
        }),
    ];
    store
        .append(&place.stream_id(), ExpectedVersion::Exact(0), &events, None)
        .await
        .expect("seed");
}

fn command(name: &str, options: Value) -> Value {
    json!({"id": "9", "name": name, "type": 1, "options": options})
}

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// The answer to interaction `id`: its callback message, or the follow-up (or edit)
/// after a deferral.
async fn answer(discord: &FakeDiscord, id: u64) -> Value {
    let call = discord
        .wait_for("an answer", |c| {
            (c.path.starts_with(&format!("/api/v10/interactions/{id}/")) && c.body["type"] == 4)
                || (c.path.starts_with("/api/v10/webhooks/")
                    && (c.path.ends_with(&format!("/token{id}"))
                        || c.path.contains(&format!("/token{id}/"))))
        })
        .await;
    if call.body["type"] == 4 {
        call.body["data"].clone()
    } else {
        call.body
    }
}

fn text_of(answer: &Value) -> String {
    match answer {
        Value::String(raw) => raw.clone(),
        v => v.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_leaderboard_export_and_forget_on_discord() {
    let discord = FakeDiscord::start().await;
    let db = common::sqlite_db();
    let store = db.open().await;
    seed(
        store.as_ref(),
        (MAYA, "Maya"),
        MAYA_THREAD,
        "merge-intervals",
        4,
    )
    .await;
    seed(
        store.as_ref(),
        (MAYA, "Maya"),
        MAYA_THREAD + 1,
        "two-sum",
        8,
    )
    .await;
    seed(
        store.as_ref(),
        (LEO, "Leo"),
        MAYA_THREAD + 2,
        "coin-change",
        9,
    )
    .await;
    let flags: Vec<String> = [
        "--bind",
        "127.0.0.1:0",
        "--discord-token",
        "fake-token",
        "--discord-api-proxy",
        &discord.url(),
        "--discord-guild-id",
        &GUILD.to_string(),
        "--discord-shards",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let app = App::with_store(store.clone(), serve_args(&flags), Arc::new(SystemClock))
        .await
        .expect("app builds");
    let engine = app.engine().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let registered = discord
        .wait_for("command registration", |c| {
            c.method == "PUT"
                && c.path == format!("/api/v10/applications/{APP_ID}/guilds/{GUILD}/commands")
        })
        .await;
    let names: Vec<&str> = registered
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in ["stats", "leaderboard", "export", "privacy"] {
        assert!(names.contains(&name), "{name} registered: {names:?}");
    }

    // Maya joins the leaderboard; Leo does not. Leo looks at it: only Maya.
    let join = interaction(
        5001,
        CHANNEL,
        MAYA,
        "Maya",
        command("leaderboard", sub("join", json!([]))),
    );
    discord.dispatch("INTERACTION_CREATE", join);
    let joined = answer(&discord, 5001).await;
    assert_eq!(joined["flags"], 64, "private");
    assert!(text_of(&joined).contains("You joined"), "{joined}");
    let show = interaction(
        5002,
        CHANNEL,
        LEO,
        "Leo",
        command("leaderboard", sub("show", json!([]))),
    );
    discord.dispatch("INTERACTION_CREATE", show);
    let board = text_of(&answer(&discord, 5002).await);
    assert!(board.contains(&format!("<@{MAYA}>")), "{board}");
    assert!(
        board.contains("6.0/10"),
        "Maya's average of 4 and 8: {board}"
    );
    assert!(
        !board.contains(&LEO.to_string()),
        "Leo never joined: {board}"
    );

    // Maya's stats: trend, weakest topic and a suggestion on it she has not done.
    let stats = interaction(5003, CHANNEL, MAYA, "Maya", command("stats", json!([])));
    discord.dispatch("INTERACTION_CREATE", stats);
    let mine = answer(&discord, 5003).await;
    let embed = &mine["embeds"][0];
    assert_eq!(embed["title"], "Practice stats · Maya");
    let fields = embed["fields"].to_string();
    assert!(fields.contains("2 done of 2 started"), "{fields}");
    assert!(
        fields.contains("Weakest topics") && fields.contains("intervals"),
        "{fields}"
    );
    assert!(
        fields.contains("Try next") && fields.contains("to practise intervals"),
        "{fields}"
    );

    // An unknown member's stats: a clear private answer.
    let mut zed = command(
        "stats",
        json!([{"name": "member", "type": 6, "value": ZED.to_string()}]),
    );
    zed["resolved"] = json!({"users": {ZED.to_string(): user(ZED, "Zed", false)}});
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(5004, CHANNEL, MAYA, "Maya", zed),
    );
    let unknown = text_of(&answer(&discord, 5004).await);
    assert!(
        unknown.contains("Zed has no interviews on this server yet"),
        "{unknown}"
    );

    // /export: the candidate gets the file; a stranger and a plain channel are refused.
    let export = interaction(
        5005,
        MAYA_THREAD,
        MAYA,
        "Maya",
        command("export", json!([])),
    );
    discord.dispatch("INTERACTION_CREATE", export);
    let file = text_of(&answer(&discord, 5005).await);
    assert!(
        file.contains("interview-") && file.contains(".md"),
        "an attachment: {file}"
    );
    assert!(
        file.contains("secret plan of Maya"),
        "the transcript: {file}"
    );
    let stranger = interaction(5006, MAYA_THREAD, LEO, "Leo", command("export", json!([])));
    discord.dispatch("INTERACTION_CREATE", stranger);
    let refused = text_of(&answer(&discord, 5006).await);
    assert!(refused.contains("Only Maya can export"), "{refused}");
    let outside = interaction(5007, CHANNEL, MAYA, "Maya", command("export", json!([])));
    discord.dispatch("INTERACTION_CREATE", outside);
    let outside = text_of(&answer(&discord, 5007).await);
    assert!(outside.contains("not an interview thread"), "{outside}");

    let id_option = |id: String| command("export", json!([{"name": "id", "type": 3, "value": id}]));
    let leos = id_option(format!("discord:{GUILD}:{}", MAYA_THREAD + 2));
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(5010, CHANNEL, MAYA, "Maya", leos),
    );
    let not_hers = text_of(&answer(&discord, 5010).await);
    assert!(not_hers.contains("Only Leo can export"), "{not_hers}");
    let nope = id_option("no-such-interview".into());
    discord.dispatch(
        "INTERACTION_CREATE",
        interaction(5011, CHANNEL, MAYA, "Maya", nope),
    );
    let nope = text_of(&answer(&discord, 5011).await);
    assert!(
        nope.contains("No interview with id `no-such-interview`"),
        "{nope}"
    );

    // /privacy forget without the confirm erases nothing; with it, everything of hers.
    let no = interaction(
        5008,
        CHANNEL,
        MAYA,
        "Maya",
        command(
            "privacy",
            sub(
                "forget",
                json!([{"name": "confirm", "type": 5, "value": false}]),
            ),
        ),
    );
    discord.dispatch("INTERACTION_CREATE", no);
    assert!(text_of(&answer(&discord, 5008).await).contains("Nothing was erased"));
    let stream = StreamId::new(format!("discord:{GUILD}:{MAYA_THREAD}"));
    let (_, events) = engine.load(&stream).await.unwrap();
    assert!(interview_coach::practice::privacy::mentions(
        &events,
        "secret plan of Maya"
    ));
    let yes = interaction(
        5009,
        CHANNEL,
        MAYA,
        "Maya",
        command(
            "privacy",
            sub(
                "forget",
                json!([{"name": "confirm", "type": 5, "value": true}]),
            ),
        ),
    );
    discord.dispatch("INTERACTION_CREATE", yes);
    let done = answer(&discord, 5009).await;
    assert_eq!(done["flags"], 64);
    assert!(text_of(&done).contains("left 1 leaderboard"), "{done}");
    let (_, events) = engine.load(&stream).await.unwrap();
    assert!(!interview_coach::practice::privacy::mentions(
        &events,
        "secret plan of Maya"
    ));
    assert!(
        store
            .leaderboard_opted_in(&format!("discord:{GUILD}"))
            .await
            .unwrap()
            .is_empty()
    );

    let _ = stop.send(());
    tokio::time::timeout(std::time::Duration::from_secs(15), running)
        .await
        .expect("the app stops")
        .expect("the app task")
        .expect("the app ran cleanly");
}
