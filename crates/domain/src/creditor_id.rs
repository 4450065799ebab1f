//! SEPA Creditor Identifiers ("ICS" in France, "Gläubiger-ID" in Germany).
//!
//! Layout: country (2 letters), check digits (2), creditor business code
//! (3 alphanumerics, free choice of the creditor, not covered by the check:
//! "ZZZ" when unused), national identifier (up to 28 alphanumerics; exactly
//! 6 in France). Check digits: ISO 7064 MOD 97-10 over national identifier +
//! country + "00".

use crate::compact::{BadCharacter, compact_alphanumeric};
use crate::value_macros::string_value;
use crate::{country, mod97};

/// A SEPA creditor identifier, upper case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditorId {
    value: String,
}

/// Why a creditor identifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditorIdError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// A character other than a letter, digit or space.
    #[error("invalid character '{ch}' at position {position}")]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its 1-based position in the input, spaces included.
        position: usize,
    },
    /// Fewer than the 8 characters of the shortest possible identifier.
    #[error("must be at least 8 characters (got {0})")]
    TooShort(usize),
    /// More than 35 characters.
    #[error("must be at most 35 characters (got {0})")]
    TooLong(usize),
    /// The first two characters are not letters.
    #[error("must start with a two-letter country code")]
    MissingCountry,
    /// Letters that are not an ISO 3166 country code.
    #[error("unknown country code '{0}'")]
    UnknownCountry(String),
    /// Characters 3 and 4 are not digits.
    #[error("characters 3 and 4 must be the check digits")]
    CheckDigitsNotDigits,
    /// The national identifier has the wrong length for the country.
    #[error("national identifier must be {expected} characters for {country} (got {got})")]
    NationalIdLength {
        /// The country code.
        country: String,
        /// The required length.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The MOD 97-10 check failed: a typo somewhere.
    #[error("check digits do not match (expected {expected:02})")]
    CheckDigits {
        /// The check digits that would make this identifier valid.
        expected: u8,
    },
}

/// Countries whose national identifier has a fixed length we enforce.
const NATIONAL_ID_LENGTHS: &[(&str, usize)] = &[("FR", 6)];

impl CreditorId {
    /// Parses a creditor identifier; spaces and lower case are accepted.
    pub fn parse(input: &str) -> Result<CreditorId, CreditorIdError> {
        let value = compact_alphanumeric(input).map_err(|BadCharacter { ch, position }| {
            CreditorIdError::InvalidCharacter { ch, position }
        })?;
        match value.len() {
            0 => return Err(CreditorIdError::Empty),
            n if n < 8 => return Err(CreditorIdError::TooShort(n)),
            n if n > 35 => return Err(CreditorIdError::TooLong(n)),
            _ => {}
        }
        let bytes = value.as_bytes();
        if !bytes[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(CreditorIdError::MissingCountry);
        }
        let id = CreditorId { value };
        let country = id.country_code();
        if !country::is_known(country) {
            return Err(CreditorIdError::UnknownCountry(country.to_owned()));
        }
        if !id.check_digits().bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditorIdError::CheckDigitsNotDigits);
        }
        let national = id.national_id();
        if let Some(&(_, expected)) = NATIONAL_ID_LENGTHS.iter().find(|(cc, _)| *cc == country)
            && national.len() != expected
        {
            return Err(CreditorIdError::NationalIdLength {
                country: country.to_owned(),
                expected,
                got: national.len(),
            });
        }
        let expected =
            mod97::check_digits(national, country).ok_or(CreditorIdError::MissingCountry)?;
        if id.check_digits() != format!("{expected:02}") {
            return Err(CreditorIdError::CheckDigits { expected });
        }
        Ok(id)
    }

    /// The identifier, e.g. "FR69ZZZ651190".
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The two-letter country code, e.g. "FR".
    pub fn country_code(&self) -> &str {
        self.value.get(..2).unwrap_or_default()
    }

    /// The two check digits, e.g. "69".
    pub fn check_digits(&self) -> &str {
        self.value.get(2..4).unwrap_or_default()
    }

    /// The creditor business code (characters 5–7), "ZZZ" when unused.
    pub fn business_code(&self) -> &str {
        self.value.get(4..7).unwrap_or_default()
    }

    /// The national identifier (characters 8 onwards), e.g. "651190".
    pub fn national_id(&self) -> &str {
        self.value.get(7..).unwrap_or_default()
    }

    /// True when both identify the same creditor: the business code is a
    /// creditor's free sub-division and is ignored, as in the EPC rulebook.
    pub fn same_creditor(&self, other: &CreditorId) -> bool {
        self.country_code() == other.country_code() && self.national_id() == other.national_id()
    }
}

