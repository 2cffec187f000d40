//! One interview as a transcript view: an ordered list of entries (which version, when,
//! who, what), built once from the stream's events, with analyses and summaries kept as
//! data. Every renderer (the `replay` text, the Markdown export, the read API's JSON, the
//! Discord and Slack posts) formats this view instead of walking the events itself.
//!
//! Pure and format-free: no I/O, no text layout. Every event becomes an entry, the
//! bookkeeping ones (retries, compactions) too; each renderer decides what to skip.
//! Events this release cannot read (`Event::Unknown`) are left out of the view.

use crate::domain::{
    Actor, Analysis, CoachFailed, Difficulty, EndReason, Event, InterviewStarted, Problem,
    Regraded, ReplyKind, SubmissionSource, SummaryWritten, TestsRun, Version,
};
use crate::ports::RecordedEvent;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An interview's entries, in stream order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub entries: Vec<Entry>,
}

/// One event as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub version: Version,
    pub at: DateTime<Utc>,
    /// The stored type tag of the event it was built from (the read API shows it).
    pub event_type: &'static str,
    pub who: Who,
    pub what: What,
}

/// Who caused an entry. An interview's end says who ended it here.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// A member: the candidate, or whoever acted in the interview.
    Member(Actor),
    /// The coach (replies, analyses, failures, summaries, its context).
    Coach,
    /// The time limit.
    Timer,
}

/// What happened, with the data a reader wants (no token usage, no digests).
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    Started(Started),
    Approach {
        text: String,
    },
    Code {
        language: String,
        submission: u32,
        source: SubmissionSource,
        code: String,
    },
    Message {
        text: String,
    },
    Hint {
        number: u32,
    },
    /// The candidate asked the coach to try the turn of `target` again.
    Retry {
        target: Version,
    },
    CoachReply {
        kind: ReplyKind,
        reply_to: Version,
        text: String,
    },
    Analysis {
        reply_to: Version,
        analysis: Analysis,
    },
    /// The coach could not answer; the domain's record as it is.
    CoachFailure(CoachFailed),
    /// The interview ended; [`Entry::who`] says by whom.
    Ended {
        reason: EndReason,
    },
    /// The coach's context was compacted up to `up_to`.
    Compacted {
        up_to: Version,
    },
    /// The end-of-interview summary; the domain's record as it is.
    Summary(SummaryWritten),
    /// The candidate's code was run on the problem's tests (or their own input).
    TestsRun(Box<TestsRun>),
    /// The operator revoked one share link (bookkeeping: renderers skip it).
    ShareRevoked {
        share_id: uuid::Uuid,
    },
    /// The analyses and summary graded again by the operator (`regrade --record`):
    /// figures beside the originals, which stay the interview's scores.
    Regraded(Box<Regraded>),
    /// A fact of a duel (issue 16), found only in a duel stream; interview renderers
    /// skip it.
    Duel {
        event_type: &'static str,
    },
    /// A peer interview's event (issue 16).
    Peer(super::transcript_peer::PeerWhat),
    /// An event this release cannot read (`Event::Unknown`); never in a transcript.
    Unknown {
        event_type: String,
    },
}

/// The facts an interview started with.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub interview_id: Uuid,
    /// Where it runs, as [`crate::domain::Place::label`] shows it.
    pub place: String,
    pub problem: Problem,
    pub language: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub time_limit_minutes: Option<u32>,
    pub coach_model: String,
}

impl Transcript {
    /// The view of one stream's events, in the order given, without the events this
    /// release cannot read.
    pub fn of(events: &[RecordedEvent]) -> Transcript {
        Transcript {
            entries: events
                .iter()
                .filter(|r| !r.event.is_unknown())
                .map(Entry::of)
                .collect(),
        }
    }
}

impl Entry {
    /// The entry of one recorded event.
    pub fn of(recorded: &RecordedEvent) -> Entry {
        let event = &recorded.event;
        Entry {
            version: recorded.version,
            at: event.at(),
            event_type: event.type_name(),
            who: Who::of(event),
            what: What::of(event),
        }
    }
}

