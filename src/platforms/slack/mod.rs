//! The Slack platform (slack-morphism): `/interview start` posts the interview's root
//! message with buttons, and the interview lives in that message's thread, where
//! replies are chat and a fenced code block is a submission. Socket Mode by default
//! (SLACK_APP_TOKEN), the HTTP Events API with signature checks as an option
//! (SLACK_SIGNING_SECRET); coach answers are posted by the outbox from the log.
//!
//! Handlers are thin: parse, turn into an engine `Command`, render. This module must
//! never touch the store (reads go through the query door) or an LLM, decide interview
//! rules itself, or do slow work before Slack's 3-second ack.

pub mod api;
pub mod blocks;
// issue 16: daily
pub mod daily;
pub mod duel; // issue 16: duel
mod handlers;
mod http;
pub mod inbound;
pub mod outlet;
pub mod peer;
pub mod practice;
pub mod run_reply;
pub mod signature;
mod socket;
pub mod start;
mod submission_runs;
mod waits;

use crate::config::ServeArgs;
use crate::engine::Shutdown;
use crate::engine::outbox::Outbox;
use crate::platforms::Services;
use axum::Router;
use handlers::Handler;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The running Slack adapter: its HTTP routes (when SLACK_SIGNING_SECRET is set) and
/// its background tasks (outbox, Socket Mode).
pub struct Slack {
    router: Option<Router>,
    tasks: Vec<JoinHandle<()>>,
    /// Handles each inbound request; its work is waited for at shutdown.
    handler: Arc<Handler>,
    shutdown: Shutdown,
}

impl Slack {
    /// After `shutdown.intake` fired: wait for the requests being handled, then for the
    /// outbox (which posts until the coach is drained and nothing is left) and Socket
    /// Mode, each bounded by `shutdown.stop`.
    pub async fn stopped(self) {
        self.handler.stopped(&self.shutdown.stop).await;
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// The routes of `slack` (none when Slack or its HTTP transport is off).
pub fn router(slack: Option<&Slack>) -> Router {
    slack.and_then(|s| s.router.clone()).unwrap_or_default()
}

/// Start Slack if its credentials are set (the app logs which platforms are enabled).
pub fn start(services: &Services, args: &ServeArgs, shutdown: Shutdown) -> Option<Slack> {
    let bot_token = args.slack_bot_token.as_ref()?;
    if args.slack_app_token.is_none() && args.slack_signing_secret.is_none() {
        return None;
    }
    let engine = &services.engine;
    let api = api::SlackApi::new(&args.slack.slack_api_url, bot_token)
        .with_timeout(args.slack.api_timeout());
    let handler = Arc::new(Handler::new(services.clone(), api.clone()));
    let outbox = Arc::new(Outbox::new(
        engine.clone(),
        Arc::new(outlet::SlackOutlet::new(api.clone())),
    ));
    // issue 16: daily. Posts each due day through this outbox; stops with the intake.
    let daily = crate::engine::daily::DailyScheduler::new(
        engine.clone(),
        services.queries.daily_view(),
        crate::practice::daily::candidates(&services.problems),
        crate::domain::Platform::Slack,
        outbox.clone(),
    )
    .every(std::time::Duration::from_secs(args.timer_tick_seconds));
    let mut tasks = vec![
        tokio::spawn(daily.run(shutdown.intake.clone())),
        tokio::spawn(outbox.run(shutdown.clone())),
    ];
    // issue 16: duel news (start, result) through the duel outbox.
    let herald = Arc::new(duel::SlackHerald {
        api: api.clone(),
        problems: services.problems.clone(),
    });
    let news = crate::engine::duel_news::DuelNews::new(
        engine.clone(),
        herald,
        services.queries.duel_board(),
    );
    tokio::spawn(Arc::new(news).run(shutdown.stop.clone()));
    // Waits are told while turns can still wait: pointless once the coach has drained.
    tasks.push(tokio::spawn(waits::run(
        engine.clone(),
        services.queries.clone(),
        api.clone(),
        shutdown.drained.clone(),
    )));
    // A submission's tests run in the coach's turn: pointless once it has drained.
    tasks.push(tokio::spawn(submission_runs::run(
        engine.clone(),
        api.clone(),
        shutdown.drained.clone(),
    )));
    if let Some(app_token) = &args.slack_app_token {
        services.readiness.expect_slack_socket();
        tasks.push(tokio::spawn(socket::run(
            api.client().clone(),
            app_token.clone(),
            handler.clone(),
            services.readiness.clone(),
            shutdown.intake.clone(),
        )));
    }
    let router = args
        .slack_signing_secret
        .clone()
        .map(|secret| http::router(secret, engine.clock().clone(), handler.clone()));
    Some(Slack {
        router,
        tasks,
        handler,
        shutdown,
    })
}
