//! The binary: reads `.env`, parses the command line, sets up logging and runs one
//! subcommand. Wiring only; every behaviour lives in the library.

use anyhow::Context;
use clap::Parser;
use interview_coach::app::App;
use interview_coach::config::{
    Cli, Cmd, DatabaseArgs, DiscordCmd, JudgeArgs, PrivacyCmd, ServeArgs, ShareCmd,
};
use interview_coach::engine::{Engine, SystemClock};
use interview_coach::judge::{Judge, Settings, What};
use interview_coach::practice::replay;
use interview_coach::queries::{Queries, RecordedEvent};
use interview_coach::{projections, store};
use std::process::ExitCode;
use std::sync::Arc;

// Many small allocations across threads (JSON, SQL rows, frames): glibc's allocator
// spent about a sixth of the server's CPU under load (`perf`, web_load bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    // An empty variable (as `.env.example` leaves the credentials) means "not set", so a
    // blank DISCORD_TOKEN= disables Discord instead of failing to log in.
    for (name, value) in std::env::vars_os() {
        if value.is_empty() {
            // SAFETY: nothing else runs yet: no threads, no runtime.
            unsafe { std::env::remove_var(name) };
        }
    }
    if let Some(variable) = interview_coach::config::secret_flag_used(std::env::args_os()) {
        eprintln!(
            "error: secrets are not accepted on the command line (any user of this machine can read it); set {variable} in the environment or in .env"
        );
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    interview_coach::telemetry::logs::init(cli.log_format);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = interview_coach::config::async_workers() {
        runtime.worker_threads(workers);
    }
    let runtime = match runtime.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = cli.database;
    match cli.command {
        None => serve(&db, ServeArgs::from_env()).await,
        Some(Cmd::Serve(args)) => serve(&db, *args).await,
        Some(Cmd::Migrate) => {
            let s = open(&db).await?;
            println!("database is up to date ({})", s.backend());
            Ok(())
        }
        Some(Cmd::Replay { id }) => {
            let events = interview_events(open(&db).await?, &id).await?;
            print!("{}", replay::transcript(&events));
            Ok(())
        }
        Some(Cmd::Discord(DiscordCmd::Manifest)) => {
            let manifest = interview_coach::platforms::discord::manifest::manifest();
            println!("{}", serde_json::to_string_pretty(&manifest)?);
            Ok(())
        }
        Some(Cmd::Privacy(PrivacyCmd::Forget { member })) => {
            let engine = Engine::new(open(&db).await?, Arc::new(SystemClock));
            let report = engine.forget_member(&member).await?;
            println!(
                "erased {member}'s content: {} event(s) rewritten in {} interview(s), {} leaderboard opt-in(s) removed",
                report.events_rewritten, report.interviews, report.leaderboards_left
            );
            Ok(())
        }
        Some(Cmd::Export { id }) => {
            let events = interview_events(open(&db).await?, &id).await?;
            let bank = interview_coach::problems::ProblemBank::load_default().ok();
            print!(
                "{}",
                interview_coach::practice::export::markdown(&events, bank.as_ref())
            );
            Ok(())
        }
        Some(Cmd::Share(ShareCmd::Revoke {
            link,
            web_share_secret,
        })) => revoke_share(&db, &link, web_share_secret.as_ref()).await,
        Some(Cmd::Judge(args)) => judge(args).await,
        Some(Cmd::Eval(args)) => eval(*args).await,
        Some(Cmd::Regrade(args)) => regrade(&db, *args).await,
        Some(Cmd::RebuildProjections) => {
            let s = open(&db).await?;
            let position = projections::rebuild(s.as_ref()).await?;
            println!(
                "read models (interview list, member stats) rebuilt up to position {position}"
            );
            Ok(())
        }
    }
}

/// `judge`: the verdicts as JSON on stdout, an error (non-zero exit) when a case failed.
async fn judge(args: JudgeArgs) -> anyhow::Result<()> {
    let choice = interview_coach::app::choose_sandbox(&args.sandbox).await?;
    for warning in &choice.warnings {
        eprintln!("sandbox: {warning}");
    }
    let sandbox = choice.sandbox;
    let language = Judge::language(&args.language)?;
    let bank = interview_coach::problems::ProblemBank::load_default()?;
    let problem = bank.get(&args.problem).with_context(|| {
        format!(
            "no problem {:?} in the bank (a problem outside the bank has no signature to call code with)",
            args.problem
        )
    })?;
    let code = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let what = args.input.clone().map_or(What::All, What::Custom);
    let judge = Judge::new(sandbox, Settings::default());
    let report = judge.run(problem, language, &code, what).await?;
    // One JSON document on stdout, so a script can parse it whole: the measurement,
    // when asked for and the code passed, is the report's `complexity` field.
    let mut printed = serde_json::to_value(&report)?;
    if args.complexity && report.verdict == interview_coach::judge::Verdict::Passed {
        let settings = args.sandbox.complexity().unwrap_or_default();
        let measured = judge.measure(problem, language, &code, &settings).await?;
        eprintln!("measured: {}", measured.summary());
        let mut complexity = serde_json::to_value(&measured)?;
        if let Some(fields) = complexity.as_object_mut() {
            fields.insert("summary".into(), measured.summary().into());
        }
        if let Some(fields) = printed.as_object_mut() {
            fields.insert("complexity".into(), complexity);
        }
    }
    println!("{}", serde_json::to_string_pretty(&printed)?);
    if !report.verdict.ok() {
        anyhow::bail!(
            "{} of {} case(s) passed; the first failure: {:?}",
            report.passed,
            report.total,
            report.verdict
        );
    }
    Ok(())
}

