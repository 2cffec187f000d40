//! Configuration: one clap struct per command, every flag with an environment
//! fallback (and `.env` read by `main`). Secrets are held in [`Secret`], whose `Debug`
//! and `Display` never show the value.

use crate::sandbox::Requested;
use crate::store::{StoreOptions, Synchronous};
use crate::telemetry::logs::LogFormat;
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
    /// Log lines on stderr: `text` (for people) or `json` (one object per line, with the
    /// interview's span fields, for log shippers).
    #[arg(long, env = "LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,
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
    /// Run code on a bank problem's examples and hidden tests (or on --input) in the
    /// sandbox and print the verdicts as JSON; exits non-zero when a case does not pass.
    Judge(JudgeArgs),
    /// Replay the golden set through the real coach path (a temporary SQLite log, the
    /// configured LLM, the sandbox) and write Markdown and JSON reports; exits non-zero
    /// when a threshold of eval/thresholds.toml is missed.
    Eval(Box<EvalArgs>),
    /// Grade an ended interview's analyses and summary again with today's prompt and
    /// model, and print old and new side by side; appends nothing unless --record.
    Regrade(Box<RegradeArgs>),
    /// Discord helpers.
    #[command(subcommand)]
    Discord(DiscordCmd),
    /// Share links of the web page.
    #[command(subcommand)]
    Share(ShareCmd),
}

