//! International Bank Account Numbers, with errors that say what is wrong.

use crate::compact::{BadCharacter, compact_alphanumeric};
mod registry;

use crate::mod97;
use crate::value_macros::string_value;

/// A valid IBAN, stored in electronic form (upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban {
    electronic: String,
}

/// Why an IBAN was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
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
    /// The first two characters are not letters.
    #[error("must start with a two-letter country code")]
    MissingCountry,
    /// Characters 3 and 4 are not digits.
    #[error("characters 3 and 4 must be the check digits")]
    CheckDigitsNotDigits,
    /// A country without IBANs (or not in the registry).
    #[error("unknown country code '{0}'")]
    UnknownCountry(String),
    /// The length is wrong for the country.
    #[error("wrong length for {country}: expected {expected} characters, got {got}")]
    WrongLength {
        /// The country code.
        country: String,
        /// The length IBANs of that country have.
        expected: usize,
        /// The length given (spaces removed).
        got: usize,
    },
    /// The account part does not follow the country's layout.
    #[error("account part does not match the {country} layout: {layout}")]
    AccountLayout {
        /// The country code.
        country: String,
        /// The expected layout in words.
        layout: String,
    },
    /// The mod-97 check failed: a typo somewhere.
    #[error("check digits do not match (expected {expected:02})")]
    CheckDigits {
        /// The check digits that would make this IBAN valid.
        expected: u8,
    },
}

/// Countries in the EPC SEPA schemes' geographical scope: the EEA, CH, GB,
/// MC, SM, VA, AD, GI, the 2024–2025 joiners AL, MD, ME, MK, and the French
/// and Finnish territories that are part of the EU (GF GP MQ RE PM YT BL MF,
/// AX). New Caledonia, French Polynesia and Wallis-and-Futuna (NC PF WF) use
/// the XPF and are outside SEPA, so they are not listed.
const SEPA_COUNTRIES: &[&str] = &[
    "AD", "AL", "AT", "AX", "BE", "BG", "BL", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
    "GB", "GF", "GI", "GP", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD",
    "ME", "MF", "MK", "MQ", "MT", "NL", "NO", "PL", "PM", "PT", "RE", "RO", "SE", "SI", "SK", "SM",
    "VA", "YT",
];

/// SEPA countries outside the EEA: a payment with one of them needs the
/// bank's BIC (the EEA's "IBAN only" rule does not reach them).
const SEPA_COUNTRIES_OUTSIDE_EEA: &[&str] = &[
    "AD", "AL", "CH", "GB", "GI", "MC", "MD", "ME", "MK", "SM", "VA",
];

impl Iban {
    /// Parses an IBAN in electronic or paper form; spaces and lower case are
    /// accepted.
    pub fn parse(input: &str) -> Result<Iban, IbanError> {
        let electronic = normalise(input)?;
        // Fast path: a valid IBAN of a country iban_validate knows. Only a
        // refused one (or a territory checked against its parent's layout)
        // pays for the diagnosis below.
        if electronic.parse::<iban::Iban>().is_ok()
            && electronic.get(..2).and_then(registry::lookup).is_some()
        {
            return Ok(Iban { electronic });
        }
        let bytes = electronic.as_bytes();
        if bytes.is_empty() {
            return Err(IbanError::Empty);
        }
        if bytes.len() < 2 || !bytes[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(IbanError::MissingCountry);
        }
        if bytes.len() < 4 || !bytes[2..4].iter().all(u8::is_ascii_digit) {
            return Err(IbanError::CheckDigitsNotDigits);
        }
        let (country, rest) = electronic.split_at(2);
        let (check, bban) = rest.split_at(2);
        let (parent, expected_len, layout) = registry::lookup(country)
            .ok_or_else(|| IbanError::UnknownCountry(country.to_owned()))?;
        if electronic.len() != expected_len {
            return Err(IbanError::WrongLength {
                country: country.to_owned(),
                expected: expected_len,
                got: electronic.len(),
            });
        }
        // iban_validate checks the layout, but only after the checksum; give
        // it the parent-country IBAN with correct check digits so a layout
        // problem is reported as such, before any checksum mismatch.
        let expected = check_digits_for(country, bban)?;
        let parent_iban = format!("{parent}{:02}{bban}", check_digits_for(parent, bban)?);
        if parent_iban.parse::<iban::Iban>().is_err() {
            return Err(IbanError::AccountLayout {
                country: country.to_owned(),
                layout: registry::describe(layout),
            });
        }
        if check != format!("{expected:02}") {
            return Err(IbanError::CheckDigits { expected });
        }
        Ok(Iban { electronic })
    }

