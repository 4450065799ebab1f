//! Per-API-key request budget (GCRA, via `governor`, the engine behind
//! tower_governor): a burst, then a sustained rate; over it, 429 with
//! `Retry-After`. Kept in memory per instance.

use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prelevo_app::access::ApiPrincipal;

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

    /// `Ok` when the key may send a request now, else the seconds to wait.
    pub fn check(&self, principal: &ApiPrincipal) -> Result<(), u64> {
        self.limiter
            .check_key(&principal.key_id)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_per_key() {
        let limiter = ApiRateLimiter::new(NonZeroU32::MIN, NonZeroU32::MIN.saturating_add(2));
        let key = |id: &str| ApiPrincipal {
            key_id: id.into(),
            creditor_id: prelevo_domain::CreditorKey::from_body("0123456789abcdef0123456789abcdef")
                .unwrap(),
            scope: prelevo_domain::ApiScope::Read,
            expires_at: None,
        };
        let (a, b) = (key("a"), key("b"));
        assert!(limiter.check(&a).is_ok());
        assert!(limiter.check(&a).is_ok());
        assert!(limiter.check(&a).is_ok());
        assert!(limiter.check(&a).unwrap_err() >= 1);
        assert!(limiter.check(&b).is_ok(), "keys have their own budget");
    }
}
