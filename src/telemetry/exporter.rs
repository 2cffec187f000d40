//! The Prometheus recorder: installed once per process (the `metrics` facade has one
//! global recorder), with explicit histogram buckets, and rendered in the text format
//! by `GET /metrics` on the `METRICS_ADDR` listener.
//!
//! Installing it is the binary's choice (only when `METRICS_ADDR` is set); nothing here
//! opens a socket.

use super::metrics::{
    COACH_TURN_SECONDS, LAG_BUCKETS, LATENCY_BUCKETS, LLM_REQUEST_SECONDS, OUTBOX_LAG_SECONDS,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Mutex, OnceLock};

/// The installed recorder's handle, once installed.
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
/// Serialises the first installs.
static INSTALLING: Mutex<()> = Mutex::new(());

#[derive(Debug, thiserror::Error)]
pub enum ExporterError {
    #[error("cannot set up the Prometheus recorder: {0}")]
    Build(#[from] metrics_exporter_prometheus::BuildError),
}

/// Installs the Prometheus recorder for this process, or returns the one installed
/// before (a second app in the same process, as in tests, shares it).
pub fn install() -> Result<PrometheusHandle, ExporterError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let _first = INSTALLING.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(COACH_TURN_SECONDS.into()), &LATENCY_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full(LLM_REQUEST_SECONDS.into()), &LATENCY_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full(OUTBOX_LAG_SECONDS.into()), &LAG_BUCKETS)?
        .install_recorder()?;
    super::metrics::describe();
    let _ = HANDLE.set(handle.clone());
    Ok(handle)
}

/// Every metric in the Prometheus text format.
pub fn render(handle: &PrometheusHandle) -> String {
    // Without the exporter's own HTTP listener, histogram upkeep is the caller's.
    handle.run_upkeep();
    handle.render()
}