#[derive(Debug, Subcommand)]
pub enum ShareCmd {
    /// Revoke one share link: it opens nothing from now on (other links stay open).
    Revoke {
        /// The link as shared (`https://host/share/<token>`), its `/share/...` path or the token.
        link: String,
        /// The key the link was signed with, when the service runs with one (environment only).
        #[arg(long, env = "WEB_SHARE_SECRET", hide = true, hide_env_values = true)]
        web_share_secret: Option<Secret>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct JudgeArgs {
    /// The bank problem's id, e.g. `two-sum`.
    #[arg(long)]
    pub problem: String,
    /// python, javascript, java or cpp.
    #[arg(long)]
    pub language: String,
    /// The file holding the code.
    pub file: std::path::PathBuf,
    /// A custom input instead of the examples and tests: a JSON object of the problem's
    /// arguments, e.g. '{"nums": [1, 2], "target": 3}'. Its output is shown, not checked.
    #[arg(long)]
    pub input: Option<String>,
    /// After the tests pass, also measure how the code's time grows with the input size
    /// (within COMPLEXITY_BUDGET_SECONDS).
    #[arg(long)]
    pub complexity: bool,
    /// Where candidate code runs: the service's own sandbox settings (`SANDBOX`, ...).
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// `interview-coach eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// The golden set: a folder of transcripts (`eval/` or `eval/set/`).
    #[arg(long, default_value = "eval")]
    pub set: std::path::PathBuf,
    /// How many times each transcript is replayed.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Which configured LLM answers: `anthropic` (ANTHROPIC_API_KEY) or `openai`
    /// (OPENAI_BASE_URL); default: the one the service would use.
    #[arg(long, value_parser = ["anthropic", "openai"])]
    pub provider: Option<String>,
    /// The JSON report; the Markdown one is written beside it (`.md`).
    #[arg(long, default_value = "eval-report.json")]
    pub out: std::path::PathBuf,
    /// The thresholds (default: `thresholds.toml` in the set's folder).
    #[arg(long)]
    pub thresholds: Option<std::path::PathBuf>,
    /// Only the transcripts whose id contains this text.
    #[arg(long)]
    pub only: Option<String>,
    #[command(flatten)]
    pub coach: CoachArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// `interview-coach regrade`.
#[derive(Debug, Clone, Args)]
pub struct RegradeArgs {
    /// The interview id (or stream id) of an ended interview in DATABASE_URL's log.
    pub id: String,
    /// How many times each analysis and the summary is graded again (the spread of the
    /// new figures is shown).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub repeat: u32,
    /// Append the new figures to the interview's log as one `Regraded` event, shown
    /// beside the originals (once per prompt version and model).
    #[arg(long)]
    pub record: bool,
    /// Which configured LLM answers: `anthropic` or `openai`; default: the service's.
    #[arg(long, value_parser = ["anthropic", "openai"])]
    pub provider: Option<String>,
    #[command(flatten)]
    pub coach: CoachArgs,
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
    /// Where the event log lives: `sqlite://path/file.db` (created if missing) or
    /// `postgres://...`. From the environment only: a Postgres URL may hold a password.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/interview-coach.db",
        global = true,
        hide = true,
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
    /// Postgres only: the longest one SQL statement may run (`statement_timeout`, set on
    /// every connection); a statement past it fails as a timeout.
    #[arg(
        long,
        env = "DATABASE_STATEMENT_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub database_statement_timeout_seconds: u64,
    /// Postgres only: the longest a connection may take to open, or to be had from the pool.
    #[arg(
        long,
        env = "DATABASE_CONNECT_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub database_connect_timeout_seconds: u64,
}

impl DatabaseArgs {
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            synchronous: self.sqlite_synchronous,
            max_connections: self.database_max_connections,
            statement_timeout: std::time::Duration::from_secs(
                self.database_statement_timeout_seconds,
            ),
            connect_timeout: std::time::Duration::from_secs(self.database_connect_timeout_seconds),
            ..StoreOptions::default()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address of the web UI, API and health endpoint.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,
    /// A separate listener serving `GET /metrics` (Prometheus text format) and nothing
    /// else, e.g. `127.0.0.1:9100`; unset: no metrics are kept or served. BIND_ADDR never
    /// serves them, so they never reach the public web page's address.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
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
    /// How long a claim on work (a coach turn, a chat delivery) lasts without renewal
    /// (default 10; renewed every third of it while the work runs): a crashed
    /// instance's work is taken over this soon.
    #[arg(long, env = "LEASE_SECONDS", value_parser = clap::value_parser!(u32).range(3..))]
    pub lease_seconds: Option<u32>,
    /// On SIGTERM, how long the coach's running turns and the last deliveries may take
    /// before the service stops anyway (their claims are then released at once).
    #[arg(long, env = "SHUTDOWN_DEADLINE_SECONDS", default_value_t = 20)]
    pub shutdown_deadline_seconds: u32,
    #[command(flatten)]
    pub limits: LimitArgs,
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
    /// Days a new share link opens before it expires (it can be revoked sooner).
    #[arg(long, env = "WEB_SHARE_TTL_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub web_share_ttl_days: u32,
    /// Minutes without a candidate event after which a web interview ends as abandoned
    /// (and gets its summary); 0: web interviews never end by themselves.
    #[arg(long, env = "WEB_IDLE_END_MINUTES", default_value_t = 120)]
    pub web_idle_end_minutes: u32,
    /// How often the timers look for due deadlines and abandoned web interviews.
    #[arg(long, env = "TIMER_TICK_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub timer_tick_seconds: u64,
    /// The least time between the starts of two projector rounds while appends keep
    /// coming (milliseconds; an append after a quiet spell is folded at once).
    #[arg(long, env = "PROJECTOR_GATHER_MS", default_value_t = 200, hide = true)]
    pub projector_gather_ms: u64,
    /// The built web page (index.html + assets/); default `web/dist` of the working directory or the source tree.
    #[arg(long, env = "WEB_DIST_DIR")]
    pub web_dist_dir: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// The length of a claim on work: LEASE_SECONDS, else COACH_LEASE_SECONDS, else 10 s.
    pub fn lease(&self) -> chrono::Duration {
        self.lease_seconds
            .or(self.coach.coach_lease_seconds)
            .map_or(crate::engine::DEFAULT_LEASE, |s| {
                chrono::Duration::seconds(i64::from(s))
            })
    }

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
    /// The longest one Slack Web API call (or file download) may take, connecting
    /// included; then it fails as a transient fault and is retried where the call is.
    #[arg(long, env = "SLACK_API_TIMEOUT_SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub slack_api_timeout_seconds: u64,
}

impl SlackArgs {
    /// The bound on one Web API call.
    pub fn api_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.slack_api_timeout_seconds)
    }
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
    /// Share the DISCORD_SHARDS shards among the running instances through leases in the database: each runs about its share, and a dead instance's shards are taken over within about LEASE_SECONDS.
    #[arg(
        long,
        env = "DISCORD_SHARD_LEASES",
        default_value_t = false,
        action = clap::ArgAction::Set,
        requires = "discord_shards",
        conflicts_with = "discord_shard_range"
    )]
    pub discord_shard_leases: bool,
    /// Send Discord API calls to this base URL instead of https://discord.com (tests and local fakes only; disables the rate limiter).
    #[arg(long, env = "DISCORD_API_PROXY", hide = true)]
    pub discord_api_proxy: Option<String>,
    /// The longest one Discord REST call may take, connecting included; then it fails as
    /// a transient fault and is retried where the call is (the outbox, a reply).
    #[arg(long, env = "DISCORD_HTTP_TIMEOUT_SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub discord_http_timeout_seconds: u64,
    /// The longest the download of an attached source file (`/submit file:`, a file
    /// dropped in the thread) may take; the member is then told it timed out.
    #[arg(long, env = "DISCORD_DOWNLOAD_TIMEOUT_SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub discord_download_timeout_seconds: u64,
}

