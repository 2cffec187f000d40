//! The duel offer's buttons on Discord (issue 16). Decline appends the decline; Accept
//! is checked first (a dry run: the opponent, in time, not in another duel), then the
//! bank problem is chosen, a private thread is opened for each duelist, both interviews
//! start at the same clock reading with the duel's time limit, and `DuelStarted` links
//! them to the duel. Refusals (a stranger, an expired or answered offer) are private
//! replies and append nothing. It must never decide a duel's rules itself.

use super::duel::{ACCEPT, DECLINE, capitalise};
use super::ids::actor_of;
use super::parse::thread_name;
use super::render;
use super::send;
use super::{Data, Error};
use crate::domain::{Actor, Duel, DuelCommand, Place, StreamId};
use crate::engine::DuelError;
use crate::problems::{BankProblem, Selection};
use poise::serenity_prelude as serenity;
use serenity::{
    AutoArchiveDuration, ChannelType, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateThread, EditInteractionResponse,
};

/// Handles a press of an offer's Accept or Decline button.
pub async fn press(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> Result<(), Error> {
    if !data.seen.first_time(press.id.get()) {
        return Ok(());
    }
    let id = press.data.custom_id.as_str();
    let (accept, stream) = match (id.strip_prefix(ACCEPT), id.strip_prefix(DECLINE)) {
        (Some(s), _) => (true, StreamId::new(s)),
        (_, Some(s)) => (false, StreamId::new(s)),
        _ => return Ok(()),
    };
    let by = actor_of(&press.user);
    let Some(duel) = data.queries.duel(&stream).await? else {
        return say(ctx, press, "This duel no longer exists.".into()).await;
    };
    let now = data.engine.now();
    if !accept {
        let key = format!("duel:decline:{}", press.id);
        let text = match data
            .engine
            .execute_duel(&stream, DuelCommand::Decline { by, at: now }, Some(&key))
            .await
        {
            Ok(_) => "You declined the duel.".to_string(),
            Err(DuelError::Refused(why)) => capitalise(&why.to_string()),
            Err(e) => return Err(e.into()),
        };
        return say(ctx, press, text).await;
    }
    let busy = data.queries.in_duel(&by, Some(&stream)).await?;
    let check = DuelCommand::Accept {
        by: by.clone(),
        busy,
        at: now,
    };
    if let Err(why) = data.engine.check_duel(&duel, check) {
        return say(ctx, press, capitalise(&why.to_string())).await;
    }
    press.defer_ephemeral(&ctx.http).await?;
    let text = start(ctx, data, press, &stream, &duel, by, busy).await?;
    press
        .edit_response(&ctx.http, EditInteractionResponse::new().content(text))
        .await?;
    Ok(())
}

/// Replies privately to the press.
async fn say(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    text: String,
) -> Result<(), Error> {
    let reply = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true);
    press
        .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
        .await?;
    Ok(())
}

/// Chooses the problem, opens both threads, starts both interviews and the duel; what
/// to tell the accepting member.
async fn start(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    stream: &StreamId,
    duel: &Duel,
    by: Actor,
    busy: bool,
) -> Result<String, Error> {
    let (Some(offer), Some(guild)) = (&duel.offer, press.guild_id) else {
        return Ok("This duel no longer exists.".into());
    };
    let Some(problem) = choose(data, duel).await? else {
        return Ok("No bank problem fits this duel's difficulty and topic.".into());
    };
    let at = data.engine.now();
    let mut threads = vec![];
    for member in [&offer.challenger, &offer.opponent] {
        let name = thread_name(&format!("Duel · {}", problem.title), &member.name);
        let thread = press
            .channel_id
            .create_thread(
                &ctx.http,
                CreateThread::new(name)
                    .kind(ChannelType::PrivateThread)
                    .auto_archive_duration(AutoArchiveDuration::OneDay),
            )
            .await?;
        if let Ok(user) = member.user_id.parse::<u64>() {
            let _ = thread
                .id
                .add_thread_member(&ctx.http, serenity::UserId::new(user))
                .await;
        }
        threads.push(thread.id);
    }
    let mut interviews = vec![];
    for (member, thread) in [&offer.challenger, &offer.opponent].iter().zip(&threads) {
        let place = Place::Discord {
            guild: guild.to_string(),
            channel: press.channel_id.to_string(),
            thread: thread.to_string(),
        };
        let command = crate::practice::duel::duelist_start(
            place.clone(),
            member,
            problem,
            offer.minutes,
            data.coach.clone(),
            at,
        );
        let key = format!("duel:interview:{stream}:{}", member.member_id());
        let executed = data
            .engine
            .execute(&place.stream_id(), command, Some(&key))
            .await?;
        let post = render::problem_post(
            &member.user_id,
            &problem.full_statement(),
            None,
            executed.state.deadline(),
            render::interview_buttons(&executed.state),
        );
        send::send_post(&ctx.http, *thread, &post, Some(&format!("{key}:post"))).await?;
        interviews.push(place.stream_id());
    }
    let command = DuelCommand::Start {
        by,
        busy,
        problem_id: problem.id.clone(),
        challenger_interview: interviews[0].clone(),
        opponent_interview: interviews[1].clone(),
        at,
    };
    let key = format!("duel:start:{stream}");
    match data.engine.execute_duel(stream, command, Some(&key)).await {
        Ok(_) => Ok(format!(
            "The duel is on! Your private thread: <#{}>. The first to pass every hidden test wins.",
            threads[1]
        )),
        Err(DuelError::Refused(why)) => {
            for thread in threads {
                let _ = thread.delete(&ctx.http).await;
            }
            Ok(capitalise(&why.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The same bank problem for both, preferring one neither has done.
async fn choose<'a>(data: &'a Data, duel: &Duel) -> Result<Option<&'a BankProblem>, Error> {
    let Some(offer) = &duel.offer else {
        return Ok(None);
    };
    let mut done = data
        .queries
        .problems_done(&offer.challenger.member_id())
        .await?;
    done.extend(
        data.queries
            .problems_done(&offer.opponent.member_id())
            .await?,
    );
    let selection = Selection {
        difficulty: offer.difficulty.map(|d| d.as_str().to_string()),
        topic: offer.topic.clone(),
    };
    let roll = rand::random_range(0..10_000usize);
    Ok(data.problems.select(&selection, &done, |n| roll % n))
}
