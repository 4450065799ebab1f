//! The creditor's time zone, in which cut-offs and due dates are read.
//!
//! Lookups use jiff's bundled copy of the IANA database, never the system's
//! `/usr/share/zoneinfo`: the domain does no I/O, and results must not
//! depend on the machine's tzdata version.

use jiff::tz::{TimeZone, TimeZoneDatabase};

use crate::value_macros::string_value;

/// An IANA time zone known to the bundled database; Europe/Paris by default.
#[derive(Debug, Clone)]
pub struct CreditorTimeZone {
    name: String,
    tz: TimeZone,
}

/// Why a time zone name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeZoneError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// Not in the IANA database.
    #[error("unknown time zone '{0}'")]
    Unknown(String),
}

const DEFAULT_NAME: &str = "Europe/Paris";
/// Europe/Paris' rules since 1996, used only if the bundled database were
/// ever missing the zone (a unit test checks it is not).
const PARIS_POSIX: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

impl CreditorTimeZone {
    /// Looks `name` up (case-insensitively) in the bundled IANA database;
    /// the stored name is the canonical spelling ("europe/paris" → "Europe/Paris").
    pub fn parse(name: &str) -> Result<CreditorTimeZone, TimeZoneError> {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            return Err(TimeZoneError::Empty);
        }
        let tz = TimeZoneDatabase::bundled()
            .get(trimmed)
            .map_err(|_| TimeZoneError::Unknown(trimmed.to_owned()))?;
        let name = tz.iana_name().unwrap_or(trimmed).to_owned();
        Ok(CreditorTimeZone { name, tz })
    }

    /// The IANA name, e.g. "Europe/Paris".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Same as [`CreditorTimeZone::name`], for the string-value conventions.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The jiff time zone, for conversions.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl Default for CreditorTimeZone {
    fn default() -> Self {
        CreditorTimeZone::parse(DEFAULT_NAME).unwrap_or_else(|_| CreditorTimeZone {
            name: DEFAULT_NAME.to_owned(),
            tz: TimeZone::posix(PARIS_POSIX).unwrap_or(TimeZone::UTC),
        })
    }
}

/// Two zones are equal when they have the same IANA name.
impl PartialEq for CreditorTimeZone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for CreditorTimeZone {}

impl core::hash::Hash for CreditorTimeZone {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

string_value!(CreditorTimeZone, TimeZoneError, "an IANA time zone name");

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn known_zones() {
        let paris = CreditorTimeZone::parse("europe/paris").unwrap();
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(CreditorTimeZone::default(), paris);
        assert_eq!(
            CreditorTimeZone::parse("Europe/Berlin")
                .unwrap()
                .to_string(),
            "Europe/Berlin"
        );
        assert_eq!(CreditorTimeZone::parse("UTC").unwrap().name(), "UTC");
    }

    #[test]
    fn default_comes_from_the_bundled_database() {
        let tz = CreditorTimeZone::default();
        let posix = TimeZone::posix(PARIS_POSIX).unwrap();
        // Summer and winter offsets agree with the fallback rule.
        for d in [date(2026, 1, 15), date(2026, 7, 15), date(2026, 10, 25)] {
            let dt = d.at(12, 0, 0, 0);
            assert_eq!(
                dt.to_zoned_datetime(tz.tz().clone()).unwrap().offset(),
                dt.to_zoned_datetime(posix.clone()).unwrap().offset(),
            );
        }
        assert_eq!(tz.tz().iana_name(), Some("Europe/Paris"));
    }

    #[test]
    fn unknown_zone() {
        assert_eq!(
            CreditorTimeZone::parse("Europe/Pariss")
                .unwrap_err()
                .to_string(),
            "unknown time zone 'Europe/Pariss'"
        );
        assert_eq!(
            CreditorTimeZone::parse(" ").unwrap_err(),
            TimeZoneError::Empty
        );
    }

    #[test]
    fn serde_is_the_name() {
        let tz = CreditorTimeZone::parse("Europe/Madrid").unwrap();
        assert_eq!(serde_json::to_string(&tz).unwrap(), "\"Europe/Madrid\"");
        assert_eq!(
            serde_json::from_str::<CreditorTimeZone>("\"Europe/Madrid\"").unwrap(),
            tz
        );
        assert!(serde_json::from_str::<CreditorTimeZone>("\"Mars/Olympus\"").is_err());
    }
}
