//! The judge: runs a candidate's code on a bank problem's examples and hidden tests (or on
//! an input of their own) in the sandbox, and reports a verdict per case.
//!
//! How a run goes:
//! - **Refusals first.** An unsupported language, code over the size limit, code that does
//!   not define what the problem names, or a custom input that is not JSON or lacks an
//!   argument is a [`JudgeError`] with a message naming the cause; nothing runs.
//! - **One workspace, one compile.** The harness of the language (see [`harness`]) and the
//!   candidate's file go into one sandbox workspace; Java and C++ compile once there
//!   (compiler messages keep the candidate's own line numbers).
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
pub mod harness;
pub mod verdict;

pub use harness::Language;
pub use verdict::{CaseKind, CaseReport, Report, Verdict};

use crate::problems::BankProblem;
use crate::sandbox::{Outcome, Sandbox, SandboxError, Status, Step, Workspace};
use serde_json::{Value, json};
use std::time::Duration;

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
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            time_limit: Duration::from_secs(4),
            max_code_bytes: 64 * 1024,
            max_restarts: 4,
            keep_bytes: 4 * 1024,
            output_bytes: 64 * 1024,
        }
    }
}

/// Runs code in a sandbox against problems.
#[derive(Debug, Clone)]
pub struct Judge {
    sandbox: Sandbox,
    settings: Settings,
}

/// One case to run: where it comes from, its input and (unless custom) expected output.
struct Case {
    kind: CaseKind,
    input: Value,
    expected: Option<Value>,
}

/// What the harness said about one case (or about the code as a whole).
enum Reply {
    Case(Value),
    CompileError(String),
    LoadError(String, String),
    Missing,
}

impl Judge {
    pub fn new(sandbox: Sandbox, settings: Settings) -> Judge {
        Judge { sandbox, settings }
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
        if !harness::defines_target(language, problem, code) {
            return Err(missing(language, problem));
        }
        let plan = harness::plan(language, problem, code);
        let workspace = self
            .sandbox
            .prepare(language.runtime(), plan.files.clone())
            .await?;
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
        if let Some((argv, limits)) = &plan.compile {
            let outcome = workspace
                .run(Step {
                    argv: argv.clone(),
                    stdin: Vec::new(),
                    limits: limits.clone(),
                })
                .await?;
            if outcome.status != Status::Exited(0) {
                report.verdict = Verdict::CompileError;
                report.error = Some(compile_message(language, problem, &plan, &outcome));
                return Ok(report);
            }
        }
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

    async fn run_cases(
        &self,
        workspace: &Workspace,
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

fn parse_reply(body: &str) -> Result<Reply, JudgeError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| JudgeError::Protocol(format!("an answer is not JSON: {e}")))?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    if value.get("missing").is_some() {
        return Ok(Reply::Missing);
    }
    if let Some(message) = text("compile_error") {
        return Ok(Reply::CompileError(message));
    }
    if let Some(message) = text("load_error") {
        return Ok(Reply::LoadError(
            message,
            text("stdout").unwrap_or_default(),
        ));
    }
    Ok(Reply::Case(value))
}

fn blank(case: &Case, verdict: Verdict) -> CaseReport {
    CaseReport {
        case: case.kind.label(),
        verdict,
        input: case.input.clone(),
        expected: case.expected.clone(),
        got: None,
        time_ms: None,
        memory_bytes: None,
        stdout: String::new(),
        error: None,
    }
}

fn skipped(case: &Case) -> CaseReport {
    let mut report = blank(case, Verdict::Skipped);
    report.error = Some("not run: earlier cases ended the process too many times".into());
    report
}

/// A case the harness answered.
fn judge_case(case: &Case, mode: compare::Mode, reply: &Value) -> CaseReport {
    let mut report = blank(case, Verdict::Passed);
    report.time_ms = reply.get("ms").and_then(Value::as_f64);
    report.memory_bytes = reply.get("mem").and_then(Value::as_u64);
    report.stdout = reply
        .get("stdout")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let message = reply
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string);
    match reply.get("error").and_then(Value::as_str) {
        None => {
            let got = reply.get("ok").cloned().unwrap_or(Value::Null);
            report.verdict = match &case.expected {
                None => Verdict::Completed,
                Some(expected) if compare::matches(mode, &got, expected) => Verdict::Passed,
                Some(_) => Verdict::WrongAnswer,
            };
            report.got = Some(got);
        }
        Some(kind) => {
            report.verdict = match kind {
                "time_limit" => Verdict::TimeLimit,
                "memory_limit" => Verdict::MemoryLimit,
                "output_limit" => Verdict::OutputLimit,
                _ => Verdict::RuntimeError,
            };
            report.error = message;
        }
    }
    report
}

