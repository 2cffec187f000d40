//! Forgetting a member: after `privacy forget`, no table of either backend holds their
//! words or code, replay and export of their interview still work, and another
//! member's interview is unchanged.

use crate::common;

use common::TestDb;
use common::fixtures::*;
use interview_coach::domain::*;
use interview_coach::engine::{Engine, ManualClock};
use interview_coach::practice::{export, replay};
use interview_coach::projections;
use sqlx::{Connection, Row};
use std::sync::Arc;
use uuid::Uuid;

per_backend!(a_forgotten_member_leaves_no_trace_and_others_are_untouched);

async fn ex(e: &Engine, s: &StreamId, cmd: Command) -> Version {
    e.execute(s, cmd, None).await.unwrap().events[0].version
}

fn reply(reply_to: Version, text: &str) -> Command {
    Command::RecordCoachReply {
        stamp: None,
        reply_to,
        kind: ReplyKind::Chat,
        text: text.into(),
        usage: None,
        at: t0(),
    }
}

/// Every text value of every table, as one string per row.
async fn every_row(db: &TestDb) -> Vec<String> {
    let mut rows = Vec::new();
    if db.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&mut c)
                .await
                .unwrap();
        for t in tables {
            for row in sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM \"{t}\"")))
                .fetch_all(&mut c)
                .await
                .unwrap()
            {
                let mut text = format!("{t}:");
                for i in 0..row.len() {
                    if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                        text.push_str(&v);
                        text.push('|');
                    }
                }
                rows.push(text);
            }
        }
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&mut c)
                .await
                .unwrap();
        for t in tables {
            let all: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(x AS TEXT) FROM \"{t}\" x"
            )))
            .fetch_all(&mut c)
            .await
            .unwrap();
            rows.extend(all.into_iter().map(|r| format!("{t}:{r}")));
        }
    }
    rows
}

