//! interview-coach: AI mock technical interviews in Discord, Slack and the browser, on
//! an append-only event log.
//!
//! Layers, from the inside out: `domain` (pure rules), `ports` (the storage traits and
//! their rows), `store` (SQLite or Postgres behind the ports) and `projections` (read
//! models folded from the log), `engine` (the write door: decide, append, publish),
//! `practice` (stats, leaderboard, export, replay, privacy, the transcript view),
//! `queries` (the read door), `coach`, `platforms` (Discord, Slack, web), and
//! `app`/`config`/`http` (wiring). Beside them: `sandbox` (running hostile programs) and
//! `judge` (a candidate's code on a problem's cases, in the sandbox), and `runs` (a
//! run as the interview sees it: checked by the domain, judged in the pool, recorded). `tests/it/layers.rs`
//! checks that each names only the layers below it; docs/ARCHITECTURE.md draws the tree.
//! `fuzz_checks` holds the invariants the fuzz targets (`fuzz/`) and the corpus replay
//! test assert; the service never calls it.

pub mod app;
pub mod coach;
pub mod config;
pub mod domain;
pub mod engine;
pub mod eval;
pub mod fuzz_checks;
pub mod http;
pub mod judge;
pub mod platforms;
pub mod ports;
pub mod practice;
pub mod problems;
pub mod projections;
pub mod queries;
pub mod runs;
pub mod sandbox;
pub mod server;
pub mod store;
pub mod telemetry;
