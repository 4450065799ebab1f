//! Users, one-time links, sessions and login throttling (platform rows).

use jiff::SignedDuration;
use prelevo_domain::{EmailAddress, FailureCount, Locale};
use prelevo_store::{StoreError, TokenPurpose};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn one_email_is_one_user(store: &TestStore) {
    let (a, b) = store
        .platform_write(|tx| {
            let a = tx.ensure_user(&email("ana@acme.example"), t0())?;
            let b = tx.ensure_user(&email("ana@acme.example"), t0())?;
            Ok::<_, StoreError>((a, b))
        })
        .unwrap();
    assert_eq!(a, b);
    assert!(!a.has_password);
    store
        .platform_write(|tx| {
            tx.set_password_hash(&a.id, "$argon2id$v=19$...")?;
            tx.set_user_language(&a.id, Locale::En)
        })
        .unwrap();
    let (user, hash) = store
        .platform_read(|tx| tx.credentials(&email("ana@acme.example")))
        .unwrap()
        .unwrap();
    assert!(user.has_password);
    assert_eq!(user.language, Some(Locale::En));
    assert_eq!(hash.as_deref(), Some("$argon2id$v=19$..."));
    assert_eq!(
        store
            .platform_read(|tx| tx.user_by_email(&email("nobody@acme.example")))
            .unwrap(),
        None
    );
}

fn a_link_works_once_and_only_before_it_expires(store: &TestStore) {
    let user = store
        .platform_write(|tx| tx.ensure_user(&email("ana@acme.example"), t0()))
        .unwrap();
    let expires = t0() + SignedDuration::from_mins(30);
    store
        .platform_write(|tx| {
            tx.insert_user_token("h1", TokenPurpose::Password, &user.id, None, t0(), expires)?;
            tx.insert_user_token("h2", TokenPurpose::Password, &user.id, None, t0(), expires)
        })
        .unwrap();
    let use_at = |hash: &str, purpose, at| {
        store
            .platform_write(|tx| tx.use_user_token(hash, purpose, at))
            .unwrap()
    };
    // The wrong purpose does not open it.
    assert_eq!(use_at("h1", TokenPurpose::Invitation, t0()), None);
    let used = use_at("h1", TokenPurpose::Password, t0()).unwrap();
    assert_eq!(used.user_id, user.id);
    assert_eq!(
        use_at("h1", TokenPurpose::Password, t0()),
        None,
        "used twice"
    );
    assert_eq!(
        use_at("h2", TokenPurpose::Password, expires),
        None,
        "expired"
    );
    assert_eq!(use_at("nope", TokenPurpose::Password, t0()), None);
}

fn a_new_link_voids_the_old_ones(store: &TestStore) {
    let (c, _) = creditor(store, "Acme", 1);
    let user = store
        .platform_write(|tx| tx.ensure_user(&email("bob@acme.example"), t0()))
        .unwrap();
    let later = t0() + SignedDuration::from_hours(24);
    store
        .platform_write(|tx| {
            tx.insert_user_token(
                "old",
                TokenPurpose::Invitation,
                &user.id,
                Some(&c.id),
                t0(),
                later,
            )?;
            assert_eq!(
                tx.void_user_tokens(&user.id, TokenPurpose::Invitation, Some(&c.id), t0())?,
                1
            );
            tx.insert_user_token(
                "new",
                TokenPurpose::Invitation,
                &user.id,
                Some(&c.id),
                t0(),
                later,
            )
        })
        .unwrap();
    let use_at = |hash: &str| {
        store
            .platform_write(|tx| tx.use_user_token(hash, TokenPurpose::Invitation, t0()))
            .unwrap()
    };
    assert_eq!(use_at("old"), None);
    assert_eq!(use_at("new").unwrap().creditor_id, Some(c.id));
}

fn sessions_are_created_touched_switched_and_ended(store: &TestStore) {
    let (a, _) = creditor(store, "A", 1);
    let (b, _) = creditor(store, "B", 2);
    let user = store
        .platform_write(|tx| tx.ensure_user(&email("ana@acme.example"), t0()))
        .unwrap();
    let later = t0() + SignedDuration::from_mins(10);
    store
        .platform_write(|tx| {
            tx.create_session("s1", &user.id, &a.id, "csrf", t0())?;
            tx.create_session("s2", &user.id, &a.id, "csrf2", t0())?;
            tx.touch_session("s1", later)?;
            tx.switch_session_creditor("s1", &b.id)
        })
        .unwrap();
    let s1 = store.platform_read(|tx| tx.session("s1")).unwrap().unwrap();
    assert_eq!((s1.created_at, s1.last_seen_at), (t0(), later));
    assert_eq!(s1.creditor_id, b.id);
    assert_eq!(s1.csrf_token, "csrf");
    store.platform_write(|tx| tx.delete_session("s1")).unwrap();
    assert_eq!(store.platform_read(|tx| tx.session("s1")).unwrap(), None);
    assert_eq!(
        store
            .platform_write(|tx| tx.delete_user_sessions(&user.id))
            .unwrap(),
        1
    );
}

fn login_failures_are_counted_and_cleared(store: &TestStore) {
    let count = FailureCount {
        failures: 3,
        window_start: t0(),
        locked_until: None,
    };
    store
        .platform_write(|tx| {
            tx.save_login_failures("account:ana@acme.example", &count)?;
            let locked = FailureCount {
                failures: 5,
                locked_until: Some(t0() + SignedDuration::from_mins(15)),
                ..count
            };
            tx.save_login_failures("account:ana@acme.example", &locked)
        })
        .unwrap();
    let read = store
        .platform_read(|tx| tx.login_failures("account:ana@acme.example"))
        .unwrap()
        .unwrap();
    assert_eq!(read.failures, 5);
    assert!(read.locked_until.is_some());
    store
        .platform_write(|tx| tx.clear_login_failures("account:ana@acme.example"))
        .unwrap();
    assert_eq!(
        store
            .platform_read(|tx| tx.login_failures("account:ana@acme.example"))
            .unwrap(),
        None
    );
}

on_both_engines!(
    one_email_is_one_user,
    a_link_works_once_and_only_before_it_expires,
    a_new_link_voids_the_old_ones,
    sessions_are_created_touched_switched_and_ended,
    login_failures_are_counted_and_cleared,
);
