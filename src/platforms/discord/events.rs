//! Gateway events that are not slash commands: plain messages in an interview thread
//! (chat, the approach, or a fenced code block as a submission) and the buttons under
//! the bot's messages. Keyed by message or interaction id, so a redelivery after a
//! gateway resume appends once.

use super::auth::{self, Action, Decision, Via};
use super::commands::CodeModal;
use super::flow::{self, Turn};
use super::ids::actor_of;
use super::parse;
use super::render::Button;
use super::{Data, Error};
use crate::domain::{Actor, Command, EndBy, Interview, Phase, SubmissionSource, SubmitCode};
use crate::engine::EngineError;
use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serenity::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
};

/// Routes the events the framework does not handle itself.
pub async fn handle(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &Data,
) -> Result<(), Error> {
    match event {
        serenity::FullEvent::Message { new_message } => on_message(ctx, data, new_message).await,
        // issue 16: daily
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } if press.data.custom_id.starts_with(super::daily_post::SOLVE) => {
            let day = &press.data.custom_id[super::daily_post::SOLVE.len()..];
            super::daily_post::on_solve(ctx, data, press, day).await
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } => on_button(ctx, data, press).await,
        _ => Ok(()),
    }
}

/// What a plain thread message means: a submission (a fenced block from the candidate),
/// the approach (the candidate's first message before any), chat, or nothing.
pub fn message_command(
    interview: &Interview,
    actor: &Actor,
    content: &str,
    at: DateTime<Utc>,
) -> Option<Command> {
    let started = interview.started.as_ref()?;
    let content = content.trim();
    if content.is_empty() {
        return None;
    }
    let submission = parse::submission_from_message(content, started.language.as_deref());
    let action = auth::message_action(interview, actor, submission.is_some())?;
    let actor = actor.clone();
    Some(match (action, submission) {
        (Action::Submit, Some(s)) => Command::SubmitCode(SubmitCode {
            actor,
            language: s.language,
            code: s.code,
            source: SubmissionSource::Message,
            at,
        }),
        _ if started.candidate.same_person(&actor)
            && interview.phase() == Phase::Approach
            && !interview.approach_explained =>
        {
            Command::ExplainApproach {
                actor,
                text: content.to_string(),
                at,
            }
        }
        _ => Command::SendMessage {
            actor,
            text: content.to_string(),
            at,
        },
    })
}

