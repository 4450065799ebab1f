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
        creditor_reference(input).map(|code| CustomerCode(code.to_owned()))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value!(CustomerCode, CustomerCodeError, "a customer code");

/// A reference the creditor gives from its own systems (a customer's
/// code, a plan's reference): trimmed, not empty, at most
/// [`CUSTOMER_CODE_MAX`] characters, no control character.
pub(crate) fn creditor_reference(input: &str) -> Result<&str, CustomerCodeError> {
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
    Ok(trimmed)
}

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

/// Longest free-text field (names, address lines, city): the 70 characters
/// a SEPA name or address line allows.
pub const TEXT_FIELD_MAX: usize = 70;

/// Why a customer field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerFieldError {
    /// Over the field's length.
    #[error("must be at most {max} characters (got {got})")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// A control character.
    #[error("must not contain control characters")]
    ControlCharacter,
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("{0:?} is not an ISO country code (e.g. FR)")]
    UnknownCountry(String),
    /// Neither a last name nor a company.
    #[error("a customer needs a last name or a company")]
    Unnamed,
}

/// Trims a free-text field; `None` when empty.
pub fn text_field(input: Option<&str>, max: usize) -> Result<Option<String>, CustomerFieldError> {
    let Some(trimmed) = input.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if trimmed.chars().any(char::is_control) {
        return Err(CustomerFieldError::ControlCharacter);
    }
    let got = trimmed.chars().count();
    if got > max {
        return Err(CustomerFieldError::TooLong { max, got });
    }
    Ok(Some(trimmed.to_owned()))
}

/// An ISO 3166-1 alpha-2 country code, upper-cased; `None` when empty.
pub fn country_field(input: Option<&str>) -> Result<Option<String>, CustomerFieldError> {
    let Some(code) = input.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let upper = code.to_ascii_uppercase();
    if crate::country::is_known(&upper) {
        Ok(Some(upper))
    } else {
        Err(CustomerFieldError::UnknownCountry(code.to_owned()))
    }
}

/// A customer's identity and contact details, as the creditor keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetails {
    /// How to address them.
    pub civility: Civility,
    /// Family name.
    pub last_name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Company, for a business customer.
    pub company: Option<String>,
    /// Address lines 1 to 3.
    pub address: [Option<String>; 3],
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Email.
    pub email: Option<crate::EmailAddress>,
    /// Landline.
    pub phone: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// Language of the letters and emails they get.
    pub language: Option<crate::Locale>,
}

impl CustomerDetails {
    /// Checks what holds across fields: a customer has a last name or a
    /// company.
    pub fn check(&self) -> Result<(), CustomerFieldError> {
        if self.last_name.is_none() && self.company.is_none() {
            return Err(CustomerFieldError::Unnamed);
        }
        Ok(())
    }

    /// The name to show: "First Last", or the company.
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name, &self.company) {
            (Some(first), Some(last), _) => format!("{first} {last}"),
            (None, Some(last), _) => last.clone(),
            (_, None, Some(company)) => company.clone(),
            (Some(first), None, None) => first.clone(),
            (None, None, None) => String::new(),
        }
    }
}

/// The one payment method a customer has registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentMethodRef {
    /// None at all.
    None,
    /// Cheque, cash or transfer, recorded by the creditor.
    Manual,
    /// A SEPA mandate.
    Mandate(crate::MandateId),
    /// A card alias.
    Card(crate::CardAliasId),
}

impl PaymentMethodRef {
    /// The stored and API code of the kind: `none`, `manual`, `mandate`,
    /// `card`.
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentMethodRef::None => "none",
            PaymentMethodRef::Manual => "manual",
            PaymentMethodRef::Mandate(_) => "mandate",
            PaymentMethodRef::Card(_) => "card",
        }
    }
}

/// A creditor's customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// `cus_…`
    pub id: crate::CustomerId,
    /// The creditor's reference for them, unique per creditor.
    pub code: CustomerCode,
    /// Identity and contact.
    pub details: CustomerDetails,
    /// State.
    pub status: CustomerStatus,
    /// Who pays for them, if another customer does.
    pub payer_id: Option<crate::CustomerId>,
    /// Their payment method.
    pub payment_method: PaymentMethodRef,
    /// What their latest payment said (for the method's health).
    pub last_outcome: crate::LastOutcome,
    /// Created.
    pub created_at: jiff::Timestamp,
    /// Last changed.
    pub updated_at: jiff::Timestamp,
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

    #[test]
    fn fields_are_trimmed_bounded_and_checked() {
        assert_eq!(
            text_field(Some("  Dupont "), 70).unwrap().as_deref(),
            Some("Dupont")
        );
        assert_eq!(text_field(Some("   "), 70).unwrap(), None);
        assert_eq!(
            text_field(Some(&"x".repeat(71)), 70),
            Err(CustomerFieldError::TooLong { max: 70, got: 71 })
        );
        assert_eq!(
            text_field(Some("a\nb"), 70),
            Err(CustomerFieldError::ControlCharacter)
        );
        assert_eq!(country_field(Some("fr")).unwrap().as_deref(), Some("FR"));
        assert_eq!(
            country_field(Some("FX")),
            Err(CustomerFieldError::UnknownCountry("FX".into()))
        );
        let mut details = CustomerDetails {
            civility: Civility::Mrs,
            last_name: Some("Martin".into()),
            first_name: Some("Zoé".into()),
            company: None,
            address: [None, None, None],
            postal_code: None,
            city: None,
            country: None,
            email: None,
            phone: None,
            mobile: None,
            language: None,
        };
        assert_eq!(details.display_name(), "Zoé Martin");
        assert!(details.check().is_ok());
        details.last_name = None;
        assert_eq!(details.check(), Err(CustomerFieldError::Unnamed));
        details.company = Some("Acme SARL".into());
        assert_eq!(details.display_name(), "Acme SARL");
        assert_eq!(PaymentMethodRef::Manual.kind(), "manual");
    }

    proptest! {
        #[test]
        fn any_printable_code_round_trips(code in "[A-Za-z0-9][A-Za-z0-9 ._/-]{0,40}[A-Za-z0-9]") {
            let parsed = CustomerCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }
    }
}
