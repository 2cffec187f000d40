//! The practice slash commands on Slack (HTTP Events API transport, Web API on a
//! wiremock fake): `/stats` as private Block Kit, the opt-in `/leaderboard` (a member
//! who did not join never appears), `/export` uploading the transcript into the
//! interview's thread (and refusing a member with no interview there), and
//! `/privacy forget` needing its confirm word.

use crate::common;
use crate::slack_common;

use common::fake_anthropic::FakeAnthropic;
use common::fixtures::interview_started;
use slack_common::*;

/// The private answers `user` got so far, as text (blocks included).
fn ephemerals(slack: &FakeSlack, user: &str) -> Vec<String> {
    slack
        .calls("chat.postEphemeral")
        .into_iter()
        .filter(|c| c.body["user"] == user)
        .map(|c| c.body.to_string())
        .collect()
}

async fn wait_ephemeral(slack: &FakeSlack, user: &str, n: usize) -> String {
    wait_for("an ephemeral answer", || ephemerals(slack, user).len() >= n).await;
    ephemerals(slack, user)[n - 1].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_leaderboard_export_and_privacy_on_slack() {
    let db = common::sqlite_db();
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(db.open().await, &slack, &llm.uri()).await;

    // Ana has nothing yet: a clear private answer, nothing written.
    assert_eq!(app.slash(ANA, "/stats", "", "t-1").await.status(), 200);
    let none = wait_ephemeral(&slack, ANA.0, 1).await;
    assert!(
        none.contains("no interviews in this workspace yet"),
        "{none}"
    );

    // Omar starts an interview; his stats count it.
    app.command(OMAR, "start two-sum python 30", "t-2").await;
    wait_for("the root message", || {
        !slack.calls("chat.postMessage").is_empty()
    })
    .await;
    let root = slack.calls("chat.postMessage")[0].ts.clone().unwrap();
    app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
    app.slash(OMAR, "/stats", "", "t-3").await;
    let mine = wait_ephemeral(&slack, OMAR.0, 1).await;
    assert!(mine.contains("Practice stats"), "{mine}");
    assert!(mine.contains("0 done of 1 started"), "{mine}");
    assert!(mine.contains("\"header\""), "Block Kit: {mine}");
    let about_omar = "<@U_OMAR|omar>";
    app.slash(ANA, "/stats", about_omar, "t-4").await;
    let theirs = wait_ephemeral(&slack, ANA.0, 2).await;
    assert!(theirs.contains("0 done of 1 started"), "{theirs}");
    app.slash(ANA, "/stats", "@omar", "t-5").await;
    assert!(
        wait_ephemeral(&slack, ANA.0, 3)
            .await
            .contains("Usage: `/stats`")
    );

    // Omar joins the leaderboard, Ana does not; Ana sees only Omar.
    app.slash(OMAR, "/leaderboard", "join", "t-6").await;
    assert!(
        wait_ephemeral(&slack, OMAR.0, 2)
            .await
            .contains("You joined")
    );
    app.slash(ANA, "/leaderboard", "", "t-7").await;
    let board = wait_ephemeral(&slack, ANA.0, 4).await;
    assert!(board.contains("<@U_OMAR>"), "{board}");
    assert!(!board.contains("U_ANA>"), "Ana never joined: {board}");

    // /export: Ana has no interview in this channel; Omar's lands in his thread.
    app.slash(ANA, "/export", "", "t-8").await;
    let refused = wait_ephemeral(&slack, ANA.0, 5).await;
    assert!(
        refused.contains("no interview in this channel"),
        "{refused}"
    );
    assert!(slack.calls("files.getUploadURLExternal").is_empty());
    app.slash(OMAR, "/export", "", "t-9").await;
    wait_for("the upload completed", || {
        !slack.calls("files.completeUploadExternal").is_empty()
    })
    .await;
    let uploaded = &slack.calls("_upload/F1")[0];
    assert!(
        uploaded
            .body
            .as_str()
            .is_some_and(|md| md.contains("# Two Sum")),
        "{uploaded:?}"
    );
    let complete = &slack.calls("files.completeUploadExternal")[0];
    assert_eq!(complete.body["thread_ts"], root.as_str());
    assert_eq!(complete.body["channel_id"], CHANNEL);

    // /privacy forget wants its confirm; then Omar is off the leaderboard.
    app.slash(OMAR, "/privacy", "forget", "t-10").await;
    let asked = wait_ephemeral(&slack, OMAR.0, 4).await;
    assert!(asked.contains("Nothing was erased"), "{asked}");
    app.slash(OMAR, "/privacy", "forget confirm", "t-11").await;
    let done = wait_ephemeral(&slack, OMAR.0, 5).await;
    assert!(done.contains("left 1 leaderboard"), "{done}");
    let left = app
        .store
        .leaderboard_opted_in(&format!("slack:{TEAM}"))
        .await
        .unwrap();
    assert!(left.is_empty());
}

/// Each member already had one of the two hard linked-list problems: their random pick
/// of that difficulty and topic is the other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_random_problem_is_one_the_member_has_not_done() {
    use interview_coach::domain::*;
    use interview_coach::ports::ExpectedVersion;
    let members = [
        OMAR,
        ANA,
        ("U_ZOE", "zoe"),
        ("U_BEA", "bea"),
        ("U_CY", "cy"),
    ];
    let db = common::sqlite_db();
    let store = db.open().await;
    for (n, member) in members.iter().enumerate() {
        let done = Place::Slack {
            team: TEAM.into(),
            channel: CHANNEL.into(),
            thread_ts: format!("1600000000.00000{n}"),
        };
        let started = Event::InterviewStarted(InterviewStarted {
            difficulty: Some(Difficulty::Hard),
            ..interview_started(
                done.clone(),
                Actor::new(Platform::Slack, member.0, member.1),
                Problem::Bank {
                    id: "reverse-nodes-in-k-group".into(),
                    version: 1,
                    title: "Reverse Nodes in k-Group".into(),
                },
                chrono::Utc::now(),
            )
        });
        store
            .append(
                &done.stream_id(),
                ExpectedVersion::Exact(0),
                &[started],
                None,
            )
            .await
            .expect("seed");
    }
    let slack = FakeSlack::start().await;
    let llm = FakeAnthropic::start().await;
    let app = SlackApp::start(store, &slack, &llm.uri()).await;
    for (n, member) in members.iter().enumerate() {
        app.command(*member, "start hard linked-lists", &format!("t-start-{n}"))
            .await;
        wait_for("the root message", || {
            slack.calls("chat.postMessage").len() > n
        })
        .await;
        let root = slack.calls("chat.postMessage")[n].ts.clone().unwrap();
        let events = app.wait_events(&stream_of(&root), |e| !e.is_empty()).await;
        let Event::InterviewStarted(s) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(s.candidate.user_id, member.0);
        assert!(
            matches!(&s.problem, Problem::Bank { id, .. } if id == "merge-k-sorted-lists"),
            "{}: {:?}",
            member.1,
            s.problem
        );
    }
}
