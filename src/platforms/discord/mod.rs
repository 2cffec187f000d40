//! The Discord platform (poise on serenity, gateway): `/interview start` opens a thread
//! per interview; in the thread, slash commands, buttons and plain messages become
//! engine commands; `/run` and the Run tests button run code on the problem's tests;
//! the outbox posts the coach's answers and the runs' results; a typing indicator shows
//! while the coach works, and a line in the thread while a submission's tests run.
//! Set-up and permissions: README section "Discord".
//!
//! Handlers are thin: parse, turn into an engine `Command` keyed by the Discord id,
//! render. This module must never decide interview rules, call an LLM, touch the store
//! (writes go through the engine, reads through the query door), or mention anyone in
//! coach output.

pub mod auth;
mod commands;
// issue 16: daily
mod daily;
mod daily_post;
mod duel; // issue 16: duel
mod duel_press;
mod events;
pub mod flow;
mod health;
mod ids;
pub mod manifest;
pub mod parse;
mod peer;
mod peer_end;
mod peer_swap;
mod practice;
pub mod render;
mod run;
pub mod run_render;
pub mod send;
pub mod shards;
mod start;
mod submission_runs;
mod typing;

use crate::config::ServeArgs;
use crate::domain::CoachConfig;
use crate::engine::Engine;
use crate::engine::Shutdown;
use crate::engine::outbox::Outbox;
use crate::platforms::Services;
use crate::problems::ProblemBank;
use crate::queries::Queries;
use poise::serenity_prelude as serenity;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// What every command and event handler shares.
pub struct Data {
    /// Writes.
    pub engine: Engine,
    /// Reads.
    pub queries: Queries,
    pub problems: Arc<ProblemBank>,
    /// Recorded in each new interview.
    pub coach: CoachConfig,
    /// Runs code on the problem's tests (`/run`, the Run tests button).
    pub runner: crate::runs::Runner,
    /// Interaction and message ids already handled on this instance, so a redelivery
    /// after a gateway resume is not acknowledged twice. A cache: the engine's
    /// idempotency key is the guarantee.
    pub seen: Seen,
    /// Attached files, downloaded within `DISCORD_DOWNLOAD_TIMEOUT_SECONDS`.
    pub downloads: flow::Downloads,
    /// `DISCORD_HTTP_TIMEOUT_SECONDS`, named when a call ran past it.
    pub http_timeout: std::time::Duration,
    /// How often the daily problem's scheduler looks for a due day (`TIMER_TICK_SECONDS`).
    pub daily_tick: std::time::Duration,
}

/// The gateway intents the bot needs: servers and threads, their messages, and the
/// privileged message-content intent (plain messages in threads are chat).
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT
}

/// A bounded set of recently seen ids.
pub struct Seen {
    inner: Mutex<(VecDeque<u64>, HashSet<u64>)>,
    capacity: usize,
}

impl Seen {
    pub fn new(capacity: usize) -> Seen {
        Seen {
            inner: Mutex::new((VecDeque::new(), HashSet::new())),
            capacity,
        }
    }

    /// True the first time `id` is offered (until it is evicted).
    pub fn first_time(&self, id: u64) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (order, set) = &mut *guard;
        if !set.insert(id) {
            return false;
        }
        order.push_back(id);
        if order.len() > self.capacity
            && let Some(old) = order.pop_front()
        {
            set.remove(&old);
        }
        true
    }
}

/// Starts the Discord adapter when `DISCORD_TOKEN` is set: the gateway client, the
/// outbox and the typing indicator. Its shards close when `shutdown.intake` fires; its
/// outbox posts until the coach is drained and nothing is left (or `shutdown.stop`).
/// A gateway that ends on its own stops the service's intake too.
pub fn start(services: Services, args: &ServeArgs, shutdown: Shutdown) -> Option<JoinHandle<()>> {
    let token = args.discord_token.as_ref()?.expose().to_string();
    let settings = args.discord.clone();
    let readiness = services.readiness.clone();
    // Under shard leases an instance may rightly run no shard (more instances than
    // shards), so readiness does not wait for one.
    if !settings.discord_shard_leases {
        readiness.expect_discord();
    }
    let data = Data {
        engine: services.engine,
        queries: services.queries,
        problems: services.problems,
        coach: services.coach,
        runner: services.runner,
        seen: Seen::new(4096),
        downloads: flow::Downloads::new(args.discord.download_timeout()),
        http_timeout: args.discord.http_timeout(),
        daily_tick: std::time::Duration::from_secs(args.timer_tick_seconds),
    };
    Some(tokio::spawn(async move {
        if let Err(e) = run(token, settings, data, readiness, shutdown).await {
            tracing::error!("Discord stopped: {e:#}");
        }
    }))
}

