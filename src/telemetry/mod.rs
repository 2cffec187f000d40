//! Observability: the service's metric names and the helpers that record them
//! (`metrics`), the Prometheus recorder behind `/metrics` (`exporter`), whether this
//! instance should take traffic (`readiness`), the span every piece of interview work
//! runs in (`span`) and the log format (`logs`).
//!
//! A leaf: it imports nothing of the crate, so every layer above the domain may record
//! a metric or open a span without naming another layer. It must never put a member id,
//! an interview id or a stream id in a metric label (one series per interview would grow
//! without bound and expose who practised), and never a secret in a span or a log.

pub mod exporter;
pub mod logs;
pub mod metrics;
pub mod readiness;
pub mod span;

pub use readiness::{NotReady, Readiness};
