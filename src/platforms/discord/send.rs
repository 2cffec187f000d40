//! Posting to Discord: [`render::Post`]s become serenity messages (mentions disabled,
//! link embeds suppressed, buttons under the last message), and [`DiscordOutlet`] lets
//! the engine's outbox post coach events and runs' results into interview threads
//! exactly once.
//!
//! Each message part carries a nonce of its own, derived from the event and the part's
//! index, with `enforce_nonce`: posting a part again under its nonce (after an error or
//! a crash) returns the message Discord already made instead of a second one. Discord's
//! REST message objects do not carry the nonce back when listed, so the nonce is the
//! identity: nothing here looks a message up by its text. Nothing here decides anything.

use super::render::{self, Body, EmbedView, Post};
use crate::domain::{Event, Interview, Place, Platform};
use crate::engine::outbox::{Outlet, OutletError};
use crate::practice::transcript::Entry;
use crate::queries::RecordedEvent;
use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateMessage, Http, MessageFlags, Nonce,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// An embed as serenity's builder.
pub fn embed(view: &EmbedView) -> CreateEmbed {
    let mut e = CreateEmbed::new()
        .title(&view.title)
        .description(&view.description)
        .color(view.color);
    for f in &view.fields {
        e = e.field(&f.name, &f.value, f.inline);
    }
    if let Some(footer) = &view.footer {
        e = e.footer(CreateEmbedFooter::new(footer));
    }
    e
}

/// The action row for `buttons`, if any.
pub fn components(buttons: &[render::Button]) -> Vec<CreateActionRow> {
    if buttons.is_empty() {
        return Vec::new();
    }
    // Discord takes at most five buttons a row.
    buttons
        .chunks(5)
        .map(|row| {
            let row = row
                .iter()
                .map(|b| {
                    let style = match b {
                        render::Button::End => ButtonStyle::Danger,
                        render::Button::Submit => ButtonStyle::Primary,
                        render::Button::Run => ButtonStyle::Success,
                        _ => ButtonStyle::Secondary,
                    };
                    CreateButton::new(b.custom_id())
                        .label(b.label())
                        .style(style)
                })
                .collect();
            CreateActionRow::Buttons(row)
        })
        .collect()
}

/// A Discord nonce (at most 25 characters) for message `part` of the post for `key`.
pub fn nonce(key: &str, part: usize) -> String {
    let digest = Sha256::digest(format!("{key}#{part}").as_bytes());
    hex::encode(&digest[..12])
}

/// The messages of `post`, in order, each with its nonce when `key` is given.
pub fn messages(post: &Post, key: Option<&str>) -> Vec<CreateMessage> {
    let base = || {
        CreateMessage::new()
            .allowed_mentions(CreateAllowedMentions::new())
            .flags(MessageFlags::SUPPRESS_EMBEDS)
    };
    let mut out: Vec<CreateMessage> = match &post.body {
        Body::Text(chunks) => chunks.iter().map(|c| base().content(c)).collect(),
        Body::File {
            note,
            name,
            content,
        } => vec![
            base()
                .content(note)
                .add_file(CreateAttachment::bytes(content.as_bytes(), name)),
        ],
        Body::Embed(view) => vec![base().embed(embed(view))],
    };
    if let Some(key) = key {
        out = out
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.nonce(Nonce::String(nonce(key, i))).enforce_nonce(true))
            .collect();
    }
    if let Some(last) = out.pop() {
        out.push(last.components(components(&post.buttons)));
    }
    out
}

/// Posts `post` in `channel`; the id of the last message.
pub async fn send_post(
    http: &Http,
    channel: ChannelId,
    post: &Post,
    key: Option<&str>,
) -> Result<serenity::MessageId, serenity::Error> {
    let mut last = None;
    for message in messages(post, key) {
        last = Some(channel.send_message(http, message).await?.id);
    }
    last.ok_or_else(|| serenity::Error::Other("nothing to post"))
}

/// The thread an interview lives in.
pub fn thread_of(interview: &Interview) -> Option<ChannelId> {
    match &interview.started.as_ref()?.place {
        Place::Discord { thread, .. } => thread.parse::<u64>().ok().map(ChannelId::new),
        _ => None,
    }
}

