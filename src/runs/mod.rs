//! The runner: runs a candidate's code on the interview's problem and records the
//! verdicts as a `TestsRun` event. It is to the judge what the coach worker is to the
//! LLM: the command (`RunTests`) is decided first by the domain (through
//! `Engine::check`, so a refusal appends nothing), the judge runs outside `decide`, in a
//! slot of the sandbox pool (queue place, per-member rate, no run while draining), and
//! its result goes back through the engine (`RecordTestsRun`).
//!
//! Two ways in: an ad-hoc run a member asks for ([`Runner::start`], then
//! [`PendingRun::run`]), and a submission's run, before its analysis
//! ([`Runner::test_submission`], called by the coach). Progress ("queued, 2 ahead",
//! "Running 2 examples and 12 tests…") goes on the engine's progress bus.
//!
//! It never appends except through the engine, never runs code outside the pool's
//! sandbox, and never decides a rule itself (that is the domain's).

mod convert;
mod plain;

use crate::domain::{
    Command, DomainError, Event, Interview, Problem, RunOf, RunTests, StreamId, TestsRun,
};
use crate::engine::{Engine, EngineError, Executed, ProgressKind, RunProgress};
use crate::judge::{self, Judge, JudgeError, Language, What};
use crate::ports::RecordedEvent;
use crate::problems::{BankProblem, ProblemBank};
use crate::sandbox::{Pool, SandboxError, Waiting};
use std::sync::Arc;

/// Why a run did not happen. `Refused` and `Busy` are for the member; `Failed` is ours.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The interview's rules, or what is wrong with the code or the input: nothing ran,
    /// nothing was appended.
    #[error("{0}")]
    Refused(String),
    /// The problem is not from the bank and no input of the member's own was given: a
    /// refusal of its own, since each platform says how to give an input its own way.
    #[error("{}", DomainError::NoTests)]
    NoTests,
    /// The pool refused the run (the member's rate, a full queue, the service draining).
    #[error("{0}")]
    Busy(SandboxError),
    /// The sandbox or the store failed; the message is safe to show.
    #[error("the run could not be completed: {0}")]
    Failed(String),
}

impl From<EngineError> for RunError {
    fn from(e: EngineError) -> RunError {
        match e {
            EngineError::Refused(why) => RunError::from(why),
            other => RunError::Failed(other.to_string()),
        }
    }
}

impl From<crate::ports::StoreError> for RunError {
    fn from(e: crate::ports::StoreError) -> RunError {
        RunError::Failed(e.to_string())
    }
}

impl From<DomainError> for RunError {
    fn from(e: DomainError) -> RunError {
        match e {
            DomainError::NoTests => RunError::NoTests,
            other => RunError::Refused(other.to_string()),
        }
    }
}

/// What a member asks to run. Missing code or language: the last submission's.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub code: Option<String>,
    pub language: Option<String>,
    /// A JSON object of the problem's arguments (any text for a problem not in the bank,
    /// where it is the program's stdin).
    pub custom_input: Option<String>,
}

/// Runs code through the pool and records the verdicts. Clones share the pool.
#[derive(Clone)]
pub struct Runner {
    engine: Engine,
    pool: Pool,
    problems: Arc<ProblemBank>,
    /// One judge for every run, so that what it builds once (the C++ precompiled header
    /// and harness object) is built once per service, not once per run.
    judge: Judge,
    /// Measuring the complexity of a submission that passed (`None`: off).
    complexity: Option<judge::complexity::Settings>,
}

impl Runner {
    pub fn new(engine: Engine, pool: Pool, problems: Arc<ProblemBank>) -> Runner {
        let judge = Judge::new(pool.sandbox().clone(), judge::Settings::default());
        Runner {
            engine,
            pool,
            problems,
            judge,
            complexity: Some(judge::complexity::Settings::default()),
        }
    }

    /// With the complexity measurement's settings (`COMPLEXITY_BUDGET_SECONDS`; `None`: off).
    pub fn with_complexity(mut self, settings: Option<judge::complexity::Settings>) -> Runner {
        self.complexity = settings;
        self
    }

    /// The judge's language names, as refusals list them.
    pub fn supported() -> Vec<String> {
        Language::ALL.iter().map(|l| l.name().to_string()).collect()
    }

