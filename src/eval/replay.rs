//! One scripted interview played through the real coach path: each candidate step is a
//! command to the engine (start, hints, approach, code, answers, end), and after each
//! one the coach worker answers every pending turn exactly as it does live (the
//! submission's tests run in the sandbox first, then the analysis). What comes back is
//! read from the log and measured: the analysis, the tests' verdict, the coach's words,
//! failures, tokens and latency. It never appends to any log but the rig's own.

use super::set::Transcript;
use crate::app::EvalRig;
use crate::domain::*;
use crate::engine::EngineError;
use serde::Serialize;
use uuid::Uuid;

/// What one repeat of one transcript gave.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    /// The analysis's overall score, absent when the analysis failed.
    pub score: Option<u8>,
    /// communication, problem solving, technical competency, testing.
    pub bands: Option<[u8; 4]>,
    pub correctness: Option<String>,
    /// The summary's bands, when it was written.
    pub summary_bands: Option<[u8; 4]>,
    /// The sandbox's verdict on the submission: hidden tests failed (examples passed).
    pub tests: Option<TestsSeen>,
    /// The coach's words before the first submission (hints, approach feedback).
    pub before_code: Vec<String>,
    /// Every text the coach produced (replies, the analysis, the summary).
    pub coach_text: Vec<String>,
    /// `CoachFailed` events, with their attempts.
    pub failures: Vec<String>,
    /// Requests beyond the first over every turn: answered ones (their usage's
    /// `retries`: passing faults, replies cut or looping, structured answers that did
    /// not validate, each asked again) and failed ones (their attempts).
    pub retries: u32,
    pub tokens: u64,
    /// Latency of each answered turn, in milliseconds.
    pub latency_ms: Vec<u64>,
    pub prompt_versions: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct TestsSeen {
    pub examples_passed: bool,
    pub hidden_passed: bool,
}

/// Play `t` once on the rig.
pub async fn play(rig: &EvalRig, t: &Transcript) -> Result<Replay, EngineError> {
    let session = format!("eval-{}-{}", t.id, Uuid::new_v4().simple());
    let place = Place::Web {
        session: session.clone(),
    };
    let stream = place.stream_id();
    let actor = Actor::new(Platform::Web, session, t.display_name.clone());
    let problem = rig.problems.get(&t.problem);
    let (version, title, max_hints) = problem.map_or((1, t.problem.clone(), None), |p| {
        (p.version, p.title.clone(), Some(p.hints.len() as u32))
    });
    let now = || rig.engine.now();
    let mut steps = vec![Command::StartInterview(StartInterview {
        interview_id: Uuid::new_v4(),
        place,
        candidate: actor.clone(),
        problem: Problem::Bank {
            id: t.problem.clone(),
            version,
            title,
        },
        language: Some(t.language.clone()),
        difficulty: None,
        time_limit_minutes: None,
        mode: Mode::default(),
        coach: rig.config.clone(),
        at: now(),
    })];
    for _ in 0..t.hints {
        steps.push(Command::RequestHint {
            actor: actor.clone(),
            max_hints,
            at: now(),
        });
    }
    steps.push(Command::ExplainApproach {
        actor: actor.clone(),
        text: t.approach.clone(),
        at: now(),
    });
    steps.push(Command::SubmitCode(SubmitCode {
        actor: actor.clone(),
        language: t.language.clone(),
        code: t.code.clone(),
        source: SubmissionSource::Editor,
        at: now(),
    }));
    for answer in &t.answers {
        steps.push(Command::SendMessage {
            actor: actor.clone(),
            text: answer.clone(),
            at: now(),
        });
    }
    steps.push(Command::EndInterview {
        by: EndBy::Member(actor.clone()),
        at: now(),
    });
    for step in steps {
        // A refusal (e.g. a hint past the ladder) is part of the script, not a failure.
        match rig.engine.execute(&stream, step, None).await {
            Ok(_) | Err(EngineError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
        rig.coach.process_stream(&stream).await?;
    }
    let (_, events) = rig.engine.load(&stream).await?;
    Ok(measure(events.iter().map(|r| &r.event)))
}

/// The measures of one played interview, from its events.
pub fn measure<'a>(events: impl Iterator<Item = &'a Event>) -> Replay {
    let mut r = Replay {
        score: None,
        bands: None,
        correctness: None,
        summary_bands: None,
        tests: None,
        before_code: Vec::new(),
        coach_text: Vec::new(),
        failures: Vec::new(),
        retries: 0,
        tokens: 0,
        latency_ms: Vec::new(),
        prompt_versions: Vec::new(),
    };
    let mut submitted = false;
    for event in events {
        r.tokens += event.tokens_used();
        if let Some(stamp) = event.stamp()
            && !r.prompt_versions.contains(&stamp.prompt_version)
        {
            r.prompt_versions.push(stamp.prompt_version.clone());
        }
        match event {
            Event::CodeSubmitted(_) => submitted = true,
            Event::CoachReplied(e) => {
                if !submitted {
                    r.before_code.push(e.text.clone());
                }
                r.coach_text.push(e.text.clone());
                r.latency_ms.extend(e.usage.as_ref().map(|u| u.latency_ms));
                r.retries += e.usage.as_ref().map_or(0, |u| u.retries);
            }
            Event::CodeAnalyzed(e) => {
                let a = &e.analysis;
                r.score = Some(a.score.get());
                r.bands = Some(bands(&a.rubric));
                r.correctness = Some(a.correctness.clone());
                r.coach_text.extend([
                    a.technical_feedback.clone(),
                    a.correctness.clone(),
                    a.code_quality.clone(),
                    a.follow_up_question.clone(),
                ]);
                r.latency_ms.extend(e.usage.as_ref().map(|u| u.latency_ms));
                r.retries += e.usage.as_ref().map_or(0, |u| u.retries);
            }
            Event::SummaryWritten(e) => {
                r.summary_bands = Some(bands(&e.rubric));
                r.coach_text.push(e.overall.clone());
                r.latency_ms.extend(e.usage.as_ref().map(|u| u.latency_ms));
                r.retries += e.usage.as_ref().map_or(0, |u| u.retries);
            }
            Event::CoachFailed(e) => {
                r.failures.push(format!(
                    "{:?} after {} tries: {}",
                    e.kind, e.attempts, e.message
                ));
                r.retries += e.attempts.saturating_sub(1);
            }
            Event::TestsRun(e) if matches!(e.of, RunOf::Submission { .. }) => {
                r.tests = Some(TestsSeen {
                    examples_passed: e.examples.iter().all(|c| c.verdict.ok()),
                    hidden_passed: e.tests.passed() == e.tests.total(),
                });
            }
            _ => {}
        }
    }
    r
}

fn bands(rubric: &Rubric) -> [u8; 4] {
    [
        rubric.communication.score.get(),
        rubric.problem_solving.score.get(),
        rubric.technical_competency.score.get(),
        rubric.testing.score.get(),
    ]
}
