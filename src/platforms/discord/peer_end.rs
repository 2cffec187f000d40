//! The forms of a peer interview on Discord (issue 16): asking the coach (a modal; a
//! private answer is awaited on the engine's feed and sent to the interviewer alone),
//! the interviewer's rubric and the candidate's rating of the interviewer (modals,
//! checked by a dry run before they open, so a refusal never costs typing), and Swap
//! roles (a new thread where the two trade places, on a problem neither has done).
//!
//! Thin: parse the form, one `PeerCommand` through the engine keyed by the press, and
//! answer. Bad input gets a private message and appends nothing.

use super::auth::capitalise;
use super::flow::Turn;
use super::peer::{COACH_ANSWER_WAIT, PeerButton, follow_up, reply};
use super::{Data, Error};
use crate::domain::{Band, Command, Event, PeerCommand, PeerRubric};
use crate::engine::EngineError;
use crate::practice::peer as brief;
use poise::serenity_prelude as serenity;
use std::time::Duration;

/// How long a form stays open.
const FORM_TIMEOUT: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, poise::Modal)]
#[name = "Ask the coach"]
struct AskModal {
    #[name = "Your question"]
    #[placeholder = "Is this O(n)? What should I ask next?"]
    #[paragraph]
    #[max_length = 2000]
    question: String,
}

#[derive(Debug, poise::Modal)]
#[name = "Rubric: bands 1-4"]
struct RubricModal {
    #[name = "Communication (1-4)"]
    #[placeholder = "1 not yet · 2 developing · 3 solid · 4 strong"]
    #[max_length = 12]
    communication: String,
    #[name = "Problem solving (1-4)"]
    #[max_length = 12]
    problem_solving: String,
    #[name = "Technical competency (1-4)"]
    #[max_length = 12]
    technical_competency: String,
    #[name = "Testing (1-4)"]
    #[max_length = 12]
    testing: String,
    #[name = "Notes for the candidate"]
    #[paragraph]
    #[max_length = 2000]
    notes: Option<String>,
}

#[derive(Debug, poise::Modal)]
#[name = "Rate your interviewer"]
struct RateModal {
    #[name = "Stars (1-5)"]
    #[max_length = 1]
    stars: String,
    #[name = "A note for them"]
    #[paragraph]
    #[max_length = 1000]
    note: Option<String>,
}

