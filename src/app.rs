//! The running service: `App::build` opens the store, binds the HTTP listener and
//! reports the real port; `run_until_stopped` runs the feed, the projector, the coach,
//! the platforms and the HTTP server until the shutdown future resolves, then shuts
//! down in order (`engine::shutdown`): stop taking work, let the coach finish its turns
//! and the outboxes post them (up to `SHUTDOWN_DEADLINE_SECONDS`), stop the rest,
//! release every claim, close the database it opened. Tests and the binary start
//! exactly this.

use crate::coach::{self, Coach, llm::TokioSleeper};
use crate::config::{DatabaseArgs, ServeArgs, platform_status};
use crate::engine::{Clock, Engine, Shutdown};
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
use crate::telemetry::{Readiness, exporter};
use metrics_exporter_prometheus::PrometheusHandle;
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
    #[error(transparent)]
    Metrics(#[from] crate::telemetry::exporter::ExporterError),
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
    /// The store was opened here (`build`), so it is closed here at the end; a store
    /// handed in (`with_store`) stays open for its owner.
    owns_store: bool,
    /// What `/readyz` reports: the platforms' connections, draining.
    readiness: Readiness,
    /// `METRICS_ADDR`'s listener and the recorder it renders, when set.
    metrics: Option<(TcpListener, PrometheusHandle)>,
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
        let mut app = Self::with_store(store, args, clock).await?;
        app.owns_store = true;
        Ok(app)
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
        let metrics = match args.metrics_addr {
            Some(addr) => Some((
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| AppError::Bind { addr, source })?,
                exporter::install()?,
            )),
            None => None,
        };
        let share_key = share_key(store.as_ref(), ShareKey::configured(&args)).await?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let engine = Engine::new(store.clone(), clock)
            .with_lease_ttl(args.lease())
            .with_instance(format!("{}:{port}", hostname()));
        let queries = Queries::following(store.clone());
        let problems = Arc::new(ProblemBank::load_default()?);
        let (llm, settings) = coach::setup::from_args(&args.coach);
        let readiness = Readiness::new();
        let pool = sandbox_pool(&args.sandbox).await?;
        let runner = Runner::new(engine.clone(), pool.clone(), problems.clone())
            .with_complexity(args.sandbox.complexity());
        let services = Services {
            engine: engine.clone(),
            queries: queries.clone(),
            problems: problems.clone(),
            coach: settings.config(),
            readiness: readiness.clone(),
            runner: runner.clone(),
        };
        let coach = Arc::new(
            // The coach's questions (today's tokens) fold the log themselves, like its
            // other background work, instead of waiting for the projector on every turn.
            Coach::new(
                engine,
                Queries::new(store.clone()),
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
            owns_store: false,
            readiness,
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn engine(&self) -> &Engine {
        &self.services.engine
    }

    /// The port of the `METRICS_ADDR` listener, when one is set.
    pub fn metrics_port(&self) -> Option<u16> {
        let (listener, _) = self.metrics.as_ref()?;
        listener.local_addr().ok().map(|a| a.port())
    }

    /// What `/readyz` reports; `set_draining` on it takes the instance out of rotation.
    pub fn readiness(&self) -> Readiness {
        self.readiness.clone()
    }

    /// The sandbox pool candidate code runs through.
    pub fn sandbox(&self) -> &Pool {
        &self.pool
    }

    /// Serve until `shutdown` resolves (or a platform's intake fails), then shut down
    /// in order; see the module's note.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), AppError> {
        let phases = Shutdown::default();
        log_platforms(&self.args);
        let tasks = self.spawn_background(&phases).await?;
        let addr = self.listener.local_addr().map_err(AppError::Serve)?;
        tracing::info!(%addr, backend = self.store.backend(), "serving");
        // Web sockets and event streams end with the intake, or the server would wait
        // on them.
        let web = Web::start(
            self.services.clone(),
            &self.args,
            self.share_key,
            phases.intake.clone(),
        );
        let slack = crate::platforms::slack::start(&self.services, &self.args, phases.clone());
        let router = http::router(
            self.services.queries.clone(),
            self.readiness.clone(),
            web,
            crate::platforms::slack::router(slack.as_ref()),
        );
        let metrics_stop = CancellationToken::new();
        let metrics = self
            .metrics
            .map(|(listener, handle)| serve_metrics(listener, handle, metrics_stop.clone()));
        let intake = phases.intake.clone();
        let readiness = self.readiness.clone();
        let signal = async move {
            tokio::select! {
                _ = shutdown => {}
                _ = intake.cancelled() => {}
            }
            // Out of the load balancer's rotation first.
            readiness.set_draining();
            intake.cancel();
        };
        let limits = server::Limits::from_args(&self.args.limits);
        let served = server::run(self.listener, router, limits, signal)
            .await
            .map_err(AppError::Serve);
        phases.intake.cancel();
        self.readiness.set_draining();
        // No sandbox run starts from now on; running ones finish.
        self.pool.drain();
        let deadline =
            std::time::Duration::from_secs(u64::from(self.args.shutdown_deadline_seconds));
        tracing::info!(
            deadline_s = deadline.as_secs(),
            "shutting down: taking no new work; finishing coach turns and deliveries"
        );
        let stop = phases.stop.clone();
        let deadline_passed = tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(deadline) => stop.cancel(),
                _ = stop.cancelled() => {}
            }
        });
        tasks.stopped(&phases, slack).await;
        deadline_passed.abort();
        metrics_stop.cancel();
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        // Claims still held (a turn that outlived the deadline) are given up now, so
        // another instance takes the work over at once instead of after a lease.
        self.services.engine.release_claims().await;
        if self.owns_store {
            self.store.close().await;
        }
        tracing::info!("stopped");
        served
    }

    /// Starts the feed, the projector, the coach, the timers and Discord.
    async fn spawn_background(&self, phases: &Shutdown) -> Result<Background, AppError> {
        let engine = &self.services.engine;
        let feed = engine.spawn_feed(phases.stop.clone()).await?;
        let projector = tokio::spawn(run_projector(
            self.store.clone(),
            self.services.queries.clone(),
            std::time::Duration::from_millis(self.args.projector_gather_ms),
            phases.stop.clone(),
        ));
        let coach = tokio::spawn(
            self.coach
                .clone()
                .run(phases.intake.clone(), phases.stop.clone()),
        );
        // A warning or an end is new work: the timers stop with the intake.
        let timers = tokio::spawn(
            crate::engine::timer::Timers::new(engine.clone())
                .with_web_idle(self.args.web_idle_end_minutes)
                .every(std::time::Duration::from_secs(self.args.timer_tick_seconds))
                .run(phases.intake.clone()),
        );
        // issue 16: duel: the referee (expiry, win, time limit) stops with the intake.
        tokio::spawn(
            crate::engine::duel_referee::DuelReferee::new(
                engine.clone(),
                self.services.queries.duel_board(),
                std::time::Duration::from_secs(self.args.timer_tick_seconds),
            )
            .run(phases.intake.clone()),
        );
        let discord =
            crate::platforms::discord::start(self.services.clone(), &self.args, phases.clone());
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

/// Serves `GET /metrics` on the `METRICS_ADDR` listener until `stop` fires.
fn serve_metrics(
    listener: TcpListener,
    handle: PrometheusHandle,
    stop: CancellationToken,
) -> JoinHandle<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving /metrics");
    }
    tokio::spawn(async move {
        let served = axum::serve(listener, http::metrics_router(handle))
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "the metrics listener stopped");
        }
    })
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
    /// The shutdown after the intake stopped: the coach finishes its turns, then the
    /// outboxes post what is left, then everything else stops (each bounded by
    /// `phases.stop`, the deadline).
    async fn stopped(self, phases: &Shutdown, slack: Option<crate::platforms::slack::Slack>) {
        let _ = self.timers.await;
        let _ = self.coach.await;
        phases.drained.cancel();
        if let Some(slack) = slack {
            slack.stopped().await;
        }
        if let Some(discord) = self.discord {
            let _ = discord.await;
        }
        phases.stop.cancel();
        let _ = self.feed.await;
        let _ = self.projector.await;
    }
}

