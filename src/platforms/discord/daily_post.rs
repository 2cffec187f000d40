//! The day's post on Discord and its Solve button (issue 16). The outbox posts a
//! `DailyPosted` in the schedule's channel through [`post_message`] (one message with a
//! nonce, so a retry never makes a second); a press on Solve opens the member's own
//! interview on that day's problem in a new thread, started like `/interview start`
//! and keyed by the press, so a redelivered press starts it once.
//!
//! It must never decide whether a day is due or solved: the scheduler and the streak
//! read model do.

use super::ids::actor_of;
use super::{Data, Error, parse, render, send};
use crate::domain::{Command, DailyPosted, Mode, Place, StartInterview};
use crate::engine::EngineError;
use crate::platforms::daily_text;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ChannelType, CreateActionRow, CreateAllowedMentions, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateThread, MessageFlags, Nonce,
};

/// The custom id prefix of the Solve button; the day follows (`daily:solve:2026-03-29`).
pub const SOLVE: &str = "daily:solve:";

/// The message of a day's post, under the delivery `key`'s nonce.
pub fn post_message(post: &DailyPosted, key: &str) -> CreateMessage {
    let text = format!(
        "{}\nPress **Solve** to open your own interview on it. It counts for your streak when a submission passes every hidden test today.",
        daily_text::post_headline(post)
    );
    let solve = CreateButton::new(format!("{SOLVE}{}", post.day))
        .label("Solve")
        .style(ButtonStyle::Primary);
    CreateMessage::new()
        .content(text)
        .allowed_mentions(CreateAllowedMentions::new())
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .nonce(Nonce::String(send::nonce(key, 0)))
        .enforce_nonce(true)
        .components(vec![CreateActionRow::Buttons(vec![solve])])
}

/// The channel a day's post goes to.
pub fn channel_of(post: &DailyPosted) -> Option<serenity::ChannelId> {
    post.channel
        .parse::<u64>()
        .ok()
        .map(serenity::ChannelId::new)
}

async fn tell(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    text: impl Into<String>,
) -> Result<(), Error> {
    press
        .create_followup(
            &ctx.http,
            CreateInteractionResponseFollowup::new()
                .content(text)
                .ephemeral(true)
                .allowed_mentions(CreateAllowedMentions::new()),
        )
        .await?;
    Ok(())
}

/// A press on Solve: the member's interview on the day's problem, in a new thread.
pub async fn on_solve(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    day: &str,
) -> Result<(), Error> {
    let Some(guild) = press.guild_id else {
        return Ok(());
    };
    if !data.seen.first_time(press.id.get()) {
        return Ok(());
    }
    press
        .create_response(
            &ctx.http,
            CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        )
        .await?;
    let community = format!("discord:{guild}");
    let post = data
        .queries
        .daily_board(|board| {
            let c = board.community(&community)?;
            c.posts.values().find(|p| p.day.to_string() == day).cloned()
        })
        .await?;
    let Some(post) = post else {
        return tell(
            ctx,
            press,
            "I cannot find that day's problem any more. `/daily today` shows today's.",
        )
        .await;
    };
    let member = actor_of(&press.user);
    let id = post.problem_id().to_string();
    let Some(chosen) = parse::choose_problem(
        &data.problems,
        Some(id.as_str()),
        None,
        &Default::default(),
        0,
    ) else {
        return tell(ctx, press, "That problem is no longer in the bank.").await;
    };
    let name = parse::thread_name(chosen.problem.title(), &member.name);
    let thread = press
        .channel_id
        .create_thread(
            &ctx.http,
            CreateThread::new(name).kind(ChannelType::PublicThread),
        )
        .await?;
    let place = Place::Discord {
        guild: guild.to_string(),
        channel: press.channel_id.to_string(),
        thread: thread.id.to_string(),
    };
    let command = Command::StartInterview(StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place: place.clone(),
        candidate: member.clone(),
        problem: chosen.problem.clone(),
        language: None,
        difficulty: None,
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: data.coach.clone(),
        at: data.engine.now(),
    });
    let key = format!("daily-solve:{}", press.id);
    let executed = match data
        .engine
        .execute(&place.stream_id(), command, Some(&key))
        .await
    {
        Ok(executed) => executed,
        Err(EngineError::Refused(why)) => {
            let _ = thread.id.delete(&ctx.http).await;
            return tell(ctx, press, why.to_string()).await;
        }
        Err(e) => return Err(e.into()),
    };
    let problem_post = render::problem_post(
        &press.user.id.to_string(),
        &chosen.statement,
        None,
        executed.state.deadline(),
        render::interview_buttons(&executed.state),
    );
    send::send_post(&ctx.http, thread.id, &problem_post, Some(&key)).await?;
    tell(
        ctx,
        press,
        format!(
            "Your interview on today's problem is ready in <#{}>. Good luck!",
            thread.id
        ),
    )
    .await
}
