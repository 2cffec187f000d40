//! Test support: fixed interview logs that use every event type and every optional
//! field, and a golden-file check, so each transcript renderer's output is pinned
//! byte for byte (`tests/fixtures/transcripts/`). Set `BLESS_GOLDEN=1` to rewrite the
//! files after an intended change; never to make a refactoring pass.

use crate::domain::*;
use crate::ports::RecordedEvent;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::path::PathBuf;
use uuid::Uuid;

/// Compare `actual` with the golden file `name`, or write it when blessing.
pub fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts")
        .join(name);
    if std::env::var_os("BLESS_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with BLESS_GOLDEN=1)", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its golden file:\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// Every fixture log, by name.
pub fn logs() -> Vec<(&'static str, Vec<RecordedEvent>)> {
    vec![
        ("bank", recorded("discord:77:900", bank_log())),
        ("custom", recorded("slack:T1:C1:1700.1", custom_log())),
        ("missing", recorded("web:s1", missing_log())),
        ("peer", recorded("discord:77:901", peer_log())),
    ]
}

fn recorded(stream: &str, events: Vec<Event>) -> Vec<RecordedEvent> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| RecordedEvent {
            position: 100 + i as i64,
            stream_id: StreamId::new(stream),
            version: i as u64 + 1,
            recorded_at: event.at(),
            event,
        })
        .collect()
}

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 7).unwrap() + Duration::minutes(minutes)
}

fn maya() -> Actor {
    Actor::new(Platform::Discord, "1001", "Maya")
}

fn band(n: i64, evidence: &str) -> RubricScore {
    RubricScore {
        score: Band::new(n).unwrap(),
        evidence: evidence.into(),
    }
}

fn rubric() -> Rubric {
    Rubric {
        communication: band(3, "explained the plan\nclearly"),
        problem_solving: band(4, "found a | b overlap"),
        technical_competency: band(2, "idiomatic   Python"),
        testing: band(1, "no edge cases"),
    }
}

fn analysis() -> Analysis {
    Analysis {
        technical_feedback: "Sorting is **correct**.\nMerging in one pass.".into(),
        complexity_analysis: "Time O(n log n),\n  space O(n)".into(),
        code_quality: "Readable; good names".into(),
        follow_up_question: "What if the intervals stream in?".into(),
        score: Score::new(7).unwrap(),
        correctness: "Correct on all examples".into(),
        rubric: rubric(),
    }
}

fn coach() -> CoachConfig {
    CoachConfig {
        model: "claude-sonnet-4-5".into(),
        prompt_version: 1,
        rubric_version: 1,
    }
}

fn reply(reply_to: Version, kind: ReplyKind, text: &str, m: i64) -> Event {
    Event::CoachReplied(CoachReplied {
        stamp: None,
        reply_to,
        kind,
        text: text.into(),
        usage: None,
        at: at(m),
    })
}

fn failed(reply_to: Version, message: &str, retryable: bool, m: i64) -> Event {
    Event::CoachFailed(CoachFailed {
        stamp: None,
        reply_to,
        kind: FailureKind::Unavailable,
        message: message.into(),
        attempts: 3,
        retryable,
        at: at(m),
    })
}

fn code(submission: u32, source: SubmissionSource, code: &str, m: i64) -> Event {
    Event::CodeSubmitted(CodeSubmitted {
        actor: maya(),
        language: "c++ (gcc)".into(),
        code: code.into(),
        source,
        submission,
        at: at(m),
    })
}

fn summary(reply_to: Version, strengths: Vec<String>, signal: HireSignal, m: i64) -> Event {
    Event::SummaryWritten(SummaryWritten {
        stamp: None,
        reply_to,
        overall: "  A clean, correct solution.\nWith a clear plan.  ".into(),
        improvements: strengths.iter().map(|s| format!("not {s}")).collect(),
        strengths,
        rubric: rubric(),
        hire_signal: signal,
        duration_seconds: 1530,
        submissions: 2,
        hints_used: 1,
        usage: None,
        at: at(m),
    })
}

