//! Identities: where an interview lives (`Place`, `StreamId`) and who acts in it (`Actor`).
//!
//! Plain values with no I/O. A stream id is derived from the place, never chosen freely,
//! so the same Discord thread or Slack thread always maps to the same interview log.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The platform an interview or a member belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Web,
    Discord,
    Slack,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Web => "web",
            Platform::Discord => "discord",
            Platform::Slack => "slack",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        match s {
            "web" => Some(Platform::Web),
            "discord" => Some(Platform::Discord),
            "slack" => Some(Platform::Slack),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an interview lives. Discord: guild + thread; Slack: team + channel + root
/// message ts; web: the interview's own uuid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "platform", rename_all = "snake_case")]
pub enum Place {
    Web {
        session: String,
    },
    Discord {
        guild: String,
        channel: String,
        thread: String,
    },
    Slack {
        team: String,
        channel: String,
        thread_ts: String,
    },
}

impl Place {
    pub fn platform(&self) -> Platform {
        match self {
            Place::Web { .. } => Platform::Web,
            Place::Discord { .. } => Platform::Discord,
            Place::Slack { .. } => Platform::Slack,
        }
    }

    /// The stream id this place's interview is stored under.
    pub fn stream_id(&self) -> StreamId {
        StreamId(match self {
            Place::Web { session } => format!("web:{session}"),
            Place::Discord { guild, thread, .. } => format!("discord:{guild}:{thread}"),
            Place::Slack {
                team,
                channel,
                thread_ts,
            } => format!("slack:{team}:{channel}:{thread_ts}"),
        })
    }

    /// The community the interview belongs to, used for budgets and filters:
    /// a Discord guild, a Slack workspace, or "web".
    pub fn server(&self) -> String {
        match self {
            Place::Web { .. } => "web".to_string(),
            Place::Discord { guild, .. } => format!("discord:{guild}"),
            Place::Slack { team, .. } => format!("slack:{team}"),
        }
    }

    /// A short human label of the place (server and channel).
    pub fn label(&self) -> String {
        match self {
            Place::Web { .. } => "web".to_string(),
            Place::Discord { guild, channel, .. } => format!("discord:{guild}/{channel}"),
            Place::Slack { team, channel, .. } => format!("slack:{team}/{channel}"),
        }
    }
}

/// The id of one interview's event stream, e.g. `discord:{guild}:{thread}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamId(pub String);

impl StreamId {
    pub fn new(s: impl Into<String>) -> StreamId {
        StreamId(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The platform named by the stream id's prefix.
    pub fn platform(&self) -> Option<Platform> {
        self.0.split(':').next().and_then(Platform::parse)
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person acting in an interview.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub platform: Platform,
    /// The platform's stable user id (Discord snowflake, Slack user id, web session).
    pub user_id: String,
    /// The name shown at the time of the event.
    pub name: String,
}

impl Actor {
    pub fn new(platform: Platform, user_id: impl Into<String>, name: impl Into<String>) -> Actor {
        Actor {
            platform,
            user_id: user_id.into(),
            name: name.into(),
        }
    }

    /// The member key used across interviews: `{platform}:{user_id}`.
    pub fn member_id(&self) -> String {
        format!("{}:{}", self.platform, self.user_id)
    }

    /// True when both name the same person (names may change, ids don't).
    pub fn same_person(&self, other: &Actor) -> bool {
        self.platform == other.platform && self.user_id == other.user_id
    }
}
