//! What the adapter does with each thing Slack sends, after the transport has
//! acknowledged it: parse -> engine `Command` (with the Slack event id, action ts or
//! trigger id as idempotency key, so redeliveries append once) -> render. Refusals are
//! ephemeral replies to the person who tried; nothing is appended for them. Coach
//! answers are not posted here: the outbox posts them from the log.

use super::api::SlackApi;
use super::inbound::*;
use crate::domain::{
    self, Actor, CoachConfig, Command, Interview, Phase, Place, Platform, SubmissionSource,
    SubmitCode,
};
use crate::engine::{Engine, EngineError};
use crate::platforms::Services;
use crate::platforms::text::{language_from_filename, parse_code_block};
use crate::problems::ProblemBank;
use crate::queries::Queries;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

mod buttons;
mod command;
// issue 16: daily
mod daily;
mod duel; // issue 16: duel
mod peer;
mod practice;
mod run;

pub struct Handler {
    /// Writes.
    engine: Engine,
    /// Reads.
    queries: Queries,
    api: SlackApi,
    problems: Arc<ProblemBank>,
    coach: CoachConfig,
    /// Runs the candidate's code (`run` replies, the Run tests button and modal).
    runner: crate::runs::Runner,
    /// Trigger ids of slash commands being handled: a redelivered command must not post
    /// a second root message. A cache; the log's idempotency key is the guarantee.
    recent_commands: Mutex<VecDeque<String>>,
    /// The work spawned for each inbound request, waited for at shutdown; once closed
    /// (intake stopped) nothing new is taken.
    tasks: tokio_util::task::TaskTracker,
}

/// Where to show a refusal: this person, in this channel (and thread).
struct ReplyTo<'a> {
    channel: &'a str,
    user: &'a str,
    thread_ts: Option<&'a str>,
}

impl Handler {
    pub fn new(services: Services, api: SlackApi) -> Handler {
        Handler {
            engine: services.engine,
            queries: services.queries,
            api,
            problems: services.problems,
            coach: services.coach,
            runner: services.runner,
            recent_commands: Mutex::new(VecDeque::new()),
            tasks: tokio_util::task::TaskTracker::new(),
        }
    }

    /// Take no new request, and wait for those being handled (or `stop`).
    pub async fn stopped(&self, stop: &tokio_util::sync::CancellationToken) {
        self.tasks.close();
        tokio::select! {
            _ = self.tasks.wait() => {}
            _ = stop.cancelled() => {}
        }
    }

    /// Handle `inbound` in the background: the transport acks at once.
    pub fn spawn(self: &Arc<Self>, inbound: Inbound) {
        if inbound == Inbound::Ignored || self.tasks.is_closed() {
            return;
        }
        let handler = self.clone();
        self.tasks
            .spawn(async move { handler.handle(inbound).await });
    }

    pub async fn handle(&self, inbound: Inbound) {
        match inbound {
            Inbound::Command(c) => self.command(c).await,
            Inbound::Message(m) => self.message(m).await,
            Inbound::Button(b) => self.button(b).await,
            Inbound::Modal(m) => self.modal(m).await,
            // issue 16: daily
            Inbound::DailySolve(p) => self.daily_solve(p).await,
            Inbound::Duel(d) => self.duel_press(d).await, // issue 16: duel
            // issue 16: peer
            Inbound::PeerPress(p) => self.peer_press(p).await,
            Inbound::PeerForm(f) => self.peer_form(f).await,
            Inbound::Ignored => {}
        }
    }

    async fn tell(&self, to: &ReplyTo<'_>, text: &str) {
        if let Err(e) = self
            .api
            .post_ephemeral(to.channel, to.user, to.thread_ts, text)
            .await
        {
            tracing::warn!(error = %e, "could not post an ephemeral reply on Slack");
        }
    }

    /// Execute `command`; a refusal is told to the person (unless `quiet` says to
    /// ignore it). True when something was appended.
    async fn run(
        &self,
        place: &Place,
        command: Command,
        key: &str,
        to: &ReplyTo<'_>,
        quiet: impl Fn(&domain::DomainError) -> bool,
    ) -> bool {
        match self
            .engine
            .execute(&place.stream_id(), command, Some(key))
            .await
        {
            Ok(done) => !done.duplicate,
            Err(EngineError::Refused(e)) if quiet(&e) => false,
            Err(EngineError::Refused(e)) => {
                self.tell(to, &capitalise(&e.to_string())).await;
                false
            }
            Err(e) => {
                tracing::error!(error = %e, stream = %place.stream_id(), "Slack command failed");
                self.tell(to, "Something went wrong saving that; please try again.")
                    .await;
                false
            }
        }
    }

    async fn load(&self, place: &Place) -> Option<Interview> {
        match self.queries.interview(&place.stream_id()).await {
            Ok((state, _)) => state.started.is_some().then_some(state),
            Err(e) => {
                tracing::error!(error = %e, "cannot read an interview for Slack");
                None
            }
        }
    }

