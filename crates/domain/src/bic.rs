//! Business Identifier Codes (ISO 9362, "BIC" or "SWIFT code").

use crate::compact::{BadCharacter, compact_alphanumeric};
use crate::country;
use crate::value_macros::string_value;

/// A BIC of 8 or 11 characters, upper case: bank (4 letters), country
/// (2 letters, ISO 3166), location (2 alphanumerics), optional branch (3).
///
/// "BNPAFRPP" and "BNPAFRPPXXX" name the same office but are kept as given:
/// the stored value is what the customer or bank supplied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bic {
    code: String,
}

/// Why a BIC was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BicError {
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
    /// Not 8 or 11 characters once spaces are removed.
    #[error("must be 8 or 11 characters (got {0})")]
    Length(usize),
    /// A digit in the bank or country code.
    #[error("{part} must be letters (got '{ch}' at position {position})")]
    NotALetter {
        /// "bank code" or "country code".
        part: &'static str,
        /// The offending character.
        ch: char,
        /// Its 1-based position in the BIC (spaces removed).
        position: usize,
    },
    /// Letters that are not an ISO 3166 country code.
    #[error("unknown country code '{0}'")]
    UnknownCountry(String),
}

impl Bic {
    /// Parses a BIC; lower case and spaces are accepted ("bnpa fr pp").
    pub fn parse(input: &str) -> Result<Bic, BicError> {
        let code = compact_alphanumeric(input)
            .map_err(|BadCharacter { ch, position }| BicError::InvalidCharacter { ch, position })?;
        if code.is_empty() {
            return Err(BicError::Empty);
        }
        if code.len() != 8 && code.len() != 11 {
            return Err(BicError::Length(code.len()));
        }
        for (i, ch) in code.chars().take(6).enumerate() {
            if !ch.is_ascii_alphabetic() {
                let part = if i < 4 { "bank code" } else { "country code" };
                return Err(BicError::NotALetter {
                    part,
                    ch,
                    position: i + 1,
                });
            }
        }
        let bic = Bic { code };
        if !country::is_known(bic.country_code()) {
            return Err(BicError::UnknownCountry(bic.country_code().to_owned()));
        }
        Ok(bic)
    }

    /// The BIC, upper case without spaces, e.g. "BNPAFRPPXXX".
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// Institution code (characters 1–4), e.g. "BNPA".
    pub fn bank_code(&self) -> &str {
        self.code.get(..4).unwrap_or_default()
    }

    /// Country code (characters 5–6), e.g. "FR".
    pub fn country_code(&self) -> &str {
        self.code.get(4..6).unwrap_or_default()
    }

    /// Location code (characters 7–8), e.g. "PP".
    pub fn location_code(&self) -> &str {
        self.code.get(6..8).unwrap_or_default()
    }

    /// Branch code (characters 9–11) for an 11-character BIC.
    pub fn branch_code(&self) -> Option<&str> {
        self.code.get(8..11)
    }

    /// True for SWIFT test-and-training BICs (second location character '0').
    pub fn is_test_bic(&self) -> bool {
        self.code.as_bytes().get(7) == Some(&b'0')
    }
}

string_value!(Bic, BicError, "a BIC");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_normalises() {
        let bic = Bic::parse(" bnpa fr pp xxx ").unwrap();
        assert_eq!(bic.as_str(), "BNPAFRPPXXX");
        assert_eq!(bic.bank_code(), "BNPA");
        assert_eq!(bic.country_code(), "FR");
        assert_eq!(bic.location_code(), "PP");
        assert_eq!(bic.branch_code(), Some("XXX"));
        assert!(!bic.is_test_bic());
        let short = Bic::parse("DEUTDEFF").unwrap();
        assert_eq!(short.branch_code(), None);
        assert!(Bic::parse("NEDSZAJ0").unwrap().is_test_bic());
        assert!(Bic::parse("COBADEFF2X1").is_ok());
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "is empty"),
            ("BNPAFRPPX", "must be 8 or 11 characters (got 9)"),
            ("BNPAFRPPXXXX", "must be 8 or 11 characters (got 12)"),
            ("BNPA-FRPP", "invalid character '-' at position 5"),
            (
                "BN1AFRPP",
                "bank code must be letters (got '1' at position 3)",
            ),
            (
                "BNPAF1PP",
                "country code must be letters (got '1' at position 6)",
            ),
            ("BNPAQQPP", "unknown country code 'QQ'"),
            ("BNPAUKPP", "unknown country code 'UK'"),
        ];
        for (input, message) in cases {
            assert_eq!(
                Bic::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn serde() {
        let bic = Bic::parse("bnpafrpp").unwrap();
        assert_eq!(serde_json::to_string(&bic).unwrap(), "\"BNPAFRPP\"");
        assert_eq!(serde_json::from_str::<Bic>("\"BNPAFRPP\"").unwrap(), bic);
        assert!(serde_json::from_str::<Bic>("\"BNPAFRP\"").is_err());
    }

    proptest! {
        #[test]
        fn valid_shapes_parse(s in "[A-Z]{4}(FR|DE|IT|ES|NL|BE|CH|GB)[A-Z0-9]{2}([A-Z0-9]{3})?") {
            let bic = Bic::parse(&s.to_lowercase()).unwrap();
            prop_assert_eq!(bic.as_str(), s.as_str());
            prop_assert_eq!(bic.to_string().parse::<Bic>().unwrap(), bic);
        }

        #[test]
        fn never_panics(s in "\\PC{0,14}") {
            let _ = Bic::parse(&s);
        }
    }
}
