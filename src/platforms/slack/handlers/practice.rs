//! The practice slash commands on Slack: `/stats`, `/leaderboard`, `/export` and
//! `/privacy`. Thin: parse (`slack::practice`), call the shared logic, answer
//! privately. Slash commands never run inside Slack threads, so `/export` without an id
//! takes the member's latest interview in the channel and shares the file in that
//! interview's thread. Answers are ephemeral and never ping anyone; reads go through the
//! query door and writes (joining a board, forgetting) through the engine.

use super::{Handler, ReplyTo};
use crate::domain::OptIn;
use crate::domain::{Actor, Place, Platform};
use crate::platforms::slack::inbound::SlashCommand;
use crate::platforms::slack::practice::{self, BoardCommand};
use crate::practice::member_export::ExportTarget;
use crate::practice::{leaderboard, privacy, stats};
use crate::queries::QueryError;

fn member(user_id: &str) -> String {
    Actor::new(Platform::Slack, user_id, "").member_id()
}

fn mention(member_id: &str) -> String {
    match member_id.strip_prefix("slack:") {
        Some(id) => format!("<@{id}>"),
        None => member_id.to_string(),
    }
}

impl Handler {
    /// Routes a practice command; false when `c` is not one (it is `/interview`).
    pub(super) async fn practice(&self, c: &SlashCommand) -> bool {
        let to = ReplyTo {
            channel: &c.channel,
            user: &c.user.id,
            thread_ts: None,
        };
        let server = format!("slack:{}", c.team);
        let done = match c.command.trim_start_matches('/') {
            "stats" => self.stats(c, &server, &to).await,
            "leaderboard" => self.leaderboard(c, &server, &to).await,
            "export" => self.export(c, &server, &to).await,
            "privacy" => self.privacy(c, &to).await,
            "duel" => self.duel(c, &server, &to).await, // issue 16: duel
            _ => return false,
        };
        if let Err(e) = done {
            tracing::error!(error = %e, command = %c.command, "Slack practice command failed");
            self.tell(
                &to,
                "Something went wrong on my side; please try again in a moment.",
            )
            .await;
        }
        true
    }

    async fn stats(
        &self,
        c: &SlashCommand,
        server: &str,
        to: &ReplyTo<'_>,
    ) -> Result<(), QueryError> {
        let whom = match practice::parse_stats(&c.text) {
            Ok(whom) => whom,
            Err(usage) => {
                self.tell(to, &usage).await;
                return Ok(());
            }
        };
        let user_id = whom.clone().unwrap_or_else(|| c.user.id.clone());
        let stats = self
            .queries
            .member_stats(&member(&user_id), Some(server), &self.problems)
            .await?;
        // issue 16: peer (a member's notes about the interviewer are for the interviewer alone)
        let own = user_id == c.user.id;
        let as_interviewer = self
            .queries
            .interviewer_stats(&member(&user_id), Some(server), own)
            .await?;
        if stats.is_empty() && as_interviewer.is_empty() {
            let text = match whom {
                Some(id) if id != c.user.id => {
                    format!("<@{id}> has no interviews in this workspace yet.")
                }
                _ => "You have no interviews in this workspace yet. Start one with `/interview start`.".to_string(),
            };
            self.tell(to, &text).await;
            return Ok(());
        }
        let next = stats::suggest(&stats, &self.problems, |n| rand::random_range(0..n));
        let mut lines = if stats.is_empty() {
            Vec::new()
        } else {
            stats::report_lines(&stats, next.as_ref())
        };
        lines.extend(crate::practice::interviewer_stats::report_line(
            &as_interviewer,
        ));
        // issue 16: daily
        let streak = self
            .queries
            .streak(server, &member(&user_id), self.engine.now())
            .await?;
        if streak.solved > 0 {
            let line = crate::platforms::daily_text::streak_line("Current", &streak);
            lines.push(("Daily problem".to_string(), line));
        }
        // issue 16: duel
        let rating = self.queries.duel_rating(server, &member(&user_id)).await?;
        lines.push((
            "Duel rating".to_string(),
            crate::practice::duel::stats_line(rating.as_ref()),
        ));
        let name = self.api.user_name(&user_id).await.unwrap_or(user_id);
        let rendered = practice::report(&format!("Practice stats · {name}"), &lines);
        if let Err(e) = self
            .api
            .post_ephemeral_rendered(to.channel, to.user, &rendered)
            .await
        {
            tracing::warn!(error = %e, "could not post stats on Slack");
        }
        Ok(())
    }