async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    msg: &serenity::Message,
) -> Result<(), Error> {
    let file = code_attachment(&msg.attachments);
    if msg.author.bot || (msg.content.trim().is_empty() && file.is_none()) {
        return Ok(());
    }
    let Some(guild) = msg.guild_id else {
        return Ok(());
    };
    if !data.seen.first_time(msg.id.get()) {
        return Ok(());
    }
    let turn = Turn::at(&data.queries, guild, msg.channel_id, actor_of(&msg.author)).await?;
    let at = data.engine.now();
    let command = match file {
        Some(file)
            if auth::message_action(&turn.interview, &turn.actor, true) == Some(Action::Submit) =>
        {
            match attachment_command(&data.downloads, file, &turn, at).await {
                Ok(command) => Some(command),
                Err(why) => return reply(ctx, msg, &why).await,
            }
        }
        _ => message_command(&turn.interview, &turn.actor, &msg.content, at),
    };
    let Some(command) = command else {
        return Ok(());
    };
    let key = msg.id.to_string();
    // A would-be submission taken as chat: say why, so the member knows to /submit.
    let note = match &command {
        Command::SubmitCode(_) => None,
        _ if auth::message_action(&turn.interview, &turn.actor, true) == Some(Action::Submit) => {
            parse::fence_note(&msg.content)
        }
        _ => None,
    };
    match data.engine.execute(&turn.stream, command, Some(&key)).await {
        Ok(_) => match note {
            Some(note) => reply(ctx, msg, note).await,
            None => Ok(()),
        },
        Err(EngineError::Refused(why)) => {
            reply(ctx, msg, &auth::capitalise(&why.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The submission of an attached source file; `Err` says why it is not one.
async fn attachment_command(
    downloads: &super::flow::Downloads,
    file: &serenity::Attachment,
    turn: &Turn,
    at: DateTime<Utc>,
) -> Result<Command, String> {
    let language = turn
        .interview
        .started
        .as_ref()
        .and_then(|s| s.language.clone());
    let s = flow::download(downloads, file, None, language.as_deref()).await?;
    Ok(Command::SubmitCode(SubmitCode {
        actor: turn.actor.clone(),
        language: s.language,
        code: s.code,
        source: SubmissionSource::Attachment,
        at,
    }))
}

/// A source file attached alone to a message (`merge.py`): a submission.
pub fn code_attachment(attachments: &[serenity::Attachment]) -> Option<&serenity::Attachment> {
    match attachments {
        [one] if crate::platforms::text::language_from_filename(&one.filename).is_some() => {
            Some(one)
        }
        _ => None,
    }
}

/// A message cannot be answered privately: reply to it, mentioning no one.
async fn reply(ctx: &serenity::Context, msg: &serenity::Message, text: &str) -> Result<(), Error> {
    let reply = CreateMessage::new()
        .content(text)
        .reference_message(msg)
        .allowed_mentions(CreateAllowedMentions::new());
    msg.channel_id.send_message(&ctx.http, reply).await?;
    Ok(())
}

async fn on_button(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> Result<(), Error> {
    // issue 16: duel
    if press.data.custom_id.starts_with("duel:") {
        return super::duel_press::press(ctx, data, press).await;
    }
    let Some((button, guild)) = admit_press(data, press) else {
        return Ok(());
    };
    if button == Button::Run {
        return super::run::press(ctx, data, press, guild).await;
    }
    // issue 16: peer
    if let Button::Peer(peer) = button {
        return super::peer::press(ctx, data, press, guild, peer).await;
    }
    let turn = Turn::at(
        &data.queries,
        guild,
        press.channel_id,
        actor_of(&press.user),
    )
    .await?;
    let action = button_action(button);
    if let Decision::Refuse(why) =
        auth::authorise(&turn.interview, &turn.actor, action, Via::Interaction)
    {
        return refuse_press(ctx, press, why).await;
    }
    let Some(command) = press_command(ctx, data, press, &turn, button).await? else {
        return Ok(());
    };
    let key = press.id.to_string();
    let answer = flow::execute(
        &data.engine,
        &ctx.http,
        press.channel_id,
        &turn,
        command,
        &key,
        action,
    )
    .await?;
    answer_press(ctx, press, button, answer).await
}

/// The button pressed and its guild, for a press of ours handled for the first time;
/// `None` means do nothing.
fn admit_press(
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> Option<(Button, serenity::GuildId)> {
    let button = Button::from_custom_id(&press.data.custom_id)?;
    let guild = press.guild_id?;
    data.seen
        .first_time(press.id.get())
        .then_some((button, guild))
}

fn button_action(button: Button) -> Action {
    match button {
        Button::Hint => Action::Hint,
        Button::Submit => Action::Submit,
        Button::End => Action::End,
        Button::Retry => Action::Retry,
        Button::Run => Action::Run,
        // Routed to `peer::press` before any action is asked for.
        Button::Peer(_) => Action::End,
    }
}

/// Tells the member privately why the press does nothing.
async fn refuse_press(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    why: String,
) -> Result<(), Error> {
    let reply = CreateInteractionResponseMessage::new()
        .content(why)
        .ephemeral(true);
    press
        .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
        .await?;
    Ok(())
}

/// The command a press means, answering the press: Submit opens the code modal
/// (`None` when it is dismissed or times out), the others defer privately.
async fn press_command(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
    button: Button,
) -> Result<Option<Command>, Error> {
    let at = data.engine.now();
    let actor = turn.actor.clone();
    if button == Button::Submit {
        return submission_from_modal(ctx, press, turn, at).await;
    }
    let defer = CreateInteractionResponseMessage::new().ephemeral(true);
    press
        .create_response(&ctx.http, CreateInteractionResponse::Defer(defer))
        .await?;
    Ok(Some(match button {
        Button::Hint => Command::RequestHint {
            actor,
            max_hints: flow::max_hints(&data.problems, &turn.interview),
            at,
        },
        Button::End => Command::EndInterview {
            by: EndBy::Member(actor),
            at,
        },
        _ => Command::RetryCoach { actor, at },
    }))
}

/// Opens the code modal on `press` and reads the code typed into it; `None` when it
/// is dismissed or times out.
async fn submission_from_modal(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
    at: DateTime<Utc>,
) -> Result<Option<Command>, Error> {
    let modal = poise::execute_modal_on_component_interaction::<CodeModal>(
        ctx,
        press.clone(),
        None,
        Some(std::time::Duration::from_secs(15 * 60)),
    )
    .await?;
    let Some(modal) = modal else {
        return Ok(None);
    };
    let language = turn
        .interview
        .started
        .as_ref()
        .and_then(|s| s.language.clone());
    let s = parse::submission_from_modal(&modal.code, None, language.as_deref());
    Ok(Some(Command::SubmitCode(SubmitCode {
        actor: turn.actor.clone(),
        language: s.language,
        code: s.code,
        source: SubmissionSource::Modal,
        at,
    })))
}

/// Shows the outcome to the member who pressed.
async fn answer_press(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    button: Button,
    answer: String,
) -> Result<(), Error> {
    if button == Button::Submit {
        // The press was answered by opening the modal: the outcome is a follow-up.
        let follow = CreateInteractionResponseFollowup::new()
            .content(answer)
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new());
        press.create_followup(&ctx.http, follow).await?;
    } else {
        press
            .edit_response(
                &ctx.http,
                EditInteractionResponse::new()
                    .content(answer)
                    .allowed_mentions(CreateAllowedMentions::new()),
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ApproachExplained, CoachConfig, Event, InterviewStarted, Mode, Place, Platform, Problem,
    };

    fn started(mode: Mode) -> Event {
        Event::InterviewStarted(InterviewStarted {
            interview_id: uuid::Uuid::nil(),
            place: Place::Discord {
                guild: "1".into(),
                channel: "2".into(),
                thread: "3".into(),
            },
            candidate: maya(),
            problem: Problem::custom("Merge intervals"),
            language: Some("python".into()),
            difficulty: None,
            time_limit_minutes: None,
            mode,
            coach: CoachConfig {
                model: "m".into(),
                prompt_version: 1,
                rubric_version: 1,
            },
            at: Utc::now(),
        })
    }

    fn maya() -> Actor {
        Actor::new(Platform::Discord, "100", "Maya")
    }

    fn leo() -> Actor {
        Actor::new(Platform::Discord, "200", "Leo")
    }

    fn explained() -> Event {
        Event::ApproachExplained(ApproachExplained {
            actor: maya(),
            text: "sort then sweep".into(),
            at: Utc::now(),
        })
    }

    #[test]
    fn the_candidates_first_message_is_the_approach() {
        let i = Interview::from_events([&started(Mode::Solo)]);
        let cmd = message_command(&i, &maya(), "I'd sort by start", Utc::now());
        assert!(
            matches!(cmd, Some(Command::ExplainApproach { .. })),
            "{cmd:?}"
        );
    }

    #[test]
    fn later_messages_are_chat_and_fenced_blocks_are_submissions() {
        let (s, e) = (started(Mode::Solo), explained());
        let i = Interview::from_events([&s, &e]);
        let chat = message_command(&i, &maya(), "is O(n log n) ok?", Utc::now());
        assert!(
            matches!(chat, Some(Command::SendMessage { .. })),
            "{chat:?}"
        );
        let code = message_command(&i, &maya(), "```py\nprint(1)\n```", Utc::now());
        let Some(Command::SubmitCode(sub)) = code else {
            panic!("a submission: {code:?}")
        };
        assert_eq!(
            (sub.language.as_str(), sub.code.as_str(), sub.source),
            ("python", "print(1)", SubmissionSource::Message)
        );
    }

    #[test]
    fn watchers_are_ignored_in_solo_mode_and_chat_in_group_mode() {
        let solo = Interview::from_events([&started(Mode::Solo)]);
        assert_eq!(message_command(&solo, &leo(), "nice!", Utc::now()), None);
        assert_eq!(
            message_command(&solo, &leo(), "```py\nx\n```", Utc::now()),
            None
        );
        let group = Interview::from_events([&started(Mode::Group)]);
        let chat = message_command(&group, &leo(), "```py\nx\n```", Utc::now());
        assert!(
            matches!(chat, Some(Command::SendMessage { .. })),
            "{chat:?}"
        );
    }

    fn attachment(name: &str) -> serenity::Attachment {
        serde_json::from_value(serde_json::json!({
            "id": "1", "filename": name, "size": 10,
            "url": "https://cdn.example/x", "proxy_url": "https://cdn.example/x"
        }))
        .expect("an attachment")
    }

    #[test]
    fn a_lone_source_file_is_a_submission_and_other_files_are_not() {
        let code = [attachment("merge.py")];
        assert_eq!(
            code_attachment(&code).map(|a| a.filename.as_str()),
            Some("merge.py")
        );
        assert!(code_attachment(&[attachment("notes.txt")]).is_none());
        assert!(code_attachment(&[attachment("a.py"), attachment("b.py")]).is_none());
        assert!(code_attachment(&[]).is_none());
    }

    #[test]
    fn messages_outside_an_interview_mean_nothing() {
        assert_eq!(
            message_command(&Interview::default(), &maya(), "hi", Utc::now()),
            None
        );
    }
}
