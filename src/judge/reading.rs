//! Reading a run's end: the harness's answer lines into verdicts, a process that died
//! mid-run into the verdict of the case it died in, compiler output into a message about
//! the candidate's own file. Pure functions of what the sandbox returned; nothing here
//! starts a process.

use super::{Case, JudgeError, Language, compare, harness, verdict};
use crate::problems::BankProblem;
use crate::sandbox::{Outcome, Status};
use serde_json::Value;
use verdict::{CaseReport, Verdict};

/// What the harness said about one case (or about the code as a whole).
pub(super) enum Reply {
    Case(Value),
    CompileError(String),
    LoadError(String, String),
    Missing,
}

pub(super) fn parse_reply(body: &str) -> Result<Reply, JudgeError> {
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

pub(super) fn skipped(case: &Case) -> CaseReport {
    let mut report = blank(case, Verdict::Skipped);
    report.error = Some("not run: earlier cases ended the process too many times".into());
    report
}

/// A case the harness answered.
pub(super) fn judge_case(case: &Case, mode: compare::Mode, reply: &Value) -> CaseReport {
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
pub(super) fn died(case: &Case, outcome: &Outcome, candidate_file: &str) -> CaseReport {
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
pub(super) fn compile_message(
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
        let why = match outcome.status {
            Status::WallLimit => {
                "it ran past its wall-clock limit (the server may be busy with other runs: try again in a moment)"
            }
            Status::CpuLimit => "it used up its CPU time (a template or constant-expression bomb?)",
            Status::MemoryLimit => "it ran out of memory",
            Status::OutputLimit => "it wrote more output than allowed",
            Status::Signalled(_) | Status::Exited(_) => "it was killed",
        };
        let tail = verdict::tail(&text, 2048);
        return if tail.trim().is_empty() {
            format!("the compiler did not finish: {why}")
        } else {
            format!("the compiler did not finish: {why}\n{tail}")
        };
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
