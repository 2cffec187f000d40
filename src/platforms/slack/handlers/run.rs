//! Running the candidate's code from Slack: a `run` reply in the thread, the root
//! message's Run tests button (which opens the run modal) and the submit modal's "Run
//! tests only". Each becomes a `RunRequest` to the runner, which has the domain check it
//! first: a refusal (wrong phase, not the candidate, an unsupported language, code that
//! does not define what the problem names, a bad input, code too large) is an ephemeral
//! reply and appends nothing. Accepted, the run's place in the queue and its start
//! ("Running 2 examples and 6 tests…") are told privately from the progress bus; the
//! verdicts are a `TestsRun` in the log, which the outbox posts in the thread.
//!
//! It never posts the verdicts itself (the outbox does, once), never runs code outside
//! the runner, and never decides whether a run may happen.

use super::{Handler, ReplyTo, capitalise};
use crate::domain::{Actor, Command, Interview, Place, RunTests};
use crate::engine::{ProgressKind, RunProgress};
use crate::platforms::slack::blocks::runs::run_modal;
use crate::platforms::slack::inbound::{ButtonPress, ModalSubmission, SharedFile, modal_metadata};
use crate::platforms::slack::run_reply::RunReply;
use crate::platforms::text::language_from_filename;
use crate::runs::{RunError, RunRequest, Runner};
use tokio::sync::broadcast::error::RecvError;

impl Handler {
    /// A `run` reply in the thread (`key`: its event id); a file shared with a bare
    /// `run` (code too long for a message) is the code to run.
    pub(super) async fn run_reply(
        &self,
        place: &Place,
        actor: Actor,
        reply: RunReply,
        file: Option<&SharedFile>,
        key: &str,
        to: &ReplyTo<'_>,
    ) {
        let (code, language) = match (reply.code, file) {
            (Some(block), _) => (Some(block.code), block.language),
            (None, Some(file)) => {
                let Some(code) = self.download(file, to).await else {
                    return;
                };
                let language = language_from_filename(&file.name)
                    .map(str::to_string)
                    .or_else(|| file.filetype.clone().filter(|t| t != "text"));
                (Some(code), language)
            }
            (None, None) => (None, None),
        };
        let request = RunRequest {
            code,
            language,
            custom_input: reply.input,
        };
        self.run_tests(place, actor, request, key, to).await;
    }

    /// The run modal, or the submit modal with "Run tests only" (`key`: its view id).
    pub(super) async fn run_modal(
        &self,
        place: &Place,
        actor: Actor,
        m: &ModalSubmission,
        key: &str,
        to: &ReplyTo<'_>,
    ) {
        let request = RunRequest {
            code: Some(m.text.clone()).filter(|c| !c.trim().is_empty()),
            language: m.language.clone(),
            custom_input: m.custom_input.clone(),
        };
        self.run_tests(place, actor, request, key, to).await;
    }

    /// The Run tests button: check who may run now (a fast local check), then open the
    /// run modal while the trigger id is still valid.
    pub(super) async fn open_run_modal(
        &self,
        b: &ButtonPress,
        state: &Interview,
        actor: Actor,
        to: &ReplyTo<'_>,
    ) {
        let supported = Runner::supported();
        let probe = Command::RunTests(RunTests {
            actor,
            language: supported.first().cloned().unwrap_or_default(),
            code: "probe".into(),
            custom_input: None,
            supported,
            // The modal may carry an input of the member's own: only phase and person
            // are checked here.
            arguments: Some(Vec::new()),
            at: self.engine.now(),
        });
        if let Err(e) = self.engine.check(state, probe) {
            return self.tell(to, &capitalise(&e.to_string())).await;
        }
        let language = state.started.as_ref().and_then(|s| s.language.clone());
        let view = run_modal(
            &modal_metadata(&b.channel, &b.thread_ts),
            language.as_deref(),
        );
        if let Err(e) = self.api.open_view(&b.trigger_id, view).await {
            tracing::warn!(error = %e, "could not open the Slack run modal");
            self.tell(to, "I could not open the form; you can also reply `run` with a ```code block``` in the thread.").await;
        }
    }

    /// Start the run (a refusal is told and appends nothing), tell its progress to the
    /// member privately, and record its verdicts under `key`.
    async fn run_tests(
        &self,
        place: &Place,
        actor: Actor,
        request: RunRequest,
        key: &str,
        to: &ReplyTo<'_>,
    ) {
        // A redelivery while the first is running would run the code twice; the key on
        // the `TestsRun` is the guarantee, this only saves the sandbox the work.
        if !self.first_delivery(key) {
            return;
        }
        let stream = place.stream_id();
        let mut progress = self.engine.progress().subscribe();
        let pending = match self.runner.start(&stream, actor, request).await {
            Ok(pending) => pending,
            Err(e) => return self.tell(to, &refusal(&e)).await,
        };
        let run = pending.run_keyed(Some(key));
        tokio::pin!(run);
        let (mut told_queued, mut told_running) = (false, false);
        let result = loop {
            let p = tokio::select! {
                result = &mut run => break result,
                p = progress.recv() => p,
            };
            let p = match p {
                Ok(p) => p,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break run.await,
            };
            if p.stream != stream {
                continue;
            }
            match p.kind {
                ProgressKind::Run(RunProgress::Queued { ahead }) if !told_queued => {
                    told_queued = true;
                    let text = match ahead {
                        0 => "Your run is queued, next to run.".to_string(),
                        n => format!("Your run is queued, {n} ahead."),
                    };
                    self.tell(to, &text).await;
                }
                ProgressKind::Run(RunProgress::Running { text }) if !told_running => {
                    told_running = true;
                    self.tell(to, &text).await;
                }
                _ => {}
            }
        };
        if let Err(e) = result {
            tracing::info!(%stream, error = %e, "a Slack run did not complete");
            self.tell(to, &refusal(&e)).await;
        }
    }
}

/// What the member is told when a run is refused or fails: the real cause, as a
/// sentence; a problem with no tests says how to give an input of one's own.
fn refusal(e: &RunError) -> String {
    let text = match e {
        RunError::NoTests => {
            "This problem has no hidden tests; add an input of your own: reply `run input: \"what your program reads\"` (a JSON value, given on stdin) followed by your ```code block```.".to_string()
        }
        RunError::Busy(why) => format!("The sandbox is busy: {why}. Try again in a moment."),
        other => capitalise(&other.to_string()),
    };
    if text.ends_with(['.', '!', '?', '`']) {
        text
    } else {
        format!("{text}.")
    }
}
