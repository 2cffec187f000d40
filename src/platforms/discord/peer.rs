//! Peer interviews on Discord (issue 16): `/interview start interviewer: @member` makes
//! the author the candidate and the member the interviewer. The thread gets the
//! problem (as in a solo interview) and a note with the **Interviewer panel** button;
//! the interviewer's press answers privately with the brief and the panel (reveal the
//! next hint, ask the next suggested question, ask the coach privately or aloud, end,
//! leave). After the end the summary carries **Fill rubric**, **Rate interviewer** and
//! **Swap roles** (`peer_end.rs`).
//!
//! Thin: each press becomes a `PeerCommand` through the engine, keyed by the
//! interaction id; a refusal (a stranger pressing the interviewer's buttons) is a
//! private message and appends nothing. It never decides a rule, and it never shows the
//! brief or a private coach answer to anyone but the interviewer.

use super::auth::{NOT_AN_INTERVIEW, capitalise};
use super::flow::{self, Turn};
use super::ids::actor_of;
use super::render::{Body, Button, EmbedView, Post};
use super::send;
use super::{Data, Error};
use crate::domain::{Command, DomainError, EndBy, Interview, PeerCommand, Problem};
use crate::engine::{EngineError, Executed};
use crate::practice::peer as brief;
use crate::problems::ProblemBank;
use poise::serenity_prelude as serenity;
use serenity::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage,
};
use std::time::Duration;

/// The buttons of a peer interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerButton {
    Panel,
    Hint,
    Question,
    AskCoach,
    AskAloud,
    End,
    Leave,
    Rubric,
    Rate,
    Swap,
}

impl PeerButton {
    const ALL: [PeerButton; 10] = [
        PeerButton::Panel,
        PeerButton::Hint,
        PeerButton::Question,
        PeerButton::AskCoach,
        PeerButton::AskAloud,
        PeerButton::End,
        PeerButton::Leave,
        PeerButton::Rubric,
        PeerButton::Rate,
        PeerButton::Swap,
    ];

    pub fn custom_id(self) -> &'static str {
        match self {
            PeerButton::Panel => "peer:panel",
            PeerButton::Hint => "peer:hint",
            PeerButton::Question => "peer:question",
            PeerButton::AskCoach => "peer:ask-coach",
            PeerButton::AskAloud => "peer:ask-aloud",
            PeerButton::End => "peer:end",
            PeerButton::Leave => "peer:leave",
            PeerButton::Rubric => "peer:rubric",
            PeerButton::Rate => "peer:rate",
            PeerButton::Swap => "peer:swap",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PeerButton::Panel => "Interviewer panel",
            PeerButton::Hint => "Reveal next hint",
            PeerButton::Question => "Ask next question",
            PeerButton::AskCoach => "Ask the coach (private)",
            PeerButton::AskAloud => "Let the coach speak",
            PeerButton::End => "End",
            PeerButton::Leave => "Leave",
            PeerButton::Rubric => "Fill rubric",
            PeerButton::Rate => "Rate interviewer",
            PeerButton::Swap => "Swap roles",
        }
    }

    pub fn from_custom_id(id: &str) -> Option<PeerButton> {
        PeerButton::ALL.into_iter().find(|b| b.custom_id() == id)
    }
}

/// The interviewer's panel while the interview runs.
const PANEL: [PeerButton; 6] = [
    PeerButton::Hint,
    PeerButton::Question,
    PeerButton::AskCoach,
    PeerButton::AskAloud,
    PeerButton::End,
    PeerButton::Leave,
];

/// The buttons once it has ended.
pub const AFTER: [PeerButton; 3] = [PeerButton::Rubric, PeerButton::Rate, PeerButton::Swap];

fn buttons(peer: &[PeerButton]) -> Vec<Button> {
    peer.iter().copied().map(Button::Peer).collect()
}

/// The note posted in the thread after the problem: who interviews whom, and the
/// interviewer's button.
pub fn intro_post(candidate: &str, interviewer: &str) -> Post {
    Post {
        body: Body::Text(vec![format!(
            "🤝 Peer interview: <@{interviewer}> interviews <@{candidate}>. The coach stays quiet \
             unless the interviewer asks it to speak; it reviews each submission silently and \
             writes its own assessment at the end. <@{interviewer}>: press **Interviewer panel** \
             for the brief (only you see it)."
        )]),
        buttons: buttons(&[PeerButton::Panel]),
    }
}

