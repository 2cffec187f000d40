//! The running service: `App::build` opens the store, binds the HTTP listener and
//! reports the real port; `run_until_stopped` runs the feed, the projector and the HTTP
//! server until the shutdown future resolves, then drains them. Tests and the binary
//! start exactly this.

use crate::coach::{self, Coach, llm::TokioSleeper};
use crate::config::{DatabaseArgs, ServeArgs, platform_status};
use crate::engine::{Clock, Engine};
use crate::http;
use crate::platforms::Services;
use crate::platforms::web::{self, ShareKey, Web};
use crate::ports::{Storage, StoreError};
use crate::problems::ProblemBank;
use crate::projections;
use crate::queries::Queries;
use crate::runs::Runner;
use crate::sandbox::{self, Pool, PoolSettings, SandboxError};
use crate::server;
use crate::store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("HTTP server failed: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Web(#[from] web::WebError),
    #[error(transparent)]
    Problems(#[from] crate::problems::BankError),
    #[error("sandbox: {0}")]
    Sandbox(#[from] SandboxError),
}

pub struct App {
    listener: TcpListener,
    /// The store itself: only the wiring holds it (for its name and its wake-ups).
    store: Arc<dyn Storage>,
    /// The engine, the query door, the problem bank and the coach's configuration,
    /// built once here and handed to every platform.
    services: Services,
    args: ServeArgs,
    /// Signs share links; kept in the database unless WEB_SHARE_SECRET is set.
    share_key: ShareKey,
    /// Answers pending turns from the log.
    coach: Arc<Coach>,
    /// Where candidate code runs, through the bounded pool; drained at shutdown.
    pool: Pool,
}

/// The key of share links: `WEB_SHARE_SECRET`'s when it is set, else the random one
/// kept in the database (created on first use), which every instance and the CLI share.
pub async fn share_key(
    store: &dyn Storage,
    configured: Option<ShareKey>,
) -> Result<ShareKey, StoreError> {
    match configured {
        Some(key) => Ok(key),
        None => Ok(ShareKey::from_stored(
            &store
                .secret_or_insert(web::share::SECRET_NAME, &ShareKey::new_stored_secret())
                .await?,
        )),
    }
}

impl App {
    /// Open and migrate the database, bring the read models up to date, and bind.
    pub async fn build(
        db: &DatabaseArgs,
        args: ServeArgs,
        clock: Arc<dyn Clock>,
    ) -> Result<App, AppError> {
        let store = store::connect(db.database_url.expose(), &db.store_options()).await?;
        Self::with_store(store, args, clock).await
    }

    pub async fn with_store(
        store: Arc<dyn Storage>,
        args: ServeArgs,
        clock: Arc<dyn Clock>,
    ) -> Result<App, AppError> {
        web::check_bind(&args)?;
        projections::catch_up(store.as_ref()).await?;
        let listener = TcpListener::bind(args.bind)
            .await
            .map_err(|source| AppError::Bind {
                addr: args.bind,
                source,
            })?;
        let share_key = share_key(store.as_ref(), ShareKey::configured(&args)).await?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let engine = Engine::new(store.clone(), clock)
            .with_lease_ttl(args.lease())
            .with_instance(format!("{}:{port}", hostname()));
        let queries = Queries::new(store.clone());
        let problems = Arc::new(ProblemBank::load_default()?);
        let (llm, settings) = coach::setup::from_args(&args.coach);
        let pool = sandbox_pool(&args.sandbox).await?;
        let runner = Runner::new(engine.clone(), pool.clone(), problems.clone());
        let services = Services {
            engine: engine.clone(),
            queries: queries.clone(),
            problems: problems.clone(),
            coach: settings.config(),
            runner: runner.clone(),
        };
        let coach = Arc::new(
            Coach::new(
                engine,
                queries,
                llm,
                settings,
                Arc::new(TokioSleeper),
                problems,
            )
            .with_runner(runner),
        );
        Ok(App {
            listener,
            store,
            services,
            args,
            share_key,
            coach,
            pool,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn engine(&self) -> &Engine {
        &self.services.engine
    }

    /// The sandbox pool candidate code runs through.
    pub fn sandbox(&self) -> &Pool {
        &self.pool
    }

    /// Serve until `shutdown` resolves; then stop accepting, stop background tasks and
    /// wait for them.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), AppError> {
        let cancel = CancellationToken::new();
        log_platforms(&self.args);
        let tasks = self.spawn_background(&cancel).await?;
        let addr = self.listener.local_addr().map_err(AppError::Serve)?;
        tracing::info!(%addr, backend = self.store.backend(), "serving");
        let closing = cancel.child_token();
        let web = Web::start(
            self.services.clone(),
            &self.args,
            self.share_key,
            closing.clone(),
        );
        let slack = crate::platforms::slack::start(&self.services, &self.args, cancel.clone());
        let router = http::router(
            self.services.queries.clone(),
            web,
            crate::platforms::slack::router(slack.as_ref()),
        );
        let pool = self.pool.clone();
        let shutdown = async move {
            shutdown.await;
            // No run starts once the shutdown begins; running ones finish.
            pool.drain();
        };
        let limits = server::Limits::from_args(&self.args.limits);
        let result = serve(
            self.listener,
            router,
            limits,
            shutdown,
            cancel.clone(),
            closing,
        )
        .await;
        self.pool.drain();
        cancel.cancel();
        tasks.stopped(slack).await;
        // Claims still held (a turn that outlived the drain) are given up now, so
        // another instance takes the work over at once instead of after a lease.
        self.services.engine.release_claims().await;
        tracing::info!("stopped");
        result
    }

    /// Starts the feed, the projector, the coach, the timers and Discord.
    async fn spawn_background(&self, cancel: &CancellationToken) -> Result<Background, AppError> {
        let engine = &self.services.engine;
        let feed = engine.spawn_feed(cancel.clone()).await?;
        let projector = tokio::spawn(run_projector(
            self.store.clone(),
            self.services.queries.clone(),
            cancel.clone(),
        ));
        let coach = tokio::spawn(self.coach.clone().run(cancel.clone()));
        let timers =
            tokio::spawn(crate::engine::timer::Timers::new(engine.clone()).run(cancel.clone()));
        let discord =
            crate::platforms::discord::start(self.services.clone(), &self.args, cancel.clone());
        Ok(Background {
            feed,
            projector,
            coach,
            timers,
            discord,
        })
    }
}

/// This machine's name, for naming the instance's claims.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// The sandbox the settings ask for (`SANDBOX`, `PISTON_URL`, `SANDBOX_SCRATCH_DIR`),
/// with the warnings to show; the service and `interview-coach judge` both choose here.
pub async fn choose_sandbox(
    args: &crate::config::SandboxArgs,
) -> Result<sandbox::Choice, SandboxError> {
    let scratch = args
        .sandbox_scratch_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("interview-coach-sandbox"));
    sandbox::choose(args.sandbox, scratch, args.piston_url.as_deref()).await
}

/// Chooses the sandbox from the settings, logs the isolation it gives (and any
/// warning), and wraps it in the pool.
async fn sandbox_pool(args: &crate::config::SandboxArgs) -> Result<Pool, AppError> {
    let choice = choose_sandbox(args).await?;
    for warning in &choice.warnings {
        tracing::warn!("sandbox: {warning}");
    }
    let defaults = PoolSettings::default();
    let settings = PoolSettings {
        workers: args.sandbox_workers.unwrap_or(defaults.workers),
        queue_max: args.sandbox_queue_max,
        per_member_per_minute: std::num::NonZeroU32::new(args.sandbox_runs_per_minute),
    };
    tracing::info!(
        isolation = choice.sandbox.isolation().as_str(),
        workers = settings.workers,
        queue_max = settings.queue_max,
        "sandbox ready"
    );
    Ok(Pool::new(choice.sandbox, settings))
}

/// Says which platforms are enabled, and why the others are not.
fn log_platforms(args: &ServeArgs) {
    for (platform, status) in platform_status(args) {
        match status {
            Ok(()) => tracing::info!(platform, "enabled"),
            Err(why) => tracing::info!(platform, "disabled: {why}"),
        }
    }
}

/// Serves `router` until `shutdown` resolves or `stop` is cancelled; then `closing`
/// ends open sockets and event streams, or the shutdown would wait on them.
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: server::Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    stop: CancellationToken,
    closing: CancellationToken,
) -> Result<(), AppError> {
    let signal = async move {
        tokio::select! {
            _ = shutdown => {}
            _ = stop.cancelled() => {}
        }
        closing.cancel();
    };
    server::run(listener, router, limits, signal)
        .await
        .map_err(AppError::Serve)
}

/// The tasks running beside the HTTP server, waited for once cancelled.
struct Background {
    feed: JoinHandle<()>,
    projector: JoinHandle<()>,
    coach: JoinHandle<()>,
    timers: JoinHandle<()>,
    discord: Option<JoinHandle<()>>,
}

impl Background {
    /// Waits for every task (and Slack's) to finish.
    async fn stopped(self, slack: Option<crate::platforms::slack::Slack>) {
        let _ = self.feed.await;
        let _ = self.projector.await;
        let _ = self.coach.await;
        let _ = self.timers.await;
        if let Some(slack) = slack {
            slack.stopped().await;
        }
        if let Some(discord) = self.discord {
            let _ = discord.await;
        }
    }
}

/// How long the projector lets appends gather after a wake-up before folding them.
/// Readers that need the latest rows (the API, timers, outboxes) catch up themselves;
/// this only keeps the projector's writes from competing with every single append.
const PROJECTOR_GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Keep the read models caught up with the log.
async fn run_projector(store: Arc<dyn Storage>, queries: Queries, cancel: CancellationToken) {
    let mut wake = store.subscribe();
    loop {
        if let Err(e) = queries.catch_up().await {
            tracing::warn!(error = %e, "projection catch-up failed; will retry");
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            changed = wake.changed() => if changed.is_err() { return },
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(PROJECTOR_GATHER) => {}
        }
    }
}
