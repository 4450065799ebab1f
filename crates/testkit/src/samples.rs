//! Valid sample values for tests, built through the domain's constructors.

use prelevo_domain::{
    Bic, CreditorId, CreditorName, CreditorSettings, CreditorTimeZone, Iban, Locale, NewCreditor,
};

/// A valid French creditor identifier (ICS) whose national part is `n`
/// (six digits): the check digits are found by trying each.
pub fn french_ics(n: u32) -> CreditorId {
    let national = format!("{:06}", n % 1_000_000);
    (0..100)
        .find_map(|check| CreditorId::parse(&format!("FR{check:02}ZZZ{national}")).ok())
        .expect("some check digits fit")
}

/// A valid French IBAN whose account number ends with `n`.
pub fn french_iban(n: u32) -> Iban {
    let bban = format!("3000600001{:011}00", n);
    (2..100)
        .find_map(|check| Iban::parse(&format!("FR{check:02}{bban}")).ok())
        .expect("some check digits fit")
}

/// A creditor named `name` with ICS number `n`, Paris time, French.
pub fn new_creditor(name: &str, n: u32) -> NewCreditor {
    NewCreditor {
        name: CreditorName::parse(name).expect("sample name"),
        ics: french_ics(n),
        iban: french_iban(n),
        bic: Some(Bic::parse("SOGEFRPP").expect("sample BIC")),
        timezone: CreditorTimeZone::parse("Europe/Paris").expect("Paris"),
        language: Locale::Fr,
        settings: CreditorSettings::default(),
    }
}
