//! Team access end to end at the use-case level, on both engines: links
//! read from the emails really sent through an SMTP sink.

use std::time::Duration;

use jiff::SignedDuration;
use prelevo_app::access::{
    LoginAttempt, accept_invitation, authenticate_api_key, change_role, create_admin,
    create_api_key, deactivate_member, invite_member, login, request_password_link,
    resend_invitation, revoke_api_key, session_for, set_password_with_link, switch_creditor,
};
use prelevo_app::creditors::create_creditor;
use prelevo_app::mail::{SmtpMailer, parse_sender};
use prelevo_app::outbox::deliver_ready;
use prelevo_app::{AppError, ErrorKind};
use prelevo_domain::{ApiScope, Clock, CreditorKey, Environment, FixedClock, Role};
use prelevo_store::Actor;
use prelevo_testkit::{SmtpSink, TestStore, on_both_engines};

use crate::{clock, input};

const BASE: &str = "https://prelevo.example";
const PASSWORD: &str = "correct horse battery staple";

/// Sends the outbox through a real SMTP sink and returns the link in the
/// last email to `to`.
fn link_sent_to(store: &TestStore, clock: &FixedClock, sink: &SmtpSink, to: &str) -> String {
    let mailer =
        SmtpMailer::from_url(&sink.url(), parse_sender("p@prelevo.example").unwrap()).unwrap();
    deliver_ready(store, clock, &mailer, "test", 50).unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(5));
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.recipients.iter().any(|r| r == to))
        .unwrap_or_else(|| panic!("no email to {to}"));
    // Bodies are quoted-printable: undo its soft line breaks.
    let body = mail.data.replace("=\r\n", "");
    let start = body.find(BASE).expect("a link");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

fn attempt<'a>(email: &'a str, password: &'a str) -> LoginAttempt<'a> {
    LoginAttempt {
        email,
        password,
        client: "203.0.113.7",
    }
}

fn creditor(store: &TestStore, clock: &FixedClock, n: u32) -> CreditorKey {
    create_creditor(
        store,
        clock,
        &Actor::Cli,
        &input(&format!("Creditor {n}"), n),
    )
    .unwrap()
    .id
}

/// Acme (1) and its admin ana@acme.example, whose password is set by the
/// emailed link.
fn ana_with_a_password(store: &TestStore) -> (FixedClock, SmtpSink, CreditorKey) {
    let clock = clock();
    let sink = SmtpSink::start();
    let acme = creditor(store, &clock, 1);
    create_admin(store, &clock, &acme, "ana@acme.example").unwrap();
    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    let link = link_sent_to(store, &clock, &sink, "ana@acme.example");
    set_password_with_link(store, &clock, token_of(&link), PASSWORD).unwrap();
    (clock, sink, acme)
}

fn first_admin_sets_a_password_by_link_then_logs_in(store: &TestStore) {
    let clock = clock();
    let sink = SmtpSink::start();
    let acme = creditor(store, &clock, 1);
    create_admin(store, &clock, &acme, "ana@acme.example").unwrap();
    // No password yet: logging in fails like any wrong password.
    let before = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap_err();
    assert_eq!(before.kind(), ErrorKind::Unauthenticated);

    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    // An unknown address gets the same answer and no email.
    request_password_link(store, &clock, "nobody@acme.example", BASE).unwrap();
    let link = link_sent_to(store, &clock, &sink, "ana@acme.example");
    assert!(
        link.starts_with("https://prelevo.example/password/"),
        "{link}"
    );
    assert_eq!(sink.messages().len(), 1);
    // Asked again at once: no second email, and the link sent still works.
    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    assert_eq!(link_sent_to(store, &clock, &sink, "ana@acme.example"), link);
    assert_eq!(sink.messages().len(), 1);

    let short = set_password_with_link(store, &clock, token_of(&link), "short").unwrap_err();
    assert_eq!(short.kind(), ErrorKind::InvalidInput);
    set_password_with_link(store, &clock, token_of(&link), PASSWORD).unwrap();
    let reused = set_password_with_link(store, &clock, token_of(&link), PASSWORD).unwrap_err();
    assert_eq!(reused.kind(), ErrorKind::Unauthenticated);
    // The link used, another may be asked for at once.
    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    link_sent_to(store, &clock, &sink, "ana@acme.example");
    assert_eq!(sink.wait_for(2, Duration::from_secs(5)).len(), 2);
    assert_ne!(link_sent_to(store, &clock, &sink, "ana@acme.example"), link);

    let started = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap();
    assert_eq!(started.creditor_id, acme);
    let session = session_for(store, &clock, &started.session_id)
        .unwrap()
        .unwrap();
    assert_eq!(session.role, Role::Admin);
    assert_eq!(session.csrf_token.len(), 64);
    let actions: Vec<String> = store
        .tenant(acme)
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 50))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in [
        "admin_created",
        "password_link_sent",
        "password_set",
        "logged_in",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
}

