//! The rules of a peer interview (issue 16), given/when/then: given the events so far,
//! when a peer command (or a candidate's) arrives, then `decide` returns these events
//! or this refusal, and folding them leaves the coach silent or not.
//!
//! Time is fixed (`t(minutes)`); nothing here touches a store, a clock or a coach.

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_coach::domain::*;
use uuid::Uuid;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// The candidate.
fn ada() -> Actor {
    Actor::new(Platform::Discord, "284719305521938432", "ada")
}

/// The interviewer.
fn ivy() -> Actor {
    Actor::new(Platform::Discord, "311122233344455566", "ivy")
}

/// Someone else in the thread.
fn bob() -> Actor {
    Actor::new(Platform::Discord, "190283746501928374", "bob")
}

fn start() -> StartInterview {
    StartInterview {
        interview_id: Uuid::from_u128(0x6f1c_2a4e_8b7d_4c3e_9a51_2d0f_7e6b_5c48),
        place: Place::Discord {
            guild: "1098765432101234567".into(),
            channel: "1101234567890123456".into(),
            thread: "1349876543210987654".into(),
        },
        candidate: ada(),
        problem: Problem::Bank {
            id: "two-sum".into(),
            version: 2,
            title: "Two Sum".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Easy),
        time_limit_minutes: Some(30),
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 3,
            rubric_version: 2,
        },
        at: t(0),
    }
}

fn peer_start(interviewer: Actor, is_bot: bool) -> Command {
    Command::Peer(PeerCommand::Start {
        start: Box::new(start()),
        interviewer,
        interviewer_is_bot: is_bot,
    })
}

/// The events of a started peer interview (versions 1 and 2).
fn paired() -> Vec<Event> {
    decide(&Interview::default(), peer_start(ivy(), false)).expect("a peer start is accepted")
}

fn ended_by(actor: Actor, minute: i64) -> Event {
    Event::InterviewEnded(InterviewEnded {
        by: EndedBy::Member { actor },
        reason: EndReason::Finished,
        at: t(minute),
    })
}

fn left(minute: i64) -> Event {
    Event::PeerInterviewerLeft(PeerInterviewerLeft {
        by: ivy(),
        at: t(minute),
    })
}

fn rubric() -> PeerRubric {
    let b = |n| Band::new(n).unwrap();
    PeerRubric {
        communication: b(3),
        problem_solving: b(2),
        technical_competency: b(4),
        testing: b(1),
    }
}

fn with(mut events: Vec<Event>, more: impl IntoIterator<Item = Event>) -> Vec<Event> {
    events.extend(more);
    events
}

/// Given `events`, when `command`: what `decide` says.
fn when(events: &[Event], command: Command) -> Result<Vec<Event>, DomainError> {
    decide(&Interview::from_events(events), command)
}

fn pending_after(events: &[Event]) -> Vec<TurnKind> {
    Interview::from_events(events)
        .pending_turns()
        .iter()
        .map(|t| t.kind)
        .collect()
}

#[test]
fn a_peer_start_appends_the_start_and_the_pairing_with_the_interviewer() {
    let events = paired();
    assert_eq!(events.len(), 2);
    assert!(matches!(&events[0], Event::InterviewStarted(s) if s.candidate == ada()));
    assert_eq!(
        events[1],
        Event::PeerPaired(PeerPaired {
            interviewer: ivy(),
            at: t(0)
        })
    );
    let state = Interview::from_events(&events);
    assert_eq!(
        state.peer.as_ref().map(|p| p.interviewer.clone()),
        Some(ivy())
    );
    assert!(state.coach_silent());
}

#[test]
fn nobody_interviews_themselves_or_is_interviewed_by_a_bot() {
    assert_eq!(
        when(&[], peer_start(ada(), false)),
        Err(DomainError::PeerWithSelf)
    );
    assert_eq!(
        when(&[], peer_start(bob(), true)),
        Err(DomainError::PeerWithBot)
    );
}

#[test]
fn while_the_interviewer_is_there_the_candidates_moves_open_no_coach_turn_but_a_review() {
    let events = with(
        paired(),
        [
            Event::ApproachExplained(ApproachExplained {
                actor: ada(),
                text: "hash map".into(),
                at: t(1),
            }),
            Event::CandidateMessage(CandidateMessage {
                actor: ada(),
                text: "duplicates?".into(),
                at: t(2),
            }),
            Event::CodeSubmitted(CodeSubmitted {
                actor: ada(),
                language: "python".into(),
                code: "pass".into(),
                source: SubmissionSource::Command,
                submission: 1,
                at: t(3),
            }),
        ],
    );
    // The review is still made (its tests run and it is kept for the end) but kept
    // out of the thread.
    assert_eq!(pending_after(&events), vec![TurnKind::Analysis]);
}

