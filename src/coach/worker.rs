//! The coach worker: finds pending turns from the log, claims their interview with a
//! lease, calls the LLM (with retries) and records exactly one answer or failure
//! through the engine. Turns of one interview run one at a time, oldest first. New
//! work arrives through the event feed; the whole log is scanned for pending turns only
//! at start and when the feed lagged, and streams left unfinished (an interview leased
//! by another instance, a storage error) are retried on a timer until nothing is
//! pending. A turn inside the member's cooldown is deferred, not refused: the member is
//! told when the coach will answer, and the stream is woken again at that time. It never
//! talks to a platform: answers reach people as events in the log. Each pass over a
//! stream runs in the interview's span; each turn is counted by kind and outcome and
//! timed (`telemetry::metrics`).

use super::budget::{self, OverLimit};
use super::context::{self, ContextInputs};
use super::llm::{
    Budget, LlmClient, LlmError, LlmRequest, LlmResponse, Sleeper, with_retries_within,
};
use super::memory::TurnMemory;
use super::schema;
use super::settings::CoachSettings;
use super::slots::LlmSlots;
use super::unfinished;
use crate::domain::*;
use crate::engine::{Engine, EngineError, ProgressKind};
use crate::ports::{InterviewFilter, RecordedEvent};
use crate::problems::ProblemBank;
use crate::queries::Queries;
use crate::runs::Runner;
use crate::telemetry::{metrics, span};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub struct Coach {
    /// Appends the coach's answers and reads the stream it works on.
    engine: Engine,
    /// The coach's other reads: a member's open interviews, tokens spent today.
    queries: Queries,
    llm: Option<Arc<dyn LlmClient>>,
    settings: CoachSettings,
    sleeper: Arc<dyn Sleeper>,
    problems: Arc<ProblemBank>,
    /// This instance's name in leases.
    owner: String,
    /// Streams being worked on here; `true` means new work arrived meanwhile.
    busy: Mutex<HashMap<StreamId, bool>>,
    /// Streams that may still have pending turns: tried again on the next tick.
    unfinished: Mutex<HashSet<StreamId>>,
    /// The last full scan failed: scan again on the next tick.
    rescan: AtomicBool,
    /// Streams whose deferred turn is due now (sent when a cooldown ends).
    due_tx: mpsc::UnboundedSender<StreamId>,
    /// Taken by `run`, which wakes each stream it receives.
    due_rx: Mutex<Option<mpsc::UnboundedReceiver<StreamId>>>,
    /// Runs a submission's tests before its analysis; `None`: analyses go without.
    runner: Option<Runner>,
    /// The cap on LLM calls in flight here: a turn holds a slot while it asks.
    slots: LlmSlots,
    /// The events of streams answered here, kept as the feed shows them (used only
    /// while `run` follows the feed and this process is the log's one server).
    memory: TurnMemory,
    /// `run` is following the feed into `memory`.
    following: AtomicBool,
}

/// What became of one turn.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnOutcome {
    Answered,
    Failed(FailureKind),
    /// Another instance holds the turn, or it was answered meanwhile.
    Skipped,
    /// Inside the member's cooldown: the turn is answered at this time.
    Deferred(chrono::DateTime<chrono::Utc>),
}

impl Coach {
    pub fn new(
        engine: Engine,
        queries: Queries,
        llm: Option<Arc<dyn LlmClient>>,
        settings: CoachSettings,
        sleeper: Arc<dyn Sleeper>,
        problems: Arc<ProblemBank>,
    ) -> Coach {
        let owner = engine.owner("coach");
        let (due_tx, due_rx) = mpsc::unbounded_channel();
        let settings_slots = settings.max_concurrency;
        Coach {
            engine,
            queries,
            llm,
            settings,
            sleeper,
            problems,
            owner,
            busy: Mutex::new(HashMap::new()),
            unfinished: Mutex::new(HashSet::new()),
            rescan: AtomicBool::new(false),
            due_tx,
            due_rx: Mutex::new(Some(due_rx)),
            runner: None,
            slots: LlmSlots::new(settings_slots),
            memory: TurnMemory::default(),
            following: AtomicBool::new(false),
        }
    }

    /// The same coach running each submission's tests (bank problems, languages the
    /// judge runs) before its analysis, whose context then holds the verdicts.
    pub fn with_runner(mut self, runner: Runner) -> Coach {
        self.runner = Some(runner);
        self
    }

