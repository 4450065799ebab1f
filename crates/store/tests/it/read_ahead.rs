//! Batched writes that read each next batch ahead (`write_batches`): what
//! each batch writes is what it would have read itself in its own
//! transaction, even when another connection changed it meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};

use prelevo_domain::{Customer, CustomerId};
use prelevo_store::{Engine, PoolOptions, StoreError};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::customers::customer;
use crate::{creditor, record_bulk_audit, t0};

fn id_of(n: i64) -> CustomerId {
    CustomerId::from_body(&format!("{n:032}")).unwrap()
}

fn last_name(customer: &Customer) -> String {
    customer.details.last_name.clone().unwrap_or_default()
}

/// Five batches of one customer each. Right after the first batch commits
/// (the second one is read ahead by then, on SQLite), another connection
/// renames the second customer: its batch must write the new name.
fn a_batch_changed_while_read_ahead_is_read_again(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    for n in 1..=5 {
        let named = customer(&format!("C-{n:03}"), &format!("Name{n}"), n);
        tenant.write(|tx| tx.insert_customer(&named)).unwrap();
    }
    let reads = AtomicUsize::new(0);
    let mut written = Vec::new();
    tenant
        .write_batches(
            |tx, after: Option<&i64>| {
                reads.fetch_add(1, Ordering::SeqCst);
                let n = after.map_or(1, |n| n + 1);
                if n > 5 {
                    return Ok(None);
                }
                Ok::<_, StoreError>(Some((tx.customer(&id_of(n))?, n)))
            },
            |tx, read: &Customer| {
                // Written in the batch's transaction: the name as it is now.
                let now = tx.customer(&read.id)?;
                Ok((last_name(read), last_name(&now)))
            },
            |(read, now)| {
                if read == "Name1" {
                    let mut renamed = tenant.read(|tx| tx.customer(&id_of(2)))?;
                    renamed.details.last_name = Some("Renamed2".into());
                    tenant.write(|tx| tx.save_customer(&renamed))?;
                }
                written.push((read, now));
                Ok(())
            },
        )
        .unwrap();
    let expected: Vec<_> = ["Name1", "Renamed2", "Name3", "Name4", "Name5"]
        .into_iter()
        .map(|name| (name.to_owned(), name.to_owned()))
        .collect();
    assert_eq!(written, expected);
    // Six reads (five batches, then none left); on SQLite the second batch
    // was read twice: ahead, then again after the rename.
    let again = usize::from(store.engine() == Engine::Sqlite);
    assert_eq!(reads.load(Ordering::SeqCst), 6 + again);
}

/// A batch that fails leaves the batches before it committed and nothing
/// of its own; the error reaches the caller.
fn a_failed_batch_keeps_the_ones_before(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let mut batches = 0;
    let failed = tenant.write_batches(
        |_, after: Option<&i64>| Ok::<_, StoreError>(Some(((), after.map_or(1, |n| n + 1)))),
        |tx, &()| {
            let n = 10 + batches;
            batches += 1;
            tx.insert_customer(&customer(&format!("C-{n:03}"), "Added", n))?;
            if batches == 3 {
                return Err(StoreError::ReadOnly);
            }
            Ok(())
        },
        |()| Ok(()),
    );
    assert!(matches!(failed, Err(StoreError::ReadOnly)), "{failed:?}");
    let kept: Vec<bool> = (10..13)
        .map(|n| tenant.read(|tx| tx.customer(&id_of(n))).is_ok())
        .collect();
    assert_eq!(kept, [true, true, false]);
}

on_both_engines!(
    a_batch_changed_while_read_ahead_is_read_again,
    a_failed_batch_keeps_the_ones_before,
);