    async fn message(&self, m: ThreadMessage) {
        let place = Place::Slack {
            team: m.team.clone(),
            channel: m.channel.clone(),
            thread_ts: m.thread_ts.clone(),
        };
        // A reply in a thread that is not an interview's is none of our business.
        let Some(state) = self.load(&place).await else {
            return;
        };
        let Some(started) = state.started.as_ref() else {
            return;
        };
        let is_candidate = started.candidate.user_id == m.user.id;
        let name = if is_candidate {
            started.candidate.name.clone()
        } else {
            m.user.name.clone()
        };
        let actor = Actor::new(Platform::Slack, &m.user.id, name);
        let to = ReplyTo {
            channel: &m.channel,
            user: &m.user.id,
            thread_ts: Some(&m.thread_ts),
        };
        if let Some(reply) = super::run_reply::parse(&m.text) {
            let key = format!("slack:event:{}", m.event_id);
            let file = m.files.first();
            return self.run_reply(&place, actor, reply, file, &key, &to).await;
        }
        // A snippet shared by the candidate is a submission (code too long for a message).
        let snippet = match m.files.first().filter(|_| is_candidate) {
            Some(file) => match self.download(file, &to).await {
                Some(code) => Some((file, code)),
                None => return,
            },
            None => None,
        };
        let at = self.engine.now();
        let command = message_command(&state, actor, is_candidate, &m.text, snippet, at);
        let key = format!("slack:event:{}", m.event_id);
        // In a solo interview others' messages are simply not for the coach.
        let quiet =
            |e: &domain::DomainError| matches!(e, domain::DomainError::NotParticipant { .. });
        self.run(&place, command, &key, &to, quiet).await;
    }

    /// The text of a shared file; `None` when it cannot be read (the member was told).
    async fn download(&self, file: &SharedFile, to: &ReplyTo<'_>) -> Option<String> {
        match self.api.download(&file.url).await {
            Ok(code) => Some(code),
            Err(e) => {
                tracing::warn!(error = %e, "could not download a shared Slack file");
                let why =
                    "I could not read that file; paste the code as a ```code block``` instead.";
                self.tell(to, why).await;
                None
            }
        }
    }

    async fn modal(&self, m: ModalSubmission) {
        let place = Place::Slack {
            team: m.team.clone(),
            channel: m.channel.clone(),
            thread_ts: m.thread_ts.clone(),
        };
        let to = ReplyTo {
            channel: &m.channel,
            user: &m.user.id,
            thread_ts: Some(&m.thread_ts),
        };
        let Some(state) = self.load(&place).await else {
            return;
        };
        let actor = Actor::new(Platform::Slack, &m.user.id, &m.user.name);
        let at = self.engine.now();
        let key = format!("slack:view:{}", m.view_id);
        let command = match m.kind {
            ModalKind::Run => {
                return self.run_modal(&place, actor, &m, &key, &to).await;
            }
            ModalKind::Approach => Command::ExplainApproach {
                actor,
                text: m.text.clone(),
                at,
            },
            ModalKind::Submit => Command::SubmitCode(SubmitCode {
                actor,
                language: m
                    .language
                    .clone()
                    .or_else(|| state.started.as_ref().and_then(|s| s.language.clone()))
                    .unwrap_or_else(|| "text".to_string()),
                code: m.text.clone(),
                source: SubmissionSource::Modal,
                at,
            }),
        };
        self.run(&place, command, &key, &to, |_| false).await;
    }
}

/// What a reply in an interview's thread means: a submission (a shared snippet or a
/// fenced block), the approach (the candidate's first message before any), or chat.
fn message_command(
    state: &Interview,
    actor: Actor,
    is_candidate: bool,
    text: &str,
    snippet: Option<(&SharedFile, String)>,
    at: chrono::DateTime<chrono::Utc>,
) -> Command {
    let language = state.started.as_ref().and_then(|s| s.language.clone());
    if let Some((file, code)) = snippet {
        let language = language_from_filename(&file.name)
            .map(str::to_string)
            .or_else(|| file.filetype.clone().filter(|t| t != "text"))
            .or(language);
        Command::SubmitCode(SubmitCode {
            actor,
            language: language.unwrap_or_else(|| "text".to_string()),
            code,
            source: SubmissionSource::Attachment,
            at,
        })
    } else if let Some(block) = parse_code_block(text) {
        Command::SubmitCode(SubmitCode {
            actor,
            language: block
                .language
                .or(language)
                .unwrap_or_else(|| "text".to_string()),
            code: block.code,
            source: SubmissionSource::Message,
            at,
        })
    } else if is_candidate && state.phase() == Phase::Approach && !state.approach_explained {
        Command::ExplainApproach {
            actor,
            text: text.to_string(),
            at,
        }
    } else {
        Command::SendMessage {
            actor,
            text: text.to_string(),
            at,
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
