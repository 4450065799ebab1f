//! A plan's schedule (PRODUCT.md §5): how often, on which day, from when
//! and until when its instalments fall due. The dates here are the nominal
//! ones; the daily run moves a date that is not a TARGET2 business day.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use crate::codes::code_enum;

code_enum!(
    /// How often a plan's instalments fall due.
    Frequency, "a frequency: weekly, monthly, quarterly, half_yearly or yearly", {
        /// Every 7 days.
        Weekly => "weekly",
        /// Every month.
        Monthly => "monthly",
        /// Every 3 months.
        Quarterly => "quarterly",
        /// Every 6 months.
        HalfYearly => "half_yearly",
        /// Every 12 months.
        Yearly => "yearly",
    }
);

impl Frequency {
    /// The months between two instalments, or `None` for weekly.
    fn months(self) -> Option<i32> {
        match self {
            Frequency::Weekly => None,
            Frequency::Monthly => Some(1),
            Frequency::Quarterly => Some(3),
            Frequency::HalfYearly => Some(6),
            Frequency::Yearly => Some(12),
        }
    }
}

/// When a plan stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanEnd {
    /// Until it is stopped.
    OpenEnded,
    /// No instalment after this date.
    OnDate(Date),
    /// After this many instalments (at least one).
    AfterInstalments(u32),
}

/// The day of the month an instalment falls due (1 to 31; in a shorter
/// month, its last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollectionDay(i8);

/// A collection day outside 1–31.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a collection day is a day of the month, from 1 to 31 (got {0})")]
pub struct CollectionDayError(pub i64);

impl CollectionDay {
    /// The day, checked.
    pub fn new(day: i64) -> Result<Self, CollectionDayError> {
        i8::try_from(day)
            .ok()
            .filter(|d| (1..=31).contains(d))
            .map(CollectionDay)
            .ok_or(CollectionDayError(day))
    }

    /// The day of the month, 1 to 31.
    pub fn get(self) -> i8 {
        self.0
    }

    /// This day in the month of `any_day`, or the month's last day.
    fn in_month_of(self, any_day: Date) -> Date {
        let last = any_day.last_of_month();
        last.with()
            .day(self.0.min(last.day()))
            .build()
            .unwrap_or(last)
    }
}

/// A schedule that cannot produce a date (it would end before it starts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// An end date before the first instalment.
    #[error("the plan ends on {end}, before its first instalment on {first}")]
    EndsBeforeFirst {
        /// The end date given.
        end: Date,
        /// The first instalment's date.
        first: Date,
    },
    /// A number of instalments of zero.
    #[error("a plan has at least one instalment")]
    NoInstalment,
}

/// How a plan's instalments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    frequency: Frequency,
    day: CollectionDay,
    start: Date,
    end: PlanEnd,
}

impl Schedule {
    /// A schedule from `start`: the first instalment is the first collection
    /// day on or after it (for weekly plans, `start` itself, then every 7
    /// days; `day` is then ignored).
    pub fn new(
        frequency: Frequency,
        day: CollectionDay,
        start: Date,
        end: PlanEnd,
    ) -> Result<Self, ScheduleError> {
        let schedule = Schedule {
            frequency,
            day,
            start,
            end,
        };
        match end {
            PlanEnd::AfterInstalments(0) => Err(ScheduleError::NoInstalment),
            PlanEnd::OnDate(end) => match schedule.nominal(0) {
                Some(first) if first > end => Err(ScheduleError::EndsBeforeFirst { end, first }),
                _ => Ok(schedule),
            },
            _ => Ok(schedule),
        }
    }

    /// How often.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// The collection day.
    pub fn day(&self) -> CollectionDay {
        self.day
    }

    /// The first possible date.
    pub fn start(&self) -> Date {
        self.start
    }

    /// When it stops.
    pub fn end(&self) -> PlanEnd {
        self.end
    }

    /// The date of instalment `index` (0 for the first), whether or not the
    /// plan's end allows it; `None` past the calendar's range.
    fn nominal(&self, index: u32) -> Option<Date> {
        let index = i32::try_from(index).ok()?;
        match self.frequency.months() {
            None => self
                .start
                .checked_add(Span::new().try_days(index.checked_mul(7)?).ok()?)
                .ok(),
            Some(months) => {
                let first_month = if self.day.in_month_of(self.start) >= self.start {
                    self.start
                } else {
                    self.start.first_of_month().checked_add(1.month()).ok()?
                };
                let month = first_month
                    .first_of_month()
                    .checked_add(Span::new().try_months(index.checked_mul(months)?).ok()?)
                    .ok()?;
                Some(self.day.in_month_of(month))
            }
        }
    }

    /// The date of instalment `index` (0 for the first), or `None` when the
    /// plan has ended by then.
    pub fn instalment(&self, index: u32) -> Option<Date> {
        let date = self.nominal(index)?;
        match self.end {
            PlanEnd::OpenEnded => Some(date),
            PlanEnd::OnDate(end) => (date <= end).then_some(date),
            PlanEnd::AfterInstalments(count) => (index < count).then_some(date),
        }
    }