    /// Checks an ad-hoc run by `actor` on `stream` and takes its place in the pool's
    /// queue. A refusal (the domain's or the judge's) or a busy pool appends nothing.
    pub async fn start(
        &self,
        stream: &StreamId,
        actor: crate::domain::Actor,
        request: RunRequest,
    ) -> Result<PendingRun, RunError> {
        let (state, events) = self.engine.load(stream).await?;
        let last = last_submission(&events);
        let code = request
            .code
            .or_else(|| last.map(|(_, code)| code.to_string()))
            .unwrap_or_default();
        let written = request
            .language
            .or_else(|| last.map(|(language, _)| language.to_string()))
            .or_else(|| state.started.as_ref().and_then(|s| s.language.clone()))
            .unwrap_or_else(|| "python".to_string());
        let language = Language::parse(&written);
        let problem = self.bank_problem(&state);
        let command = RunTests {
            actor: actor.clone(),
            language: language.map_or_else(
                || written.trim().to_ascii_lowercase(),
                |l| l.name().to_string(),
            ),
            code: code.clone(),
            custom_input: request.custom_input.clone(),
            supported: Runner::supported(),
            arguments: problem.map(|p| {
                p.signature
                    .input_keys()
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            }),
            at: self.engine.now(),
        };
        self.engine.check(&state, Command::RunTests(command))?;
        let Some(language) = language else {
            return Err(RunError::Refused("unsupported language".into()));
        };
        if let Some(p) = problem
            && !judge::harness::defines_target(language, p, &code)
        {
            return Err(RunError::Refused(
                JudgeError::MissingDefinition {
                    expected: judge::harness::expected_signature(language, p),
                }
                .to_string(),
            ));
        }
        let waiting = self
            .pool
            .enqueue(Some(&actor.member_id()))
            .map_err(RunError::Busy)?;
        let what = match &request.custom_input {
            Some(input) => What::Custom(input.clone()),
            None => What::All,
        };
        Ok(PendingRun {
            runner: self.clone(),
            stream: stream.clone(),
            version: state.version,
            problem: problem.map(|p| (p.id.clone(), p.version)),
            language,
            code: code.clone(),
            what,
            waiting,
            of: RunOf::Adhoc { code },
            actor,
        })
    }

