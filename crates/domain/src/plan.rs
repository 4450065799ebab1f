//! Plans — "Échéanciers" (PRODUCT.md §5): a schedule of payments for one
//! customer and one payment method, its states, and the instalments the
//! daily run takes from it.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::codes::code_enum;
use crate::customer::creditor_reference;
use crate::value_macros::string_value;
use crate::{
    BusinessCalendar, CalendarError, CustomerCodeError, CustomerId, Instrument, Money, PaymentKind,
    PlanId, Schedule, SepaText,
};

/// The creditor's own reference for a plan (its subscription or contract
/// number), unique per creditor: what a plan file names a plan by, so that
/// the same file imported twice finds its plans instead of making others.
/// Trimmed, case kept, the same rules as a customer code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanReference(String);

/// Why a plan reference was refused (the rules of a customer code).
pub type PlanReferenceError = CustomerCodeError;

impl PlanReference {
    /// Parses a plan reference.
    pub fn parse(input: &str) -> Result<PlanReference, PlanReferenceError> {
        creditor_reference(input).map(|r| PlanReference(r.to_owned()))
    }

    /// The reference as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value!(PlanReference, PlanReferenceError, "a plan reference");

/// A plan's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStatus {
    /// At least one instalment to come ("Actif").
    Active,
    /// Every instalment is past, or the plan was stopped ("Inactif").
    Inactive,
}

impl PlanStatus {
    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<PlanStatus> {
        [PlanStatus::Active, PlanStatus::Inactive]
            .into_iter()
            .find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            PlanStatus::Active => "active",
            PlanStatus::Inactive => "inactive",
        }
    }
}

code_enum!(
    /// Why a plan stopped before its end.
    StopReason, "a stop reason", {
        /// The creditor stopped it.
        ByCreditor => "by_creditor",
        /// Its mandate was revoked.
        MandateRevoked => "mandate_revoked",
        /// Its mandate expired (36 months without a collection).
        MandateExpired => "mandate_expired",
        /// Its card alias was deleted.
        CardDeleted => "card_deleted",
        /// Its customer was suspended.
        CustomerSuspended => "customer_suspended",
        /// Its customer was struck off.
        CustomerStruckOff => "customer_struck_off",
    }
);

/// What happens to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanEvent {
    /// The creditor changes its amount, schedule or text.
    Edit,
    /// The creditor, or a change of its method or customer, stops it.
    Stop,
    /// Its last instalment was created.
    Finish,
}

/// A transition the plan's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a plan that is {from} cannot {event}")]
pub struct PlanTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl PlanStatus {
    /// The state after `event`, or why it cannot happen: only an active
    /// plan changes; an inactive plan is over for good.
    pub fn apply(self, event: PlanEvent) -> Result<Self, PlanTransitionError> {
        match (self, event) {
            (PlanStatus::Active, PlanEvent::Edit) => Ok(PlanStatus::Active),
            (PlanStatus::Active, PlanEvent::Stop | PlanEvent::Finish) => Ok(PlanStatus::Inactive),
            (from, event) => Err(PlanTransitionError {
                from: from.as_str(),
                event: match event {
                    PlanEvent::Edit => "be changed",
                    PlanEvent::Stop => "be stopped",
                    PlanEvent::Finish => "finish",
                },
            }),
        }
    }
}

/// How and when a plan was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStop {
    /// Why.
    pub reason: StopReason,
    /// When.
    pub at: Timestamp,
}

/// One instalment the daily run creates as a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    /// Its place among the plan's payments, from 0.
    pub index: u32,
    /// The date the schedule gives.
    pub nominal: Date,
    /// The due date: the nominal date, or the next TARGET2 business day.
    pub due_on: Date,
    /// No instalment comes after it.
    pub last: bool,
}