impl Who {
    fn of(event: &Event) -> Who {
        match (event.actor(), event) {
            (Some(actor), _) => Who::Member(actor.clone()),
            (None, Event::InterviewEnded(_)) => Who::Timer,
            (None, _) => Who::Coach,
        }
    }

    /// The member, when a member caused the entry.
    pub fn member(&self) -> Option<&Actor> {
        match self {
            Who::Member(actor) => Some(actor),
            Who::Coach | Who::Timer => None,
        }
    }

    /// The name to show: the member's, "Coach", or "the time limit".
    pub fn name(&self) -> &str {
        match self {
            Who::Member(actor) => &actor.name,
            Who::Coach => "Coach",
            Who::Timer => "the time limit",
        }
    }
}

impl What {
    fn of(event: &Event) -> What {
        match event {
            Event::InterviewStarted(e) => What::Started(Started::of(e)),
            Event::ApproachExplained(e) => What::Approach {
                text: e.text.clone(),
            },
            Event::CodeSubmitted(e) => What::Code {
                language: e.language.clone(),
                submission: e.submission,
                source: e.source,
                code: e.code.clone(),
            },
            Event::CandidateMessage(e) => What::Message {
                text: e.text.clone(),
            },
            Event::HintRequested(e) => What::Hint { number: e.hint },
            Event::RetryRequested(e) => What::Retry { target: e.target },
            Event::CoachReplied(e) => What::CoachReply {
                kind: e.kind,
                reply_to: e.reply_to,
                text: e.text.clone(),
            },
            Event::CodeAnalyzed(e) => What::Analysis {
                reply_to: e.reply_to,
                analysis: e.analysis.clone(),
            },
            Event::CoachFailed(e) => What::CoachFailure(e.clone()),
            Event::InterviewEnded(e) => What::Ended { reason: e.reason },
            Event::ContextCompacted(e) => What::Compacted { up_to: e.up_to },
            Event::ShareRevoked(e) => What::ShareRevoked {
                share_id: e.share_id,
            },
            Event::SummaryWritten(e) => What::Summary(e.clone()),
            Event::Unknown(e) => What::Unknown {
                event_type: e.event_type.clone(),
            },
            Event::TestsRun(e) => What::TestsRun(Box::new(e.clone())),
            Event::Regraded(e) => What::Regraded(Box::new(e.clone())),
            // issue 16: daily. These live in a community's daily stream, never in an
            // interview's, so no transcript shows them; read like an unknown event.
            Event::DailyScheduled(_) | Event::DailyTurnedOff(_) | Event::DailyPosted(_) => {
                What::Unknown {
                    event_type: event.type_name().to_string(),
                }
            }
            // issue 16: duel
            Event::DuelOffered(_)
            | Event::DuelDeclined(_)
            | Event::DuelOfferExpired(_)
            | Event::DuelStarted(_)
            | Event::DuelWon(_)
            | Event::DuelTimedOut(_)
            | Event::DuelRunnerUpFinished(_) => What::Duel {
                event_type: event.type_name(),
            },
            // issue 16: peer
            other => match super::transcript_peer::PeerWhat::of(other) {
                Some(peer) => What::Peer(peer),
                None => What::Unknown {
                    event_type: other.type_name().to_string(),
                },
            },
        }
    }
}