string_value!(CreditorId, CreditorIdError, "a SEPA creditor identifier");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn make(cc: &str, business: &str, national: &str) -> String {
        let check = mod97::check_digits(national, cc).unwrap();
        format!("{cc}{check:02}{business}{national}")
    }

    #[test]
    fn known_good_values() {
        for s in [
            "DE98ZZZ09999999999",
            "FR69ZZZ651190",
            "fr69 zzz 651190",
            "FR69ABC651190",
        ] {
            assert!(CreditorId::parse(s).is_ok(), "{s}");
        }
        let id = CreditorId::parse("FR69ZZZ651190").unwrap();
        assert_eq!(id.country_code(), "FR");
        assert_eq!(id.check_digits(), "69");
        assert_eq!(id.business_code(), "ZZZ");
        assert_eq!(id.national_id(), "651190");
        assert_eq!(id.to_string(), "FR69ZZZ651190");
        let other_business = CreditorId::parse("FR69ABC651190").unwrap();
        assert!(id.same_creditor(&other_business));
        assert_ne!(id, other_business);
    }

    #[test]
    fn invented_french_ones() {
        for national in ["123456", "ABC123", "000001", "9Z9Z9Z"] {
            let s = make("FR", "ZZZ", national);
            assert!(CreditorId::parse(&s).is_ok(), "{s}");
            assert_eq!(s.len(), 13);
        }
        assert_eq!(make("FR", "ZZZ", "123456"), "FR72ZZZ123456");
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "is empty"),
            (
                "NL89ZZZ011234567890",
                "check digits do not match (expected 03)",
            ),
            ("FR68ZZZ651190", "check digits do not match (expected 69)"),
            (
                "FR69ZZZ6511901",
                "national identifier must be 6 characters for FR (got 7)",
            ),
            ("FR69ZZZ", "must be at least 8 characters (got 7)"),
            ("FR69-ZZZ651190", "invalid character '-' at position 5"),
            ("1R69ZZZ651190", "must start with a two-letter country code"),
            ("QQ69ZZZ651190", "unknown country code 'QQ'"),
            (
                "FRA9ZZZ651190",
                "characters 3 and 4 must be the check digits",
            ),
            (
                "DE00ZZZ12345678901234567890123456789",
                "must be at most 35 characters (got 36)",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(
                CreditorId::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn serde() {
        let id = CreditorId::parse("DE98ZZZ09999999999").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"DE98ZZZ09999999999\""
        );
        assert_eq!(
            serde_json::from_str::<CreditorId>("\"de98zzz09999999999\"").unwrap(),
            id
        );
        assert!(serde_json::from_str::<CreditorId>("\"DE99ZZZ09999999999\"").is_err());
    }

    fn valid() -> impl Strategy<Value = String> {
        prop_oneof![
            ("[A-Z0-9]{3}", "[A-Z0-9]{6}").prop_map(|(b, n)| make("FR", &b, &n)),
            ("[A-Z0-9]{3}", "[0-9]{11}").prop_map(|(b, n)| make("DE", &b, &n)),
            ("[A-Z0-9]{3}", "[A-Z0-9]{1,28}").prop_map(|(b, n)| make("NL", &b, &n)),
        ]
    }

    proptest! {
        #[test]
        fn generated_ids_parse(s in valid()) {
            let id = CreditorId::parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert_eq!(CreditorId::parse(&s.to_lowercase()).unwrap(), id);
        }

        #[test]
        fn single_digit_change_outside_business_code_is_rejected(
            s in valid(), pos in any::<prop::sample::Index>(), bump in 1u8..10
        ) {
            // Positions 5-7 (business code) are deliberately not checked.
            let digits: Vec<usize> = s.bytes().enumerate()
                .filter(|&(i, b)| b.is_ascii_digit() && !(4..7).contains(&i))
                .map(|(i, _)| i)
                .collect();
            let i = *pos.get(&digits);
            let mut bytes = s.into_bytes();
            bytes[i] = b'0' + (bytes[i] - b'0' + bump) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditorId::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = CreditorId::parse(&s);
        }
    }
}
