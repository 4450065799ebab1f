//! IBAN length and BBAN layout per country, generated from the
//! iban_validate 5.0.1 registry so error messages can say what was expected.
//! iban_validate stays the authority on the layout; a test keeps the two in
//! step.

/// (country, total IBAN length, BBAN layout in SWIFT registry notation).
#[rustfmt::skip]
pub(super) const COUNTRIES: &[(&str, usize, &str)] = &[
    ("AD", 24, "4!n4!n12!c"), ("AE", 23, "3!n16!n"), ("AL", 28, "8!n16!c"),
    ("AT", 20, "5!n11!n"), ("AZ", 28, "4!a20!c"), ("BA", 20, "3!n3!n8!n2!n"),
    ("BE", 16, "3!n7!n2!n"), ("BG", 22, "4!a4!n2!n8!c"), ("BH", 22, "4!a14!c"),
    ("BI", 27, "5!n5!n11!n2!n"), ("BR", 29, "8!n5!n10!n1!a1!c"), ("BY", 28, "4!c4!n16!c"),
    ("CH", 21, "5!n12!c"), ("CR", 22, "4!n14!n"), ("CY", 28, "3!n5!n16!c"),
    ("CZ", 24, "4!n6!n10!n"), ("DE", 22, "8!n10!n"), ("DJ", 27, "5!n5!n11!n2!n"),
    ("DK", 18, "4!n9!n1!n"), ("DO", 28, "4!c20!n"), ("EE", 20, "2!n2!n11!n1!n"),
    ("EG", 29, "4!n4!n17!n"), ("ES", 24, "4!n4!n1!n1!n10!n"), ("FI", 18, "3!n11!n"),
    ("FK", 18, "2!a12!n"), ("FO", 18, "4!n9!n1!n"), ("FR", 27, "5!n5!n11!c2!n"),
    ("GB", 22, "4!a6!n8!n"), ("GE", 22, "2!a16!n"), ("GI", 23, "4!a15!c"),
    ("GL", 18, "4!n9!n1!n"), ("GR", 27, "3!n4!n16!c"), ("GT", 28, "4!c20!c"),
    ("HR", 21, "7!n10!n"), ("HU", 28, "3!n4!n1!n15!n1!n"), ("IE", 22, "4!a6!n8!n"),
    ("IL", 23, "3!n3!n13!n"), ("IQ", 23, "4!a3!n12!n"), ("IS", 26, "4!n2!n6!n10!n"),
    ("IT", 27, "1!a5!n5!n12!c"), ("JO", 30, "4!a4!n18!c"), ("KW", 30, "4!a22!c"),
    ("KZ", 20, "3!n13!c"), ("LB", 28, "4!n20!c"), ("LC", 32, "4!a24!c"),
    ("LI", 21, "5!n12!c"), ("LT", 20, "5!n11!n"), ("LU", 20, "3!n13!c"),
    ("LV", 21, "4!a13!c"), ("LY", 25, "3!n3!n15!n"), ("MC", 27, "5!n5!n11!c2!n"),
    ("MD", 24, "2!c18!c"), ("ME", 22, "3!n13!n2!n"), ("MK", 19, "3!n10!c2!n"),
    ("MN", 20, "4!n12!n"), ("MR", 27, "5!n5!n11!n2!n"), ("MT", 31, "4!a5!n18!c"),
    ("MU", 30, "4!a2!n2!n12!n3!n3!a"), ("NI", 28, "4!a20!n"), ("NL", 18, "4!a10!n"),
    ("NO", 15, "4!n6!n1!n"), ("OM", 23, "3!n16!c"), ("PL", 28, "8!n16!n"),
    ("PS", 29, "4!a21!c"), ("PT", 25, "4!n4!n11!n2!n"), ("QA", 29, "4!a21!c"),
    ("RO", 24, "4!a16!c"), ("RS", 22, "3!n13!n2!n"), ("RU", 33, "9!n5!n15!c"),
    ("SA", 24, "2!n18!c"), ("SC", 31, "4!a2!n2!n16!n3!a"), ("SD", 18, "2!n12!n"),
    ("SE", 24, "3!n16!n1!n"), ("SI", 19, "5!n8!n2!n"), ("SK", 24, "4!n6!n10!n"),
    ("SM", 27, "1!a5!n5!n12!c"), ("SO", 23, "4!n3!n12!n"), ("ST", 25, "4!n4!n11!n2!n"),
    ("SV", 28, "4!a20!n"), ("TL", 23, "3!n14!n2!n"), ("TN", 24, "2!n3!n13!n2!n"),
    ("TR", 26, "5!n1!n16!c"), ("UA", 29, "6!n19!c"), ("VA", 22, "3!n15!n"),
    ("VG", 24, "4!a16!n"), ("XK", 20, "4!n10!n2!n"), ("YE", 30, "4!a4!n18!c"),
];

