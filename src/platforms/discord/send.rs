//! Posting to Discord: [`render::Post`]s become serenity messages (mentions disabled,
//! link embeds suppressed, buttons under the last message), and [`DiscordOutlet`] lets
//! the engine's outbox post coach events into interview threads exactly once.
//!
//! Each message carries a nonce derived from the event (`enforce_nonce`), so a retried
//! post within Discord's nonce window returns the first message instead of a second one;
//! after a longer crash, `find_posted` looks for the message among the thread's recent
//! bot messages. Nothing here decides anything.

use super::render::{self, Body, EmbedView, Post};
use crate::domain::{Interview, Place, Platform};
use crate::engine::outbox::{Outlet, OutletError};
use crate::practice::transcript::Entry;
use crate::queries::RecordedEvent;
use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateMessage, GetMessages, Http, MessageFlags, Nonce,
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
    let row = buttons
        .iter()
        .map(|b| {
            let style = match b {
                render::Button::End => ButtonStyle::Danger,
                render::Button::Submit => ButtonStyle::Primary,
                _ => ButtonStyle::Secondary,
            };
            CreateButton::new(b.custom_id())
                .label(b.label())
                .style(style)
        })
        .collect();
    vec![CreateActionRow::Buttons(row)]
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

/// Whether a Discord error means "give up on this message" rather than "try later".
fn classify(e: serenity::Error) -> OutletError {
    if let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) = &e {
        let status = r.status_code.as_u16();
        if matches!(status, 400 | 403 | 404) {
            return OutletError::Permanent(format!("{status}: {}", r.error.message));
        }
    }
    OutletError::Transient(e.to_string())
}

/// The outbox's view of Discord.
pub struct DiscordOutlet {
    pub http: Arc<Http>,
}

impl DiscordOutlet {
    fn key(event: &RecordedEvent) -> String {
        format!("{}:{}", event.stream_id, event.version)
    }
}

#[async_trait]
impl Outlet for DiscordOutlet {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    async fn post(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
    ) -> Result<String, OutletError> {
        let thread = thread_of(interview)
            .ok_or_else(|| OutletError::Permanent("not a Discord interview".into()))?;
        let Some(post) = render::render_event(&Entry::of(event), interview) else {
            return Ok(String::new());
        };
        let key = Self::key(event);
        send_post(&self.http, thread, &post, Some(&key))
            .await
            .map(|id| id.to_string())
            .map_err(classify)
    }

    async fn find_posted(
        &self,
        event: &RecordedEvent,
        interview: &Interview,
    ) -> Result<Option<String>, OutletError> {
        let Some(thread) = thread_of(interview) else {
            return Ok(None);
        };
        let Some(post) = render::render_event(&Entry::of(event), interview) else {
            return Ok(None);
        };
        let me = self.http.get_current_user().await.map_err(classify)?.id;
        let recent = thread
            .messages(&self.http, GetMessages::new().limit(50))
            .await
            .map_err(classify)?;
        Ok(recent
            .iter()
            .find(|m| m.author.id == me && looks_like(&post, &m.content, m.embeds.first()))
            .map(|m| m.id.to_string()))
    }
}

/// Whether a posted message is the first message of `post`.
fn looks_like(post: &Post, content: &str, embed: Option<&serenity::Embed>) -> bool {
    match &post.body {
        Body::Text(chunks) => chunks.first().is_some_and(|c| c == content),
        Body::File { note, .. } => note == content,
        Body::Embed(view) => embed.is_some_and(|e| {
            e.title.as_deref() == Some(view.title.as_str())
                && e.description.as_deref().unwrap_or("") == view.description
        }),
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
