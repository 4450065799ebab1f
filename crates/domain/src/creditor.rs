//! The creditor (tenant): who collects, into which account, and the
//! settings its rejection policy and schedules use (PRODUCT.md §1).

use std::fmt;

use jiff::Timestamp;

use crate::{Bic, CreditorId, CreditorKey, CreditorTimeZone, EmailAddress, Iban, Locale};

/// The creditor's name as it appears on bank files and mandates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(into = "String")]
pub struct CreditorName(String);

/// Why a creditor name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditorNameError {
    /// Nothing but spaces.
    #[error("must not be empty")]
    Empty,
    /// Longer than the 70 characters a SEPA party name allows.
    #[error("must be at most 70 characters (got {0})")]
    TooLong(usize),
    /// Contains a line break, tab or other control character.
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl CreditorName {
    /// Longest name the EPC guidelines allow for a party.
    pub const MAX_CHARS: usize = 70;

    /// Trims and checks a name.
    pub fn parse(value: &str) -> Result<Self, CreditorNameError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(CreditorNameError::Empty);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(CreditorNameError::ControlCharacter);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(CreditorNameError::TooLong(chars));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<CreditorName> for String {
    fn from(name: CreditorName) -> String {
        name.0
    }
}

impl fmt::Display for CreditorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A setting outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between {min} and {max} (got {got})")]
pub struct SettingError {
    /// The setting's name, as in the API and the CLI.
    pub field: &'static str,
    /// Smallest allowed value.
    pub min: u32,
    /// Largest allowed value.
    pub max: u32,
    /// The refused value.
    pub got: i64,
}

/// The creditor's settings (PRODUCT.md §1, §3.3, §7.3). Every value is in
/// its allowed range; the only ways to get one are `Default` and `apply`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CreditorSettings {
    representation_delay_days: u32,
    max_rejections: u32,
    insufficient_funds_retry_interval_hours: u32,
    insufficient_funds_retry_cap: u32,
    billing_contact_email: Option<EmailAddress>,
    pre_notification_days: u32,
}

/// A change to some settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// Re-presentation delay "Représenter le rejet à J+", in calendar days.
    pub representation_delay_days: Option<i64>,
    /// Rejections after which the complementary treatment suspends.
    pub max_rejections: Option<i64>,
    /// Hours between two attempts after insufficient funds.
    pub insufficient_funds_retry_interval_hours: Option<i64>,
    /// Most automatic attempts after insufficient funds.
    pub insufficient_funds_retry_cap: Option<i64>,
    /// Who gets the daily failed-transactions email; `Some(None)` clears it.
    #[serde(default, deserialize_with = "crate::serde_util::double_option")]
    pub billing_contact_email: Option<Option<EmailAddress>>,
    /// Days before the due date that debtors are pre-notified.
    pub pre_notification_days: Option<i64>,
}

/// (name, min, max) of each numeric setting, in one place.
const REPRESENTATION_DELAY: (&str, u32, u32) = ("representation_delay_days", 1, 60);
const MAX_REJECTIONS: (&str, u32, u32) = ("max_rejections", 1, 20);
const RETRY_INTERVAL: (&str, u32, u32) = ("insufficient_funds_retry_interval_hours", 1, 720);
const RETRY_CAP: (&str, u32, u32) = ("insufficient_funds_retry_cap", 0, 30);
const PRE_NOTIFICATION: (&str, u32, u32) = ("pre_notification_days", 1, 60);

