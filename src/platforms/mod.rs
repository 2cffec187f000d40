//! Platform adapters (Discord, Slack, web). Each turns platform input into an engine
//! `Command` and renders engine output; none of them touches the store or an LLM.

pub mod discord;
pub mod slack;
pub mod text;
pub mod web;
