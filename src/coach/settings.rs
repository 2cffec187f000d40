//! The coach's knobs, with the defaults a community bot wants. Built from `CoachArgs`
//! (environment) by the app; tests set them directly.

use super::llm::RetryPolicy;
use crate::domain::{CoachConfig, CoachStamp};
use chrono::Duration;

#[derive(Debug, Clone)]
pub struct CoachSettings {
    pub model: String,
    /// Chat answers (which may quote a snippet).
    pub max_tokens_text: u32,
    /// The short text turns: a hint, approach feedback, a nudge. The persona asks for a
    /// few sentences; a tighter limit also ends a small model's loop sooner.
    pub max_tokens_short: u32,
    pub max_tokens_structured: u32,
    /// How many more times a text turn is asked when its reply is unfit to show (cut by
    /// the token limit or looping, `coach::unfinished`): each retry keeps the token
    /// limit and tightens the word limit of its instruction. One for Claude; the
    /// OpenAI-compatible client's default is two (`OPENAI_UNFIT_RETRIES`), since a small
    /// local model ends a reply by chance. Every try counts in the turn's deadline.
    pub unfit_retries: u32,
    /// Above this estimated size, older turns are compacted into a digest event.
    pub context_budget_tokens: usize,
    /// Completed turns kept verbatim when compacting.
    pub keep_recent_turns: usize,
    /// Minimum time between two coach answers to the same member (0 disables).
    pub cooldown: Duration,
    /// Tokens a community (Discord server, Slack workspace, web) may spend per UTC day.
    pub daily_token_budget: Option<u64>,
    /// LLM calls in flight at once on this instance (`COACH_MAX_CONCURRENCY`): a turn
    /// takes one of these slots for all its calls, and turns beyond wait in order.
    pub max_concurrency: usize,
    /// Retries of LLM calls; its `max_total` is the turn's deadline: the most one turn
    /// may spend on the LLM, requests and pauses together, after which the member is
    /// told, with a Retry button. (The claim on the interview is the engine's,
    /// `LEASE_SECONDS`.)
    pub retry: RetryPolicy,
    /// How often to retry streams left with work pending (a turn held by another
    /// instance's lease, a storage error).
    pub scan_interval: std::time::Duration,
}

impl Default for CoachSettings {
    fn default() -> Self {
        CoachSettings {
            model: "claude-sonnet-4-5".to_string(),
            max_tokens_text: 1024,
            max_tokens_short: 400,
            max_tokens_structured: 2048,
            unfit_retries: 1,
            context_budget_tokens: 60_000,
            keep_recent_turns: 6,
            cooldown: Duration::seconds(5),
            daily_token_budget: None,
            max_concurrency: 32,
            retry: RetryPolicy::default(),
            scan_interval: std::time::Duration::from_secs(3),
        }
    }
}

impl CoachSettings {
    /// The prompt version and model every coach event records.
    pub fn stamp(&self) -> CoachStamp {
        CoachStamp {
            prompt_version: super::prompts::prompt_version(),
            model: self.model.clone(),
        }
    }

    /// The model and prompt versions every new interview records, whatever its
    /// platform.
    pub fn config(&self) -> CoachConfig {
        CoachConfig {
            model: self.model.clone(),
            prompt_version: super::prompts::PROMPT_VERSION,
            rubric_version: super::prompts::RUBRIC_VERSION,
        }
    }
}
