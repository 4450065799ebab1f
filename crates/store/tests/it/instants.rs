use jiff::Timestamp;
use prelevo_store::StoreError;
use prelevo_testkit::{TestStore, on_both_engines};

/// Both engines keep microseconds: a nanosecond instant reads back truncated,
/// identically on SQLite and PostgreSQL.
fn instants_keep_microseconds(store: &TestStore) {
    let at: Timestamp = "2026-03-29T01:59:59.123456789Z".parse().unwrap();
    let created = store
        .create_creditor(&prelevo_testkit::new_creditor("Clock", 1), at, |_, c| {
            Ok::<_, StoreError>(c.id.clone())
        })
        .unwrap();
    let read = store.tenant(created).read(|tx| tx.creditor()).unwrap();
    assert_eq!(read.created_at.to_string(), "2026-03-29T01:59:59.123456Z");
}

fn instants_before_2000_and_far_ahead_round_trip(store: &TestStore) {
    for (n, text) in [
        (1, "1999-12-31T23:59:59.999999Z"),
        (2, "2100-01-01T00:00:00Z"),
    ] {
        let at: Timestamp = text.parse().unwrap();
        let id = store
            .create_creditor(&prelevo_testkit::new_creditor("Clock", n), at, |_, c| {
                Ok::<_, StoreError>(c.id.clone())
            })
            .unwrap();
        let read = store.tenant(id).read(|tx| tx.creditor()).unwrap();
        assert_eq!(read.created_at, at);
    }
}

on_both_engines!(
    instants_keep_microseconds,
    instants_before_2000_and_far_ahead_round_trip
);
