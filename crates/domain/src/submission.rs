//! When a collection file must reach the bank for a given due date.
//!
//! SEPA Core since 2016: D-1, i.e. one TARGET2 business day before the due
//! date, before the bank's cut-off time. All times here are civil times in
//! the creditor's time zone (see `CreditorTimeZone`); converting "now" to
//! that zone is the caller's job.

use jiff::civil::{Date, DateTime, Time};

use crate::calendar::{BusinessCalendar, CalendarError};

/// Cut-off time and lead time (in TARGET2 business days) of the creditor's bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SubmissionRule {
    cutoff: Time,
    lead_business_days: u8,
    #[serde(skip)]
    calendar: BusinessCalendar,
}

/// Why a submission deadline could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    /// Collections can only be due on a business day.
    #[error("due date {0} is not a TARGET2 business day")]
    NotBusinessDay(Date),
    /// The dates involved leave the supported calendar range.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

impl SubmissionRule {
    /// A rule with the bank's `cutoff` on the day `lead_business_days`
    /// business days before the due date (0 means on the due date itself).
    pub const fn new(cutoff: Time, lead_business_days: u8) -> SubmissionRule {
        SubmissionRule {
            cutoff,
            lead_business_days,
            calendar: BusinessCalendar::TARGET2,
        }
    }

    /// The SEPA Core default, D-1, with the bank's `cutoff`.
    pub const fn d_minus_1(cutoff: Time) -> SubmissionRule {
        SubmissionRule::new(cutoff, 1)
    }

    /// The bank's cut-off time.
    pub const fn cutoff(&self) -> Time {
        self.cutoff
    }

    /// How many business days before the due date the cut-off falls.
    pub const fn lead_business_days(&self) -> u8 {
        self.lead_business_days
    }

    /// The last instant (exclusive) to submit for `due`: the cut-off on the
    /// business day `lead` business days before it. `due` must be a
    /// business day.
    pub fn submission_deadline(&self, due: Date) -> Result<DateTime, SubmissionError> {
        if !self.calendar.is_business_day(due) {
            return Err(SubmissionError::NotBusinessDay(due));
        }
        let day = self
            .calendar
            .add_business_days(due, -i32::from(self.lead_business_days))?;
        Ok(day.to_datetime(self.cutoff))
    }

    /// True when a file submitted at `now_local` still makes `due`.
    pub fn is_in_time(&self, now_local: DateTime, due: Date) -> Result<bool, SubmissionError> {
        Ok(now_local < self.submission_deadline(due)?)
    }

    /// The first business day D such that `now_local` is strictly before
    /// `submission_deadline(D)`: at the cut-off exactly it is already too late.
    pub fn earliest_due_date(&self, now_local: DateTime) -> Result<Date, SubmissionError> {
        let mut due = self.calendar.same_or_next_business_day(now_local.date())?;
        // Deadlines grow with the due date, so this ends after a few steps.
        while now_local >= self.submission_deadline(due)? {
            due = self.calendar.next_business_day(due)?;
        }
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn rule() -> SubmissionRule {
        SubmissionRule::d_minus_1(time(16, 0, 0, 0))
    }

    #[test]
    fn deadline_is_cutoff_on_the_previous_business_day() {
        assert_eq!(
            rule().submission_deadline(date(2026, 4, 7)),
            Ok(date(2026, 4, 2).at(16, 0, 0, 0))
        );
        assert_eq!(
            rule().submission_deadline(date(2026, 3, 16)),
            Ok(date(2026, 3, 13).at(16, 0, 0, 0))
        );
        assert_eq!(
            SubmissionRule::new(time(10, 30, 0, 0), 2).submission_deadline(date(2026, 12, 28)),
            Ok(date(2026, 12, 23).at(10, 30, 0, 0))
        );
        assert_eq!(
            SubmissionRule::new(time(9, 0, 0, 0), 0).submission_deadline(date(2026, 12, 28)),
            Ok(date(2026, 12, 28).at(9, 0, 0, 0))
        );
    }

    #[test]
    fn due_date_must_be_a_business_day() {
        assert_eq!(
            rule()
                .submission_deadline(date(2026, 12, 25))
                .unwrap_err()
                .to_string(),
            "due date 2026-12-25 is not a TARGET2 business day"
        );
        assert_eq!(
            rule()
                .submission_deadline(date(1990, 1, 2))
                .unwrap_err()
                .to_string(),
            "year 1989 is outside the supported range 1990..=2100"
        );
    }

    #[test]
    fn cutoff_boundary() {
        let r = rule();
        let due = date(2026, 4, 7);
        let before = date(2026, 4, 2).at(15, 59, 59, 0);
        let exactly = date(2026, 4, 2).at(16, 0, 0, 0);
        let after = date(2026, 4, 2).at(16, 0, 1, 0);
        assert_eq!(r.is_in_time(before, due), Ok(true));
        assert_eq!(r.is_in_time(exactly, due), Ok(false));
        assert_eq!(r.is_in_time(after, due), Ok(false));
        assert_eq!(r.earliest_due_date(before), Ok(date(2026, 4, 7)));
        assert_eq!(r.earliest_due_date(exactly), Ok(date(2026, 4, 8)));
        assert_eq!(r.earliest_due_date(after), Ok(date(2026, 4, 8)));
    }

    #[test]
    fn earliest_due_date_over_weekends_and_holidays() {
        let r = rule();
        // Thursday 2026-12-24 morning: due Monday 28 (25, 26 closed, 27 Sunday).
        assert_eq!(
            r.earliest_due_date(date(2026, 12, 24).at(9, 0, 0, 0)),
            Ok(date(2026, 12, 28))
        );
        // Saturday: the next business day (Mon) is the submission day, so Tue.
        assert_eq!(
            r.earliest_due_date(date(2026, 3, 14).at(9, 0, 0, 0)),
            Ok(date(2026, 3, 17))
        );
        // Tuesday 14 July is an ordinary business day.
        assert_eq!(
            r.earliest_due_date(date(2026, 7, 13).at(12, 0, 0, 0)),
            Ok(date(2026, 7, 14))
        );
        let same_day = SubmissionRule::new(time(9, 0, 0, 0), 0);
        assert_eq!(
            same_day.earliest_due_date(date(2026, 7, 14).at(8, 59, 59, 0)),
            Ok(date(2026, 7, 14))
        );
        assert_eq!(
            same_day.earliest_due_date(date(2026, 7, 14).at(9, 0, 0, 0)),
            Ok(date(2026, 7, 15))
        );
    }

    #[test]
    fn serde() {
        let json = serde_json::to_string(&rule()).unwrap();
        assert_eq!(json, r#"{"cutoff":"16:00:00","lead_business_days":1}"#);
        assert_eq!(
            serde_json::from_str::<SubmissionRule>(&json).unwrap(),
            rule()
        );
    }
}
