//! ISO 4217 currencies: the alphabetic code and how many minor units it has.

use crate::value_macros::string_value;

/// An active ISO 4217 currency with its minor-unit exponent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    // `&'static str` from the table below, so the type stays `Copy` and
    // `as_str` cannot fail.
    code: &'static str,
    minor_units: u8,
}

/// Why a currency code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// Not three ASCII letters.
    #[error("must be three letters like EUR (got '{0}')")]
    Format(String),
    /// Three letters, but not an active ISO 4217 code.
    #[error("unknown currency code '{0}'")]
    Unknown(String),
}

impl Currency {
    /// Euro, the only currency SEPA Direct Debit collects.
    pub const EUR: Currency = Currency::known("EUR", 2);
    /// US dollar.
    pub const USD: Currency = Currency::known("USD", 2);
    /// Pound sterling.
    pub const GBP: Currency = Currency::known("GBP", 2);
    /// Swiss franc.
    pub const CHF: Currency = Currency::known("CHF", 2);
    /// Japanese yen (no minor units).
    pub const JPY: Currency = Currency::known("JPY", 0);
    /// Kuwaiti dinar (three minor units).
    pub const KWD: Currency = Currency::known("KWD", 3);

    const fn known(code: &'static str, minor_units: u8) -> Currency {
        Currency { code, minor_units }
    }

    /// Parses an alphabetic code (case-insensitive, surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Currency, CurrencyError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CurrencyError::Empty);
        }
        if trimmed.len() != 3 || !trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(CurrencyError::Format(trimmed.to_owned()));
        }
        let upper = trimmed.to_ascii_uppercase();
        ACTIVE
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|&(code, minor_units)| Currency { code, minor_units })
            .ok_or(CurrencyError::Unknown(upper))
    }

    /// The three-letter code, e.g. "EUR".
    pub fn as_str(&self) -> &str {
        self.code
    }

    /// Number of decimal digits of the minor unit (EUR 2, JPY 0, KWD 3).
    pub fn minor_units(&self) -> u8 {
        self.minor_units
    }

    /// The symbol used when formatting, for the few currencies that have an
    /// unambiguous one; the others are shown with their code.
    pub fn symbol(&self) -> Option<&'static str> {
        match self.code {
            "EUR" => Some("€"),
            "USD" => Some("$"),
            "GBP" => Some("£"),
            _ => None,
        }
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::EUR
    }
}

impl core::fmt::Debug for Currency {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Currency({})", self.code)
    }
}

string_value!(Currency, CurrencyError, "an ISO 4217 currency code");

/// Active ISO 4217 codes with their minor-unit exponent (list of 2025/2026).
/// Fund codes and metals without minor units (XAU, XDR, XXX, ...) are left
/// out on purpose: money needs an exponent.
#[rustfmt::skip]
const ACTIVE: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2),
    ("ARS", 2), ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2),
    ("BDT", 2), ("BGN", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2),
    ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHE", 2), ("CHF", 2),
    ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2), ("COU", 2),
    ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2),
    ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2),
    ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2),
    ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2),
    ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3),
    ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2),
    ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3),
    ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2),
    ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2),
    ("MWK", 2), ("MXN", 2), ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2),
    ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3),
    ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2),
    ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0),
    ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2),
    ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2),
    ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2),
    ("UAH", 2), ("UGX", 0), ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2),
    ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2), ("VND", 0), ("VUV", 0),
    ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0),
    ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_known_codes_with_their_exponent() {
        let cases = [
            ("EUR", 2),
            ("usd", 2),
            (" GBP ", 2),
            ("CHF", 2),
            ("JPY", 0),
            ("SEK", 2),
            ("DKK", 2),
            ("NOK", 2),
            ("PLN", 2),
            ("CZK", 2),
            ("HUF", 2),
            ("RON", 2),
            ("BGN", 2),
            ("ISK", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("CLF", 4),
        ];
        for (code, exp) in cases {
            let c = Currency::parse(code).unwrap();
            assert_eq!(c.minor_units(), exp, "{code}");
            assert_eq!(c.as_str(), code.trim().to_ascii_uppercase());
        }
    }

    #[test]
    fn constants_agree_with_the_table() {
        for c in [
            Currency::EUR,
            Currency::USD,
            Currency::GBP,
            Currency::CHF,
            Currency::JPY,
            Currency::KWD,
        ] {
            assert_eq!(Currency::parse(c.as_str()).unwrap(), c);
        }
    }

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(ACTIVE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn rejects_with_helpful_messages() {
        assert_eq!(Currency::parse(" ").unwrap_err().to_string(), "is empty");
        assert_eq!(
            Currency::parse("EURO").unwrap_err().to_string(),
            "must be three letters like EUR (got 'EURO')"
        );
        assert_eq!(
            Currency::parse("xyz").unwrap_err().to_string(),
            "unknown currency code 'XYZ'"
        );
        assert!(Currency::parse("XAU").is_err());
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        let c: Currency = serde_json::from_str("\"chf\"").unwrap();
        assert_eq!(c, Currency::CHF);
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
        assert_eq!(Currency::EUR.to_string(), "EUR");
        assert_eq!(Currency::default(), Currency::EUR);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,8}") {
            let _ = Currency::parse(&s);
        }

        #[test]
        fn display_round_trips(i in 0..ACTIVE.len()) {
            let c = Currency::parse(ACTIVE[i].0).unwrap();
            prop_assert_eq!(c.to_string().parse::<Currency>().unwrap(), c);
        }
    }
}