    async fn leaderboard(
        &self,
        c: &SlashCommand,
        server: &str,
        to: &ReplyTo<'_>,
    ) -> Result<(), QueryError> {
        let request = match practice::parse_leaderboard(&c.text) {
            Err(usage) => {
                self.tell(to, &usage).await;
                return Ok(());
            }
            Ok(BoardCommand::Show) => {
                let standings = self.queries.leaderboard(server).await?;
                let text = if standings.is_empty() {
                    "No one has joined this workspace's leaderboard yet: `/leaderboard join` puts you on it.".to_string()
                } else {
                    leaderboard::report_lines(&standings, mention).join("\n")
                };
                let rendered = practice::report(
                    "Leaderboard",
                    &[(
                        "Members who joined, by their recent scores".to_string(),
                        text,
                    )],
                );
                if let Err(e) = self
                    .api
                    .post_ephemeral_rendered(to.channel, to.user, &rendered)
                    .await
                {
                    tracing::warn!(error = %e, "could not post the leaderboard on Slack");
                }
                return Ok(());
            }
            Ok(BoardCommand::Join) => OptIn::Join,
            Ok(BoardCommand::Leave) => OptIn::Leave,
        };
        let outcome = self
            .engine
            .set_leaderboard_opt_in(server, &member(&c.user.id), request)
            .await?;
        self.tell(to, outcome.message()).await;
        Ok(())
    }

    async fn export(
        &self,
        c: &SlashCommand,
        server: &str,
        to: &ReplyTo<'_>,
    ) -> Result<(), QueryError> {
        let target = match practice::parse_export(&c.text) {
            Some(id) => ExportTarget::Id(id),
            None => ExportTarget::Latest {
                place: format!("slack:{}/{}", c.team, c.channel),
            },
        };
        let file = self
            .queries
            .export(&self.problems, &target, &member(&c.user.id), server)
            .await?;
        let file = match file {
            Ok(file) => file,
            Err(refusal) => {
                self.tell(to, &refusal.to_string()).await;
                return Ok(());
            }
        };
        let Place::Slack {
            channel, thread_ts, ..
        } = &file.place
        else {
            return Ok(());
        };
        let comment = format!("Transcript of *{}*, exported by its candidate.", file.title);
        match self
            .api
            .upload_text(
                channel,
                Some(thread_ts),
                &file.filename,
                &file.title,
                &file.markdown,
                &comment,
            )
            .await
        {
            Ok(()) => {
                self.tell(to, "The transcript is in the interview's thread.")
                    .await
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not upload a transcript to Slack");
                self.tell(to, "I could not upload the transcript; please try again.")
                    .await;
            }
        }
        Ok(())
    }

    async fn privacy(&self, c: &SlashCommand, to: &ReplyTo<'_>) -> Result<(), QueryError> {
        match practice::parse_privacy(&c.text) {
            Err(usage) => self.tell(to, &usage).await,
            Ok(false) => {
                self.tell(to, "Nothing was erased. To erase your messages and code from every interview, run `/privacy forget confirm`.").await
            }
            Ok(true) => {
                let report =
                    self.engine.forget_member(&member(&c.user.id)).await?;
                self.tell(to, &privacy::forget_message(&report)).await;
            }
        }
        Ok(())
    }
}
