//! Per-API-key request budget (GCRA, via `governor`, the engine behind
//! tower_governor): a burst, then a sustained rate; over it, 429 with
//! `Retry-After`. Kept in memory per instance.

use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The budget of every API key.
pub struct ApiRateLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl ApiRateLimiter {
    /// `per_second` sustained, `burst` at once.
    pub fn new(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when `key_id` may send a request now, else the seconds to wait.
    pub fn check(&self, key_id: &str) -> Result<(), u64> {
        self.limiter
            .check_key(&key_id.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_per_key() {
        let limiter = ApiRateLimiter::new(NonZeroU32::MIN, NonZeroU32::MIN.saturating_add(2));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").unwrap_err() >= 1);
        assert!(limiter.check("b").is_ok(), "keys have their own budget");
    }
}
