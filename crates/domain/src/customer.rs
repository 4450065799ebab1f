//! Customers ("Abonnés", PRODUCT.md §6): the creditor's reference for them,
//! their civility, and their state — active, suspended, or struck off
//! (suspended for good and no longer editable).

use crate::codes::code_enum;
use crate::value_macros::string_value;

/// Longest customer code accepted (a CRM reference).
pub const CUSTOMER_CODE_MAX: usize = 50;

/// Why a customer code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerCodeError {
    /// Nothing but spaces.
    #[error("is empty")]
    Empty,
    /// Too long.
    #[error("must be at most {CUSTOMER_CODE_MAX} characters (got {0})")]
    TooLong(usize),
    /// A control character (tab, newline…).
    #[error("must not contain control characters (position {0})")]
    ControlCharacter(usize),
}

/// The creditor's own reference for a customer (the code in its CRM),
/// unique per creditor; surrounding spaces are trimmed, case is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerCode(String);

impl CustomerCode {
    /// Parses a customer code.
    pub fn parse(input: &str) -> Result<CustomerCode, CustomerCodeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CustomerCodeError::Empty);
        }
        if let Some(position) = trimmed.chars().position(char::is_control) {
            return Err(CustomerCodeError::ControlCharacter(position + 1));
        }
        let length = trimmed.chars().count();
        if length > CUSTOMER_CODE_MAX {
            return Err(CustomerCodeError::TooLong(length));
        }
        Ok(CustomerCode(trimmed.to_owned()))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value!(CustomerCode, CustomerCodeError, "a customer code");

code_enum!(
    /// How a customer is addressed.
    Civility, "a civility: mr, mrs or none", {
        /// "M." / "Mr".
        Mr => "mr",
        /// "Mme" / "Mrs".
        Mrs => "mrs",
        /// No civility (a company, or not given).
        None => "none",
    }
);

/// A customer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerStatus {
    /// Normal ("Actif").
    Active,
    /// Collections stop; can be reactivated ("Suspendu").
    Suspended,
    /// Suspended for good and read-only ("Radié").
    StruckOff,
}

/// What happens to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerEvent {
    /// Suspend (by the creditor, or by the rejection policy).
    Suspend,
    /// Lift a suspension.
    Reactivate,
    /// Strike off for good.
    StrikeOff,
    /// Change the customer's details or payment method.
    Edit,
}

/// A transition the customer's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a customer who is {from} cannot {event}")]
pub struct CustomerTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl CustomerStatus {
    /// Every state.
    pub const ALL: [CustomerStatus; 3] = [
        CustomerStatus::Active,
        CustomerStatus::Suspended,
        CustomerStatus::StruckOff,
    ];

    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<CustomerStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::StruckOff => "struck_off",
        }
    }

    /// True when collections may be made for this customer.
    pub fn can_collect(&self) -> bool {
        *self == CustomerStatus::Active
    }

    /// The state after `event`, or why it cannot happen. A struck-off
    /// customer refuses everything, edits included.
    pub fn apply(self, event: CustomerEvent) -> Result<Self, CustomerTransitionError> {
        use CustomerEvent as E;
        use CustomerStatus as S;
        match (self, event) {
            (S::Active, E::Suspend) => Ok(S::Suspended),
            (S::Suspended, E::Reactivate) => Ok(S::Active),
            (S::Active | S::Suspended, E::StrikeOff) => Ok(S::StruckOff),
            (S::Active | S::Suspended, E::Edit) => Ok(self),
            (from, event) => Err(CustomerTransitionError {
                from: match from {
                    S::StruckOff => "struck off",
                    other => other.as_str(),
                },
                event: match event {
                    E::Suspend => "be suspended",
                    E::Reactivate => "be reactivated",
                    E::StrikeOff => "be struck off",
                    E::Edit => "be changed",
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_are_trimmed_and_bounded() {
        assert_eq!(
            CustomerCode::parse("  C-00042 ").unwrap().as_str(),
            "C-00042"
        );
        assert_eq!(CustomerCode::parse(" "), Err(CustomerCodeError::Empty));
        assert_eq!(
            CustomerCode::parse("a\tb"),
            Err(CustomerCodeError::ControlCharacter(2))
        );
        assert_eq!(
            CustomerCode::parse(&"é".repeat(51)),
            Err(CustomerCodeError::TooLong(51))
        );
        assert!(CustomerCode::parse(&"é".repeat(50)).is_ok());
    }

    #[test]
    fn every_transition() {
        use CustomerEvent as E;
        use CustomerStatus as S;
        let allowed = [
            (S::Active, E::Suspend, S::Suspended),
            (S::Active, E::StrikeOff, S::StruckOff),
            (S::Active, E::Edit, S::Active),
            (S::Suspended, E::Reactivate, S::Active),
            (S::Suspended, E::StrikeOff, S::StruckOff),
            (S::Suspended, E::Edit, S::Suspended),
        ];
        for from in S::ALL {
            for event in [E::Suspend, E::Reactivate, E::StrikeOff, E::Edit] {
                let expected = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match (from.apply(event), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want),
                    (Err(_), None) => {}
                    (got, want) => panic!("{from:?} {event:?}: {got:?}, expected {want:?}"),
                }
            }
        }
    }

    #[test]
    fn a_struck_off_customer_is_read_only() {
        let refused = CustomerStatus::StruckOff
            .apply(CustomerEvent::Edit)
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a customer who is struck off cannot be changed"
        );
        assert!(!CustomerStatus::Suspended.can_collect());
        assert_eq!(Civility::parse("mrs").unwrap(), Civility::Mrs);
        assert!(Civility::parse("dr").is_err());
    }

    proptest! {
        #[test]
        fn any_printable_code_round_trips(code in "[A-Za-z0-9][A-Za-z0-9 ._/-]{0,40}[A-Za-z0-9]") {
            let parsed = CustomerCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }
    }
}
