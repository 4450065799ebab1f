use prelevo_app::creditors::{
    CreditorChange, create_creditor, resolve_creditor, show_creditor, update_creditor,
};
use prelevo_app::{AppError, ErrorKind};
use prelevo_domain::{Clock, SettingsPatch};
use prelevo_store::Actor;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, input};

fn every_invalid_field_is_named_and_nothing_is_written(store: &TestStore) {
    let mut bad = input("", 1);
    bad.iban = "FR7730006000011234567890189".into();
    bad.ics = "FR00ZZZ651190".into();
    bad.bic = Some("SOGE".into());
    bad.timezone = Some("Europe/Pariss".into());
    bad.settings.max_rejections = Some(0);
    let error = create_creditor(store, &clock(), &Actor::Cli, &bad).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let AppError::Invalid(fields) = &error else {
        panic!("{error:?}")
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        named,
        ["name", "ics", "iban", "bic", "timezone", "max_rejections"]
    );
    let iban = fields.iter().find(|f| f.field == "iban").unwrap();
    assert_eq!(
        iban.to_string(),
        "iban: check digits do not match (expected 76)"
    );
    assert!(store.list_creditors().unwrap().is_empty());
}

fn creating_audits_the_new_creditor(store: &TestStore) {
    let created = create_creditor(store, &clock(), &Actor::Cli, &input("Acme", 1)).unwrap();
    assert_eq!(created.timezone.name(), "Europe/Paris");
    let events = store
        .tenant(created.id.clone())
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 10))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "created");
    assert_eq!(events[0].actor, Actor::Cli);
    assert!(events[0].after.as_deref().unwrap().contains("\"Acme\""));
    assert_eq!(events[0].before, None);
}

fn a_duplicate_ics_is_a_conflict(store: &TestStore) {
    create_creditor(store, &clock(), &Actor::Cli, &input("Acme", 1)).unwrap();
    let again = create_creditor(store, &clock(), &Actor::Cli, &input("Other", 1)).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);
    assert!(again.to_string().contains("already registered"), "{again}");
}

fn updates_apply_whole_and_audit_before_and_after(store: &TestStore) {
    let created = create_creditor(store, &clock(), &Actor::Cli, &input("Acme", 1)).unwrap();
    let tenant = store.tenant(created.id.clone());
    let later = clock();
    later.set("2026-12-01T10:00:00Z".parse().unwrap());
    let change = CreditorChange {
        name: Some("Acme SAS".into()),
        settings: SettingsPatch {
            representation_delay_days: Some(8),
            ..SettingsPatch::default()
        },
        ..CreditorChange::default()
    };
    let updated = update_creditor(&tenant, &later, &Actor::User("usr_1".into()), &change).unwrap();
    assert_eq!(updated.name.as_str(), "Acme SAS");
    assert_eq!(updated.updated_at, later.now());
    let events = tenant
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 10))
        .unwrap();
    assert_eq!(events[0].action, "updated");
    assert!(
        events[0]
            .before
            .as_deref()
            .unwrap()
            .contains("\"representation_delay_days\":5")
    );
    assert!(
        events[0]
            .after
            .as_deref()
            .unwrap()
            .contains("\"representation_delay_days\":8")
    );

    // A change with one bad field changes nothing at all.
    let half_bad = CreditorChange {
        name: Some("Renamed".into()),
        iban: Some("FR76".into()),
        ..CreditorChange::default()
    };
    let error = update_creditor(&tenant, &later, &Actor::Cli, &half_bad).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(show_creditor(&tenant).unwrap().name.as_str(), "Acme SAS");

    // A change that changes nothing writes no audit entry.
    update_creditor(&tenant, &later, &Actor::Cli, &CreditorChange::default()).unwrap();
    assert_eq!(
        tenant
            .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 10))
            .unwrap()
            .len(),
        2
    );
}

fn the_creditor_option_is_optional_only_with_one_creditor(store: &TestStore) {
    let none = resolve_creditor(store, None).unwrap_err();
    assert_eq!(none.kind(), ErrorKind::NotFound);
    let a = create_creditor(store, &clock(), &Actor::Cli, &input("A", 1)).unwrap();
    assert_eq!(resolve_creditor(store, None).unwrap(), a.id);
    let b = create_creditor(store, &clock(), &Actor::Cli, &input("B", 2)).unwrap();
    assert_eq!(
        resolve_creditor(store, None).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(resolve_creditor(store, Some(b.ics.as_str())).unwrap(), b.id);
    assert_eq!(resolve_creditor(store, Some(a.id.as_str())).unwrap(), a.id);
    assert_eq!(
        resolve_creditor(store, Some("FR00ZZZ000000"))
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

on_both_engines!(
    every_invalid_field_is_named_and_nothing_is_written,
    creating_audits_the_new_creditor,
    a_duplicate_ics_is_a_conflict,
    updates_apply_whole_and_audit_before_and_after,
    the_creditor_option_is_optional_only_with_one_creditor,
);