async fn run(
    token: String,
    settings: crate::config::DiscordArgs,
    data: Data,
    readiness: crate::telemetry::Readiness,
    shutdown: Shutdown,
) -> Result<(), Error> {
    let engine = data.engine.clone();
    // issue 16: daily
    let daily_view = data.queries.daily_view();
    let daily_candidates = crate::practice::daily::candidates(&data.problems);
    let daily_tick = data.daily_tick;
    // issue 16: duel
    let (duel_bank, duel_board) = (data.problems.clone(), data.queries.duel_board());
    let guild = settings.discord_guild_id.map(serenity::GuildId::new);
    let framework = framework(data, guild);
    let builder =
        serenity::ClientBuilder::new_with_http(http(&token, &settings).build(), intents());
    // Shards shared through leases start one by one under the coordinator, which
    // hands the framework to each; otherwise the client starts them all at once.
    let leased = settings
        .discord_shard_leases
        .then_some(settings.discord_shards)
        .flatten();
    let (mut client, framework) = match leased {
        Some(_) => (builder.await?, Some(framework)),
        None => (builder.framework(framework).await?, None),
    };
    let http = client.http.clone();
    let outbox = Arc::new(Outbox::new(
        engine.clone(),
        Arc::new(send::DiscordOutlet { http: http.clone() }),
    ));
    // issue 16: daily. Posts each due day through this outbox; stops with the intake.
    let daily = tokio::spawn(
        crate::engine::daily::DailyScheduler::new(
            engine.clone(),
            daily_view,
            daily_candidates,
            crate::domain::Platform::Discord,
            outbox.clone(),
        )
        .every(daily_tick)
        .run(shutdown.intake.clone()),
    );
    let outbox = tokio::spawn(outbox.run(shutdown.clone()));
    // issue 16: duel news (start, result) through the duel outbox.
    let herald = Arc::new(duel::DiscordHerald {
        http: http.clone(),
        problems: duel_bank,
    });
    let news = crate::engine::duel_news::DuelNews::new(engine.clone(), herald, duel_board);
    tokio::spawn(Arc::new(news).run(shutdown.stop.clone()));
    // Typing shows a turn at work: pointless once the coach has drained.
    let lines = tokio::spawn(submission_runs::run(
        engine.clone(),
        http.clone(),
        shutdown.drained.clone(),
    ));
    let typing = tokio::spawn(typing::run(engine.clone(), http, shutdown.drained.clone()));
    let result = match (framework, leased) {
        (Some(framework), Some(total)) => {
            let intake = shutdown.intake.clone();
            Ok(run_leased(&client, framework, engine, total, readiness, intake).await)
        }
        _ => {
            let shards = client.shard_manager.clone();
            let intake = shutdown.intake.clone();
            tokio::spawn(health::watch(shards.clone(), readiness, intake.clone()));
            tokio::spawn(async move {
                intake.cancelled().await;
                shards.shutdown_all().await;
            });
            run_shards(&mut client, &settings)
                .await
                .map(|r| r.map_err(gateway_error))
        }
    };
    // The gateway ended: at shutdown, or on its own, which stops the service's intake.
    shutdown.intake.cancel();
    let result = result?;
    let _ = daily.await;
    let _ = outbox.await;
    let _ = typing.await;
    let _ = lines.await;
    result
}

/// Runs this instance's share of `total` shards through the shard leases
/// (`DISCORD_SHARD_LEASES`) until `cancel` (the service's intake) fires.
async fn run_leased(
    client: &serenity::Client,
    mut framework: poise::Framework<Data, Error>,
    engine: Engine,
    total: u32,
    readiness: crate::telemetry::Readiness,
    cancel: CancellationToken,
) -> Result<(), Error> {
    use serenity::Framework as _;
    framework.init(client).await;
    let gateway = shards::Gateway::new(client, Arc::new(framework), total);
    let max_concurrency = match client.http.get_bot_gateway().await {
        Ok(bot) => u32::try_from(bot.session_start_limit.max_concurrency).unwrap_or(1),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read Discord's IDENTIFY buckets; assuming one");
            1
        }
    };
    let sharding = shards::Sharding {
        total,
        max_concurrency: max_concurrency.max(1),
    };
    shards::run(engine, gateway, sharding, readiness, cancel)
        .await
        .map_err(|e| gateway_error(serenity::Error::Gateway(e)))
}

/// The REST client, through the proxy when one is configured. Every call, connecting
/// included, is bounded by `DISCORD_HTTP_TIMEOUT_SECONDS` (serenity's own client has no
/// timeout): a call past it fails as a network error, which the outbox retries.
fn http(token: &str, settings: &crate::config::DiscordArgs) -> serenity::HttpBuilder {
    let timeout = settings.http_timeout();
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(timeout)
        .connect_timeout(crate::config::connect_timeout(timeout))
        .build()
        .unwrap_or_default();
    let http = serenity::HttpBuilder::new(token).client(client);
    match &settings.discord_api_proxy {
        // Tests and local fakes only: serenity applies the proxy only without its
        // rate limiter.
        Some(proxy) => http.proxy(proxy.clone()).ratelimiter_disabled(true),
        None => http,
    }
}