/// A plan of instalments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `plan_…`
    pub id: PlanId,
    /// The creditor's own reference for it, if it gave one.
    pub reference: Option<PlanReference>,
    /// The customer who pays.
    pub customer_id: CustomerId,
    /// Direct debit or card.
    pub kind: PaymentKind,
    /// The mandate or card alias.
    pub instrument: Instrument,
    /// The amount of each instalment.
    pub amount: Money,
    /// When instalments fall due.
    pub schedule: Schedule,
    /// The text the debtor sees on each.
    pub remittance: Option<SepaText>,
    /// Its state.
    pub status: PlanStatus,
    /// The next instalment's index in the schedule.
    pub next_index: u32,
    /// How many payments the plan has made so far (their numbers go on
    /// across changes of schedule).
    pub created_count: u32,
    /// Set when it was stopped.
    pub stop: Option<PlanStop>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// What a plan was when it was read: a save over it fails if another
/// transaction changed it since — its state, its place in the schedule
/// (the daily run moving it on) or its terms (`updated_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanVersion {
    /// Its state then.
    pub status: PlanStatus,
    /// The schedule index of its next instalment then.
    pub next_index: u32,
    /// Instalments created then.
    pub created_count: u32,
    /// Its last change then.
    pub updated_at: Timestamp,
}

impl Plan {
    /// This plan's version, to save a change over it.
    pub fn version(&self) -> PlanVersion {
        PlanVersion {
            status: self.status,
            next_index: self.next_index,
            created_count: self.created_count,
            updated_at: self.updated_at,
        }
    }

    /// The nominal date of the next instalment to create, if any: what the
    /// daily run looks for.
    pub fn next_due(&self) -> Option<Date> {
        match self.status {
            PlanStatus::Active => self.schedule.instalment(self.next_index),
            PlanStatus::Inactive => None,
        }
    }

    /// Takes the instalments falling due from `today` to `horizon` (both
    /// included) and moves past them; instalments before `today` that were
    /// never created (a plan started in the past) are skipped, not
    /// collected late. Finishes the plan when no instalment is left.
    pub fn take_due(
        &mut self,
        today: Date,
        horizon: Date,
        calendar: &BusinessCalendar,
        at: Timestamp,
    ) -> Result<Vec<Instalment>, CalendarError> {
        let mut taken = Vec::new();
        if self.status != PlanStatus::Active {
            return Ok(taken);
        }
        while let Some(nominal) = self.schedule.instalment(self.next_index) {
            if nominal > horizon {
                break;
            }
            if nominal >= today {
                taken.push(Instalment {
                    index: self.created_count,
                    nominal,
                    due_on: calendar.same_or_next_business_day(nominal)?,
                    last: self.schedule.instalment(self.next_index + 1).is_none(),
                });
                self.created_count += 1;
            }
            self.next_index += 1;
        }
        if self.schedule.instalment(self.next_index).is_none() {
            // Every instalment is created: nothing is left to come.
            self.status = PlanStatus::Inactive;
        }
        if !taken.is_empty() || self.status == PlanStatus::Inactive {
            self.updated_at = at;
        }
        Ok(taken)
    }

    /// Stops the plan: no instalment is created any more (the caller
    /// cancels those waiting to be sent).
    pub fn stop(&mut self, reason: StopReason, at: Timestamp) -> Result<(), PlanTransitionError> {
        self.status = self.status.apply(PlanEvent::Stop)?;
        self.stop = Some(PlanStop { reason, at });
        self.updated_at = at;
        Ok(())
    }

    /// Changes amount, schedule and text. Instalments follow the new
    /// schedule from its first date on or after `resume_on` (the caller
    /// passes the day after the last instalment sent to the bank, or today,
    /// and re-creates those waiting to be sent).
    pub fn edit(
        &mut self,
        amount: Money,
        schedule: Schedule,
        remittance: Option<SepaText>,
        resume_on: Date,
        at: Timestamp,
    ) -> Result<(), PlanTransitionError> {
        self.status = self.status.apply(PlanEvent::Edit)?;
        self.amount = amount;
        self.schedule = schedule;
        self.remittance = remittance;
        self.next_index = schedule
            .due_between(resume_on, Date::MAX)
            .next()
            .map_or(u32::MAX, |(index, _)| index);
        if schedule.instalment(self.next_index).is_none() {
            self.status = self.status.apply(PlanEvent::Finish)?;
        }
        self.updated_at = at;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CollectionDay, Currency, Frequency, MandateId, PlanEnd};
    use jiff::civil::date;
    use proptest::prelude::*;

