//! The daily problem's Slack commands and Solve button (issue 16): `/daily [set|off]`,
//! `/streak [@member]`, `/leaderboard streaks`, and a press on a day's Solve. Thin:
//! parse (`slack::daily`), ask Slack who may manage (a workspace admin or owner, or the
//! channel's creator), write through `Engine::execute_daily`, read through the query
//! door, answer privately. A refusal appends nothing. Solve starts the member's own
//! interview on the day's problem through the `/interview start` flow, keyed by the
//! press.
//!
//! It must never decide when a day is due or post a day: the scheduler and the outbox do.

use super::{Handler, ReplyTo};
use crate::domain::{Actor, DailyCommand, Platform, daily_stream};
use crate::engine::daily::DailyError;
use crate::platforms::daily_text;
use crate::platforms::slack::daily::{self, DailyRequest, SolvePress};
use crate::platforms::slack::inbound::{SlackUser, SlashCommand};

/// Who may set or stop the daily problem on Slack, as a refusal names them.
pub const WHO_MAY: &str = "workspace admins and the channel's creator";

fn member(user_id: &str) -> String {
    Actor::new(Platform::Slack, user_id, "").member_id()
}

impl Handler {
    /// Routes a daily command; false when `c` is not one.
    pub(super) async fn daily(&self, c: &SlashCommand) -> bool {
        let to = ReplyTo {
            channel: &c.channel,
            user: &c.user.id,
            thread_ts: None,
        };
        let community = format!("slack:{}", c.team);
        let text = match c.command.trim_start_matches('/') {
            "daily" => self.daily_command(c, &community).await,
            "streak" => self.streak_command(c, &community).await,
            "leaderboard" if c.text.trim().eq_ignore_ascii_case("streaks") => {
                self.streak_board(&community).await
            }
            _ => return false,
        };
        let text = text.unwrap_or_else(|e| {
            tracing::error!(error = %e, command = %c.command, "Slack daily command failed");
            "Something went wrong on my side; please try again in a moment.".to_string()
        });
        self.tell(&to, &text).await;
        true
    }

    async fn daily_command(&self, c: &SlashCommand, community: &str) -> Result<String, DailyError> {
        let request = match daily::parse_daily(&c.text) {
            Ok(request) => request,
            Err(usage) => return Ok(usage),
        };
        let now = self.engine.now();
        let by = Actor::new(Platform::Slack, &c.user.id, &c.user.name);
        let command = match request {
            DailyRequest::Show => {
                let status = self.queries.daily_status(community, now).await?;
                let streak = self
                    .queries
                    .streak(community, &member(&c.user.id), now)
                    .await?;
                // Slack's bold is one asterisk.
                return Ok(format!(
                    "{}\n{}",
                    daily_text::daily_status_line(&status, |id| format!("<#{id}>")),
                    daily_text::streak_line("Your", &streak)
                )
                .replace("**", "*"));
            }
            DailyRequest::Set {
                time,
                zone,
                channel,
                difficulty,
                topics,
            } => {
                let channel = channel.unwrap_or_else(|| c.channel.clone());
                DailyCommand::Set {
                    may_manage: self.may_manage(&c.user, &channel).await,
                    channel,
                    local_time: time,
                    time_zone: zone,
                    difficulty,
                    topics,
                    by,
                    who: WHO_MAY.to_string(),
                    at: now,
                }
            }
            DailyRequest::Off => DailyCommand::TurnOff {
                may_manage: self.may_manage(&c.user, &c.channel).await,
                by,
                who: WHO_MAY.to_string(),
                at: now,
            },
        };
        let stream = daily_stream(Platform::Slack, &c.team);
        let key = format!("slack:daily:{}:{}", c.team, c.trigger_id);
        match self
            .engine
            .execute_daily(&stream, command, Some(&key))
            .await
        {
            Ok(done) => Ok(match done.state.schedule {
                Some(schedule) => daily_text::daily_set_line(
                    &schedule,
                    &format!("<#{}>", schedule.channel),
                    crate::domain::next_daily_post(&schedule, now),
                ),
                None => "The daily problem is off; streaks are kept.".to_string(),
            }),
            Err(DailyError::Refused(why)) => Ok(why.to_string()),
            Err(e) => Err(e),
        }
    }

    /// Whether Slack says `user` is a workspace admin or owner, or created `channel`.
    async fn may_manage(&self, user: &SlackUser, channel: &str) -> bool {
        match self.api.may_manage(&user.id, channel).await {
            Ok(may) => may,
            Err(e) => {
                tracing::warn!(error = %e, "cannot ask Slack who may manage the daily problem");
                false
            }
        }
    }

    async fn streak_command(
        &self,
        c: &SlashCommand,
        community: &str,
    ) -> Result<String, DailyError> {
        let whom = match daily::parse_streak(&c.text) {
            Ok(whom) => whom,
            Err(usage) => return Ok(usage),
        };
        let user_id = whom.clone().unwrap_or_else(|| c.user.id.clone());
        let streak = self
            .queries
            .streak(community, &member(&user_id), self.engine.now())
            .await?;
        let owner = match whom {
            Some(id) if id != c.user.id => format!("<@{id}>'s"),
            _ => "Your".to_string(),
        };
        Ok(daily_text::streak_line(&owner, &streak))
    }

    async fn streak_board(&self, community: &str) -> Result<String, DailyError> {
        let joined = self.queries.leaderboard(community).await?;
        let standings = self
            .queries
            .streak_standings(community, self.engine.now())
            .await?;
        let lines =
            daily_text::streak_board(&standings, &joined, |id| match id.strip_prefix("slack:") {
                Some(id) => format!("<@{id}>"),
                None => id.to_string(),
            });
        Ok(lines.join("\n").replace("**", "*"))
    }

    /// A press on Solve: the member's own interview on that day's problem, started
    /// like `/interview start <problem>` under a key made of the press.
    pub(super) async fn daily_solve(&self, p: SolvePress) {
        let community = format!("slack:{}", p.team);
        let post = self
            .queries
            .daily_board(|board| {
                let c = board.community(&community)?;
                c.posts
                    .values()
                    .find(|d| d.day.to_string() == p.day)
                    .cloned()
            })
            .await;
        let to = ReplyTo {
            channel: &p.channel,
            user: &p.user_id,
            thread_ts: None,
        };
        let post = match post {
            Ok(Some(post)) => post,
            Ok(None) => {
                return self
                    .tell(
                        &to,
                        "I cannot find that day's problem any more. `/daily` shows today's.",
                    )
                    .await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the daily problem for Slack");
                return self
                    .tell(&to, "Something went wrong on my side; please try again.")
                    .await;
            }
        };
        let start = SlashCommand {
            team: p.team.clone(),
            channel: p.channel.clone(),
            user: SlackUser {
                id: p.user_id.clone(),
                name: p.user_name.clone(),
            },
            command: "/interview".to_string(),
            text: format!("start {}", post.problem_id()),
            trigger_id: format!("daily-solve:{}", p.action_ts),
        };
        self.command(start).await;
    }
}
