//! When a long run renews what it holds (its collection day, its job's
//! lease). Each renewal is a commit of its own, and on SQLite a commit by
//! another connection between two batches makes the next batch's
//! read-ahead stale (see `TenantStore::write_batches`): renewing at every
//! batch would read each batch twice. A renewal a tenth of the way through
//! what it renews keeps the hold as safe.

use jiff::{SignedDuration, Timestamp};

/// Says, at each step, whether the hold is due for renewal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Renewal {
    every: SignedDuration,
    last: Option<Timestamp>,
}

impl Renewal {
    /// For a hold lasting `hold` from each renewal, last renewed at
    /// `last` (when not known, the first step renews).
    pub(crate) fn of(hold: SignedDuration, last: Option<Timestamp>) -> Self {
        Self {
            every: hold / 10,
            last,
        }
    }

    /// Whether to renew at `now`; if so, counts it as renewed then.
    pub(crate) fn due(&mut self, now: Timestamp) -> bool {
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= self.every);
        if due {
            self.last = Some(now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renews_at_the_first_step_then_once_a_tenth_of_the_hold_passed() {
        let t0: Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
        let mut renewal = Renewal::of(SignedDuration::from_mins(10), None);
        assert!(renewal.due(t0));
        assert!(!renewal.due(t0 + SignedDuration::from_secs(59)));
        assert!(renewal.due(t0 + SignedDuration::from_secs(60)));
        assert!(!renewal.due(t0 + SignedDuration::from_secs(119)));
        assert!(renewal.due(t0 + SignedDuration::from_secs(120)));
        let mut taken = Renewal::of(SignedDuration::from_mins(10), Some(t0));
        assert!(!taken.due(t0));
        assert!(taken.due(t0 + SignedDuration::from_secs(60)));
    }
}
