//! Configuration: one clap struct per command, every flag with an environment
//! fallback (and `.env` read by `main`). Secrets are held in [`Secret`], whose `Debug`
//! and `Display` never show the value.

use crate::store::{StoreOptions, Synchronous};
use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// A credential from the environment. Printing it shows `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it (an HTTP header, a gateway login).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Secret, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "interview-coach",
    version,
    about = "AI mock technical interviews in Discord, Slack and the browser"
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the service: web UI and API, the coach, and every platform whose credentials are set.
    Serve(Box<ServeArgs>),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print a readable transcript of one interview from the log.
    Replay {
        /// An interview id (uuid) or a stream id such as `discord:123:456`.
        id: String,
    },
    /// Drop the read models and rebuild them from the log.
    RebuildProjections,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Where the event log lives: `sqlite://path/file.db` (created if missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/interview-coach.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Secret,
    /// SQLite durability: `full` (an acknowledged event survives power loss) or `normal`.
    #[arg(
        long,
        env = "SQLITE_SYNCHRONOUS",
        default_value = "full",
        global = true
    )]
    pub sqlite_synchronous: Synchronous,
    /// Maximum database connections per pool.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub database_max_connections: u32,
}

impl DatabaseArgs {
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            synchronous: self.sqlite_synchronous,
            max_connections: self.database_max_connections,
            ..StoreOptions::default()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address of the web UI, API and health endpoint.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,
    /// Discord bot token; unset disables Discord.
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub discord_token: Option<Secret>,
    /// Slack bot token (xoxb-...); with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET enables Slack.
    #[arg(long, env = "SLACK_BOT_TOKEN", hide_env_values = true)]
    pub slack_bot_token: Option<Secret>,
    /// Slack app-level token (xapp-...) for Socket Mode.
    #[arg(long, env = "SLACK_APP_TOKEN", hide_env_values = true)]
    pub slack_app_token: Option<Secret>,
    /// Slack signing secret for the HTTP Events API.
    #[arg(long, env = "SLACK_SIGNING_SECRET", hide_env_values = true)]
    pub slack_signing_secret: Option<Secret>,
    /// Anthropic API key; the coach uses Claude when set.
    #[arg(long, env = "ANTHROPIC_API_KEY", hide_env_values = true)]
    pub anthropic_api_key: Option<Secret>,
    /// OpenAI-compatible base URL (Ollama, llama.cpp, vLLM, OpenAI); used when no Anthropic key is set.
    #[arg(long, env = "OPENAI_BASE_URL")]
    pub openai_base_url: Option<String>,
}

impl ServeArgs {
    /// Serve settings from the environment alone (the default command).
    pub fn from_env() -> ServeArgs {
        #[derive(Parser)]
        struct ServeOnly {
            #[command(flatten)]
            args: ServeArgs,
        }
        ServeOnly::parse_from(["interview-coach"]).args
    }
}

/// Which chat platforms can start, given the credentials present.
pub fn platform_status(args: &ServeArgs) -> Vec<(&'static str, Result<(), &'static str>)> {
    let discord = if args.discord_token.is_some() {
        Ok(())
    } else {
        Err("DISCORD_TOKEN is not set")
    };
    let slack = match (
        &args.slack_bot_token,
        &args.slack_app_token,
        &args.slack_signing_secret,
    ) {
        (None, _, _) => Err("SLACK_BOT_TOKEN is not set"),
        (Some(_), None, None) => {
            Err("neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP) is set")
        }
        _ => Ok(()),
    };
    vec![("discord", discord), ("slack", slack)]
}
