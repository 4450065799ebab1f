//! Integration tests of `prelevo-app`, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod access;
mod card_aliases;
mod creditors;
mod customers;
mod jobs;
mod mandates;
mod outbox;

use jiff::Timestamp;
use prelevo_app::creditors::CreditorInput;
use prelevo_domain::FixedClock;

/// Monday 2026-11-30 09:00 UTC.
pub fn clock() -> FixedClock {
    FixedClock::new("2026-11-30T09:00:00Z".parse::<Timestamp>().unwrap())
}

/// A valid creditor as a person would type it.
pub fn input(name: &str, n: u32) -> CreditorInput {
    CreditorInput {
        name: name.into(),
        ics: prelevo_testkit::french_ics(n).to_string(),
        iban: prelevo_testkit::french_iban(n).to_string(),
        bic: Some("SOGEFRPP".into()),
        timezone: None,
        language: None,
        settings: Default::default(),
    }
}
