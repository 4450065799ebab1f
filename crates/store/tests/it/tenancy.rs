//! Creditor B can neither read nor change creditor A's rows through any
//! repository function.

use prelevo_store::{
    AuditFilter, IdempotencyRecord, IdempotencyStart, NewImportedFile, NewOutboxMessage, Position,
    StoreError,
};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn a_tenant_sees_only_its_own_creditor(store: &TestStore) {
    let (a, _) = creditor(store, "A", 1);
    let (b, tenant_b) = creditor(store, "B", 2);
    let seen = tenant_b.read(|tx| tx.creditor()).unwrap();
    assert_eq!(seen.id, b.id);
    assert_ne!(seen.id, a.id);
}

fn a_tenant_cannot_overwrite_another_creditor(store: &TestStore) {
    let (a, tenant_a) = creditor(store, "A", 1);
    let (_, tenant_b) = creditor(store, "B", 2);
    let mut forged = a.clone();
    forged.name = prelevo_domain::CreditorName::parse("Hijacked").unwrap();
    let outcome = tenant_b.write(|tx| tx.save_creditor(&forged));
    assert!(
        matches!(outcome, Err(StoreError::NotFound { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        tenant_a.read(|tx| tx.creditor()).unwrap().name.as_str(),
        "A"
    );
}

fn audit_logs_are_separate(store: &TestStore) {
    let (a, tenant_a) = creditor(store, "A", 1);
    let (b, tenant_b) = creditor(store, "B", 2);
    let of_a = tenant_a
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 100))
        .unwrap();
    let of_b = tenant_b
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 100))
        .unwrap();
    assert_eq!(of_a.len(), 1);
    assert_eq!(of_b.len(), 1);
    assert_eq!(of_a[0].entity_id, a.id.as_str());
    assert_eq!(of_b[0].entity_id, b.id.as_str());
    // A cursor taken from A's log finds nothing of A's in B's, either way.
    for position in [Position::After(of_a[0].id + 1_000), Position::Before(0)] {
        let seen = tenant_b
            .read(|tx| tx.audit_events(&AuditFilter::default(), position, 100))
            .unwrap();
        assert!(seen.iter().all(|e| e.entity_id == b.id.as_str()));
        let filtered = AuditFilter {
            entity_id: Some(a.id.to_string()),
            ..AuditFilter::default()
        };
        assert_eq!(
            tenant_b
                .read(|tx| tx.count_audit_events(&filtered))
                .unwrap(),
            0
        );
    }
}

fn idempotency_keys_are_per_creditor(store: &TestStore) {
    let (_, tenant_a) = creditor(store, "A", 1);
    let (_, tenant_b) = creditor(store, "B", 2);
    let until = t0() + jiff::SignedDuration::from_hours(24);
    tenant_a
        .write(|tx| {
            assert_eq!(
                tx.start_idempotent("k1", "h", t0(), until)?,
                IdempotencyStart::Fresh
            );
            tx.finish_idempotent(
                "k1",
                &IdempotencyRecord {
                    status: 201,
                    body: "{\"of\":\"A\"}".into(),
                },
            )
        })
        .unwrap();
    // B reusing A's key starts fresh and never sees A's response.
    let start_b = tenant_b
        .write(|tx| tx.start_idempotent("k1", "h", t0(), until))
        .unwrap();
    assert_eq!(start_b, IdempotencyStart::Fresh);
    // B cannot finish (overwrite) A's key: it writes its own.
    tenant_b
        .write(|tx| {
            tx.finish_idempotent(
                "k1",
                &IdempotencyRecord {
                    status: 500,
                    body: "B".into(),
                },
            )
        })
        .unwrap();
    let replay_a = tenant_a
        .write(|tx| tx.start_idempotent("k1", "h", t0(), until))
        .unwrap();
    assert_eq!(
        replay_a,
        IdempotencyStart::Replay(IdempotencyRecord {
            status: 201,
            body: "{\"of\":\"A\"}".into()
        })
    );
    let missing = tenant_b.write(|tx| {
        tx.finish_idempotent(
            "only-in-a",
            &IdempotencyRecord {
                status: 200,
                body: String::new(),
            },
        )
    });
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));
}

fn imported_files_are_per_creditor(store: &TestStore) {
    let (_, tenant_a) = creditor(store, "A", 1);
    let (_, tenant_b) = creditor(store, "B", 2);
    let file = NewImportedFile {
        kind: "pain.002",
        file_name: "returns.xml",
        content_sha256: "ab12",
        size_bytes: 10,
    };
    assert!(
        tenant_a
            .write(|tx| tx.record_imported_file(&file, t0()))
            .unwrap()
            .is_ok()
    );
    assert_eq!(
        tenant_b
            .read(|tx| tx.imported_file_by_hash("pain.002", "ab12"))
            .unwrap(),
        None
    );
    assert!(
        tenant_b
            .write(|tx| tx.record_imported_file(&file, t0()))
            .unwrap()
            .is_ok()
    );
}

fn jobs_and_messages_carry_their_creditor(store: &TestStore) {
    let (a, tenant_a) = creditor(store, "A", 1);
    let (b, tenant_b) = creditor(store, "B", 2);
    let job = prelevo_store::NewJob {
        kind: "noop",
        payload: "{}",
        priority: 0,
        max_attempts: 1,
        run_at: t0(),
        dedup_key: None,
    };
    tenant_a.write(|tx| tx.enqueue_job(&job, t0())).unwrap();
    tenant_b
        .write(|tx| {
            tx.push_outbox(
                &NewOutboxMessage {
                    kind: "email",
                    payload: "{}",
                    max_attempts: 1,
                },
                t0(),
            )
        })
        .unwrap();
    let until = t0() + jiff::SignedDuration::from_mins(5);
    let jobs = store.claim_jobs("w", t0(), until, 10).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].creditor_id.as_deref(), Some(a.id.as_str()));
    let messages = store.claim_outbox("w", t0(), until, 10).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].creditor_id.as_deref(), Some(b.id.as_str()));
}

fn domain_events_are_per_creditor_and_in_order(store: &TestStore) {
    let (_, acme) = creditor(store, "Acme", 1);
    let (_, globex) = creditor(store, "Globex", 2);
    acme.write(|tx| {
        tx.record_domain_event("mandate.revoked", "mdt_1", "{}", t0())?;
        tx.record_domain_event("customer.suspended", "cus_1", "{}", t0())?;
        tx.record_domain_event("mandate.revoked", "mdt_2", "{\"reason\":\"x\"}", t0())
    })
    .unwrap();
    let revoked = acme
        .read(|tx| tx.domain_events("mandate.revoked", 0, 10))
        .unwrap();
    assert_eq!(
        revoked
            .iter()
            .map(|e| e.entity_id.as_str())
            .collect::<Vec<_>>(),
        ["mdt_1", "mdt_2"]
    );
    assert_eq!(revoked[0].occurred_at, t0());
    let after_first = acme
        .read(|tx| tx.domain_events("mandate.revoked", revoked[0].id, 10))
        .unwrap();
    assert_eq!(after_first.len(), 1);
    assert!(
        globex
            .read(|tx| tx.domain_events("mandate.revoked", 0, 10))
            .unwrap()
            .is_empty()
    );
}

on_both_engines!(
    a_tenant_sees_only_its_own_creditor,
    a_tenant_cannot_overwrite_another_creditor,
    audit_logs_are_separate,
    idempotency_keys_are_per_creditor,
    imported_files_are_per_creditor,
    jobs_and_messages_carry_their_creditor,
    domain_events_are_per_creditor_and_in_order,
);