#[test]
fn the_candidate_cannot_ask_the_coach_for_hints_while_the_interviewer_is_there() {
    let hint = Command::RequestHint {
        actor: ada(),
        max_hints: Some(3),
        at: t(1),
    };
    assert_eq!(
        when(&paired(), hint.clone()),
        Err(DomainError::HintsFromInterviewer {
            interviewer: "ivy".into()
        })
    );
    let after_leaving = with(paired(), [left(1)]);
    assert!(when(&after_leaving, hint).is_ok());
}

#[test]
fn the_interviewer_reveals_the_ladder_rung_by_rung_until_it_is_used_up() {
    let reveal = |minute| {
        Command::Peer(PeerCommand::RevealHint {
            by: ivy(),
            max_hints: Some(1),
            at: t(minute),
        })
    };
    let first = when(&paired(), reveal(1)).unwrap();
    assert_eq!(
        first,
        vec![Event::PeerHintRevealed(PeerHintRevealed {
            by: ivy(),
            hint: 1,
            at: t(1)
        })]
    );
    let events = with(paired(), first);
    assert_eq!(Interview::from_events(&events).hints_used, 1);
    assert_eq!(
        when(&events, reveal(2)),
        Err(DomainError::HintsExhausted { max: 1 })
    );
}

#[test]
fn a_stranger_and_the_candidate_are_refused_the_interviewers_moves() {
    for actor in [bob(), ada()] {
        let moves = [
            PeerCommand::RevealHint {
                by: actor.clone(),
                max_hints: None,
                at: t(1),
            },
            PeerCommand::AskQuestion {
                by: actor.clone(),
                question: "Why a map?".into(),
                at: t(1),
            },
            PeerCommand::AskCoach {
                by: actor.clone(),
                question: "Is this O(n)?".into(),
                aloud: false,
                at: t(1),
            },
            PeerCommand::Leave {
                by: actor.clone(),
                at: t(1),
            },
        ];
        for m in moves {
            assert_eq!(
                when(&paired(), Command::Peer(m)),
                Err(DomainError::OnlyInterviewer {
                    interviewer: "ivy".into()
                })
            );
        }
    }
}

#[test]
fn a_private_question_to_the_coach_opens_a_turn_whose_answer_stays_out_of_the_thread() {
    let asked = when(
        &paired(),
        Command::Peer(PeerCommand::AskCoach {
            by: ivy(),
            question: "Is this O(n)?".into(),
            aloud: false,
            at: t(4),
        }),
    )
    .unwrap();
    let events = with(paired(), asked);
    assert_eq!(pending_after(&events), vec![TurnKind::Chat]);
    let state = Interview::from_events(&events);
    let answer = Event::CoachReplied(CoachReplied {
        reply_to: 3,
        kind: ReplyKind::Chat,
        text: "Yes".into(),
        usage: None,
        stamp: None,
        at: t(5),
    });
    assert!(state.keeps_private(&answer));
}

#[test]
fn an_aloud_question_to_the_coach_is_answered_in_the_thread() {
    let asked = when(
        &paired(),
        Command::Peer(PeerCommand::AskCoach {
            by: ivy(),
            question: "Explain hashing to the candidate".into(),
            aloud: true,
            at: t(4),
        }),
    )
    .unwrap();
    let state = Interview::from_events(&with(paired(), asked));
    let answer = Event::CoachReplied(CoachReplied {
        reply_to: 3,
        kind: ReplyKind::Chat,
        text: "Hashing...".into(),
        usage: None,
        stamp: None,
        at: t(5),
    });
    assert!(!state.keeps_private(&answer));
}

#[test]
fn the_interviewer_may_end_the_interview_and_a_stranger_may_not() {
    let end = |actor| Command::EndInterview {
        by: EndBy::Member(actor),
        at: t(10),
    };
    assert!(when(&paired(), end(ivy())).is_ok());
    assert!(when(&paired(), end(ada())).is_ok());
    assert_eq!(
        when(&paired(), end(bob())),
        Err(DomainError::OnlyCandidate {
            candidate: "ada".into()
        })
    );
}

#[test]
fn when_the_interviewer_leaves_the_coach_takes_over_and_the_candidate_can_end() {
    let events = with(paired(), [left(5)]);
    let state = Interview::from_events(&events);
    assert!(!state.coach_silent());
    let message = with(
        events.clone(),
        [Event::CandidateMessage(CandidateMessage {
            actor: ada(),
            text: "hello?".into(),
            at: t(6),
        })],
    );
    assert_eq!(pending_after(&message), vec![TurnKind::Chat]);
    assert_eq!(
        when(
            &events,
            Command::Peer(PeerCommand::RevealHint {
                by: ivy(),
                max_hints: None,
                at: t(6)
            })
        ),
        Err(DomainError::InterviewerLeft)
    );
    let end = Command::EndInterview {
        by: EndBy::Member(ivy()),
        at: t(7),
    };
    assert!(matches!(
        when(&events, end),
        Err(DomainError::OnlyCandidate { .. })
    ));
    assert!(
        when(
            &events,
            Command::EndInterview {
                by: EndBy::Member(ada()),
                at: t(7)
            }
        )
        .is_ok()
    );
}