    /// The instalments due from `from` to `until` (both included), with
    /// their index, in order.
    pub fn due_between(&self, from: Date, until: Date) -> impl Iterator<Item = (u32, Date)> + '_ {
        (0..)
            .map_while(move |index| self.instalment(index).map(|date| (index, date)))
            .skip_while(move |(_, date)| *date < from)
            .take_while(move |(_, date)| *date <= until)
    }

    /// True when no instalment falls due after `day`: the plan is over
    /// ("Inactif").
    pub fn is_over_after(&self, day: Date) -> bool {
        self.due_between(day.tomorrow().unwrap_or(day), Date::MAX)
            .next()
            .is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn day(d: i64) -> CollectionDay {
        CollectionDay::new(d).unwrap()
    }

    fn dates(schedule: &Schedule, n: u32) -> Vec<Date> {
        (0..n).filter_map(|i| schedule.instalment(i)).collect()
    }

    #[test]
    fn monthly_on_the_31st_falls_on_each_month_s_last_day() {
        let s = Schedule::new(
            Frequency::Monthly,
            day(31),
            date(2027, 1, 10),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        assert_eq!(
            dates(&s, 4),
            [
                date(2027, 1, 31),
                date(2027, 2, 28),
                date(2027, 3, 31),
                date(2027, 4, 30)
            ]
        );
        let leap = Schedule::new(
            Frequency::Monthly,
            day(30),
            date(2028, 1, 30),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        assert_eq!(dates(&leap, 2), [date(2028, 1, 30), date(2028, 2, 29)]);
    }

    #[test]
    fn the_first_instalment_is_the_first_collection_day_from_the_start() {
        let after = Schedule::new(
            Frequency::Quarterly,
            day(5),
            date(2027, 1, 6),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        assert_eq!(
            dates(&after, 3),
            [date(2027, 2, 5), date(2027, 5, 5), date(2027, 8, 5)]
        );
        let on = Schedule::new(
            Frequency::Yearly,
            day(6),
            date(2027, 1, 6),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        assert_eq!(dates(&on, 2), [date(2027, 1, 6), date(2028, 1, 6)]);
        let half = Schedule::new(
            Frequency::HalfYearly,
            day(15),
            date(2027, 11, 20),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        assert_eq!(dates(&half, 2), [date(2027, 12, 15), date(2028, 6, 15)]);
    }

    #[test]
    fn weekly_plans_count_7_days_from_the_start() {
        let s = Schedule::new(
            Frequency::Weekly,
            day(1),
            date(2027, 12, 24),
            PlanEnd::AfterInstalments(3),
        )
        .unwrap();
        assert_eq!(
            dates(&s, 5),
            [date(2027, 12, 24), date(2027, 12, 31), date(2028, 1, 7)]
        );
    }

    #[test]
    fn a_plan_ends_by_date_or_by_count() {
        let by_date = Schedule::new(
            Frequency::Monthly,
            day(10),
            date(2027, 1, 1),
            PlanEnd::OnDate(date(2027, 3, 10)),
        )
        .unwrap();
        assert_eq!(by_date.due_between(date(2000, 1, 1), Date::MAX).count(), 3);
        assert!(!by_date.is_over_after(date(2027, 3, 9)));
        assert!(by_date.is_over_after(date(2027, 3, 10)));

        let by_count = Schedule::new(
            Frequency::Monthly,
            day(10),
            date(2027, 1, 1),
            PlanEnd::AfterInstalments(2),
        )
        .unwrap();
        assert_eq!(by_count.instalment(1), Some(date(2027, 2, 10)));
        assert_eq!(by_count.instalment(2), None);
    }

    #[test]
    fn impossible_schedules_are_refused() {
        assert_eq!(
            Schedule::new(
                Frequency::Monthly,
                day(10),
                date(2027, 1, 11),
                PlanEnd::OnDate(date(2027, 2, 1))
            ),
            Err(ScheduleError::EndsBeforeFirst {
                end: date(2027, 2, 1),
                first: date(2027, 2, 10)
            })
        );
        assert_eq!(
            Schedule::new(
                Frequency::Monthly,
                day(10),
                date(2027, 1, 1),
                PlanEnd::AfterInstalments(0)
            ),
            Err(ScheduleError::NoInstalment)
        );
        assert_eq!(CollectionDay::new(0), Err(CollectionDayError(0)));
        assert_eq!(CollectionDay::new(32), Err(CollectionDayError(32)));
        assert_eq!(Frequency::parse("half_yearly"), Ok(Frequency::HalfYearly));
    }

    #[test]
    fn due_between_picks_the_window_with_indexes() {
        let s = Schedule::new(
            Frequency::Monthly,
            day(1),
            date(2027, 1, 1),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        let window: Vec<_> = s.due_between(date(2027, 3, 1), date(2027, 4, 15)).collect();
        assert_eq!(window, [(2, date(2027, 3, 1)), (3, date(2027, 4, 1))]);
    }

    proptest! {
        /// Instalments strictly increase, never come before the start, fall on
        /// the collection day (or the month's last day), and their spacing
        /// is the frequency's.
        #[test]
        fn instalments_follow_the_frequency(
            frequency in prop::sample::select(Frequency::ALL.to_vec()),
            collection_day in 1i64..=31,
            start_offset in 0i32..3650,
            count in 1u32..40,
        ) {
            let start = date(2026, 1, 1).checked_add(start_offset.days()).unwrap();
            let s = Schedule::new(frequency, day(collection_day), start, PlanEnd::AfterInstalments(count)).unwrap();
            let all = dates(&s, count + 5);
            prop_assert_eq!(all.len(), count as usize);
            prop_assert!(all[0] >= start);
            for pair in all.windows(2) {
                prop_assert!(pair[0] < pair[1]);
                match frequency.months() {
                    None => prop_assert_eq!(pair[0].until(pair[1]).unwrap().get_days(), 7),
                    Some(months) => {
                        let apart = (i32::from(pair[1].year()) * 12 + i32::from(pair[1].month()))
                            - (i32::from(pair[0].year()) * 12 + i32::from(pair[0].month()));
                        prop_assert_eq!(apart, months);
                    }
                }
            }
            if frequency != Frequency::Weekly {
                for d in &all {
                    let expected = (collection_day as i8).min(d.last_of_month().day());
                    prop_assert_eq!(d.day(), expected);
                }
            }
        }
    }
}