async fn a_forgotten_member_leaves_no_trace_and_others_are_untouched(db: &TestDb) {
    let store = db.open().await;
    let e = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())));
    // Maya's own interview, on a problem she described herself.
    let maya_place = Place::Web {
        session: Uuid::new_v4().to_string(),
    };
    let maya_stream = maya_place.stream_id();
    let mut start_maya = match start(
        Uuid::new_v4(),
        maya_place,
        Actor::new(Platform::Discord, "1001", "Maya"),
    ) {
        Command::StartInterview(s) => s,
        _ => unreachable!(),
    };
    start_maya.problem =
        Problem::custom("MAYA-PROBLEM merge my calendar\nDetails only Maya wrote.");
    start_maya.time_limit_minutes = None;
    ex(&e, &maya_stream, Command::StartInterview(start_maya)).await;
    let intro = ex(
        &e,
        &maya_stream,
        reply(1, "Let us restate MAYA-PROBLEM together."),
    )
    .await;
    assert_eq!(intro, 2);
    let a = ex(
        &e,
        &maya_stream,
        Command::ExplainApproach {
            actor: maya(),
            text: "MAYA-APPROACH sort then sweep".into(),
            at: t0(),
        },
    )
    .await;
    ex(
        &e,
        &maya_stream,
        Command::RecordCoachReply {
            stamp: None,
            reply_to: a,
            kind: ReplyKind::ApproachFeedback,
            text: "Nice, MAYA-APPROACH works.".into(),
            usage: None,
            at: t0(),
        },
    )
    .await;
    let c = ex(
        &e,
        &maya_stream,
        Command::SubmitCode(SubmitCode {
            actor: maya(),
            language: "python".into(),
            code: "def MAYA_CODE(): pass".into(),
            source: SubmissionSource::Editor,
            at: t0(),
        }),
    )
    .await;
    let mut quoting = analysis(6);
    quoting.technical_feedback = "MAYA_CODE returns nothing".into();
    ex(
        &e,
        &maya_stream,
        Command::RecordAnalysis {
            stamp: None,
            reply_to: c,
            analysis: quoting,
            usage: None,
            at: t0(),
        },
    )
    .await;
    // Her runs: an ad-hoc one on her own input, and her submission's tests.
    for run in maya_runs() {
        ex(&e, &maya_stream, Command::RecordTestsRun(run)).await;
    }

    // Leo's group interview, where Maya chatted.
    let leo_group = discord_place("leo-group");
    let lg = leo_group.stream_id();
    let mut group = match start(Uuid::new_v4(), leo_group, leo()) {
        Command::StartInterview(s) => s,
        _ => unreachable!(),
    };
    group.mode = Mode::Group;
    ex(&e, &lg, Command::StartInterview(group)).await;
    let leo_says = ex(
        &e,
        &lg,
        Command::SendMessage {
            actor: leo(),
            text: "LEO-KEEP my own question".into(),
            at: t0(),
        },
    )
    .await;
    ex(&e, &lg, reply(leo_says, "LEO-KEEP answer for Leo")).await;
    let maya_says = ex(
        &e,
        &lg,
        Command::SendMessage {
            actor: maya(),
            text: "MAYA-GROUPCHAT hello".into(),
            at: t0(),
        },
    )
    .await;
    ex(&e, &lg, reply(maya_says, "Hi, about MAYA-GROUPCHAT...")).await;

    // Leo's solo interview, which must not change at all.
    let leo_solo = run_scripted_interview_for(&e, leo(), discord_place("leo-solo")).await;
    let before = e.load(&leo_solo).await.unwrap().1;
    projections::catch_up(store.as_ref()).await.unwrap();
    assert!(
        every_row(db).await.iter().any(|r| r.contains("MAYA-")),
        "the markers are there before"
    );

    let report = Engine::new(store.clone(), Arc::new(ManualClock::new(t0())))
        .forget_member("discord:1001")
        .await
        .unwrap();
    assert!(report.events_rewritten >= 8, "{report:?}");

    for row in every_row(db).await {
        assert!(
            !row.contains("MAYA-") && !row.contains("MAYA_CODE") && !row.contains("Maya"),
            "still stored: {row}"
        );
    }
    assert!(
        every_row(db)
            .await
            .iter()
            .any(|r| r.contains("LEO-KEEP my own question")),
        "Leo's words stay"
    );
    assert_eq!(
        e.load(&leo_solo).await.unwrap().1,
        before,
        "Leo's own interview is unchanged"
    );

    // Replay and export of Maya's interview still work, with her content erased.
    let events = e.load(&maya_stream).await.unwrap().1;
    assert_eq!(events.len(), 8);
    let text = replay::transcript(&events);
    assert!(
        text.contains("[erased] submitted code #1") && text.contains("score 6/10"),
        "{text}"
    );
    assert!(
        text.contains("[erased] ran the tests:")
            && text.contains("Test run on your input: runtime error"),
        "a run keeps its verdicts: {text}"
    );
    let md = export::markdown(&events, None);
    assert!(
        md.contains("### Analysis of submission (score 6/10)") && !md.contains("MAYA"),
        "{md}"
    );
    let row = store
        .find_interview(maya_stream.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.candidate_name.as_str(), row.problem_title.as_str()),
        ("[erased]", "[erased]")
    );
}

/// Maya's runs, every text of them marked: an ad-hoc run on her input that failed, and
/// the tests of her first submission with a wrong answer.
fn maya_runs() -> Vec<TestsRun> {
    // The inputs of examples and tests are the bank's; only her own input is hers.
    let case = |verdict, input: &str| CaseRun {
        verdict,
        input: input.into(),
        expected: None,
        got: Some("\"MAYA-GOT\"".into()),
        time_ms: Some(1.0),
        memory_bytes: Some(1 << 20),
        stdout: "MAYA-PRINTED".into(),
        error: Some("MAYA-ERROR at line 1".into()),
    };
    let run = |of, verdict| TestsRun {
        actor: maya(),
        of,
        language: "python".into(),
        isolation: "namespaces".into(),
        verdict,
        examples: Vec::new(),
        tests: HiddenTests::default(),
        custom: None,
        error: Some("MAYA-TOPLEVEL".into()),
        complexity: None,
        at: t0(),
    };
    let mut adhoc = run(
        RunOf::Adhoc {
            code: "def MAYA_CODE(): raise 1".into(),
        },
        CaseVerdict::RuntimeError,
    );
    adhoc.custom = Some(case(CaseVerdict::RuntimeError, "{\"MAYA-INPUT\": 1}"));
    let mut tested = run(
        RunOf::Submission { submission: 1 },
        CaseVerdict::WrongAnswer,
    );
    tested.examples = vec![case(CaseVerdict::WrongAnswer, "{\"nums\": [1]}")];
    tested.tests.first_failure = Some(case(CaseVerdict::WrongAnswer, "{\"nums\": [2]}"));
    vec![adhoc, tested]
}