/// Whether a Discord error means "give up on this message" rather than "try later":
/// a missing thread (404), missing permissions (403) or a malformed message (400) are
/// final; a rate limit (429), Discord's own errors (5xx), a call that timed out and the
/// network are not.
/// (With serenity's rate limiter on, as in production, a 429 is waited out inside
/// serenity and never reaches here.)
pub(super) fn classify(e: serenity::Error) -> OutletError {
    if let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) = &e {
        let status = r.status_code.as_u16();
        if matches!(status, 400 | 403 | 404) {
            return OutletError::Permanent(format!("{status}: {}", r.error.message));
        }
    }
    if let serenity::Error::Http(serenity::HttpError::Request(r)) = &e
        && r.is_timeout()
    {
        return OutletError::transient(
            "Discord did not answer in time (DISCORD_HTTP_TIMEOUT_SECONDS)",
        );
    }
    OutletError::transient(e.to_string())
}

/// The outbox's view of Discord.
pub struct DiscordOutlet {
    pub http: Arc<Http>,
}

impl DiscordOutlet {
    /// The delivery key of an event; each part's nonce is derived from it and the index.
    fn key(event: &RecordedEvent) -> String {
        format!("{}:{}", event.stream_id, event.version)
    }
}

#[async_trait]
impl Outlet for DiscordOutlet {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    /// The coach's events and the results of runs (ad-hoc and a submission's).
    fn wants(&self, event: &Event) -> bool {
        matches!(
            event,
            Event::CoachReplied(_)
                | Event::CodeAnalyzed(_)
                | Event::CoachFailed(_)
                | Event::SummaryWritten(_)
                | Event::TestsRun(_)
                // issue 16: daily
                | Event::DailyPosted(_)
        )
    }

    fn parts(&self, event: &RecordedEvent, interview: &Interview) -> usize {
        // issue 16: daily. A day's post is one message in the schedule's channel.
        if let Event::DailyPosted(_) = &event.event {
            return 1;
        }
        // issue 16: a peer interview's private answers and silent reviews.
        if interview.keeps_private(&event.event) {
            return 0;
        }
        render::render_event(&Entry::of(event), interview)
            .map_or(0, |post| messages(&post, None).len())
    }

    async fn post_part(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
        part: usize,
    ) -> Result<String, OutletError> {
        // issue 16: daily
        if let Event::DailyPosted(post) = &event.event {
            let channel = super::daily_post::channel_of(post)
                .ok_or_else(|| OutletError::Permanent("not a Discord channel".into()))?;
            let message = super::daily_post::post_message(post, &Self::key(event));
            return channel
                .send_message(&self.http, message)
                .await
                .map(|m| m.id.to_string())
                .map_err(classify);
        }
        let thread = thread_of(interview)
            .ok_or_else(|| OutletError::Permanent("not a Discord interview".into()))?;
        let post = render::render_event(&Entry::of(event), interview)
            .ok_or_else(|| OutletError::Permanent("nothing to show".into()))?;
        let message = messages(&post, Some(&Self::key(event)))
            .into_iter()
            .nth(part)
            .ok_or_else(|| OutletError::Permanent(format!("the post has no part {part}")))?;
        thread
            .send_message(&self.http, message)
            .await
            .map(|m| m.id.to_string())
            .map_err(classify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_stable_short_and_distinct_per_part() {
        let a = nonce("discord:1:2:7", 0);
        assert_eq!(a, nonce("discord:1:2:7", 0));
        assert_eq!(a.len(), 24);
        assert_ne!(a, nonce("discord:1:2:7", 1));
        assert_ne!(a, nonce("discord:1:2:8", 0));
    }

    #[test]
    fn every_message_disables_mentions_and_suppresses_link_embeds() {
        let post = Post {
            body: Body::Text(vec!["@everyone look https://x.y".into(), "two".into()]),
            buttons: vec![render::Button::Hint],
        };
        let json: Vec<serde_json::Value> = messages(&post, Some("k"))
            .iter()
            .map(|m| serde_json::to_value(m).unwrap())
            .collect();
        assert_eq!(json.len(), 2);
        for m in &json {
            assert_eq!(m["allowed_mentions"]["parse"], serde_json::json!([]));
            assert_eq!(m["flags"], 4);
            assert_eq!(m["enforce_nonce"], true);
        }
        assert!(
            json[0]
                .get("components")
                .is_none_or(|c| c.as_array().unwrap().is_empty())
        );
        assert_eq!(
            json[1]["components"][0]["components"][0]["custom_id"],
            "interview:hint"
        );
    }
}
