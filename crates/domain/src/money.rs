//! Amounts of money as an integer count of minor units (cents) in one
//! currency. No floats: every operation is exact or fails loudly.

mod format;
mod parse;

use crate::currency::Currency;

/// An exact amount: `minor` units (cents for EUR) of `currency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why an amount could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// Characters that cannot be part of an amount.
    #[error("not a number: '{0}'")]
    NotANumber(String),
    /// More fraction digits than the currency has minor units.
    #[error("more than {max} decimals")]
    TooManyDecimals {
        /// The currency's minor-unit exponent.
        max: u8,
    },
    /// A fraction for a currency without minor units (JPY, ISK, ...).
    #[error("{0} amounts have no decimals")]
    NoDecimals(Currency),
    /// Two decimal separators, e.g. "1.2.3" or "1,2,3".
    #[error("two decimal separators in '{0}'")]
    TwoDecimalSeparators(String),
    /// "1,234" or "1.000": could be a thousands separator or decimals.
    #[error(
        "ambiguous: '{0}' could be read as thousands or as decimals; write it without a thousands separator"
    )]
    Ambiguous(String),
    /// Thousands separators that do not split the integer part in groups of three.
    #[error("misplaced thousands separator in '{0}'")]
    Grouping(String),
    /// A sign where only a plain amount is accepted.
    #[error("'{0}' is negative: a negative amount is not accepted")]
    Negative(String),
    /// The result does not fit in the supported range.
    #[error("amount is out of range")]
    Overflow,
    /// Arithmetic between two currencies.
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
}