/// Keep the read models caught up with the log: the one task of the service that
/// writes them (besides the timers', the coach's and the outboxes' own catch-up).
///
/// Its rounds are throttled, not delayed: an append after a quiet spell is folded at
/// once, and while appends keep coming a round starts no sooner than `spacing`
/// (`PROJECTOR_GATHER_MS`, 200 ms by default) after the previous one began, so one
/// round folds everything appended meanwhile. Readers (the API, the platforms'
/// questions) wait for the projector, so a question waits at most about `spacing`, and
/// only under a steady stream of appends. The background tasks that need the latest
/// rows (timers, coach scan, outboxes) catch up themselves.
async fn run_projector(
    store: Arc<dyn Storage>,
    queries: Queries,
    spacing: std::time::Duration,
    cancel: CancellationToken,
) {
    let mut wake = store.subscribe();
    // Where this task left both checkpoints (it is their usual writer): read from the
    // database only at start, after a failed round, or when another folder moved one.
    let mut known = None;
    loop {
        let began = tokio::time::Instant::now();
        known = match queries.catch_up_from(known).await {
            Ok((_, known)) => known,
            Err(e) => {
                tracing::warn!(error = %e, "projection catch-up failed; will retry");
                None
            }
        };
        tokio::select! {
            _ = cancel.cancelled() => return,
            changed = wake.changed() => if changed.is_err() { return },
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep_until(began + spacing) => {}
        }
    }
}

