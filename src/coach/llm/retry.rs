//! Retrying LLM calls: jittered exponential backoff that honours `retry-after`, with a
//! bound on attempts and one bound on the whole wait: requests and pauses together
//! (a [`Budget`], one per coach turn).
//!
//! Waiting goes through [`Sleeper`] so tests record waits instead of sleeping. This
//! module must never retry an error that is not [`LlmError::retryable`] (spend limits,
//! bad requests), and never let a turn run past its budget.

use super::LlmError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use std::future::Future;
use std::time::Duration;

/// Something that can wait; tests substitute one that only records.
#[async_trait]
pub trait Sleeper: Send + Sync {
    async fn sleep(&self, d: Duration);
}

/// Waits on the tokio timer (so paused tokio time applies).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

#[async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d).await;
    }
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 0 behaves as 1.
    pub max_attempts: u32,
    /// The backoff before the second attempt; it doubles for each one after.
    pub base_delay: Duration,
    /// The cap on one backoff (a larger `retry-after` from the provider still wins).
    pub max_delay: Duration,
    /// Bound on the whole wait of one call: its requests and the pauses between them.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_total: Duration::from_secs(90),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based). `jitter` in `[0, 1]`
    /// picks a point in the upper half of the exponential step ("equal jitter"), so
    /// concurrent clients spread out without any wait collapsing to zero.
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let step = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let backoff = step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        retry_after.map_or(backoff, |asked| asked.max(backoff))
    }
}

/// A result and how many attempts it took (recorded in `CoachFailed` events).
#[derive(Debug)]
pub struct Attempted<T> {
    pub result: T,
    pub attempts: u32,
    /// The budget ran out: the call was cut short or not tried again for lack of time.
    pub out_of_time: bool,
}

/// The time one coach turn may spend on the LLM: requests and pauses together. Shared
/// by every call of the turn (a structured answer may take two).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub limit: Duration,
    pub spent: Duration,
}

impl Budget {
    pub fn new(limit: Duration) -> Budget {
        Budget {
            limit,
            spent: Duration::ZERO,
        }
    }

    fn left(&self) -> Duration {
        self.limit.saturating_sub(self.spent)
    }
}

/// [`with_retries_within`] a fresh budget of `policy.max_total`.
pub async fn with_retries<F, Fut, T>(
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    on_retry: &(dyn Fn(u32, &LlmError, Duration) + Send + Sync),
    attempt: F,
) -> Attempted<Result<T, LlmError>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, LlmError>>,
{
    let mut budget = Budget::new(policy.max_total);
    with_retries_within(policy, &mut budget, sleeper, on_retry, attempt).await
}

/// Runs `attempt` until success, a non-retryable error, `max_attempts`, or the budget
/// runs out: a request still running when it does is cut short (a timeout), and no
/// pause is taken that would end past it. The wait is max(retry_after, jittered
/// backoff) with the backoff capped by `max_delay`; a larger `retry_after` wins over the
/// cap but still counts against the budget. Calls `on_retry(attempt_no, &err, wait)`
/// before each wait.
pub async fn with_retries_within<F, Fut, T>(
    policy: &RetryPolicy,
    budget: &mut Budget,
    sleeper: &dyn Sleeper,
    on_retry: &(dyn Fn(u32, &LlmError, Duration) + Send + Sync),
    mut attempt: F,
) -> Attempted<Result<T, LlmError>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, LlmError>>,
{
    let mut attempts = 0;
    let done = |result, attempts, out_of_time| Attempted {
        result,
        attempts,
        out_of_time,
    };
    loop {
        attempts += 1;
        let started = tokio::time::Instant::now();
        let outcome = tokio::time::timeout(budget.left(), attempt()).await;
        budget.spent += started.elapsed();
        let err = match outcome {
            Ok(Ok(value)) => return done(Ok(value), attempts, false),
            Ok(Err(err)) => err,
            Err(_) => return done(Err(LlmError::Timeout), attempts, true),
        };
        if !err.retryable() || attempts >= policy.max_attempts {
            return done(Err(err), attempts, false);
        }
        let wait = policy.wait(attempts, err.retry_after(), rand::random::<f64>());
        if wait >= budget.left() {
            return done(Err(err), attempts, true);
        }
        on_retry(attempts, &err, wait);
        sleeper.sleep(wait).await;
        budget.spent += wait;
    }
}

/// The provider's requested wait: `retry-after-ms` (milliseconds) if present, else
/// `retry-after` as seconds or as an HTTP date (relative to `now`; a past date is zero).
pub fn parse_retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let ahead = date.with_timezone(&Utc) - now;
    Some(ahead.to_std().unwrap_or(Duration::ZERO))
}

