use prelevo_testkit::{TestStore, on_both_engines};

use crate::{prelevo, stderr, stdout, with_creditor};

fn admin_create_prints_nothing_secret(store: &TestStore) {
    with_creditor(store);
    let output = prelevo(
        store.url(),
        &[
            "admin",
            "create",
            "--email",
            "ana@acme.example",
            "--base-url",
            "https://prelevo.example",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("ana@acme.example is now an administrator"),
        "{text}"
    );
    assert!(text.contains("https://prelevo.example/login"), "{text}");
    let bad = prelevo(store.url(), &["admin", "create", "--email", "not-an-email"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with("error: email:"),
        "{}",
        stderr(&bad)
    );
}

fn an_api_key_secret_is_the_last_line_once(store: &TestStore) {
    with_creditor(store);
    let output = prelevo(
        store.url(),
        &[
            "api-key",
            "create",
            "--name",
            "ERP",
            "--scope",
            "write",
            "--environment",
            "production",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let secret = text.lines().last().unwrap();
    assert!(
        secret.starts_with("pk_live_") && secret.len() == 56,
        "{secret}"
    );
    let listed = stdout(&prelevo(store.url(), &["api-key", "list"]));
    assert!(!listed.contains(secret), "the secret is never listed");
    assert!(
        listed.contains("ERP") && listed.contains("active"),
        "{listed}"
    );
    let bad_scope = prelevo(
        store.url(),
        &["api-key", "create", "--name", "X", "--scope", "admin"],
    );
    assert_eq!(bad_scope.status.code(), Some(2));
    assert_eq!(
        stderr(&bad_scope).trim(),
        "error: scope: unknown scope 'admin' (expected read or write)"
    );
}

on_both_engines!(
    admin_create_prints_nothing_secret,
    an_api_key_secret_is_the_last_line_once
);
