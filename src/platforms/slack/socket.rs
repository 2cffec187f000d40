//! The Socket Mode transport (the default: no public URL needed). slack-morphism keeps
//! the WebSocket connections and sends each envelope's ack after our callback returns,
//! so callbacks only parse and spawn the work. Redeliveries carry the same event id,
//! action ts or trigger id, so the engine's idempotency keys make them append nothing.
//! Each connection's `hello` is reported to the instance's readiness.

use super::api::SlackHyperClient;
use super::handlers::Handler;
use super::inbound::{self, Inbound};
use crate::config::Secret;
use crate::telemetry::Readiness;
use slack_morphism::prelude::*;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

type Callback<T> = UserCallbackResult<T>;

fn handler_of(states: &SlackClientEventsUserStateStorage) -> Option<Arc<Handler>> {
    states.get_user_state::<Arc<Handler>>().cloned()
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> Callback<()> {
    let json = serde_json::to_value(&event)?;
    if let Some(h) = handler_of(&*states.read().await) {
        h.spawn(inbound::parse_event(&json));
    }
    Ok(())
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> Callback<SlackCommandEventResponse> {
    let command = inbound::SlashCommand {
        team: event.team_id.0,
        channel: event.channel_id.0,
        user: inbound::SlackUser {
            name: event.user_id.0.clone(),
            id: event.user_id.0,
        },
        command: event.command.0,
        text: event.text.unwrap_or_default(),
        trigger_id: event.trigger_id.0,
    };
    if let Some(h) = handler_of(&*states.read().await) {
        h.spawn(Inbound::Command(command));
    }
    // An empty ack: the root message (or an ephemeral refusal) follows from the work.
    Ok(SlackCommandEventResponse::new(SlackMessageContent::new()))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> Callback<()> {
    let json = serde_json::to_value(&event)?;
    if let Some(h) = handler_of(&*states.read().await) {
        h.spawn(inbound::parse_interaction(&json));
    }
    Ok(())
}

/// A Socket Mode connection is open: the instance can take Slack events. (Generic over
/// the hello event, whose type slack-morphism does not export by a usable path.)
async fn on_hello<Hello: Send>(
    _event: Hello,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) {
    if let Some(readiness) = states.read().await.get_user_state::<Readiness>() {
        readiness
            .slack_socket_hello(SlackClientSocketModeConfig::DEFAULT_CONNECTIONS_COUNT as usize);
    }
}

fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackHyperClient>,
    _states: SlackClientEventsUserState,
) -> HttpStatusCode {
    tracing::warn!(error = %err, "Slack Socket Mode callback failed");
    HttpStatusCode::OK
}

/// Connect with the app-level token and serve until `cancel` fires.
pub async fn run(
    client: Arc<SlackHyperClient>,
    app_token: Secret,
    handler: Arc<Handler>,
    readiness: Readiness,
    cancel: CancellationToken,
) {
    let env = Arc::new(
        SlackClientEventsListenerEnvironment::new(client)
            .with_error_handler(on_error)
            .with_user_state(handler)
            .with_user_state(readiness),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_hello_events(on_hello)
        .with_push_events(on_push)
        .with_command_events(on_command)
        .with_interaction_events(on_interaction);
    let listener =
        SlackClientSocketModeListener::new(&SlackClientSocketModeConfig::new(), env, callbacks);
    let token = SlackApiToken::new(app_token.expose().to_string().into());
    if let Err(e) = listener.listen_for(&token).await {
        tracing::error!(error = %e, "Slack Socket Mode could not connect (check SLACK_APP_TOKEN); Slack events will not arrive over Socket Mode");
        return;
    }
    listener.start().await;
    tracing::info!("Slack Socket Mode started");
    cancel.cancelled().await;
    listener.shutdown().await;
}
