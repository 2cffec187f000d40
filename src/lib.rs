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
pub mod http;
pub mod platforms;
pub mod ports;
pub mod practice;
pub mod problems;
pub mod projections;
pub mod queries;
pub mod store;
