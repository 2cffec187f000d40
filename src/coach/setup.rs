//! Turning configuration into a coach: which LLM client (Claude, an OpenAI-compatible
//! server, or none, measured by `Metered`) and which limits. Logs which provider is in
//! use, never a key.

use super::llm::{
    AnthropicClient, HttpTimeouts, LlmClient, Metered, OpenAiClient, RetryPolicy, Sampling,
};
use super::settings::CoachSettings;
use crate::config::CoachArgs;
use std::sync::Arc;
use std::time::Duration;

/// The client and settings `args` describe. No client when nothing is configured: the
/// coach then records a clear configuration failure for every turn.
pub fn from_args(args: &CoachArgs) -> (Option<Arc<dyn LlmClient>>, CoachSettings) {
    let request = Duration::from_secs(args.coach_request_timeout_seconds.max(1));
    let timeout = HttpTimeouts {
        request,
        connect: Duration::from_secs(args.coach_connect_timeout_seconds).min(request),
        idle: Duration::from_secs(args.coach_idle_timeout_seconds).min(request),
    };
    let mut settings = CoachSettings {
        cooldown: chrono::Duration::seconds(i64::from(args.coach_cooldown_seconds)),
        daily_token_budget: args.coach_daily_token_budget,
        max_concurrency: args.coach_max_concurrency.max(1) as usize,
        context_budget_tokens: args.coach_context_budget_tokens,
        retry: RetryPolicy {
            max_total: args.turn_deadline(),
            ..RetryPolicy::default()
        },
        ..CoachSettings::default()
    };
    let client: Option<Arc<dyn LlmClient>> = if let Some(key) = &args.anthropic_api_key {
        settings.model = args.anthropic_model.clone();
        let base = args.anthropic_base_url.trim_end_matches('/').to_string();
        tracing::info!(provider = "anthropic", model = %settings.model, "coach enabled");
        Some(Arc::new(AnthropicClient::new(
            key.clone(),
            base,
            settings.model.clone(),
            timeout,
        )))
    } else if let Some(base) = &args.openai_base_url {
        settings.model = args.openai_model.clone();
        settings.unfit_retries = args.openai_unfit_retries;
        let base = base.trim_end_matches('/').to_string();
        tracing::info!(provider = "openai-compatible", model = %settings.model, "coach enabled");
        Some(Arc::new(
            OpenAiClient::new(
                args.openai_api_key.clone(),
                base,
                settings.model.clone(),
                timeout,
            )
            .with_structured(args.openai_structured_output)
            .with_sampling(Sampling {
                frequency_penalty: args.openai_frequency_penalty,
                presence_penalty: args.openai_presence_penalty,
                extra: args.openai_extra_body.clone().unwrap_or_default(),
            }),
        ))
    } else {
        settings.model = args.anthropic_model.clone();
        tracing::warn!(
            "coach disabled: set ANTHROPIC_API_KEY (or OPENAI_BASE_URL); every coach turn will report this"
        );
        None
    };
    // Every request is measured (time, tokens) whichever provider answers it.
    let client = client.map(|c| Arc::new(Metered(c)) as Arc<dyn LlmClient>);
    (client, settings)
}