    /// Runs the tests of the submission at `version` (a `CodeSubmitted`) unless they ran
    /// already, the problem is not in the bank or the language is not one the judge
    /// runs; records them and returns the stream's events after. `None`: no run.
    pub async fn test_submission(
        &self,
        stream: &StreamId,
        state: &Interview,
        events: &[RecordedEvent],
        version: crate::domain::Version,
    ) -> Result<Option<Vec<RecordedEvent>>, RunError> {
        let Some(Event::CodeSubmitted(submitted)) = events
            .iter()
            .find(|r| r.version == version)
            .map(|r| &r.event)
        else {
            return Ok(None);
        };
        let (Some(problem), Some(language)) = (
            self.bank_problem(state),
            Language::parse(&submitted.language),
        ) else {
            return Ok(None);
        };
        if state.tested.contains(&submitted.submission) {
            return Ok(None);
        }
        let waiting = self.pool.enqueue(None).map_err(RunError::Busy)?;
        let pending = PendingRun {
            runner: self.clone(),
            stream: stream.clone(),
            version,
            problem: Some((problem.id.clone(), problem.version)),
            language,
            code: submitted.code.clone(),
            what: What::All,
            waiting,
            of: RunOf::Submission {
                submission: submitted.submission,
            },
            actor: submitted.actor.clone(),
        };
        let key = format!("tests:{stream}:{}", submitted.submission);
        match pending.run_keyed(Some(&key)).await {
            Ok(_) => {}
            // Recorded meanwhile by another instance: the log has it.
            Err(RunError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
        Ok(Some(self.engine.load(stream).await?.1))
    }

    fn bank_problem(&self, state: &Interview) -> Option<&BankProblem> {
        match &state.started.as_ref()?.problem {
            Problem::Bank { id, version, .. } => self.problems.get_version(id, *version),
            Problem::Custom { .. } => None,
        }
    }
}

/// The language and code of the latest submission.
fn last_submission(events: &[RecordedEvent]) -> Option<(&str, &str)> {
    events.iter().rev().find_map(|r| match &r.event {
        Event::CodeSubmitted(c) => Some((c.language.as_str(), c.code.as_str())),
        _ => None,
    })
}

/// A checked run holding its place in the pool's queue.
pub struct PendingRun {
    runner: Runner,
    stream: StreamId,
    /// The stream's version when it was asked: progress is published against it.
    version: crate::domain::Version,
    /// The bank problem (id, version); `None`: the code runs as a whole program.
    problem: Option<(String, u32)>,
    language: Language,
    code: String,
    what: What,
    waiting: Waiting,
    of: RunOf,
    actor: crate::domain::Actor,
}

impl PendingRun {
    /// Runs ahead of this one in the queue now.
    pub fn ahead(&self) -> usize {
        self.waiting.ahead()
    }

    /// Waits for a slot, runs, and appends the `TestsRun`.
    pub async fn run(self) -> Result<Executed, RunError> {
        self.run_keyed(None).await
    }

    /// [`PendingRun::run`] with an idempotency key for the `TestsRun` (a platform's
    /// delivery id), so a redelivered request appends it once.
    pub async fn run_keyed(self, key: Option<&str>) -> Result<Executed, RunError> {
        let progress = self.runner.engine.progress().clone();
        let submission = match self.of {
            RunOf::Submission { submission } => Some(submission),
            RunOf::Adhoc { .. } => None,
        };
        let publish = |step: RunProgress| {
            let kind = match submission {
                Some(submission) => ProgressKind::SubmissionRun { submission, step },
                None => ProgressKind::Run(step),
            };
            progress.publish(&self.stream, self.version, kind);
        };
        let ticket = self
            .waiting
            .ready(|ahead| publish(RunProgress::Queued { ahead }))
            .await
            .map_err(RunError::Busy);
        let _ticket = match ticket {
            Ok(t) => t,
            Err(e) => {
                publish(RunProgress::Failed {
                    message: e.to_string(),
                });
                return Err(e);
            }
        };
        let bank = self
            .problem
            .as_ref()
            .and_then(|(id, v)| self.runner.problems.get_version(id, *v));
        let sandbox = self.runner.pool.sandbox().clone();
        let at = self.runner.engine.now();
        let run = match bank {
            Some(problem) => {
                let (examples, tests) = match &self.what {
                    What::Custom(_) => (0, 0),
                    _ => (problem.examples.len(), problem.tests.len()),
                };
                let custom = matches!(self.what, What::Custom(_));
                publish(RunProgress::Running {
                    text: crate::practice::runs::announce(examples, tests, custom),
                });
                let judge = &self.runner.judge;
                match judge
                    .run(problem, self.language, &self.code, self.what.clone())
                    .await
                {
                    Ok(report) => {
                        let measured = measured(
                            self.runner.complexity.as_ref(),
                            &self.of,
                            self.language,
                            &self.code,
                            (judge, problem, &report),
                        )
                        .await;
                        let mut run = convert::tests_run(&report, self.actor, self.of, at);
                        run.complexity = measured;
                        Ok(run)
                    }
                    // A submission that does not define what the problem names cannot
                    // be refused (it is in the log): its tests say why none ran.
                    Err(e @ JudgeError::MissingDefinition { .. })
                        if matches!(self.of, RunOf::Submission { .. }) =>
                    {
                        Ok(convert::not_run(
                            e.to_string(),
                            self.language,
                            sandbox.isolation().as_str(),
                            self.actor,
                            self.of,
                            at,
                        ))
                    }
                    Err(e) => Err(judge_error(e)),
                }
            }
            None => {
                publish(RunProgress::Running {
                    text: crate::practice::runs::announce(0, 0, true),
                });
                let stdin = match &self.what {
                    What::Custom(input) => input.clone(),
                    _ => String::new(),
                };
                plain::run(&sandbox, self.language, &self.code, &stdin)
                    .await
                    .map(|r| r.into_run(self.actor, self.of, at))
                    .map_err(|e| RunError::Failed(e.to_string()))
            }
        };
        let run: TestsRun = match run {
            Ok(run) => run,
            Err(e) => {
                publish(RunProgress::Failed {
                    message: e.to_string(),
                });
                return Err(e);
            }
        };
        let executed = self
            .runner
            .engine
            .execute(&self.stream, Command::RecordTestsRun(run), key)
            .await?;
        Ok(executed)
    }
}

/// The measured complexity of a submission whose tests all passed, as the summary
/// `TestsRun` keeps ("about O(n)", "unclear (...)"); `None` when not measured.
async fn measured(
    settings: Option<&judge::complexity::Settings>,
    of: &RunOf,
    language: Language,
    code: &str,
    (judge, problem, report): (&Judge, &BankProblem, &judge::Report),
) -> Option<String> {
    let settings = settings?;
    if !matches!(of, RunOf::Submission { .. })
        || report.verdict != judge::Verdict::Passed
        || !judge::complexity::supported(language)
    {
        return None;
    }
    match judge.measure(problem, language, code, settings).await {
        Ok(m) => Some(m.summary()),
        Err(e) => {
            tracing::warn!(error = %e, "the complexity could not be measured");
            None
        }
    }
}

/// A judge refusal is the member's to fix; anything else is a failure of ours.
fn judge_error(e: JudgeError) -> RunError {
    match e {
        JudgeError::UnsupportedLanguage(_)
        | JudgeError::CodeTooLarge { .. }
        | JudgeError::MissingDefinition { .. }
        | JudgeError::InputNotJson(_)
        | JudgeError::InputMismatch { .. } => RunError::Refused(e.to_string()),
        JudgeError::Sandbox(
            s @ (SandboxError::Draining
            | SandboxError::QueueFull(_)
            | SandboxError::RateLimited { .. }),
        ) => RunError::Busy(s),
        other => {
            tracing::warn!(error = %other, "a run failed in the sandbox");
            RunError::Failed(other.to_string())
        }
    }
}