    /// Work until `intake` fires, then let the turns in flight finish until `stop`
    /// (the shutdown's deadline); turns still running then are dropped and their claims
    /// released by the app, so another instance answers them. The engine's feed must be
    /// running so that new candidate events wake the worker.
    pub async fn run(self: Arc<Self>, intake: CancellationToken, stop: CancellationToken) {
        let mut feed = self.engine.listen();
        self.following.store(true, Ordering::SeqCst);
        let mut due = self.due_rx.lock().unwrap_or_else(|p| p.into_inner()).take();
        let mut tasks = JoinSet::new();
        let mut ticker = tokio::time::interval(self.settings.scan_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: the full scan at start.
        ticker.tick().await;
        self.scan(&mut tasks).await;
        loop {
            tokio::select! {
                _ = intake.cancelled() => break,
                _ = ticker.tick() => self.tick(&mut tasks).await,
                Some(stream) = next_due(&mut due) => self.wake(stream, &mut tasks),
                event = feed.recv() => match event {
                    Ok(e) => {
                        self.memory.follow(&e);
                        // An event this release cannot read opens no turn, nor does one
                        // in a stream that is not an interview's (a community's daily, a
                        // duel).
                        if e.event.reply_to().is_none() && !e.event.is_unknown() && e.stream_id.platform().is_some() {
                            self.wake(e.stream_id.clone(), &mut tasks);
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        self.memory.clear();
                        self.scan(&mut tasks).await;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        self.following.store(false, Ordering::SeqCst);
        self.memory.clear();
        if !tasks.is_empty() {
            tracing::info!(turns = tasks.len(), "finishing the coach turns in flight");
        }
        let drain = async { while tasks.join_next().await.is_some() {} };
        tokio::select! {
            _ = drain => {}
            _ = stop.cancelled() => tracing::warn!(
                "coach turns still running at the shutdown deadline; their claims are released and another instance finishes them"
            ),
        }
    }

    /// Look through the whole log; a failed scan is tried again on the next tick.
    async fn scan(self: &Arc<Self>, tasks: &mut JoinSet<()>) {
        match self.engine.pending_work().await {
            Ok(work) => {
                self.rescan.store(false, Ordering::Relaxed);
                for w in work {
                    self.wake(w.stream, tasks);
                }
            }
            Err(e) => {
                self.rescan.store(true, Ordering::Relaxed);
                tracing::warn!(error = %e, "could not look for pending coach work; will scan again")
            }
        }
    }

    /// The periodic tick: a full scan if the last one failed, then every stream the
    /// last passes left with work possibly pending.
    async fn tick(self: &Arc<Self>, tasks: &mut JoinSet<()>) {
        if self.rescan.load(Ordering::Relaxed) {
            self.scan(tasks).await;
        }
        self.retry_unfinished(tasks);
    }

    fn retry_unfinished(self: &Arc<Self>, tasks: &mut JoinSet<()>) {
        let streams: Vec<StreamId> = {
            let mut unfinished = self.unfinished.lock().unwrap_or_else(|p| p.into_inner());
            unfinished.drain().collect()
        };
        for stream in streams {
            self.wake(stream, tasks);
        }
    }

    fn wake(self: &Arc<Self>, stream: StreamId, tasks: &mut JoinSet<()>) {
        {
            let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(dirty) = busy.get_mut(&stream) {
                *dirty = true;
                return;
            }
            busy.insert(stream.clone(), false);
        }
        let coach = self.clone();
        tasks.spawn(async move { coach.work_on(stream).await });
    }

    /// Answer every pending turn of `stream`, oldest first.
    async fn work_on(&self, stream: StreamId) {
        loop {
            let finished = match self.process_stream(&stream).await {
                Ok(outcomes) => match outcomes.last() {
                    Some(TurnOutcome::Skipped) => false,
                    Some(TurnOutcome::Deferred(at)) => {
                        self.wake_at(stream.clone(), *at);
                        true
                    }
                    _ => true,
                },
                // A damaged event makes the interview unreadable until it is repaired:
                // reported, and not tried again every tick (a new event wakes it).
                Err(EngineError::Store(e @ crate::ports::StoreError::Codec { .. })) => {
                    tracing::error!(%stream, error = %e, "this interview cannot be read; its coach turns wait until it is repaired");
                    true
                }
                Err(e) => {
                    tracing::warn!(%stream, error = %e, "coach turn could not be recorded; it stays pending");
                    false
                }
            };
            {
                let mut unfinished = self.unfinished.lock().unwrap_or_else(|p| p.into_inner());
                if finished {
                    unfinished.remove(&stream);
                } else {
                    unfinished.insert(stream.clone());
                }
            }
            let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
            match busy.get_mut(&stream) {
                Some(dirty) if *dirty => *dirty = false,
                _ => {
                    busy.remove(&stream);
                    return;
                }
            }
        }
    }

    /// Wake `stream` again at `at` (its deferred turn is due then).
    fn wake_at(&self, stream: StreamId, at: chrono::DateTime<chrono::Utc>) {
        let wait = (at - self.engine.now()).to_std().unwrap_or_default();
        let due = self.due_tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            // The worker has stopped when nobody receives: nothing to wake.
            let _ = due.send(stream);
        });
    }

    /// One pass over a stream's pending turns, oldest first, under this instance's
    /// lease on the stream (tests call this directly). Another instance's live lease
    /// gives `[Skipped]`: that instance answers the stream's turns.
    pub async fn process_stream(&self, stream: &StreamId) -> Result<Vec<TurnOutcome>, EngineError> {
        let platform = stream.platform().map_or("unknown", Platform::as_str);
        let span = span::interview("coach_turn", stream.as_str(), platform);
        self.claimed_turns(stream).instrument(span).await
    }

    async fn claimed_turns(&self, stream: &StreamId) -> Result<Vec<TurnOutcome>, EngineError> {
        let key = format!("coach:{stream}");
        let Some(claim) = self.engine.claim(&key, &self.owner).await? else {
            return Ok(vec![TurnOutcome::Skipped]);
        };
        let result = self.leased_turns(stream).await;
        claim.release().await;
        result
    }

    async fn leased_turns(&self, stream: &StreamId) -> Result<Vec<TurnOutcome>, EngineError> {
        let mut outcomes = Vec::new();
        let mut memory_ok = true;
        loop {
            // Read after the lease is ours: a turn another instance answered (and
            // released) just before is seen as answered, so it never costs a second
            // LLM call.
            let (loaded, remembered) = self.load(stream, memory_ok).await?;
            let Some(turn) = loaded.0.pending_turns().into_iter().next() else {
                if remembered {
                    // "Nothing owed" is only ever concluded on the log.
                    memory_ok = false;
                    continue;
                }
                return Ok(outcomes);
            };
            if let Some(started) = &loaded.0.started {
                span::record_interview(&tracing::Span::current(), &started.interview_id);
            }
            let began = Instant::now();
            let turned = self.run_turn(stream, turn, loaded).await;
            let outcome = match &turned {
                Ok((TurnOutcome::Answered, _)) => "answered",
                Ok((TurnOutcome::Failed(_), _)) => "failed",
                Ok((TurnOutcome::Skipped, _)) => "skipped",
                Ok((TurnOutcome::Deferred(_), _)) => "deferred",
                Err(_) => "error",
            };
            metrics::coach_turn(kind_label(turn.kind), outcome, began.elapsed());
            let (outcome, after) = turned?;
            outcomes.push(outcome);
            // The state right after the answer was appended tells whether another turn
            // is owed (a later candidate event wakes this stream again anyway).
            match after {
                Some(state) if !state.pending_turns().is_empty() => {}
                _ => return Ok(outcomes),
            }
        }
    }

    /// The stream's state and events: from memory when `memory_ok`, `run` follows the
    /// feed and this process is the log's one server (then every event reaches the
    /// feed), else from the log (remembered for the next turn). True when from memory.
    async fn load(
        &self,
        stream: &StreamId,
        memory_ok: bool,
    ) -> Result<((Interview, Vec<RecordedEvent>), bool), EngineError> {
        if !(self.following.load(Ordering::SeqCst) && self.engine.log_is_exclusive()) {
            return Ok((self.engine.load(stream).await?, false));
        }
        // Taken before the read: a rewrite during it leaves the read unremembered.
        let rewrites = self.engine.log_rewrites();
        if memory_ok && let Some(events) = self.memory.events(stream, rewrites) {
            let state = Interview::from_events(events.iter().map(|r| &r.event));
            return Ok(((state, events), true));
        }
        let loaded = self.engine.load(stream).await?;
        self.memory.remember(stream, &loaded.1, rewrites);
        Ok((loaded, false))
    }

    async fn run_turn(
        &self,
        stream: &StreamId,
        turn: Turn,
        loaded: (Interview, Vec<RecordedEvent>),
    ) -> Result<Turned, EngineError> {
        // The turn's identity in the log: its result is appended under this key once.
        let key = &format!("coach:{stream}:{}:{}", turn.reply_to, turn.failures);
        let (state, events) = loaded;
        if state.turns.get(&turn.reply_to).map(|t| t.state) != Some(TurnState::Pending) {
            return Ok((TurnOutcome::Skipped, None));
        }
        let events = self.tests_first(stream, &state, events, turn).await;
        match self.gate(&state, &events, turn).await? {
            Some(Gate::WaitUntil(due)) => {
                let seconds = budget::seconds_left(self.engine.now(), due);
                self.engine.progress().publish(
                    stream,
                    turn.reply_to,
                    ProgressKind::Waiting { seconds },
                );
                return Ok((TurnOutcome::Deferred(due), None));
            }
            Some(Gate::Refuse(over)) => {
                let failure = (FailureKind::OverBudget, over.message(), 0, true);
                return self.record_failure(stream, turn, key, failure).await;
            }
            None => {}
        }
        let Some(llm) = self.llm.clone() else {
            let err = LlmError::NotConfigured {
                variable: "ANTHROPIC_API_KEY",
            };
            return self
                .record_failure(
                    stream,
                    turn,
                    key,
                    (err.failure_kind(), err.user_message(), 0, false),
                )
                .await;
        };
        let (events, built) = self.compact_if_needed(stream, &state, events, turn).await?;
        let request = built.unwrap_or_else(|| self.request(&state, &events, turn));
        // At most COACH_MAX_CONCURRENCY turns ask at once; the rest wait in line.
        let progress = self.engine.progress();
        let _slot = self
            .slots
            .acquire(|ahead| {
                progress.publish(stream, turn.reply_to, ProgressKind::Queued { ahead })
            })
            .await;
        self.engine
            .progress()
            .publish(stream, turn.reply_to, ProgressKind::Thinking);
        // One deadline for the whole turn: every request and pause of its calls.
        let mut budget = Budget::new(self.settings.retry.max_total);
        let asked = self
            .ask(llm.as_ref(), stream, turn, &request, &mut budget)
            .await;
        let answer = match asked {
            Ok((answer, attempts)) => answer.retried(attempts.saturating_sub(1)),
            Err(failure) => return self.record_failure(stream, turn, key, failure).await,
        };
        let command = answer_command(turn, answer, self.settings.stamp(), self.engine.now());
        self.record(stream, command, key)
            .await
            .map(|after| match after {
                Some(state) => (TurnOutcome::Answered, Some(state)),
                None => (TurnOutcome::Skipped, None),
            })
    }

    /// Grade `turn` (an analysis or the summary) again from `events`, the log as it
    /// stood just before its original answer: the context a live turn would build, with
    /// today's prompt and model, the same validation and second try. It appends
    /// nothing; `regrade` records the figures if asked. The error is the member-facing
    /// message of the failure.
    pub async fn grade_again(
        &self,
        state: &Interview,
        events: &[RecordedEvent],
        turn: Turn,
    ) -> Result<(Grade, LlmUsage), String> {
        let Some(llm) = self.llm.clone() else {
            return Err(LlmError::NotConfigured {
                variable: "ANTHROPIC_API_KEY",
            }
            .user_message());
        };
        let stream = state
            .started
            .as_ref()
            .map(|s| s.place.stream_id())
            .ok_or_else(|| "the interview has not started".to_string())?;
        let request = self.request(state, events, turn);
        let mut budget = Budget::new(self.settings.retry.max_total);
        match self
            .structured(llm.as_ref(), &stream, turn, &request, &mut budget)
            .await
        {
            Ok((Answer::Analysis(a, usage), _)) => Ok((Grade::of_analysis(&a), usage)),
            Ok((Answer::Summary(s, usage), _)) => {
                Ok((Grade::of_summary(&s.rubric, s.hire_signal), usage))
            }
            Ok((Answer::Text(_), _)) => Err("only analyses and summaries are graded".into()),
            Err((_, message, _, _)) => Err(message),
        }
    }

    /// For an analysis, the submission's tests run first and their `TestsRun` is
    /// appended before the review: the events to build the request from. A run that
    /// cannot happen (the pool draining, the sandbox failing) leaves the review without
    /// verdicts rather than without a review.
    async fn tests_first(
        &self,
        stream: &StreamId,
        state: &Interview,
        events: Vec<RecordedEvent>,
        turn: Turn,
    ) -> Vec<RecordedEvent> {
        let Some(runner) = self
            .runner
            .as_ref()
            .filter(|_| turn.kind == TurnKind::Analysis)
        else {
            return events;
        };
        match runner
            .test_submission(stream, state, &events, turn.reply_to)
            .await
        {
            Ok(Some(after)) => after,
            Ok(None) => events,
            Err(e) => {
                tracing::warn!(%stream, reply_to = turn.reply_to, error = %e, "the submission's tests did not run; reviewing without them");
                events
            }
        }
    }

    /// The coach's answer to `turn`: structured for an analysis or a summary, else text.
    async fn ask(
        &self,
        llm: &dyn LlmClient,
        stream: &StreamId,
        turn: Turn,
        request: &LlmRequest,
        budget: &mut Budget,
    ) -> Result<(Answer, u32), Failure> {
        match turn.kind {
            TurnKind::Analysis | TurnKind::Summary => {
                self.structured(llm, stream, turn, request, budget).await
            }
            _ => self
                .text(llm, stream, turn, request, budget)
                .await
                .map(|(r, n)| (Answer::Text(r), n)),
        }
    }

    fn request(&self, state: &Interview, events: &[RecordedEvent], turn: Turn) -> LlmRequest {
        let bank = state.started.as_ref().and_then(|s| match &s.problem {
            Problem::Bank { id, version, .. } => self.problems.get_version(id, *version),
            Problem::Custom { .. } => None,
        });
        let statement = bank.map(|p| p.full_statement());
        let max_tokens = match turn.kind {
            TurnKind::Analysis | TurnKind::Summary => self.settings.max_tokens_structured,
            TurnKind::Hint | TurnKind::ApproachFeedback | TurnKind::Intro => {
                self.settings.max_tokens_short
            }
            TurnKind::Chat => self.settings.max_tokens_text,
        };
        let inputs = ContextInputs {
            model: &self.settings.model,
            max_tokens,
            statement: statement.as_deref(),
            hints: bank.map(|p| p.hints.as_slice()).unwrap_or(&[]),
        };
        context::build_request(events, turn.reply_to, turn.kind, &inputs)
    }

    /// Append a compaction when the context outgrows its budget, and return the events
    /// the request should be built from, with the request itself when nothing was
    /// compacted (the estimate built it already).
    async fn compact_if_needed(
        &self,
        stream: &StreamId,
        state: &Interview,
        events: Vec<RecordedEvent>,
        turn: Turn,
    ) -> Result<(Vec<RecordedEvent>, Option<LlmRequest>), EngineError> {
        let request = self.request(state, &events, turn);
        if context::estimate_tokens(&request) <= self.settings.context_budget_tokens {
            return Ok((events, Some(request)));
        }
        // Keep the most recent completed turns; fold everything older into a digest.
        let done: Vec<Version> = state
            .turns
            .values()
            .filter(|t| t.state == TurnState::Done && t.reply_to < turn.reply_to)
            .map(|t| t.reply_to)
            .collect();
        let keep = self.settings.keep_recent_turns.min(done.len());
        let Some(&first_kept) = done.get(done.len() - keep) else {
            return Ok((events, Some(request)));
        };
        let up_to = first_kept.saturating_sub(1);
        if up_to <= state.compacted_up_to {
            return Ok((events, Some(request)));
        }
        let digest = context::digest(&events, up_to);
        let command = Command::CompactContext {
            up_to,
            digest,
            at: self.engine.now(),
        };
        match self
            .engine
            .execute(stream, command, Some(&format!("compact:{stream}:{up_to}")))
            .await
        {
            Ok(_) | Err(EngineError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
        Ok((self.engine.load(stream).await?.1, None))
    }

    /// Whether `turn` must wait for the member's cooldown or is refused by the daily
    /// budget; `None` when it may be answered now.
    async fn gate(
        &self,
        state: &Interview,
        events: &[RecordedEvent],
        turn: Turn,
    ) -> Result<Option<Gate>, EngineError> {
        let Some(started) = &state.started else {
            return Ok(None);
        };
        let Some((member, _asked_at)) = budget::turn_owner(events, turn.reply_to) else {
            return Ok(None);
        };
        let mut last = budget::last_answer_to(events, &member);
        let cooldown_applies =
            turn.kind != TurnKind::Summary && self.settings.cooldown > chrono::Duration::zero();
        let others = if !cooldown_applies {
            Vec::new()
        } else {
            self.queries
                .interviews_as_folded(&InterviewFilter {
                    member: Some(member.member_id()),
                    open_only: true,
                    ..Default::default()
                })
                .await?
        };
        for row in others
            .iter()
            .filter(|r| r.stream_id != started.place.stream_id().as_str())
        {
            let (_, other) = self.engine.load(&row.stream()).await?;
            last = last.max(budget::last_answer_to(&other, &member));
        }
        let now = self.engine.now();
        if let Some(due) = budget::cooldown_until(turn.kind, last, self.settings.cooldown, now) {
            return Ok(Some(Gate::WaitUntil(due)));
        }
        if self.settings.daily_token_budget.is_some() && turn.kind != TurnKind::Summary {
            let day = self.engine.now().format("%Y-%m-%d").to_string();
            let used = self
                .queries
                .tokens_used_on(&started.place.server(), &day)
                .await?;
            return Ok(
                budget::daily_budget(used, self.settings.daily_token_budget).map(Gate::Refuse)
            );
        }
        Ok(None)
    }

    /// A streamed text answer. A reply cut by the token limit or caught in a loop
    /// (`unfinished`) is never recorded: it is asked again with a firmer instruction
    /// (the same token limit, a tighter word limit), up to `settings.unfit_retries`
    /// times, every try within the turn's one deadline (`budget`); a last unfit reply
    /// is a failure naming the first and the last cause.
    async fn text(
        &self,
        llm: &dyn LlmClient,
        stream: &StreamId,
        turn: Turn,
        req: &LlmRequest,
        budget: &mut Budget,
    ) -> Result<(LlmResponse, u32), Failure> {
        let (first, mut attempts) = self.text_once(llm, stream, turn, req, budget).await?;
        let Some(first_why) =
            unfinished::judge(&first.text, first.stop_reason.as_deref(), req.max_tokens)
        else {
            return Ok((first, attempts));
        };
        let mut usage = first.usage;
        let mut why = first_why.clone();
        for retry in 1..=self.settings.unfit_retries {
            tracing::warn!(%stream, reply_to = turn.reply_to, retry, cause = %why.describe(), "the coach's reply is unfit to show; asking again");
            // The page drops the text streamed so far when it hears of a retry.
            self.engine.progress().publish(
                stream,
                turn.reply_to,
                ProgressKind::Retrying {
                    attempt: attempts,
                    wait_ms: 0,
                },
            );
            let firmer = firmer_request(req, &why, retry);
            let (reply, more) = self
                .text_once(llm, stream, turn, &firmer, budget)
                .await
                .map_err(|(kind, message, n, retryable)| {
                    (kind, message, attempts + n, retryable)
                })?;
            attempts += more;
            usage = add_usage(Some(usage), reply.usage.clone());
            match unfinished::judge(&reply.text, reply.stop_reason.as_deref(), firmer.max_tokens) {
                None => return Ok((LlmResponse { usage, ..reply }, attempts)),
                Some(again) => why = again,
            }
        }
        tracing::warn!(%stream, reply_to = turn.reply_to, cause = %why.describe(), "the coach's last reply is unfit too");
        let tries = self.settings.unfit_retries + 1;
        let causes = if tries == 1 {
            format!("{}.", first_why.describe())
        } else {
            format!(
                "First try: {}; {} try: {}.",
                first_why.describe(),
                ordinal(tries),
                why.describe()
            )
        };
        Err((
            FailureKind::InvalidResponse,
            format!("The coach could not finish its reply; press retry. ({causes})"),
            attempts,
            true,
        ))
    }

    /// One text answer, with the retries of passing faults.
    async fn text_once(
        &self,
        llm: &dyn LlmClient,
        stream: &StreamId,
        turn: Turn,
        req: &LlmRequest,
        budget: &mut Budget,
    ) -> Result<(LlmResponse, u32), Failure> {
        let progress = self.engine.progress().clone();
        let s = stream.clone();
        let on_text =
            move |t: &str| progress.publish(&s, turn.reply_to, ProgressKind::Delta(t.to_string()));
        let attempted = with_retries_within(
            &self.settings.retry,
            budget,
            self.sleeper.as_ref(),
            &self.on_retry(stream, turn),
            || llm.stream(req, &on_text),
        )
        .await;
        let out_of_time = attempted.out_of_time.then_some(budget.limit);
        match attempted.result {
            Ok(r) if !r.text.trim().is_empty() => Ok((r, attempted.attempts)),
            Ok(_) => Err((
                FailureKind::InvalidResponse,
                "The coach's answer was empty. Please try again.".into(),
                attempted.attempts,
                true,
            )),
            Err(e) => Err(failure(&e, attempted.attempts, out_of_time)),
        }
    }

    /// A forced tool call, validated; one more call if the first answer does not validate.
    async fn structured(
        &self,
        llm: &dyn LlmClient,
        stream: &StreamId,
        turn: Turn,
        req: &LlmRequest,
        budget: &mut Budget,
    ) -> Result<(Answer, u32), Failure> {
        let mut attempts = 0;
        let mut spent: Option<LlmUsage> = None;
        for _ in 0..2 {
            let attempted = with_retries_within(
                &self.settings.retry,
                budget,
                self.sleeper.as_ref(),
                &self.on_retry(stream, turn),
                || llm.complete(req),
            )
            .await;
            attempts += attempted.attempts;
            let out_of_time = attempted.out_of_time.then_some(budget.limit);
            let response = attempted
                .result
                .map_err(|e| failure(&e, attempts, out_of_time))?;
            let usage = add_usage(spent.take(), response.usage.clone());
            let parsed = match turn.kind {
                TurnKind::Analysis => schema::parse_analysis(response.tool_input.as_ref())
                    .map(|a| Answer::Analysis(a, usage.clone())),
                _ => schema::parse_summary(response.tool_input.as_ref())
                    .map(|s| Answer::Summary(s, usage.clone())),
            };
            match parsed {
                Ok(answer) => return Ok((answer, attempts)),
                Err(why) => {
                    tracing::warn!(%stream, reply_to = turn.reply_to, %why, "the model's structured answer did not validate");
                    spent = Some(usage);
                }
            }
        }
        let what = match turn.kind {
            TurnKind::Analysis => "review",
            _ => "summary",
        };
        Err((
            FailureKind::InvalidResponse,
            format!(
                "The coach could not produce a valid {what} this time (its answer was malformed twice). Use retry to try again."
            ),
            attempts,
            true,
        ))
    }

    fn on_retry(
        &self,
        stream: &StreamId,
        turn: Turn,
    ) -> impl Fn(u32, &LlmError, std::time::Duration) + Send + Sync + use<> {
        let progress = self.engine.progress().clone();
        let stream = stream.clone();
        move |attempt, err, wait| {
            tracing::info!(%stream, attempt, error = %err, wait_ms = wait.as_millis() as u64, "coach retrying");
            progress.publish(
                &stream,
                turn.reply_to,
                ProgressKind::Retrying {
                    attempt,
                    wait_ms: wait.as_millis() as u64,
                },
            );
        }
    }

    async fn record_failure(
        &self,
        stream: &StreamId,
        turn: Turn,
        key: &str,
        f: Failure,
    ) -> Result<Turned, EngineError> {
        let (kind, message, attempts, retryable) = f;
        let command = Command::RecordCoachFailure {
            reply_to: turn.reply_to,
            kind,
            message,
            attempts,
            retryable,
            stamp: Some(self.settings.stamp()),
            at: self.engine.now(),
        };
        Ok(match self.record(stream, command, key).await? {
            Some(state) => (TurnOutcome::Failed(kind), Some(state)),
            None => (TurnOutcome::Skipped, None),
        })
    }

    /// Append the coach's result once: the interview right after it, or `None` when the
    /// turn was already answered.
    async fn record(
        &self,
        stream: &StreamId,
        command: Command,
        key: &str,
    ) -> Result<Option<Interview>, EngineError> {
        match self
            .engine
            .execute(stream, command, Some(&format!("{key}:result")))
            .await
        {
            Ok(executed) if executed.duplicate => Ok(None),
            Ok(executed) => {
                // The memory holds this answer before the feed shows it: the next
                // turn never sees it as still owed.
                for e in &executed.events {
                    self.memory.follow(e);
                }
                Ok(Some(executed.state))
            }
            Err(EngineError::Refused(DomainError::NotPending { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What stands before a turn's LLM call.
enum Gate {
    /// The member's cooldown: answer at this time.
    WaitUntil(chrono::DateTime<chrono::Utc>),
    /// The daily budget is spent: the turn fails with this reason.
    Refuse(OverLimit),
}

/// The next stream whose deferred turn is due (never, without a receiver).
async fn next_due(rx: &mut Option<mpsc::UnboundedReceiver<StreamId>>) -> Option<StreamId> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// What became of a turn, and the interview right after its result was appended.
type Turned = (TurnOutcome, Option<Interview>);

enum Answer {
    Text(LlmResponse),
    Analysis(Analysis, LlmUsage),
    Summary(super::schema::SummaryInput, LlmUsage),
}

impl Answer {
    /// The answer with the requests beyond the first it took noted in its usage.
    fn retried(mut self, retries: u32) -> Answer {
        let usage = match &mut self {
            Answer::Text(r) => &mut r.usage,
            Answer::Analysis(_, u) | Answer::Summary(_, u) => u,
        };
        usage.retries = retries;
        self
    }
}

/// The command recording the coach's `answer` to `turn`.
fn answer_command(
    turn: Turn,
    answer: Answer,
    stamp: CoachStamp,
    at: chrono::DateTime<chrono::Utc>,
) -> Command {
    let stamp = Some(stamp);
    match answer {
        Answer::Text(r) => Command::RecordCoachReply {
            reply_to: turn.reply_to,
            kind: reply_kind(turn.kind),
            text: r.text.trim().to_string(),
            usage: Some(r.usage),
            stamp,
            at,
        },
        Answer::Analysis(analysis, usage) => Command::RecordAnalysis {
            reply_to: turn.reply_to,
            analysis,
            usage: Some(usage),
            stamp,
            at,
        },
        Answer::Summary(s, usage) => Command::RecordSummary(RecordSummary {
            reply_to: turn.reply_to,
            overall: s.overall,
            strengths: s.strengths,
            improvements: s.improvements,
            rubric: s.rubric,
            hire_signal: s.hire_signal,
            usage: Some(usage),
            stamp,
            at,
        }),
    }
}

/// `req` with the firmer instruction after the member's last message (the cached
/// prefix before it is unchanged): the cause, and the word limit of retry number
/// `retry` ([`firmer_words`]); the token limit stays the turn's own.
fn firmer_request(req: &LlmRequest, why: &unfinished::Unfinished, retry: u32) -> LlmRequest {
    let mut firmer = req.clone();
    let text = super::prompts::firmer(&why.describe(), firmer_words(req.max_tokens, retry));
    match firmer.messages.last_mut() {
        Some(last) if last.role == super::llm::Role::User => {
            last.content.push(super::llm::TextBlock::new(text))
        }
        _ => firmer.messages.push(super::llm::Message::user(text)),
    }
    firmer
}

/// The word limit of retry number `retry` (1-based) of a text turn whose token limit is
/// `max_tokens`: a quarter of the tokens on the first retry (a word is about 1.3 tokens,
/// so the reply has room to end well inside the limit), a sixth on the second, and so
/// on, never below [`FIRMER_MIN_WORDS`]. The token limit itself is kept: halving it made
/// a cut retry more likely, not less.
fn firmer_words(max_tokens: u32, retry: u32) -> u32 {
    (max_tokens / (2 * (retry + 1))).max(FIRMER_MIN_WORDS)
}

/// The retries' word limit never goes below this.
const FIRMER_MIN_WORDS: u32 = 40;

/// "second", "third"... for the failure's message.
fn ordinal(n: u32) -> String {
    match n {
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        5 => "fifth".into(),
        6 => "sixth".into(),
        n => format!("{n}th"),
    }
}

/// kind, message for the candidate, attempts, retryable.
type Failure = (FailureKind, String, u32, bool);

/// The failure recorded for `e`; `out_of_time` is the turn's budget when it ran out,
/// which the member is told along with the last cause.
fn failure(e: &LlmError, attempts: u32, out_of_time: Option<std::time::Duration>) -> Failure {
    let retryable = !matches!(
        e,
        LlmError::NotConfigured { .. } | LlmError::SpendLimit { .. }
    );
    let message = match out_of_time {
        Some(limit) => format!(
            "The coach gave up after {} s without an answer. {}",
            limit.as_secs(),
            e.user_message()
        ),
        None => e.user_message(),
    };
    (e.failure_kind(), message, attempts, retryable)
}

fn add_usage(before: Option<LlmUsage>, now: LlmUsage) -> LlmUsage {
    match before {
        None => now,
        Some(b) => LlmUsage {
            model: now.model,
            input_tokens: b.input_tokens + now.input_tokens,
            output_tokens: b.output_tokens + now.output_tokens,
            cache_read_tokens: b.cache_read_tokens + now.cache_read_tokens,
            cache_write_tokens: b.cache_write_tokens + now.cache_write_tokens,
            latency_ms: b.latency_ms + now.latency_ms,
            request_id: now.request_id,
            retries: b.retries + now.retries,
        },
    }
}

/// A turn kind as a metric label.
fn kind_label(kind: TurnKind) -> &'static str {
    match kind {
        TurnKind::Intro => "intro",
        TurnKind::ApproachFeedback => "approach_feedback",
        TurnKind::Analysis => "analysis",
        TurnKind::Chat => "chat",
        TurnKind::Hint => "hint",
        TurnKind::Summary => "summary",
    }
}

fn reply_kind(kind: TurnKind) -> ReplyKind {
    match kind {
        TurnKind::ApproachFeedback => ReplyKind::ApproachFeedback,
        TurnKind::Hint => ReplyKind::Hint,
        TurnKind::Intro => ReplyKind::Nudge,
        _ => ReplyKind::Chat,
    }
}
