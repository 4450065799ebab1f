//! The rules of logging in: password strength, how long links and sessions
//! live, and how repeated failures lock an account or an address out.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

/// A new password, checked for length only (NIST SP 800-63B: length beats
/// composition rules). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than the minimum.
    #[error("must be at least {min} characters (got {got})")]
    TooShort {
        /// Minimum length.
        min: usize,
        /// Length given.
        got: usize,
    },
    /// Longer than we hash.
    #[error("must be at most {max} characters")]
    TooLong {
        /// Maximum length.
        max: usize,
    },
}

impl NewPassword {
    /// Fewest characters accepted.
    pub const MIN_CHARS: usize = 12;
    /// Most characters accepted (hashing cost stays bounded).
    pub const MAX_CHARS: usize = 256;

    /// Checks a password's length, in characters.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort {
                min: Self::MIN_CHARS,
                got: chars,
            });
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(input.to_owned()))
    }

    /// The password, to hash.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// How long a "set or reset my password" link stays valid.
pub const PASSWORD_LINK_TTL: SignedDuration = SignedDuration::from_mins(30);
/// How long an invitation link stays valid.
pub const INVITATION_TTL: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Session lifetimes: ended after `idle` without a request, and after
/// `absolute` whatever happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Longest gap between two requests.
    pub idle: SignedDuration,
    /// Longest life of a session.
    pub absolute: SignedDuration,
}

impl SessionPolicy {
    /// One hour idle, twelve hours in all (a working day).
    pub const DEFAULT: SessionPolicy = SessionPolicy {
        idle: SignedDuration::from_hours(1),
        absolute: SignedDuration::from_hours(12),
    };

    /// Whether a session created at `created` and last used at `last_seen`
    /// is still valid at `now`.
    pub fn is_alive(&self, created: Timestamp, last_seen: Timestamp, now: Timestamp) -> bool {
        now < last_seen + self.idle && now < created + self.absolute
    }
}

/// Failed logins counted for one key (an account or a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    /// Failures in the current window.
    pub failures: u32,
    /// When the current window started.
    pub window_start: Timestamp,
    /// Locked until then, when locked.
    pub locked_until: Option<Timestamp>,
}

/// How many failures, within which window, lock out for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures that trigger the lockout.
    pub max_failures: u32,
    /// The window the failures are counted in.
    pub window: SignedDuration,
    /// How long the lockout lasts.
    pub lockout: SignedDuration,
}

impl ThrottlePolicy {
    /// Per account: 5 failures in 15 minutes lock it for 15 minutes.
    pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        max_failures: 5,
        window: SignedDuration::from_mins(15),
        lockout: SignedDuration::from_mins(15),
    };
    /// Per client address: 20 failures in 15 minutes lock it for 15 minutes
    /// (several people may share an office's address).
    pub const PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
        max_failures: 20,
        window: SignedDuration::from_mins(15),
        lockout: SignedDuration::from_mins(15),
    };

    /// Until when the key is locked at `now`, if it is.
    pub fn locked_until(&self, count: Option<&FailureCount>, now: Timestamp) -> Option<Timestamp> {
        count
            .and_then(|c| c.locked_until)
            .filter(|until| now < *until)
    }

    /// The count after one more failure at `now`: a new window when the last
    /// one is over or ended in a lockout; a lockout when the maximum is
    /// reached. A lock still running is kept as it is: an attempt checked
    /// just before it was set never lifts it.
    pub fn record_failure(&self, count: Option<&FailureCount>, now: Timestamp) -> FailureCount {
        if let Some(locked) = count.filter(|c| self.locked_until(Some(c), now).is_some()) {
            return *locked;
        }
        let (failures, window_start) = match count {
            Some(c) if c.locked_until.is_none() && now < c.window_start + self.window => {
                (c.failures.saturating_add(1), c.window_start)
            }
            _ => (1, now),
        };
        FailureCount {
            failures,
            window_start,
            locked_until: (failures >= self.max_failures).then(|| now + self.lockout),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn passwords_are_checked_for_length_and_never_printed() {
        assert_eq!(
            NewPassword::parse("short"),
            Err(PasswordError::TooShort { min: 12, got: 5 })
        );
        assert!(NewPassword::parse("correct horse battery").is_ok());
        assert!(NewPassword::parse("ééééééééééé").is_err(), "11 characters");
        assert!(NewPassword::parse(&"x".repeat(257)).is_err());
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let policy = SessionPolicy::DEFAULT;
        let created = t("2026-11-30T08:00:00Z");
        assert!(policy.is_alive(created, created, t("2026-11-30T08:59:59Z")));
        assert!(!policy.is_alive(created, created, t("2026-11-30T09:00:00Z")));
        let busy = t("2026-11-30T19:30:00Z");
        assert!(policy.is_alive(created, busy, t("2026-11-30T19:59:59Z")));
        assert!(!policy.is_alive(created, busy, t("2026-11-30T20:00:00Z")));
    }

    #[test]
    fn the_fifth_failure_locks_the_account_for_fifteen_minutes() {
        let policy = ThrottlePolicy::PER_ACCOUNT;
        let start = t("2026-11-30T09:00:00Z");
        let mut count = None;
        for i in 0..5 {
            let now = start + SignedDuration::from_secs(i * 10);
            assert_eq!(policy.locked_until(count.as_ref(), now), None);
            count = Some(policy.record_failure(count.as_ref(), now));
        }
        let locked_at = start + SignedDuration::from_secs(40);
        let until = policy.locked_until(count.as_ref(), locked_at);
        assert_eq!(until, Some(locked_at + SignedDuration::from_mins(15)));
        // A failure counted while locked (an attempt checked just before the
        // lock was set) keeps the lock as it is.
        let during = locked_at + SignedDuration::from_secs(1);
        assert_eq!(
            policy.record_failure(count.as_ref(), during),
            count.unwrap()
        );
        let after = locked_at + SignedDuration::from_mins(15);
        assert_eq!(policy.locked_until(count.as_ref(), after), None);
        // After a lockout, counting starts afresh.
        let next = policy.record_failure(count.as_ref(), after);
        assert_eq!((next.failures, next.locked_until), (1, None));
    }

    #[test]
    fn failures_spread_over_time_never_lock() {
        let policy = ThrottlePolicy::PER_ACCOUNT;
        let mut now = t("2026-11-30T09:00:00Z");
        let mut count = None;
        for _ in 0..20 {
            count = Some(policy.record_failure(count.as_ref(), now));
            now += SignedDuration::from_mins(4);
            if count.is_some_and(|c| c.failures >= 4) {
                now += SignedDuration::from_mins(15);
            }
        }
        assert_eq!(policy.locked_until(count.as_ref(), now), None);
    }
}