/// Posts the problem and the peer note in a new peer interview's thread, keyed by
/// `key` (nonces), and returns nothing else.
pub async fn announce(
    http: &serenity::Http,
    thread: serenity::ChannelId,
    statement: &str,
    executed: &Executed,
    key: &str,
) -> Result<(), Error> {
    let state = &executed.state;
    let (Some(started), Some(peer)) = (state.started.as_ref(), state.peer.as_ref()) else {
        return Ok(());
    };
    let post = super::render::problem_post(
        &started.candidate.user_id,
        statement,
        started.language.as_deref(),
        state.deadline(),
        super::render::interview_buttons(state)
            .into_iter()
            .filter(|b| *b != Button::Hint)
            .collect(),
    );
    send::send_post(http, thread, &post, Some(&format!("start:{key}"))).await?;
    let note = intro_post(&started.candidate.user_id, &peer.interviewer.user_id);
    send::send_post(http, thread, &note, Some(&format!("peer:{key}"))).await?;
    Ok(())
}

/// A press on a peer button in an interview thread.
pub async fn press(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    guild: serenity::GuildId,
    button: PeerButton,
) -> Result<(), Error> {
    let turn = Turn::at(
        &data.queries,
        guild,
        press.channel_id,
        actor_of(&press.user),
    )
    .await?;
    if let Err(why) = may_press(&turn.interview, &turn, button) {
        return reply(ctx, press, &why, true).await;
    }
    let at = data.engine.now();
    let by = turn.actor.clone();
    let (command, public) = match button {
        PeerButton::Panel => return panel(ctx, data, press, &turn.interview).await,
        PeerButton::AskCoach | PeerButton::AskAloud => {
            return super::peer_end::ask_coach(ctx, data, press, &turn, button).await;
        }
        PeerButton::Rubric => return super::peer_end::rubric(ctx, data, press, &turn).await,
        PeerButton::Rate => return super::peer_end::rate(ctx, data, press, &turn).await,
        PeerButton::Swap => return super::peer_end::swap(ctx, data, press, &turn).await,
        PeerButton::Hint => (
            PeerCommand::RevealHint {
                by,
                max_hints: flow::max_hints(&data.problems, &turn.interview),
                at,
            },
            true,
        ),
        PeerButton::Question => {
            let asked = turn
                .interview
                .peer
                .as_ref()
                .map_or(0, |p| p.questions_asked);
            let follow_ups = suggested(&data.problems, &turn.interview);
            let question = brief::next_question(&follow_ups, asked)
                .unwrap_or("How would you test your solution?")
                .to_string();
            (PeerCommand::AskQuestion { by, question, at }, true)
        }
        PeerButton::Leave => (PeerCommand::Leave { by, at }, true),
        PeerButton::End => {
            let command = Command::EndInterview {
                by: EndBy::Member(by),
                at,
            };
            return run(ctx, data, press, &turn, command, true).await;
        }
    };
    run(ctx, data, press, &turn, Command::Peer(command), public).await
}

/// Refuses a press on a button that is not the presser's, before anything else.
fn may_press(interview: &Interview, turn: &Turn, button: PeerButton) -> Result<(), String> {
    let Some(started) = interview.started.as_ref() else {
        return Err(capitalise(NOT_AN_INTERVIEW));
    };
    let Some(peer) = interview.peer.as_ref() else {
        return Err(capitalise(&DomainError::NotPeer.to_string()));
    };
    let is_candidate = started.candidate.same_person(&turn.actor);
    let is_interviewer = peer.interviewer.same_person(&turn.actor);
    let allowed = match button {
        PeerButton::Rate => is_candidate,
        PeerButton::Swap => is_candidate || is_interviewer,
        PeerButton::End => is_candidate || is_interviewer,
        _ => is_interviewer,
    };
    if allowed {
        return Ok(());
    }
    let why = match button {
        PeerButton::Rate => DomainError::OnlyCandidate {
            candidate: started.candidate.name.clone(),
        }
        .to_string(),
        PeerButton::Swap | PeerButton::End => format!(
            "only {} and {} can do that in this interview",
            started.candidate.name, peer.interviewer.name
        ),
        _ => DomainError::OnlyInterviewer {
            interviewer: peer.interviewer.name.clone(),
        }
        .to_string(),
    };
    Err(capitalise(&why))
}

/// Executes `command` for the press and answers: what it did, in the thread when
/// `public`, else privately; a refusal privately.
async fn run(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    turn: &Turn,
    command: Command,
    public: bool,
) -> Result<(), Error> {
    let key = press.id.to_string();
    match data.engine.execute(&turn.stream, command, Some(&key)).await {
        Ok(executed) => {
            let said = executed.events.iter().find_map(|r| {
                brief::thread_line(
                    &ladder(&data.problems, &executed.state),
                    &executed.state,
                    &r.event,
                )
            });
            let text = said.unwrap_or_else(|| "Done.".to_string());
            let after = executed.state.ended.is_some();
            let mut message = CreateInteractionResponseMessage::new()
                .content(truncate(&text))
                .ephemeral(!public)
                .allowed_mentions(CreateAllowedMentions::new());
            if after {
                message = message.components(send::components(&buttons(&AFTER)));
            }
            press
                .create_response(&ctx.http, CreateInteractionResponse::Message(message))
                .await?;
            Ok(())
        }
        Err(EngineError::Refused(why)) => {
            reply(ctx, press, &capitalise(&why.to_string()), true).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The hint ladder of the interview's bank problem (empty for one's own problem).
pub fn ladder(bank: &ProblemBank, state: &Interview) -> Vec<String> {
    bank_problem(bank, state).map_or_else(Vec::new, |p| p.hints.clone())
}

pub fn bank_problem<'a>(
    bank: &'a ProblemBank,
    state: &Interview,
) -> Option<&'a crate::problems::BankProblem> {
    match &state.started.as_ref()?.problem {
        Problem::Bank { id, version, .. } => {
            bank.get_version(id, *version).or_else(|| bank.get(id))
        }
        Problem::Custom { .. } => None,
    }
}

