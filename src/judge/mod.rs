//! The judge: runs a candidate's code on a bank problem's examples and hidden tests (or on
//! an input of their own) in the sandbox, and reports a verdict per case.
//!
//! How a run goes:
//! - **Refusals first.** An unsupported language, code over the size limit, code that does
//!   not define what the problem names, or a custom input that is not JSON or lacks an
//!   argument is a [`JudgeError`] with a message naming the cause; nothing runs.
//! - **One workspace, one compile.** The harness of the language (see [`harness`]) and the
//!   candidate's file go into one sandbox workspace; Java and C++ compile once there
//!   (compiler messages keep the candidate's own line numbers); C++ with a precompiled
//!   `<bits/stdc++.h>` and the harness's common part as an object file, both made at the
//!   first C++ run (`pch`), Java with the harness's common part compiled at the first
//!   Java run (`java_core`).
//! - **One process for all cases.** The harness reads a header line (a random nonce, the
//!   per-case time limit, the output caps, the signature for Python and JavaScript) and
//!   then one case per line on stdin, and answers one `<nonce> <json>` line per case on a
//!   private copy of stdout (the candidate's prints are captured per case, so they cannot
//!   corrupt the protocol). Time is measured inside the harness around the call; memory is
//!   the process's peak resident size when the case ended (all that can be told from
//!   outside a process shared by the cases).
//! - **Limits.** The harness stops a case over its time limit itself (a watchdog thread;
//!   vm's timeout in Node) and says so; a process that dies anyway (memory, a crash, the
//!   sandbox's CPU or wall limit) at case k gives case k the verdict its end implies, and
//!   the judge starts a new process for the cases after it, at most `max_restarts` times.
//!   When the sandbox's wall limit ends a run its output is lost, so the first case without
//!   an answer is taken as the one over time.
//!
//! The judge knows problems, languages and verdicts, and talks to programs only through the
//! sandbox's contract ([`crate::sandbox`]); it never touches the store, HTTP or a platform,
//! and never runs anything outside the sandbox it was given.

pub mod compare;
pub mod complexity;
pub mod harness;
mod java_core;
mod pch;
mod reading;
pub mod verdict;
mod whole;

pub use harness::Language;
pub use verdict::{CaseKind, CaseReport, Report, Verdict};

use crate::problems::BankProblem;
use crate::sandbox::{Sandbox, SandboxError, Status, Step};
use reading::{Reply, compile_message, died, judge_case, parse_reply, skipped};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;
use whole::Prepared;

/// Why a run was refused or could not happen. A program that fails is a [`Report`].
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("{0:?} is not a supported language; use one of: python, javascript, java, cpp")]
    UnsupportedLanguage(String),
    #[error("the code is {size} bytes, over the limit of {limit} bytes")]
    CodeTooLarge { size: usize, limit: usize },
    #[error("the code does not define what the problem needs; expected:\n{expected}")]
    MissingDefinition { expected: String },
    #[error("the custom input is not valid JSON: {0}")]
    InputNotJson(String),
    #[error("the custom input does not fit the problem: {reason}; expected the keys {expected}")]
    InputMismatch { reason: String, expected: String },
    #[error("the sandbox could not run the code: {0}")]
    Sandbox(#[from] SandboxError),
    #[error("the harness broke its protocol: {0}")]
    Protocol(String),
    #[error("the complexity could not be measured: {0}")]
    NotMeasured(String),
}

/// Which cases to run.
#[derive(Debug, Clone)]
pub enum What {
    /// The examples and the hidden tests.
    All,
    /// The examples only (what the candidate can see).
    Examples,
    /// The candidate's own input (a JSON object text), with no expected output.
    Custom(String),
}

/// The judge's knobs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time for one case inside the harness.
    pub time_limit: Duration,
    /// Largest code accepted, in bytes.
    pub max_code_bytes: usize,
    /// New processes started after one died mid-run.
    pub max_restarts: usize,
    /// Bytes kept of what the candidate printed in one case.
    pub keep_bytes: usize,
    /// Bytes the candidate may print in one case before an output limit.
    pub output_bytes: usize,
    /// Divides the sandbox's limits of every step (`Limits::divided`); 1 in service.
    /// The limits benchmark sets 3 to show that every reference solution passes with a
    /// third of each limit.
    pub limits_divisor: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            time_limit: Duration::from_secs(4),
            max_code_bytes: 64 * 1024,
            max_restarts: 4,
            keep_bytes: 4 * 1024,
            output_bytes: 64 * 1024,
            limits_divisor: 1,
        }
    }
}

/// Runs code in a sandbox against problems.
#[derive(Debug, Clone)]
pub struct Judge {
    sandbox: Sandbox,
    settings: Settings,
    /// The C++ precompiled header's directory, made at the first C++ run (`None`:
    /// it could not be made, and compiles read the header themselves). Clones share it.
    cpp_header: Arc<OnceCell<Option<PathBuf>>>,
    /// The Java harness's common part, compiled at the first Java run (`None`: it could
    /// not be, and runs compile it themselves). Clones share it.
    java_core: Arc<OnceCell<Option<PathBuf>>>,
}

