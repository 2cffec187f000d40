//! The evaluation harness (issue 17): a golden set of scripted interviews (`set`)
//! replayed through the real coach path, a live interview's engine, coach worker and
//! sandboxed tests on a temporary SQLite database (`replay`), and the reports and
//! thresholds over what came back (`report`). It must never touch the service's own
//! database or a platform: everything it writes goes to its own temporary log. The one
//! exception is `regrade` (with `compare`), which reads an ended interview of the
//! service's log and appends one `Regraded` event to it only when asked to record.

pub mod compare;
pub mod markdown;
pub mod regrade;
pub mod replay;
pub mod report;
pub mod set;

use crate::app::EvalRig;
use crate::engine::EngineError;
use report::Report;
use set::{Thresholds, Transcript};
use std::path::Path;

/// Play every transcript `repeat` times on `rig` and measure the replays against
/// `thresholds`. `references` is the folder of the bank's reference solutions.
pub async fn evaluate(
    rig: &EvalRig,
    set: &[Transcript],
    repeat: u32,
    references: &Path,
    thresholds: &Thresholds,
) -> Result<Report, EngineError> {
    let mut replays = Vec::with_capacity(set.len());
    for t in set {
        let mut runs = Vec::new();
        for i in 0..repeat.max(1) {
            tracing::info!(transcript = %t.id, repeat = i + 1, "replaying");
            runs.push(replay::play(rig, t).await?);
        }
        replays.push(runs);
    }
    Ok(report::build(
        set,
        &replays,
        &rig.problems,
        references,
        thresholds,
    ))
}
