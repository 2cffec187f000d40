//! `interview-coach regrade`: an ended interview of the service's own log graded again
//! with today's prompt and model. Each analysis and the summary is asked again
//! (`Coach::grade_again`: the context built from the log as it stood before the original
//! answer, the configured LLM client, the same validation), `repeat` times, and the
//! figures are compared with the originals (`compare`).
//!
//! It reads the log and appends at most one `Regraded` event, only when asked to record,
//! through the engine; it never changes or hides the original scores, and never calls
//! the LLM for an interview it would refuse (unknown, not ended, no LLM, already
//! regraded with this prompt and model when recording).

use crate::app::EvalRig;
use crate::domain::*;
use crate::engine::EngineError;
use crate::queries::QueryError;
use crate::queries::RecordedEvent;

/// An original analysis or summary as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Original {
    pub reply_to: Version,
    pub kind: GradedKind,
    pub grade: Grade,
    /// The prompt version and model that produced it (absent on older events).
    pub stamp: Option<CoachStamp>,
    /// The index of its event in the stream: the events before it are its context.
    index: usize,
}

impl Original {
    #[cfg(test)]
    pub(crate) fn new(
        reply_to: Version,
        kind: GradedKind,
        grade: Grade,
        stamp: Option<CoachStamp>,
    ) -> Original {
        Original {
            reply_to,
            kind,
            grade,
            stamp,
            index: 0,
        }
    }
}

/// What a regrade found: the originals, and the new figures as they would be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Regrade {
    pub interview_id: uuid::Uuid,
    pub stream: StreamId,
    pub originals: Vec<Original>,
    pub new: Regraded,
}

/// Why a regrade did not run or was not recorded. Each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RegradeError {
    #[error("no interview with id or stream id {0}")]
    NotFound(String),
    #[error("interview {0} has not ended yet: regrade it once it has ended")]
    NotEnded(String),
    #[error(
        "no LLM is configured: set ANTHROPIC_API_KEY or OPENAI_BASE_URL (the service's own settings)"
    )]
    NoLlm,
    #[error("interview {0} has no analysis or summary to regrade")]
    NothingToGrade(String),
    #[error("{0}")]
    Refused(DomainError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// The originals of an interview's events: its analyses and summary, in log order.
pub fn originals(events: &[RecordedEvent]) -> Vec<Original> {
    events
        .iter()
        .enumerate()
        .filter_map(|(index, r)| match &r.event {
            Event::CodeAnalyzed(e) => Some(Original {
                reply_to: e.reply_to,
                kind: GradedKind::Analysis,
                grade: Grade::of_analysis(&e.analysis),
                stamp: e.stamp.clone(),
                index,
            }),
            Event::SummaryWritten(e) => Some(Original {
                reply_to: e.reply_to,
                kind: GradedKind::Summary,
                grade: Grade::of_summary(&e.rubric, e.hire_signal),
                stamp: e.stamp.clone(),
                index,
            }),
            _ => None,
        })
        .collect()
}

/// Grade the interview named by `id` (an interview id or a stream id) again, `repeat`
/// times. With `recording`, an interview already regraded with this prompt and model
/// is refused before any LLM call. Appends nothing.
pub async fn regrade(
    rig: &EvalRig,
    id: &str,
    repeat: u32,
    recording: bool,
) -> Result<Regrade, RegradeError> {
    rig.queries.catch_up().await?;
    let found = rig
        .queries
        .find(id)
        .await?
        .ok_or_else(|| RegradeError::NotFound(id.to_string()))?;
    let events = found.events;
    let state = Interview::from_events(events.iter().map(|r| &r.event));
    let Some(started) = state.started.clone() else {
        return Err(RegradeError::NotFound(id.to_string()));
    };
    let name = started.interview_id.to_string();
    if state.ended.is_none() {
        return Err(RegradeError::NotEnded(name));
    }
    if !rig.llm_configured {
        return Err(RegradeError::NoLlm);
    }
    if recording && state.regrades.contains(&rig.stamp) {
        return Err(RegradeError::Refused(DomainError::AlreadyRegraded {
            prompt_version: rig.stamp.prompt_version.clone(),
            model: rig.stamp.model.clone(),
        }));
    }
    let originals = originals(&events);
    if originals.is_empty() {
        return Err(RegradeError::NothingToGrade(name));
    }
    let mut turns = Vec::with_capacity(originals.len());
    let mut tokens = 0;
    for original in &originals {
        let Some(turn) = state.turns.get(&original.reply_to).copied() else {
            continue;
        };
        let mut graded = RegradedTurn {
            reply_to: original.reply_to,
            kind: original.kind,
            original: original.grade,
            grades: Vec::new(),
            failed: 0,
        };
        for i in 0..repeat.max(1) {
            tracing::info!(
                reply_to = original.reply_to,
                repeat = i + 1,
                "grading again"
            );
            match rig
                .coach
                .grade_again(&state, &events[..original.index], turn)
                .await
            {
                Ok((grade, usage)) => {
                    tokens += usage.billed_tokens();
                    graded.grades.push(grade);
                }
                Err(why) => {
                    tracing::warn!(reply_to = original.reply_to, %why, "no valid grade");
                    graded.failed += 1;
                }
            }
        }
        turns.push(graded);
    }
    Ok(Regrade {
        interview_id: started.interview_id,
        stream: started.place.stream_id(),
        originals,
        new: Regraded {
            stamp: rig.stamp.clone(),
            repeat: repeat.max(1),
            turns,
            tokens,
            at: rig.engine.now(),
        },
    })
}

/// Append the regrade as one `Regraded` event, keyed by interview, prompt version and
/// model: a second record of the same pair (even from two runs at once) appends nothing.
pub async fn record(rig: &EvalRig, regrade: &Regrade) -> Result<Version, RegradeError> {
    let stamp = &regrade.new.stamp;
    let key = format!(
        "regrade:{}:{}:{}",
        regrade.stream, stamp.prompt_version, stamp.model
    );
    let command = Command::RecordRegrade(Box::new(regrade.new.clone()));
    match rig
        .engine
        .execute(&regrade.stream, command, Some(&key))
        .await
    {
        Ok(done) if done.duplicate => Err(RegradeError::Refused(DomainError::AlreadyRegraded {
            prompt_version: stamp.prompt_version.clone(),
            model: stamp.model.clone(),
        })),
        Ok(done) => Ok(done.events.first().map(|e| e.version).unwrap_or_default()),
        Err(EngineError::Refused(why)) => Err(RegradeError::Refused(why)),
        Err(e) => Err(e.into()),
    }
}