impl DiscordArgs {
    /// The bound on one REST call.
    pub fn http_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.discord_http_timeout_seconds)
    }

    /// The bound on one attachment download.
    pub fn download_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.discord_download_timeout_seconds)
    }
}

/// The async runtime's worker threads when `TOKIO_WORKER_THREADS` is not set (tokio
/// reads that variable itself): half the cores, at least one. The rest is left to the
/// threads the service blocks on beside its async work: one per SQLite connection (its
/// statements and the writer's fsyncs) and the blocking pool. On the 2-core VM one
/// worker spent about a tenth less CPU per coach turn than two, the same work without
/// the wake-ups between two parked workers (web load bench, `BENCHMARKS.md`).
pub fn async_workers() -> Option<usize> {
    if std::env::var_os("TOKIO_WORKER_THREADS").is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    Some(cores.div_ceil(2))
}

/// The connect timeout of an outside HTTP client whose whole request may take `total`:
/// at most 10 s, never more than the request itself.
pub fn connect_timeout(total: std::time::Duration) -> std::time::Duration {
    total.min(std::time::Duration::from_secs(10))
}

/// Limits on slow, greedy and spending clients of the HTTP server and the web platform.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Seconds a connection has to send a whole request head, counted from its opening or
    /// from its previous response (so an idle keep-alive connection also closes then).
    #[arg(long, env = "HTTP_HEADER_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub http_header_timeout_seconds: u64,
    /// Seconds without a byte read or written after which an HTTP connection is closed
    /// (a request body or a response that stalls); WebSockets are watched by pings instead.
    #[arg(long, env = "HTTP_IDLE_TIMEOUT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub http_idle_timeout_seconds: u64,
    /// Open connections (HTTP and WebSocket) served at once; further ones are closed at accept.
    #[arg(long, env = "HTTP_MAX_CONNECTIONS", default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..))]
    pub http_max_connections: u32,
    /// Open connections from one client address (an IPv6 /64 counts as one) at once; 0: no cap.
    #[arg(long, env = "HTTP_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 64)]
    pub http_max_connections_per_address: u32,
    /// Seconds between WebSocket pings; a socket whose pong has not come by the next ping is closed.
    #[arg(long, env = "WS_PING_SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub ws_ping_seconds: u64,
    /// Web interviews one client address may start per hour; 0: no limit.
    #[arg(long, env = "WEB_START_RATE_PER_HOUR", default_value_t = 10)]
    pub web_start_rate_per_hour: u32,
    /// Coach turns (explanation, code, message, hint, retry) one client address may ask for per minute on the web; 0: no limit.
    #[arg(long, env = "WEB_TURN_RATE_PER_MINUTE", default_value_t = 20)]
    pub web_turn_rate_per_minute: u32,
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
    /// How structured turns (analysis, summary) ask an OpenAI-compatible server for JSON: `json-schema` (response_format), `tools` (a forced function call), or `auto` (the schema, then function calls once the server refuses it).
    #[arg(long, env = "OPENAI_STRUCTURED_OUTPUT", value_enum, default_value_t = StructuredOutput::Auto)]
    pub openai_structured_output: StructuredOutput,
    /// OpenAI's `frequency_penalty` (-2.0 to 2.0) on text turns (hints, feedback, chat), so a small local model stops repeating itself; unset: not sent (some hosted models refuse it).
    #[arg(long, env = "OPENAI_FREQUENCY_PENALTY", value_parser = crate::coach::llm::sampling::parse_penalty)]
    pub openai_frequency_penalty: Option<f32>,
    /// OpenAI's `presence_penalty` (-2.0 to 2.0) on text turns; unset: not sent.
    #[arg(long, env = "OPENAI_PRESENCE_PENALTY", value_parser = crate::coach::llm::sampling::parse_penalty)]
    pub openai_presence_penalty: Option<f32>,
    /// A JSON object of further fields for text turns, in the server's own dialect, e.g. llama.cpp's `{"repeat_penalty": 1.3}`; unset: none. It may not set a field the client writes (model, messages, max_tokens...).
    #[arg(long, env = "OPENAI_EXTRA_BODY", value_parser = crate::coach::llm::sampling::parse_extra_body)]
    pub openai_extra_body: Option<serde_json::Map<String, serde_json::Value>>,
    /// How many more times a text turn (hint, feedback, chat) is asked when the OpenAI-compatible server's reply is cut by the token limit or caught in a loop, each try within the turn's deadline (a small local model ends a reply by chance); Claude gets one.
    #[arg(long, env = "OPENAI_UNFIT_RETRIES", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub openai_unfit_retries: u32,
    /// Minimum seconds between two coach answers to the same member (0 disables).
    #[arg(long, env = "COACH_COOLDOWN_SECONDS", default_value_t = 5)]
    pub coach_cooldown_seconds: u32,
    /// Tokens one community (Discord server, Slack workspace, the web) may spend per UTC day; unset: unlimited.
    #[arg(long, env = "COACH_DAILY_TOKEN_BUDGET")]
    pub coach_daily_token_budget: Option<u64>,
    /// Estimated context size above which older turns are compacted.
    #[arg(long, env = "COACH_CONTEXT_BUDGET_TOKENS", default_value_t = 60_000)]
    pub coach_context_budget_tokens: usize,
    /// The most one coach turn may wait on the LLM, requests and retry pauses together
    /// (default 90); then the member is told and offered Retry.
    #[arg(long, env = "COACH_TURN_DEADLINE_SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub coach_turn_deadline_seconds: Option<u64>,
    /// Deprecated name of COACH_TURN_DEADLINE_SECONDS, still accepted (which wins when both are set).
    #[arg(long, env = "COACH_MAX_RETRY_SECONDS", hide = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub coach_max_retry_seconds: Option<u64>,
    /// Timeout of one LLM request.
    #[arg(long, env = "COACH_REQUEST_TIMEOUT_SECONDS", default_value_t = 120)]
    pub coach_request_timeout_seconds: u64,
    /// The longest connecting to the LLM provider may take (a try that fails so is retried).
    #[arg(long, env = "COACH_CONNECT_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub coach_connect_timeout_seconds: u64,
    /// The longest the LLM provider may go without sending a byte, its answer or a
    /// streamed piece of it (a try that stalls so is retried).
    #[arg(long, env = "COACH_IDLE_TIMEOUT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub coach_idle_timeout_seconds: u64,
    /// LLM calls in flight at once on this instance; further turns wait in order (the
    /// member sees "queued").
    #[arg(long, env = "COACH_MAX_CONCURRENCY", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub coach_max_concurrency: u32,
    /// Deprecated name of LEASE_SECONDS, still accepted (LEASE_SECONDS wins when both are set).
    #[arg(long, env = "COACH_LEASE_SECONDS", hide = true, value_parser = clap::value_parser!(u32).range(3..))]
    pub coach_lease_seconds: Option<u32>,
}