fn seconds(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<Duration>>);

    #[async_trait]
    impl Sleeper for Recorder {
        async fn sleep(&self, d: Duration) {
            self.0.lock().unwrap().push(d);
        }
    }

    fn overloaded(retry_after: Option<Duration>) -> LlmError {
        LlmError::Status {
            status: 529,
            kind: "overloaded_error".into(),
            message: "m".into(),
            retry_after,
        }
    }

    #[test]
    fn backoff_doubles_stays_in_the_upper_half_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait(1, None, 1.0), Duration::from_secs(1));
        assert_eq!(policy.wait(1, None, 0.0), Duration::from_millis(500));
        assert_eq!(policy.wait(3, None, 1.0), Duration::from_secs(4));
        assert_eq!(policy.wait(30, None, 1.0), Duration::from_secs(30));
        assert_eq!(policy.wait(u32::MAX, None, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn a_longer_retry_after_wins_over_the_backoff_and_its_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(45)), 1.0),
            Duration::from_secs(45)
        );
        assert_eq!(
            policy.wait(3, Some(Duration::from_secs(1)), 1.0),
            Duration::from_secs(4)
        );
    }

    #[test]
    fn retry_after_is_read_as_milliseconds_seconds_or_a_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:50Z")
            .unwrap()
            .to_utc();
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, v.parse().unwrap());
            }
            map
        };
        let parse =
            |pairs: &[(&'static str, &'static str)]| parse_retry_after(&headers(pairs), now);
        assert_eq!(parse(&[("retry-after", "2")]), Some(Duration::from_secs(2)));
        assert_eq!(
            parse(&[("retry-after", "2"), ("retry-after-ms", "1500")]),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse(&[("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT")]),
            Some(Duration::ZERO)
        );
        assert_eq!(parse(&[("retry-after", "soon")]), None);
        assert_eq!(parse(&[("retry-after", "-3")]), None);
        assert_eq!(parse(&[]), None);
    }

    #[tokio::test]
    async fn stops_before_the_total_wait_would_exceed_the_bound() {
        let policy = RetryPolicy {
            max_attempts: 10,
            max_total: Duration::from_secs(25),
            ..RetryPolicy::default()
        };
        let sleeper = Recorder::default();
        let outcome = with_retries(&policy, &sleeper, &|_, _, _| {}, || async {
            Err::<(), _>(overloaded(Some(Duration::from_secs(10))))
        })
        .await;
        assert_eq!(outcome.attempts, 3);
        assert!(outcome.out_of_time);
        assert_eq!(*sleeper.0.lock().unwrap(), vec![Duration::from_secs(10); 2]);
    }

    #[tokio::test]
    async fn a_request_still_running_when_the_budget_ends_is_cut_short() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        let mut budget = Budget::new(Duration::from_millis(400));
        let calls = Mutex::new(0u32);
        let outcome =
            with_retries_within(&policy, &mut budget, &TokioSleeper, &|_, _, _| {}, || {
                *calls.lock().unwrap() += 1;
                async {
                    // A slow provider: 300 ms, then overloaded; the second try is cut short.
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Err::<(), _>(overloaded(None))
                }
            })
            .await;
        assert_eq!(outcome.attempts, 2);
        assert!(outcome.out_of_time);
        assert_eq!(outcome.result, Err(LlmError::Timeout));
        assert_eq!(*calls.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn a_refusal_is_returned_after_one_attempt() {
        let sleeper = Recorder::default();
        let outcome = with_retries(&RetryPolicy::default(), &sleeper, &|_, _, _| {}, || async {
            Err::<(), _>(LlmError::SpendLimit {
                message: "m".into(),
            })
        })
        .await;
        assert_eq!(outcome.attempts, 1);
        assert!(sleeper.0.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn on_retry_sees_each_failed_attempt_then_success_is_returned() {
        let calls = Mutex::new(0u32);
        let seen = Mutex::new(Vec::new());
        let on_retry = |n: u32, _: &LlmError, _: Duration| seen.lock().unwrap().push(n);
        let outcome = with_retries(
            &RetryPolicy::default(),
            &Recorder::default(),
            &on_retry,
            || {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                let result = if *calls < 3 {
                    Err(overloaded(None))
                } else {
                    Ok(*calls)
                };
                async move { result }
            },
        )
        .await;
        assert_eq!((outcome.result, outcome.attempts), (Ok(3), 3));
        assert_eq!(*seen.lock().unwrap(), vec![1, 2]);
    }
}
