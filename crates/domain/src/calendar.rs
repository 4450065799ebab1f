//! The TARGET2 (T2) business-day calendar that SEPA settlement follows.
//!
//! Closed: Saturdays, Sundays, 1 January, Good Friday, Easter Monday,
//! 1 May, 25 and 26 December. National holidays (14 July, 15 August, …) are
//! business days for SEPA. Supported years: 1990..=2100. `is_business_day`
//! answers for any date (the rules need only the Gregorian computus); the
//! functions that move across days return `CalendarError` rather than
//! leave the supported range.

use jiff::civil::{Date, Weekday};

/// First supported year.
pub const MIN_YEAR: i16 = 1990;
/// Last supported year.
pub const MAX_YEAR: i16 = 2100;

/// Why a calendar computation could not be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The input or the result is outside 1990..=2100.
    #[error("year {0} is outside the supported range 1990..=2100")]
    YearOutOfRange(i16),
}

/// The TARGET2 business-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BusinessCalendar {
    // Private so other calendars (another settlement system) can be added
    // without changing callers.
    _private: (),
}

impl BusinessCalendar {
    /// The TARGET2 calendar.
    pub const TARGET2: BusinessCalendar = BusinessCalendar { _private: () };

    /// The TARGET2 calendar (same as [`BusinessCalendar::TARGET2`]).
    pub const fn target2() -> BusinessCalendar {
        BusinessCalendar::TARGET2
    }

    /// True when TARGET2 settles on `d`.
    pub fn is_business_day(&self, d: Date) -> bool {
        if matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return false;
        }
        match (d.month(), d.day()) {
            (1, 1) | (5, 1) | (12, 25) | (12, 26) => return false,
            _ => {}
        }
        // Good Friday is Easter - 2, Easter Monday Easter + 1; both fall in
        // March or April, so day-of-year arithmetic within the year is exact.
        let from_easter = d.day_of_year() - computus(d.year()).day_of_year();
        from_easter != -2 && from_easter != 1
    }

    /// Moves `n` business days from `d`: `n > 0` forwards, `n < 0` backwards,
    /// each step landing on the next (previous) business day strictly after
    /// (before) the current one. `n == 0` returns `d` if it is a business day,
    /// else the following business day (the "following" convention), so the
    /// result is always a business day.
    pub fn add_business_days(&self, d: Date, n: i32) -> Result<Date, CalendarError> {
        check_year(d)?;
        if n == 0 {
            return if self.is_business_day(d) {
                Ok(d)
            } else {
                self.next_business_day(d)
            };
        }
        let mut current = d;
        for _ in 0..n.unsigned_abs() {
            current = if n > 0 {
                self.next_business_day(current)?
            } else {
                self.previous_business_day(current)?
            };
        }
        Ok(current)
    }

    /// The first business day strictly after `d`.
    pub fn next_business_day(&self, d: Date) -> Result<Date, CalendarError> {
        self.step(d, Date::tomorrow)
    }

    /// The last business day strictly before `d`.
    pub fn previous_business_day(&self, d: Date) -> Result<Date, CalendarError> {
        self.step(d, Date::yesterday)
    }

    /// `d` if it is a business day, else the next one.
    pub fn same_or_next_business_day(&self, d: Date) -> Result<Date, CalendarError> {
        self.add_business_days(d, 0)
    }

    fn step(
        &self,
        d: Date,
        advance: fn(Date) -> Result<Date, jiff::Error>,
    ) -> Result<Date, CalendarError> {
        check_year(d)?;
        let mut current = d;
        // At most four closed days in a row (Good Friday to Easter Monday),
        // so this loop is short; the year check stops it at the range edge.
        loop {
            current =
                advance(current).map_err(|_| CalendarError::YearOutOfRange(current.year()))?;
            check_year(current)?;
            if self.is_business_day(current) {
                return Ok(current);
            }
        }
    }
}

/// Easter Sunday of `year` (Gregorian computus), for 1990..=2100.
pub fn easter_sunday(year: i16) -> Result<Date, CalendarError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(CalendarError::YearOutOfRange(year));
    }
    Ok(computus(year))
}

fn check_year(d: Date) -> Result<(), CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(d.year()))
    }
}

