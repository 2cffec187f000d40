//! Running code on the problem's tests from Discord (issue 14): `/run` in the interview
//! thread (the last submitted code, or new code from `code:`, `file:` or the editor,
//! with an optional `input:` of one's own) and the Run tests button (the last code).
//!
//! Thin, like every thread command: the runner (`runs::Runner`) checks the run through
//! the engine (a refusal is a private message and appends nothing) and records the
//! verdicts through it; this module only shows the run's place in the queue and its
//! start, from the engine's progress bus, by editing the member's private reply, and
//! says where the results are. The results themselves are the `TestsRun` in the log,
//! posted in the thread by the outbox (once). It never runs code, decides a rule or
//! posts the results itself.

use super::auth::{Action, Decision, Via, authorise, capitalise};
use super::commands::CodeModal;
use super::flow::{self, Turn};
use super::ids::{actor_of, invocation_id};
use super::run_render;
use super::{Context, Data, Error, parse};
use crate::domain::{Event, Problem};
use crate::engine::{ProgressKind, RunProgress};
use crate::runs::{RunError, RunRequest};
use poise::serenity_prelude as serenity;
use serenity::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, EditInteractionResponse,
};
use tokio::sync::broadcast::error::RecvError;

/// Run your code on the problem's tests (your last submission unless you give code)
#[poise::command(slash_command, guild_only, rename = "run")]
pub async fn run_tests(
    ctx: poise::ApplicationContext<'_, Data, Error>,
    #[description = "Code to run, as a ``` fenced block (else your last submission)"]
    #[max_length = 6000]
    code: Option<String>,
    #[description = "A source file to run"] file: Option<serenity::Attachment>,
    #[description = "Your own input: a JSON object of the problem's arguments"]
    #[max_length = 6000]
    input: Option<String>,
    #[description = "Language of the code, e.g. python"]
    #[max_length = 32]
    language: Option<String>,
    #[description = "Open the code editor to type the code to run"] editor: Option<bool>,
) -> Result<(), Error> {
    let ctx_any = Context::Application(ctx);
    let data = ctx.data();
    if !data.seen.first_time(invocation_id(ctx_any)) {
        return Ok(());
    }
    let Some(turn) = Turn::load(ctx_any).await? else {
        return Ok(());
    };
    if let Decision::Refuse(why) =
        authorise(&turn.interview, &turn.actor, Action::Run, Via::Interaction)
    {
        return refuse(ctx_any, why).await;
    }
    let lang = turn
        .interview
        .started
        .as_ref()
        .and_then(|s| s.language.clone());
    let token = ctx.interaction.token.clone();
    let (code, language, mut answer) = if editor == Some(true) {
        use poise::Modal as _;
        let Some(modal) = CodeModal::execute(ctx).await? else {
            return Ok(());
        };
        let s = parse::submission_from_modal(&modal.code, language.as_deref(), lang.as_deref());
        (Some(s.code), Some(s.language), Answer::followup(token))
    } else {
        ctx_any.defer_ephemeral().await?;
        let mut answer = Answer::deferred(token);
        match (file, code) {
            (Some(file), _) => {
                match flow::download(
                    &ctx.data().downloads,
                    &file,
                    language.as_deref(),
                    lang.as_deref(),
                )
                .await
                {
                    Ok(s) => (Some(s.code), Some(s.language), answer),
                    Err(why) => return answer.show(ctx.http(), &capitalise(&why)).await,
                }
            }
            (None, Some(code)) => {
                let s = parse::submission_from_modal(&code, language.as_deref(), lang.as_deref());
                (Some(s.code), Some(s.language), answer)
            }
            (None, None) => (
                None,
                language.map(|l| parse::normalise_language(&l)),
                answer,
            ),
        }
    };
    let request = RunRequest {
        code,
        language,
        custom_input: input,
    };
    drive(data, ctx.http(), &turn, request, &mut answer).await
}

/// The Run tests button: defers privately, then runs the last code like `/run`.
pub async fn press(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    guild: serenity::GuildId,
) -> Result<(), Error> {
    let turn = Turn::at(
        &data.queries,
        guild,
        press.channel_id,
        actor_of(&press.user),
    )
    .await?;
    if let Decision::Refuse(why) =
        authorise(&turn.interview, &turn.actor, Action::Run, Via::Interaction)
    {
        let reply = CreateInteractionResponseMessage::new()
            .content(why)
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new());
        press
            .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
            .await?;
        return Ok(());
    }
    let defer = CreateInteractionResponseMessage::new().ephemeral(true);
    press
        .create_response(&ctx.http, CreateInteractionResponse::Defer(defer))
        .await?;
    let mut answer = Answer::deferred(press.token.clone());
    drive(data, &ctx.http, &turn, RunRequest::default(), &mut answer).await
}

