//! Configuration: one clap struct per command, every flag with an environment
//! fallback (and `.env` read by `main`). Secrets are held in [`Secret`], whose `Debug`
//! and `Display` never show the value.

use crate::sandbox::Requested;
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
    /// Privacy requests.
    #[command(subcommand)]
    Privacy(PrivacyCmd),
    /// Print one interview as a Markdown transcript (code, analyses, summary).
    Export {
        /// An interview id (uuid) or a stream id.
        id: String,
    },
    /// Discord helpers.
    #[command(subcommand)]
    Discord(DiscordCmd),
}

#[derive(Debug, Subcommand)]
pub enum DiscordCmd {
    /// Print the slash-command definitions as JSON, for review and manual registration.
    Manifest,
}

#[derive(Debug, Subcommand)]
pub enum PrivacyCmd {
    /// Erase a member's words and code from every interview (replay and export keep working).
    Forget {
        /// The member id: `{platform}:{user id}`, e.g. `discord:284719305521938432`.
        member: String,
    },
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
    #[arg(long, env = "DISCORD_TOKEN", hide = true, hide_env_values = true)]
    pub discord_token: Option<Secret>,
    #[command(flatten)]
    pub discord: DiscordArgs,
    /// Slack bot token (xoxb-...); with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET enables Slack.
    #[arg(long, env = "SLACK_BOT_TOKEN", hide = true, hide_env_values = true)]
    pub slack_bot_token: Option<Secret>,
    /// Slack app-level token (xapp-...) for Socket Mode.
    #[arg(long, env = "SLACK_APP_TOKEN", hide = true, hide_env_values = true)]
    pub slack_app_token: Option<Secret>,
    /// Slack signing secret for the HTTP Events API.
    #[arg(
        long,
        env = "SLACK_SIGNING_SECRET",
        hide = true,
        hide_env_values = true
    )]
    pub slack_signing_secret: Option<Secret>,
    #[command(flatten)]
    pub slack: SlackArgs,
    #[command(flatten)]
    pub coach: CoachArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
    /// Access token for `/api` and `/ws` (Bearer header or `?token=`); required when BIND_ADDR is not loopback.
    #[arg(long, env = "WEB_ACCESS_TOKEN", hide = true, hide_env_values = true)]
    pub web_access_token: Option<Secret>,
    /// Other origins whose pages may use `/api` and `/ws` (comma-separated, e.g.
    /// `https://coach.example.org`); the service's own origin is always allowed.
    #[arg(long, env = "WEB_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub web_allowed_origins: Vec<String>,
    /// Key for signing share links; unset: a random key kept in the database.
    #[arg(long, env = "WEB_SHARE_SECRET", hide = true, hide_env_values = true)]
    pub web_share_secret: Option<Secret>,
    /// The built web page (index.html + assets/); default `web/dist` of the working directory or the source tree.
    #[arg(long, env = "WEB_DIST_DIR")]
    pub web_dist_dir: Option<std::path::PathBuf>,
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

/// Slack settings beyond the credentials above.
#[derive(Debug, Clone, Args)]
pub struct SlackArgs {
    /// Base URL of the Slack Web API (no trailing slash); tests point it at a loopback fake.
    #[arg(long, env = "SLACK_API_URL", default_value = "https://slack.com/api")]
    pub slack_api_url: String,
}

/// Discord settings beyond the token above.
#[derive(Debug, Clone, Args)]
pub struct DiscordArgs {
    /// Register the slash commands in this server only (instant, for development); unset registers them globally.
    #[arg(long, env = "DISCORD_GUILD_ID")]
    pub discord_guild_id: Option<u64>,
    /// Number of gateway shards; unset uses the number Discord recommends.
    #[arg(long, env = "DISCORD_SHARDS")]
    pub discord_shards: Option<u32>,
    /// The shards this instance runs, `first-last` (inclusive) out of DISCORD_SHARDS, to split a large bot across instances; unset runs them all.
    #[arg(long, env = "DISCORD_SHARD_RANGE", requires = "discord_shards")]
    pub discord_shard_range: Option<String>,
    /// Send Discord API calls to this base URL instead of https://discord.com (tests and local fakes only; disables the rate limiter).
    #[arg(long, env = "DISCORD_API_PROXY", hide = true)]
    pub discord_api_proxy: Option<String>,
}

