//! Every metric the service records, by name, with the small functions that record
//! them: callers never spell a metric name or a label key themselves. Names follow the
//! Prometheus conventions: the `interview_coach_` prefix, base units (seconds), `_total`
//! on counters. Labels take only values from small fixed sets (platform, command kind,
//! event type, outcome, LLM provider, token kind, shard number): never a member,
//! interview or stream id. README "Metrics" lists each one.
//!
//! Without an installed recorder (`exporter::install`, done only when `METRICS_ADDR` is
//! set) every function here is a no-op costing an atomic load.

use ::metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use std::time::Duration;

/// Commands through the engine, by `platform`, `kind` and `outcome`.
pub const COMMANDS: &str = "interview_coach_commands_total";
/// Events appended to the log by this instance, by `platform` and `type`.
pub const EVENTS_APPENDED: &str = "interview_coach_events_appended_total";
/// Coach turns finished, by turn `kind` and `outcome`.
pub const COACH_TURNS: &str = "interview_coach_coach_turns_total";
/// Coach turns waiting for one of the `COACH_MAX_CONCURRENCY` LLM slots (a gauge).
pub const COACH_QUEUED_TURNS: &str = "interview_coach_coach_queued_turns";
/// Time from a turn's start (claimed, read) to its answer or failure being appended.
pub const COACH_TURN_SECONDS: &str = "interview_coach_coach_turn_duration_seconds";
/// One LLM request (one try, streamed or not), by `provider` and `outcome`.
pub const LLM_REQUEST_SECONDS: &str = "interview_coach_llm_request_duration_seconds";
/// Tokens the LLM reported, by `provider` and `kind`.
pub const LLM_TOKENS: &str = "interview_coach_llm_tokens_total";
/// Tries at posting a coach event to a chat platform, by `platform` and `outcome`.
pub const DELIVERIES: &str = "interview_coach_deliveries_total";
/// Delivery tries that failed for now and are tried again, by `platform`.
pub const DELIVERY_RETRIES: &str = "interview_coach_delivery_retries_total";
/// Time from a coach event's recording to its last part being posted, by `platform`.
pub const OUTBOX_LAG_SECONDS: &str = "interview_coach_outbox_lag_seconds";
/// Claims (a coach interview, a delivery) taken from an instance that no longer held
/// them (it crashed or was restarted), by `work`.
pub const LEASE_TAKEOVERS: &str = "interview_coach_lease_takeovers_total";
/// Events committed to the log that the event feed has not yet published.
pub const FEED_LAG_EVENTS: &str = "interview_coach_feed_lag_events";
/// WebSocket connections open on this instance.
pub const WEBSOCKET_CONNECTIONS: &str = "interview_coach_websocket_connections";
/// Discord gateway shards of this instance that are connected.
pub const DISCORD_SHARDS_CONNECTED: &str = "interview_coach_discord_shards_connected";
/// The last heartbeat round trip of each Discord shard, by `shard`.
pub const DISCORD_GATEWAY_LATENCY_SECONDS: &str = "interview_coach_discord_gateway_latency_seconds";
/// Slack Socket Mode connections of this instance that said hello.
pub const SLACK_SOCKETS_CONNECTED: &str = "interview_coach_slack_sockets_connected";
/// Events read from the log that this release cannot use (an unknown type or schema
/// version, a damaged row) and skipped, by `reason`.
pub const UNKNOWN_EVENTS_SKIPPED: &str = "interview_coach_unknown_events_skipped_total";