fn a_password_link_expires_after_thirty_minutes(store: &TestStore) {
    let clock = clock();
    let sink = SmtpSink::start();
    let acme = creditor(store, &clock, 1);
    create_admin(store, &clock, &acme, "ana@acme.example").unwrap();
    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    let link = link_sent_to(store, &clock, &sink, "ana@acme.example");
    clock.advance(SignedDuration::from_mins(30)).unwrap();
    let late = set_password_with_link(store, &clock, token_of(&link), PASSWORD).unwrap_err();
    assert_eq!(late.kind(), ErrorKind::Unauthenticated);
}

fn five_wrong_passwords_lock_the_account_for_fifteen_minutes(store: &TestStore) {
    let (clock, _sink, acme) = ana_with_a_password(store);

    for _ in 0..4 {
        let wrong = login(
            store,
            &clock,
            &attempt("ana@acme.example", "not the password"),
        )
        .unwrap_err();
        assert_eq!(wrong.to_string(), "wrong email or password");
    }
    let fifth = login(
        store,
        &clock,
        &attempt("ana@acme.example", "not the password"),
    )
    .unwrap_err();
    let AppError::Throttled { until } = fifth else {
        panic!("{fifth:?}")
    };
    assert_eq!(until, clock.now() + SignedDuration::from_mins(15));
    // Even the right password is refused while locked.
    let locked = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap_err();
    assert_eq!(locked.kind(), ErrorKind::Throttled);
    clock.advance(SignedDuration::from_mins(15)).unwrap();
    assert!(login(store, &clock, &attempt("ana@acme.example", PASSWORD)).is_ok());
    let audit = store
        .tenant(acme)
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 50))
        .unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "login_failed").count(),
        4
    );
    assert_eq!(audit.iter().filter(|e| e.action == "locked_out").count(), 1);
}

/// Wrong passwords sent all at once: each failure counts, and none lifts
/// the lock another set (an attempt checked before it was set used to).
fn concurrent_wrong_passwords_keep_the_lock(store: &TestStore) {
    let (clock, _sink, _acme) = ana_with_a_password(store);

    let start = std::sync::Barrier::new(12);
    let refused: Vec<AppError> = std::thread::scope(|scope| {
        let attempts: Vec<_> = (0..12)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    login(
                        store,
                        &clock,
                        &attempt("ana@acme.example", "not the password"),
                    )
                    .unwrap_err()
                })
            })
            .collect();
        attempts.into_iter().map(|a| a.join().unwrap()).collect()
    });
    let wrong = refused
        .iter()
        .filter(|e| e.kind() != ErrorKind::Throttled)
        .count();
    assert_eq!(wrong, 4, "the fifth failure locks: {refused:?}");
    let locked = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap_err();
    assert_eq!(locked.kind(), ErrorKind::Throttled);
}

fn sessions_end_when_idle_and_at_logout(store: &TestStore) {
    let (clock, _sink, _acme) = ana_with_a_password(store);
    let started = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap();
    clock.advance(SignedDuration::from_mins(59)).unwrap();
    assert!(
        session_for(store, &clock, &started.session_id)
            .unwrap()
            .is_some()
    );
    clock.advance(SignedDuration::from_mins(59)).unwrap();
    assert!(
        session_for(store, &clock, &started.session_id)
            .unwrap()
            .is_some(),
        "kept alive"
    );
    clock.advance(SignedDuration::from_mins(61)).unwrap();
    assert!(
        session_for(store, &clock, &started.session_id)
            .unwrap()
            .is_none(),
        "idle"
    );
    let again = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap();
    prelevo_app::access::logout(store, &again.session_id).unwrap();
    assert!(
        session_for(store, &clock, &again.session_id)
            .unwrap()
            .is_none()
    );
}