/// One case to run: where it comes from, its input and (unless custom) expected output.
pub(crate) struct Case {
    kind: CaseKind,
    input: Value,
    expected: Option<Value>,
}

impl Judge {
    pub fn new(sandbox: Sandbox, settings: Settings) -> Judge {
        Judge {
            sandbox,
            settings,
            cpp_header: Arc::default(),
            java_core: Arc::default(),
        }
    }

    /// The Java harness's compiled common part, made now if this is the first Java run.
    async fn java_core(&self) -> Option<&PathBuf> {
        self.java_core
            .get_or_init(|| java_core::build(&self.sandbox))
            .await
            .as_ref()
    }

    /// The C++ precompiled header's directory, made now if this is the first C++ run.
    async fn cpp_header(&self) -> Option<&PathBuf> {
        self.cpp_header
            .get_or_init(|| pch::build(&self.sandbox))
            .await
            .as_ref()
    }

    /// `language` as the candidate named it, or a refusal listing the supported ones.
    pub fn language(name: &str) -> Result<Language, JudgeError> {
        Language::parse(name).ok_or_else(|| JudgeError::UnsupportedLanguage(name.to_string()))
    }

    /// Runs `code` on `problem`'s cases (`what`) and reports every case.
    pub async fn run(
        &self,
        problem: &BankProblem,
        language: Language,
        code: &str,
        what: What,
    ) -> Result<Report, JudgeError> {
        if code.len() > self.settings.max_code_bytes {
            return Err(JudgeError::CodeTooLarge {
                size: code.len(),
                limit: self.settings.max_code_bytes,
            });
        }
        let cases = cases(problem, &what)?;
        let mut report = Report {
            problem: problem.id.clone(),
            language: language.name().to_string(),
            isolation: self.sandbox.isolation().as_str().to_string(),
            verdict: Verdict::Passed,
            passed: 0,
            total: cases.len(),
            error: None,
            cases: Vec::new(),
        };
        let (workspace, plan) = match self.prepare(problem, language, code).await? {
            Ok(ready) => ready,
            Err(message) => {
                report.verdict = Verdict::CompileError;
                report.error = Some(message);
                return Ok(report);
            }
        };
        self.run_cases(&workspace, &plan, problem, language, &cases, &mut report)
            .await?;
        report.passed = report.cases.iter().filter(|c| c.verdict.ok()).count();
        if let Some(first) = report.first_failure() {
            report.verdict = first.verdict;
        } else if matches!(what, What::Custom(_)) {
            report.verdict = Verdict::Completed;
        }
        Ok(report)
    }

    /// The code in a sandbox workspace with the harness, compiled where the language
    /// needs it: `Ok(Err(message))` is a compile error, the candidate's to fix.
    pub(crate) async fn prepare(
        &self,
        problem: &BankProblem,
        language: Language,
        code: &str,
    ) -> Result<Result<(Prepared, harness::Plan), String>, JudgeError> {
        if code.len() > self.settings.max_code_bytes {
            return Err(JudgeError::CodeTooLarge {
                size: code.len(),
                limit: self.settings.max_code_bytes,
            });
        }
        if !harness::defines_target(language, problem, code) {
            return Err(missing(language, problem));
        }
        let mut plan = harness::plan(language, problem, code);
        if language == Language::Cpp
            && self.sandbox.isolation() != crate::sandbox::Isolation::Piston
            && let Some(dir) = self.cpp_header().await
        {
            harness::cpp::use_precompiled(&mut plan, dir);
        }
        if language == Language::Java
            && self.sandbox.isolation() != crate::sandbox::Isolation::Piston
            && let Some(dir) = self.java_core().await
        {
            harness::java::use_precompiled(&mut plan, dir);
        }
        plan.limits = plan.limits.divided(self.settings.limits_divisor);
        if let Some((_, limits)) = &mut plan.compile {
            *limits = limits.divided(self.settings.limits_divisor);
        }
        let workspace = match self
            .sandbox
            .prepare(language.runtime(), plan.files.clone())
            .await
        {
            Ok(workspace) => workspace,
            Err(SandboxError::Unsupported { .. }) => {
                return self.whole(problem, language, plan).await;
            }
            Err(e) => return Err(e.into()),
        };
        if let Some((argv, limits)) = &plan.compile {
            let outcome = workspace
                .run(Step {
                    argv: argv.clone(),
                    stdin: Vec::new(),
                    limits: limits.clone(),
                })
                .await?;
            if outcome.status != Status::Exited(0) {
                return Ok(Err(compile_message(language, problem, &plan, &outcome)));
            }
        }
        Ok(Ok((Prepared::Workspace(workspace), plan)))
    }

