//! The state of one interview, folded from its events, and the coach work it awaits.
//!
//! `apply` is total and pure: it trusts the log (decide has validated every event
//! before it was appended) and never fails, so replay can never get stuck.

use super::events::{EndReason, EndedBy, Event, InterviewStarted, Version};
use super::scores::Score;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Where the interview stands. Derived by folding, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing yet: the web flow's first step, where the candidate describes a problem.
    Problem,
    Approach,
    Coding,
    Feedback,
    Ended,
    Summarised,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Problem => "problem",
            Phase::Approach => "approach",
            Phase::Coding => "coding",
            Phase::Feedback => "feedback",
            Phase::Ended => "ended",
            Phase::Summarised => "summarised",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        [
            Phase::Problem,
            Phase::Approach,
            Phase::Coding,
            Phase::Feedback,
            Phase::Ended,
            Phase::Summarised,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Phase::Ended | Phase::Summarised)
    }
}

/// What the coach owes for a candidate event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnKind {
    /// React to a problem the candidate described and ask for their approach.
    Intro,
    ApproachFeedback,
    Analysis,
    Chat,
    Hint,
    Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnState {
    Pending,
    Done,
    Failed { retryable: bool },
}

/// One candidate event and the state of the coach's answer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Turn {
    pub reply_to: Version,
    pub kind: TurnKind,
    pub state: TurnState,
    /// Failed attempts recorded so far.
    pub failures: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interview {
    /// Number of events applied: the stream version.
    pub version: Version,
    pub started: Option<InterviewStarted>,
    pub approach_explained: bool,
    pub submissions: u32,
    pub hints_used: u32,
    pub last_score: Option<Score>,
    pub ended: Option<(EndedBy, EndReason, DateTime<Utc>)>,
    pub summarised: bool,
    /// The phase, kept up to date by `apply`.
    phase: Option<Phase>,
    pub turns: BTreeMap<Version, Turn>,
    /// Events up to this version are summarised by a compaction digest.
    pub compacted_up_to: Version,
    /// The time-limit warning has been given.
    pub time_warned: bool,
    /// Share links revoked, by share id.
    pub revoked_shares: BTreeSet<Uuid>,
    /// Submissions whose tests have run (their `TestsRun` is in the log).
    pub tested: BTreeSet<u32>,
    /// Runs of the candidate's code so far, submissions' and ad-hoc ones.
    pub runs: u32,
    /// Cases the latest tested submission passed, and ran.
    pub last_tests: Option<(usize, usize)>,
    /// When the candidate last did something (the start included): idleness is
    /// measured from here.
    pub last_candidate_at: Option<DateTime<Utc>>,
    /// The prompt version and model of each recorded regrade (one per pair).
    pub regrades: Vec<super::events::CoachStamp>,
    /// Set when this is a peer interview (issue 16): who interviews, and how it went.
    pub peer: Option<super::peer::PeerState>,
}

