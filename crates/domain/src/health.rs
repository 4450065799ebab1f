//! The health of a customer's payment method (seed 002, PRODUCT.md §3.3),
//! derived from the method and the facts known — never stored as a
//! decision of its own.

use jiff::civil::Date;

use crate::{CardDeletion, CardExpiry, CardStatus, MandateStatus, ReasonCode};

/// A payment method's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// Valid, no anomaly ("Actif").
    Active,
    /// The last collection failed for lack of funds ("Fonds insuffisants").
    InsufficientFunds,
    /// Bank or card data wrong, account closed, no mandate… ("Informations
    /// invalides").
    Invalid,
    /// A card that expires in less than 30 days ("Expire bientôt").
    ExpiringSoon,
    /// An expired card or mandate ("Expiré").
    Expired,
    /// The customer pays by cheque, cash or transfer ("Manuel").
    Manual,
    /// No payment method ("Aucun").
    None,
}

impl Health {
    /// Every value, in the seed's order.
    pub const ALL: [Health; 7] = [
        Health::Active,
        Health::InsufficientFunds,
        Health::Invalid,
        Health::ExpiringSoon,
        Health::Expired,
        Health::Manual,
        Health::None,
    ];

    /// The API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            Health::Active => "active",
            Health::InsufficientFunds => "insufficient_funds",
            Health::Invalid => "invalid",
            Health::ExpiringSoon => "expiring_soon",
            Health::Expired => "expired",
            Health::Manual => "manual",
            Health::None => "none",
        }
    }

    /// Parses the API code.
    pub fn parse(input: &str) -> Option<Health> {
        Self::ALL.into_iter().find(|h| h.as_str() == input)
    }
}

/// What a failed collection says about the payment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureEffect {
    /// The account lacks funds now; retrying later may work.
    InsufficientFunds,
    /// The method cannot be used as it is.
    Invalid,
    /// Nothing about the method (a file, creditor or bank-side problem, or
    /// a dispute of one payment).
    NoEffect,
}

/// The effect of each reason code on the method's health. Every code of the
/// vendored table is listed (a test checks it).
pub fn failure_effect(code: ReasonCode) -> FailureEffect {
    use FailureEffect::{InsufficientFunds, Invalid, NoEffect};
    match code.as_str() {
        "AM04" | "MS03" => InsufficientFunds,
        // The debtor's account or mandate: wrong, closed, blocked,
        // forbidden, missing, deceased, refused, or not reachable.
        "AC01" | "AC04" | "AC06" | "AC13" | "AG01" | "DNOR" | "MD01" | "MD02" | "MD07" | "MS02"
        | "RR01" | "RR02" | "SL01" => Invalid,
        // The creditor's file, identifiers or bank; settlement; disputes
        // and recalls of one payment; regulatory holds.
        _ => NoEffect,
    }
}

/// A customer's registered payment method, as far as health is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodFacts {
    /// No method.
    None,
    /// Pays by cheque, cash or transfer.
    Manual,
    /// A SEPA mandate in this state.
    Mandate(MandateStatus),
    /// A card alias in this state, with its expiry.
    Card(CardStatus, CardExpiry),
}

/// The outcome of the method's latest payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastOutcome {
    /// No payment yet, or none settled.
    Unknown,
    /// Paid.
    Succeeded,
    /// Rejected or returned with this reason.
    Failed(ReasonCode),
}

