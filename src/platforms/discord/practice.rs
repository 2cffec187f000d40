//! The practice commands: `/stats [member]`, `/leaderboard show|join|leave`,
//! `/export [id]` and `/privacy forget confirm`. Each is thin: read the options, call
//! the shared logic (`crate::practice::stats`, `crate::practice::leaderboard`, `crate::practice::member_export`,
//! `crate::practice::privacy`) and render; refusals are private replies and write nothing.
//!
//! A command's `///` line is its Discord description: keep each within 100 characters.
//! Never mention (ping) anyone: members are shown as mentions with mentions disabled.

use super::ids::{actor_of, invocation_id, stream_of};
use super::{Context, Error};
use crate::domain::OptIn;
use crate::practice::member_export::ExportTarget;
use crate::practice::{leaderboard, privacy, stats};
use poise::serenity_prelude as serenity;

/// Embed colour of the practice replies.
const COLOUR: u32 = 0x5865F2;

fn server_of(guild: serenity::GuildId) -> String {
    format!("discord:{guild}")
}

fn member_of(user: &serenity::User) -> String {
    actor_of(user).member_id()
}

/// `<@id>` for a `discord:{id}` member (shown, never pinging).
fn mention(member_id: &str) -> String {
    match member_id.strip_prefix("discord:") {
        Some(id) => format!("<@{id}>"),
        None => member_id.to_string(),
    }
}

/// The server a command came from, unless it came from outside one or is a repeated
/// delivery of an invocation already handled (then the command does nothing).
fn first_in_guild(ctx: Context<'_>) -> Option<serenity::GuildId> {
    let guild = ctx.guild_id()?;
    ctx.data()
        .seen
        .first_time(invocation_id(ctx))
        .then_some(guild)
}