/// Anonymous Gregorian algorithm (Meeus/Jones/Butcher). Valid for every
/// year jiff supports; the arithmetic stays within i32 and the result is
/// always 22 March..=25 April, so the date is valid.
fn computus(year: i16) -> Date {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day 1..=31 by construction; fall back to 1 April
    // only to stay panic-free.
    let month = i8::try_from(month).unwrap_or(4);
    let day = i8::try_from(day).unwrap_or(1);
    Date::new(year, month, day).unwrap_or(Date::constant(2000, 4, 23))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    const CAL: BusinessCalendar = BusinessCalendar::TARGET2;

    #[test]
    fn easter_dates() {
        for (year, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2000, 4, 23),
            (2038, 4, 25),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (1990, 4, 15),
            (2100, 3, 28),
        ] {
            assert_eq!(easter_sunday(year).unwrap(), date(year, m, d), "{year}");
        }
        assert_eq!(
            easter_sunday(1989),
            Err(CalendarError::YearOutOfRange(1989))
        );
        assert_eq!(
            easter_sunday(2101).unwrap_err().to_string(),
            "year 2101 is outside the supported range 1990..=2100"
        );
    }

    #[test]
    fn closing_days_2026() {
        let closed = [
            date(2026, 1, 1),
            date(2026, 4, 3), // Good Friday
            date(2026, 4, 6), // Easter Monday
            date(2026, 5, 1),
            date(2026, 12, 25),
            date(2026, 12, 26), // a Saturday anyway
            date(2026, 8, 15),  // Saturday
            date(2026, 8, 16),  // Sunday
        ];
        for d in closed {
            assert!(!CAL.is_business_day(d), "{d}");
        }
        let open = [
            date(2026, 4, 2),
            date(2026, 4, 7),
            date(2026, 7, 14), // Bastille Day: open for TARGET2
            date(2026, 5, 8),
            date(2026, 5, 14), // Ascension
            date(2026, 12, 24),
            date(2026, 12, 31),
            date(2026, 11, 11),
        ];
        for d in open {
            assert!(CAL.is_business_day(d), "{d}");
        }
        // Easter Sunday is a Sunday; the Friday after Easter is open.
        assert!(CAL.is_business_day(date(2026, 4, 10)));
    }

    #[test]
    fn stepping_over_easter_and_christmas() {
        assert_eq!(
            CAL.next_business_day(date(2026, 4, 2)),
            Ok(date(2026, 4, 7))
        );
        assert_eq!(
            CAL.previous_business_day(date(2026, 4, 7)),
            Ok(date(2026, 4, 2))
        );
        assert_eq!(
            CAL.next_business_day(date(2026, 12, 24)),
            Ok(date(2026, 12, 28))
        );
        assert_eq!(
            CAL.next_business_day(date(2027, 12, 24)),
            Ok(date(2027, 12, 27))
        );
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 1), 2),
            Ok(date(2026, 4, 7))
        );
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 7), -2),
            Ok(date(2026, 4, 1))
        );
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 8), 0),
            Ok(date(2026, 4, 8))
        );
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 3), 0),
            Ok(date(2026, 4, 7))
        );
        assert_eq!(
            CAL.same_or_next_business_day(date(2026, 12, 25)),
            Ok(date(2026, 12, 28))
        );
        // From a closed day, one step forward is the first open day after it.
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 4), 1),
            Ok(date(2026, 4, 7))
        );
        assert_eq!(
            CAL.add_business_days(date(2026, 4, 4), -1),
            Ok(date(2026, 4, 2))
        );
    }

    #[test]
    fn range_edges() {
        assert_eq!(
            CAL.next_business_day(date(2100, 12, 31)),
            Err(CalendarError::YearOutOfRange(2101))
        );
        assert_eq!(
            CAL.previous_business_day(date(1990, 1, 2)),
            Err(CalendarError::YearOutOfRange(1989))
        );
        assert_eq!(
            CAL.add_business_days(date(2050, 6, 1), i32::MAX),
            Err(CalendarError::YearOutOfRange(2101))
        );
        assert_eq!(
            CAL.add_business_days(date(1900, 6, 1), 1),
            Err(CalendarError::YearOutOfRange(1900))
        );
        assert!(!CAL.is_business_day(date(1800, 12, 25)));
    }

    /// A date from which ±300 business days (about 14 months) stay inside
    /// the supported years.
    fn supported_date() -> impl Strategy<Value = Date> {
        (1992i16..=2098, 1i16..=365).prop_map(|(y, doy)| {
            date(y, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(doy) - 1))
                .unwrap()
        })
    }

    proptest! {
        #[test]
        fn add_lands_on_a_business_day(d in supported_date(), n in -300i32..300) {
            let r = CAL.add_business_days(d, n).unwrap();
            prop_assert!(CAL.is_business_day(r));
            let moved_right_way = match n.signum() {
                1 => r > d,
                -1 => r < d,
                _ => r >= d,
            };
            prop_assert!(moved_right_way);
        }

        #[test]
        fn add_then_subtract_returns(d in supported_date(), n in -300i32..300) {
            // Start from a business day (rolling forward rather than
            // rejecting, which would starve the generator).
            let d = CAL.same_or_next_business_day(d).unwrap();
            let there = CAL.add_business_days(d, n).unwrap();
            prop_assert_eq!(CAL.add_business_days(there, -n).unwrap(), d);
        }

        #[test]
        fn previous_and_next_surround(d in supported_date()) {
            let prev = CAL.previous_business_day(d).unwrap();
            let next = CAL.next_business_day(d).unwrap();
            prop_assert!(prev < d && d < next);
            prop_assert!(CAL.is_business_day(prev) && CAL.is_business_day(next));
            // Nothing open strictly in between, apart from d itself.
            let mut x = prev.tomorrow().unwrap();
            while x < next {
                prop_assert!(x == d || !CAL.is_business_day(x));
                x = x.tomorrow().unwrap();
            }
        }

        #[test]
        fn closed_weekdays_come_alone_or_at_easter_and_christmas(d in supported_date()) {
            // Three closed weekdays in a row never happen: the longest runs
            // are Good Friday..Easter Monday and 25-26 December (plus a
            // weekend), and 1 January / 1 May stand alone.
            let weekdays: Vec<Date> = d.series(jiff::Span::new().days(1))
                .filter(|x| !matches!(x.weekday(), Weekday::Saturday | Weekday::Sunday))
                .take(3)
                .collect();
            prop_assert!(weekdays.iter().any(|&x| CAL.is_business_day(x)));
            let closed_weekdays = weekdays.iter().filter(|&&x| !CAL.is_business_day(x)).count();
            if closed_weekdays == 2 {
                let easter = computus(d.year());
                let near_easter = weekdays.iter().all(|x| (x.day_of_year() - easter.day_of_year()).abs() < 10);
                let near_christmas = weekdays.iter().all(|x| x.month() == 12 || x.month() == 1);
                prop_assert!(near_easter || near_christmas, "{:?}", weekdays);
            }
        }
    }
}
