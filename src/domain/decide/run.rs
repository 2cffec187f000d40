//! Running the candidate's code: whether a run may start (`RunTests`, which appends
//! nothing: the judge runs outside `decide`), and recording its verdicts
//! (`RecordTestsRun`). A refusal names the real cause: the phase, who asked, the
//! language (listing the supported ones), the code's size, or what is wrong with the
//! custom input.

use super::MAX_CODE_BYTES;
use super::guards::{candidate_only, in_time, open, started};
use crate::domain::commands::RunTests;
use crate::domain::error::DomainError;
use crate::domain::events::{Event, TestsRun};
use crate::domain::interview::Interview;
use crate::domain::runs::RunOf;

/// Whether the run `c` asks for may start. Accepted: no events (the caller runs the
/// judge, then records its result).
pub(super) fn run(state: &Interview, c: RunTests) -> Result<Vec<Event>, DomainError> {
    open(state)?;
    in_time(state, c.at)?;
    candidate_only(state, &c.actor)?;
    if !c.supported.iter().any(|s| s == &c.language) {
        return Err(DomainError::UnsupportedLanguage {
            language: c.language,
            supported: c.supported.join(", "),
        });
    }
    if c.code.trim().is_empty() {
        return Err(DomainError::EmptyCode);
    }
    if c.code.len() > MAX_CODE_BYTES {
        return Err(DomainError::CodeTooLarge {
            got: c.code.len(),
            max: MAX_CODE_BYTES,
        });
    }
    match (&c.custom_input, &c.arguments) {
        (None, None) => Err(DomainError::NoTests),
        (None, Some(_)) => Ok(Vec::new()),
        (Some(input), arguments) => {
            custom_input(input, arguments.as_deref())?;
            Ok(Vec::new())
        }
    }
}

/// A custom input must be JSON; for a bank problem, an object with every argument.
fn custom_input(input: &str, arguments: Option<&[String]>) -> Result<(), DomainError> {
    let example = || match arguments {
        Some(args) => {
            let fields: Vec<String> = args.iter().map(|a| format!("\"{a}\": ...")).collect();
            format!("{{{}}}", fields.join(", "))
        }
        None => "{\"n\": 3}".to_string(),
    };
    let value: serde_json::Value =
        serde_json::from_str(input).map_err(|e| DomainError::InputNotJson {
            reason: e.to_string(),
            example: example(),
        })?;
    let Some(arguments) = arguments else {
        return Ok(());
    };
    let Some(object) = value.as_object() else {
        return Err(DomainError::InputNotJson {
            reason: "it is not an object".to_string(),
            example: example(),
        });
    };
    match arguments.iter().find(|a| !object.contains_key(a.as_str())) {
        Some(missing) => Err(DomainError::InputMissingArgument {
            missing: missing.clone(),
            expected: arguments.join(", "),
        }),
        None => Ok(()),
    }
}

/// Record a run's verdicts. An ad-hoc run was allowed by `RunTests` when it started and
/// is recorded even if the interview ended meanwhile; a submission's run is recorded
/// once, for a submission that exists.
pub(super) fn record(state: &Interview, run: TestsRun) -> Result<Vec<Event>, DomainError> {
    started(state)?;
    if let RunOf::Submission { submission } = run.of {
        let exists = submission >= 1 && submission <= state.submissions;
        if !exists || state.tested.contains(&submission) {
            return Err(DomainError::NotTestable { submission });
        }
    }
    Ok(vec![Event::TestsRun(run)])
}
