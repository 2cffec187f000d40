//! The rules of a community's daily problem (issue 16): who may set or stop it, when a
//! day's post is due (at the local time in the community's IANA time zone, through
//! daylight-saving changes), which problem it is, and that each local day is posted at
//! most once. Pure and synchronous: the clock's reading, the member's permission and
//! the bank problems to choose from arrive inside the command.
//!
//! It must never look anything up, post anything or read a clock: the engine appends
//! what it returns (with the stream's expected version and a key per day, so two
//! instances cannot both post a day) and the outbox posts it.

use crate::domain::events::{DailyPosted, DailyScheduled, DailyTurnedOff, Event, Version};
use crate::domain::ids::Actor;
use crate::domain::problem::{Difficulty, Problem};
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::VecDeque;
use thiserror::Error;

/// Posts remembered when choosing a problem: one of these is not chosen again while
/// another candidate is left.
pub const RECENT_POSTS: usize = 30;

/// Why a daily command was refused. Each is shown to the member privately, and nothing
/// is appended.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DailyRefused {
    #[error(
        "Only {who} can set or stop the daily problem; ask one of them, or use `/daily` to see today's."
    )]
    NotAllowed {
        /// Who may, in the platform's words ("members with Manage Server").
        who: String,
    },
    #[error(
        "`{0}` is not a time zone I know. Use an IANA name such as `Europe/Berlin` or `America/New_York`."
    )]
    UnknownTimeZone(String),
    #[error("There is no daily problem set here; an organiser can start one with `/daily set`.")]
    NotScheduled,
    #[error("No problem in the bank matches that difficulty and those topics.")]
    NoProblem,
}

/// What a daily stream's events fold to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Daily {
    /// The stream's version (events folded).
    pub version: Version,
    /// The schedule in force; `None` when never set or turned off.
    pub schedule: Option<DailyScheduled>,
    /// The latest local day posted.
    pub last_day: Option<NaiveDate>,
    /// The latest post, whole.
    pub last_post: Option<DailyPosted>,
    /// Bank ids of the latest posts, newest last, at most [`RECENT_POSTS`].
    pub recent: VecDeque<String>,
}

impl Daily {
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Daily {
        let mut state = Daily::default();
        for e in events {
            state.apply(e);
        }
        state
    }

    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        match event {
            Event::DailyScheduled(e) => self.schedule = Some(e.clone()),
            Event::DailyTurnedOff(_) => self.schedule = None,
            Event::DailyPosted(e) => {
                self.last_day = Some(e.day);
                self.last_post = Some(e.clone());
                self.recent.push_back(e.problem_id().to_string());
                while self.recent.len() > RECENT_POSTS {
                    self.recent.pop_front();
                }
            }
            _ => {}
        }
    }
}

/// A bank problem the post may choose, with its topics (given by the caller, which
/// reads the bank).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub problem: Problem,
    pub difficulty: Difficulty,
    pub topics: Vec<String>,
}

/// The commands of a daily stream.
#[derive(Debug, Clone, PartialEq)]
pub enum DailyCommand {
    /// `/daily set`. `may_manage` is the platform's answer to "may this member manage
    /// the community" (Discord: Manage Server; Slack: an admin or the channel's creator),
    /// `who` how the refusal names those who may.
    Set {
        channel: String,
        local_time: NaiveTime,
        time_zone: String,
        difficulty: Option<Difficulty>,
        topics: Vec<String>,
        by: Actor,
        may_manage: bool,
        who: String,
        at: DateTime<Utc>,
    },
    /// `/daily off`.
    TurnOff {
        by: Actor,
        may_manage: bool,
        who: String,
        at: DateTime<Utc>,
    },
    /// The scheduler's tick: post the day that is due at `now`, if any.
    Post {
        now: DateTime<Utc>,
        candidates: Vec<Candidate>,
    },
}

/// Decide a daily command. `Post` with nothing due appends nothing (an empty list, not
/// a refusal): the scheduler asks on every tick.
pub fn decide_daily(state: &Daily, command: DailyCommand) -> Result<Vec<Event>, DailyRefused> {
    match command {
        DailyCommand::Set {
            channel,
            local_time,
            time_zone,
            difficulty,
            topics,
            by,
            may_manage,
            who,
            at,
        } => {
            if !may_manage {
                return Err(DailyRefused::NotAllowed { who });
            }
            let zone = parse_zone(&time_zone)?;
            Ok(vec![Event::DailyScheduled(DailyScheduled {
                channel,
                local_time,
                time_zone: zone.name().to_string(),
                difficulty,
                topics,
                by,
                at,
            })])
        }
        DailyCommand::TurnOff {
            by,
            may_manage,
            who,
            at,
        } => {
            if !may_manage {
                return Err(DailyRefused::NotAllowed { who });
            }
            if state.schedule.is_none() {
                return Err(DailyRefused::NotScheduled);
            }
            Ok(vec![Event::DailyTurnedOff(DailyTurnedOff { by, at })])
        }
        DailyCommand::Post { now, candidates } => post(state, now, &candidates),
    }
}

