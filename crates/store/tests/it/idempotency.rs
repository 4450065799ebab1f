use jiff::SignedDuration;
use prelevo_store::{IdempotencyRecord, IdempotencyStart};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn a_key_is_fresh_then_in_progress_then_replayed(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    let day = t0() + SignedDuration::from_hours(24);
    let start = |hash: &str, now| {
        tenant
            .write(|tx| {
                tx.start_idempotent("key-1", hash, now, now + SignedDuration::from_hours(24))
            })
            .unwrap()
    };
    let running = IdempotencyStart::InProgress { since: t0() };
    assert_eq!(start("h1", t0()), IdempotencyStart::Fresh);
    assert_eq!(start("h1", t0()), running);
    assert_eq!(start("h2", t0()), running, "running wins");
    // Later, the reservation still says when it was made: a request
    // without an answer for long was cut off, not running.
    let later = t0() + SignedDuration::from_mins(10);
    assert_eq!(start("h1", later), running);
    let record = IdempotencyRecord {
        status: 201,
        body: "{\"id\":\"x\"}".into(),
    };
    tenant
        .write(|tx| tx.finish_idempotent("key-1", &record))
        .unwrap();
    assert_eq!(start("h1", t0()), IdempotencyStart::Replay(record));
    assert_eq!(start("h2", t0()), IdempotencyStart::BodyMismatch);
    // After 24 h the key is forgotten and may be used afresh.
    assert_eq!(
        start("h2", day + SignedDuration::from_secs(1)),
        IdempotencyStart::Fresh
    );
}

on_both_engines!(a_key_is_fresh_then_in_progress_then_replayed);
