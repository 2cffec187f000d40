//! `/interview start`: choose the problem, refuse what the rules refuse before posting
//! anything, post the root message, then record the interview under the thread it made.

use super::{Handler, ReplyTo, capitalise};
use crate::domain::{self, Actor, Interview, Mode, Place, Platform, Problem, StartInterview};
use crate::platforms::slack::api::ApiFailure;
use crate::platforms::slack::blocks::{self, RootInfo};
use crate::platforms::slack::inbound::SlashCommand;
use crate::platforms::slack::start::{self, StartArgs};
use crate::problems::BankProblem;

/// How many recent slash-command trigger ids are remembered against redelivery.
pub(super) const RECENT_COMMANDS: usize = 512;

impl Handler {
    pub(super) fn first_delivery(&self, trigger_id: &str) -> bool {
        let mut recent = self
            .recent_commands
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if recent.iter().any(|t| t == trigger_id) {
            return false;
        }
        if recent.len() >= RECENT_COMMANDS {
            recent.pop_front();
        }
        recent.push_back(trigger_id.to_string());
        true
    }

    pub(super) async fn command(&self, c: SlashCommand) {
        // issue 16: daily (before practice: `/leaderboard streaks` is the daily's)
        if !self.first_delivery(&c.trigger_id) || self.daily(&c).await || self.practice(&c).await {
            return;
        }
        let to = ReplyTo {
            channel: &c.channel,
            user: &c.user.id,
            thread_ts: None,
        };
        let (args, problem) = match self.choose(&c).await {
            Ok(found) => found,
            Err(message) => return self.tell(&to, &message).await,
        };
        let name = self.user_name(&c).await;
        let command = self.start_command(&c, name, &args, &problem);
        // issue 16: peer. The interviewer named by a mention, looked up before posting.
        let interviewer = match &args.interviewer {
            Some(id) => Some(self.peer_interviewer(id).await),
            None => None,
        };
        // Refuse before posting anything (e.g. a time limit out of range).
        let probe = super::peer::start(command.clone(), interviewer.clone());
        if let Err(e) = self.engine.check(&Interview::default(), probe) {
            return self.tell(&to, &capitalise(&e.to_string())).await;
        }
        let Some(thread_ts) = self
            .post_root(&c.channel, &c.user.id, &problem, &command, &to)
            .await
        else {
            return;
        };
        self.record(&c, command, thread_ts, &to, interviewer).await;
    }