impl Started {
    fn of(e: &InterviewStarted) -> Started {
        Started {
            interview_id: e.interview_id,
            place: e.place.label(),
            problem: e.problem.clone(),
            language: e.language.clone(),
            difficulty: e.difficulty,
            time_limit_minutes: e.time_limit_minutes,
            coach_model: e.coach.model.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        CandidateMessage, CodeAnalyzed, ContextCompacted, EndedBy, FailureKind, InterviewEnded,
        Platform, RetryRequested, StreamId,
    };
    use crate::practice::golden;

    /// Given these events (versions 1, 2, ...), when the view is built.
    fn given(events: Vec<Event>) -> Transcript {
        let recorded: Vec<RecordedEvent> = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| RecordedEvent {
                position: i as i64 + 1,
                stream_id: StreamId::new("web:s"),
                version: i as u64 + 1,
                recorded_at: event.at() + chrono::Duration::seconds(1),
                event,
            })
            .collect();
        Transcript::of(&recorded)
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn ana() -> Actor {
        Actor::new(Platform::Web, "s", "Ana")
    }

    #[test]
    fn every_event_is_one_entry_in_stream_order() {
        for (_, log) in golden::logs() {
            let t = Transcript::of(&log);
            let versions: Vec<_> = t.entries.iter().map(|e| e.version).collect();
            let expected: Vec<_> = log.iter().map(|r| r.version).collect();
            assert_eq!(versions, expected);
        }
    }

    #[test]
    fn an_entry_is_stamped_with_the_events_own_time_not_the_stores() {
        let t = given(vec![Event::CandidateMessage(CandidateMessage {
            actor: ana(),
            text: "hi".into(),
            at: at(),
        })]);
        assert_eq!(t.entries[0].at, at());
        assert_eq!(t.entries[0].event_type, "candidate_message");
    }

    #[test]
    fn a_start_keeps_the_problem_place_label_and_coach_model() {
        let (_, log) = golden::logs().remove(0);
        let t = Transcript::of(&log[..1]);
        let What::Started(s) = &t.entries[0].what else {
            panic!("a start")
        };
        assert_eq!(t.entries[0].who.name(), "Maya");
        assert_eq!(s.place, "discord:77/500");
        assert_eq!(s.problem.title(), "Merge Intervals");
        assert_eq!(
            (s.language.as_deref(), s.time_limit_minutes),
            (Some("python"), Some(45))
        );
        assert_eq!(s.coach_model, "claude-sonnet-4-5");
    }

    #[test]
    fn a_member_who_ends_the_interview_is_who_and_the_timer_is_the_timer() {
        let ended = |by| {
            Event::InterviewEnded(InterviewEnded {
                by,
                reason: EndReason::Finished,
                at: at(),
            })
        };
        let t = given(vec![
            ended(EndedBy::Member { actor: ana() }),
            ended(EndedBy::Timer),
        ]);
        assert_eq!(t.entries[0].who, Who::Member(ana()));
        assert_eq!(t.entries[1].who, Who::Timer);
        assert_eq!(t.entries[1].who.member(), None);
        assert_eq!(
            t.entries[1].what,
            What::Ended {
                reason: EndReason::Finished
            }
        );
    }

    #[test]
    fn coach_events_are_the_coachs_with_their_data() {
        let (_, log) = golden::logs().remove(0);
        let Event::CodeAnalyzed(CodeAnalyzed { analysis, .. }) = &log[4].event else {
            panic!("the fixture's fifth event is an analysis")
        };
        let entry = Entry::of(&log[4]);
        assert_eq!(entry.who, Who::Coach);
        assert_eq!(
            entry.what,
            What::Analysis {
                reply_to: 4,
                analysis: analysis.clone()
            }
        );
        let failure = CoachFailed {
            stamp: None,
            reply_to: 2,
            kind: FailureKind::Rejected,
            message: "no".into(),
            attempts: 1,
            retryable: false,
            at: at(),
        };
        let t = given(vec![Event::CoachFailed(failure.clone())]);
        assert_eq!(t.entries[0].what, What::CoachFailure(failure));
    }

    #[test]
    fn bookkeeping_events_are_entries_too() {
        let t = given(vec![
            Event::RetryRequested(RetryRequested {
                actor: ana(),
                target: 3,
                at: at(),
            }),
            Event::ContextCompacted(ContextCompacted {
                up_to: 7,
                digest: "d".into(),
                at: at(),
            }),
        ]);
        assert_eq!(t.entries[0].what, What::Retry { target: 3 });
        assert_eq!(t.entries[0].who.name(), "Ana");
        assert_eq!(t.entries[1].what, What::Compacted { up_to: 7 });
        assert_eq!(t.entries[1].who, Who::Coach);
    }

    #[test]
    fn a_custom_problem_keeps_its_text() {
        let (_, log) = golden::logs().remove(1);
        let What::Started(s) = &Entry::of(&log[0]).what else {
            panic!("a start")
        };
        let Problem::Custom { text, .. } = &s.problem else {
            panic!("custom")
        };
        assert!(text.starts_with("Find two numbers."));
        assert_eq!(s.difficulty, None);
    }
}
