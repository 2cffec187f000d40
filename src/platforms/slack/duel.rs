//! Duels on Slack (issue 16): the `/duel` text parsed (`ratings`, or `@member
//! [easy|medium|hard] [topic] [minutes]`), the offer message with Accept and Decline
//! buttons, and the duel outlet (`SlackHerald`) that posts the start and the result in
//! the channel and in both duelists' threads. Slack threads cannot be private, so
//! each duelist's interview is a thread in their direct messages with the bot
//! (`conversations.open`); the offer and the result stay in the offer's channel.
//!
//! Parsing and rendering only; it must never decide a duel's rules.

use super::api::SlackApi;
use super::blocks::{Rendered, escape};
use crate::domain::{DEFAULT_DUEL_MINUTES, Difficulty, Duel, Platform};
use crate::engine::duel_news::{DuelHerald, DuelMessage, DuelTarget, RatingChange};
use crate::engine::outbox::OutletError;
use crate::problems::ProblemBank;
use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;

pub const USAGE: &str = "Usage: `/duel @member [easy|medium|hard] [topic] [minutes]` to challenge a teammate, `/duel ratings` for this workspace's ratings.";

/// The action ids of the offer's buttons; their value is the duel's stream id.
pub const ACTION_ACCEPT: &str = "duel_accept";
pub const ACTION_DECLINE: &str = "duel_decline";

/// What `/duel` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuelArgs {
    Ratings,
    Challenge {
        /// The opponent's Slack user id.
        opponent: String,
        difficulty: Option<Difficulty>,
        topic: Option<String>,
        minutes: u32,
    },
}

/// `/duel` text; `topics` are the bank's. `Err` is the message to show.
pub fn parse(text: &str, topics: &[String]) -> Result<DuelArgs, String> {
    let mut words = text.split_whitespace();
    let first = words.next().ok_or_else(|| USAGE.to_string())?;
    if first.eq_ignore_ascii_case("ratings") {
        return Ok(DuelArgs::Ratings);
    }
    let opponent = first
        .strip_prefix("<@")
        .and_then(|t| t.strip_suffix('>'))
        .and_then(|t| t.split('|').next())
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or_else(|| USAGE.to_string())?
        .to_string();
    let (mut difficulty, mut topic, mut minutes) = (None, None, None);
    for word in words {
        let lower = word.to_ascii_lowercase();
        if let Some(d) = Difficulty::parse(&lower) {
            difficulty = Some(d);
        } else if let Ok(m) = lower.parse::<u32>() {
            minutes = Some(m);
        } else if topics.contains(&lower) {
            topic = Some(lower);
        } else {
            return Err(format!(
                "I do not know \"{}\": give a difficulty, a topic from the bank or minutes. {USAGE}",
                escape(word)
            ));
        }
    }
    Ok(DuelArgs::Challenge {
        opponent,
        difficulty,
        topic,
        minutes: minutes.unwrap_or(DEFAULT_DUEL_MINUTES),
    })
}

/// The offer message: its text and the two buttons carrying the duel's stream.
pub fn offer_message(text: &str, stream: &str) -> Rendered {
    let button = |label: &str, action: &str, style: &str| {
        json!({"type": "button", "text": {"type": "plain_text", "text": label},
               "action_id": action, "value": stream, "style": style})
    };
    Rendered {
        text: text.to_string(),
        blocks: Some(json!([
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "actions", "block_id": "duel_actions", "elements": [
                button("Accept", ACTION_ACCEPT, "primary"),
                button("Decline", ACTION_DECLINE, "danger"),
            ]},
        ])),
    }
}

/// The duel outlet on Slack: channel messages in the offer's channel, the rest in the
/// duelists' threads, each carrying its delivery key as metadata.
pub struct SlackHerald {
    pub api: SlackApi,
    pub problems: Arc<ProblemBank>,
}

#[async_trait]
impl DuelHerald for SlackHerald {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    fn messages(
        &self,
        duel: &Duel,
        event: &crate::domain::Event,
        change: Option<RatingChange>,
    ) -> Vec<DuelMessage> {
        let title = duel
            .started
            .as_ref()
            .map(|s| {
                self.problems
                    .get(&s.problem_id)
                    .map_or_else(|| s.problem_id.clone(), |p| p.title.clone())
            })
            .unwrap_or_default();
        crate::practice::duel::news(duel, event, change, &title)
            .into_iter()
            .map(|m| DuelMessage {
                text: m.text.replace("**", "*"),
                ..m
            })
            .collect()
    }

    async fn post(
        &self,
        duel: &Duel,
        message: &DuelMessage,
        key: &str,
    ) -> Result<String, OutletError> {
        let (channel, thread) = match &message.to {
            DuelTarget::Channel => match &duel.offer {
                Some(o) => (o.channel.clone(), None),
                None => return Err(OutletError::Permanent("no channel for this duel".into())),
            },
            // `slack:{team}:{channel}:{thread_ts}`
            DuelTarget::Interview(stream) => {
                let mut parts = stream.as_str().splitn(4, ':').skip(2);
                match (parts.next(), parts.next()) {
                    (Some(c), Some(ts)) => (c.to_string(), Some(ts.to_string())),
                    _ => {
                        return Err(OutletError::Permanent(format!(
                            "not a Slack thread: {stream}"
                        )));
                    }
                }
            }
        };
        // A thread message whose earlier try had no known outcome may be there already.
        if let Some(ts) = &thread
            && let Ok(Some(found)) = self.api.find_by_key(&channel, ts, key).await
        {
            return Ok(found);
        }
        let rendered = Rendered {
            text: message.text.clone(),
            blocks: None,
        };
        self.api
            .post(&channel, thread.as_deref(), &rendered, Some(key))
            .await
            .map_err(|e| {
                if e.permanent {
                    OutletError::Permanent(e.to_string())
                } else {
                    OutletError::Transient {
                        why: e.to_string(),
                        retry_after: e.retry_after,
                    }
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<String> {
        vec!["arrays".into(), "graphs".into()]
    }

    #[test]
    fn ratings_and_a_challenge_with_every_option_parse() {
        assert_eq!(parse("ratings", &topics()), Ok(DuelArgs::Ratings));
        assert_eq!(
            parse("<@U123|ana> hard graphs 20", &topics()),
            Ok(DuelArgs::Challenge {
                opponent: "U123".into(),
                difficulty: Some(Difficulty::Hard),
                topic: Some("graphs".into()),
                minutes: 20,
            })
        );
    }

    #[test]
    fn a_challenge_needs_a_mention_and_known_words() {
        assert_eq!(parse("", &topics()), Err(USAGE.into()));
        assert_eq!(parse("ana", &topics()), Err(USAGE.into()));
        assert!(parse("<@U1> cooking", &topics()).is_err_and(|e| e.contains("\"cooking\"")));
        assert_eq!(
            parse("<@U1>", &topics()),
            Ok(DuelArgs::Challenge {
                opponent: "U1".into(),
                difficulty: None,
                topic: None,
                minutes: DEFAULT_DUEL_MINUTES,
            })
        );
    }
}