/// The case during which the process ended: its verdict from how it ended.
fn died(case: &Case, outcome: &Outcome, candidate_file: &str) -> CaseReport {
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let oom = [
        "out of memory",
        "OutOfMemoryError",
        "MemoryError",
        "bad_alloc",
    ]
    .iter()
    .any(|m| stderr.contains(m));
    let (verdict, why) = match outcome.status {
        Status::CpuLimit | Status::WallLimit => (Verdict::TimeLimit, "over the time limit".into()),
        Status::MemoryLimit => (Verdict::MemoryLimit, "over the memory limit".into()),
        Status::OutputLimit => (Verdict::OutputLimit, "printed too much".into()),
        _ if oom => (Verdict::MemoryLimit, "over the memory limit".into()),
        Status::Signalled(signal) => (Verdict::RuntimeError, signal_name(signal)),
        Status::Exited(code) => (
            Verdict::RuntimeError,
            format!("the process ended during this case (exit code {code})"),
        ),
    };
    let mut report = blank(case, verdict);
    report.memory_bytes = outcome.peak_memory_bytes;
    let tail = verdict::tail(stderr.trim_end(), 2048);
    report.error = Some(if tail.is_empty() {
        why
    } else {
        format!("{why}; the end of stderr ({candidate_file} is your code):\n{tail}")
    });
    report
}

fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGSEGV => "SIGSEGV: an invalid memory access",
        libc::SIGABRT => "SIGABRT: aborted (a failed assertion or an out-of-range index)",
        libc::SIGFPE => "SIGFPE: an arithmetic error such as division by zero",
        libc::SIGBUS => "SIGBUS: a bad memory access",
        libc::SIGKILL => "SIGKILL",
        _ => "a signal",
    };
    format!("the process was killed by signal {signal} ({name})")
}

/// The compiler's messages about the candidate's file; when they are only about the
/// harness, the signature the harness expected.
fn compile_message(
    language: Language,
    problem: &BankProblem,
    plan: &harness::Plan,
    outcome: &Outcome,
) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&outcome.stdout),
        String::from_utf8_lossy(&outcome.stderr)
    );
    if !matches!(outcome.status, Status::Exited(_)) {
        return format!(
            "the compiler did not finish ({:?}): {}",
            outcome.status,
            verdict::tail(&text, 2048)
        );
    }
    let own: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("In file included from"))
        .collect();
    let about_candidate = own.iter().any(|l| l.starts_with(&plan.candidate_file));
    if about_candidate {
        // Drop the blocks about the harness's own files, keep the candidate's.
        let mut kept = Vec::new();
        let mut keeping = true;
        for line in own {
            let names_file = line.contains(".java:") || line.contains(".cpp:");
            if names_file {
                keeping = line.starts_with(&plan.candidate_file);
            }
            if keeping {
                kept.push(line);
            }
        }
        return verdict::excerpt(&kept.join("\n"), 8 * 1024);
    }
    let first = own
        .iter()
        .find(|l| l.contains("error"))
        .copied()
        .unwrap_or("");
    format!(
        "the harness could not call your code; does it match this?\n{}\n(compiler: {})",
        harness::expected_signature(language, problem),
        first.trim()
    )
}
