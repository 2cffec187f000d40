//! One WebSocket connection on one interview stream: client messages become engine
//! commands (thin: parse -> command -> render), and the stream's events, replayed from
//! the log and then live from the hub, become frames, each version exactly once and in
//! order.
//!
//! The session pings its client every `WS_PING_SECONDS`; a client from which nothing,
//! not even a pong, has come by the next ping is closed (4408). Starting an interview
//! and asking for a coach turn are counted against the client network's spend limits
//! (`spend`) before the engine sees them; a refusal is an `error` frame and appends
//! nothing.
//!
//! A session never appends except through `Engine::execute`, never trusts the hub to
//! be complete (a gap or a lag is filled from the log), and never holds more than its
//! bounded queues.

use super::limit::TokenBucket;
use super::outbox::{Outbox, Stop};
use super::protocol::{self, Frame, Inbound};
use super::render::{self, Renderer};
use super::role::{Role, WATCH_ONLY};
use crate::domain::*;
use crate::engine::EngineError;
use crate::platforms::web::Web;
use crate::platforms::web::client::ClientNetwork;
use crate::platforms::web::hub::{Delivery, Next, Subscription};
use crate::platforms::web::spend::Spend;
use crate::queries::RecordedEvent;
use axum::extract::ws::{Message, WebSocket};
use futures::StreamExt;
use futures::stream::SplitStream;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Messages a client may send in a burst, and the window that refills it.
const RATE_BURST: u32 = 20;
const RATE_WINDOW: Duration = Duration::from_secs(10);

pub struct Session {
    pub web: Web,
    pub stream: StreamId,
    pub interview_id: Uuid,
    /// Who the commands of this socket are from: the interview's candidate.
    pub actor: Actor,
    /// Whether this socket may act at all (a watcher's every action is refused).
    pub role: Role,
    pub sub: Subscription,
    pub renderer: Renderer,
    pub out: Outbox,
    bucket: TokenBucket,
    /// Where the client connects from, for the spend limits.
    client: ClientNetwork,
}

/// How a session ended, for the close frame.
pub enum End {
    Normal,
    Stopped(Stop),
    /// The log could not be read: the client should reconnect and replay.
    StoreFailed,
    ShuttingDown,
    /// Nothing came from the client between two pings.
    NoPong,
}

impl Session {
    pub fn new(
        web: Web,
        stream: StreamId,
        interview_id: Uuid,
        (actor, role): (Actor, Role),
        out: Outbox,
        client: ClientNetwork,
    ) -> Self {
        let sub = web.hub().subscribe(stream.as_str());
        Session {
            web,
            stream,
            interview_id,
            actor,
            role,
            sub,
            renderer: Renderer::default(),
            out,
            bucket: TokenBucket::new(RATE_BURST, RATE_WINDOW, Instant::now()),
            client,
        }
    }

    pub async fn send(&self, frame: Frame) -> Result<(), End> {
        self.out.send(&frame).await.map_err(End::Stopped)
    }

    pub async fn error(&self, message: impl Into<String>) -> Result<(), End> {
        self.send(Frame::error(message, self.web.engine().now()))
            .await
    }

    /// Serve the connection until it closes; then close it with the right code.
    pub async fn serve(mut self, incoming: SplitStream<WebSocket>) {
        let end = match self.run(incoming).await {
            Ok(()) => End::Normal,
            Err(end) => end,
        };
        let stop = match end {
            End::Stopped(stop) => Some(stop),
            End::StoreFailed => {
                let _ = self.error("Lost contact with the interview log; reconnecting should pick up where you left off.").await;
                self.out.close(1011, "store unavailable").await;
                None
            }
            End::ShuttingDown => {
                self.out.close(1001, "server restarting").await;
                None
            }
            End::NoPong => {
                self.out.close(4408, "no pong").await;
                None
            }
            End::Normal => None,
        };
        let Session { out, sub, .. } = self;
        drop(sub);
        out.finish(stop).await;
    }

