//! Payments (PRODUCT.md §4): their kinds, their states and what moves them.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::codes::code_enum;
use crate::{
    CardAliasId, Currency, CustomerId, EndToEndId, MandateId, Money, PaymentCause, PaymentId,
    PlanId, SepaText,
};

code_enum!(
    /// What a payment moves, and how.
    PaymentKind, "a payment kind: sepa_direct_debit, card, refund or transfer", {
        /// Collected from the debtor's account on a SEPA mandate (pain.008).
        SepaDirectDebit => "sepa_direct_debit",
        /// Charged to a card alias through the card gateway.
        Card => "card",
        /// Paid back to a debtor by credit transfer (pain.001).
        Refund => "refund",
        /// Paid to the creditor's own account by credit transfer (pain.001).
        Transfer => "transfer",
    }
);

/// A payment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Accepted, not sent to the bank yet; the creditor may still cancel
    /// or change it ("A exécuter"). A plan's coming instalments wait here.
    ToExecute,
    /// In a file sent to the bank, waiting for its answer ("En cours
    /// d'exécution").
    Executing,
    /// Accepted by the bank ("Exécuté").
    Executed,
    /// Cancelled by the creditor before it was sent ("Non exécuté").
    NotExecuted,
    /// Returned by the bank with a reason code, an R-transaction ("Rejeté").
    Rejected,
}

/// What happens to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The creditor cancels it (API, dashboard, or its plan stopping).
    Cancel,
    /// The creditor changes its amount, date or remittance text.
    Amend,
    /// The file holding it is marked as sent to the bank.
    Send,
    /// The bank accepted it: a positive status, or its settlement date
    /// passed without a return.
    Execute,
    /// The bank returned it. A return may follow its execution (the debtor's
    /// bank has days, the debtor weeks, to send the money back).
    Reject,
}

/// A transition the payment's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment that is {from} cannot {event}")]
pub struct PaymentTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl PaymentStatus {
    /// Every state, in the order of the seed.
    pub const ALL: [PaymentStatus; 5] = [
        PaymentStatus::ToExecute,
        PaymentStatus::Executing,
        PaymentStatus::Executed,
        PaymentStatus::NotExecuted,
        PaymentStatus::Rejected,
    ];

    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::ToExecute => "to_execute",
            PaymentStatus::Executing => "executing",
            PaymentStatus::Executed => "executed",
            PaymentStatus::NotExecuted => "not_executed",
            PaymentStatus::Rejected => "rejected",
        }
    }

    /// True while the creditor may cancel or change it (not sent yet).
    pub fn is_pending(&self) -> bool {
        *self == PaymentStatus::ToExecute
    }

    /// True when it is over for good (no event moves it any more).
    pub fn is_final(&self) -> bool {
        matches!(self, PaymentStatus::NotExecuted | PaymentStatus::Rejected)
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(self, event: PaymentEvent) -> Result<Self, PaymentTransitionError> {
        use PaymentEvent as E;
        use PaymentStatus as S;
        match (self, event) {
            (S::ToExecute, E::Cancel) => Ok(S::NotExecuted),
            (S::ToExecute, E::Amend) => Ok(S::ToExecute),
            (S::ToExecute, E::Send) => Ok(S::Executing),
            (S::Executing, E::Execute) => Ok(S::Executed),
            (S::Executing | S::Executed, E::Reject) => Ok(S::Rejected),
            (from, event) => Err(PaymentTransitionError {
                from: from.as_str(),
                event: match event {
                    E::Cancel => "be cancelled",
                    E::Amend => "be changed",
                    E::Send => "be sent",
                    E::Execute => "be executed",
                    E::Reject => "be rejected",
                },
            }),
        }
    }
}

/// What a payment is collected with or paid to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Instrument {
    /// The debtor's account under a SEPA mandate (a collection, or a refund
    /// to the same account).
    Mandate(MandateId),
    /// A card alias, charged through the card gateway.
    Card(CardAliasId),
    /// The creditor's own account (a transfer out of its balance).
    OwnAccount,
}

impl Instrument {
    /// The mandate, if it is one.
    pub fn mandate(&self) -> Option<&MandateId> {
        match self {
            Instrument::Mandate(id) => Some(id),
            _ => None,
        }
    }

    /// The card alias, if it is one.
    pub fn card(&self) -> Option<&CardAliasId> {
        match self {
            Instrument::Card(id) => Some(id),
            _ => None,
        }
    }
}

