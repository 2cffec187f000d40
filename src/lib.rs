//! interview-coach: AI mock technical interviews in Discord, Slack and the browser, on
//! an append-only event log.
//!
//! Layers, from the inside out: `domain` (pure rules), `store` (the event log on SQLite
//! or Postgres), `engine` (decide, append, publish, find pending coach work),
//! `projections` (read models rebuilt from the log), `platforms` (Discord, Slack, web
//! adapters), and `app`/`config`/`http` (wiring).

pub mod app;
pub mod coach;
pub mod config;
pub mod domain;
pub mod engine;
pub mod export;
pub mod http;
pub mod leaderboard;
pub mod member_export;
pub mod platforms;
pub mod privacy;
pub mod problems;
pub mod projections;
pub mod replay;
pub mod stats;
pub mod store;
