//! Reading amounts typed by people, in French or English habits.
//!
//! Accepted: "12.34", "12,34", "1 234,56" (space, U+00A0 or U+202F as
//! thousands separators), "1,234.56", "1.234,56", "-5", "+5", "0.5", ".5".
//! When both '.' and ',' appear, the last one is the decimal separator.
//! A single separator followed by exactly three digits after a 1–3 digit
//! integer ("1,234", "1.000") is rejected as ambiguous: guessing wrong
//! would collect a thousand times too much or too little.

use super::MoneyError;
use crate::currency::Currency;

fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Parses `input` into minor units of `currency`.
pub(super) fn parse_minor(input: &str, currency: Currency) -> Result<i64, MoneyError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    let not_a_number = || MoneyError::NotANumber(s.to_owned());
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_space_group(c))
    {
        return Err(not_a_number());
    }
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        // Catches "", "- 5", "--5" style inputs.
        return Err(not_a_number());
    }

    let (int_part, frac_part) = split_decimal(s, body)?;
    let int_digits = ungroup(s, int_part)?;
    if frac_part.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(MoneyError::Grouping(s.to_owned()));
    }
    let frac = frac_part.unwrap_or("");
    if (int_digits.is_empty() && frac.is_empty()) || frac_part.is_some_and(str::is_empty) {
        return Err(not_a_number());
    }
    let exponent = currency.minor_units();
    if frac.len() > usize::from(exponent) {
        return Err(if exponent == 0 {
            MoneyError::NoDecimals(currency)
        } else {
            MoneyError::TooManyDecimals { max: exponent }
        });
    }

    to_minor(&int_digits, frac, exponent, negative)
}

/// Parses `input` as a spreadsheet cell holds an amount: digits, then
/// optionally one ',' or '.' and at most the currency's decimals. No sign,
/// no thousands separator: a file has no one to ask whether "12,345" meant
/// twelve euros or twelve thousand, so it has only one reading.
pub(super) fn parse_plain_minor(input: &str, currency: Currency) -> Result<i64, MoneyError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    let not_a_number = || MoneyError::NotANumber(s.to_owned());
    if let Some(rest) = s.strip_prefix('-') {
        // Named as negative only when it is an amount with a sign ("-"
        // alone or "--5" is not a number).
        return Err(match parse_plain_minor(rest, currency) {
            Ok(_) => MoneyError::Negative(s.to_owned()),
            Err(MoneyError::Negative(_) | MoneyError::Empty) => not_a_number(),
            Err(other) => other,
        });
    }
    let (int, frac) = match s.split_once([',', '.']) {
        Some((_, frac)) if frac.contains([',', '.']) => {
            return Err(MoneyError::TwoDecimalSeparators(s.to_owned()));
        }
        Some((int, frac)) => (int, frac),
        None => (s, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let separated = int.len() < s.len();
    if int.is_empty() || !digits(int) || !digits(frac) || (separated && frac.is_empty()) {
        return Err(not_a_number());
    }
    let exponent = currency.minor_units();
    if frac.len() > usize::from(exponent) {
        return Err(if exponent == 0 {
            MoneyError::NoDecimals(currency)
        } else {
            MoneyError::TooManyDecimals { max: exponent }
        });
    }
    to_minor(int, frac, exponent, false)
}

/// The minor units of `int_digits`.`frac` (ASCII digits only, `frac` at
/// most `exponent` long), negated when `negative`.
fn to_minor(int_digits: &str, frac: &str, exponent: u8, negative: bool) -> Result<i64, MoneyError> {
    // i128 accumulation with checked steps: a 40-digit input must report
    // overflow, not wrap.
    let mut value: i128 = 0;
    let padding = usize::from(exponent).saturating_sub(frac.len());
    let digits = int_digits
        .bytes()
        .chain(frac.bytes())
        .chain(core::iter::repeat_n(b'0', padding));
    for d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(d - b'0')))
            .ok_or(MoneyError::Overflow)?;
    }
    if negative {
        value = -value;
    }
    i64::try_from(value).map_err(|_| MoneyError::Overflow)
}

