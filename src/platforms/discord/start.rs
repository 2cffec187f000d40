//! `/interview start`: choose the problem, open a thread "{problem} · {candidate}",
//! start the interview stream `discord:{guild}:{thread}` (keyed by the interaction id),
//! and post the problem with its deadline and buttons.

use super::auth::capitalise;
use super::ids::{actor_of, invocation_id};
use super::parse;
use super::render;
use super::send;
use super::{Context, Error};
use crate::domain::{Command, Difficulty, Mode, Place, StartInterview};
use crate::engine::EngineError;
use poise::serenity_prelude as serenity;
use serenity::{AutoArchiveDuration, ChannelType, CreateThread};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    #[name = "easy"]
    Easy,
    #[name = "medium"]
    Medium,
    #[name = "hard"]
    Hard,
}

impl From<DifficultyChoice> for Difficulty {
    fn from(d: DifficultyChoice) -> Difficulty {
        match d {
            DifficultyChoice::Easy => Difficulty::Easy,
            DifficultyChoice::Medium => Difficulty::Medium,
            DifficultyChoice::Hard => Difficulty::Hard,
        }
    }
}

/// Mock technical interviews with an AI coach
#[poise::command(slash_command, guild_only, subcommands("start"), subcommand_required)]
pub async fn interview(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn autocomplete_problem(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = parse::problem_choices(&ctx.data().problems, partial)
        .into_iter()
        .map(|(label, id)| serenity::AutocompleteChoice::new(label, id))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Start a mock interview in a new thread
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "A problem from the bank, or describe your own"]
    #[autocomplete = "autocomplete_problem"]
    #[max_length = 2000]
    problem: Option<String>,
    #[description = "Difficulty (picks a bank problem when none is given)"] difficulty: Option<
        DifficultyChoice,
    >,
    #[description = "Language you will code in, e.g. python"]
    #[max_length = 32]
    language: Option<String>,
    #[description = "Time limit in minutes"]
    #[min = 5]
    #[max = 240]
    minutes: Option<u32>,
    #[description = "Open a private thread only you and invited members see"] private: Option<bool>,
    #[description = "Let others in the thread chat with the coach too (group practice)"]
    group: Option<bool>,
) -> Result<(), Error> {
    let data = ctx.data();
    if !data.seen.first_time(invocation_id(ctx)) {
        return Ok(());
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let roll = rand::random_range(0..10_000);
    let member = actor_of(ctx.author()).member_id();
    let done = data.queries.problems_done(&member).await?;
    let Some(chosen) = parse::choose_problem(
        &data.problems,
        problem.as_deref(),
        difficulty.map(Difficulty::from),
        &done,
        roll,
    ) else {
        ctx.say("No problem in the bank fits; name one or describe your own.")
            .await?;
        return Ok(());
    };
    let author = ctx.author();
    let actor = actor_of(author);
    let name = parse::thread_name(chosen.problem.title(), &actor.name);
    let kind = if private.unwrap_or(false) {
        ChannelType::PrivateThread
    } else {
        ChannelType::PublicThread
    };
    let thread = ctx
        .channel_id()
        .create_thread(
            ctx.http(),
            CreateThread::new(name)
                .kind(kind)
                .auto_archive_duration(AutoArchiveDuration::OneDay),
        )
        .await;
    let thread = match thread {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "cannot create an interview thread");
            ctx.say("I could not open a thread here. Run `/interview start` in a text channel where I may create threads.")
                .await?;
            return Ok(());
        }
    };
    if kind == ChannelType::PrivateThread {
        let _ = thread.id.add_thread_member(ctx.http(), author.id).await;
    }
    let place = Place::Discord {
        guild: guild.to_string(),
        channel: ctx.channel_id().to_string(),
        thread: thread.id.to_string(),
    };
    let command = Command::StartInterview(StartInterview {
        interview_id: uuid::Uuid::new_v4(),
        place: place.clone(),
        candidate: actor,
        problem: chosen.problem,
        language: language
            .map(|l| parse::normalise_language(&l))
            .filter(|l| !l.is_empty()),
        difficulty: difficulty.map(Difficulty::from),
        time_limit_minutes: minutes,
        mode: if group.unwrap_or(false) {
            Mode::Group
        } else {
            Mode::Solo
        },
        coach: data.coach.clone(),
        at: data.engine.now(),
    });
    let key = invocation_id(ctx).to_string();
    let executed = match data
        .engine
        .execute(&place.stream_id(), command, Some(&key))
        .await
    {
        Ok(executed) => executed,
        Err(EngineError::Refused(why)) => {
            let _ = thread.id.delete(ctx.http()).await;
            ctx.say(capitalise(&why.to_string())).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let started = executed.state.started.as_ref();
    let post = render::problem_post(
        &author.id.to_string(),
        &chosen.statement,
        started.and_then(|s| s.language.as_deref()),
        executed.state.deadline(),
    );
    send::send_post(ctx.http(), thread.id, &post, Some(&format!("start:{key}"))).await?;
    ctx.say(format!(
        "Your interview is ready in <#{}>. Good luck!",
        thread.id
    ))
    .await?;
    Ok(())
}