impl CoachArgs {
    /// The most one coach turn may wait on the LLM.
    pub fn turn_deadline(&self) -> std::time::Duration {
        let secs = self
            .coach_turn_deadline_seconds
            .or(self.coach_max_retry_seconds)
            .unwrap_or(90);
        std::time::Duration::from_secs(secs)
    }
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
    /// Seconds of calls spent measuring the time complexity of a submission that passed
    /// its tests (0: not measured).
    #[arg(long, env = "COMPLEXITY_BUDGET_SECONDS", default_value_t = 3.0)]
    pub complexity_budget_seconds: f64,
}

impl SandboxArgs {
    /// The complexity measurement's settings; `None` when it is off.
    pub fn complexity(&self) -> Option<crate::judge::complexity::Settings> {
        let seconds = self.complexity_budget_seconds;
        (seconds.is_finite() && seconds > 0.0).then(|| crate::judge::complexity::Settings {
            budget: std::time::Duration::from_secs_f64(seconds.min(60.0)),
            ..Default::default()
        })
    }
}

/// The settings that hold secrets, by flag and variable. Their flags are hidden and the
/// binary refuses them (`secret_flag_used`): a command line is readable by every user
/// of the machine (`ps`), so secrets come from the environment or `.env` only. (The
/// flags stay for tests that build the settings in-process.)
pub const SECRET_SETTINGS: [(&str, &str); 9] = [
    ("--database-url", "DATABASE_URL"),
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
            secret_flag_used(["ic", "--database-url", "postgres://u:p@h/d", "migrate"]),
            Some("DATABASE_URL")
        );
        assert_eq!(
            secret_flag_used(["ic", "serve", "--bind", "127.0.0.1:1"]),
            None
        );
    }
}

