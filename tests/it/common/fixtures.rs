//! A scripted interview used by several tests: started, approach, code, analysis,
//! chat, end, summary — every event type a real interview has.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_coach::domain::*;
use interview_coach::engine::Engine;
use uuid::Uuid;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

pub fn maya() -> Actor {
    Actor::new(Platform::Discord, "1001", "Maya")
}

pub fn leo() -> Actor {
    Actor::new(Platform::Discord, "1002", "Leo")
}

pub fn discord_place(thread: &str) -> Place {
    Place::Discord {
        guild: "77".into(),
        channel: "500".into(),
        thread: thread.into(),
    }
}

pub fn start(id: Uuid, place: Place, candidate: Actor) -> Command {
    Command::StartInterview(StartInterview {
        interview_id: id,
        place,
        candidate,
        problem: Problem::Bank {
            id: "merge-intervals".into(),
            version: 1,
            title: "Merge Intervals".into(),
        },
        language: Some("python".into()),
        difficulty: Some(Difficulty::Medium),
        time_limit_minutes: Some(45),
        mode: Mode::Solo,
        coach: CoachConfig {
            model: "claude-sonnet-4-5".into(),
            prompt_version: 1,
            rubric_version: 1,
        },
        at: t0(),
    })
}

/// The coach settings tests record in `InterviewStarted`.
pub fn test_coach() -> CoachConfig {
    CoachConfig {
        model: "m".into(),
        prompt_version: 1,
        rubric_version: 1,
    }
}

/// An `InterviewStarted` with the plainest settings (a fresh id, no language,
/// difficulty or time limit, solo, the test coach); a test sets what it needs with
/// `InterviewStarted { language: .., ..interview_started(..) }`.
pub fn interview_started(
    place: Place,
    candidate: Actor,
    problem: Problem,
    at: DateTime<Utc>,
) -> InterviewStarted {
    InterviewStarted {
        interview_id: Uuid::new_v4(),
        place,
        candidate,
        problem,
        language: None,
        difficulty: None,
        time_limit_minutes: None,
        mode: Mode::Solo,
        coach: test_coach(),
        at,
    }
}

pub fn band(n: i64, evidence: &str) -> RubricScore {
    RubricScore {
        score: Band::new(n).unwrap(),
        evidence: evidence.into(),
    }
}

pub fn rubric() -> Rubric {
    Rubric {
        communication: band(3, "explained the sort-then-sweep plan clearly"),
        problem_solving: band(3, "found the overlap condition quickly"),
        technical_competency: band(3, "idiomatic Python"),
        testing: band(2, "did not walk through an edge case"),
    }
}

pub fn analysis(score: i64) -> Analysis {
    Analysis {
        technical_feedback: "Sorting by start and merging in one pass is correct.".into(),
        complexity_analysis: "Time O(n log n), space O(n)".into(),
        code_quality: "Readable; good names".into(),
        follow_up_question: "What changes if the intervals arrive as a stream?".into(),
        score: Score::new(score).unwrap(),
        correctness: "Correct on all examples, including touching intervals".into(),
        rubric: rubric(),
    }
}

pub fn usage() -> LlmUsage {
    LlmUsage {
        model: "claude-sonnet-4-5".into(),
        input_tokens: 1200,
        output_tokens: 300,
        cache_read_tokens: 0,
        cache_write_tokens: 1000,
        latency_ms: 2100,
        request_id: Some("req_fixture".into()),
        retries: 0,
    }
}

pub const CODE: &str = "def merge(intervals):\n    intervals.sort()\n    out = []\n    for s, e in intervals:\n        if out and s <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out\n";

/// Run the whole scripted interview on `stream` through the engine.
pub async fn run_scripted_interview(engine: &Engine, id: Uuid, place: Place) -> StreamId {
    let stream = place.stream_id();
    let at = |m: i64| t0() + Duration::minutes(m);
    let ex = |cmd| async {
        engine
            .execute(&stream, cmd, None)
            .await
            .expect("scripted command")
    };
    // No time limit: apps under test tick timers on the real clock, and t0 is in the past.
    let Command::StartInterview(untimed) = start(id, place.clone(), maya()) else {
        unreachable!("start() builds a StartInterview")
    };
    ex(Command::StartInterview(StartInterview {
        time_limit_minutes: None,
        ..untimed
    }))
    .await;
    let approach = ex(Command::ExplainApproach {
        actor: maya(),
        text: "Sort by start, then sweep and merge overlapping intervals.".into(),
        at: at(2),
    })
    .await;
    ex(Command::RecordCoachReply {
        stamp: None,
        reply_to: approach.events[0].version,
        kind: ReplyKind::ApproachFeedback,
        text: "Good plan. What is the cost of the sort?".into(),
        usage: Some(usage()),
        at: at(3),
    })
    .await;
    let code = ex(Command::SubmitCode(SubmitCode {
        actor: maya(),
        language: "python".into(),
        code: CODE.into(),
        source: SubmissionSource::Message,
        at: at(15),
    }))
    .await;
    ex(Command::RecordAnalysis {
        stamp: None,
        reply_to: code.events[0].version,
        analysis: analysis(7),
        usage: Some(usage()),
        at: at(16),
    })
    .await;
    let chat = ex(Command::SendMessage {
        actor: maya(),
        text: "Would a heap help for a stream?".into(),
        at: at(18),
    })
    .await;
    ex(Command::RecordCoachReply {
        stamp: None,
        reply_to: chat.events[0].version,
        kind: ReplyKind::Chat,
        text: "Think about what you need to keep in memory.".into(),
        usage: Some(usage()),
        at: at(19),
    })
    .await;
    let end = ex(Command::EndInterview {
        by: EndBy::Member(maya()),
        at: at(25),
    })
    .await;
    ex(Command::RecordSummary(RecordSummary {
        stamp: None,
        reply_to: end.events[0].version,
        overall: "A clean, correct solution with a clear plan.".into(),
        strengths: vec!["Clear plan before coding".into()],
        improvements: vec!["Test edge cases out loud".into()],
        rubric: rubric(),
        hire_signal: HireSignal::LeanYes,
        usage: Some(usage()),
        at: at(26),
    }))
    .await;
    stream
}
