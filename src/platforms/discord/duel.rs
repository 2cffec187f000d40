//! Duels on Discord (issue 16): `/duel challenge @member [difficulty] [topic]
//! [minutes]` posts the offer in the channel with Accept and Decline buttons,
//! `/duel ratings` shows the server's Elo ratings privately, and the duel outlet
//! (`DiscordHerald`) posts the start, the result and the rest through the engine's
//! duel outbox. The buttons are in `duel_press.rs`.
//!
//! Thin like every command: parse, ask the query door, turn it into a `DuelCommand`
//! for the engine (keyed by the interaction id), render. Refusals are private replies
//! and append nothing. It must never decide a duel's rules itself.

use super::ids::{actor_of, invocation_id, thread_of_stream};
use super::render::text_body;
use super::send;
use super::start::DifficultyChoice;
use super::{Context, Error};
use crate::domain::{DEFAULT_DUEL_MINUTES, Difficulty, Duel, DuelCommand, OfferDuel, Platform};
use crate::engine::duel_news::{DuelHerald, DuelMessage, DuelTarget, RatingChange};
use crate::engine::outbox::OutletError;
use crate::engine::{DuelError, duel_stream};
use crate::practice::duel as say;
use crate::problems::ProblemBank;
use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use std::sync::Arc;

/// The custom ids of the offer's buttons: `duel:accept:<stream>`, `duel:decline:<stream>`.
pub const ACCEPT: &str = "duel:accept:";
pub const DECLINE: &str = "duel:decline:";

/// Race another member on the same problem; the first to pass every hidden test wins
#[poise::command(
    slash_command,
    guild_only,
    subcommands("challenge", "ratings"),
    subcommand_required
)]
pub async fn duel(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn autocomplete_topic(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = say::bank_topics(&ctx.data().problems)
        .into_iter()
        .filter(|t| t.contains(&partial.to_ascii_lowercase()))
        .take(25)
        .map(|t| serenity::AutocompleteChoice::new(t.clone(), t))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Challenge a member to a duel on the same bank problem
#[poise::command(slash_command, guild_only)]
pub async fn challenge(
    ctx: Context<'_>,
    #[description = "Who you challenge"] member: serenity::User,
    #[description = "Difficulty of the problem"] difficulty: Option<DifficultyChoice>,
    #[description = "A topic from the bank, e.g. arrays"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 64]
    topic: Option<String>,
    #[description = "Time limit in minutes (30 when empty)"]
    #[min = 5]
    #[max = 180]
    minutes: Option<u32>,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    if !data.seen.first_time(invocation_id(ctx)) {
        return Ok(());
    }
    let difficulty = difficulty.map(Difficulty::from);
    let topic = topic
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty());
    if let Some(t) = &topic
        && !say::bank_topics(&data.problems).contains(t)
    {
        return privately(
            ctx,
            format!("The bank has no topic \"{t}\"; pick one from the list."),
        )
        .await;
    }
    let (challenger, opponent) = (actor_of(ctx.author()), actor_of(&member));
    let stream = duel_stream(Platform::Discord, uuid::Uuid::new_v4());
    let command = DuelCommand::Offer(OfferDuel {
        duel_id: uuid::Uuid::new_v4(),
        community: format!("discord:{guild}"),
        channel: ctx.channel_id().to_string(),
        challenger_busy: data.queries.in_duel(&challenger, None).await?,
        opponent_busy: data.queries.in_duel(&opponent, None).await?,
        challenger,
        opponent,
        opponent_is_bot: member.bot,
        difficulty,
        topic,
        minutes: minutes.unwrap_or(DEFAULT_DUEL_MINUTES),
        at: data.engine.now(),
    });
    let key = format!("duel:offer:{}", invocation_id(ctx));
    let executed = match data.engine.execute_duel(&stream, command, Some(&key)).await {
        Ok(executed) => executed,
        Err(DuelError::Refused(why)) => return privately(ctx, capitalise(&why.to_string())).await,
        Err(e) => return Err(e.into()),
    };
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(format!("{ACCEPT}{stream}"))
            .label("Accept")
            .style(serenity::ButtonStyle::Success),
        serenity::CreateButton::new(format!("{DECLINE}{stream}"))
            .label("Decline")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    ctx.send(
        poise::CreateReply::default()
            .content(say::offer_text(&executed.state))
            .components(vec![buttons])
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// This server's duel ratings (Elo)
#[poise::command(slash_command, guild_only)]
pub async fn ratings(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    if !ctx.data().seen.first_time(invocation_id(ctx)) {
        return Ok(());
    }
    let standings = ctx
        .data()
        .queries
        .duel_ratings(&format!("discord:{guild}"))
        .await?;
    privately(ctx, say::ratings_text(&standings, 20)).await
}

pub(super) fn capitalise(s: &str) -> String {
    super::auth::capitalise(s)
}

async fn privately(ctx: Context<'_>, text: String) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// The duel outlet on Discord: channel messages in the offer's channel, the rest in
/// the duelists' threads, each under a nonce derived from its delivery key.
pub struct DiscordHerald {
    pub http: Arc<serenity::Http>,
    pub problems: Arc<ProblemBank>,
}

#[async_trait]
impl DuelHerald for DiscordHerald {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn messages(
        &self,
        duel: &Duel,
        event: &crate::domain::Event,
        change: Option<RatingChange>,
    ) -> Vec<DuelMessage> {
        let title = problem_title(&self.problems, duel);
        say::news(duel, event, change, &title)
    }

    async fn post(
        &self,
        duel: &Duel,
        message: &DuelMessage,
        key: &str,
    ) -> Result<String, OutletError> {
        let channel = match &message.to {
            DuelTarget::Channel => duel
                .offer
                .as_ref()
                .and_then(|o| o.channel.parse::<u64>().ok())
                .filter(|id| *id != 0)
                .map(serenity::ChannelId::new),
            DuelTarget::Interview(stream) => thread_of_stream(stream),
        };
        let Some(channel) = channel else {
            return Err(OutletError::Permanent(
                "no Discord channel for this duel".into(),
            ));
        };
        let post = super::render::Post {
            body: text_body(&message.text, "duel.md"),
            buttons: vec![],
        };
        match send::send_post(&self.http, channel, &post, Some(key)).await {
            Ok(id) => Ok(id.to_string()),
            Err(e) => Err(super::send::classify(e)),
        }
    }
}

/// The duel problem's title (its id when the bank no longer has it).
pub fn problem_title(bank: &ProblemBank, duel: &Duel) -> String {
    duel.started
        .as_ref()
        .map(|s| {
            bank.get(&s.problem_id)
                .map_or_else(|| s.problem_id.clone(), |p| p.title.clone())
        })
        .unwrap_or_default()
}
