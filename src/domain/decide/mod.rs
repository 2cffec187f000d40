//! `decide`: the rules of an interview. Given the folded state and a command, it returns
//! the events to append or a refusal. Pure and synchronous; it never appends anything
//! itself, and a refusal means nothing is written.
//!
//! This file only dispatches: each command family has its own module (`start`,
//! `candidate`, `coach`, `ending`, `share`, `run`,
//! `regrade`), and the checks they share live in `guards`.

mod candidate;
mod coach;
pub mod daily;
pub mod duel;
mod ending;
mod guards;
mod peer;
mod regrade;
mod run;
mod share;
mod start;

use super::commands::Command;
use super::error::DomainError;
use super::events::Event;
use super::interview::Interview;

/// Largest code submission accepted, in bytes.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// Longest approach, chat message or coach text, in characters.
pub const MAX_TEXT_CHARS: usize = 8_000;
/// Longest problem a candidate may describe, in characters.
pub const MAX_PROBLEM_CHARS: usize = 20_000;
/// Longest time limit, in minutes.
pub const MAX_TIME_LIMIT_MINUTES: u32 = 240;

pub fn decide(state: &Interview, command: Command) -> Result<Vec<Event>, DomainError> {
    use Command as C;
    match command {
        C::StartInterview(c) => start::start(state, c),
        C::ExplainApproach { actor, text, at } => candidate::approach(state, actor, text, at),
        C::SubmitCode(c) => candidate::submit(state, c),
        C::SendMessage { actor, text, at } => candidate::message(state, actor, text, at),
        C::RequestHint {
            actor,
            max_hints,
            at,
        } => candidate::hint(state, actor, max_hints, at),
        C::RetryCoach { actor, at } => candidate::retry(state, actor, at),
        C::RecordCoachReply {
            reply_to,
            kind,
            text,
            usage,
            stamp,
            at,
        } => coach::reply(state, reply_to, kind, text, (usage, stamp), at),
        C::RecordAnalysis {
            reply_to,
            analysis,
            usage,
            stamp,
            at,
        } => coach::analysis(state, reply_to, analysis, (usage, stamp), at),
        C::RecordCoachFailure {
            reply_to,
            kind,
            message,
            attempts,
            retryable,
            stamp,
            at,
        } => coach::failure(
            state,
            crate::domain::events::CoachFailed {
                reply_to,
                kind,
                message,
                attempts,
                retryable,
                stamp,
                at,
            },
        ),
        C::RecordSummary(c) => coach::summary(state, c),
        C::CompactContext { up_to, digest, at } => coach::compaction(state, up_to, digest, at),
        C::WarnTime { minutes_left, at } => ending::warn_time(state, minutes_left, at),
        C::EndInterview { by, at } => ending::end(state, by, at),
        C::RevokeShare { share_id, at } => share::revoke(state, share_id, at),
        C::RunTests(c) => run::run(state, c),
        C::RecordTestsRun(run) => run::record(state, run),
        C::RecordRegrade(r) => regrade::record(state, *r),
        // issue 16: peer
        C::Peer(c) => peer::decide(state, c),
    }
}
