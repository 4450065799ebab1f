//! Small helpers shared by the background threads (job workers, outbox).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// Sleeps for `duration`, waking early when `stop` is set.
pub(crate) fn pause(stop: &AtomicBool, duration: Duration) {
    let step = Duration::from_millis(50);
    let mut slept = Duration::ZERO;
    while slept < duration && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(step);
        slept += step;
    }
}

/// Says when a periodic chore (lease recovery) is due again.
pub(crate) struct Periodic {
    every: SignedDuration,
    next: Option<Timestamp>,
}

impl Periodic {
    /// Due at once, then every `every`.
    pub(crate) fn new(every: SignedDuration) -> Self {
        Self { every, next: None }
    }

    /// True when the chore is due at `now`; schedules the next one.
    pub(crate) fn due(&mut self, now: Timestamp) -> bool {
        if self.next.is_some_and(|next| now < next) {
            return false;
        }
        self.next = Some(now + self.every);
        true
    }
}

/// How often workers put work of dead workers (expired leases) back.
pub(crate) const LEASE_RECOVERY_EVERY: SignedDuration = SignedDuration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_is_due_at_once_then_after_its_interval() {
        let t0: Timestamp = "2026-11-30T09:00:00Z".parse().unwrap();
        let mut chore = Periodic::new(SignedDuration::from_secs(30));
        assert!(chore.due(t0));
        assert!(!chore.due(t0 + SignedDuration::from_secs(29)));
        assert!(chore.due(t0 + SignedDuration::from_secs(30)));
        assert!(!chore.due(t0 + SignedDuration::from_secs(31)));
    }
}