/// Territories whose IBANs follow another country's layout. The SWIFT
/// registry files them under FR (French overseas departments and
/// collectivities) and FI (Åland), but some banks print IBANs with the
/// territory's own code, so those are accepted and checked with the
/// parent's layout (the check digits still cover the territory code).
pub(super) const ALIASES: &[(&str, &str)] = &[
    ("AX", "FI"),
    ("BL", "FR"),
    ("GF", "FR"),
    ("GP", "FR"),
    ("MF", "FR"),
    ("MQ", "FR"),
    ("NC", "FR"),
    ("PF", "FR"),
    ("PM", "FR"),
    ("RE", "FR"),
    ("TF", "FR"),
    ("WF", "FR"),
    ("YT", "FR"),
];

/// The registry country whose layout `country` uses, with length and layout.
pub(super) fn lookup(country: &str) -> Option<(&'static str, usize, &'static str)> {
    let parent = ALIASES
        .iter()
        .find(|(alias, _)| *alias == country)
        .map_or(country, |&(_, parent)| parent);
    COUNTRIES.iter().find(|(cc, _, _)| *cc == parent).copied()
}

/// "5!n5!n11!c2!n" → "5 digits, 5 digits, 11 letters or digits, 2 digits".
pub(super) fn describe(layout: &str) -> String {
    let mut parts = Vec::new();
    for chunk in layout.split_inclusive(['n', 'a', 'c']) {
        let count = chunk.trim_end_matches(|c: char| !c.is_ascii_digit());
        let kind = match chunk.chars().last() {
            Some('n') => "digits",
            Some('a') => "letters",
            _ => "letters or digits",
        };
        parts.push(format!("{count} {kind}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BBAN that fits `layout`, using `digit` / `letter` as fillers.
    fn sample_bban(layout: &str, digit: char, letter: char) -> String {
        let mut out = String::new();
        for chunk in layout.split_inclusive(['n', 'a', 'c']) {
            let count: usize = chunk
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .unwrap();
            let fill = if chunk.ends_with('a') { letter } else { digit };
            out.extend(std::iter::repeat_n(fill, count));
        }
        out
    }

    fn with_check_digits(cc: &str, bban: &str) -> String {
        let check = crate::mod97::check_digits(bban, cc).unwrap();
        format!("{cc}{check:02}{bban}")
    }

    #[test]
    fn table_agrees_with_iban_validate() {
        for &(cc, length, layout) in COUNTRIES {
            let bban = sample_bban(layout, '7', 'K');
            assert_eq!(bban.len() + 4, length, "{cc}");
            let iban = with_check_digits(cc, &bban);
            assert!(iban.parse::<iban::Iban>().is_ok(), "{iban}");
            // One character more or less is refused by iban_validate too.
            for wrong in [format!("{bban}1"), bban[1..].to_owned()] {
                assert!(
                    with_check_digits(cc, &wrong).parse::<iban::Iban>().is_err(),
                    "{cc}"
                );
            }
        }
    }

    #[test]
    fn tables_are_sorted() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ALIASES.iter().all(|(_, parent)| lookup(parent).is_some()));
    }

    #[test]
    fn describes_layouts() {
        assert_eq!(
            describe("5!n5!n11!c2!n"),
            "5 digits, 5 digits, 11 letters or digits, 2 digits"
        );
        assert_eq!(describe("4!a10!n"), "4 letters, 10 digits");
    }
}
