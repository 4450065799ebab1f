//! Integration tests of `prelevo-app`, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod access;
mod card_aliases;
mod card_charges;
mod collections;
mod creditors;
mod customers;
mod jobs;
mod mandate_import;
mod mandates;
mod outbox;
mod plan_import;
mod stopped_methods;

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

/// The handle of a new creditor, the `n`-th of the test.
pub fn new_tenant(store: &prelevo_store::Store, n: u32) -> prelevo_store::TenantStore {
    let creditor = prelevo_app::creditors::create_creditor(
        store,
        &clock(),
        &prelevo_store::Actor::Cli,
        &input("Acme", n),
    )
    .unwrap()
    .id;
    store.tenant(creditor)
}

/// Customer C-001, Zoé Martin.
pub fn martin(tenant: &prelevo_store::TenantStore) -> prelevo_domain::Customer {
    prelevo_app::customers::create_customer(
        tenant,
        &clock(),
        &prelevo_store::Actor::Cli,
        &prelevo_app::customers::CustomerInput {
            code: Some("C-001".into()),
            civility: Some("mrs".into()),
            last_name: Some("Martin".into()),
            first_name: Some("Zoé".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// A paper mandate of `customer` signed in Paris on `signed_on`, on the
/// French IBAN numbered `account`.
pub fn paper_mandate(
    customer: &prelevo_domain::Customer,
    reference: prelevo_app::mandates::ReferenceChoice,
    account: u32,
    signed_on: &str,
) -> prelevo_app::mandates::MandateInput {
    prelevo_app::mandates::MandateInput {
        customer_id: customer.id.to_string(),
        reference,
        scheme: None,
        kind: None,
        debtor_name: None,
        debtor_address_line1: Some("12 rue des Lilas".into()),
        debtor_address_line2: None,
        debtor_postal_code: Some("75011".into()),
        debtor_city: Some("Paris".into()),
        debtor_country: Some("FR".into()),
        iban: prelevo_testkit::french_iban(account).to_string(),
        bic: None,
        signed_on: signed_on.into(),
        signature_place: Some("Paris".into()),
        signature_method: "paper".into(),
    }
}

/// The fields an invalid-input error names, sorted.
pub fn fields_of(error: prelevo_app::AppError) -> Vec<String> {
    match error {
        prelevo_app::AppError::Invalid(fields) => {
            let mut names: Vec<String> = fields.into_iter().map(|f| f.field).collect();
            names.sort();
            names
        }
        other => panic!("expected invalid fields, got {other:?}"),
    }
}
