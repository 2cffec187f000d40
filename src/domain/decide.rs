//! `decide`: the rules of an interview. Given the folded state and a command, it returns
//! the events to append or a refusal. Pure and synchronous; it never appends anything
//! itself, and a refusal means nothing is written.

use super::commands::{Command, EndBy, RecordSummary, StartInterview, SubmitCode};
use super::error::DomainError;
use super::events::*;
use super::ids::Actor;
use super::interview::{Interview, Phase, TurnKind, TurnState};
use super::problem::{Mode, Problem};

/// Largest code submission accepted, in bytes.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// Longest approach, chat message or coach text, in characters.
pub const MAX_TEXT_CHARS: usize = 8_000;
/// Longest problem a candidate may describe, in characters.
pub const MAX_PROBLEM_CHARS: usize = 20_000;
/// Longest time limit, in minutes.
pub const MAX_TIME_LIMIT_MINUTES: u32 = 240;

pub fn decide(state: &Interview, command: Command) -> Result<Vec<Event>, DomainError> {
    match command {
        Command::StartInterview(c) => start(state, c),
        Command::ExplainApproach { actor, text, at } => {
            open(state)?;
            in_time(state, at)?;
            candidate_only(state, &actor)?;
            let text = checked_text("approach", text, MAX_TEXT_CHARS)?;
            Ok(vec![Event::ApproachExplained(ApproachExplained {
                actor,
                text,
                at,
            })])
        }
        Command::SubmitCode(c) => submit(state, c),
        Command::SendMessage { actor, text, at } => {
            open(state)?;
            in_time(state, at)?;
            participant(state, &actor)?;
            let text = checked_text("message", text, MAX_TEXT_CHARS)?;
            Ok(vec![Event::CandidateMessage(CandidateMessage {
                actor,
                text,
                at,
            })])
        }
        Command::RequestHint {
            actor,
            max_hints,
            at,
        } => {
            open(state)?;
            in_time(state, at)?;
            candidate_only(state, &actor)?;
            if let Some(max) = max_hints
                && state.hints_used >= max
            {
                return Err(DomainError::HintsExhausted { max });
            }
            let hint = state.hints_used + 1;
            Ok(vec![Event::HintRequested(HintRequested {
                actor,
                hint,
                at,
            })])
        }
        Command::RetryCoach { actor, at } => retry(state, actor, at),
        Command::EndInterview { by, at } => end(state, by, at),
        Command::RecordCoachReply {
            reply_to,
            kind,
            text,
            usage,
            at,
        } => {
            pending(state, reply_to, |k| {
                k != TurnKind::Analysis && k != TurnKind::Summary
            })?;
            let text = checked_text("coach reply", text, MAX_TEXT_CHARS * 2)?;
            Ok(vec![Event::CoachReplied(CoachReplied {
                reply_to,
                kind,
                text,
                usage,
                at,
            })])
        }
        Command::RecordAnalysis {
            reply_to,
            analysis,
            usage,
            at,
        } => {
            pending(state, reply_to, |k| k == TurnKind::Analysis)?;
            Ok(vec![Event::CodeAnalyzed(CodeAnalyzed {
                reply_to,
                analysis,
                usage,
                at,
            })])
        }
        Command::RecordCoachFailure {
            reply_to,
            kind,
            message,
            attempts,
            retryable,
            at,
        } => {
            pending(state, reply_to, |_| true)?;
            Ok(vec![Event::CoachFailed(CoachFailed {
                reply_to,
                kind,
                message,
                attempts,
                retryable,
                at,
            })])
        }
        Command::RecordSummary(c) => summary(state, c),
        Command::WarnTime { minutes_left, at } => {
            open(state)?;
            let deadline = state.deadline().ok_or(DomainError::NoTimeLimit)?;
            if state.time_warned {
                return Err(DomainError::AlreadyWarned);
            }
            if at < deadline - chrono::Duration::minutes(i64::from(minutes_left)) || at >= deadline
            {
                return Err(DomainError::WarningNotDue);
            }
            let left = (deadline - at).num_minutes().max(1);
            Ok(vec![Event::CoachReplied(CoachReplied {
                reply_to: 0,
                kind: ReplyKind::TimeWarning,
                text: format!(
                    "About {left} minute{} left. Make sure your best solution is submitted, then talk through how you would test it.",
                    if left == 1 { "" } else { "s" }
                ),
                usage: None,
                at,
            })])
        }
        Command::CompactContext { up_to, digest, at } => {
            started(state)?;
            if up_to <= state.compacted_up_to || up_to > state.version {
                return Err(DomainError::InvalidCompaction { up_to });
            }
            Ok(vec![Event::ContextCompacted(ContextCompacted {
                up_to,
                digest,
                at,
            })])
        }
    }
}

fn start(state: &Interview, c: StartInterview) -> Result<Vec<Event>, DomainError> {
    if state.started.is_some() {
        return Err(DomainError::AlreadyStarted);
    }
    if let Problem::Custom { text, .. } = &c.problem {
        checked_text("problem description", text.clone(), MAX_PROBLEM_CHARS)?;
    }
    if let Some(m) = c.time_limit_minutes
        && (m == 0 || m > MAX_TIME_LIMIT_MINUTES)
    {
        return Err(DomainError::InvalidTimeLimit {
            got: m,
            max: MAX_TIME_LIMIT_MINUTES,
        });
    }
    Ok(vec![Event::InterviewStarted(InterviewStarted {
        interview_id: c.interview_id,
        place: c.place,
        candidate: c.candidate,
        problem: c.problem,
        language: c.language,
        difficulty: c.difficulty,
        time_limit_minutes: c.time_limit_minutes,
        mode: c.mode,
        coach: c.coach,
        at: c.at,
    })])
}

