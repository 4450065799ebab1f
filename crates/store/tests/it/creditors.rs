use prelevo_domain::{CreditorName, SettingsPatch};
use prelevo_store::StoreError;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn created_creditor_reads_back_identically(store: &TestStore) {
    let (created, tenant) = creditor(store, "Acme Abonnements", 1);
    let read = tenant.read(|tx| tx.creditor()).unwrap();
    assert_eq!(read, created);
    assert_eq!(read.created_at, t0());
}

fn the_same_ics_cannot_be_registered_twice(store: &TestStore) {
    creditor(store, "First", 7);
    let again = store.create_creditor(&prelevo_testkit::new_creditor("Second", 7), t0(), |_, c| {
        Ok::<_, StoreError>(c.clone())
    });
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict {
                entity: "creditor",
                ..
            })
        ),
        "{again:?}"
    );
    assert_eq!(store.list_creditors().unwrap().len(), 1);
}

fn a_failed_follow_up_rolls_back_the_creditor(store: &TestStore) {
    let outcome: Result<(), StoreError> =
        store.create_creditor(&prelevo_testkit::new_creditor("Ghost", 9), t0(), |_, _| {
            Err(StoreError::NotFound {
                entity: "test",
                id: "abort".into(),
            })
        });
    assert!(outcome.is_err());
    assert!(store.list_creditors().unwrap().is_empty());
}

fn creditors_are_found_by_id_or_ics(store: &TestStore) {
    let (created, _) = creditor(store, "Acme", 2);
    assert_eq!(
        store.find_creditor(created.id.as_str()).unwrap(),
        Some(created.id.clone())
    );
    assert_eq!(
        store.find_creditor(created.ics.as_str()).unwrap(),
        Some(created.id.clone())
    );
    assert_eq!(
        store
            .find_creditor(&created.ics.as_str().to_lowercase())
            .unwrap(),
        Some(created.id.clone())
    );
    assert_eq!(store.find_creditor("FR00ZZZ000000").unwrap(), None);
}

fn settings_and_name_changes_are_saved(store: &TestStore) {
    let (mut created, tenant) = creditor(store, "Acme", 3);
    created.name = CreditorName::parse("Acme SAS").unwrap();
    created.settings = created
        .settings
        .apply(&SettingsPatch {
            representation_delay_days: Some(10),
            ..SettingsPatch::default()
        })
        .unwrap();
    tenant.write(|tx| tx.save_creditor(&created)).unwrap();
    let read = tenant.read(|tx| tx.creditor()).unwrap();
    assert_eq!(read.name.as_str(), "Acme SAS");
    assert_eq!(read.settings.representation_delay_days(), 10);
}

fn creditors_list_in_creation_order(store: &TestStore) {
    creditor(store, "One", 11);
    creditor(store, "Two", 12);
    let names: Vec<String> = store
        .list_creditors()
        .unwrap()
        .into_iter()
        .map(|c| c.name.to_string())
        .collect();
    assert_eq!(names, ["One", "Two"]);
}

on_both_engines!(
    created_creditor_reads_back_identically,
    the_same_ics_cannot_be_registered_twice,
    a_failed_follow_up_rolls_back_the_creditor,
    creditors_are_found_by_id_or_ics,
    settings_and_name_changes_are_saved,
    creditors_list_in_creation_order,
);
