//! An [`LlmClient`] that measures the client it wraps: each request's time by outcome
//! and the tokens each answer reports (`telemetry::metrics`). It changes nothing about
//! the request or the answer, and records no text of either.

use super::{LlmClient, LlmError, LlmRequest, LlmResponse};
use crate::telemetry::metrics::{self, Tokens};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Instant;

pub struct Metered(pub Arc<dyn LlmClient>);

impl Metered {
    fn observe(&self, started: Instant, result: &Result<LlmResponse, LlmError>) {
        let provider = self.0.provider();
        metrics::llm_request(provider, result.is_ok(), started.elapsed());
        if let Ok(response) = result {
            let usage = &response.usage;
            metrics::llm_tokens(
                provider,
                Tokens {
                    input: usage.input_tokens,
                    cache_read: usage.cache_read_tokens,
                    cache_write: usage.cache_write_tokens,
                    output: usage.output_tokens,
                },
            );
        }
    }
}

#[async_trait]
impl LlmClient for Metered {
    fn provider(&self) -> &'static str {
        self.0.provider()
    }

    fn model(&self) -> &str {
        self.0.model()
    }

    fn request_body(&self, req: &LlmRequest, stream: bool) -> Vec<u8> {
        self.0.request_body(req, stream)
    }

    async fn complete(&self, req: &LlmRequest) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let result = self.0.complete(req).await;
        self.observe(started, &result);
        result
    }

    async fn stream(
        &self,
        req: &LlmRequest,
        on_text: &(dyn for<'t> Fn(&'t str) + Send + Sync),
    ) -> Result<LlmResponse, LlmError> {
        let started = Instant::now();
        let result = self.0.stream(req, on_text).await;
        self.observe(started, &result);
        result
    }
}