/// A bank problem with every fact, every candidate and coach event, a member's end.
fn bank_log() -> Vec<Event> {
    let place = Place::Discord {
        guild: "77".into(),
        channel: "500".into(),
        thread: "900".into(),
    };
    let started = InterviewStarted {
        interview_id: Uuid::from_u128(0x1234),
        place,
        candidate: maya(),
        problem: Problem::Bank {
            id: "merge-intervals".into(),
            version: 1,
            title: "Merge Intervals".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Medium),
        time_limit_minutes: Some(45),
        mode: Mode::Solo,
        coach: coach(),
        at: at(0),
    };
    vec![
        Event::InterviewStarted(started),
        Event::ApproachExplained(ApproachExplained {
            actor: maya(),
            text: "Sort by start.\nThen sweep and merge.".into(),
            at: at(2),
        }),
        reply(
            2,
            ReplyKind::ApproachFeedback,
            "Good **plan**.\n```\nsort()\n```",
            3,
        ),
        code(1, SubmissionSource::Modal, "x = \"```\"\nprint(x)\n\n", 15),
        Event::CodeAnalyzed(CodeAnalyzed {
            stamp: None,
            reply_to: 4,
            analysis: analysis(),
            usage: None,
            at: at(16),
        }),
        Event::HintRequested(HintRequested {
            actor: maya(),
            hint: 1,
            at: at(17),
        }),
        reply(6, ReplyKind::Hint, "Think about memory.", 18),
        Event::CandidateMessage(CandidateMessage {
            actor: maya(),
            text: "Would a heap help?".into(),
            at: at(19),
        }),
        failed(8, "The coach is busy right now.", true, 20),
        Event::RetryRequested(RetryRequested {
            actor: maya(),
            target: 8,
            at: at(21),
        }),
        reply(8, ReplyKind::Chat, "A heap helps for a stream.", 22),
        Event::ContextCompacted(ContextCompacted {
            up_to: 11,
            digest: "digest".into(),
            at: at(23),
        }),
        code(2, SubmissionSource::Message, "print(2)", 24),
        failed(13, "The coach gave up.", false, 25),
        reply(13, ReplyKind::Nudge, "Still there?", 26),
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Member { actor: maya() },
            reason: EndReason::Finished,
            at: at(27),
        }),
        summary(
            16,
            vec!["Clear plan".into(), "Good   names".into()],
            HireSignal::LeanYes,
            28,
        ),
        regraded(),
    ]
}

/// The operator's regrade of the bank log's first analysis (twice, one failed) and
/// its summary, with another prompt and model.
fn regraded() -> Event {
    let mut better = analysis();
    better.score = Score::new(9).unwrap();
    let rubric = rubric();
    Event::Regraded(Regraded {
        stamp: CoachStamp {
            prompt_version: "p3-r1-0123456789ab".into(),
            model: "claude-opus-4-1".into(),
        },
        repeat: 2,
        turns: vec![
            RegradedTurn {
                reply_to: 4,
                kind: GradedKind::Analysis,
                original: Grade::of_analysis(&analysis()),
                grades: vec![Grade::of_analysis(&better)],
                failed: 1,
            },
            RegradedTurn {
                reply_to: 16,
                kind: GradedKind::Summary,
                original: Grade::of_summary(&rubric, HireSignal::LeanYes),
                grades: vec![
                    Grade::of_summary(&rubric, HireSignal::Yes),
                    Grade::of_summary(&rubric, HireSignal::LeanNo),
                ],
                failed: 0,
            },
        ],
        tokens: 8_400,
        at: at(90),
    })
}

/// A custom problem with no optional facts, a time warning, the timer's end and a
/// share link revoked afterwards.
fn custom_log() -> Vec<Event> {
    let place = Place::Slack {
        team: "T1".into(),
        channel: "C1".into(),
        thread_ts: "1700.1".into(),
    };
    let started = InterviewStarted {
        interview_id: Uuid::from_u128(0x5678),
        place,
        candidate: Actor::new(Platform::Slack, "U1", "Leo"),
        problem: Problem::Custom {
            title: "Two sums".into(),
            text: "Find two numbers.\n\nThey add up to k.".into(),
        },
        language: None,
        difficulty: None,
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: coach(),
        at: at(0),
    };
    vec![
        Event::InterviewStarted(started),
        reply(1, ReplyKind::Chat, "# Welcome\nTell me **your** plan.", 1),
        reply(0, ReplyKind::TimeWarning, "Five minutes left.", 40),
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Timer,
            reason: EndReason::TimeLimit,
            at: at(45),
        }),
        summary(4, Vec::new(), HireSignal::StrongNo, 46),
        Event::ShareRevoked(ShareRevoked {
            share_id: Uuid::from_u128(0x5a7e),
            at: at(60),
        }),
    ]
}