/// The poise framework: every command, the event handler, one `on_error`, no mentions;
/// on connecting it registers the commands (in `guild`, else globally).
fn framework(data: Data, guild: Option<serenity::GuildId>) -> poise::Framework<Data, Error> {
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            event_handler: |framework, event| {
                Box::pin(events::handle(
                    framework.serenity_context,
                    event,
                    framework.user_data,
                ))
            },
            on_error: |error| Box::pin(on_error(error)),
            allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
            initialize_owners: false,
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match guild {
                    Some(g) => poise::builtins::register_in_guild(ctx, commands, g).await?,
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                tracing::info!(bot = %ready.user.name, guild = ?guild, "Discord connected; commands registered");
                Ok(data)
            })
        })
        .build()
}

/// Connects the shards the settings name and runs until they stop. The outer error is
/// a bad shard range, the inner the gateway's.
async fn run_shards(
    client: &mut serenity::Client,
    settings: &crate::config::DiscordArgs,
) -> Result<Result<(), serenity::Error>, Error> {
    let range = match (&settings.discord_shard_range, settings.discord_shards) {
        (Some(range), Some(total)) => Some(shard_range(range, total).map_err(anyhow::Error::msg)?),
        _ => None,
    };
    Ok(match (range, settings.discord_shards) {
        (Some((first, last)), Some(total)) => client.start_shard_range(first..last, total).await,
        (_, Some(n)) => client.start_shards(n).await,
        (_, None) => client.start_autosharded().await,
    })
}

fn gateway_error(e: serenity::Error) -> Error {
    match e {
        serenity::Error::Gateway(serenity::GatewayError::DisallowedGatewayIntents) => {
            anyhow::anyhow!(
                "Discord refused the message-content intent: enable \"Message Content Intent\" \
                 under Bot in the developer portal"
            )
        }
        e => anyhow::Error::new(e).context("Discord gateway failed"),
    }
}

/// Parses `DISCORD_SHARD_RANGE` (`first-last`, inclusive) against the shard total.
pub fn shard_range(range: &str, total: u32) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "DISCORD_SHARD_RANGE must be `first-last` within 0-{}, got {range:?}",
            total.saturating_sub(1)
        )
    };
    let (first, last) = range.split_once('-').ok_or_else(bad)?;
    let first: u32 = first.trim().parse().map_err(|_| bad())?;
    let last: u32 = last.trim().parse().map_err(|_| bad())?;
    if first > last || last >= total {
        return Err(bad());
    }
    Ok((first, last))
}

/// One place answers every unexpected failure: logged in full, a short private note to
/// the member.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::warn!(
                command = %ctx.command().name,
                "Discord command failed: {error:#}"
            );
            let reply = poise::CreateReply::default()
                .content(command_failure(&error))
                .ephemeral(true);
            let _ = ctx.send(reply).await;
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::warn!(
                event = event.snake_case_name(),
                "Discord event failed: {error:#}"
            );
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::warn!(error = %e, "cannot report a Discord error");
            }
        }
    }
}

/// What a member is told when their command failed: a Discord call that timed out is
/// named as such (a passing fault, not a permission problem).
fn command_failure(error: &Error) -> &'static str {
    if timed_out(error) {
        "Discord did not answer in time; please try again in a moment."
    } else {
        "Something went wrong on my side; please try again in a moment."
    }
}

/// Whether `error` is (or was caused by) a Discord REST call that timed out.
pub fn timed_out(error: &Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<serenity::Error>(),
            Some(serenity::Error::Http(serenity::HttpError::Request(e))) if e.is_timeout()
        ) || cause
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_range_is_inclusive_and_within_the_total() {
        assert_eq!(shard_range("0-3", 8), Ok((0, 3)));
        assert_eq!(shard_range("4-7", 8), Ok((4, 7)));
        assert!(shard_range("4-8", 8).is_err());
        assert!(shard_range("3-1", 8).is_err());
        assert!(shard_range("two", 8).is_err());
    }

    #[tokio::test]
    async fn a_command_that_failed_on_a_discord_timeout_says_so_and_nothing_else_does() {
        // A listener that accepts and never answers: the client's timeout ends the call.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(200))
            .build()
            .unwrap();
        let err = client.get(url).send().await.expect_err("it times out");
        let err = anyhow::Error::from(serenity::Error::Http(serenity::HttpError::Request(err)));
        assert!(timed_out(&err));
        assert!(command_failure(&err).contains("did not answer in time"));
        let other = anyhow::Error::from(serenity::Error::Other("boom"));
        assert!(!timed_out(&other));
        assert!(command_failure(&other).contains("Something went wrong"));
        drop(listener);
    }

    #[test]
    fn seen_ids_are_refused_until_evicted() {
        let seen = Seen::new(2);
        assert!(seen.first_time(1));
        assert!(!seen.first_time(1));
        assert!(seen.first_time(2));
        assert!(seen.first_time(3));
        assert!(seen.first_time(1), "1 was evicted");
    }
}