#[cfg(test)]
mod discord_shard_tests {
    use super::*;

    fn discord(flags: &[&str]) -> Result<DiscordArgs, clap::Error> {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            discord: DiscordArgs,
        }
        Only::try_parse_from(std::iter::once("ic").chain(flags.iter().copied())).map(|o| o.discord)
    }

    #[test]
    fn shard_leases_need_the_shard_count_and_exclude_a_static_range() {
        let leased = discord(&["--discord-shards", "4", "--discord-shard-leases", "true"]);
        assert!(leased.is_ok_and(|d| d.discord_shard_leases));
        assert!(discord(&["--discord-shards", "4"]).is_ok_and(|d| !d.discord_shard_leases));
        assert!(discord(&[]).is_ok_and(|d| !d.discord_shard_leases));
        assert!(discord(&["--discord-shard-leases", "true"]).is_err());
        let both = [
            "--discord-shards",
            "4",
            "--discord-shard-range",
            "0-1",
            "--discord-shard-leases",
            "true",
        ];
        assert!(discord(&both).is_err());
    }
}

/// How a structured turn asks an OpenAI-compatible server for its JSON
/// (`OPENAI_STRUCTURED_OUTPUT`; see `coach::llm::openai`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StructuredOutput {
    /// A JSON schema first; function calls after the server refuses it once.
    #[default]
    Auto,
    /// Always `response_format: {"type": "json_schema", ...}`.
    JsonSchema,
    /// Always a forced function call (`tools` + `tool_choice`).
    Tools,
}