/// Splits `body` at its decimal separator, if any, deciding which of '.' and
/// ',' is the decimal separator and which a thousands separator.
fn split_decimal<'a>(s: &str, body: &'a str) -> Result<(&'a str, Option<&'a str>), MoneyError> {
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let has_spaces = body.chars().any(is_space_group);
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let (sep, count) = if dots > 0 { ('.', dots) } else { (',', commas) };
            if count > 1 {
                // "1.234.567" is grouping; "1.2.3" is nonsense.
                if !has_spaces && is_grouped(body, |c| c == sep) {
                    return Ok((body, None));
                }
                return Err(MoneyError::TwoDecimalSeparators(s.to_owned()));
            }
            let (int, frac) = body.split_once(sep).unwrap_or((body, ""));
            let could_be_group = frac.len() == 3
                && (1..=3).contains(&int.len())
                && !int.starts_with('0')
                && int.bytes().all(|b| b.is_ascii_digit());
            if could_be_group {
                return Err(MoneyError::Ambiguous(s.to_owned()));
            }
            Some(sep)
        }
        _ => {
            // Both present: the last one is the decimal separator.
            let last = body
                .rfind(['.', ','])
                .and_then(|i| body[i..].chars().next());
            let sep = last.unwrap_or('.');
            let count = if sep == '.' { dots } else { commas };
            if count > 1 {
                return Err(MoneyError::TwoDecimalSeparators(s.to_owned()));
            }
            if has_spaces {
                return Err(MoneyError::Grouping(s.to_owned()));
            }
            Some(sep)
        }
    };
    Ok(match decimal {
        None => (body, None),
        Some(sep) => match body.split_once(sep) {
            Some((int, frac)) => (int, Some(frac)),
            None => (body, None),
        },
    })
}

