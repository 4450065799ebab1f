//! Writing amounts for people (FR / EN) and for machines (plain decimal).
//!
//! French typography: U+202F NARROW NO-BREAK SPACE between thousands
//! ("1 234,56") and U+00A0 NO-BREAK SPACE before the symbol or code
//! ("1 234,56 €"), so a line never breaks inside an amount. English puts a
//! known symbol first with no space ("€1,234.56"); a currency without a
//! symbol shows its code followed by U+00A0 ("CHF 1,234.56").

use super::Money;
use crate::Locale;

const NARROW_NBSP: char = '\u{202f}';
const NBSP: char = '\u{a0}';

/// Splits |minor| into integer and fraction digits for the currency.
fn parts(m: &Money) -> (u64, String) {
    let exponent = u32::from(m.currency().minor_units());
    // Exponents in the currency table are at most 4, so this cannot overflow;
    // `checked_pow` keeps it panic-free anyway.
    let scale = 10u64.checked_pow(exponent).unwrap_or(1);
    let abs = m.minor().unsigned_abs();
    let width = exponent as usize;
    let fraction = if width == 0 {
        String::new()
    } else {
        format!("{:0width$}", abs % scale)
    };
    (abs / scale, fraction)
}

fn grouped(mut n: u64, separator: char) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(separator.to_string().as_str())
}

fn number(m: &Money, group: char, decimal: char) -> String {
    let (int, fraction) = parts(m);
    let int = grouped(int, group);
    if fraction.is_empty() {
        int
    } else {
        format!("{int}{decimal}{fraction}")
    }
}

/// Human formatting; see the module documentation.
pub(super) fn format(m: &Money, locale: Locale) -> String {
    let sign = if m.is_negative() { "-" } else { "" };
    let currency = m.currency();
    match locale {
        Locale::Fr => {
            let unit = currency.symbol().unwrap_or(currency.as_str());
            format!("{sign}{}{NBSP}{unit}", number(m, NARROW_NBSP, ','))
        }
        Locale::En => {
            let n = number(m, ',', '.');
            match currency.symbol() {
                Some(symbol) => format!("{sign}{symbol}{n}"),
                None => format!("{sign}{}{NBSP}{n}", currency.as_str()),
            }
        }
    }
}

/// "-1234.50": no grouping, '.' decimal, all the currency's decimals.
pub(super) fn plain(m: &Money) -> String {
    let sign = if m.is_negative() { "-" } else { "" };
    let (int, fraction) = parts(m);
    if fraction.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use proptest::prelude::*;

    fn m(minor: i64, c: Currency) -> Money {
        Money::from_minor(minor, c)
    }

    #[test]
    fn french() {
        let e = Currency::EUR;
        assert_eq!(m(123_456, e).format(Locale::Fr), "1\u{202f}234,56\u{a0}€");
        assert_eq!(m(-123_456, e).format(Locale::Fr), "-1\u{202f}234,56\u{a0}€");
        assert_eq!(m(5, e).format(Locale::Fr), "0,05\u{a0}€");
        assert_eq!(
            m(100_000_000, e).format(Locale::Fr),
            "1\u{202f}000\u{202f}000,00\u{a0}€"
        );
        assert_eq!(
            m(123_456, Currency::CHF).format(Locale::Fr),
            "1\u{202f}234,56\u{a0}CHF"
        );
        assert_eq!(
            m(1234, Currency::JPY).format(Locale::Fr),
            "1\u{202f}234\u{a0}JPY"
        );
        assert_eq!(
            m(123_456, Currency::GBP).format(Locale::Fr),
            "1\u{202f}234,56\u{a0}£"
        );
    }

    #[test]
    fn english() {
        let e = Currency::EUR;
        assert_eq!(m(123_456, e).format(Locale::En), "€1,234.56");
        assert_eq!(m(-123_456, e).format(Locale::En), "-€1,234.56");
        assert_eq!(m(99, Currency::USD).format(Locale::En), "$0.99");
        assert_eq!(
            m(123_456, Currency::CHF).format(Locale::En),
            "CHF\u{a0}1,234.56"
        );
        assert_eq!(
            m(-123_456, Currency::CHF).format(Locale::En),
            "-CHF\u{a0}1,234.56"
        );
        assert_eq!(
            m(1_234_567, Currency::KWD).format(Locale::En),
            "KWD\u{a0}1,234.567"
        );
    }

    #[test]
    fn plain_form() {
        assert_eq!(m(-5, Currency::EUR).to_decimal_string(), "-0.05");
        assert_eq!(m(0, Currency::EUR).to_decimal_string(), "0.00");
        assert_eq!(m(1234, Currency::JPY).to_decimal_string(), "1234");
        assert_eq!(
            m(i64::MIN, Currency::EUR).to_decimal_string(),
            "-92233720368547758.08"
        );
    }

    proptest! {
        #[test]
        fn french_and_english_numbers_parse_back(minor in any::<i64>()) {
            let money = m(minor, Currency::EUR);
            // Strip the symbol: parsing takes a bare amount.
            let fr = money.format(Locale::Fr);
            let fr_number = fr.trim_end_matches('€').trim_end_matches('\u{a0}');
            let en = money.format(Locale::En).replacen('€', "", 1);
            // "1,234" style values are rejected as ambiguous, but a formatted
            // amount always carries its decimals, so it is never ambiguous.
            prop_assert_eq!(Money::parse(fr_number, Currency::EUR).unwrap(), money);
            prop_assert_eq!(Money::parse(&en, Currency::EUR).unwrap(), money);
        }
    }
}