fn an_invited_member_joins_with_the_emailed_link(store: &TestStore) {
    let clock = clock();
    let sink = SmtpSink::start();
    let acme = creditor(store, &clock, 1);
    let admin = create_admin(store, &clock, &acme, "ana@acme.example").unwrap();
    let by_admin = Actor::User(admin.user.id.to_string());
    let invited = invite_member(
        store,
        &clock,
        &by_admin,
        &acme,
        "bob@acme.example",
        Role::Operator,
        BASE,
    )
    .unwrap();
    let twice = invite_member(
        store,
        &clock,
        &by_admin,
        &acme,
        "bob@acme.example",
        Role::Viewer,
        BASE,
    )
    .unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::Conflict);
    let first = link_sent_to(store, &clock, &sink, "bob@acme.example");
    assert!(
        first.starts_with("https://prelevo.example/invitation/"),
        "{first}"
    );
    // Resending voids the first link.
    resend_invitation(store, &clock, &by_admin, &acme, &invited.user.id, BASE).unwrap();
    let second = link_sent_to(store, &clock, &sink, "bob@acme.example");
    assert_ne!(first, second);
    assert!(accept_invitation(store, &clock, token_of(&first), PASSWORD).is_err());
    let (user, creditor) = accept_invitation(store, &clock, token_of(&second), PASSWORD).unwrap();
    assert_eq!(
        (user.clone(), creditor),
        (invited.user.id.clone(), acme.clone())
    );
    let started = login(store, &clock, &attempt("bob@acme.example", PASSWORD)).unwrap();
    let session = session_for(store, &clock, &started.session_id)
        .unwrap()
        .unwrap();
    assert_eq!(session.role, Role::Operator);

    // Deactivation ends the session at once.
    deactivate_member(store, &clock, &by_admin, &acme, &user).unwrap();
    assert!(
        session_for(store, &clock, &started.session_id)
            .unwrap()
            .is_none()
    );
    let refused = login(store, &clock, &attempt("bob@acme.example", PASSWORD)).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
}

fn an_invitation_expires_after_seven_days(store: &TestStore) {
    let clock = clock();
    let sink = SmtpSink::start();
    let acme = creditor(store, &clock, 1);
    invite_member(
        store,
        &clock,
        &Actor::Cli,
        &acme,
        "bob@acme.example",
        Role::Viewer,
        BASE,
    )
    .unwrap();
    let link = link_sent_to(store, &clock, &sink, "bob@acme.example");
    clock.advance(SignedDuration::from_hours(7 * 24)).unwrap();
    let late = accept_invitation(store, &clock, token_of(&link), PASSWORD).unwrap_err();
    assert_eq!(late.kind(), ErrorKind::Unauthenticated);
}

fn the_team_keeps_an_active_administrator(store: &TestStore) {
    let clock = clock();
    let acme = creditor(store, &clock, 1);
    let ana = create_admin(store, &clock, &acme, "ana@acme.example").unwrap();
    let demote = change_role(
        store,
        &clock,
        &Actor::Cli,
        &acme,
        &ana.user.id,
        Role::Viewer,
    )
    .unwrap_err();
    assert_eq!(demote.kind(), ErrorKind::Conflict);
    let remove = deactivate_member(store, &clock, &Actor::Cli, &acme, &ana.user.id).unwrap_err();
    assert_eq!(remove.kind(), ErrorKind::Conflict);
    create_admin(store, &clock, &acme, "zoe@acme.example").unwrap();
    assert_eq!(
        change_role(
            store,
            &clock,
            &Actor::Cli,
            &acme,
            &ana.user.id,
            Role::Viewer
        )
        .unwrap()
        .role,
        Role::Viewer
    );
}

fn a_user_switches_between_their_creditors_only(store: &TestStore) {
    let clock = clock();
    let sink = SmtpSink::start();
    let one = creditor(store, &clock, 1);
    let two = creditor(store, &clock, 2);
    let three = creditor(store, &clock, 3);
    create_admin(store, &clock, &one, "ana@acme.example").unwrap();
    create_admin(store, &clock, &two, "ana@acme.example").unwrap();
    request_password_link(store, &clock, "ana@acme.example", BASE).unwrap();
    let link = link_sent_to(store, &clock, &sink, "ana@acme.example");
    set_password_with_link(store, &clock, token_of(&link), PASSWORD).unwrap();
    let started = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap();
    let session = session_for(store, &clock, &started.session_id)
        .unwrap()
        .unwrap();
    let other = if session.creditor_id == one {
        &two
    } else {
        &one
    };
    switch_creditor(store, &session, &started.session_id, other).unwrap();
    assert_eq!(
        &session_for(store, &clock, &started.session_id)
            .unwrap()
            .unwrap()
            .creditor_id,
        other
    );
    let foreign = switch_creditor(store, &session, &started.session_id, &three).unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::Forbidden);

    // Invited to a third team, she sets her password again by accepting:
    // as with a reset, the sessions opened with the former one end.
    let admin_of_three = create_admin(store, &clock, &three, "gus@globex.example").unwrap();
    invite_member(
        store,
        &clock,
        &Actor::User(admin_of_three.user.id.to_string()),
        &three,
        "ana@acme.example",
        Role::Viewer,
        BASE,
    )
    .unwrap();
    let invitation = link_sent_to(store, &clock, &sink, "ana@acme.example");
    accept_invitation(
        store,
        &clock,
        token_of(&invitation),
        "a brand new passphrase",
    )
    .unwrap();
    assert!(
        session_for(store, &clock, &started.session_id)
            .unwrap()
            .is_none()
    );
    let former = login(store, &clock, &attempt("ana@acme.example", PASSWORD)).unwrap_err();
    assert_eq!(former.to_string(), "wrong email or password");
    assert!(
        login(
            store,
            &clock,
            &attempt("ana@acme.example", "a brand new passphrase")
        )
        .is_ok()
    );
}