/// Why an amount cannot be collected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Zero or less.
    #[error("must be more than zero (got {0} cents)")]
    NotPositive(i64),
    /// Another currency than the scheme's euro.
    #[error("must be in EUR for a SEPA payment (got {0})")]
    NotEuro(Currency),
    /// Over the creditor's limit for one payment.
    #[error("must be at most {limit} cents, the creditor's limit per payment (got {got})")]
    OverLimit {
        /// The limit, in cents.
        limit: i64,
        /// The refused amount, in cents.
        got: i64,
    },
}

/// Checks an amount to collect: more than zero, in euros, at most `limit`.
pub fn check_amount(amount: Money, limit: Money) -> Result<Money, AmountError> {
    if !amount.is_positive() {
        return Err(AmountError::NotPositive(amount.minor()));
    }
    if amount.currency() != Currency::EUR {
        return Err(AmountError::NotEuro(amount.currency()));
    }
    if amount.minor() > limit.minor() {
        return Err(AmountError::OverLimit {
            limit: limit.minor(),
            got: amount.minor(),
        });
    }
    Ok(amount)
}

/// The most characters of a remittance text (`RmtInf/Ustrd`, `Max140Text`).
pub const REMITTANCE_MAX: usize = 140;

/// A remittance text longer than a bank file carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be at most 140 characters once converted to the SEPA character set (got {0})")]
pub struct RemittanceTooLong(pub usize);

/// The text the debtor sees on their statement: converted to the SEPA
/// character set, refused (not cut) when longer than 140 characters, so the
/// creditor knows what the debtor will read. Blank text is no text.
pub fn remittance(text: &str) -> Result<Option<SepaText>, RemittanceTooLong> {
    let converted = SepaText::convert(text, usize::MAX);
    match converted.len() {
        0 => Ok(None),
        n if n > REMITTANCE_MAX => Err(RemittanceTooLong(n)),
        _ => Ok(Some(converted)),
    }
}

/// A payment: one collection, card charge, refund or transfer, always an
/// instalment of a plan (a one-off payment has a one-instalment plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// `pay_…`
    pub id: PaymentId,
    /// The plan it is an instalment of.
    pub plan_id: PlanId,
    /// Its place among the plan's payments, from 0.
    pub instalment: u32,
    /// True when the plan has no instalment after it (FNAL at banks that
    /// want FRST).
    pub last_instalment: bool,
    /// The customer who pays (or is paid).
    pub customer_id: CustomerId,
    /// What it moves.
    pub kind: PaymentKind,
    /// With what.
    pub instrument: Instrument,
    /// How much.
    pub amount: Money,
    /// The due date (collection date), a TARGET2 business day.
    pub due_on: Date,
    /// The text the debtor sees.
    pub remittance: Option<SepaText>,
    /// The creditor's unique reference, carried to the bank and back.
    pub end_to_end_id: EndToEndId,
    /// Its state.
    pub status: PaymentStatus,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// One change of a payment's state, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentChange {
    /// The state before.
    pub from: PaymentStatus,
    /// The state after.
    pub to: PaymentStatus,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub cause: PaymentCause,
}

/// What a payment was when it was read: a save over it fails if another
/// transaction changed it since (its state, or its terms: `updated_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentVersion {
    /// Its state then.
    pub status: PaymentStatus,
    /// Its last change then.
    pub updated_at: Timestamp,
}

impl Payment {
    /// This payment's version, to save a change over it.
    pub fn version(&self) -> PaymentVersion {
        PaymentVersion {
            status: self.status,
            updated_at: self.updated_at,
        }
    }

    /// Applies `event` at `at` for `cause`; the change to keep in the
    /// payment's history, or why it cannot happen (nothing changed then).
    pub fn apply(
        &mut self,
        event: PaymentEvent,
        at: Timestamp,
        cause: PaymentCause,
    ) -> Result<PaymentChange, PaymentTransitionError> {
        let to = self.status.apply(event)?;
        let change = PaymentChange {
            from: self.status,
            to,
            at,
            cause,
        };
        self.status = to;
        self.updated_at = at;
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use PaymentEvent as E;
    use PaymentStatus as S;

    const EVENTS: [PaymentEvent; 5] = [E::Cancel, E::Amend, E::Send, E::Execute, E::Reject];

    #[test]
    fn the_life_of_a_collection() {
        let sent = S::ToExecute.apply(E::Amend).and_then(|s| s.apply(E::Send));
        assert_eq!(sent, Ok(S::Executing));
        assert_eq!(S::Executing.apply(E::Execute), Ok(S::Executed));
        assert_eq!(S::Executing.apply(E::Reject), Ok(S::Rejected));
        // A return after settlement.
        assert_eq!(S::Executed.apply(E::Reject), Ok(S::Rejected));
        assert_eq!(S::ToExecute.apply(E::Cancel), Ok(S::NotExecuted));
    }

    #[test]
    fn illegal_transitions_are_refused_with_a_message() {
        let refused = S::Executing.apply(E::Cancel).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a payment that is executing cannot be cancelled"
        );
        assert!(S::Executed.apply(E::Amend).is_err());
        assert!(S::ToExecute.apply(E::Execute).is_err());
        assert!(S::ToExecute.apply(E::Reject).is_err());
        assert!(S::Executed.apply(E::Send).is_err());
        for event in EVENTS {
            assert!(S::NotExecuted.apply(event).is_err(), "{event:?}");
            assert!(S::Rejected.apply(event).is_err(), "{event:?}");
        }
    }