    /// The bank's identifier inside the IBAN (e.g. the 5-digit bank code of
    /// a French IBAN), where the registry defines one.
    pub fn bank_identifier(&self) -> Option<String> {
        let iban: iban::Iban = self.electronic.parse().ok()?;
        iban.bank_identifier().map(str::to_owned)
    }

    /// Electronic form, e.g. "FR7630006000011234567890189".
    pub fn as_str(&self) -> &str {
        &self.electronic
    }

    /// The two-letter country code, e.g. "FR".
    pub fn country_code(&self) -> &str {
        self.electronic.get(..2).unwrap_or_default()
    }

    /// The two check digits as written, e.g. "76" (a string to keep "05").
    pub fn check_digits(&self) -> &str {
        self.electronic.get(2..4).unwrap_or_default()
    }

    /// The national account part after the check digits (BBAN).
    pub fn bban(&self) -> &str {
        self.electronic.get(4..).unwrap_or_default()
    }

    /// Paper form in groups of four: "FR76 3000 6000 0112 3456 7890 189".
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.electronic.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// For display to people who must not see the account:
    /// "FR76 •••• •••• 0189" (country and check digits, last four).
    pub fn masked(&self) -> String {
        format!(
            "{}{} •••• •••• {}",
            self.country_code(),
            self.check_digits(),
            self.last4()
        )
    }

    /// The last four characters, e.g. "0189".
    pub fn last4(&self) -> &str {
        let len = self.electronic.len();
        self.electronic
            .get(len.saturating_sub(4)..)
            .unwrap_or_default()
    }

    /// True when the IBAN's country is reachable by SEPA Direct Debit.
    pub fn is_sepa(&self) -> bool {
        SEPA_COUNTRIES.binary_search(&self.country_code()).is_ok()
    }

    /// True when a SEPA payment to or from this account needs the bank's
    /// BIC: its country is in SEPA but outside the EEA.
    pub fn needs_bic(&self) -> bool {
        SEPA_COUNTRIES_OUTSIDE_EEA
            .binary_search(&self.country_code())
            .is_ok()
    }
}

string_value!(Iban, IbanError, "an IBAN");

/// Removes whitespace and upper-cases, reporting the first character that
/// can never appear in an IBAN.
fn normalise(input: &str) -> Result<String, IbanError> {
    compact_alphanumeric(input)
        .map_err(|BadCharacter { ch, position }| IbanError::InvalidCharacter { ch, position })
}

