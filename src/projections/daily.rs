//! The daily problem's read model (issue 16): per community its schedule and posts, and
//! per member the local days they solved the day's problem, from which streaks come.
//! A member has solved a day when a `TestsRun` of a submission in their own interview
//! on that day's problem passed every hidden test, at a time that falls on that day in
//! the community's time zone. Streaks count consecutive *posted* days: a day with no
//! post (the daily was off) neither breaks nor extends one, and today's post, not yet
//! solved, does not break it until the day is over.
//!
//! Folded from the whole log in commit order and kept in memory per process with its
//! checkpoint ([`DailyView`]), caught up on every read: it rebuilds from the log by
//! construction and never writes. It must never decide anything (the scheduler decides
//! on the stream through `domain::decide_daily`); its answers only say where to look.

use crate::domain::decide::daily::parse_zone;
use crate::domain::{
    Actor, DailyPosted, DailyScheduled, Event, Place, Problem, StreamId, daily_community,
};
use crate::ports::{EventStore, Position, RecordedEvent, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Events read per page while catching up.
const PAGE: u32 = 1000;

/// One member's streak in one community.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    /// Consecutive posted days solved, up to the latest (today's counts once solved).
    pub current: u32,
    /// The longest such run ever.
    pub longest: u32,
    /// Whether the latest posted day up to today is solved.
    pub solved_today: bool,
    /// Posted days solved in all.
    pub solved: u32,
}