/// What `interview-coach eval` replays scripted interviews through: the same engine,
/// coach worker (with its runner, so submissions are tested in the sandbox before their
/// analysis) and LLM client a live interview gets, on a store of its own. `regrade`
/// builds it over the service's own log instead, without a sandbox.
pub struct EvalRig {
    pub engine: Engine,
    pub coach: Arc<Coach>,
    /// The read door over the rig's log (`regrade` finds interviews through it).
    pub queries: Queries,
    pub problems: Arc<ProblemBank>,
    /// The prompt version and model the coach stamps its events with.
    pub stamp: crate::domain::CoachStamp,
    /// The coach configuration new interviews record.
    pub config: crate::domain::CoachConfig,
    /// Whether an LLM is configured (without one every turn fails).
    pub llm_configured: bool,
    /// Closed by `close`.
    store: Arc<dyn Storage>,
    pool: Option<Pool>,
}

impl EvalRig {
    /// Open a fresh SQLite log at `database_url` and build the coach from `coach` (its
    /// cooldown and daily budget off: a replay answers every turn at once) and the
    /// sandbox from `sandbox`.
    pub async fn build(
        database_url: &str,
        coach: &crate::config::CoachArgs,
        sandbox: &crate::config::SandboxArgs,
    ) -> Result<EvalRig, AppError> {
        let options = store::StoreOptions {
            synchronous: store::Synchronous::Normal,
            ..store::StoreOptions::default()
        };
        let store = store::connect(database_url, &options).await?;
        let pool = sandbox_pool(sandbox).await?;
        EvalRig::assemble(store, coach, Some(pool))
    }

    /// The rig over the service's own log (`DATABASE_URL`, SQLite or Postgres), for
    /// `regrade`: no sandbox, since an ended interview's tests are in its log already.
    pub async fn over_log(
        db: &DatabaseArgs,
        coach: &crate::config::CoachArgs,
    ) -> Result<EvalRig, AppError> {
        let store = store::connect(db.database_url.expose(), &db.store_options()).await?;
        EvalRig::assemble(store, coach, None)
    }

    fn assemble(
        store: Arc<dyn Storage>,
        coach: &crate::config::CoachArgs,
        pool: Option<Pool>,
    ) -> Result<EvalRig, AppError> {
        let engine = Engine::new(store.clone(), Arc::new(crate::engine::SystemClock));
        let queries = Queries::new(store.clone());
        let problems = Arc::new(ProblemBank::load_default()?);
        let mut args = coach.clone();
        args.coach_cooldown_seconds = 0;
        args.coach_daily_token_budget = None;
        let (llm, settings) = coach::setup::from_args(&args);
        let (stamp, config) = (settings.stamp(), settings.config());
        let llm_configured = llm.is_some();
        let mut built = Coach::new(
            engine.clone(),
            queries.clone(),
            llm,
            settings,
            Arc::new(TokioSleeper),
            problems.clone(),
        );
        if let Some(pool) = &pool {
            built = built.with_runner(Runner::new(engine.clone(), pool.clone(), problems.clone()));
        }
        Ok(EvalRig {
            engine,
            coach: Arc::new(built),
            queries,
            problems,
            stamp,
            config,
            llm_configured,
            store,
            pool,
        })
    }

    /// Drain the sandbox and close the store.
    pub async fn close(self) {
        if let Some(pool) = &self.pool {
            pool.drain();
        }
        self.store.close().await;
    }
}
