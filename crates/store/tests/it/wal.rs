//! A write followed by work that reads it (`write_then`): the work sees the
//! write, and on SQLite the WAL the write left is copied into the database
//! by the time the call returns.

use prelevo_store::{PoolOptions, StoreError};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::customers::customer;
use crate::{creditor, record_bulk_audit};

/// What `write` committed is there for `then`; a `then` that fails
/// leaves it committed; a `write` that fails commits nothing and `then`
/// never runs.
fn the_work_after_a_write_sees_it(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let added = customer("C-001", "Added", 1);
    let seen = tenant
        .write_then(
            |tx| tx.insert_customer(&added),
            |()| tenant.read(|tx| tx.customer(&added.id)),
        )
        .unwrap();
    assert_eq!(seen.id, added.id);

    let kept = customer("C-002", "Kept", 2);
    let failed = tenant.write_then(
        |tx| tx.insert_customer(&kept),
        |()| Err::<(), _>(StoreError::ReadOnly),
    );
    assert!(matches!(failed, Err(StoreError::ReadOnly)), "{failed:?}");
    assert!(tenant.read(|tx| tx.customer(&kept.id)).is_ok());

    let dropped = customer("C-003", "Dropped", 3);
    let mut ran = false;
    let failed = tenant.write_then(
        |tx| {
            tx.insert_customer(&dropped)?;
            Err::<(), _>(StoreError::ReadOnly)
        },
        |()| {
            ran = true;
            Ok(())
        },
    );
    assert!(matches!(failed, Err(StoreError::ReadOnly)), "{failed:?}");
    assert!(!ran);
    assert!(tenant.read(|tx| tx.customer(&dropped.id)).is_err());
}

on_both_engines!(the_work_after_a_write_sees_it);

/// On a pool of one connection (so the next write runs where the copy
/// did): the database file has grown by what `write_then` wrote once it
/// returns (its pages were copied from the WAL), and a plain write after
/// it is copied by its own commit again, as SQLite does by default.
#[test]
fn the_wal_is_copied_behind_the_write() {
    let fresh = prelevo_testkit::sqlite_store();
    let one = PoolOptions {
        max_size: 1,
        min_idle: 0,
        readers: 0,
        ..PoolOptions::default()
    };
    let store = prelevo_store::Store::open(fresh.url(), &one).unwrap();
    let (_, tenant) = creditor(&store, "Acme", 1);
    let database = fresh.url().trim_start_matches("sqlite://").to_owned();
    let size = || std::fs::metadata(&database).map_or(0, |m| m.len());
    // Written each time: half as much again as the 1 000 pages that make
    // a commit copy (24 MiB of 16 KiB pages), in 80 entries; the file grows
    // by at least three quarters of it, whatever SQLite's page layout.
    let page_kib = usize::try_from(prelevo_store::SQLITE_PAGE_SIZE / 1024).unwrap();
    let entry_kib = 1_000 * page_kib * 3 / 2 / 80;
    let grown = u64::try_from(80 * entry_kib * 1024 * 3 / 4).unwrap();

    let before = size();
    tenant
        .write_then(
            |tx| record_bulk_audit(tx, 80, entry_kib),
            |()| Ok::<_, StoreError>(()),
        )
        .unwrap();
    let after_write_then = size();
    assert!(
        after_write_then >= before + grown,
        "{before} then {after_write_then} bytes"
    );

    tenant
        .write(|tx| record_bulk_audit(tx, 80, entry_kib))
        .unwrap();
    let after_write = size();
    assert!(
        after_write >= after_write_then + grown,
        "{after_write_then} then {after_write} bytes"
    );
}