fn in_range(value: i64, (field, min, max): (&'static str, u32, u32)) -> Result<u32, SettingError> {
    u32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or(SettingError {
            field,
            min,
            max,
            got: value,
        })
}

impl Default for CreditorSettings {
    /// J+5 re-presentation (the seed's example), 3 rejections, a retry every
    /// 24 h up to 3 times, 14 days of pre-notification (the SEPA default).
    fn default() -> Self {
        Self {
            representation_delay_days: 5,
            max_rejections: 3,
            insufficient_funds_retry_interval_hours: 24,
            insufficient_funds_retry_cap: 3,
            billing_contact_email: None,
            pre_notification_days: 14,
        }
    }
}

impl CreditorSettings {
    /// These settings with `patch` applied, or the first setting out of range.
    pub fn apply(&self, patch: &SettingsPatch) -> Result<Self, SettingError> {
        let pick = |new: Option<i64>, old: u32, rule| match new {
            Some(value) => in_range(value, rule),
            None => Ok(old),
        };
        Ok(Self {
            representation_delay_days: pick(
                patch.representation_delay_days,
                self.representation_delay_days,
                REPRESENTATION_DELAY,
            )?,
            max_rejections: pick(patch.max_rejections, self.max_rejections, MAX_REJECTIONS)?,
            insufficient_funds_retry_interval_hours: pick(
                patch.insufficient_funds_retry_interval_hours,
                self.insufficient_funds_retry_interval_hours,
                RETRY_INTERVAL,
            )?,
            insufficient_funds_retry_cap: pick(
                patch.insufficient_funds_retry_cap,
                self.insufficient_funds_retry_cap,
                RETRY_CAP,
            )?,
            billing_contact_email: match &patch.billing_contact_email {
                Some(new) => new.clone(),
                None => self.billing_contact_email.clone(),
            },
            pre_notification_days: pick(
                patch.pre_notification_days,
                self.pre_notification_days,
                PRE_NOTIFICATION,
            )?,
        })
    }

    /// Re-presentation delay J+N, in calendar days.
    pub fn representation_delay_days(&self) -> u32 {
        self.representation_delay_days
    }
    /// Rejections that trigger the complementary suspension.
    pub fn max_rejections(&self) -> u32 {
        self.max_rejections
    }
    /// Hours between attempts after insufficient funds.
    pub fn insufficient_funds_retry_interval_hours(&self) -> u32 {
        self.insufficient_funds_retry_interval_hours
    }
    /// Most automatic attempts after insufficient funds.
    pub fn insufficient_funds_retry_cap(&self) -> u32 {
        self.insufficient_funds_retry_cap
    }
    /// The billing contact's email, if set.
    pub fn billing_contact_email(&self) -> Option<&EmailAddress> {
        self.billing_contact_email.as_ref()
    }
    /// Pre-notification period, in calendar days.
    pub fn pre_notification_days(&self) -> u32 {
        self.pre_notification_days
    }
}

/// A creditor as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Creditor {
    /// Row id, `cred_…`.
    pub id: CreditorKey,
    /// Name on bank files and mandates.
    pub name: CreditorName,
    /// SEPA creditor identifier (ICS).
    pub ics: CreditorId,
    /// Collection account.
    pub iban: Iban,
    /// Collection account's bank, optional inside the SEPA zone.
    pub bic: Option<Bic>,
    /// Time zone whose calendar dates the creditor works in.
    pub timezone: CreditorTimeZone,
    /// Default language of its users and documents.
    pub language: Locale,
    /// Policy and schedule settings.
    pub settings: CreditorSettings,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What is needed to create a creditor.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCreditor {
    /// Name on bank files and mandates.
    pub name: CreditorName,
    /// SEPA creditor identifier (ICS).
    pub ics: CreditorId,
    /// Collection account.
    pub iban: Iban,
    /// Collection account's bank.
    pub bic: Option<Bic>,
    /// Working time zone.
    pub timezone: CreditorTimeZone,
    /// Default language.
    pub language: Locale,
    /// Initial settings.
    pub settings: CreditorSettings,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(CreditorName::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert_eq!(CreditorName::parse("   "), Err(CreditorNameError::Empty));
        assert_eq!(
            CreditorName::parse(&"x".repeat(71)),
            Err(CreditorNameError::TooLong(71))
        );
        assert_eq!(
            CreditorName::parse("a\nb"),
            Err(CreditorNameError::ControlCharacter)
        );
    }

    #[test]
    fn defaults_follow_the_product() {
        let s = CreditorSettings::default();
        assert_eq!(s.representation_delay_days(), 5);
        assert_eq!(s.pre_notification_days(), 14);
        assert_eq!(s.insufficient_funds_retry_interval_hours(), 24);
        assert_eq!(s.billing_contact_email(), None);
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let patch = SettingsPatch {
            representation_delay_days: Some(7),
            ..SettingsPatch::default()
        };
        let s = CreditorSettings::default().apply(&patch).unwrap();
        assert_eq!(s.representation_delay_days(), 7);
        assert_eq!(s.max_rejections(), 3);
    }

    #[test]
    fn out_of_range_names_the_setting() {
        let patch = SettingsPatch {
            pre_notification_days: Some(0),
            ..SettingsPatch::default()
        };
        let error = CreditorSettings::default().apply(&patch).unwrap_err();
        assert_eq!(error.field, "pre_notification_days");
        assert_eq!(error.to_string(), "must be between 1 and 60 (got 0)");
    }

    #[test]
    fn email_can_be_set_and_cleared() {
        let email = EmailAddress::parse("billing@example.com").unwrap();
        let set = CreditorSettings::default()
            .apply(&SettingsPatch {
                billing_contact_email: Some(Some(email.clone())),
                ..SettingsPatch::default()
            })
            .unwrap();
        assert_eq!(set.billing_contact_email(), Some(&email));
        let cleared = set
            .apply(&SettingsPatch {
                billing_contact_email: Some(None),
                ..SettingsPatch::default()
            })
            .unwrap();
        assert_eq!(cleared.billing_contact_email(), None);
    }

    #[test]
    fn unknown_patch_fields_are_refused() {
        let patch: Result<SettingsPatch, _> = serde_json::from_str(r#"{"max_rejection": 3}"#);
        assert!(patch.is_err());
        let clear: SettingsPatch =
            serde_json::from_str(r#"{"billing_contact_email": null}"#).unwrap();
        assert_eq!(clear.billing_contact_email, Some(None));
    }

    proptest! {
        #[test]
        fn apply_accepts_exactly_the_range(value in -10i64..100) {
            let patch = SettingsPatch { max_rejections: Some(value), ..SettingsPatch::default() };
            let result = CreditorSettings::default().apply(&patch);
            prop_assert_eq!(result.is_ok(), (1..=20).contains(&value));
        }
    }
}
