//! Integration tests of `prelevo-store`: every test runs on SQLite and on
//! PostgreSQL (see `prelevo_testkit::on_both_engines!`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod audit;
mod card_aliases;
mod collections;
mod creditors;
mod customers;
mod health;
mod idempotency;
mod imported_files;
mod instants;
mod jobs;
mod mandates;
mod migrations;
mod outbox;
mod people;
mod read_ahead;
mod team;
mod tenancy;
mod wal;

use jiff::Timestamp;
use prelevo_domain::Creditor;
use prelevo_store::{Actor, NewAuditEvent, Store, StoreError, TenantStore, TenantTx};

/// 2026-11-30 09:00 UTC, a Monday.
pub fn t0() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

/// Records `events` audit entries of `kib` KiB each: bulk to fill pages.
pub fn record_bulk_audit(
    tx: &mut TenantTx<'_, '_>,
    events: usize,
    kib: usize,
) -> Result<(), StoreError> {
    let payload = format!("\"{}\"", "x".repeat(kib * 1024));
    for _ in 0..events {
        tx.record_audit(
            &NewAuditEvent {
                actor: Actor::Cli,
                entity: "creditor",
                entity_id: "bulk",
                action: "written",
                before: None,
                after: Some(payload.clone()),
            },
            t0(),
        )?;
    }
    Ok(())
}

/// Creates a creditor with an audit entry and returns its handle.
pub fn creditor(store: &Store, name: &str, n: u32) -> (Creditor, TenantStore) {
    let creditor = store
        .create_creditor(&prelevo_testkit::new_creditor(name, n), t0(), |tx, c| {
            tx.record_audit(
                &NewAuditEvent {
                    actor: Actor::Cli,
                    entity: "creditor",
                    entity_id: c.id.as_str(),
                    action: "created",
                    before: None,
                    after: Some(format!("{{\"name\":\"{name}\"}}")),
                },
                t0(),
            )?;
            Ok::<_, StoreError>(c.clone())
        })
        .unwrap();
    let tenant = store.tenant(creditor.id.clone());
    (creditor, tenant)
}
