//! The daily problem on Discord (issue 16): `/daily today|set|off`, `/streak [member]`
//! and `/leaderboard streaks`. Thin: read the options, ask the engine
//! (`Engine::execute_daily`) or the query door, answer. Who may set or stop the daily is
//! Discord's answer (the member's Manage Server permission in the interaction); the
//! domain refuses everyone else, privately, and nothing is appended. The day's post and
//! its Solve button are in `daily_post.rs`.
//!
//! It must never decide when a post is due or post one: the scheduler and the outbox do.
//! A command's `///` line is its Discord description: keep each within 100 characters.

use super::ids::{actor_of, invocation_id};
use super::{Context, Error};
use crate::domain::{DailyCommand, Platform, daily_stream};
use crate::engine::daily::DailyError;
use crate::platforms::daily_text as text;
use poise::serenity_prelude as serenity;

/// Who may set or stop the daily problem on Discord, as a refusal names them.
pub const WHO_MAY: &str = "members with the Manage Server permission";

fn community(guild: serenity::GuildId) -> String {
    format!("discord:{guild}")
}

async fn say_privately(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// The guild of an invocation handled for the first time; `None`: do nothing.
fn admit(ctx: Context<'_>) -> Option<serenity::GuildId> {
    let guild = ctx.guild_id()?;
    ctx.data()
        .seen
        .first_time(invocation_id(ctx))
        .then_some(guild)
}

/// Whether the member may manage the server, as Discord resolved it in the interaction.
fn may_manage(ctx: Context<'_>) -> bool {
    match ctx {
        poise::Context::Application(a) => a
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.manage_guild() || p.administrator()),
        poise::Context::Prefix(_) => false,
    }
}

/// A daily problem posted every day at your server's local time, with streaks
#[poise::command(
    slash_command,
    guild_only,
    subcommands("today", "set", "off"),
    subcommand_required
)]
pub async fn daily(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn autocomplete_zone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = text::time_zone_choices(partial)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Post a daily problem in a channel at a local time (Manage Server only)
#[poise::command(slash_command, guild_only)]
pub async fn set(
    ctx: Context<'_>,
    #[description = "Local time of the post, 24-hour HH:MM (e.g. 09:00)"]
    #[max_length = 5]
    time: String,
    #[description = "Time zone, an IANA name (e.g. Europe/Berlin)"]
    #[autocomplete = "autocomplete_zone"]
    #[max_length = 64]
    zone: String,
    #[description = "Channel to post in (this one when empty)"] channel: Option<
        serenity::ChannelId,
    >,
    #[description = "Difficulty of the problems (any when empty)"] difficulty: Option<
        super::start::DifficultyChoice,
    >,
    #[description = "Topics, comma-separated (e.g. arrays, graphs)"]
    #[max_length = 200]
    topics: Option<String>,
) -> Result<(), Error> {
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    let Some(local_time) = text::local_time(&time) else {
        return say_privately(ctx, text::BAD_LOCAL_TIME.replace("{}", time.trim())).await;
    };
    let channel = channel.unwrap_or(ctx.channel_id());
    let data = ctx.data();
    let command = DailyCommand::Set {
        channel: channel.to_string(),
        local_time,
        time_zone: zone,
        difficulty: difficulty.map(Into::into),
        topics: text::topic_list(topics.as_deref().unwrap_or("")),
        by: actor_of(ctx.author()),
        may_manage: may_manage(ctx),
        who: WHO_MAY.to_string(),
        at: data.engine.now(),
    };
    let key = format!("daily-set:{}", invocation_id(ctx));
    let stream = daily_stream(Platform::Discord, &guild.to_string());
    match data
        .engine
        .execute_daily(&stream, command, Some(&key))
        .await
    {
        Ok(done) => {
            let Some(schedule) = done.state.schedule else {
                return say_privately(ctx, "The daily problem is off.").await;
            };
            let next = crate::domain::next_daily_post(&schedule, data.engine.now());
            say_privately(
                ctx,
                text::daily_set_line(&schedule, &format!("<#{channel}>"), next),
            )
            .await
        }
        Err(DailyError::Refused(why)) => say_privately(ctx, why.to_string()).await,
        Err(e) => Err(e.into()),
    }
}

/// Stop posting the daily problem (Manage Server only)
#[poise::command(slash_command, guild_only)]
pub async fn off(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    let data = ctx.data();
    let command = DailyCommand::TurnOff {
        by: actor_of(ctx.author()),
        may_manage: may_manage(ctx),
        who: WHO_MAY.to_string(),
        at: data.engine.now(),
    };
    let key = format!("daily-off:{}", invocation_id(ctx));
    let stream = daily_stream(Platform::Discord, &guild.to_string());
    match data
        .engine
        .execute_daily(&stream, command, Some(&key))
        .await
    {
        Ok(_) => say_privately(ctx, "The daily problem is off; streaks are kept.").await,
        Err(DailyError::Refused(why)) => say_privately(ctx, why.to_string()).await,
        Err(e) => Err(e.into()),
    }
}

/// Show today's problem, when the next one comes, and your streak
#[poise::command(slash_command, guild_only)]
pub async fn today(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    let data = ctx.data();
    let now = data.engine.now();
    let status = data.queries.daily_status(&community(guild), now).await?;
    let me = actor_of(ctx.author()).member_id();
    let streak = data.queries.streak(&community(guild), &me, now).await?;
    let mut lines = vec![text::daily_status_line(&status, |c| format!("<#{c}>"))];
    lines.push(text::streak_line("Your", &streak));
    say_privately(ctx, lines.join("\n")).await
}

/// Your daily-problem streak on this server (or a member's)
#[poise::command(slash_command, guild_only)]
pub async fn streak(
    ctx: Context<'_>,
    #[description = "Whose streak (yours when empty)"] member: Option<serenity::User>,
) -> Result<(), Error> {
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    let data = ctx.data();
    let user = member.as_ref().unwrap_or(ctx.author());
    let who = actor_of(user);
    let now = data.engine.now();
    let streak = data
        .queries
        .streak(&community(guild), &who.member_id(), now)
        .await?;
    let owner = if user.id == ctx.author().id {
        "Your".to_string()
    } else {
        format!("{}'s", who.name)
    };
    say_privately(ctx, text::streak_line(&owner, &streak)).await
}

/// Rank this leaderboard's members by their daily-problem streak
#[poise::command(slash_command, guild_only)]
pub async fn streaks(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admit(ctx) else {
        return Ok(());
    };
    let data = ctx.data();
    let joined = data.queries.leaderboard(&community(guild)).await?;
    let standings = data
        .queries
        .streak_standings(&community(guild), data.engine.now())
        .await?;
    let lines = text::streak_board(&standings, &joined, |member_id| {
        match member_id.strip_prefix("discord:") {
            Some(id) => format!("<@{id}>"),
            None => member_id.to_string(),
        }
    });
    ctx.send(
        poise::CreateReply::default()
            .content(lines.join("\n"))
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}