    /// The arguments of the command and the bank problem they choose, preferring one
    /// the member has not done; `Err` is the message to show.
    async fn choose(&self, c: &SlashCommand) -> Result<(StartArgs, BankProblem), String> {
        let member = Actor::new(Platform::Slack, &c.user.id, "").member_id();
        let done = match self.queries.problems_done(&member).await {
            Ok(done) => done,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the problems a member has done");
                Default::default()
            }
        };
        start::parse(&c.text)
            .and_then(|a| start::choose(&self.problems, &a, &done).map(|p| (a, p.clone())))
    }

    /// The member's name. Socket Mode's slash commands carry none: ask Slack for it.
    async fn user_name(&self, c: &SlashCommand) -> String {
        if c.user.name == c.user.id {
            self.api
                .user_name(&c.user.id)
                .await
                .unwrap_or(c.user.id.clone())
        } else {
            c.user.name.clone()
        }
    }

    /// The interview to start, its thread not yet known.
    fn start_command(
        &self,
        c: &SlashCommand,
        name: String,
        args: &StartArgs,
        problem: &BankProblem,
    ) -> StartInterview {
        StartInterview {
            interview_id: uuid::Uuid::new_v4(),
            place: place(c, String::new()),
            candidate: Actor::new(Platform::Slack, &c.user.id, name),
            problem: Problem::Bank {
                id: problem.id.clone(),
                version: problem.version,
                title: problem.title.clone(),
            },
            language: args.language.clone(),
            difficulty: args
                .difficulty
                .or(domain::Difficulty::parse(&problem.difficulty)),
            time_limit_minutes: Some(args.minutes.unwrap_or(start::DEFAULT_MINUTES)),
            mode: if args.group { Mode::Group } else { Mode::Solo },
            coach: self.coach.clone(),
            at: self.engine.now(),
        }
    }

    /// Posts the problem as the root message of the interview's thread; its ts, or
    /// `None` when Slack refused (the member has been told).
    pub(super) async fn post_root(
        &self,
        channel: &str,
        candidate_id: &str,
        problem: &BankProblem,
        command: &StartInterview,
        to: &ReplyTo<'_>,
    ) -> Option<String> {
        let minutes = command.time_limit_minutes.unwrap_or(start::DEFAULT_MINUTES);
        let statement = problem.full_statement();
        let root = blocks::root_message(&RootInfo {
            title: &problem.title,
            statement: &statement,
            candidate_id,
            difficulty: command.difficulty.map(|d| d.as_str()),
            language: command.language.as_deref(),
            deadline: Some(command.at + chrono::Duration::minutes(i64::from(minutes))),
        });
        let mut told_busy = false;
        for attempt in 1..=ROOT_TRIES {
            let e = match self.api.post(channel, None, &root, None).await {
                Ok(ts) => return Some(ts),
                Err(e) => e,
            };
            tracing::warn!(error = %e, attempt, "could not post an interview's root message");
            if e.permanent || attempt == ROOT_TRIES {
                self.tell(to, &root_failure(&e)).await;
                return None;
            }
            if !told_busy {
                let busy = if e.rate_limited() {
                    "Slack is busy, retrying...".to_string()
                } else if e.timed_out {
                    format!("{}, retrying...", e.message)
                } else {
                    "Slack did not answer properly, retrying...".to_string()
                };
                self.tell(to, &busy).await;
                told_busy = true;
            }
            let backoff = std::time::Duration::from_secs(1 << (attempt - 1));
            tokio::time::sleep(e.retry_after.unwrap_or(backoff).min(MAX_ROOT_WAIT)).await;
        }
        None
    }

    /// Records the interview under the thread of its root message, keyed by the
    /// trigger id.
    async fn record(
        &self,
        c: &SlashCommand,
        mut command: StartInterview,
        thread_ts: String,
        to: &ReplyTo<'_>,
        interviewer: Option<(Actor, bool)>,
    ) {
        command.place = place(c, thread_ts);
        let place = command.place.clone();
        let key = format!("slack:command:{}", c.trigger_id);
        let peer = interviewer.is_some();
        let started = self
            .run(
                &place,
                super::peer::start(command, interviewer),
                &key,
                to,
                |_| false,
            )
            .await;
        if started && peer {
            self.peer_announce(&place).await;
        }
    }
}

/// Tries at posting an interview's root message when Slack is busy or failing.
const ROOT_TRIES: u32 = 4;
/// The longest wait between two tries (a longer `Retry-After` is cut to this).
const MAX_ROOT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// What the member is told when the root message could not be posted: the real cause.
fn root_failure(e: &ApiFailure) -> String {
    if e.not_in_channel() {
        return "I could not post in this channel: invite me with `/invite @interview-coach` and try again.".to_string();
    }
    if e.rate_limited() {
        return "Slack is busy right now (rate limited) and I could not post the interview. Try `/interview start` again in a minute.".to_string();
    }
    if e.timed_out {
        return format!(
            "{}, so no interview was started. Try `/interview start` again in a minute.",
            e.message
        );
    }
    match e.code.as_deref() {
        Some("is_archived") => "This channel is archived: start the interview in another one.".to_string(),
        Some(code) if e.permanent => format!(
            "Slack refused the interview's message (`{code}`), so no interview was started."
        ),
        _ => "Slack did not answer properly, so no interview was started. Try `/interview start` again in a minute.".to_string(),
    }
}

/// The thread `thread_ts` of the command's channel.
fn place(c: &SlashCommand, thread_ts: String) -> Place {
    Place::Slack {
        team: c.team.clone(),
        channel: c.channel.clone(),
        thread_ts,
    }
}