/// The coach's LLM and limits.
#[derive(Debug, Clone, Args)]
pub struct CoachArgs {
    /// Anthropic API key; the coach uses Claude when set.
    #[arg(long, env = "ANTHROPIC_API_KEY", hide = true, hide_env_values = true)]
    pub anthropic_api_key: Option<Secret>,
    /// Anthropic API base URL.
    #[arg(
        long,
        env = "ANTHROPIC_BASE_URL",
        default_value = "https://api.anthropic.com"
    )]
    pub anthropic_base_url: String,
    /// Claude model.
    #[arg(long, env = "ANTHROPIC_MODEL", default_value = "claude-sonnet-4-5")]
    pub anthropic_model: String,
    /// OpenAI-compatible base URL (Ollama, llama.cpp server, vLLM, OpenAI), e.g. http://127.0.0.1:11434/v1; used when no Anthropic key is set.
    #[arg(long, env = "OPENAI_BASE_URL")]
    pub openai_base_url: Option<String>,
    /// API key for the OpenAI-compatible server, if it needs one.
    #[arg(long, env = "OPENAI_API_KEY", hide = true, hide_env_values = true)]
    pub openai_api_key: Option<Secret>,
    /// Model name on the OpenAI-compatible server.
    #[arg(long, env = "OPENAI_MODEL", default_value = "gpt-4o-mini")]
    pub openai_model: String,
    /// Minimum seconds between two coach answers to the same member (0 disables).
    #[arg(long, env = "COACH_COOLDOWN_SECONDS", default_value_t = 5)]
    pub coach_cooldown_seconds: u32,
    /// Tokens one community (Discord server, Slack workspace, the web) may spend per UTC day; unset: unlimited.
    #[arg(long, env = "COACH_DAILY_TOKEN_BUDGET")]
    pub coach_daily_token_budget: Option<u64>,
    /// Estimated context size above which older turns are compacted.
    #[arg(long, env = "COACH_CONTEXT_BUDGET_TOKENS", default_value_t = 60_000)]
    pub coach_context_budget_tokens: usize,
    /// Upper bound on the time spent waiting between retries of one LLM call.
    #[arg(long, env = "COACH_MAX_RETRY_SECONDS", default_value_t = 60)]
    pub coach_max_retry_seconds: u64,
    /// Timeout of one LLM request.
    #[arg(long, env = "COACH_REQUEST_TIMEOUT_SECONDS", default_value_t = 120)]
    pub coach_request_timeout_seconds: u64,
    /// How long a coach turn stays claimed by an instance that stopped renewing it (it
    /// crashed); another instance or a restart takes the turn over after that.
    #[arg(long, env = "COACH_LEASE_SECONDS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(3..))]
    pub coach_lease_seconds: u32,
}

/// Where candidate code runs (issue 14's sandbox).
#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// `auto` (bubblewrap namespaces when user namespaces work, else Landlock + seccomp,
    /// else every run is refused), `bwrap`, `landlock`, `piston` (with PISTON_URL), or
    /// `none` (candidate code runs UNCONFINED; every run says so).
    #[arg(long, env = "SANDBOX", default_value = "auto")]
    pub sandbox: Requested,
    /// Base URL of a self-hosted Piston (e.g. `http://127.0.0.1:2000`), for SANDBOX=piston.
    #[arg(long, env = "PISTON_URL")]
    pub piston_url: Option<String>,
    /// Runs at once; unset: the number of cores.
    #[arg(long, env = "SANDBOX_WORKERS")]
    pub sandbox_workers: Option<usize>,
    /// Runs that may wait for a worker; more are refused with "try again shortly".
    #[arg(long, env = "SANDBOX_QUEUE_MAX", default_value_t = 100)]
    pub sandbox_queue_max: usize,
    /// Runs one member may start per minute (0: no limit).
    #[arg(long, env = "SANDBOX_RUNS_PER_MINUTE", default_value_t = 20)]
    pub sandbox_runs_per_minute: u32,
    /// Where run workspaces are made; unset: `interview-coach-sandbox` in the system's temp directory.
    #[arg(long, env = "SANDBOX_SCRATCH_DIR")]
    pub sandbox_scratch_dir: Option<std::path::PathBuf>,
}

/// The settings that hold secrets, by flag and variable. Their flags are hidden and the
/// binary refuses them (`secret_flag_used`): a command line is readable by every user
/// of the machine (`ps`), so secrets come from the environment or `.env` only. (The
/// flags stay for tests that build the settings in-process.)
pub const SECRET_SETTINGS: [(&str, &str); 8] = [
    ("--discord-token", "DISCORD_TOKEN"),
    ("--slack-bot-token", "SLACK_BOT_TOKEN"),
    ("--slack-app-token", "SLACK_APP_TOKEN"),
    ("--slack-signing-secret", "SLACK_SIGNING_SECRET"),
    ("--web-access-token", "WEB_ACCESS_TOKEN"),
    ("--web-share-secret", "WEB_SHARE_SECRET"),
    ("--anthropic-api-key", "ANTHROPIC_API_KEY"),
    ("--openai-api-key", "OPENAI_API_KEY"),
];

/// The variable to use instead, when `args` (a command line) passes a secret as a flag.
pub fn secret_flag_used<I, S>(args: I) -> Option<&'static str>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    args.into_iter().find_map(|arg| {
        let arg = arg.as_ref().to_string_lossy();
        let flag = arg.split_once('=').map_or(arg.as_ref(), |(flag, _)| flag);
        SECRET_SETTINGS
            .iter()
            .find(|(name, _)| *name == flag)
            .map(|(_, env)| *env)
    })
}

#[cfg(test)]
mod secret_flag_tests {
    use super::*;

    #[test]
    fn a_secret_flag_is_found_in_either_spelling_and_nothing_else_is() {
        assert_eq!(
            secret_flag_used(["ic", "serve", "--anthropic-api-key", "k"]),
            Some("ANTHROPIC_API_KEY")
        );
        assert_eq!(
            secret_flag_used(["ic", "--discord-token=t"]),
            Some("DISCORD_TOKEN")
        );
        assert_eq!(
            secret_flag_used(["ic", "serve", "--bind", "127.0.0.1:1"]),
            None
        );
    }
}