/// A command's pool (`prelevo collect`) has room for the writer, the
/// reader ahead and a step between batches that writes (the run renewing
/// its hold), and the batches are still read ahead.
#[test]
fn a_command_s_pool_writes_between_batches() {
    let fresh = prelevo_testkit::sqlite_store();
    let store = prelevo_store::Store::open(fresh.url(), &PoolOptions::one_command()).unwrap();
    let (_, tenant) = creditor(&store, "Acme", 1);
    let reads = AtomicUsize::new(0);
    let mut renewals = 0;
    tenant
        .write_batches(
            |_, after: Option<&i64>| {
                reads.fetch_add(1, Ordering::SeqCst);
                let n = after.map_or(1, |n| n + 1);
                Ok::<_, StoreError>((n <= 3).then_some(((), n)))
            },
            |_, &()| Ok(()),
            |()| {
                renewals += 1;
                let until = t0() + jiff::SignedDuration::from_mins(10 + renewals);
                tenant
                    .write(|tx| tx.hold_collection_run("prelevo-1-test", t0(), until))
                    .map(|_| ())
            },
        )
        .unwrap();
    // Each step's write is a commit in between, so each batch after the
    // first is read again by the writer.
    assert_eq!(reads.load(Ordering::SeqCst), 4 + 3);
}

/// The WAL holds a few batches at most, however many there are: the
/// reader's checkpoints and the writer's every few batches let it start
/// over (it grew by every batch before, to 64 batches here).
#[test]
fn the_wal_stays_a_few_batches_long() {
    const BATCHES: i64 = 64;
    let store = prelevo_testkit::sqlite_store();
    let (_, tenant) = creditor(&store, "Acme", 1);
    let wal = format!("{}-wal", store.url().trim_start_matches("sqlite://"));
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    // The WAL's size after each batch of about 100 KiB written.
    let before = wal_size();
    let mut sizes = Vec::new();
    let reads = AtomicUsize::new(0);
    tenant
        .write_batches(
            |_, after: Option<&i64>| {
                reads.fetch_add(1, Ordering::SeqCst);
                let n = after.map_or(1, |n| n + 1);
                Ok::<_, StoreError>((n <= BATCHES).then_some(((), n)))
            },
            |tx, &()| record_bulk_audit(tx, 10, 10),
            |()| {
                sizes.push(wal_size());
                Ok(())
            },
        )
        .unwrap();
    // What one batch adds, in whole pages (whatever their size).
    let batch = sizes[0].saturating_sub(before);
    let largest = sizes.iter().max().copied().unwrap_or(0);
    assert!(
        batch > 0 && largest.saturating_sub(before) < 16 * batch,
        "{before} bytes before, then {sizes:?}"
    );
    // Checkpoints are no commits: no batch was read twice.
    assert_eq!(reads.load(Ordering::SeqCst), 65);
}

/// A batch that notes the thread it is dropped on.
struct Noted<'a>(&'a std::sync::Mutex<Vec<std::thread::ThreadId>>);

impl Drop for Noted<'_> {
    fn drop(&mut self) {
        if let Ok(mut threads) = self.0.lock() {
            threads.push(std::thread::current().id());
        }
    }
}

/// On SQLite every written batch is dropped on the reader's thread, where
/// it was read (the writer is the busier one), the first one too, which
/// the writer reads itself.
#[test]
fn written_batches_are_dropped_off_the_writer_s_thread() {
    let store = prelevo_testkit::sqlite_store();
    let (_, tenant) = creditor(&store, "Acme", 1);
    let dropped_on = std::sync::Mutex::new(Vec::new());
    tenant
        .write_batches(
            |_, after: Option<&i64>| {
                let n = after.map_or(1, |n| n + 1);
                Ok::<_, StoreError>((n <= 5).then(|| (Noted(&dropped_on), n)))
            },
            |tx, _: &Noted<'_>| record_bulk_audit(tx, 1, 1),
            |()| Ok(()),
        )
        .unwrap();
    let dropped_on = dropped_on.into_inner().unwrap();
    let writer = std::thread::current().id();
    assert_eq!(dropped_on.len(), 5);
    assert!(
        dropped_on.iter().all(|thread| *thread != writer),
        "{dropped_on:?}, writer {writer:?}"
    );
}