/// The method's health on `today`. The method's own state comes first (none,
/// manual, revoked or expired, deleted card), then what the latest payment
/// said, then a card's coming expiry.
pub fn health(method: MethodFacts, last: LastOutcome, today: Date) -> Health {
    let usable = match method {
        MethodFacts::None => return Health::None,
        MethodFacts::Manual => return Health::Manual,
        MethodFacts::Mandate(MandateStatus::Expired) => return Health::Expired,
        MethodFacts::Mandate(MandateStatus::Revoked | MandateStatus::PendingReference) => {
            return Health::Invalid;
        }
        MethodFacts::Mandate(MandateStatus::Active) => Health::Active,
        MethodFacts::Card(CardStatus::Deleted(CardDeletion::Expired), _) => return Health::Expired,
        MethodFacts::Card(CardStatus::Deleted(_), _) => return Health::None,
        MethodFacts::Card(CardStatus::Active, expiry) if expiry.is_expired(today) => {
            return Health::Expired;
        }
        MethodFacts::Card(CardStatus::Active, expiry) if expiry.expires_soon(today) => {
            Health::ExpiringSoon
        }
        MethodFacts::Card(CardStatus::Active, _) => Health::Active,
    };
    match last {
        LastOutcome::Failed(code) => match failure_effect(code) {
            FailureEffect::InsufficientFunds => Health::InsufficientFunds,
            FailureEffect::Invalid => Health::Invalid,
            FailureEffect::NoEffect => usable,
        },
        LastOutcome::Unknown | LastOutcome::Succeeded => usable,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn code(c: &str) -> ReasonCode {
        ReasonCode::parse(c).unwrap()
    }

    /// Every row of the vendored table, with the effect Prelevo gives it.
    #[test]
    fn every_reason_code_has_its_effect() {
        use FailureEffect::{InsufficientFunds as F, Invalid as I, NoEffect as N};
        let expected = [
            ("AC01", I),
            ("AC04", I),
            ("AC06", I),
            ("AC13", I),
            ("AG01", I),
            ("AG02", N),
            ("AM04", F),
            ("AM05", N),
            ("BE05", N),
            ("CNOR", N),
            ("DNOR", I),
            ("ED05", N),
            ("FF01", N),
            ("MD01", I),
            ("MD02", I),
            ("MD06", N),
            ("MD07", I),
            ("MS02", I),
            ("MS03", F),
            ("RC01", N),
            ("RR01", I),
            ("RR02", I),
            ("RR03", N),
            ("RR04", N),
            ("SL01", I),
            ("FOCR", N),
            ("DUPL", N),
            ("TECH", N),
            ("FRAD", N),
            ("CUST", N),
            ("UPAY", N),
        ];
        let table: Vec<&str> = ReasonCode::all().map(|c| c.as_str()).collect();
        assert_eq!(table, expected.iter().map(|(c, _)| *c).collect::<Vec<_>>());
        for (c, effect) in expected {
            assert_eq!(failure_effect(code(c)), effect, "{c}");
        }
    }

    #[test]
    fn a_mandate_s_health() {
        let today = date(2026, 11, 29);
        let active = MethodFacts::Mandate(MandateStatus::Active);
        assert_eq!(health(active, LastOutcome::Unknown, today), Health::Active);
        assert_eq!(
            health(active, LastOutcome::Succeeded, today),
            Health::Active
        );
        assert_eq!(
            health(active, LastOutcome::Failed(code("AM04")), today),
            Health::InsufficientFunds
        );
        assert_eq!(
            health(active, LastOutcome::Failed(code("AC04")), today),
            Health::Invalid
        );
        assert_eq!(
            health(active, LastOutcome::Failed(code("FF01")), today),
            Health::Active
        );
        let revoked = MethodFacts::Mandate(MandateStatus::Revoked);
        assert_eq!(
            health(revoked, LastOutcome::Succeeded, today),
            Health::Invalid
        );
        let expired = MethodFacts::Mandate(MandateStatus::Expired);
        assert_eq!(
            health(expired, LastOutcome::Failed(code("AM04")), today),
            Health::Expired
        );
        let pending = MethodFacts::Mandate(MandateStatus::PendingReference);
        assert_eq!(
            health(pending, LastOutcome::Unknown, today),
            Health::Invalid
        );
    }

    #[test]
    fn a_card_s_health() {
        let expiry = CardExpiry::new(12, 2026).unwrap();
        let card = MethodFacts::Card(CardStatus::Active, expiry);
        assert_eq!(
            health(card, LastOutcome::Unknown, date(2026, 11, 1)),
            Health::Active
        );
        assert_eq!(
            health(card, LastOutcome::Unknown, date(2026, 12, 2)),
            Health::ExpiringSoon
        );
        assert_eq!(
            health(card, LastOutcome::Failed(code("AM04")), date(2026, 12, 2)),
            Health::InsufficientFunds
        );
        assert_eq!(
            health(card, LastOutcome::Succeeded, date(2027, 1, 1)),
            Health::Expired
        );
        let deleted = MethodFacts::Card(CardStatus::Deleted(CardDeletion::ByCreditor), expiry);
        assert_eq!(
            health(deleted, LastOutcome::Unknown, date(2026, 11, 1)),
            Health::None
        );
        let lapsed = MethodFacts::Card(CardStatus::Deleted(CardDeletion::Expired), expiry);
        assert_eq!(
            health(lapsed, LastOutcome::Unknown, date(2027, 1, 1)),
            Health::Expired
        );
    }

    #[test]
    fn no_method_and_manual_payment() {
        let today = date(2026, 11, 29);
        assert_eq!(
            health(MethodFacts::None, LastOutcome::Unknown, today),
            Health::None
        );
        assert_eq!(
            health(
                MethodFacts::Manual,
                LastOutcome::Failed(code("AM04")),
                today
            ),
            Health::Manual
        );
        for h in Health::ALL {
            assert_eq!(Health::parse(h.as_str()), Some(h));
        }
    }

    fn codes_with_effect(effect: FailureEffect) -> Vec<&'static str> {
        ReasonCode::all()
            .filter(|code| failure_effect(*code) == effect)
            .map(|code| code.as_str())
            .collect()
    }

    #[test]
    fn codes_are_grouped_by_effect() {
        assert_eq!(
            codes_with_effect(FailureEffect::InsufficientFunds),
            ["AM04", "MS03"]
        );
        // The store's migration 2026-12-05 copied these lists to fill in
        // the effect of the customers' last failures.
        let mut invalid = codes_with_effect(FailureEffect::Invalid);
        invalid.sort_unstable();
        assert_eq!(
            invalid,
            [
                "AC01", "AC04", "AC06", "AC13", "AG01", "DNOR", "MD01", "MD02", "MD07", "MS02",
                "RR01", "RR02", "SL01"
            ]
        );
    }
}