/// The scripted interview with another candidate.
async fn run_scripted_interview_for(e: &Engine, who: Actor, place: Place) -> StreamId {
    let s = place.stream_id();
    let mut st = match start(Uuid::new_v4(), place, who.clone()) {
        Command::StartInterview(s) => s,
        _ => unreachable!(),
    };
    st.time_limit_minutes = None;
    ex(e, &s, Command::StartInterview(st)).await;
    let v = ex(
        e,
        &s,
        Command::ExplainApproach {
            actor: who.clone(),
            text: "LEO-KEEP plan".into(),
            at: t0(),
        },
    )
    .await;
    ex(
        e,
        &s,
        Command::RecordCoachReply {
            stamp: None,
            reply_to: v,
            kind: ReplyKind::ApproachFeedback,
            text: "ok".into(),
            usage: None,
            at: t0(),
        },
    )
    .await;
    s
}

per_backend!(forgetting_a_member_leaves_other_interviews_running_with_their_budget_and_list);

/// Issue 18 item 9: `privacy forget` runs while other members' web interviews are
/// answered by the real app's coach. It touches only the member's interview: the
/// others' list rows keep their labels, the community's daily budget never drops
/// (it used to read 0 while every read model was rebuilt), and their turns are
/// answered, once each.
async fn forgetting_a_member_leaves_other_interviews_running_with_their_budget_and_list(
    db: &TestDb,
) {
    use crate::web_common::TestApp;
    use crate::web_common::fake_claude::FakeClaude;
    use interview_coach::ports::InterviewFilter;
    use interview_coach::queries::Queries;
    use serde_json::json;

    let fake = FakeClaude::start().await;
    let flags = fake.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let queries = Queries::new(db.open().await);
    let now = chrono::Utc::now;

    // Maya's own interview on Discord, with a long history (several pages of the log).
    let maya_stream = discord_place("forget-me").stream_id();
    let Command::StartInterview(mut begin) =
        start(Uuid::new_v4(), discord_place("forget-me"), maya())
    else {
        unreachable!()
    };
    begin.time_limit_minutes = None;
    begin.at = now();
    ex(&app.engine, &maya_stream, Command::StartInterview(begin)).await;
    for i in 0..40 {
        let said = Command::SendMessage {
            actor: maya(),
            text: format!("MAYA-SECRET {i}"),
            at: now(),
        };
        app.engine.execute(&maya_stream, said, None).await.unwrap();
    }

    // Two other members on the web, each answered once already.
    let mut others = Vec::new();
    for title in ["Two sum", "Valid parentheses"] {
        let mut c = app.ws("/ws").await;
        c.expect("system").await;
        c.send(json!({"type": "problem_description", "content": format!("{title}: explain it.")}))
            .await;
        let started = c.expect("interview").await;
        c.expect("ai_response").await;
        others.push((c, started["stream_id"].as_str().unwrap().to_string()));
    }
    let day = now().format("%Y-%m-%d").to_string();
    queries.catch_up().await.unwrap();
    let spent_before = queries.tokens_used_on("web", &day).await.unwrap();
    assert!(spent_before > 0, "the web interviews spent tokens");
    let labels = |rows: &[interview_coach::ports::InterviewRow]| -> Vec<(String, String, String)> {
        let mut l: Vec<_> = rows
            .iter()
            .filter(|r| r.platform == "web")
            .map(|r| {
                (
                    r.stream_id.clone(),
                    r.candidate_name.clone(),
                    r.problem_title.clone(),
                )
            })
            .collect();
        l.sort();
        l
    };
    let all = InterviewFilter::default();
    let labels_before = labels(&queries.interviews(&all).await.unwrap());
    assert_eq!(labels_before.len(), 2);

    // The others speak, then the member is forgotten while their turns run.
    for (c, _) in &mut others {
        c.send(json!({"type": "explanation", "content": "One pass with a hash map."}))
            .await;
    }
    let engine = app.engine.clone();
    let forgetting = tokio::spawn(async move { engine.forget_member("discord:1001").await });
    while !forgetting.is_finished() {
        let spent = queries.tokens_used_on("web", &day).await.unwrap();
        assert!(
            spent >= spent_before,
            "the budget read {spent} during the forget"
        );
        let rows = queries.interviews(&all).await.unwrap();
        assert_eq!(
            labels(&rows),
            labels_before,
            "the list is unchanged for others"
        );
        tokio::task::yield_now().await;
    }
    let report = forgetting.await.unwrap().unwrap();
    assert_eq!(report.interviews, 1);
    assert!(report.events_rewritten >= 41, "{report:?}");

    // Their turns are answered, once each.
    for (c, stream) in &mut others {
        c.expect("ai_response").await;
        let (_, log) = app
            .engine
            .load(&StreamId::new(stream.as_str()))
            .await
            .unwrap();
        let answers = log.iter().filter(|r| r.event.reply_to().is_some()).count();
        assert_eq!(answers, 2, "intro and feedback, once each");
    }
    queries.catch_up().await.unwrap();
    assert!(queries.tokens_used_on("web", &day).await.unwrap() > spent_before);
    let rows = queries.interviews(&all).await.unwrap();
    assert_eq!(labels(&rows), labels_before);
    let maya_row = rows
        .iter()
        .find(|r| r.stream_id == maya_stream.as_str())
        .expect("Maya's interview is still listed");
    assert_eq!(maya_row.candidate_name, erasure::ERASED);
    // Her words are erased. (The coach's answers to her turns still running during the
    // forget were asked before it and are appended after it: they are not this test's.)
    let (_, log) = app.engine.load(&maya_stream).await.unwrap();
    let said: Vec<&str> = log
        .iter()
        .filter_map(|r| match &r.event {
            Event::CandidateMessage(m) => Some(m.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(said.len(), 40);
    assert!(said.iter().all(|t| *t == erasure::ERASED), "{said:?}");
    app.stop().await;
}

per_backend!(a_member_forgotten_from_the_command_line_is_never_sent_to_the_llm_again);

/// Issue 18 item 12: the coach remembers the events of the interviews it answers (on
/// SQLite, where this process is the log's one server). `interview-coach privacy
/// forget`, run as its own process while the service answers, rewrites the member's
/// events; the coach's next request must not carry the erased words from its memory.
async fn a_member_forgotten_from_the_command_line_is_never_sent_to_the_llm_again(db: &TestDb) {
    use crate::web_common::TestApp;
    use crate::web_common::fake_claude::FakeClaude;
    use serde_json::json;

    let fake = FakeClaude::start().await;
    let flags = fake.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = TestApp::start(db.open().await, &flags).await;
    let mut c = app.ws("/ws").await;
    c.expect("system").await;
    c.send(json!({"type": "problem_description", "content": "Two sum: return two indices."}))
        .await;
    let started = c.expect("interview").await;
    c.expect("ai_response").await;
    c.send(json!({"type": "explanation", "content": "PLAN-SECRET-77: one pass with a hash map."}))
        .await;
    c.expect("ai_response").await;
    let stream = StreamId::new(started["stream_id"].as_str().unwrap());
    let (state, _) = app.engine.load(&stream).await.unwrap();
    let member = state.started.as_ref().unwrap().candidate.member_id();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_interview-coach"))
        .args(["privacy", "forget", &member])
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    c.send(json!({"type": "code_submission", "code": "def two_sum(a, t):\n    return [0, 1]\n", "language": "python"}))
        .await;
    c.expect("code_analysis").await;
    let asked = fake.last_analysis_request();
    assert!(asked.contains(erasure::ERASED), "{asked}");
    assert!(
        !asked.contains("PLAN-SECRET-77"),
        "the analysis request carried the forgotten words: {asked}"
    );
}
