//! The integration tests, linked once as one binary (`tests/it`), a module per area.
//! Each test starts what it needs for real: a fresh SQLite file or Postgres database,
//! the app on port 0, loopback fakes of the LLM, Discord and Slack APIs, the built
//! binary, or headless Chromium. Run them with `cargo nextest run` (each test in its
//! own process, with the time limits of `.config/nextest.toml`) or `cargo test`.

// Shared helpers: databases, fixtures, fakes.
#[macro_use]
mod common;
mod discord_fake;
mod slack_common;
mod web_common;

// Domain and store.
mod domain_decide;
mod domain_peer;
mod domain_runs;
mod event_fixtures;
mod sqlite_durability;
mod store_contract;

// Engine, read models and practice features.
mod delivery;
mod duel_engine; // issue 16: duel
mod engine;
mod open_work;
mod outbox;
mod privacy;
mod privacy_peer;
mod stats_projection;
mod timers;
mod unreadable_events;

// The coach and its LLM clients.
mod bounds;
mod coach;
mod coach_cooldown;
mod coach_unfinished;
mod llm_anthropic;
mod llm_openai;
mod problem_bank;

// Discord.
mod discord_duel; // issue 16: duel
mod discord_e2e;
mod discord_manifest;
mod discord_outlet;
mod discord_peer;
mod discord_practice;
mod discord_run;
mod discord_shards;
// issue 16: daily
mod daily_discord;

// Several instances of the binary on one Postgres database (issue 18 item 10).
mod instances;

// Slack.
mod slack_duel; // issue 16: duel
mod slack_http;
mod slack_outlet;
mod slack_peer;
mod slack_practice;
mod slack_run;
mod slack_socket;
// issue 16: daily
mod daily_slack;

// The judge: the bank's solutions in every language, verdicts, the CLI, the C++ header.
mod judge_bank;
mod judge_cli;
mod judge_complexity;
mod judge_cpp_header;
mod judge_java_core;
mod judge_verdicts;

// Evaluation of the coach (issue 17).
mod eval_run;
mod eval_set;
mod regrade;
// The coach against a real local model (issue 17 point 4): runs only with LOCAL_MODEL=1.
mod local_model;

// The sandbox (issue 14): backends, pool, Piston, the security table.
mod sandbox_common;
mod sandbox_piston;
mod sandbox_pool;
mod sandbox_runs;
mod sandbox_security;

// The layers of src/.
mod layers;

// The fuzz corpus (issue 15), replayed through the fuzz targets' checks.
mod fuzz_corpus;

// Metrics, readiness, spans and logs.
mod observability;

// Web and the binary.
mod cli;
mod http_limits;
mod shutdown;
mod web_api;
mod web_bind;
mod web_browser;
mod web_duels; // issue 16: duel
mod web_limits;
mod web_origin;
mod web_peer;
mod web_restart;
mod web_run;
mod web_seed;
mod web_share;
mod web_ws;

// Issue 14's newcomer path (four languages, each platform) and issue 16's page.
mod newcomer_page;
mod newcomer_runs;