/// Buckets of the coach turn and LLM request histograms (seconds): a streamed answer
/// takes seconds, a slow structured review tens of seconds.
pub const LATENCY_BUCKETS: [f64; 13] = [
    0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0,
];
/// Buckets of the outbox lag (seconds): from a fraction of a second to a platform
/// outage of several minutes.
pub const LAG_BUCKETS: [f64; 12] = [
    0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// Gives every metric its help text and unit (shown as `# HELP` by the exporter).
pub fn describe() {
    describe_counter!(
        UNKNOWN_EVENTS_SKIPPED,
        "Events read from the log that this release cannot use and skipped, by reason."
    );
    describe_counter!(
        COMMANDS,
        "Commands through the engine, by platform, kind and outcome (accepted, duplicate, refused, failed)."
    );
    describe_counter!(
        EVENTS_APPENDED,
        "Events appended to the log by this instance, by platform and type."
    );
    describe_counter!(
        COACH_TURNS,
        "Coach turns finished, by turn kind and outcome (answered, failed, skipped)."
    );
    describe_histogram!(
        COACH_TURN_SECONDS,
        Unit::Seconds,
        "Time from a coach turn's start to its result being appended, by turn kind."
    );
    describe_histogram!(
        LLM_REQUEST_SECONDS,
        Unit::Seconds,
        "One LLM request (one try), by provider and outcome (ok, error)."
    );
    describe_counter!(
        LLM_TOKENS,
        "Tokens reported by the LLM, by provider and kind (input, cache_read, cache_write, output)."
    );
    describe_counter!(
        DELIVERIES,
        "Tries at posting a coach event to a chat platform, by platform and outcome (posted, already_posted, skipped, held, delayed, failed)."
    );
    describe_counter!(
        DELIVERY_RETRIES,
        "Delivery tries that failed for now and are tried again, by platform."
    );
    describe_histogram!(
        OUTBOX_LAG_SECONDS,
        Unit::Seconds,
        "Time from a coach event's recording to its last part being posted, by platform."
    );
    describe_counter!(
        LEASE_TAKEOVERS,
        "Claims taken over from an instance that no longer held them (crash, restart), by work (coach, deliver)."
    );
    describe_gauge!(
        COACH_QUEUED_TURNS,
        "Coach turns of this instance waiting for a free LLM slot (COACH_MAX_CONCURRENCY)."
    );
    describe_gauge!(
        FEED_LAG_EVENTS,
        "Events committed to the log and not yet published by this instance's event feed."
    );
    describe_gauge!(
        WEBSOCKET_CONNECTIONS,
        "WebSocket connections open on this instance."
    );
    describe_gauge!(
        DISCORD_SHARDS_CONNECTED,
        "Discord gateway shards of this instance that are connected."
    );
    describe_gauge!(
        DISCORD_GATEWAY_LATENCY_SECONDS,
        Unit::Seconds,
        "The last gateway heartbeat round trip, by shard."
    );
    describe_gauge!(
        SLACK_SOCKETS_CONNECTED,
        "Slack Socket Mode connections of this instance that said hello."
    );
}

/// What became of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandOutcome {
    Accepted,
    /// Its idempotency key had been seen: the first result was returned.
    Duplicate,
    Refused,
    /// The database failed or the stream was too contended.
    Failed,
}

impl CommandOutcome {
    fn as_str(self) -> &'static str {
        match self {
            CommandOutcome::Accepted => "accepted",
            CommandOutcome::Duplicate => "duplicate",
            CommandOutcome::Refused => "refused",
            CommandOutcome::Failed => "failed",
        }
    }
}

/// A command finished.
pub fn command(platform: &'static str, kind: &'static str, outcome: CommandOutcome) {
    counter!(COMMANDS, "platform" => platform, "kind" => kind, "outcome" => outcome.as_str())
        .increment(1);
}

/// An event was appended.
pub fn event_appended(platform: &'static str, event_type: &'static str) {
    counter!(EVENTS_APPENDED, "platform" => platform, "type" => event_type).increment(1);
}

/// A coach turn finished: `outcome` is `answered`, `failed` or `skipped`.
pub fn coach_turn(kind: &'static str, outcome: &'static str, took: Duration) {
    counter!(COACH_TURNS, "kind" => kind, "outcome" => outcome).increment(1);
    histogram!(COACH_TURN_SECONDS, "kind" => kind).record(took.as_secs_f64());
}

