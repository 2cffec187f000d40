//! Refusals: the moves an interview does not allow. Each has a message fit to show the
//! person who tried; adapters render it as an ephemeral reply and append nothing.

use super::events::Version;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("an interview is already running here")]
    AlreadyStarted,
    #[error("no interview has started here yet")]
    NotStarted,
    #[error("this interview has ended")]
    InterviewOver,
    #[error("this interview has already ended")]
    AlreadyEnded,
    #[error("the {what} is empty: please write something first")]
    EmptyText { what: &'static str },
    #[error("the {what} is too long ({got} characters; the limit is {max})")]
    TextTooLong {
        what: &'static str,
        got: usize,
        max: usize,
    },
    #[error("please write some code first")]
    EmptyCode,
    #[error("the code is too large ({got} bytes; the limit is {max} bytes)")]
    CodeTooLarge { got: usize, max: usize },
    #[error("only {candidate} can do that in this interview")]
    OnlyCandidate { candidate: String },
    #[error("this is {candidate}'s interview; only they talk to the coach here")]
    NotParticipant { candidate: String },
    #[error(
        "your previous submission is still being reviewed; wait for its analysis before submitting again"
    )]
    AnalysisPending,
    #[error("there is no failed coach turn to retry")]
    NothingToRetry,
    #[error("turn {reply_to} is not waiting for that coach answer")]
    NotPending { reply_to: Version },
    #[error("the interview has not ended yet")]
    NotEnded,
    #[error("this interview has no time limit")]
    NoTimeLimit,
    #[error("the time limit has not been reached yet")]
    TimeLimitNotReached,
    #[error("the candidate acted within the last {minutes} minutes")]
    NotIdle { minutes: u32 },
    #[error("a time limit must be between 1 and {max} minutes, got {got}")]
    InvalidTimeLimit { got: u32, max: u32 },
    #[error("time is up for this interview: you can still end it to get your summary")]
    TimeUp,
    #[error("the time warning has already been given")]
    AlreadyWarned,
    #[error("it is not yet time for the time warning")]
    WarningNotDue,
    #[error("cannot compact the context up to event {up_to}")]
    InvalidCompaction { up_to: Version },
    #[error("this share link was already revoked")]
    ShareAlreadyRevoked,
    #[error("all {max} hints for this problem have been used")]
    HintsExhausted { max: u32 },
    #[error("{language:?} cannot be run; use one of: {supported}")]
    UnsupportedLanguage { language: String, supported: String },
    #[error(
        "the custom input is not valid JSON ({reason}); write a JSON object of the arguments, such as {example}"
    )]
    InputNotJson { reason: String, example: String },
    #[error(
        "the custom input lacks the argument {missing:?}; this problem's arguments are: {expected}"
    )]
    InputMissingArgument { missing: String, expected: String },
    #[error(
        "this problem is not from the bank, so it has no tests to run; you can still run your code on an input of your own"
    )]
    NoTests,
    #[error(
        "this interview was already regraded with prompt {prompt_version} and model {model}; nothing was recorded"
    )]
    AlreadyRegraded {
        prompt_version: String,
        model: String,
    },
    #[error("the regrade cannot be recorded: {reason}")]
    InvalidRegrade { reason: String },
    #[error("submission {submission} has no code to test here, or its tests already ran")]
    NotTestable { submission: u32 },
    // issue 16: peer
    #[error("this is not a peer interview")]
    NotPeer,
    #[error("only {interviewer}, the interviewer, can do that in this interview")]
    OnlyInterviewer { interviewer: String },
    #[error("you cannot interview yourself: name another member as the interviewer")]
    PeerWithSelf,
    #[error("a bot cannot be the interviewer: name a member of this server")]
    PeerWithBot,
    #[error("the interviewer has left this interview; the coach has taken over")]
    InterviewerLeft,
    #[error("in a peer interview, {interviewer} gives the hints: ask them in the thread")]
    HintsFromInterviewer { interviewer: String },
    #[error("the rubric has already been filled for this interview")]
    RubricAlreadyFilled,
    #[error("you have already rated the interviewer of this interview")]
    AlreadyRated,
    #[error("roles have already been swapped for this interview")]
    AlreadySwapped,
    #[error("a rating is 1 to 5 stars, got {got}")]
    InvalidStars { got: u8 },
    #[error(
        "only {candidate} and {interviewer}, the two members of this peer interview, can do that"
    )]
    OnlyPeerMembers {
        candidate: String,
        interviewer: String,
    },
}