fn post(
    state: &Daily,
    now: DateTime<Utc>,
    candidates: &[Candidate],
) -> Result<Vec<Event>, DailyRefused> {
    let Some(schedule) = &state.schedule else {
        return Ok(vec![]);
    };
    let Some((day, due_at)) = due(schedule, state.last_day, now) else {
        return Ok(vec![]);
    };
    let problem =
        choose(schedule, &state.recent, day, candidates).ok_or(DailyRefused::NoProblem)?;
    Ok(vec![Event::DailyPosted(DailyPosted {
        day,
        problem,
        channel: schedule.channel.clone(),
        due_at,
        at: now,
    })])
}

/// An IANA time-zone name, case-insensitively (`europe/berlin` is `Europe/Berlin`).
pub fn parse_zone(name: &str) -> Result<Tz, DailyRefused> {
    Tz::from_str_insensitive(name.trim())
        .map_err(|_| DailyRefused::UnknownTimeZone(name.trim().to_string()))
}

/// The instant `time` happens on `day` in `zone`. When the clocks go forward over it
/// (02:30 on the March change in Berlin) it is the first instant after the gap; when
/// they go back and it happens twice, the first of the two.
pub fn occurrence(day: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let mut local = day.and_time(time);
    // No zone skips more than a day's worth of minutes; 26 hours is a safe bound.
    for _ in 0..(26 * 60) {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    // Unreachable for real zones: fall back to reading the local time as UTC.
    day.and_time(time).and_utc()
}

/// The local day whose post is due at `now` and when it was due: today's once its time
/// has come, else yesterday's; never a day already posted, nor one whose time came
/// before the schedule was set. A day missed while the service was down is thus posted
/// late once (and only the latest such day).
pub fn due(
    schedule: &DailyScheduled,
    last_day: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let zone = parse_zone(&schedule.time_zone).ok()?;
    let today = now.with_timezone(&zone).date_naive();
    let at_today = occurrence(today, schedule.local_time, zone);
    let (day, due_at) = if at_today <= now {
        (today, at_today)
    } else {
        let yesterday = today.pred_opt()?;
        (yesterday, occurrence(yesterday, schedule.local_time, zone))
    };
    let fresh = last_day.is_none_or(|last| day > last);
    (fresh && due_at >= schedule.at).then_some((day, due_at))
}

/// The next instant a post is due after `now` (for `/daily` and the status line).
pub fn next_post(schedule: &DailyScheduled, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let zone = parse_zone(&schedule.time_zone).ok()?;
    let today = now.with_timezone(&zone).date_naive();
    let at_today = occurrence(today, schedule.local_time, zone);
    if at_today > now {
        return Some(at_today);
    }
    Some(occurrence(today.succ_opt()?, schedule.local_time, zone))
}

/// The problem of `day`: among the candidates that match the schedule's difficulty and
/// topics, starting at a place that moves with the day, the first not posted recently,
/// else the one posted longest ago.
fn choose(
    schedule: &DailyScheduled,
    recent: &VecDeque<String>,
    day: NaiveDate,
    candidates: &[Candidate],
) -> Option<Problem> {
    let fits: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| schedule.difficulty.is_none_or(|d| d == c.difficulty))
        .filter(|c| {
            schedule.topics.is_empty()
                || schedule
                    .topics
                    .iter()
                    .any(|t| c.topics.iter().any(|ct| ct.eq_ignore_ascii_case(t)))
        })
        .collect();
    if fits.is_empty() {
        return None;
    }
    let n = fits.len();
    let start = day.num_days_from_ce().unsigned_abs() as usize % n;
    let order = (0..n).map(|i| fits[(start + i) % n]);
    let id = |c: &Candidate| match &c.problem {
        Problem::Bank { id, .. } => id.clone(),
        Problem::Custom { title, .. } => title.clone(),
    };
    let last_seen = |c: &Candidate| recent.iter().rposition(|r| *r == id(c));
    order
        .clone()
        .find(|c| last_seen(c).is_none())
        .or_else(|| order.min_by_key(|c| last_seen(c)))
        .map(|c| c.problem.clone())
}

#[cfg(test)]
mod tests;
