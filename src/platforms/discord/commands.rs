//! The thread commands (`/approach`, `/submit`, `/hint`, `/end`, `/retry`; `/run` is
//! in `run.rs`) and the list of every slash command. Each is thin: parse the options, turn them into an engine
//! `Command` (keyed by the interaction id, so a redelivered interaction appends once),
//! and answer. Refusals are ephemeral; coach answers are posted by the outbox.
//!
//! A command's `///` line is its Discord description: keep each within 100 characters.

use super::auth::{Action, Decision, Via, authorise};
use super::flow::{self, Turn};
use super::ids::invocation_id;
use super::parse;
use super::{Context, Data, Error};
use crate::domain::{Actor, Command, EndBy, SubmissionSource, SubmitCode};
use poise::serenity_prelude as serenity;

/// All the bot's slash commands, in the order they are registered.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        super::start::interview(),
        approach(),
        submit(),
        hint(),
        end(),
        retry(),
        super::run::run_tests(),
        super::practice::stats(),
        super::practice::leaderboard(),
        super::practice::export(),
        super::practice::privacy(),
        // issue 16: daily
        super::daily::daily(),
        super::daily::streak(),
        // issue 16: duel
        super::duel::duel(),
    ]
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
    if !data.seen.first_time(invocation_id(ctx_any)) {
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
    let Some((submission, source)) = read_submission(ctx, &turn, file, language).await? else {
        return Ok(());
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
        ctx.http(),
        ctx.channel_id(),
        &turn,
        command,
        &invocation_id(ctx_any).to_string(),
        Action::Submit,
    )
    .await?;
    ephemeral(ctx_any, answer).await
}

/// The code of a `/submit`: the attached file (deferring privately while it downloads),
/// else what is typed into the code modal. `None` when there is nothing to submit: the
/// file was refused (the member was told) or the modal dismissed.
async fn read_submission(
    ctx: poise::ApplicationContext<'_, Data, Error>,
    turn: &Turn,
    file: Option<serenity::Attachment>,
    language: Option<String>,
) -> Result<Option<(parse::Submission, SubmissionSource)>, Error> {
    let ctx_any = Context::Application(ctx);
    let lang = turn
        .interview
        .started
        .as_ref()
        .and_then(|s| s.language.clone());
    if let Some(file) = file {
        ctx_any.defer_ephemeral().await?;
        return match flow::download(
            &ctx.data().downloads,
            &file,
            language.as_deref(),
            lang.as_deref(),
        )
        .await
        {
            Ok(s) => Ok(Some((s, SubmissionSource::Attachment))),
            Err(why) => ephemeral(ctx_any, why).await.map(|()| None),
        };
    }
    use poise::Modal as _;
    let Some(modal) = CodeModal::execute(ctx).await? else {
        return Ok(None);
    };
    let s = parse::submission_from_modal(&modal.code, language.as_deref(), lang.as_deref());
    Ok(Some((s, SubmissionSource::Modal)))
}

/// The shape of every thread command but `/submit`: load the interview, check who
/// acts, defer privately, execute, acknowledge.
async fn run(
    ctx: Context<'_>,
    action: Action,
    make: impl FnOnce(Actor, &Turn, chrono::DateTime<chrono::Utc>) -> Command,
) -> Result<(), Error> {
    let data = ctx.data();
    if !data.seen.first_time(invocation_id(ctx)) {
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
        ctx.http(),
        ctx.channel_id(),
        &turn,
        command,
        &invocation_id(ctx).to_string(),
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