async fn private(ctx: Context<'_>, reply: poise::CreateReply) -> Result<(), Error> {
    ctx.send(
        reply
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

async fn say_privately(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    private(ctx, poise::CreateReply::default().content(text)).await
}

/// Your practice stats (or a member's): trend per rubric dimension and what to try next
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose stats (you when empty)"] member: Option<serenity::User>,
) -> Result<(), Error> {
    let Some(guild) = first_in_guild(ctx) else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let user = member.as_ref().unwrap_or(ctx.author());
    let who = actor_of(user);
    let stats = data
        .queries
        .member_stats(&who.member_id(), Some(&server_of(guild)), &data.problems)
        .await?;
    // issue 16: peer (a member's notes about the interviewer are for the interviewer alone)
    let own = user.id == ctx.author().id;
    let as_interviewer = data
        .queries
        .interviewer_stats(&who.member_id(), Some(&server_of(guild)), own)
        .await?;
    if stats.is_empty() && as_interviewer.is_empty() {
        let text = if user.id == ctx.author().id {
            "You have no interviews on this server yet. Start one with `/interview start`."
                .to_string()
        } else {
            format!("{} has no interviews on this server yet.", who.name)
        };
        return say_privately(ctx, text).await;
    }
    let next = stats::suggest(&stats, &data.problems, |n| rand::random_range(0..n));
    let mut embed = serenity::CreateEmbed::new()
        .title(format!("Practice stats · {}", who.name))
        .colour(COLOUR);
    if !stats.is_empty() {
        for (name, value) in stats::report_lines(&stats, next.as_ref()) {
            embed = embed.field(name, value, false);
        }
    }
    if let Some((name, value)) = crate::practice::interviewer_stats::report_line(&as_interviewer) {
        embed = embed.field(name, value, false);
    }
    // issue 16: daily
    let streak = data
        .queries
        .streak(&server_of(guild), &who.member_id(), data.engine.now())
        .await?;
    if streak.solved > 0 {
        let line = crate::platforms::daily_text::streak_line("Current", &streak);
        embed = embed.field("Daily problem", line, false);
    }
    // issue 16: duel
    let rating = data
        .queries
        .duel_rating(&server_of(guild), &who.member_id())
        .await?;
    let rating = crate::practice::duel::stats_line(rating.as_ref());
    embed = embed.field("Duel rating", rating, false);
    private(ctx, poise::CreateReply::default().embed(embed)).await
}

/// This server's opt-in leaderboard
#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "join", "leave", "super::daily::streaks"),
    subcommand_required
)]
pub async fn leaderboard(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Show the members who joined, ranked by their recent scores
#[poise::command(slash_command, guild_only)]
pub async fn show(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = first_in_guild(ctx) else {
        return Ok(());
    };
    ctx.defer().await?;
    let standings = ctx.data().queries.leaderboard(&server_of(guild)).await?;
    let text = if standings.is_empty() {
        "No one has joined this server's leaderboard yet: `/leaderboard join` puts you on it."
            .to_string()
    } else {
        leaderboard::report_lines(&standings, mention).join("\n")
    };
    let embed = serenity::CreateEmbed::new()
        .title("Leaderboard")
        .description(text)
        .footer(serenity::CreateEmbedFooter::new(
            "Only members who ran /leaderboard join are listed.",
        ))
        .colour(COLOUR);
    ctx.send(
        poise::CreateReply::default()
            .embed(embed)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// Put yourself on this server's leaderboard
#[poise::command(slash_command, guild_only)]
pub async fn join(ctx: Context<'_>) -> Result<(), Error> {
    opt(ctx, OptIn::Join).await
}

/// Take yourself off this server's leaderboard
#[poise::command(slash_command, guild_only)]
pub async fn leave(ctx: Context<'_>) -> Result<(), Error> {
    opt(ctx, OptIn::Leave).await
}

async fn opt(ctx: Context<'_>, request: OptIn) -> Result<(), Error> {
    let Some(guild) = first_in_guild(ctx) else {
        return Ok(());
    };
    let outcome = ctx
        .data()
        .engine
        .set_leaderboard_opt_in(&server_of(guild), &member_of(ctx.author()), request)
        .await?;
    say_privately(ctx, outcome.message()).await
}

/// Get an interview's transcript as a Markdown file (this thread's, or by id)
#[poise::command(slash_command, guild_only)]
pub async fn export(
    ctx: Context<'_>,
    #[description = "Interview id (empty: the interview of this thread)"]
    #[max_length = 200]
    id: Option<String>,
) -> Result<(), Error> {
    let Some(guild) = first_in_guild(ctx) else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let target = match id.filter(|s| !s.trim().is_empty()) {
        Some(id) => ExportTarget::Id(id),
        None => ExportTarget::Stream(stream_of(guild, ctx.channel_id())),
    };
    let file = data
        .queries
        .export(
            &data.problems,
            &target,
            &member_of(ctx.author()),
            &server_of(guild),
        )
        .await?;
    match file {
        Ok(file) => {
            let attachment =
                serenity::CreateAttachment::bytes(file.markdown.into_bytes(), file.filename);
            let reply = poise::CreateReply::default()
                .content(format!("The transcript of **{}**.", file.title))
                .attachment(attachment);
            private(ctx, reply).await
        }
        Err(refusal) => say_privately(ctx, refusal.to_string()).await,
    }
}

/// Your data
#[poise::command(slash_command, guild_only, subcommands("forget"), subcommand_required)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Erase your messages and code from every interview (cannot be undone)
#[poise::command(slash_command, guild_only)]
pub async fn forget(
    ctx: Context<'_>,
    #[description = "True to erase your content everywhere; this cannot be undone"] confirm: bool,
) -> Result<(), Error> {
    if !ctx.data().seen.first_time(invocation_id(ctx)) {
        return Ok(());
    }
    if !confirm {
        return say_privately(
            ctx,
            "Nothing was erased. To erase your messages and code from every interview, run `/privacy forget confirm:True`.",
        )
        .await;
    }
    ctx.defer_ephemeral().await?;
    let member = member_of(ctx.author());
    let report = ctx.data().engine.forget_member(&member).await?;
    say_privately(ctx, privacy::forget_message(&report)).await
}
