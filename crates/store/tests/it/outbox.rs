use jiff::SignedDuration;
use prelevo_store::{NewOutboxMessage, StoreError};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn email() -> NewOutboxMessage<'static> {
    NewOutboxMessage {
        kind: "email",
        payload: "{\"to\":\"a@example.com\"}",
        max_attempts: 2,
    }
}

fn a_message_exists_only_if_its_change_commits(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    let rolled_back: Result<(), StoreError> = tenant.write(|tx| {
        tx.push_outbox(&email(), t0())?;
        Err(StoreError::NotFound {
            entity: "test",
            id: "abort".into(),
        })
    });
    assert!(rolled_back.is_err());
    let until = t0() + SignedDuration::from_mins(1);
    assert!(store.claim_outbox("w", t0(), until, 10).unwrap().is_empty());
    tenant.write(|tx| tx.push_outbox(&email(), t0())).unwrap();
    let claimed = store.claim_outbox("w", t0(), until, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].payload, "{\"to\":\"a@example.com\"}");
    store
        .mark_outbox_sent(claimed[0].id, "w", t0(), "{\"sent\":true}")
        .unwrap();
    assert_eq!(store.outbox_counts().unwrap().done, 1);
    // Once sent, only what the sender chose to keep stays.
    assert_eq!(
        store.outbox_message(claimed[0].id).unwrap(),
        Some(("done".to_owned(), "{\"sent\":true}".to_owned()))
    );
    assert!(store.claim_outbox("w", t0(), until, 10).unwrap().is_empty());
}

fn a_failed_delivery_is_retried_then_dead(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    tenant.write(|tx| tx.push_outbox(&email(), t0())).unwrap();
    let until = t0() + SignedDuration::from_mins(1);
    let first = store.claim_outbox("w", t0(), until, 10).unwrap();
    let retry = t0() + SignedDuration::from_secs(60);
    store
        .fail_outbox(first[0].id, "w", t0(), "smtp down", Some(retry))
        .unwrap();
    assert!(store.claim_outbox("w", t0(), until, 10).unwrap().is_empty());
    let second = store
        .claim_outbox("w", retry, until + SignedDuration::from_mins(5), 10)
        .unwrap();
    assert_eq!(second[0].attempts, 2);
    store
        .fail_outbox(second[0].id, "w", retry, "smtp down", None)
        .unwrap();
    assert_eq!(store.outbox_counts().unwrap().dead, 1);
}

fn a_message_whose_sender_died_is_sent_again(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    tenant.write(|tx| tx.push_outbox(&email(), t0())).unwrap();
    let until = t0() + SignedDuration::from_mins(5);
    store.claim_outbox("dead-worker", t0(), until, 10).unwrap();
    let later = until + SignedDuration::from_secs(1);
    assert_eq!(store.recover_expired_outbox(later).unwrap(), 1);
    let again = store
        .claim_outbox("w2", later, later + SignedDuration::from_mins(5), 10)
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}

on_both_engines!(
    a_message_whose_sender_died_is_sent_again,
    a_message_exists_only_if_its_change_commits,
    a_failed_delivery_is_retried_then_dead,
);