impl Interview {
    /// Fold a whole stream.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Interview {
        let mut interview = Interview::default();
        for e in events {
            interview.apply(e);
        }
        interview
    }

    /// Problem -> Approach -> Coding -> Feedback -> (Coding again when the approach is
    /// revised; Feedback again on resubmission) -> Ended -> Summarised.
    pub fn phase(&self) -> Phase {
        self.phase.unwrap_or(Phase::Problem)
    }

    /// The deadline, when the interview has a time limit.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        let s = self.started.as_ref()?;
        let minutes = s.time_limit_minutes?;
        Some(s.at + Duration::minutes(i64::from(minutes)))
    }

    /// Coach turns not yet answered, oldest first: the coach's work list.
    pub fn pending_turns(&self) -> Vec<Turn> {
        self.turns
            .values()
            .filter(|t| t.state == TurnState::Pending)
            .copied()
            .collect()
    }

    /// The latest turn whose coach answer failed.
    pub fn last_failed_turn(&self) -> Option<&Turn> {
        self.turns
            .values()
            .rev()
            .find(|t| matches!(t.state, TurnState::Failed { .. }))
    }

    fn open_turn(&mut self, kind: TurnKind) {
        let v = self.version;
        self.turns.insert(
            v,
            Turn {
                reply_to: v,
                kind,
                state: TurnState::Pending,
                failures: 0,
            },
        );
    }

    fn close_turn(&mut self, reply_to: Version, state: TurnState) {
        if let Some(t) = self.turns.get_mut(&reply_to) {
            if let TurnState::Failed { .. } = state {
                t.failures += 1;
            }
            t.state = state;
        }
    }

    /// Fold one event into the state.
    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        if event.actor().is_some() && !super::peer::is_peer_event(event) {
            self.last_candidate_at = Some(event.at());
        }
        match event {
            Event::InterviewStarted(e) => {
                let custom = matches!(e.problem, super::problem::Problem::Custom { .. });
                self.started = Some(e.clone());
                self.phase = Some(Phase::Approach);
                if custom {
                    self.open_turn(TurnKind::Intro);
                }
            }
            Event::ApproachExplained(_) => {
                self.approach_explained = true;
                self.phase = Some(Phase::Coding);
                if !self.coach_silent() {
                    self.open_turn(TurnKind::ApproachFeedback);
                }
            }
            Event::CodeSubmitted(e) => {
                self.submissions = e.submission;
                self.phase = Some(Phase::Feedback);
                self.open_turn(TurnKind::Analysis);
            }
            Event::CandidateMessage(_) => {
                if !self.coach_silent() {
                    self.open_turn(TurnKind::Chat);
                }
            }
            Event::HintRequested(e) => {
                self.hints_used = e.hint;
                self.open_turn(TurnKind::Hint);
            }
            Event::RetryRequested(e) => {
                if let Some(t) = self.turns.get_mut(&e.target) {
                    t.state = TurnState::Pending;
                }
            }
            Event::CoachReplied(e) => {
                if e.kind == super::events::ReplyKind::TimeWarning {
                    self.time_warned = true;
                }
                self.close_turn(e.reply_to, TurnState::Done);
            }
            Event::CodeAnalyzed(e) => {
                self.last_score = Some(e.analysis.score);
                self.close_turn(e.reply_to, TurnState::Done);
            }
            Event::CoachFailed(e) => self.close_turn(
                e.reply_to,
                TurnState::Failed {
                    retryable: e.retryable,
                },
            ),
            Event::InterviewEnded(e) => {
                self.ended = Some((e.by.clone(), e.reason, e.at));
                self.phase = Some(Phase::Ended);
                self.open_turn(TurnKind::Summary);
            }
            Event::SummaryWritten(e) => {
                if let Some(p) = &mut self.peer {
                    p.apply(event);
                }
                self.summarised = true;
                self.phase = Some(Phase::Summarised);
                self.close_turn(e.reply_to, TurnState::Done);
            }
            Event::ContextCompacted(e) => self.compacted_up_to = e.up_to,
            Event::ShareRevoked(e) => {
                self.revoked_shares.insert(e.share_id);
            }
            // Written by a newer release: it counts in the version (the stream holds
            // it) and changes nothing else.
            Event::Unknown(_) => {}
            Event::Regraded(e) => self.regrades.push(e.stamp.clone()),
            // issue 16: daily. A community's daily stream, never an interview's.
            Event::DailyScheduled(_) | Event::DailyTurnedOff(_) | Event::DailyPosted(_) => {}
            // issue 16: duel events live in duel streams, never in an interview's.
            Event::DuelOffered(_)
            | Event::DuelDeclined(_)
            | Event::DuelOfferExpired(_)
            | Event::DuelStarted(_)
            | Event::DuelWon(_)
            | Event::DuelTimedOut(_)
            | Event::DuelRunnerUpFinished(_) => {}
            Event::TestsRun(e) => {
                self.runs += 1;
                if let Some(n) = e.submission() {
                    self.tested.insert(n);
                    self.last_tests = Some((e.passed(), e.total()));
                }
            }
            // issue 16: peer
            Event::PeerPaired(e) => {
                self.peer = Some(super::peer::PeerState::new(e.interviewer.clone()));
            }
            Event::PeerHintRevealed(e) => self.hints_used = e.hint,
            Event::PeerCoachAsked(e) => {
                self.open_turn(TurnKind::Chat);
                if !e.aloud
                    && let Some(p) = &mut self.peer
                {
                    p.private_turns.insert(self.version);
                }
            }
            Event::PeerQuestionAsked(_)
            | Event::PeerRubricFilled(_)
            | Event::PeerInterviewerRated(_)
            | Event::PeerInterviewerLeft(_)
            | Event::PeerRolesSwapped(_) => {
                if let Some(p) = &mut self.peer {
                    p.apply(event);
                }
            }
        }
    }

    /// A peer interview whose interviewer is there: the coach speaks only when asked.
    pub fn coach_silent(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| p.coach_silent())
    }

    /// Whether the chat outlets keep this coach event out of the thread (a peer
    /// interview's private answers and silent reviews).
    pub fn keeps_private(&self, event: &Event) -> bool {
        self.peer.as_ref().is_some_and(|p| p.keeps_private(event))
    }
}
