//! The slash commands. Each is thin: parse the options, turn them into an engine
//! `Command` (keyed by the interaction id, so a redelivered interaction appends once),
//! and answer. Refusals are ephemeral; coach answers are posted by the outbox.
//!
//! A command's `///` line is its Discord description: keep each within 100 characters.

use super::auth::{Action, Decision, Via, authorise};
use super::flow::{self, Turn};
use super::parse::{self, AttachmentError};
use super::render;
use super::send;
use super::{Context, Data, Error};
use crate::domain::{
    Actor, Command, Difficulty, EndBy, Mode, Place, Platform, StartInterview, SubmissionSource,
    SubmitCode,
};
use crate::engine::EngineError;
use poise::serenity_prelude as serenity;
use serenity::{AutoArchiveDuration, ChannelType, CreateThread};

/// All the bot's slash commands, in the order they are registered.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![interview(), approach(), submit(), hint(), end(), retry()]
}

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
) -> Result<(), Error> {
    let data = ctx.data();
    if !data.seen.first_time(flow::invocation_id(ctx)) {
        return Ok(());
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let roll = rand::random_range(0..10_000);
    let Some(chosen) = parse::choose_problem(
        &data.problems,
        problem.as_deref(),
        difficulty.map(Difficulty::from),
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
        language: language.map(|l| l.trim().to_ascii_lowercase()),
        difficulty: difficulty.map(Difficulty::from),
        time_limit_minutes: minutes,
        mode: Mode::Solo,
        coach: data.coach.clone(),
        at: data.engine.now(),
    });
    let key = flow::invocation_id(ctx).to_string();
    let executed = match data
        .engine
        .execute(&place.stream_id(), command, Some(&key))
        .await
    {
        Ok(executed) => executed,
        Err(EngineError::Refused(why)) => {
            let _ = thread.id.delete(ctx.http()).await;
            ctx.say(super::auth::capitalise(&why.to_string())).await?;
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

/// Explain your approach to the coach before coding
#[poise::command(slash_command, guild_only)]
pub async fn approach(
    ctx: Context<'_>,
    #[description = "Your plan: idea, data structures, complexity"]
    #[max_length = 6000]
    text: String,
) -> Result<(), Error> {
    run(ctx, Action::Approach, |actor, _, at| {
        Command::ExplainApproach { actor, text, at }
    })
    .await
}

/// Ask the coach for a hint
#[poise::command(slash_command, guild_only)]
pub async fn hint(ctx: Context<'_>) -> Result<(), Error> {
    let problems = ctx.data().problems.clone();
    run(ctx, Action::Hint, move |actor, turn, at| {
        Command::RequestHint {
            actor,
            max_hints: flow::max_hints(&problems, &turn.interview),
            at,
        }
    })
    .await
}

/// End the interview and get your summary
#[poise::command(slash_command, guild_only)]
pub async fn end(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Action::End, |actor, _, at| Command::EndInterview {
        by: EndBy::Member(actor),
        at,
    })
    .await
}

/// Try the coach's failed answer again
#[poise::command(slash_command, guild_only)]
pub async fn retry(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Action::Retry, |actor, _, at| Command::RetryCoach {
        actor,
        at,
    })
    .await
}

/// The code editor shown by `/submit` and the Submit button.
#[derive(Debug, poise::Modal)]
#[name = "Submit your code"]
pub struct CodeModal {
    #[name = "Code"]
    #[placeholder = "Paste your solution (a ``` fenced block works too)"]
    #[paragraph]
    #[max_length = 4000]
    pub code: String,
}

/// Submit your code for review (opens an editor, or attach a file)
#[poise::command(slash_command, guild_only)]
pub async fn submit(
    ctx: poise::ApplicationContext<'_, Data, Error>,
    #[description = "A source file, for code longer than the editor takes"] file: Option<
        serenity::Attachment,
    >,
    #[description = "Language of the code, e.g. python"]
    #[max_length = 32]
    language: Option<String>,
) -> Result<(), Error> {
    let ctx_any = Context::Application(ctx);
    let data = ctx.data();
    if !data.seen.first_time(flow::invocation_id(ctx_any)) {
        return Ok(());
    }
    let Some(turn) = Turn::load(ctx_any).await? else {
        return Ok(());
    };
    if let Decision::Refuse(why) = authorise(
        &turn.interview,
        &turn.actor,
        Action::Submit,
        Via::Interaction,
    ) {
        return ephemeral(ctx_any, why).await;
    }
    let lang = turn
        .interview
        .started
        .as_ref()
        .and_then(|s| s.language.clone());
    let (submission, source) = match file {
        Some(file) => {
            ctx_any.defer_ephemeral().await?;
            match download(&file, language.as_deref(), lang.as_deref()).await {
                Ok(s) => (s, SubmissionSource::Attachment),
                Err(why) => return ephemeral(ctx_any, why).await,
            }
        }
        None => {
            use poise::Modal as _;
            let Some(modal) = CodeModal::execute(ctx).await? else {
                return Ok(());
            };
            let s = parse::submission_from_modal(&modal.code, language.as_deref(), lang.as_deref());
            (s, SubmissionSource::Modal)
        }
    };
    let command = Command::SubmitCode(SubmitCode {
        actor: turn.actor.clone(),
        language: submission.language,
        code: submission.code,
        source,
        at: data.engine.now(),
    });
    let answer = flow::execute(
        &data.engine,
        &turn,
        command,
        &flow::invocation_id(ctx_any).to_string(),
        Action::Submit,
    )
    .await?;
    ephemeral(ctx_any, answer).await
}

/// Reads an attached source file within the size limit.
async fn download(
    file: &serenity::Attachment,
    language: Option<&str>,
    interview_language: Option<&str>,
) -> Result<parse::Submission, String> {
    parse::check_attachment_size(file.size).map_err(|e| e.to_string())?;
    let bytes = file.download().await.map_err(|e| {
        tracing::warn!(error = %e, "cannot download an attachment");
        "I could not download that file; please try again.".to_string()
    })?;
    parse::submission_from_attachment(&file.filename, &bytes, language, interview_language)
        .map_err(|e: AttachmentError| e.to_string())
}

/// The shape of every thread command but `/submit`: load the interview, check who
/// acts, defer privately, execute, acknowledge.
async fn run(
    ctx: Context<'_>,
    action: Action,
    make: impl FnOnce(Actor, &Turn, chrono::DateTime<chrono::Utc>) -> Command,
) -> Result<(), Error> {
    let data = ctx.data();
    if !data.seen.first_time(flow::invocation_id(ctx)) {
        return Ok(());
    }
    let Some(turn) = Turn::load(ctx).await? else {
        return Ok(());
    };
    if let Decision::Refuse(why) = authorise(&turn.interview, &turn.actor, action, Via::Interaction)
    {
        return ephemeral(ctx, why).await;
    }
    ctx.defer_ephemeral().await?;
    let command = make(turn.actor.clone(), &turn, data.engine.now());
    let answer = flow::execute(
        &data.engine,
        &turn,
        command,
        &flow::invocation_id(ctx).to_string(),
        action,
    )
    .await?;
    ephemeral(ctx, answer).await
}

/// A private answer to the member who used the command.
async fn ephemeral(ctx: Context<'_>, text: String) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// The member as the domain knows them.
pub fn actor_of(user: &serenity::User) -> Actor {
    Actor::new(Platform::Discord, user.id.to_string(), user.display_name())
}