#[test]
fn the_rubric_is_filled_once_by_the_interviewer_after_the_end() {
    let fill = |by: Actor| {
        Command::Peer(PeerCommand::FillRubric {
            by,
            rubric: rubric(),
            notes: "  Clear plan; test more.  ".into(),
            at: t(12),
        })
    };
    assert_eq!(when(&paired(), fill(ivy())), Err(DomainError::NotEnded));
    let ended = with(paired(), [ended_by(ada(), 10)]);
    assert!(matches!(
        when(&ended, fill(bob())),
        Err(DomainError::OnlyInterviewer { .. })
    ));
    let filled = when(&ended, fill(ivy())).unwrap();
    assert_eq!(
        filled,
        vec![Event::PeerRubricFilled(PeerRubricFilled {
            by: ivy(),
            rubric: rubric(),
            notes: "Clear plan; test more.".into(),
            at: t(12),
        })]
    );
    let twice = with(ended, filled);
    assert_eq!(
        when(&twice, fill(ivy())),
        Err(DomainError::RubricAlreadyFilled)
    );
}

#[test]
fn the_candidate_rates_the_interviewer_once_with_one_to_five_stars() {
    let rate = |by: Actor, stars| {
        Command::Peer(PeerCommand::RateInterviewer {
            by,
            stars,
            note: "Kind and sharp".into(),
            at: t(13),
        })
    };
    assert_eq!(when(&paired(), rate(ada(), 5)), Err(DomainError::NotEnded));
    let ended = with(paired(), [ended_by(ivy(), 10)]);
    assert_eq!(
        when(&ended, rate(ada(), 6)),
        Err(DomainError::InvalidStars { got: 6 })
    );
    assert!(matches!(
        when(&ended, rate(ivy(), 5)),
        Err(DomainError::OnlyCandidate { .. })
    ));
    let rated = when(&ended, rate(ada(), 4)).unwrap();
    assert!(
        matches!(&rated[0], Event::PeerInterviewerRated(r) if r.stars == 4 && r.interviewer == ivy())
    );
    assert_eq!(
        when(&with(ended, rated), rate(ada(), 5)),
        Err(DomainError::AlreadyRated)
    );
}

#[test]
fn roles_are_swapped_once_by_either_member_after_the_end() {
    let swap = |by: Actor| Command::Peer(PeerCommand::Swap { by, at: t(14) });
    assert_eq!(when(&paired(), swap(ada())), Err(DomainError::NotEnded));
    let ended = with(paired(), [ended_by(ada(), 10)]);
    assert!(matches!(
        when(&ended, swap(bob())),
        Err(DomainError::OnlyPeerMembers { .. })
    ));
    let swapped = when(&ended, swap(ivy())).unwrap();
    assert!(matches!(&swapped[0], Event::PeerRolesSwapped(s) if s.by == ivy()));
    assert_eq!(
        when(&with(ended, swapped), swap(ada())),
        Err(DomainError::AlreadySwapped)
    );
}

#[test]
fn peer_moves_in_a_solo_interview_are_refused_as_not_peer() {
    let solo = decide(&Interview::default(), Command::StartInterview(start())).unwrap();
    assert_eq!(
        when(
            &solo,
            Command::Peer(PeerCommand::RevealHint {
                by: ivy(),
                max_hints: None,
                at: t(1)
            })
        ),
        Err(DomainError::NotPeer)
    );
}

#[test]
fn forgetting_the_interviewer_erases_their_name_question_and_notes_only() {
    let is_ivy = |a: &Actor| a.same_person(&ivy());
    let question = Event::PeerQuestionAsked(PeerQuestionAsked {
        by: ivy(),
        question: "Why a map?".into(),
        at: t(2),
    });
    let Event::PeerQuestionAsked(q) = erasure::erase(&question, false, &is_ivy) else {
        panic!("the type is kept");
    };
    assert_eq!(
        (q.by.name.as_str(), q.question.as_str()),
        ("[erased]", "[erased]")
    );
    let rated = Event::PeerInterviewerRated(PeerInterviewerRated {
        by: ada(),
        interviewer: ivy(),
        stars: 4,
        note: "Kind".into(),
        at: t(13),
    });
    let Event::PeerInterviewerRated(r) = erasure::erase(&rated, false, &is_ivy) else {
        panic!("the type is kept");
    };
    assert_eq!(r.by, ada());
    assert_eq!(r.interviewer.name, "[erased]");
    assert_eq!((r.stars, r.note.as_str()), (4, "[erased]"));
}