fn submit(state: &Interview, c: SubmitCode) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, c.at)?;
    candidate_only(state, &c.actor)?;
    if c.code.trim().is_empty() {
        return Err(DomainError::EmptyCode);
    }
    if c.code.len() > MAX_CODE_BYTES {
        return Err(DomainError::CodeTooLarge {
            got: c.code.len(),
            max: MAX_CODE_BYTES,
        });
    }
    let analysing = state
        .turns
        .values()
        .any(|t| t.kind == TurnKind::Analysis && t.state == TurnState::Pending);
    if analysing {
        return Err(DomainError::AnalysisPending);
    }
    Ok(vec![Event::CodeSubmitted(CodeSubmitted {
        actor: c.actor,
        language: c.language.trim().to_ascii_lowercase(),
        code: c.code,
        source: c.source,
        submission: state.submissions + 1,
        at: c.at,
    })])
}

fn retry(
    state: &Interview,
    actor: Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    candidate_only(state, &actor)?;
    let turn = state
        .last_failed_turn()
        .ok_or(DomainError::NothingToRetry)?;
    // A failed review of code that has since been resubmitted is superseded, and after
    // the end only the summary is still worth retrying.
    let superseded = turn.kind == TurnKind::Analysis
        && state
            .turns
            .values()
            .any(|t| t.kind == TurnKind::Analysis && t.reply_to > turn.reply_to);
    let over = state.ended.is_some() && turn.kind != TurnKind::Summary;
    if superseded || over {
        return Err(DomainError::NothingToRetry);
    }
    Ok(vec![Event::RetryRequested(RetryRequested {
        actor,
        target: turn.reply_to,
        at,
    })])
}

fn end(
    state: &Interview,
    by: EndBy,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if state.ended.is_some() {
        return Err(DomainError::AlreadyEnded);
    }
    let reason = Command::end_reason(&by);
    let by = match by {
        EndBy::Member(actor) => {
            candidate_only(state, &actor)?;
            EndedBy::Member { actor }
        }
        EndBy::Timer => {
            let deadline = state.deadline().ok_or(DomainError::NoTimeLimit)?;
            if at < deadline {
                return Err(DomainError::TimeLimitNotReached);
            }
            EndedBy::Timer
        }
    };
    Ok(vec![Event::InterviewEnded(InterviewEnded {
        by,
        reason,
        at,
    })])
}

fn summary(state: &Interview, c: RecordSummary) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    let (_, _, ended_at) = state.ended.as_ref().ok_or(DomainError::NotEnded)?;
    pending(state, c.reply_to, |k| k == TurnKind::Summary)?;
    let started_at = state.started.as_ref().map(|s| s.at).unwrap_or(*ended_at);
    let duration_seconds = (*ended_at - started_at).num_seconds().max(0) as u64;
    Ok(vec![Event::SummaryWritten(SummaryWritten {
        reply_to: c.reply_to,
        overall: c.overall,
        strengths: c.strengths,
        improvements: c.improvements,
        rubric: c.rubric,
        hire_signal: c.hire_signal,
        duration_seconds,
        submissions: state.submissions,
        hints_used: state.hints_used,
        usage: c.usage,
        at: c.at,
    })])
}

fn started(state: &Interview) -> Result<(), DomainError> {
    if state.started.is_none() {
        return Err(DomainError::NotStarted);
    }
    Ok(())
}

/// Before the deadline, when there is one: past it, only ending is allowed.
fn in_time(state: &Interview, at: chrono::DateTime<chrono::Utc>) -> Result<(), DomainError> {
    match state.deadline() {
        Some(deadline) if at >= deadline => Err(DomainError::TimeUp),
        _ => Ok(()),
    }
}

/// Started and not ended.
fn open(state: &Interview) -> Result<(), DomainError> {
    started(state)?;
    if matches!(state.phase(), Phase::Ended | Phase::Summarised) {
        return Err(DomainError::InterviewOver);
    }
    Ok(())
}

fn candidate_name(state: &Interview) -> String {
    state
        .started
        .as_ref()
        .map(|s| s.candidate.name.clone())
        .unwrap_or_default()
}

fn is_candidate(state: &Interview, actor: &Actor) -> bool {
    state
        .started
        .as_ref()
        .is_some_and(|s| s.candidate.same_person(actor))
}

fn candidate_only(state: &Interview, actor: &Actor) -> Result<(), DomainError> {
    if is_candidate(state, actor) {
        Ok(())
    } else {
        Err(DomainError::OnlyCandidate {
            candidate: candidate_name(state),
        })
    }
}

/// The candidate, or anyone in a group-mode interview.
fn participant(state: &Interview, actor: &Actor) -> Result<(), DomainError> {
    let group = state
        .started
        .as_ref()
        .is_some_and(|s| s.mode == Mode::Group);
    if is_candidate(state, actor) || group {
        Ok(())
    } else {
        Err(DomainError::NotParticipant {
            candidate: candidate_name(state),
        })
    }
}

/// The turn `reply_to` exists, awaits the coach, and is of an accepted kind.
fn pending(
    state: &Interview,
    reply_to: Version,
    kind_ok: impl Fn(TurnKind) -> bool,
) -> Result<(), DomainError> {
    match state.turns.get(&reply_to) {
        Some(t) if t.state == TurnState::Pending && kind_ok(t.kind) => Ok(()),
        _ => Err(DomainError::NotPending { reply_to }),
    }
}

fn checked_text(what: &'static str, text: String, max: usize) -> Result<String, DomainError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DomainError::EmptyText { what });
    }
    let got = trimmed.chars().count();
    if got > max {
        return Err(DomainError::TextTooLong { what, got, max });
    }
    Ok(trimmed.to_string())
}
