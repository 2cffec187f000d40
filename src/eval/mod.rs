//! The evaluation harness (issue 17): a golden set of scripted interviews (`set`)
//! replayed through the real coach path, a live interview's engine, coach worker and
//! sandboxed tests on a temporary SQLite database (`replay`), and the reports and
//! thresholds over what came back (`report`). It must never touch the service's own
//! database or a platform: everything it writes goes to its own temporary log.

pub mod set;