fn check_digits_for(country: &str, bban: &str) -> Result<u8, IbanError> {
    // Only alphanumerics reach this point, so the remainder always exists.
    mod97::check_digits(bban, country).ok_or(IbanError::MissingCountry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXAMPLES: &[&str] = &[
        "FR7630006000011234567890189",
        "DE89370400440532013000",
        "GB29NWBK60161331926819",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
        "CH9300762011623852957",
        "MC5811222000010123456789030",
        "SM86U0322509800000000270100",
        "VA59001123000012345678",
        "AD1200012030200359100100",
        "NO9386011117947",
        "PL61109010140000071219812874",
        "AT611904300234573201",
    ];

    #[test]
    fn accepts_registry_examples() {
        for s in EXAMPLES {
            let iban = Iban::parse(s).unwrap();
            assert_eq!(iban.as_str(), *s);
            assert!(iban.is_sepa(), "{s}");
        }
    }

    #[test]
    fn accessors() {
        let iban = Iban::parse(" fr76 3000 6000 0112 3456 7890 189 ").unwrap();
        assert_eq!(iban.as_str(), "FR7630006000011234567890189");
        assert_eq!(iban.country_code(), "FR");
        assert_eq!(iban.check_digits(), "76");
        assert_eq!(iban.bban(), "30006000011234567890189");
        assert_eq!(iban.grouped(), "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(iban.masked(), "FR76 •••• •••• 0189");
        assert_eq!(iban.last4(), "0189");
        assert_eq!(iban.to_string(), "FR7630006000011234567890189");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let cases = [
            ("", "is empty"),
            ("  ", "is empty"),
            ("FR76-3000", "invalid character '-' at position 5"),
            ("FR76 3000 é", "invalid character 'é' at position 11"),
            (
                "7630006000011234567890189",
                "must start with a two-letter country code",
            ),
            (
                "FRXX30006000011234567890189",
                "characters 3 and 4 must be the check digits",
            ),
            ("F", "must start with a two-letter country code"),
            ("QQ7630006000011234567890189", "unknown country code 'QQ'"),
            (
                "FR763000600001123456789018",
                "wrong length for FR: expected 27 characters, got 26",
            ),
            (
                "NL911BNA0417164300",
                "account part does not match the NL layout: 4 letters, 10 digits",
            ),
            (
                "FR7730006000011234567890189",
                "check digits do not match (expected 76)",
            ),
            (
                "FR7630006000011234567890188",
                "check digits do not match (expected 06)",
            ),
            (
                "DE00370400440532013000",
                "check digits do not match (expected 89)",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(
                Iban::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn sepa_scope() {
        assert!(!Iban::parse("SA0380000000608010167519").unwrap().is_sepa());
        assert!(
            !Iban::parse("BR1800360305000010009795493C1")
                .unwrap()
                .is_sepa()
        );
        assert!(
            Iban::parse("MT84MALT011000012345MTLCAST001S")
                .unwrap()
                .is_sepa()
        );
        assert!(SEPA_COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        // Every SEPA country can actually have an IBAN.
        assert!(
            SEPA_COUNTRIES
                .iter()
                .all(|cc| registry::lookup(cc).is_some())
        );
    }

    #[test]
    fn only_sepa_countries_outside_the_eea_need_a_bic() {
        assert!(Iban::parse("CH9300762011623852957").unwrap().needs_bic());
        assert!(Iban::parse("GB29NWBK60161331926819").unwrap().needs_bic());
        assert!(
            !Iban::parse("FR7630006000011234567890189")
                .unwrap()
                .needs_bic()
        );
        assert!(SEPA_COUNTRIES_OUTSIDE_EEA.windows(2).all(|w| w[0] < w[1]));
        assert!(
            SEPA_COUNTRIES_OUTSIDE_EEA
                .iter()
                .all(|cc| SEPA_COUNTRIES.contains(cc))
        );
    }

    #[test]
    fn territories_use_the_parent_layout() {
        let bban = "30006000011234567890189";
        for (cc, sepa) in [("GP", true), ("RE", true), ("NC", false), ("PF", false)] {
            let check = mod97::check_digits(bban, cc).unwrap();
            let iban = Iban::parse(&format!("{cc}{check:02}{bban}")).unwrap();
            assert_eq!(iban.is_sepa(), sepa, "{cc}");
        }
        let check = mod97::check_digits("12345600000785", "AX").unwrap();
        assert!(
            Iban::parse(&format!("AX{check:02}12345600000785"))
                .unwrap()
                .is_sepa()
        );
    }

    #[test]
    fn serde_is_the_electronic_string() {
        let iban = Iban::parse("FR76 3000 6000 0112 3456 7890 189").unwrap();
        let json = serde_json::to_string(&iban).unwrap();
        assert_eq!(json, "\"FR7630006000011234567890189\"");
        assert_eq!(serde_json::from_str::<Iban>(&json).unwrap(), iban);
        let err = serde_json::from_str::<Iban>("\"FR7730006000011234567890189\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("check digits do not match (expected 76)")
        );
    }

    /// Valid IBANs for a few SEPA countries: a random BBAN with the right
    /// layout, then the correct check digits.
    fn valid_iban() -> impl Strategy<Value = String> {
        prop_oneof![
            ("FR", "[0-9]{10}[0-9A-Z]{11}[0-9]{2}"),
            ("DE", "[0-9]{18}"),
            ("ES", "[0-9]{20}"),
            ("IT", "[A-Z][0-9]{10}[0-9A-Z]{12}"),
            ("NL", "[A-Z]{4}[0-9]{10}"),
            ("BE", "[0-9]{12}"),
        ]
        // A (&str, &str) tuple is itself a strategy: each &str is a regex.
        .prop_map(|(cc, bban)| {
            let check = mod97::check_digits(&bban, &cc).unwrap();
            format!("{cc}{check:02}{bban}")
        })
    }

    proptest! {
        #[test]
        fn generated_ibans_parse(s in valid_iban()) {
            let iban = Iban::parse(&s).unwrap();
            prop_assert_eq!(iban.as_str(), s.as_str());
            prop_assert_eq!(Iban::parse(&iban.grouped().to_lowercase()).unwrap(), iban.clone());
            prop_assert!(iban.is_sepa());
        }

        #[test]
        fn any_single_digit_change_is_rejected(s in valid_iban(), pos in any::<prop::sample::Index>(), bump in 1u8..10) {
            let digits: Vec<usize> = s.bytes().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
            let i = pos.get(&digits);
            let mut bytes = s.clone().into_bytes();
            bytes[*i] = b'0' + (bytes[*i] - b'0' + bump) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Iban::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Iban::parse(&s);
        }

        #[test]
        fn never_panics_on_iban_like_input(s in "[A-Z]{2}[0-9]{2}[0-9A-Za-z ]{0,34}") {
            let _ = Iban::parse(&s);
        }
    }
}