/// An ad-hoc run: examples in full, hidden tests in brief, the first failure in full.
fn tests_run() -> Event {
    let case = |verdict, got: &str, stdout: &str| CaseRun {
        verdict,
        input: r#"{"nums":[3,3],"target":6}"#.into(),
        expected: Some("[0,1]".into()),
        got: Some(got.into()),
        time_ms: Some(0.5),
        memory_bytes: Some(9 << 20),
        stdout: stdout.into(),
        error: None,
    };
    let brief = |verdict, time_ms| CaseBrief {
        verdict,
        time_ms,
        memory_bytes: Some(10 << 20),
    };
    Event::TestsRun(TestsRun {
        actor: Actor::new(Platform::Web, "s1", "Ana"),
        of: RunOf::Adhoc {
            code: "def two_sum(nums, target):\n    return []".into(),
        },
        language: "python".into(),
        isolation: "namespaces".into(),
        verdict: CaseVerdict::WrongAnswer,
        examples: vec![case(CaseVerdict::Passed, "[0,1]", "")],
        tests: HiddenTests {
            cases: vec![
                brief(CaseVerdict::Passed, Some(1.25)),
                brief(CaseVerdict::WrongAnswer, Some(30.0)),
            ],
            first_failure: Some(case(CaseVerdict::WrongAnswer, "[]", "tried | 3\n")),
        },
        custom: None,
        error: None,
        complexity: None,
        at: at(1),
    })
}

/// A bank problem the bank no longer has, with a run, abandoned.
fn missing_log() -> Vec<Event> {
    let started = InterviewStarted {
        interview_id: Uuid::from_u128(0x9abc),
        place: Place::Web {
            session: "s1".into(),
        },
        candidate: Actor::new(Platform::Web, "s1", "Ana"),
        problem: Problem::Bank {
            id: "gone".into(),
            version: 9,
            title: "Gone Problem".into(),
        },
        language: Some("rust".into()),
        difficulty: Some(Difficulty::Hard),
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: coach(),
        at: at(0),
    };
    vec![
        Event::InterviewStarted(started),
        tests_run(),
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Member {
                actor: Actor::new(Platform::Web, "s1", "Ana"),
            },
            reason: EndReason::Abandoned,
            at: at(1),
        }),
    ]
}

/// A peer interview (issue 16): Leo interviews Maya; every peer event but the
/// interviewer leaving (which would forbid the rubric), with a private and an aloud
/// question to the coach.
fn peer_log() -> Vec<Event> {
    let leo = Actor::new(Platform::Discord, "1002", "Leo");
    let started = InterviewStarted {
        interview_id: Uuid::from_u128(0x5678),
        place: Place::Discord {
            guild: "77".into(),
            channel: "500".into(),
            thread: "901".into(),
        },
        candidate: maya(),
        problem: Problem::Bank {
            id: "two-sum".into(),
            version: 1,
            title: "Two Sum".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Easy),
        time_limit_minutes: Some(30),
        mode: Mode::Solo,
        coach: coach(),
        at: at(0),
    };
    let b = |n| Band::new(n).unwrap();
    vec![
        Event::InterviewStarted(started),
        Event::PeerPaired(PeerPaired {
            interviewer: leo.clone(),
            at: at(0),
        }),
        Event::PeerHintRevealed(PeerHintRevealed {
            by: leo.clone(),
            hint: 1,
            at: at(3),
        }),
        Event::PeerQuestionAsked(PeerQuestionAsked {
            by: leo.clone(),
            question: "What if a value repeats?".into(),
            at: at(4),
        }),
        code(1, SubmissionSource::Message, "def two_sum(nums, t): ...", 6),
        Event::CodeAnalyzed(CodeAnalyzed {
            stamp: None,
            reply_to: 5,
            analysis: analysis(),
            usage: None,
            at: at(7),
        }),
        Event::PeerCoachAsked(PeerCoachAsked {
            by: leo.clone(),
            question: "Is this O(n)?".into(),
            aloud: false,
            at: at(8),
        }),
        reply(7, ReplyKind::Chat, "Yes: one pass with a map.", 9),
        Event::PeerCoachAsked(PeerCoachAsked {
            by: leo.clone(),
            question: "Tell her what to test".into(),
            aloud: true,
            at: at(10),
        }),
        reply(
            9,
            ReplyKind::Chat,
            "Try an empty list and a repeated value.",
            11,
        ),
        Event::InterviewEnded(InterviewEnded {
            by: EndedBy::Member { actor: leo.clone() },
            reason: EndReason::Finished,
            at: at(20),
        }),
        summary(11, vec!["a clear plan".into()], HireSignal::LeanYes, 21),
        Event::PeerRubricFilled(PeerRubricFilled {
            by: leo.clone(),
            rubric: PeerRubric {
                communication: b(3),
                problem_solving: b(2),
                technical_competency: b(2),
                testing: b(3),
            },
            notes: "Test the edge cases out loud.".into(),
            at: at(22),
        }),
        Event::PeerInterviewerRated(PeerInterviewerRated {
            by: maya(),
            interviewer: leo.clone(),
            stars: 4,
            note: "Good questions".into(),
            at: at(23),
        }),
        Event::PeerRolesSwapped(PeerRolesSwapped {
            by: leo,
            at: at(24),
        }),
    ]
}
