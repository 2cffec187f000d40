//! The facts of a community's daily problem (issue 16, FLOW = daily): the schedule an
//! organiser set, its end, and each day's post. They live in one stream per community,
//! `daily:<platform>:<community>` (a Discord guild id, a Slack team id), never in an
//! interview's stream; a member's solve is not an event here but a `TestsRun` of their
//! own interview on the day's problem, which the streak read model finds in the log.
//!
//! Values only: no clock, no time-zone lookup. Never edit a published variant in place
//! (see `events.rs`).

use super::ids::{Actor, Platform, StreamId};
use super::problem::{Difficulty, Problem};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The stream of `community`'s daily problem on `platform`.
pub fn daily_stream(platform: Platform, community: &str) -> StreamId {
    StreamId(format!("daily:{}:{community}", platform.as_str()))
}

/// The platform and community of a daily stream, `None` for any other stream.
pub fn daily_community(stream: &StreamId) -> Option<(Platform, &str)> {
    let rest = stream.as_str().strip_prefix("daily:")?;
    let (platform, community) = rest.split_once(':')?;
    Some((Platform::parse(platform)?, community))
}

/// An organiser set (or changed) the community's daily problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyScheduled {
    /// The channel the problem is posted in.
    pub channel: String,
    /// The local time of day of the post, in `time_zone`.
    pub local_time: NaiveTime,
    /// An IANA time-zone name (`Europe/Berlin`), checked when it was set.
    pub time_zone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
    /// Bank topics to choose from (empty: any).
    #[serde(default)]
    pub topics: Vec<String>,
    pub by: Actor,
    pub at: DateTime<Utc>,
}

/// An organiser turned the daily problem off: nothing more is posted until it is set again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyTurnedOff {
    pub by: Actor,
    pub at: DateTime<Utc>,
}

/// The problem of one local day was posted (or is owed to the channel: the outbox posts
/// it from this event, once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyPosted {
    /// The community's local date this is the problem of.
    pub day: NaiveDate,
    /// A bank problem, pinned to its version.
    pub problem: Problem,
    /// The channel it goes to (the schedule's at the time).
    pub channel: String,
    /// When the day's post was due; later than this when the service was down.
    pub due_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

impl DailyPosted {
    /// The bank id of the day's problem (empty for a described problem, which a daily
    /// never is).
    pub fn problem_id(&self) -> &str {
        match &self.problem {
            Problem::Bank { id, .. } => id,
            Problem::Custom { .. } => "",
        }
    }
}
