//! Time as a parameter. Nothing in Prelevo reads the system clock except
//! `SystemClock`; everything else receives a `Clock`, so tests can fix and
//! move time.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, TimestampArithmetic};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// Today's date in `tz`.
    fn today_in(&self, tz: &TimeZone) -> Date {
        self.now().to_zoned_datetime(tz.clone()).date()
    }
}

/// The real clock of the machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "SystemClock is the one place allowed to read the system clock"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Why a fixed clock could not be built or moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The text is not a UTC date-time.
    #[error("not a UTC date-time like 2026-03-01T10:00:00Z: '{0}'")]
    Parse(String),
    /// The move is not a fixed duration or leaves jiff's range.
    #[error("cannot advance the clock: {0}")]
    Advance(String),
}

/// A clock that stays where it is put: for tests and replays.
#[derive(Debug)]
pub struct FixedClock {
    // A Mutex rather than atomics: a Timestamp is 96 bits. Poisoning is
    // ignored (`into_inner`): a timestamp cannot be left half-written.
    now: Mutex<Timestamp>,
}

impl FixedClock {
    /// A clock stopped at `now`.
    pub fn new(now: Timestamp) -> FixedClock {
        FixedClock {
            now: Mutex::new(now),
        }
    }

    /// A clock stopped at a UTC date-time: "2026-03-01T10:00:00Z",
    /// "2026-03-01T10:00:00" or "2026-03-01 10:00" (no offset means UTC).
    pub fn at(utc: &str) -> Result<FixedClock, ClockError> {
        let text = utc.trim();
        let ts = text
            .parse::<Timestamp>()
            .or_else(|_| {
                text.parse::<jiff::civil::DateTime>()
                    .and_then(|dt| dt.to_zoned_datetime(TimeZone::UTC))
                    .map(|z| z.timestamp())
            })
            .map_err(|_| ClockError::Parse(text.to_owned()))?;
        Ok(FixedClock::new(ts))
    }

    /// Moves the clock to `now` (backwards is allowed).
    pub fn set(&self, now: Timestamp) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Moves the clock by a `SignedDuration` or a `Span` of hours or less
    /// (days are not fixed durations); returns the new time.
    pub fn advance(&self, by: impl Into<TimestampArithmetic>) -> Result<Timestamp, ClockError> {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        let next = now
            .checked_add(by)
            .map_err(|e| ClockError::Advance(e.to_string()))?;
        *now = next;
        Ok(next)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Clock + ?Sized> Clock for Arc<T> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<T: Clock + ?Sized> Clock for Box<T> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::{SignedDuration, ToSpan};

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at("2026-03-01T10:00:00Z").unwrap();
        let t0 = clock.now();
        assert_eq!(t0.to_string(), "2026-03-01T10:00:00Z");
        assert_eq!(clock.now(), t0);
        let t1 = clock.advance(SignedDuration::from_mins(90)).unwrap();
        assert_eq!(t1.to_string(), "2026-03-01T11:30:00Z");
        clock.advance(30.minutes()).unwrap();
        assert_eq!(clock.now().to_string(), "2026-03-01T12:00:00Z");
        assert!(clock.advance(1.day()).is_err());
        assert!(clock.advance(SignedDuration::MAX).is_err());
        clock.set(t0);
        assert_eq!(clock.now(), t0);
    }

    #[test]
    fn at_accepts_civil_utc_forms() {
        for s in [
            "2026-03-01T10:00:00",
            "2026-03-01 10:00",
            " 2026-03-01T10:00:00+00:00 ",
        ] {
            assert_eq!(
                FixedClock::at(s).unwrap().now().to_string(),
                "2026-03-01T10:00:00Z",
                "{s}"
            );
        }
        assert_eq!(
            FixedClock::at("yesterday").unwrap_err().to_string(),
            "not a UTC date-time like 2026-03-01T10:00:00Z: 'yesterday'"
        );
    }

    #[test]
    fn today_depends_on_the_time_zone() {
        let clock = FixedClock::at("2026-03-01T23:30:00Z").unwrap();
        let paris = jiff::tz::TimeZoneDatabase::bundled()
            .get("Europe/Paris")
            .unwrap();
        assert_eq!(clock.today_in(&TimeZone::UTC), date(2026, 3, 1));
        assert_eq!(clock.today_in(&paris), date(2026, 3, 2));
    }

    #[test]
    fn wrappers_delegate() {
        let fixed = Arc::new(FixedClock::at("2026-01-01T00:00:00Z").unwrap());
        let shared: Arc<dyn Clock> = fixed.clone();
        let boxed: Box<dyn Clock> = Box::new(Arc::clone(&fixed));
        fixed.advance(SignedDuration::from_secs(5)).unwrap();
        assert_eq!(shared.now(), fixed.now());
        assert_eq!(boxed.now(), fixed.now());
        fn read<C: Clock>(clock: C) -> Timestamp {
            clock.now()
        }
        assert_eq!(read(&*fixed), fixed.now());
        assert_eq!(read(Arc::clone(&fixed)), fixed.now());
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(SystemClock.now() > "2025-01-01T00:00:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn poisoned_lock_is_not_fatal() {
        let clock = Arc::new(FixedClock::at("2026-01-01T00:00:00Z").unwrap());
        let c = Arc::clone(&clock);
        let _ = std::thread::spawn(move || {
            let _guard = c.now.lock().unwrap();
            panic!("poison the lock");
        })
        .join();
        assert!(clock.now.is_poisoned());
        clock.set("2026-06-01T00:00:00Z".parse().unwrap());
        assert_eq!(clock.now().to_string(), "2026-06-01T00:00:00Z");
    }
}