    async fn run(&mut self, mut incoming: SplitStream<WebSocket>) -> Result<(), End> {
        let shutdown = self.web.shutdown().clone();
        let every = self.web.ws_ping();
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Whether anything came from the client since the last ping.
        let mut heard = true;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return Err(End::ShuttingDown),
                _ = ping.tick() => {
                    if !heard {
                        return Err(End::NoPong);
                    }
                    heard = false;
                    self.out.ping().await.map_err(End::Stopped)?;
                }
                message = incoming.next() => {
                    heard = true;
                    match message {
                        Some(Ok(Message::Text(text))) => self.on_text(text.as_str()).await?,
                        Some(Ok(Message::Binary(_))) => {
                            if self.allowed().await? {
                                self.error("Messages must be JSON text frames.").await?;
                            }
                        }
                        Some(Ok(Message::Close(_))) | None => return Ok(()),
                        Some(Ok(_)) => {}
                        Some(Err(e)) => return self.read_failed(&e).await,
                    }
                }
                next = self.sub.next() => match next {
                    Next::Delivery(Delivery::Event(e)) => self.on_event(&e).await?,
                    Next::Delivery(Delivery::Progress(p)) => self.send(render::progress(&p)).await?,
                    Next::Lagged => self.catch_up().await?,
                    Next::Closed => return Err(End::ShuttingDown),
                },
            }
        }
    }

    /// Close a socket whose frame could not be read: too big (1009) or malformed (1002).
    async fn read_failed(&self, e: &axum::Error) -> Result<(), End> {
        tracing::debug!(error = %e, stream = %self.stream, "websocket read failed");
        let too_big = e.to_string().contains("limit");
        let (code, reason) = if too_big {
            (1009, "message too big (limit 1 MiB)")
        } else {
            (1002, "protocol error")
        };
        self.out.close(code, reason).await;
        Ok(())
    }

    /// Take a rate-limit token, or tell the client to slow down.
    async fn allowed(&mut self) -> Result<bool, End> {
        if self.bucket.take(Instant::now()) {
            return Ok(true);
        }
        self.error("Slow down: too many messages. Wait a few seconds, then send it again.")
            .await?;
        Ok(false)
    }

    async fn on_text(&mut self, text: &str) -> Result<(), End> {
        if !self.allowed().await? {
            return Ok(());
        }
        if !self.role.may_act() {
            return self.error(WATCH_ONLY).await;
        }
        let message = match protocol::parse(text) {
            Ok(m) => m,
            Err(why) => return self.error(why).await,
        };
        if let Some(what) = self.spends(&message.inbound)
            && let Err(refusal) = self.web.spend().check(what, self.client.0)
        {
            return self.error(refusal.to_string()).await;
        }
        if let Inbound::RunCode {
            code,
            language,
            custom_input,
        } = message.inbound
        {
            return self.run_code(code, language, custom_input).await;
        }
        let command = match self.command(message.inbound) {
            Ok(command) => command,
            Err(why) => return self.error(why).await,
        };
        if let Command::StartInterview(start) = &command {
            self.renderer.statement = self.statement_of(&start.problem);
        }
        let key = message.id.map(|id| format!("web:{}:{id}", self.stream));
        let result = self
            .web
            .engine()
            .execute(&self.stream, command, key.as_deref())
            .await;
        match result {
            Ok(done) => {
                if !done.duplicate {
                    for e in done.events.iter().filter(|e| e.event.actor().is_some()) {
                        self.renderer.mark_own(e.version);
                    }
                }
                for e in &done.events {
                    self.on_event(e).await?;
                }
                Ok(())
            }
            Err(EngineError::Refused(why)) => self.error(sentence(&why.to_string())).await,
            Err(EngineError::Contention) => {
                self.error("The interview is busy; please send that again.")
                    .await
            }
            Err(EngineError::Store(e)) => {
                tracing::error!(error = %e, stream = %self.stream, "web command could not be stored");
                self.error("Could not save that right now; please try again.")
                    .await
            }
        }
    }

    /// What `inbound` costs in coach tokens: a start (only while the interview does not
    /// exist yet; a second one is refused by the engine anyway), a turn, or nothing
    /// (ending an interview, which happens once).
    fn spends(&self, inbound: &Inbound) -> Option<Spend> {
        match inbound {
            Inbound::ProblemDescription { .. } => {
                (self.renderer.version() == 0).then_some(Spend::Start)
            }
            Inbound::EndSession {} | Inbound::RunCode { .. } => None,
            Inbound::Explanation { .. }
            | Inbound::CodeSubmission { .. }
            | Inbound::Message { .. }
            | Inbound::Hint {}
            | Inbound::Retry {} => Some(Spend::Turn),
        }
    }

    /// The command of `inbound`, or why there is none (a bank pick that matches
    /// nothing). `run_code` is not a command: see [`Session::run_code`].
    fn command(&self, inbound: Inbound) -> Result<Command, String> {
        let actor = self.actor.clone();
        let at = self.web.engine().now();
        Ok(match inbound {
            Inbound::ProblemDescription {
                content,
                problem_id,
                difficulty,
                topic,
                surprise,
            } => {
                let pick = super::pick::Pick {
                    problem_id,
                    difficulty,
                    topic,
                    surprise,
                };
                let (problem, difficulty, minutes) = match pick.is_bank() {
                    true => pick.choose(self.web.problems())?,
                    false => (Problem::custom(&content), None, None),
                };
                Command::StartInterview(StartInterview {
                    interview_id: self.interview_id,
                    place: Place::Web {
                        session: self.interview_id.to_string(),
                    },
                    candidate: actor,
                    problem,
                    language: None,
                    difficulty,
                    time_limit_minutes: minutes,
                    mode: Mode::Solo,
                    coach: self.web.coach_config(),
                    at,
                })
            }
            Inbound::Explanation { content } => Command::ExplainApproach {
                actor,
                text: content,
                at,
            },
            Inbound::CodeSubmission { code, language } => Command::SubmitCode(SubmitCode {
                actor,
                language,
                code,
                source: SubmissionSource::Editor,
                at,
            }),
            Inbound::Message { content } => Command::SendMessage {
                actor,
                text: content,
                at,
            },
            Inbound::EndSession {} => Command::EndInterview {
                by: EndBy::Member(actor),
                at,
            },
            Inbound::Hint {} => Command::RequestHint {
                actor,
                max_hints: None,
                at,
            },
            Inbound::Retry {} => Command::RetryCoach { actor, at },
            Inbound::RunCode { .. } => return Err("run_code is not a command".into()),
        })
    }

    /// The statement of the interview's problem when it is a bank problem.
    pub fn bank_statement(&self) -> Option<String> {
        let started = self.renderer.state.started.as_ref()?;
        self.statement_of(&started.problem)
    }

    fn statement_of(&self, problem: &Problem) -> Option<String> {
        match problem {
            Problem::Bank { id, version, .. } => self
                .web
                .problems()
                .get_version(id, *version)
                .map(|p| p.full_statement()),
            Problem::Custom { .. } => None,
        }
    }

    /// `run_code`: checked now (a refusal is an `error` frame and appends nothing), then
    /// run in the background; its place in the queue, its start and its verdicts reach
    /// every socket of the interview (`run_status`, then `test_results` from the log).
    async fn run_code(
        &mut self,
        code: Option<String>,
        language: Option<String>,
        custom_input: Option<serde_json::Value>,
    ) -> Result<(), End> {
        let custom_input = custom_input.map(|v| match v {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        });
        let request = crate::runs::RunRequest {
            code,
            language,
            custom_input,
        };
        let runner = self.web.runner().clone();
        let pending = match runner
            .start(&self.stream, self.actor.clone(), request)
            .await
        {
            Ok(pending) => pending,
            Err(e) => return self.error(sentence(&e.to_string())).await,
        };
        let stream = self.stream.clone();
        tokio::spawn(async move {
            if let Err(e) = pending.run().await {
                tracing::info!(%stream, error = %e, "a web run did not complete");
            }
        });
        Ok(())
    }

    /// Render the stream's next event; skip one already sent; fill a gap from the log.
    pub async fn on_event(&mut self, e: &RecordedEvent) -> Result<(), End> {
        let next = self.renderer.version() + 1;
        if e.version < next {
            return Ok(());
        }
        if e.version > next {
            return self.catch_up().await;
        }
        self.render(e).await
    }

    async fn render(&mut self, e: &RecordedEvent) -> Result<(), End> {
        for frame in self.renderer.event(e) {
            self.send(frame).await?;
        }
        Ok(())
    }

    /// Send every event of the stream after the last one sent, from the log.
    pub async fn catch_up(&mut self) -> Result<(), End> {
        let from = self.renderer.version() + 1;
        let events = self
            .web
            .queries()
            .events_from(&self.stream, from)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, stream = %self.stream, "websocket catch-up failed");
                End::StoreFailed
            })?;
        for e in &events {
            if e.version == self.renderer.version() + 1 {
                self.render(e).await?;
            }
        }
        Ok(())
    }
}

/// A refusal as a sentence: capitalised, ending with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}
