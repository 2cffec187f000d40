//! Events and coach progress as WebSocket frames. A `Renderer` follows one stream in
//! version order (replayed or live) and keeps what the frames need: the folded
//! interview, submission numbers, and which candidate events this socket sent itself
//! (those are not echoed back to it).
//!
//! Pure: it never reads the store or the clock.

use super::protocol::Frame;
use super::role::Role;
use crate::domain::{Event, Interview, Problem, TurnState, Version};
use crate::engine::{Progress, ProgressKind, RunProgress};
use crate::platforms::web::views::SummaryBody;
use crate::queries::RecordedEvent;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct Renderer {
    /// The interview folded from every event rendered so far.
    pub state: Interview,
    /// Submission number of each `CodeSubmitted` version.
    submissions: HashMap<Version, u32>,
    /// Candidate events appended through this socket.
    own: HashSet<Version>,
    /// A bank problem's statement, set by the session (the renderer reads no bank).
    pub statement: Option<String>,
}

impl Renderer {
    /// The last version rendered.
    pub fn version(&self) -> Version {
        self.state.version
    }

    /// Mark `version` as sent by this socket: it will not be echoed as `candidate`.
    pub fn mark_own(&mut self, version: Version) {
        self.own.insert(version);
    }

    /// The frames for the next event of the stream (its version must be
    /// `self.version() + 1`).
    pub fn event(&mut self, recorded: &RecordedEvent) -> Vec<Frame> {
        self.state.apply(&recorded.event);
        let version = recorded.version;
        let own = self.own.remove(&version);
        let candidate = |kind: &'static str, content: &str, language: Option<&str>| {
            if own {
                Vec::new()
            } else {
                vec![Frame::Candidate {
                    kind,
                    content: content.to_string(),
                    language: language.map(str::to_string),
                    timestamp: recorded.event.at(),
                }]
            }
        };
        match &recorded.event {
            Event::InterviewStarted(e) if own => {
                // Only the socket that started an interview appends its start.
                vec![self.interview_frame(&recorded.stream_id.0, e.interview_id, Role::Candidate)]
            }
            Event::InterviewStarted(e) => {
                let text = match &e.problem {
                    Problem::Custom { text, .. } => text.as_str(),
                    other => other.title(),
                };
                candidate("problem", text, None)
            }
            Event::ApproachExplained(e) => candidate("explanation", &e.text, None),
            Event::CodeSubmitted(e) => {
                self.submissions.insert(version, e.submission);
                candidate("code", &e.code, Some(&e.language))
            }
            Event::CandidateMessage(e) => candidate("message", &e.text, None),
            Event::HintRequested(_) => candidate("hint", "", None),
            Event::InterviewEnded(_) => candidate("end", "", None),
            other => self.coach_frames(other),
        }
    }

    /// The frames for an answer of the coach (none for other events).
    fn coach_frames(&self, event: &Event) -> Vec<Frame> {
        match event {
            Event::CoachReplied(e) => vec![Frame::AiResponse {
                message: e.text.clone(),
                timestamp: e.at,
                reply_to: e.reply_to,
                kind: e.kind.as_str(),
            }],
            Event::CodeAnalyzed(e) => vec![Frame::CodeAnalysis {
                analysis: e.analysis.clone(),
                timestamp: e.at,
                reply_to: e.reply_to,
                submission: self.submissions.get(&e.reply_to).copied(),
            }],
            Event::CoachFailed(e) => vec![
                Frame::CoachStatus {
                    state: "failed",
                    message: e.message.clone(),
                    reply_to: e.reply_to,
                },
                Frame::error(e.message.clone(), e.at),
            ],
            Event::TestsRun(e) => vec![Frame::TestResults {
                run: Box::new(e.clone()),
                text: crate::practice::runs::render(e, usize::MAX),
                timestamp: e.at,
                version: self.state.version,
            }],
            Event::SummaryWritten(e) => vec![Frame::SessionSummary {
                body: SummaryBody::from(e),
                timestamp: e.at,
                reply_to: e.reply_to,
            }],
            _ => Vec::new(),
        }
    }

    /// The `interview` frame for the state so far.
    pub fn interview_frame(
        &self,
        stream_id: &str,
        interview_id: uuid::Uuid,
        role: super::role::Role,
    ) -> Frame {
        let title = self
            .state
            .started
            .as_ref()
            .map(|s| s.problem.title().to_string())
            .unwrap_or_default();
        Frame::Interview {
            interview_id: interview_id.to_string(),
            stream_id: stream_id.to_string(),
            phase: self.state.phase().as_str(),
            deadline: self.state.deadline(),
            problem_title: title,
            role: role.as_str(),
            problem_text: self.statement.clone(),
        }
    }

    /// `coach_status thinking` for each coach turn still owed (sent after a replay, so a
    /// resumed page knows the coach is at work).
    pub fn pending_status(&self) -> Vec<Frame> {
        self.state
            .turns
            .values()
            .filter(|t| t.state == TurnState::Pending)
            .map(|t| thinking(t.reply_to))
            .collect()
    }
}

fn thinking(reply_to: Version) -> Frame {
    Frame::CoachStatus {
        state: "thinking",
        message: "The coach is thinking…".to_string(),
        reply_to,
    }
}

/// The frame for a piece of coach progress.
pub fn progress(p: &Progress) -> Frame {
    match &p.kind {
        ProgressKind::Thinking => thinking(p.reply_to),
        ProgressKind::Retrying { attempt, wait_ms } => Frame::CoachStatus {
            state: "retrying",
            // No pause: the reply was unfit to show (cut or looping) and is asked again.
            message: match wait_ms {
                0 => format!(
                    "The coach is rewriting its reply (attempt {}).",
                    attempt + 1
                ),
                _ => format!(
                    "The coach is busy; trying again in {} s (attempt {}).",
                    wait_ms.div_ceil(1000),
                    attempt + 1
                ),
            },
            reply_to: p.reply_to,
        },
        ProgressKind::Queued { ahead } => Frame::CoachStatus {
            state: "queued",
            message: match ahead {
                0 => "The coach is busy with other interviews: you're queued, next in line."
                    .to_string(),
                n => format!("The coach is busy with other interviews: you're queued, {n} ahead."),
            },
            reply_to: p.reply_to,
        },
        ProgressKind::Waiting { seconds } => Frame::CoachStatus {
            state: "waiting",
            message: format!("You're going a bit fast: the coach will answer in {seconds} s."),
            reply_to: p.reply_to,
        },
        ProgressKind::Delta(text) => Frame::AiResponseDelta {
            reply_to: p.reply_to,
            delta: text.clone(),
        },
        ProgressKind::Run(run) | ProgressKind::SubmissionRun { step: run, .. } => {
            run_status(p.reply_to, run)
        }
    }
}

/// The `run_status` frame of a run's progress.
fn run_status(reply_to: Version, run: &RunProgress) -> Frame {
    let (state, message, ahead) = match run {
        RunProgress::Queued { ahead: 0 } => ("queued", "queued, next to run".into(), Some(0)),
        RunProgress::Queued { ahead } => ("queued", format!("queued, {ahead} ahead"), Some(*ahead)),
        RunProgress::Running { text } => ("running", text.clone(), None),
        RunProgress::Failed { message } => ("failed", message.clone(), None),
    };
    Frame::RunStatus {
        state,
        message,
        ahead,
        reply_to,
    }
}