/// One LLM request finished (`ok` true when it returned an answer).
pub fn llm_request(provider: &'static str, ok: bool, took: Duration) {
    let outcome = if ok { "ok" } else { "error" };
    histogram!(LLM_REQUEST_SECONDS, "provider" => provider, "outcome" => outcome)
        .record(took.as_secs_f64());
}

/// The tokens one LLM answer used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub output: u64,
}

/// Counts the tokens of one LLM answer.
pub fn llm_tokens(provider: &'static str, tokens: Tokens) {
    for (kind, n) in [
        ("input", tokens.input),
        ("cache_read", tokens.cache_read),
        ("cache_write", tokens.cache_write),
        ("output", tokens.output),
    ] {
        counter!(LLM_TOKENS, "provider" => provider, "kind" => kind).increment(n);
    }
}

/// One try at a delivery ended with `outcome`; `delayed` and `failed` are retried.
pub fn delivery(platform: &'static str, outcome: &'static str) {
    counter!(DELIVERIES, "platform" => platform, "outcome" => outcome).increment(1);
    if matches!(outcome, "delayed" | "failed") {
        counter!(DELIVERY_RETRIES, "platform" => platform).increment(1);
    }
}

/// A coach event's last part was posted `lag` after the event was recorded.
pub fn outbox_lag(platform: &'static str, lag: Duration) {
    histogram!(OUTBOX_LAG_SECONDS, "platform" => platform).record(lag.as_secs_f64());
}

/// An event this release cannot use was read and skipped, for `reason`.
pub fn unknown_event_skipped(reason: &'static str) {
    counter!(UNKNOWN_EVENTS_SKIPPED, "reason" => reason).increment(1);
}

/// A claim on `work` (`coach`, `deliver`) was taken over from a lapsed holder.
pub fn lease_takeover(work: &'static str) {
    counter!(LEASE_TAKEOVERS, "work" => work).increment(1);
}

/// The event feed is `behind` events behind the log's head.
pub fn feed_lag(behind: u64) {
    gauge!(FEED_LAG_EVENTS).set(behind as f64);
}

/// Counts one coach turn waiting for an LLM slot until dropped.
#[must_use = "the turn counts as queued while this lives"]
pub struct QueuedTurn(());

impl QueuedTurn {
    pub fn queued() -> QueuedTurn {
        gauge!(COACH_QUEUED_TURNS).increment(1.0);
        QueuedTurn(())
    }
}

impl Drop for QueuedTurn {
    fn drop(&mut self) {
        gauge!(COACH_QUEUED_TURNS).decrement(1.0);
    }
}

/// Counts one open WebSocket until dropped.
#[must_use = "the connection counts as open while this lives"]
pub struct OpenWebSocket(());

impl OpenWebSocket {
    pub fn opened() -> OpenWebSocket {
        gauge!(WEBSOCKET_CONNECTIONS).increment(1.0);
        OpenWebSocket(())
    }
}

impl Drop for OpenWebSocket {
    fn drop(&mut self) {
        gauge!(WEBSOCKET_CONNECTIONS).decrement(1.0);
    }
}

/// `connected` of this instance's Discord shards are connected.
pub fn discord_shards(connected: usize) {
    gauge!(DISCORD_SHARDS_CONNECTED).set(connected as f64);
}

/// Shard `shard`'s last heartbeat took `latency`.
pub fn discord_gateway_latency(shard: u32, latency: Duration) {
    gauge!(DISCORD_GATEWAY_LATENCY_SECONDS, "shard" => shard.to_string())
        .set(latency.as_secs_f64());
}

/// `connected` Slack Socket Mode connections are open.
pub fn slack_sockets(connected: usize) {
    gauge!(SLACK_SOCKETS_CONNECTED).set(connected as f64);
}
