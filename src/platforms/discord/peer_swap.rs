//! Swap roles (issue 16): once a peer interview has ended, either member starts the
//! mirrored interview (the interviewer becomes the candidate) in a new thread of the
//! same channel, on a bank problem neither has done and not this one. The swap is
//! recorded first in the ended interview (`PeerRolesSwapped`, refused the second time),
//! so two presses, on two instances or after a restart, start one mirror.
//!
//! Also the one check `/interview start interviewer:` makes before opening a thread.
//! It never decides a rule: the domain refuses the same.

use super::auth::capitalise;
use super::flow::Turn;
use super::ids::{actor_of, stream_of};
use super::parse;
use super::{Data, Error};
use crate::domain::{Command, DomainError, Mode, PeerCommand, Place, Problem, StartInterview};
use crate::engine::EngineError;
use poise::serenity_prelude as serenity;
use serenity::{
    AutoArchiveDuration, ChannelType, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateThread, EditInteractionResponse,
};

/// Why `author` cannot be interviewed by `interviewer`, if they cannot.
pub fn refuse_pair(author: &serenity::User, interviewer: &serenity::User) -> Option<String> {
    let why = if interviewer.id == author.id {
        DomainError::PeerWithSelf
    } else if interviewer.bot {
        DomainError::PeerWithBot
    } else {
        return None;
    };
    Some(capitalise(&why.to_string()))
}

/// Starts the mirrored interview for a press on Swap roles.
pub async fn swap(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
) -> Result<(), Error> {
    let (Some(started), Some(peer)) = (
        turn.interview.started.as_ref(),
        turn.interview.peer.as_ref(),
    ) else {
        return Ok(());
    };
    let Place::Discord { guild, channel, .. } = &started.place else {
        return Ok(());
    };
    let defer = CreateInteractionResponseMessage::new().ephemeral(true);
    press
        .create_response(&ctx.http, CreateInteractionResponse::Defer(defer))
        .await?;
    let answer = |text: String| async move {
        press
            .edit_response(
                &ctx.http,
                EditInteractionResponse::new()
                    .content(text)
                    .allowed_mentions(serenity::CreateAllowedMentions::new()),
            )
            .await
            .map(|_| ())
    };
    let mut done = data
        .queries
        .problems_done(&started.candidate.member_id())
        .await?;
    done.extend(
        data.queries
            .problems_done(&peer.interviewer.member_id())
            .await?,
    );
    if let Problem::Bank { id, .. } = &started.problem {
        done.insert(id.clone());
    }
    let roll = rand::random_range(0..10_000);
    let chosen = parse::choose_problem(&data.problems, None, started.difficulty, &done, roll)
        .filter(|c| !matches!(&c.problem, Problem::Bank { id, .. } if done.contains(id)));
    let Some(chosen) = chosen else {
        answer("There is no bank problem left that neither of you has done at this difficulty; start one with `/interview start interviewer:` and a problem of your own.".into()).await?;
        return Ok(());
    };
    let mark = PeerCommand::Swap {
        by: actor_of(&press.user),
        at: data.engine.now(),
    };
    let key = press.id.to_string();
    match data
        .engine
        .execute(
            &turn.stream,
            Command::Peer(mark),
            Some(&format!("swap:{key}")),
        )
        .await
    {
        Ok(executed) if executed.duplicate => return Ok(()),
        Ok(_) => {}
        Err(EngineError::Refused(why)) => {
            answer(capitalise(&why.to_string())).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    let parent = serenity::ChannelId::new(channel.parse()?);
    let name = parse::thread_name(chosen.problem.title(), &peer.interviewer.name);
    let thread = match parent
        .create_thread(
            &ctx.http,
            CreateThread::new(name)
                .kind(ChannelType::PublicThread)
                .auto_archive_duration(AutoArchiveDuration::OneDay),
        )
        .await
    {
        Ok(t) => t.id,
        Err(e) => {
            tracing::warn!(error = %e, "cannot open the swapped interview's thread");
            answer("Discord would not open a thread for the swapped interview; start it with `/interview start interviewer:`.".into()).await?;
            return Ok(());
        }
    };
    let place = Place::Discord {
        guild: guild.clone(),
        channel: channel.clone(),
        thread: thread.to_string(),
    };
    let start = StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place: place.clone(),
        candidate: peer.interviewer.clone(),
        problem: chosen.problem,
        language: started.language.clone(),
        difficulty: started.difficulty,
        time_limit_minutes: started.time_limit_minutes,
        mode: Mode::Solo,
        coach: data.coach.clone(),
        at: data.engine.now(),
    };
    let command = Command::Peer(PeerCommand::Start {
        start: Box::new(start),
        interviewer: started.candidate.clone(),
        interviewer_is_bot: false,
    });
    let guild_id = serenity::GuildId::new(guild.parse()?);
    let stream = stream_of(guild_id, thread);
    let executed = match data.engine.execute(&stream, command, Some(&key)).await {
        Ok(executed) => executed,
        Err(EngineError::Refused(why)) => {
            let _ = thread.delete(&ctx.http).await;
            answer(capitalise(&why.to_string())).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    super::peer::announce(&ctx.http, thread, &chosen.statement, &executed, &key).await?;
    answer(format!(
        "Roles swapped: {} interviews {} in <#{thread}>.",
        started.candidate.name, peer.interviewer.name
    ))
    .await?;
    Ok(())
}