/// Asks the coach privately (`AskCoach`) or aloud (`AskAloud`).
pub async fn ask_coach(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
    button: PeerButton,
) -> Result<(), Error> {
    let aloud = button == PeerButton::AskAloud;
    let probe = PeerCommand::AskCoach {
        by: turn.actor.clone(),
        question: "?".into(),
        aloud,
        at: data.engine.now(),
    };
    if let Err(why) = data.engine.check(&turn.interview, Command::Peer(probe)) {
        return reply(ctx, press, &capitalise(&why.to_string()), true).await;
    }
    let Some(form) = poise::execute_modal_on_component_interaction::<AskModal>(
        ctx,
        press.clone(),
        None,
        Some(FORM_TIMEOUT),
    )
    .await?
    else {
        return Ok(());
    };
    // Listen before appending, so the answer cannot slip past.
    let mut feed = data.engine.listen();
    let command = PeerCommand::AskCoach {
        by: turn.actor.clone(),
        question: form.question,
        aloud,
        at: data.engine.now(),
    };
    let key = press.id.to_string();
    let asked = match data
        .engine
        .execute(&turn.stream, Command::Peer(command), Some(&key))
        .await
    {
        Ok(executed) => executed.events.last().map(|r| r.version),
        Err(EngineError::Refused(why)) => {
            return follow_up(ctx, press, &capitalise(&why.to_string()), true).await;
        }
        Err(e) => return Err(e.into()),
    };
    if aloud {
        return follow_up(ctx, press, "Asked: the coach answers in the thread.", true).await;
    }
    let Some(version) = asked else {
        return Ok(());
    };
    let answer = tokio::time::timeout(COACH_ANSWER_WAIT, async {
        loop {
            match feed.recv().await {
                Ok(r) if r.stream_id == turn.stream && r.event.reply_to() == Some(version) => {
                    return Some(r.event.clone());
                }
                Ok(_) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    })
    .await
    .ok()
    .flatten();
    let text = match answer {
        Some(Event::CoachReplied(e)) => format!("🤫 The coach (only you see this):\n{}", e.text),
        Some(Event::CoachFailed(e)) => format!("⚠️ The coach could not answer: {}", e.message),
        _ => "The coach is still thinking; ask again in a minute.".to_string(),
    };
    follow_up(ctx, press, &text, true).await
}

/// The interviewer's rubric: checked, then the form, then the side-by-side in the thread.
pub async fn rubric(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
) -> Result<(), Error> {
    let band = Band::new(1).map_err(anyhow::Error::msg)?;
    let probe = |notes: String, rubric: PeerRubric| PeerCommand::FillRubric {
        by: turn.actor.clone(),
        rubric,
        notes,
        at: data.engine.now(),
    };
    let any = PeerRubric {
        communication: band,
        problem_solving: band,
        technical_competency: band,
        testing: band,
    };
    if let Err(why) = data
        .engine
        .check(&turn.interview, Command::Peer(probe(String::new(), any)))
    {
        return reply(ctx, press, &capitalise(&why.to_string()), true).await;
    }
    let Some(form) = poise::execute_modal_on_component_interaction::<RubricModal>(
        ctx,
        press.clone(),
        None,
        Some(FORM_TIMEOUT),
    )
    .await?
    else {
        return Ok(());
    };
    let rubric = match read_rubric(&form) {
        Ok(r) => r,
        Err(why) => return follow_up(ctx, press, &why, true).await,
    };
    let command = probe(form.notes.unwrap_or_default(), rubric);
    let key = press.id.to_string();
    match data
        .engine
        .execute(&turn.stream, Command::Peer(command), Some(&key))
        .await
    {
        Ok(executed) => {
            let coach = executed
                .state
                .peer
                .as_ref()
                .and_then(|p| p.coach_rubric.clone());
            let text = brief::rubric_reply(&turn.actor.name, &rubric, coach.as_ref());
            follow_up(ctx, press, &text, false).await
        }
        Err(EngineError::Refused(why)) => {
            follow_up(ctx, press, &capitalise(&why.to_string()), true).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The four bands typed into the form, or the message naming the first bad one.
fn read_rubric(form: &RubricModal) -> Result<PeerRubric, String> {
    let read = |name: &str, text: &str| {
        brief::parse_band(text).ok_or_else(|| {
            format!(
                "{name} must be a band from 1 to 4 (or not yet, developing, solid, strong); \
                 you wrote {:?}. Nothing was saved: press **Fill rubric** again.",
                text.trim()
            )
        })
    };
    Ok(PeerRubric {
        communication: read("Communication", &form.communication)?,
        problem_solving: read("Problem solving", &form.problem_solving)?,
        technical_competency: read("Technical competency", &form.technical_competency)?,
        testing: read("Testing", &form.testing)?,
    })
}

/// The candidate's rating of the interviewer.
pub async fn rate(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
) -> Result<(), Error> {
    let command = |stars: u8, note: String| PeerCommand::RateInterviewer {
        by: turn.actor.clone(),
        stars,
        note,
        at: data.engine.now(),
    };
    if let Err(why) = data
        .engine
        .check(&turn.interview, Command::Peer(command(5, String::new())))
    {
        return reply(ctx, press, &capitalise(&why.to_string()), true).await;
    }
    let Some(form) = poise::execute_modal_on_component_interaction::<RateModal>(
        ctx,
        press.clone(),
        None,
        Some(FORM_TIMEOUT),
    )
    .await?
    else {
        return Ok(());
    };
    let Some(stars) = form
        .stars
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=5).contains(s))
    else {
        let why = format!(
            "Stars must be a whole number from 1 to 5; you wrote {:?}. Nothing was saved: press **Rate interviewer** again.",
            form.stars.trim()
        );
        return follow_up(ctx, press, &why, true).await;
    };
    let key = press.id.to_string();
    let answer = match data
        .engine
        .execute(
            &turn.stream,
            Command::Peer(command(stars, form.note.unwrap_or_default())),
            Some(&key),
        )
        .await
    {
        Ok(_) => format!("Thanks! Your {stars}/5 goes into your interviewer's stats."),
        Err(EngineError::Refused(why)) => capitalise(&why.to_string()),
        Err(e) => return Err(e.into()),
    };
    follow_up(ctx, press, &answer, true).await
}

/// Swap roles: the mirrored interview in a new thread, on a problem neither has done.
pub async fn swap(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
) -> Result<(), Error> {
    super::peer_swap::swap(ctx, data, press, turn).await
}
