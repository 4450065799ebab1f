//! The audit log's filters and cursor pages, the same on both engines.

use jiff::SignedDuration;
use prelevo_store::{Actor, AuditFilter, NewAuditEvent, Position, Tally};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn pages_walk_forward_and_back_with_filters(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    // The creditor's own "created" entry, then 25 more, one a minute.
    tenant
        .write(|tx| {
            for n in 0..25 {
                let entity_id = format!("obj_{n}");
                tx.record_audit(
                    &NewAuditEvent {
                        actor: if n % 2 == 0 {
                            Actor::System
                        } else {
                            Actor::User("usr_1".into())
                        },
                        entity: "thing",
                        entity_id: &entity_id,
                        action: if n % 5 == 0 { "deleted" } else { "updated" },
                        before: None,
                        after: None,
                    },
                    t0() + SignedDuration::from_mins(n + 1),
                )?;
            }
            Ok::<_, prelevo_store::StoreError>(())
        })
        .unwrap();
    let all = AuditFilter::default();
    let page = |filter: &AuditFilter, position, limit| {
        tenant
            .read(|tx| tx.audit_events(filter, position, limit))
            .unwrap()
    };
    assert_eq!(tenant.read(|tx| tx.count_audit_events(&all)).unwrap(), 26);
    let tally = |filter: &AuditFilter, cap| {
        tenant
            .read(|tx| tx.tally_audit_events(filter, cap))
            .unwrap()
    };
    assert_eq!(tally(&all, 26), Tally::Exact(26), "the cap itself is exact");
    assert_eq!(tally(&all, 25), Tally::MoreThan(25));
    assert_eq!(tally(&all, 1_000), Tally::Exact(26));

    let first = page(&all, Position::Start, 10);
    assert_eq!(first[0].entity_id, "obj_24", "newest first");
    let second = page(&all, Position::After(first[9].id), 10);
    assert_eq!(second[0].entity_id, "obj_14");
    let third = page(&all, Position::After(second[9].id), 10);
    assert_eq!(third.len(), 6, "the last page is short");
    // Going back from the second page gives the first page again.
    let back = page(&all, Position::Before(second[0].id), 10);
    assert_eq!(back, first);

    let deleted = AuditFilter {
        action: Some("deleted".into()),
        entity: Some("thing".into()),
        ..AuditFilter::default()
    };
    assert_eq!(
        tenant.read(|tx| tx.count_audit_events(&deleted)).unwrap(),
        5
    );
    let by_users = AuditFilter {
        actor_kind: Some("user".into()),
        ..AuditFilter::default()
    };
    assert_eq!(
        tenant.read(|tx| tx.count_audit_events(&by_users)).unwrap(),
        12
    );
    let window = AuditFilter {
        from: Some(t0() + SignedDuration::from_mins(1)),
        to: Some(t0() + SignedDuration::from_mins(11)),
        ..AuditFilter::default()
    };
    let in_window = page(&window, Position::Start, 100);
    assert_eq!(in_window.len(), 10);
    assert_eq!(in_window[9].entity_id, "obj_0");
    // Several entries in one statement keep their order and instants.
    let later = t0() + SignedDuration::from_hours(1);
    let batch: Vec<_> = ["batch_1", "batch_2"]
        .into_iter()
        .zip([later, later + SignedDuration::from_secs(1)])
        .map(|(id, at)| {
            (
                NewAuditEvent {
                    actor: Actor::Cli,
                    entity: "thing",
                    entity_id: id,
                    action: "imported",
                    before: None,
                    after: Some("{}".into()),
                },
                at,
            )
        })
        .collect();
    tenant.write(|tx| tx.record_audits(&batch)).unwrap();
    let newest = page(&all, Position::Start, 2);
    assert_eq!(
        newest
            .iter()
            .map(|e| (e.entity_id.as_str(), e.at))
            .collect::<Vec<_>>(),
        [("batch_2", batch[1].1), ("batch_1", later)]
    );
}

on_both_engines!(pages_walk_forward_and_back_with_filters);