    #[test]
    fn amounts_are_positive_euros_under_the_limit() {
        let limit = Money::from_minor(10_000, Currency::EUR);
        let eur = |c| Money::from_minor(c, Currency::EUR);
        assert_eq!(check_amount(eur(10_000), limit), Ok(eur(10_000)));
        assert_eq!(
            check_amount(eur(0), limit),
            Err(AmountError::NotPositive(0))
        );
        assert_eq!(
            check_amount(eur(-5), limit),
            Err(AmountError::NotPositive(-5))
        );
        assert_eq!(
            check_amount(eur(10_001), limit),
            Err(AmountError::OverLimit {
                limit: 10_000,
                got: 10_001
            })
        );
        assert_eq!(
            check_amount(Money::from_minor(100, Currency::USD), limit),
            Err(AmountError::NotEuro(Currency::USD))
        );
    }

    #[test]
    fn remittance_is_converted_and_refused_over_140() {
        assert_eq!(
            remittance("Cotisation d\u{e9}cembre")
                .unwrap()
                .unwrap()
                .as_str(),
            "Cotisation decembre"
        );
        assert_eq!(remittance("   "), Ok(None));
        assert!(remittance(&"a".repeat(140)).is_ok());
        assert_eq!(remittance(&"a".repeat(141)), Err(RemittanceTooLong(141)));
        // ß becomes two characters: the limit counts what the bank receives.
        assert_eq!(
            remittance(&format!("{}\u{df}", "a".repeat(139))),
            Err(RemittanceTooLong(141))
        );
    }

    #[test]
    fn a_payment_keeps_each_change() {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let mut payment = Payment {
            id: PaymentId::parse("pay_1").unwrap(),
            plan_id: PlanId::parse("plan_1").unwrap(),
            instalment: 0,
            last_instalment: true,
            customer_id: CustomerId::parse("cus_1").unwrap(),
            kind: PaymentKind::SepaDirectDebit,
            instrument: Instrument::Mandate(MandateId::parse("mdt_1").unwrap()),
            amount: Money::from_minor(100, Currency::EUR),
            due_on: jiff::civil::date(2027, 3, 1),
            remittance: None,
            end_to_end_id: EndToEndId::parse("E2E-1").unwrap(),
            status: S::ToExecute,
            created_at: at,
            updated_at: at,
        };
        let sent = PaymentCause::SentInFile {
            message_id: "PRLV-1".into(),
        };
        let change = payment.apply(E::Send, at, sent.clone()).unwrap();
        assert_eq!((change.from, change.to), (S::ToExecute, S::Executing));
        assert_eq!(change.cause, sent);
        assert!(
            payment
                .apply(E::Cancel, at, PaymentCause::CancelledByCreditor)
                .is_err()
        );
        assert_eq!(payment.status, S::Executing);
    }

    #[test]
    fn codes_round_trip() {
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Some(status));
        }
        assert_eq!(S::parse("sent"), None);
        assert_eq!(
            PaymentKind::parse("sepa_direct_debit"),
            Ok(PaymentKind::SepaDirectDebit)
        );
        assert!(PaymentKind::parse("cheque").is_err());
    }

    proptest! {
        /// Whatever happens to a payment, only pending ones are cancelled or
        /// changed, nothing leaves a final state, and a payment reaches the
        /// bank's answer only through a sent file.
        #[test]
        fn any_history_keeps_the_rules(events in prop::collection::vec(0..EVENTS.len(), 0..20)) {
            let mut status = S::ToExecute;
            let mut sent = false;
            for i in events {
                let event = EVENTS[i];
                match status.apply(event) {
                    Ok(next) => {
                        prop_assert!(!status.is_final());
                        if matches!(event, E::Cancel | E::Amend) {
                            prop_assert!(status.is_pending());
                        }
                        if matches!(next, S::Executed | S::Rejected) {
                            prop_assert!(sent);
                        }
                        sent |= event == E::Send;
                        status = next;
                    }
                    Err(_) => prop_assert!(
                        status.is_final() || !matches!((status, event), (S::ToExecute, E::Cancel | E::Amend | E::Send))
                    ),
                }
            }
        }
    }
}
