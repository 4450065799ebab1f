//! Memberships and API keys, including their tenant isolation.

use jiff::SignedDuration;
use prelevo_domain::{ApiScope, EmailAddress, MembershipStatus, Role};
use prelevo_store::{NewApiKey, StoreError};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn user(store: &TestStore, address: &str) -> prelevo_store::User {
    store
        .platform_write(|tx| tx.ensure_user(&EmailAddress::parse(address).unwrap(), t0()))
        .unwrap()
}

fn members_belong_to_one_team_each(store: &TestStore) {
    let (a, tenant_a) = creditor(store, "A", 1);
    let (_, tenant_b) = creditor(store, "B", 2);
    let ana = user(store, "ana@acme.example");
    tenant_a
        .write(|tx| tx.add_member(&ana.id, Role::Admin, MembershipStatus::Active, t0()))
        .unwrap();
    let twice =
        tenant_a.write(|tx| tx.add_member(&ana.id, Role::Viewer, MembershipStatus::Invited, t0()));
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );

    let team_a = tenant_a.read(|tx| tx.members()).unwrap();
    assert_eq!(team_a.len(), 1);
    assert_eq!(
        (team_a[0].role, team_a[0].status),
        (Role::Admin, MembershipStatus::Active)
    );
    // B sees no member, cannot read nor change A's member.
    assert!(tenant_b.read(|tx| tx.members()).unwrap().is_empty());
    assert_eq!(tenant_b.read(|tx| tx.member(&ana.id)).unwrap(), None);
    let forged = tenant_b
        .write(|tx| tx.save_member(&ana.id, Role::Viewer, MembershipStatus::Deactivated, t0()));
    assert!(matches!(forged, Err(StoreError::NotFound { .. })));
    assert_eq!(
        tenant_a
            .read(|tx| tx.member(&ana.id))
            .unwrap()
            .unwrap()
            .role,
        Role::Admin
    );

    let later = t0() + SignedDuration::from_mins(1);
    tenant_a
        .write(|tx| tx.save_member(&ana.id, Role::Operator, MembershipStatus::Active, later))
        .unwrap();
    let mine = store
        .platform_read(|tx| tx.memberships_of(&ana.id))
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].creditor_id.clone(), mine[0].role),
        (a.id, Role::Operator)
    );
}

fn api_keys_are_per_creditor(store: &TestStore) {
    let (a, tenant_a) = creditor(store, "A", 1);
    let (_, tenant_b) = creditor(store, "B", 2);
    let key = tenant_a
        .write(|tx| {
            tx.insert_api_key(
                &NewApiKey {
                    name: "ERP",
                    scope: ApiScope::Write,
                    prefix: "pk_test_abc123",
                    secret_hash: "ff00",
                    expires_at: None,
                    created_by: Some("cli"),
                },
                t0(),
            )
        })
        .unwrap();
    assert_eq!(key.creditor_id, a.id);
    let found = store.api_key_by_prefix("pk_test_abc123").unwrap().unwrap();
    assert_eq!(found, key);
    assert!(tenant_b.read(|tx| tx.api_keys()).unwrap().is_empty());
    let forged = tenant_b.write(|tx| tx.revoke_api_key(&key.id, t0()));
    assert!(matches!(forged, Err(StoreError::NotFound { .. })));
    assert_eq!(
        store
            .api_key_by_prefix("pk_test_abc123")
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );

    // Last use is recorded to the minute.
    store.touch_api_key(&key.id, t0()).unwrap();
    store
        .touch_api_key(&key.id, t0() + SignedDuration::from_secs(30))
        .unwrap();
    let touched = store.api_key_by_prefix("pk_test_abc123").unwrap().unwrap();
    assert_eq!(touched.last_used_at, Some(t0()));

    let revoked = tenant_a
        .write(|tx| tx.revoke_api_key(&key.id, t0()))
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(t0()));
    let again = tenant_a
        .write(|tx| tx.revoke_api_key(&key.id, t0() + SignedDuration::from_hours(1)))
        .unwrap();
    assert_eq!(again.revoked_at, Some(t0()), "first revocation kept");
}

on_both_engines!(members_belong_to_one_team_each, api_keys_are_per_creditor);