impl Money {
    /// An amount of `minor` units (e.g. cents) of `currency`.
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses a human-typed amount in `currency`; see the `parse` module for
    /// the accepted shapes ("12,34", "1 234,56", "1,234.56", "-5", "0.5").
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse::parse_minor(input, currency).map(|minor| Money { minor, currency })
    }

    /// Parses an amount as a file's cell holds it: digits, and optionally
    /// one ',' or '.' before at most the currency's decimals ("12,50",
    /// "12.5", "12"); no sign and no thousands separator, so that a cell
    /// has only one reading ("12,345" is refused, not guessed).
    pub fn parse_plain(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse::parse_plain_minor(input, currency).map(|minor| Money { minor, currency })
    }

    /// The amount in minor units.
    pub const fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// True when strictly above zero.
    pub const fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// True when strictly below zero.
    pub const fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// True when zero.
    pub const fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// `self + other`; fails on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// `self - other`; fails on a currency mismatch or overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// `-self`; fails only for the most negative representable amount.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// `|self|`; fails only for the most negative representable amount.
    pub fn checked_abs(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_abs().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Sums `amounts`, all of which must be in `currency` (an empty
    /// iterator sums to zero, which is why the currency is explicit).
    pub fn checked_sum<I>(amounts: I, currency: Currency) -> Result<Money, MoneyError>
    where
        I: IntoIterator<Item = Money>,
    {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// Formats for people: FR `1 234,56 €`, EN `€1,234.56`; see `format`.
    pub fn format(&self, locale: crate::Locale) -> String {
        format::format(self, locale)
    }

    /// The plain machine form: optional '-', digits, '.' and exactly the
    /// currency's number of decimals, e.g. "-1234.50" (no grouping, no code).
    pub fn to_decimal_string(&self) -> String {
        format::plain(self)
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

/// Amounts in different currencies are not comparable (`None`).
impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<core::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

/// "-1234.56 EUR": the plain decimal form followed by the currency code.
impl core::fmt::Display for Money {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// Why a "<amount> <CODE>" string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    /// No currency code after the amount.
    #[error("expected an amount followed by a currency code, like '12.34 EUR'")]
    MissingCurrency,
    /// The currency code is wrong.
    #[error("currency: {0}")]
    Currency(#[from] crate::currency::CurrencyError),
    /// The amount is wrong.
    #[error("amount: {0}")]
    Amount(#[from] MoneyError),
}

/// Parses the `Display` form "<amount> <CODE>", e.g. "12.34 EUR".
impl core::str::FromStr for Money {
    type Err = MoneyParseError;

    fn from_str(s: &str) -> Result<Money, MoneyParseError> {
        let (amount, code) = s
            .trim()
            .rsplit_once(' ')
            .ok_or(MoneyParseError::MissingCurrency)?;
        let currency = Currency::parse(code)?;
        Ok(Money::parse(amount, currency)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::EUR)
    }

    #[test]
    fn arithmetic_checks_currency_and_overflow() {
        assert_eq!(eur(150).checked_add(eur(-50)).unwrap(), eur(100));
        assert_eq!(eur(150).checked_sub(eur(200)).unwrap(), eur(-50));
        assert_eq!(eur(150).checked_neg().unwrap(), eur(-150));
        assert_eq!(eur(-7).checked_abs().unwrap(), eur(7));
        let usd = Money::from_minor(1, Currency::USD);
        assert_eq!(
            eur(1).checked_add(usd).unwrap_err().to_string(),
            "currency mismatch: EUR and USD"
        );
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
    }

    #[test]
    fn sum_of_nothing_is_zero_in_the_given_currency() {
        let zero = Money::checked_sum([], Currency::JPY).unwrap();
        assert_eq!(zero, Money::zero(Currency::JPY));
        assert!(zero.is_zero() && !zero.is_positive() && !zero.is_negative());
        let total = Money::checked_sum([eur(1), eur(2), eur(3)], Currency::EUR).unwrap();
        assert_eq!(total, eur(6));
        assert!(Money::checked_sum([eur(1)], Currency::USD).is_err());
    }

    #[test]
    fn ordering_only_within_a_currency() {
        assert!(eur(1) < eur(2));
        let usd = Money::from_minor(1, Currency::USD);
        assert_eq!(eur(1).partial_cmp(&usd), None);
    }

    #[test]
    fn display_and_from_str_round_trip() {
        let m = eur(-123_456);
        assert_eq!(m.to_string(), "-1234.56 EUR");
        assert_eq!("-1234.56 EUR".parse::<Money>().unwrap(), m);
        assert_eq!(
            "12 JPY".parse::<Money>().unwrap(),
            Money::from_minor(12, Currency::JPY)
        );
        assert_eq!(
            "12.34".parse::<Money>().unwrap_err().to_string(),
            "expected an amount followed by a currency code, like '12.34 EUR'"
        );
        assert_eq!(
            "1.234 EUR".parse::<Money>().unwrap_err().to_string(),
            "amount: ambiguous: '1.234' could be read as thousands or as decimals; write it without a thousands separator"
        );
    }

    #[test]
    fn serde_is_minor_units_and_code() {
        let json = serde_json::to_string(&eur(1234)).unwrap();
        assert_eq!(json, r#"{"minor":1234,"currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), eur(1234));
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"EURO"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1.5,"currency":"EUR"}"#).is_err());
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![
            Just(Currency::EUR),
            Just(Currency::JPY),
            Just(Currency::KWD),
            Just(Currency::CHF)
        ]
    }

    proptest! {
        #[test]
        fn decimal_string_round_trips(minor in any::<i64>(), c in currency()) {
            let m = Money::from_minor(minor, c);
            prop_assert_eq!(Money::parse(&m.to_decimal_string(), c).unwrap(), m);
            prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        }

        #[test]
        fn add_then_sub_is_identity(a in any::<i64>(), b in any::<i64>()) {
            if let Ok(sum) = eur(a).checked_add(eur(b)) {
                prop_assert_eq!(sum.checked_sub(eur(b)).unwrap(), eur(a));
            } else {
                prop_assert!(a.checked_add(b).is_none());
            }
        }

        #[test]
        fn checked_sum_equals_fold(xs in proptest::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, 0..20)) {
            let total = Money::checked_sum(xs.iter().map(|&x| eur(x)), Currency::EUR).unwrap();
            prop_assert_eq!(total.minor(), xs.iter().sum::<i64>());
        }

        #[test]
        fn checked_sum_reports_overflow(xs in proptest::collection::vec(any::<i64>(), 0..6)) {
            let exact: i128 = xs.iter().map(|&x| i128::from(x)).sum();
            let result = Money::checked_sum(xs.iter().map(|&x| eur(x)), Currency::EUR);
            if let Ok(m) = result {
                prop_assert_eq!(i128::from(m.minor()), exact);
            }
        }
    }
}