    fn at() -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap()
    }

    fn plan(schedule: Schedule) -> Plan {
        Plan {
            id: PlanId::parse("plan_1").unwrap(),
            reference: None,
            customer_id: CustomerId::parse("cus_1").unwrap(),
            kind: PaymentKind::SepaDirectDebit,
            instrument: Instrument::Mandate(MandateId::parse("mdt_1").unwrap()),
            amount: Money::from_minor(2_990, Currency::EUR),
            schedule,
            remittance: None,
            status: PlanStatus::Active,
            next_index: 0,
            created_count: 0,
            stop: None,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn monthly(day: i64, start: Date, end: PlanEnd) -> Schedule {
        Schedule::new(
            Frequency::Monthly,
            CollectionDay::new(day).unwrap(),
            start,
            end,
        )
        .unwrap()
    }

    #[test]
    fn instalments_are_taken_once_within_the_horizon() {
        let mut p = plan(monthly(5, date(2027, 1, 1), PlanEnd::AfterInstalments(3)));
        let cal = BusinessCalendar::TARGET2;
        let first = p
            .take_due(date(2026, 12, 25), date(2027, 1, 8), &cal, at())
            .unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].nominal, date(2027, 1, 5));
        assert_eq!(first[0].index, 0);
        assert!(!first[0].last);
        // The same window again gives nothing: the plan moved past it.
        assert!(
            p.take_due(date(2026, 12, 25), date(2027, 1, 8), &cal, at())
                .unwrap()
                .is_empty()
        );
        let rest = p
            .take_due(date(2027, 1, 20), date(2027, 3, 31), &cal, at())
            .unwrap();
        assert_eq!(
            rest.iter().map(|i| (i.index, i.last)).collect::<Vec<_>>(),
            [(1, false), (2, true)]
        );
        assert_eq!(p.status, PlanStatus::Inactive);
        assert_eq!(p.next_due(), None);
    }

    #[test]
    fn a_holiday_moves_the_due_date_to_the_next_business_day() {
        // 1 May 2027 is a Saturday and a TARGET2 holiday; Monday 3rd is due.
        let mut p = plan(monthly(1, date(2027, 4, 20), PlanEnd::OpenEnded));
        let taken = p
            .take_due(
                date(2027, 4, 20),
                date(2027, 5, 2),
                &BusinessCalendar::TARGET2,
                at(),
            )
            .unwrap();
        assert_eq!(taken[0].nominal, date(2027, 5, 1));
        assert_eq!(taken[0].due_on, date(2027, 5, 3));
        assert_eq!(p.status, PlanStatus::Active);
    }

    #[test]
    fn past_instalments_of_a_late_plan_are_skipped() {
        let mut p = plan(monthly(10, date(2026, 6, 1), PlanEnd::OpenEnded));
        let taken = p
            .take_due(
                date(2026, 9, 1),
                date(2026, 9, 15),
                &BusinessCalendar::TARGET2,
                at(),
            )
            .unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].nominal, date(2026, 9, 10));
        assert_eq!(taken[0].index, 0);
    }

    #[test]
    fn a_stopped_plan_takes_nothing_and_cannot_be_changed() {
        let mut p = plan(monthly(5, date(2027, 1, 1), PlanEnd::OpenEnded));
        p.stop(StopReason::MandateRevoked, at()).unwrap();
        assert_eq!(p.status, PlanStatus::Inactive);
        let taken = p
            .take_due(
                date(2027, 1, 1),
                date(2027, 12, 31),
                &BusinessCalendar::TARGET2,
                at(),
            )
            .unwrap();
        assert!(taken.is_empty());
        let error = p
            .edit(p.amount, p.schedule, None, date(2027, 1, 1), at())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "a plan that is inactive cannot be changed"
        );
        assert!(p.stop(StopReason::ByCreditor, at()).is_err());
        assert_eq!(
            PlanStatus::Inactive.apply(PlanEvent::Finish),
            Err(PlanTransitionError {
                from: "inactive",
                event: "finish"
            })
        );
    }

    #[test]
    fn an_edit_applies_from_today_and_keeps_numbering() {
        let mut p = plan(monthly(5, date(2027, 1, 1), PlanEnd::OpenEnded));
        let cal = BusinessCalendar::TARGET2;
        p.take_due(date(2027, 1, 1), date(2027, 2, 28), &cal, at())
            .unwrap();
        assert_eq!(p.created_count, 2);
        let quarterly = Schedule::new(
            Frequency::Quarterly,
            CollectionDay::new(20).unwrap(),
            date(2027, 1, 1),
            PlanEnd::OpenEnded,
        )
        .unwrap();
        p.edit(
            Money::from_minor(5_000, Currency::EUR),
            quarterly,
            None,
            date(2027, 3, 1),
            at(),
        )
        .unwrap();
        // Quarterly from 20 January: the first on or after 1 March is 20 April.
        assert_eq!(p.next_due(), Some(date(2027, 4, 20)));
        let taken = p
            .take_due(date(2027, 3, 1), date(2027, 4, 30), &cal, at())
            .unwrap();
        assert_eq!(taken[0].index, 2);
        // An end already past finishes the plan.
        let ended = monthly(5, date(2027, 1, 1), PlanEnd::OnDate(date(2027, 2, 1)));
        p.edit(p.amount, ended, None, date(2027, 3, 1), at())
            .unwrap();
        assert_eq!(p.status, PlanStatus::Inactive);
    }

    #[test]
    fn a_plan_reference_follows_the_rules_of_a_customer_code() {
        assert_eq!(
            PlanReference::parse("  ABO-2027-0001 ").unwrap().as_str(),
            "ABO-2027-0001"
        );
        assert_eq!(
            PlanReference::parse(" ").unwrap_err().to_string(),
            "is empty"
        );
        assert_eq!(
            PlanReference::parse("A\tB").unwrap_err().to_string(),
            "must not contain control characters (position 2)"
        );
        assert!(PlanReference::parse(&"x".repeat(51)).is_err());
    }

    proptest! {
        /// However the daily runs fall, every instalment in the windows they
        /// cover is created exactly once, in order, with increasing numbers.
        #[test]
        fn runs_create_each_instalment_once(
            day in 1i64..=31,
            steps in prop::collection::vec(1i64..40, 1..30),
            horizon in 0i64..30,
        ) {
            let start = date(2027, 1, 1);
            let mut p = plan(monthly(day, start, PlanEnd::AfterInstalments(12)));
            let cal = BusinessCalendar::TARGET2;
            let mut today = start;
            let mut seen = Vec::new();
            for step in steps {
                let until = today.checked_add(jiff::Span::new().days(horizon)).unwrap();
                seen.extend(p.take_due(today, until, &cal, at()).unwrap());
                today = today.checked_add(jiff::Span::new().days(step)).unwrap();
                if today > until {
                    // Runs never leave a gap: each starts where the last window ended.
                    today = until.tomorrow().unwrap();
                }
            }
            for (n, instalment) in seen.iter().enumerate() {
                prop_assert_eq!(instalment.index as usize, n);
                prop_assert!(cal.is_business_day(instalment.due_on));
                prop_assert!(instalment.due_on >= instalment.nominal);
            }
            let nominals: Vec<Date> = seen.iter().map(|i| i.nominal).collect();
            let expected: Vec<Date> = (0..12)
                .filter_map(|i| p.schedule.instalment(i))
                .take(nominals.len())
                .collect();
            prop_assert_eq!(nominals, expected);
        }
    }
}