/// `eval`: replay the golden set, write both reports, fail when a threshold is missed.
async fn eval(mut args: interview_coach::config::EvalArgs) -> anyhow::Result<()> {
    use interview_coach::eval::{self, set};
    match args.provider.as_deref() {
        Some("openai") => args.coach.anthropic_api_key = None,
        Some("anthropic") => args.coach.openai_base_url = None,
        _ => {}
    }
    let bank = interview_coach::problems::ProblemBank::load_default()?;
    let mut transcripts = set::load(&args.set, &bank)?;
    if let Some(only) = &args.only {
        transcripts.retain(|t| t.id.contains(only.as_str()));
    }
    let thresholds_path = args.thresholds.clone().unwrap_or_else(|| {
        let dir = if args.set.ends_with("set") {
            args.set
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default()
        } else {
            args.set.clone()
        };
        dir.join("thresholds.toml")
    });
    let thresholds = set::Thresholds::load(&thresholds_path)?;
    let scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
    let url = format!("sqlite://{}", scratch.path().join("eval.db").display());
    let rig = interview_coach::app::EvalRig::build(&url, &args.coach, &args.sandbox).await?;
    let references = std::path::Path::new("problems/reference");
    let references = if references.is_dir() {
        references.to_path_buf()
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("problems/reference")
    };
    let report = eval::evaluate(&rig, &transcripts, args.repeat, &references, &thresholds).await;
    rig.close().await;
    let report = report?;
    let markdown = report.markdown();
    std::fs::write(&args.out, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let md_path = args.out.with_extension("md");
    std::fs::write(&md_path, &markdown)
        .with_context(|| format!("cannot write {}", md_path.display()))?;
    print!("{markdown}");
    if !report.missed.is_empty() {
        anyhow::bail!("thresholds missed: {}", report.missed.join("; "));
    }
    Ok(())
}

/// `regrade`: old and new figures on stdout; the new ones recorded only with --record.
async fn regrade(
    db: &DatabaseArgs,
    mut args: interview_coach::config::RegradeArgs,
) -> anyhow::Result<()> {
    use interview_coach::eval::{compare, regrade};
    match args.provider.as_deref() {
        Some("openai") => args.coach.anthropic_api_key = None,
        Some("anthropic") => args.coach.openai_base_url = None,
        _ => {}
    }
    let rig = interview_coach::app::EvalRig::over_log(db, &args.coach).await?;
    let done = async {
        let found = regrade::regrade(&rig, &args.id, args.repeat, args.record).await?;
        print!("{}", compare::render(&found));
        if args.record {
            let version = regrade::record(&rig, &found).await?;
            println!(
                "Recorded as event {version} of {} (Regraded).",
                found.stream
            );
        } else {
            println!("Nothing recorded (add --record to keep these figures beside the originals).");
        }
        Ok::<_, regrade::RegradeError>(())
    }
    .await;
    rig.close().await;
    done?;
    Ok(())
}

/// The events of the interview named by an interview id or a stream id.
async fn interview_events(
    store: Arc<dyn interview_coach::ports::Storage>,
    id: &str,
) -> anyhow::Result<Vec<RecordedEvent>> {
    let queries = Queries::new(store);
    queries.catch_up().await?;
    match queries.find(id).await? {
        Some(found) => Ok(found.events),
        None => anyhow::bail!("no interview with id or stream id {id}"),
    }
}

/// `share revoke`: append the link's revocation to its interview's log.
async fn revoke_share(
    db: &DatabaseArgs,
    link: &str,
    secret: Option<&interview_coach::config::Secret>,
) -> anyhow::Result<()> {
    use interview_coach::platforms::web::{ShareKey, sharing};
    let store = open(db).await?;
    let configured = secret
        .filter(|s| !s.expose().trim().is_empty())
        .map(ShareKey::from_secret);
    let key = interview_coach::app::share_key(store.as_ref(), configured)
        .await
        .context("cannot read the share-link key")?;
    let queries = Queries::new(store.clone());
    queries.catch_up().await?;
    let engine = Engine::new(store, Arc::new(SystemClock));
    let done = sharing::revoke(&engine, &queries, &key, link).await?;
    let what = if done.already {
        "was already revoked"
    } else {
        "is revoked"
    };
    println!(
        "share link {} of interview {} {what}; it opens nothing from now on",
        done.share_id, done.interview_id
    );
    Ok(())
}

async fn open(db: &DatabaseArgs) -> anyhow::Result<Arc<dyn interview_coach::ports::Storage>> {
    store::connect(db.database_url.expose(), &db.store_options())
        .await
        .context("cannot open the event store")
}

async fn serve(db: &DatabaseArgs, args: ServeArgs) -> anyhow::Result<()> {
    // The process's one metrics recorder, only when someone may read it.
    if args.metrics_addr.is_some() {
        interview_coach::telemetry::exporter::install()?;
    }
    let app = App::build(db, args, Arc::new(SystemClock)).await?;
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