/// Checks the run (a refusal is the member's answer), then waits for it while showing
/// its place in the queue and its start, and ends with its headline.
async fn drive(
    data: &Data,
    http: &serenity::Http,
    turn: &Turn,
    request: RunRequest,
    answer: &mut Answer,
) -> Result<(), Error> {
    let custom = request.custom_input.is_some();
    // Subscribed before the run is queued, so no step of it is missed.
    let mut progress = data.engine.progress().subscribe();
    let pending = match data
        .runner
        .start(&turn.stream, turn.actor.clone(), request)
        .await
    {
        Ok(pending) => pending,
        Err(e) => {
            let text = refusal(&e, custom, &turn.interview);
            return answer.show(http, &text).await;
        }
    };
    answer
        .show(http, &run_render::queued(pending.ahead()))
        .await?;
    let run = pending.run();
    tokio::pin!(run);
    let outcome = loop {
        tokio::select! {
            // Progress first: the steps published before the end are shown in order.
            biased;
            p = progress.recv() => match p {
                Ok(p) if p.stream == turn.stream => {
                    if let ProgressKind::Run(step @ (RunProgress::Queued { .. } | RunProgress::Running { .. })) = &p.kind {
                        // Progress is best effort: the outcome is what matters.
                        if let Err(e) = answer.show(http, &run_render::progress_text(step)).await {
                            tracing::debug!(error = %e, "cannot show a run's progress");
                        }
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break run.await,
            },
            outcome = &mut run => break outcome,
        }
    };
    let text = match outcome {
        Ok(executed) => executed
            .events
            .iter()
            .find_map(|r| match &r.event {
                Event::TestsRun(run) => Some(run_render::finished(run)),
                _ => None,
            })
            .unwrap_or_else(|| "The run is recorded.".to_string()),
        Err(e) => refusal(&e, custom, &turn.interview),
    };
    answer.show(http, &text).await
}

/// What the member reads when a run does not happen. A problem of one's own run without
/// an input says how to give one on Discord.
fn refusal(e: &RunError, custom: bool, interview: &crate::domain::Interview) -> String {
    let own_problem = interview
        .started
        .as_ref()
        .is_some_and(|s| matches!(s.problem, Problem::Custom { .. }));
    match e {
        RunError::NoTests if own_problem && !custom => {
            "This problem has no hidden tests; use `input:` to run your code on an input of your own (JSON, given to the program on stdin, e.g. `input: [3, 4]`)."
                .to_string()
        }
        RunError::Refused(why) => sentence(why),
        RunError::NoTests => sentence(&e.to_string()),
        RunError::Busy(why) => sentence(&why.to_string()),
        RunError::Failed(why) => {
            tracing::warn!(error = %why, "a Discord run failed");
            format!("⚠️ {}", sentence(&e.to_string()))
        }
    }
}

/// Capitalised, with a full stop.
fn sentence(text: &str) -> String {
    let mut out = capitalise(text.trim());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Where the member sees a run's progress and outcome: the deferred private reply of
/// the interaction (edited), or, after the editor's modal (which is the interaction's
/// reply), one private follow-up (sent, then edited).
struct Answer {
    token: String,
    /// `None`: the deferred reply; `Some(None)`: a follow-up not sent yet.
    followup: Option<Option<serenity::MessageId>>,
}

impl Answer {
    fn deferred(token: String) -> Answer {
        Answer {
            token,
            followup: None,
        }
    }

    fn followup(token: String) -> Answer {
        Answer {
            token,
            followup: Some(None),
        }
    }

    async fn show(&mut self, http: &serenity::Http, text: &str) -> Result<(), Error> {
        use serenity::Builder as _;
        let text = parse::truncate_chars(text, super::render::MAX_CONTENT_CHARS);
        match self.followup {
            None => {
                EditInteractionResponse::new()
                    .content(text)
                    .allowed_mentions(CreateAllowedMentions::new())
                    .execute(http, &self.token)
                    .await?;
            }
            Some(id) => {
                let message = CreateInteractionResponseFollowup::new()
                    .content(text)
                    .ephemeral(true)
                    .allowed_mentions(CreateAllowedMentions::new())
                    .execute(http, (id, &self.token))
                    .await?;
                self.followup = Some(Some(message.id));
            }
        }
        Ok(())
    }
}

/// A private refusal as the command's first answer.
async fn refuse(ctx: Context<'_>, why: String) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(why)
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, CoachConfig, Interview, InterviewStarted, Mode, Place, Platform};

    fn interview(problem: Problem) -> Interview {
        let started = Event::InterviewStarted(InterviewStarted {
            interview_id: uuid::Uuid::nil(),
            place: Place::Discord {
                guild: "1".into(),
                channel: "2".into(),
                thread: "3".into(),
            },
            candidate: Actor::new(Platform::Discord, "100", "Maya"),
            problem,
            language: Some("python".into()),
            difficulty: None,
            time_limit_minutes: None,
            mode: Mode::Solo,
            coach: CoachConfig {
                model: "m".into(),
                prompt_version: 1,
                rubric_version: 1,
            },
            at: chrono::Utc::now(),
        });
        Interview::from_events([&started])
    }

    #[test]
    fn a_problem_of_ones_own_without_an_input_is_told_to_use_input() {
        let own = interview(Problem::custom("Echo"));
        let no_tests = RunError::NoTests;
        let text = refusal(&no_tests, false, &own);
        assert!(
            text.starts_with("This problem has no hidden tests; use `input:`"),
            "{text}"
        );
    }

    #[test]
    fn other_refusals_are_sentences_naming_their_cause() {
        let bank = interview(Problem::Bank {
            id: "two-sum".into(),
            version: 1,
            title: "Two Sum".into(),
        });
        let why = RunError::Refused("the code is too large (70000 bytes)".into());
        assert_eq!(
            refusal(&why, false, &bank),
            "The code is too large (70000 bytes)."
        );
        let failed = RunError::Failed("the sandbox is gone".into());
        assert_eq!(
            refusal(&failed, false, &bank),
            "⚠️ The run could not be completed: the sandbox is gone."
        );
    }
}
