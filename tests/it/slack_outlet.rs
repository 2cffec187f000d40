//! The Slack outlet against a loopback fake of the Web API: each message part of a
//! coach event is posted in the interview's thread with its own key as metadata, and
//! `find_part` finds it again by that key through `conversations.replies` (what the
//! outbox asks after an error or a crash between posting and recording).

use crate::common;
use crate::slack_common;

use chrono::Utc;
use common::fixtures::interview_started;
use interview_coach::config::Secret;
use interview_coach::domain::*;
use interview_coach::engine::outbox::Outlet;
use interview_coach::platforms::slack::api::SlackApi;
use interview_coach::platforms::slack::outlet::SlackOutlet;
use interview_coach::ports::RecordedEvent;
use slack_common::*;

fn interview(root: &str) -> Interview {
    let place = Place::Slack {
        team: TEAM.into(),
        channel: CHANNEL.into(),
        thread_ts: root.into(),
    };
    let started = Event::InterviewStarted(InterviewStarted {
        language: Some("python".into()),
        ..interview_started(
            place,
            Actor::new(Platform::Slack, OMAR.0, OMAR.1),
            Problem::custom("Two sum"),
            Utc::now(),
        )
    });
    Interview::from_events([&started])
}

fn recorded(root: &str, version: u64, text: &str) -> RecordedEvent {
    RecordedEvent {
        position: version as i64,
        stream_id: stream_of(root),
        version,
        recorded_at: Utc::now(),
        event: Event::CoachReplied(CoachReplied {
            stamp: None,
            reply_to: version - 1,
            kind: ReplyKind::Chat,
            text: text.into(),
            usage: None,
            at: Utc::now(),
        }),
    }
}

#[tokio::test]
async fn a_posted_coach_event_is_found_again_by_its_metadata_and_an_unposted_one_is_not() {
    let slack = FakeSlack::start().await;
    let outlet = SlackOutlet::new(SlackApi::new(&slack.api_url(), &Secret::new("xoxb-test")));
    let root = "1690000000.000001";
    let state = interview(root);
    let posted = recorded(root, 3, "What is the complexity?");
    let ts = outlet.post_part(&posted, &state, 0).await.expect("posted");
    let call = &slack.thread_posts(root)[0];
    assert_eq!(call.body["channel"], CHANNEL);
    assert_eq!(call.body["text"], "What is the complexity?");
    assert_eq!(
        outlet.find_part(&posted, &state, 0).await.expect("asked"),
        Some(ts)
    );
    let never = recorded(root, 5, "What is the complexity?");
    assert_eq!(
        outlet.find_part(&never, &state, 0).await.expect("asked"),
        None,
        "the same text under another key is another message"
    );
}

#[tokio::test]
async fn a_long_reply_is_posted_in_parts_each_with_its_own_key() {
    let slack = FakeSlack::start().await;
    let outlet = SlackOutlet::new(SlackApi::new(&slack.api_url(), &Secret::new("xoxb-test")));
    let root = "1690000000.000002";
    let text = format!("Here:\n```python\n{}```", "x = 1\n".repeat(1200));
    let event = recorded(root, 3, &text);
    let state = interview(root);
    let parts = outlet.parts(&event, &state);
    assert!(parts > 1, "split into parts");
    for part in 0..parts {
        outlet
            .post_part(&event, &state, part)
            .await
            .expect("posted");
    }
    let posts = slack.thread_posts(root);
    let keys: Vec<&str> = posts
        .iter()
        .map(|p| {
            p.body["metadata"]["event_payload"]["key"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    let stream = stream_of(root);
    assert_eq!(keys[0], format!("{stream}#3"));
    assert_eq!(keys[1], format!("{stream}#3#1"));
    for (part, post) in posts.iter().enumerate() {
        assert_eq!(
            outlet.find_part(&event, &state, part).await.expect("asked"),
            post.ts
        );
    }
}

#[tokio::test]
async fn coach_text_can_neither_ping_nor_disguise_a_link_nor_unfurl() {
    let slack = FakeSlack::start().await;
    let outlet = SlackOutlet::new(SlackApi::new(&slack.api_url(), &Secret::new("xoxb-test")));
    let root = "1690000000.000003";
    let text = "Hi <!channel> and <@U123>, @everyone: see <https://evil.example|the docs> &\n\
                ```\nif a < b && c > d: pass\n```";
    outlet
        .post_part(&recorded(root, 3, text), &interview(root), 0)
        .await
        .expect("posted");
    let post = &slack.thread_posts(root)[0];
    let arrived = post.body["text"].as_str().unwrap_or_default();
    assert_eq!(
        arrived,
        "Hi &lt;!channel&gt; and &lt;@U123&gt;, @everyone: see \
         &lt;https://evil.example|the docs&gt; &amp;\n\
         ```\nif a &lt; b &amp;&amp; c &gt; d: pass\n```"
    );
    assert_eq!(post.body["unfurl_links"], false);
    assert_eq!(post.body["unfurl_media"], false);
}