/// Streaks over `posted` (the community's posted days) given the days `solved`, as of
/// the local date `today`. Pure.
pub fn streak(
    posted: &BTreeSet<NaiveDate>,
    solved: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> Streak {
    let mut longest = 0;
    let mut run = 0;
    for day in posted.iter().filter(|d| **d <= today) {
        if solved.contains(day) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let mut past = posted.iter().rev().filter(|d| **d <= today).peekable();
    let latest = past.peek().copied();
    let solved_today = match latest {
        Some(latest) if *latest == today => {
            let done = solved.contains(latest);
            if !done {
                past.next(); // still open: it does not break the streak yet
            }
            done
        }
        _ => false,
    };
    let current = past.take_while(|d| solved.contains(*d)).count() as u32;
    Streak {
        current,
        longest,
        solved_today,
        solved: posted.intersection(solved).count() as u32,
    }
}

/// A community's daily problem as the log tells it.
#[derive(Debug, Clone, Default)]
pub struct Community {
    /// The daily stream (`daily:<platform>:<community>`).
    pub stream: Option<StreamId>,
    pub schedule: Option<DailyScheduled>,
    /// Every post, by local day.
    pub posts: BTreeMap<NaiveDate, DailyPosted>,
    /// The latest post as recorded (what the outbox delivers).
    pub last_post: Option<RecordedEvent>,
    /// Per member id: the member (latest name) and the posted days they solved.
    pub solvers: BTreeMap<String, (Actor, BTreeSet<NaiveDate>)>,
}

impl Community {
    /// The local date at `now` in the community's time zone (UTC when none is set).
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        match self
            .schedule
            .as_ref()
            .and_then(|s| parse_zone(&s.time_zone).ok())
        {
            Some(zone) => now.with_timezone(&zone).date_naive(),
            None => now.date_naive(),
        }
    }

    /// The member's streak as of `now`.
    pub fn streak_of(&self, member_id: &str, now: DateTime<Utc>) -> Streak {
        let posted: BTreeSet<NaiveDate> = self.posts.keys().copied().collect();
        let empty = BTreeSet::new();
        let solved = self.solvers.get(member_id).map_or(&empty, |(_, days)| days);
        streak(&posted, solved, self.today(now))
    }

    /// Every member who solved a day, with their streak, best current streak first
    /// (then longest, then name).
    pub fn standings(&self, now: DateTime<Utc>) -> Vec<(Actor, Streak)> {
        let mut rows: Vec<(Actor, Streak)> = self
            .solvers
            .iter()
            .map(|(id, (actor, _))| (actor.clone(), self.streak_of(id, now)))
            .collect();
        rows.sort_by(|a, b| {
            (b.1.current, b.1.longest)
                .cmp(&(a.1.current, a.1.longest))
                .then_with(|| a.0.name.cmp(&b.0.name))
        });
        rows
    }

    /// The post of the community's local `today` at `now`, if it is out.
    pub fn todays(&self, now: DateTime<Utc>) -> Option<&DailyPosted> {
        self.posts.get(&self.today(now))
    }
}

/// What an interview contributes: its community, problem and candidate.
#[derive(Debug, Clone)]
struct Attempt {
    community: String,
    problem_id: String,
    candidate: Actor,
    started: DateTime<Utc>,
}

/// The fold: communities by key (`discord:<guild>`, `slack:<team>`, as `Place::server`).
#[derive(Debug, Clone, Default)]
pub struct DailyBoard {
    communities: HashMap<String, Community>,
    attempts: HashMap<StreamId, Attempt>,
}

impl DailyBoard {
    pub fn apply(&mut self, recorded: &RecordedEvent) {
        if let Some((platform, id)) = daily_community(&recorded.stream_id) {
            let community = self
                .communities
                .entry(format!("{}:{id}", platform.as_str()))
                .or_default();
            community.stream = Some(recorded.stream_id.clone());
            match &recorded.event {
                Event::DailyScheduled(e) => community.schedule = Some(e.clone()),
                Event::DailyTurnedOff(_) => community.schedule = None,
                Event::DailyPosted(e) => {
                    community.posts.insert(e.day, e.clone());
                    community.last_post = Some(recorded.clone());
                }
                _ => {}
            }
            return;
        }
        match &recorded.event {
            Event::InterviewStarted(s) => {
                let (Problem::Bank { id, .. }, false) =
                    (&s.problem, matches!(s.place, Place::Web { .. }))
                else {
                    return;
                };
                self.attempts.insert(
                    recorded.stream_id.clone(),
                    Attempt {
                        community: s.place.server(),
                        problem_id: id.clone(),
                        candidate: s.candidate.clone(),
                        started: s.at,
                    },
                );
            }
            Event::TestsRun(run) => {
                let all_hidden_passed = run.submission().is_some()
                    && run.tests.total() > 0
                    && run.tests.passed() == run.tests.total();
                if !all_hidden_passed {
                    return;
                }
                let Some(attempt) = self.attempts.get(&recorded.stream_id) else {
                    return;
                };
                let Some(community) = self.communities.get_mut(&attempt.community) else {
                    return;
                };
                let day = community.today(run.at);
                if community.posts.get(&day).map(DailyPosted::problem_id)
                    != Some(attempt.problem_id.as_str())
                {
                    return;
                }
                let entry = community
                    .solvers
                    .entry(attempt.candidate.member_id())
                    .or_insert_with(|| (attempt.candidate.clone(), BTreeSet::new()));
                entry.0 = attempt.candidate.clone();
                entry.1.insert(day);
            }
            _ => {}
        }
    }

    /// The community `key` (`discord:<guild>`, `slack:<team>`).
    pub fn community(&self, key: &str) -> Option<&Community> {
        self.communities.get(key)
    }

    /// The day whose daily problem the interview `stream` is on: its problem is the
    /// post of the community's local day it started on.
    pub fn daily_day(&self, stream: &StreamId) -> Option<NaiveDate> {
        let attempt = self.attempts.get(stream)?;
        let community = self.communities.get(&attempt.community)?;
        let day = community.today(attempt.started);
        let post = community.posts.get(&day)?;
        (post.problem_id() == attempt.problem_id).then_some(day)
    }

    /// Every community where `member_id` solved a day, with their streak at `now`.
    pub fn member_streaks(&self, member_id: &str, now: DateTime<Utc>) -> Vec<(String, Streak)> {
        let mut out: Vec<(String, Streak)> = self
            .communities
            .iter()
            .filter(|(_, c)| c.solvers.contains_key(member_id))
            .map(|(key, c)| (key.clone(), c.streak_of(member_id, now)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Every community with a daily stream.
    pub fn communities(&self) -> impl Iterator<Item = (&String, &Community)> {
        self.communities.iter()
    }
}

/// The board kept in memory with its checkpoint; every read first folds what the log
/// gained since.
#[derive(Default)]
pub struct DailyView {
    state: tokio::sync::Mutex<(Position, DailyBoard)>,
}

impl DailyView {
    /// Fold the log up to its head, then answer with the board.
    pub async fn read<T>(
        &self,
        store: &dyn EventStore,
        answer: impl FnOnce(&DailyBoard) -> T,
    ) -> Result<T, StoreError> {
        let mut state = self.state.lock().await;
        loop {
            let page = store.read_all(state.0, PAGE).await?;
            let Some(last) = page.last() else { break };
            state.0 = last.position;
            let full = page.len() == PAGE as usize;
            for recorded in &page {
                state.1.apply(recorded);
            }
            if !full {
                break;
            }
        }
        Ok(answer(&state.1))
    }
}

#[cfg(test)]
mod tests;
