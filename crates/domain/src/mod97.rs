//! ISO 7064 MOD 97-10, shared by IBAN and SEPA creditor identifier checks.

/// Remainder modulo 97 of the decimal number spelled by `chars`, where
/// letters count as two digits (A=10 … Z=35, case-insensitive). `None` if a
/// character is not ASCII alphanumeric.
pub(crate) fn remainder(chars: impl IntoIterator<Item = char>) -> Option<u32> {
    chars.into_iter().try_fold(0u32, |acc, c| {
        let value = c.to_digit(36)?;
        // Digits shift by one decimal place, letters (10..=35) by two.
        let shift = if value < 10 { 10 } else { 100 };
        Some((acc * shift + value) % 97)
    })
}

/// The two check digits of an identifier whose check is computed over
/// `body` followed by `country` and "00" (IBAN: body = BBAN; creditor id:
/// body = national identifier). Always in 2..=98.
pub(crate) fn check_digits(body: &str, country: &str) -> Option<u8> {
    let r = remainder(body.chars().chain(country.chars()).chain(['0', '0']))?;
    // r < 97, so 98 - r is in 2..=98 and fits a u8.
    u8::try_from(98 - r).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // DE89 3704 0044 0532 0130 00, the classic example IBAN.
        assert_eq!(check_digits("370400440532013000", "DE"), Some(89));
        assert_eq!(check_digits("09999999999", "DE"), Some(98));
        assert_eq!(remainder("3214282912345698765432161182".chars()), Some(1));
        assert_eq!(remainder("12a".chars()), remainder("1210".chars()));
        assert_eq!(remainder("1-2".chars()), None);
    }
}