fn suggested(bank: &ProblemBank, state: &Interview) -> Vec<String> {
    bank_problem(bank, state).map_or_else(Vec::new, brief::follow_ups)
}

/// The interviewer's private brief and panel.
async fn panel(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    interview: &Interview,
) -> Result<(), Error> {
    let embeds = brief_embeds(&data.problems, interview)
        .iter()
        .map(send::embed)
        .collect();
    let row = if interview.ended.is_some() {
        buttons(&AFTER)
    } else {
        buttons(&PANEL)
    };
    let message = CreateInteractionResponseMessage::new()
        .content("Your brief (only you see it). The candidate sees only the statement.")
        .embeds(embeds)
        .components(send::components(&row))
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new());
    press
        .create_response(&ctx.http, CreateInteractionResponse::Message(message))
        .await?;
    Ok(())
}

/// The brief as embeds, within Discord's 6,000 characters for all of them.
pub fn brief_embeds(bank: &ProblemBank, interview: &Interview) -> Vec<EmbedView> {
    let Some(problem) = bank_problem(bank, interview) else {
        let statement = interview
            .started
            .as_ref()
            .map(|s| s.problem.title().to_string())
            .unwrap_or_default();
        return vec![embed("The problem (the candidate's own)", &statement, 3000)];
    };
    let b = brief::brief(problem);
    let numbered = |items: &[String]| {
        items
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}. {h}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    vec![
        embed(&b.title, &b.statement, 1800),
        embed(
            "Hint ladder (reveal one rung at a time)",
            &numbered(&b.hints),
            900,
        ),
        embed("Reference approach", &b.reference_approach, 400),
        embed(
            "Suggested follow-up questions",
            &numbered(&b.follow_ups),
            900,
        ),
        embed("Rubric (bands 1-4)", b.rubric, 1900),
    ]
}

fn embed(title: &str, text: &str, max: usize) -> EmbedView {
    EmbedView {
        title: title.to_string(),
        description: truncate_to(text, max),
        color: 0xFEE75C,
        ..EmbedView::default()
    }
}

fn truncate_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A message's content within Discord's 2,000 characters.
pub fn truncate(text: &str) -> String {
    truncate_to(text, 1990)
}

/// Answers a press privately (or not) with `text`.
pub async fn reply(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    text: &str,
    private: bool,
) -> Result<(), Error> {
    let message = CreateInteractionResponseMessage::new()
        .content(truncate(text))
        .ephemeral(private)
        .allowed_mentions(CreateAllowedMentions::new());
    press
        .create_response(&ctx.http, CreateInteractionResponse::Message(message))
        .await?;
    Ok(())
}

/// A follow-up to a press already answered (by a modal).
pub async fn follow_up(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    text: &str,
    private: bool,
) -> Result<(), Error> {
    let follow = CreateInteractionResponseFollowup::new()
        .content(truncate(text))
        .ephemeral(private)
        .allowed_mentions(CreateAllowedMentions::new());
    press.create_followup(&ctx.http, follow).await?;
    Ok(())
}

/// How long a private question to the coach is waited for before the interviewer is
/// told to look again later.
pub const COACH_ANSWER_WAIT: Duration = Duration::from_secs(120);

/// The summary post of a peer interview: the coach's summary with the interviewer's
/// rubric beside it (once filled), and the buttons of the end.
pub fn summary_post(s: &crate::domain::SummaryWritten, peer: &crate::domain::PeerState) -> Post {
    let rows = brief::compare(peer.rubric.as_ref().map(|r| &r.rubric), Some(&s.rubric));
    let side = match &peer.rubric {
        Some(r) if r.notes.is_empty() => brief::comparison_lines(&rows),
        Some(r) => format!("{}\nNotes: {}", brief::comparison_lines(&rows), r.notes),
        None => format!(
            "Waiting for {}'s rubric (**Fill rubric**).",
            peer.interviewer.name
        ),
    };
    let view = super::render::summary_embed(s);
    let view = view.field("Interviewer vs coach", &side, false).fit();
    Post {
        body: Body::Embed(view),
        buttons: buttons(&AFTER),
    }
}
