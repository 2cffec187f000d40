//! A per-connection token bucket: a burst of `capacity` messages, refilled at
//! `capacity` per `window`. Over it, a message is dropped with a "slow down" error.
//! Time is passed in, so it is tested without sleeping.

use std::time::{Duration, Instant};

pub struct TokenBucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(capacity: u32, window: Duration, now: Instant) -> TokenBucket {
        TokenBucket {
            capacity: f64::from(capacity),
            per_second: f64::from(capacity) / window.as_secs_f64().max(0.001),
            tokens: f64::from(capacity),
            last: now,
        }
    }

    /// Take one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_bucket_refills_over_the_window() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(20, Duration::from_secs(10), t0);
        assert!((0..20).all(|_| b.take(t0)));
        assert!(!b.take(t0));
        assert!(!b.take(t0 + Duration::from_millis(400)));
        assert!(b.take(t0 + Duration::from_millis(1100)));
        let later = t0 + Duration::from_secs(60);
        assert_eq!((0..30).filter(|_| b.take(later)).count(), 20);
    }
}
