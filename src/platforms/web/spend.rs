//! Per-address limits on what spends the coach's tokens from the web: starting an
//! interview (`WEB_START_RATE_PER_HOUR`) and asking for a coach turn
//! (`WEB_TURN_RATE_PER_MINUTE`), counted per client network (see `client`) with the
//! `governor` crate's keyed GCRA limiters: a burst of N, refilled evenly over the
//! window. They come on top of the per-member cooldown and the daily token budget, so a
//! stranger on an open deployment cannot burn the key by opening sockets and members.
//!
//! Counted per process, in memory: several instances each allow the rate. A limit of 0
//! is off. This module only answers "may this address spend now"; it never appends and
//! never sees a member.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// What a web client asks for that costs tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// A new interview (its first coach turn comes with it).
    Start,
    /// A candidate turn the coach answers: explanation, code, message, hint, retry.
    Turn,
}

/// Every this many checks, keys whose bucket is full again are forgotten, so a flood
/// of addresses leaves no lasting memory.
const SWEEP_EVERY: u32 = 1024;

type Limiter<C> = RateLimiter<
    Option<IpAddr>,
    DashMapStateStore<Option<IpAddr>>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// One limit: at most `per_window` per address, refilled over `window`.
struct AddressLimit<C: Clock> {
    limiter: Limiter<C>,
    per_window: u32,
    clock: C,
}

pub struct SpendLimits<C: Clock = DefaultClock> {
    starts: Option<AddressLimit<C>>,
    turns: Option<AddressLimit<C>>,
    checks: AtomicU32,
}

/// A refused spend, with when it will next be allowed; `Display` is the message the
/// client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub what: Spend,
    pub limit: u32,
    pub retry_after: Duration,
}

impl SpendLimits<DefaultClock> {
    pub fn new(starts_per_hour: u32, turns_per_minute: u32) -> Self {
        Self::with_clock(starts_per_hour, turns_per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> SpendLimits<C> {
    /// Limits on `clock` (tests pass governor's `FakeRelativeClock`).
    pub fn with_clock(starts_per_hour: u32, turns_per_minute: u32, clock: C) -> Self {
        let limit = |n: u32, window: Duration| {
            let burst = NonZeroU32::new(n)?;
            let quota = Quota::with_period(window / n)?.allow_burst(burst);
            Some(AddressLimit {
                limiter: RateLimiter::new(quota, DashMapStateStore::default(), clock.clone()),
                per_window: n,
                clock: clock.clone(),
            })
        };
        SpendLimits {
            starts: limit(starts_per_hour, Duration::from_secs(3600)),
            turns: limit(turns_per_minute, Duration::from_secs(60)),
            checks: AtomicU32::new(0),
        }
    }

    /// Take one `what` for the client `network` (`None`: unknown, one shared bucket), or
    /// say when it may ask again.
    pub fn check(&self, what: Spend, network: Option<IpAddr>) -> Result<(), Refusal> {
        let limit = match what {
            Spend::Start => &self.starts,
            Spend::Turn => &self.turns,
        };
        let Some(limit) = limit else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for l in [&self.starts, &self.turns].into_iter().flatten() {
                l.limiter.retain_recent();
                l.limiter.shrink_to_fit();
            }
        }
        limit
            .limiter
            .check_key(&network)
            .map_err(|not_until| Refusal {
                what,
                limit: limit.per_window,
                retry_after: not_until.wait_time_from(limit.clock.now()),
            })
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wait = Wait(self.retry_after);
        match self.what {
            Spend::Start => write!(
                f,
                "Slow down: your network started {} interviews in the last hour, the most allowed; try again in {wait}.",
                self.limit
            ),
            Spend::Turn => write!(
                f,
                "Slow down: your network asked the coach {} times in the last minute, the most allowed; wait {wait}, then send it again.",
                self.limit
            ),
        }
    }
}

/// A wait as a person reads it: whole seconds, or minutes past two minutes.
struct Wait(Duration);

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0);
        if secs >= 120 {
            write!(f, "{} minutes", secs.div_ceil(60))
        } else {
            write!(f, "{} s", secs.max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_n_plus_first_start_in_an_hour_is_refused_until_one_refills() {
        let clock = FakeRelativeClock::default();
        let limits = SpendLimits::with_clock(3, 0, clock.clone());
        let a = ip("203.0.113.1");
        assert!((0..3).all(|_| limits.check(Spend::Start, a).is_ok()));
        let refused = limits.check(Spend::Start, a).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(1200));
        assert_eq!(
            refused.to_string(),
            "Slow down: your network started 3 interviews in the last hour, the most allowed; try again in 20 minutes."
        );
        assert!(limits.check(Spend::Start, ip("203.0.113.2")).is_ok());
        clock.advance(Duration::from_secs(1199));
        assert!(limits.check(Spend::Start, a).is_err());
        clock.advance(Duration::from_secs(1));
        assert!(limits.check(Spend::Start, a).is_ok());
        assert!(limits.check(Spend::Turn, a).is_ok(), "0 turns is no limit");
    }

    #[test]
    fn turns_refill_one_every_minute_over_n() {
        let clock = FakeRelativeClock::default();
        let limits = SpendLimits::with_clock(0, 6, clock.clone());
        let a = ip("2001:db8::1");
        assert!((0..6).all(|_| limits.check(Spend::Turn, a).is_ok()));
        let refused = limits.check(Spend::Turn, a).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(10));
        assert!(
            refused
                .to_string()
                .contains("wait 10 s, then send it again")
        );
        clock.advance(Duration::from_secs(10));
        assert!(limits.check(Spend::Turn, a).is_ok());
        assert!(limits.check(Spend::Turn, a).is_err());
        assert!(
            limits.check(Spend::Start, a).is_ok(),
            "0 starts is no limit"
        );
    }

    #[test]
    fn idle_addresses_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let limits = SpendLimits::with_clock(0, 60, clock.clone());
        for i in 0..SWEEP_EVERY - 1 {
            let a = Some(IpAddr::from(i.to_be_bytes()));
            assert!(limits.check(Spend::Turn, a).is_ok());
        }
        let turns = limits.turns.as_ref().unwrap();
        assert_eq!(turns.limiter.len(), (SWEEP_EVERY - 1) as usize);
        clock.advance(Duration::from_secs(61));
        assert!(limits.check(Spend::Turn, ip("198.51.100.1")).is_ok());
        assert!(turns.limiter.len() <= 1, "{}", turns.limiter.len());
    }
}