fn api_keys_authenticate_until_revoked_or_expired(store: &TestStore) {
    let clock = clock();
    let acme = creditor(store, &clock, 1);
    let other = creditor(store, &clock, 2);
    let created = create_api_key(
        store,
        &clock,
        &Actor::Cli,
        &acme,
        Environment::Production,
        "ERP",
        ApiScope::Read,
        None,
    )
    .unwrap();
    assert!(created.secret.starts_with("pk_live_"));
    assert_eq!(created.secret.len(), "pk_live_".len() + 48);
    assert!(
        !format!("{created:?}").contains(&created.secret),
        "never printed"
    );
    let principal = authenticate_api_key(store, &clock, &created.secret).unwrap();
    assert_eq!(
        (principal.creditor_id, principal.scope),
        (acme.clone(), ApiScope::Read)
    );
    // A key with one character changed is refused.
    let mut forged = created.secret.clone();
    forged.pop();
    forged.push(if created.secret.ends_with('0') {
        '1'
    } else {
        '0'
    });
    assert_eq!(
        authenticate_api_key(store, &clock, &forged)
            .unwrap_err()
            .kind(),
        ErrorKind::Unauthenticated
    );
    assert!(authenticate_api_key(store, &clock, "pk_live_").is_err());
    assert!(authenticate_api_key(store, &clock, "").is_err());
    // Another creditor cannot revoke it.
    let foreign = revoke_api_key(
        &store.tenant(other),
        &clock,
        &Actor::Cli,
        &created.record.id,
    )
    .unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::NotFound);
    revoke_api_key(
        &store.tenant(acme.clone()),
        &clock,
        &Actor::Cli,
        &created.record.id,
    )
    .unwrap();
    assert!(authenticate_api_key(store, &clock, &created.secret).is_err());
    let refusals: Vec<String> = store
        .tenant(acme.clone())
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 50))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "refused")
        .map(|e| e.after.unwrap_or_default())
        .collect();
    assert_eq!(
        refusals.len(),
        2,
        "the forged and the revoked attempts: {refusals:?}"
    );
    assert!(refusals[0].contains("revoked") && refusals[1].contains("wrong secret"));

    let expiring = create_api_key(
        store,
        &clock,
        &Actor::Cli,
        &acme,
        Environment::PreProduction,
        "Temp",
        ApiScope::Write,
        Some(clock.now() + SignedDuration::from_hours(1)),
    )
    .unwrap();
    assert!(expiring.secret.starts_with("pk_test_"));
    assert!(authenticate_api_key(store, &clock, &expiring.secret).is_ok());
    clock.advance(SignedDuration::from_hours(1)).unwrap();
    assert!(authenticate_api_key(store, &clock, &expiring.secret).is_err());
    let past = create_api_key(
        store,
        &clock,
        &Actor::Cli,
        &acme,
        Environment::Production,
        "Old",
        ApiScope::Read,
        Some(clock.now()),
    );
    assert_eq!(past.unwrap_err().kind(), ErrorKind::InvalidInput);
}

on_both_engines!(
    first_admin_sets_a_password_by_link_then_logs_in,
    a_password_link_expires_after_thirty_minutes,
    five_wrong_passwords_lock_the_account_for_fifteen_minutes,
    concurrent_wrong_passwords_keep_the_lock,
    sessions_end_when_idle_and_at_logout,
    an_invited_member_joins_with_the_emailed_link,
    an_invitation_expires_after_seven_days,
    the_team_keeps_an_active_administrator,
    a_user_switches_between_their_creditors_only,
    api_keys_authenticate_until_revoked_or_expired,
);