    /// `prepare` on a sandbox without workspaces (Piston): the plan as one program,
    /// compiled once here to tell a compile error before any case.
    async fn whole(
        &self,
        problem: &BankProblem,
        language: Language,
        mut plan: harness::Plan,
    ) -> Result<Result<(Prepared, harness::Plan), String>, JudgeError> {
        let program = whole::program(language, &mut plan);
        if plan.compile.is_some() {
            let checked = self.sandbox.run_program(program.clone()).await?;
            if let Some(compile) = checked.compile
                && compile.status != Status::Exited(0)
            {
                return Ok(Err(compile_message(language, problem, &plan, &compile)));
            }
        }
        let sandbox = self.sandbox.clone();
        let program = Box::new(program);
        Ok(Ok((Prepared::Whole { sandbox, program }, plan)))
    }

    async fn run_cases(
        &self,
        workspace: &Prepared,
        plan: &harness::Plan,
        problem: &BankProblem,
        language: Language,
        cases: &[Case],
        report: &mut Report,
    ) -> Result<(), JudgeError> {
        let mode = compare::Mode::parse(&problem.compare).unwrap_or(compare::Mode::Exact);
        let mut restarts = 0;
        while report.cases.len() < cases.len() {
            let start = report.cases.len();
            if restarts > self.settings.max_restarts {
                for case in &cases[start..] {
                    report.cases.push(skipped(case));
                }
                break;
            }
            let nonce = format!("{:016x}", rand::random::<u64>());
            let outcome = workspace
                .run(self.step(plan, &nonce, &cases[start..]))
                .await?;
            let stdout = String::from_utf8_lossy(&outcome.stdout);
            for line in stdout.lines() {
                let Some(body) = line.strip_prefix(&nonce).and_then(|l| l.strip_prefix(' ')) else {
                    continue;
                };
                match parse_reply(body)? {
                    Reply::Missing => return Err(missing(language, problem)),
                    Reply::CompileError(message) => {
                        report.verdict = Verdict::CompileError;
                        report.error = Some(message);
                        return Ok(());
                    }
                    Reply::LoadError(message, printed) => {
                        report.verdict = Verdict::RuntimeError;
                        report.error = Some(message);
                        if !printed.is_empty() {
                            report.error = report
                                .error
                                .take()
                                .map(|e| format!("{e}\n(printed before: {printed})"));
                        }
                        return Ok(());
                    }
                    Reply::Case(value) => {
                        let Some(case) = cases.get(report.cases.len()) else {
                            return Err(JudgeError::Protocol("more answers than cases".into()));
                        };
                        report.cases.push(judge_case(case, mode, &value));
                    }
                }
            }
            let next = report.cases.len();
            if next < cases.len() {
                // A harness that stopped a case over time ends its process itself; any
                // other end before case `next` was answered is that case's.
                let stopped = next > start
                    && report.cases.last().map(|c| c.verdict) == Some(Verdict::TimeLimit);
                if !stopped {
                    report
                        .cases
                        .push(died(&cases[next], &outcome, &plan.candidate_file));
                }
                restarts += 1;
            }
        }
        Ok(())
    }

    /// The step running `cases` in one process: the header, then one case per line, with
    /// CPU and wall time for all of them and the start-up.
    fn step(&self, plan: &harness::Plan, nonce: &str, cases: &[Case]) -> Step {
        let header = json!({
            "nonce": nonce,
            "time_limit_ms": self.settings.time_limit.as_millis() as u64,
            "keep_bytes": self.settings.keep_bytes,
            "output_bytes": self.settings.output_bytes,
            "spec": plan.spec,
        });
        let mut stdin = header.to_string();
        stdin.push('\n');
        for case in cases {
            stdin.push_str(&case.input.to_string());
            stdin.push('\n');
        }
        let mut limits = plan.limits.clone();
        let all = self.settings.time_limit * (cases.len() as u32 + 1);
        limits.cpu += all;
        limits.wall += all * 2;
        Step {
            argv: plan.run.clone(),
            stdin: stdin.into_bytes(),
            limits,
        }
    }
}

fn missing(language: Language, problem: &BankProblem) -> JudgeError {
    JudgeError::MissingDefinition {
        expected: harness::expected_signature(language, problem),
    }
}

/// The cases `what` names, checked against the signature.
fn cases(problem: &BankProblem, what: &What) -> Result<Vec<Case>, JudgeError> {
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    let examples = problem.examples.iter().enumerate().map(|(i, e)| Case {
        kind: CaseKind::Example(i),
        input: parse(&e.input),
        expected: Some(parse(&e.output)),
    });
    match what {
        What::Examples => Ok(examples.collect()),
        What::All => Ok(examples
            .chain(problem.tests.iter().enumerate().map(|(i, t)| Case {
                kind: CaseKind::Test(i),
                input: parse(&t.input),
                expected: Some(parse(&t.output)),
            }))
            .collect()),
        What::Custom(text) => {
            let input: Value =
                serde_json::from_str(text).map_err(|e| JudgeError::InputNotJson(e.to_string()))?;
            problem
                .signature
                .check_input(&input)
                .map_err(|reason| JudgeError::InputMismatch {
                    reason,
                    expected: problem.signature.input_keys().join(", "),
                })?;
            Ok(vec![Case {
                kind: CaseKind::Custom,
                input,
                expected: None,
            }])
        }
    }
}