/// True when `part` is digits split by `is_sep` into a 1–3 digit head and
/// 3-digit groups ("1,234,567").
fn is_grouped(part: &str, is_sep: impl Fn(char) -> bool) -> bool {
    let mut groups = part.split(is_sep);
    let head_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    head_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes thousands separators from the integer part, checking they sit
/// every three digits. Returns the bare digits.
fn ungroup(s: &str, int_part: &str) -> Result<String, MoneyError> {
    let is_sep = |c: char| !c.is_ascii_digit();
    if !int_part.contains(is_sep) {
        return Ok(int_part.to_owned());
    }
    let seps: Vec<char> = int_part.chars().filter(|&c| is_sep(c)).collect();
    let one_kind = seps.iter().all(|&c| is_space_group(c))
        || seps.iter().all(|&c| c == '.')
        || seps.iter().all(|&c| c == ',');
    if !one_kind || !is_grouped(int_part, is_sep) {
        return Err(MoneyError::Grouping(s.to_owned()));
    }
    Ok(int_part.chars().filter(char::is_ascii_digit).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(s: &str) -> Result<i64, MoneyError> {
        parse_minor(s, Currency::EUR)
    }

    #[test]
    fn accepts_french_and_english_habits() {
        let cases = [
            ("12.34", 1234),
            ("12,34", 1234),
            ("1 234,56", 123_456),
            ("1\u{202f}234,56", 123_456),
            ("1\u{a0}234,56", 123_456),
            ("1,234.56", 123_456),
            ("1.234,56", 123_456),
            ("1 234 567", 123_456_700),
            ("1,234,567", 123_456_700),
            ("1.234.567,5", 123_456_750),
            ("-5", -500),
            ("+5", 500),
            ("0.5", 50),
            (".5", 50),
            ("  7,1  ", 710),
            ("-0", 0),
            ("0,05", 5),
            ("1234", 123_400),
            ("12345,67", 1_234_567),
        ];
        for (input, minor) in cases {
            assert_eq!(eur(input), Ok(minor), "{input:?}");
        }
    }

    #[test]
    fn respects_the_currency_exponent() {
        assert_eq!(parse_minor("1,234.567", Currency::KWD), Ok(1_234_567));
        assert_eq!(parse_minor("0,500", Currency::KWD), Ok(500));
        assert_eq!(parse_minor("1 234", Currency::JPY), Ok(1234));
        assert_eq!(
            parse_minor("12.5", Currency::JPY).unwrap_err().to_string(),
            "JPY amounts have no decimals"
        );
    }

    #[test]
    fn rejects_with_clear_messages() {
        let cases = [
            ("", "is empty"),
            ("   ", "is empty"),
            ("abc", "not a number: 'abc'"),
            ("12a", "not a number: '12a'"),
            ("12 €", "not a number: '12 €'"),
            ("-", "not a number: '-'"),
            ("--5", "not a number: '--5'"),
            (".", "not a number: '.'"),
            ("5.", "not a number: '5.'"),
            ("1e5", "not a number: '1e5'"),
            ("12.3456", "more than 2 decimals"),
            ("1234,567", "more than 2 decimals"),
            ("0,001", "more than 2 decimals"),
            ("1.2.3", "two decimal separators in '1.2.3'"),
            ("1,2.3,4", "two decimal separators in '1,2.3,4'"),
            (
                "1,234",
                "ambiguous: '1,234' could be read as thousands or as decimals; write it without a thousands separator",
            ),
            (
                "1.000",
                "ambiguous: '1.000' could be read as thousands or as decimals; write it without a thousands separator",
            ),
            (
                "12.345",
                "ambiguous: '12.345' could be read as thousands or as decimals; write it without a thousands separator",
            ),
            ("12 34", "misplaced thousands separator in '12 34'"),
            (
                "1 234.567,5",
                "misplaced thousands separator in '1 234.567,5'",
            ),
            ("1,23.45", "misplaced thousands separator in '1,23.45'"),
            ("12,34 5", "misplaced thousands separator in '12,34 5'"),
            ("99999999999999999999", "amount is out of range"),
            ("92233720368547758.08", "amount is out of range"),
        ];
        for (input, message) in cases {
            assert_eq!(eur(input).unwrap_err().to_string(), message, "{input:?}");
        }
    }

    #[test]
    fn extremes_of_i64() {
        assert_eq!(eur("92233720368547758.07"), Ok(i64::MAX));
        assert_eq!(eur("-92233720368547758.08"), Ok(i64::MIN));
    }

    fn plain(s: &str) -> Result<i64, MoneyError> {
        parse_plain_minor(s, Currency::EUR)
    }

    #[test]
    fn a_plain_amount_has_one_reading() {
        let cases = [
            ("12,50", 1250),
            ("12.50", 1250),
            ("12,5", 1250),
            ("12", 1200),
            (" 0,01 ", 1),
            ("007", 700),
            ("0", 0),
        ];
        for (input, minor) in cases {
            assert_eq!(plain(input), Ok(minor), "{input:?}");
        }
        assert_eq!(parse_plain_minor("1234", Currency::JPY), Ok(1234));
        assert_eq!(parse_plain_minor("1,234", Currency::KWD), Ok(1234));
    }

    #[test]
    fn a_plain_amount_refuses_what_could_be_misread() {
        let cases = [
            ("", "is empty"),
            ("12,345", "more than 2 decimals"),
            ("1.000", "more than 2 decimals"),
            ("-5", "'-5' is negative: a negative amount is not accepted"),
            (
                "-0,50",
                "'-0,50' is negative: a negative amount is not accepted",
            ),
            ("-", "not a number: '-'"),
            ("--5", "not a number: '--5'"),
            ("+5", "not a number: '+5'"),
            ("1 234,56", "not a number: '1 234,56'"),
            ("1.234,56", "two decimal separators in '1.234,56'"),
            ("1,2,3", "two decimal separators in '1,2,3'"),
            (",5", "not a number: ',5'"),
            ("5,", "not a number: '5,'"),
            ("12 €", "not a number: '12 €'"),
            ("1e3", "not a number: '1e3'"),
            ("12,5x", "not a number: '12,5x'"),
            ("99999999999999999999", "amount is out of range"),
        ];
        for (input, message) in cases {
            assert_eq!(plain(input).unwrap_err().to_string(), message, "{input:?}");
        }
        assert_eq!(
            parse_plain_minor("12,5", Currency::JPY)
                .unwrap_err()
                .to_string(),
            "JPY amounts have no decimals"
        );
    }

    proptest! {
        /// Any count of cents written `e,cc` (or `e.cc`) reads back exactly;
        /// a negative one is refused, never read as another amount.
        #[test]
        fn plain_e_comma_cc_reads_back_exactly(cents in any::<i64>()) {
            let magnitude = cents.unsigned_abs();
            let sign = if cents < 0 { "-" } else { "" };
            let text = format!("{sign}{},{:02}", magnitude / 100, magnitude % 100);
            if cents >= 0 {
                prop_assert_eq!(plain(&text), Ok(cents));
                prop_assert_eq!(plain(&text.replace(',', ".")), Ok(cents));
            } else {
                prop_assert_eq!(plain(&text), Err(MoneyError::Negative(text.clone())));
            }
        }

        #[test]
        fn plain_never_panics(s in "\\PC{0,30}") {
            let _ = plain(&s);
            let _ = parse_plain_minor(&s, Currency::JPY);
        }

        #[test]
        fn plain_never_panics_on_number_like_input(s in "[-+0-9.,  ]{0,30}") {
            if let Ok(minor) = plain(&s) {
                // Whatever it accepts is what the general parser reads too.
                prop_assert!(minor >= 0);
                prop_assert_eq!(eur(&s), Ok(minor));
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = eur(&s);
        }

        #[test]
        fn never_panics_on_number_like_input(s in "[-+0-9.,  \u{a0}\u{202f}]{0,30}") {
            let _ = eur(&s);
            let _ = parse_minor(&s, Currency::JPY);
            let _ = parse_minor(&s, Currency::KWD);
        }

        #[test]
        fn plain_a_dot_bc_round_trips(a in 0u64..10_000_000_000, bc in 0u64..100, neg in any::<bool>()) {
            let text = format!("{}{a}.{bc:02}", if neg { "-" } else { "" });
            let expected = i64::try_from(a * 100 + bc).unwrap();
            let expected = if neg { -expected } else { expected };
            prop_assert_eq!(eur(&text), Ok(expected));
            prop_assert_eq!(eur(&text.replace('.', ",")), Ok(expected));
        }
    }
}
