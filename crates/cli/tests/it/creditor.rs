use prelevo_testkit::{TestStore, french_iban, french_ics, on_both_engines};

use crate::{prelevo, stderr, stdout};

fn create_args(name: &str, n: u32) -> Vec<String> {
    vec![
        "creditor".into(),
        "create".into(),
        "--name".into(),
        name.into(),
        "--ics".into(),
        french_ics(n).to_string(),
        "--iban".into(),
        french_iban(n).grouped(),
        "--bic".into(),
        "SOGEFRPP".into(),
    ]
}

fn run(store: &TestStore, args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    prelevo(store.url(), &args)
}

fn a_bad_iban_is_exit_2_naming_the_field_and_writes_nothing(store: &TestStore) {
    let mut args = create_args("Acme", 1);
    args[7] = "FR7730006000011234567890189".into();
    let output = run(store, &args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "error: iban: check digits do not match (expected 76)"
    );
    let list = prelevo(store.url(), &["creditor", "list", "--json"]);
    assert_eq!(stdout(&list).trim(), "[]");
}

fn create_list_show_update_round_trip(store: &TestStore) {
    let created = run(store, &create_args("Acme Abonnements", 1));
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    assert!(stdout(&created).contains("Creditor created."));

    let list = prelevo(store.url(), &["creditor", "list", "--json"]);
    let all: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["name"], "Acme Abonnements");
    assert_eq!(all[0]["ics"], french_ics(1).to_string());
    assert_eq!(all[0]["settings"]["pre_notification_days"], 14);

    let updated = prelevo(
        store.url(),
        &[
            "creditor",
            "update",
            "--representation-delay-days",
            "7",
            "--billing-contact-email",
            "billing@acme.example",
            "--json",
        ],
    );
    assert_eq!(updated.status.code(), Some(0), "{}", stderr(&updated));
    let shown = prelevo(store.url(), &["creditor", "show"]);
    let text = stdout(&shown);
    assert!(text.contains("J+7"), "{text}");
    assert!(text.contains("billing@acme.example"), "{text}");

    let out_of_range = prelevo(
        store.url(),
        &["creditor", "update", "--max-rejections", "0"],
    );
    assert_eq!(out_of_range.status.code(), Some(2));
    assert_eq!(
        stderr(&out_of_range).trim(),
        "error: max_rejections: must be between 1 and 20 (got 0)"
    );
}

fn several_creditors_need_the_creditor_option(store: &TestStore) {
    assert!(run(store, &create_args("A", 1)).status.success());
    assert!(run(store, &create_args("B", 2)).status.success());
    let ambiguous = prelevo(store.url(), &["creditor", "show"]);
    assert_eq!(ambiguous.status.code(), Some(2));
    assert!(
        stderr(&ambiguous).contains("--creditor"),
        "{}",
        stderr(&ambiguous)
    );
    let b = prelevo(
        store.url(),
        &[
            "creditor",
            "show",
            "--creditor",
            &french_ics(2).to_string(),
            "--json",
        ],
    );
    let shown: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(shown["name"], "B");
    let unknown = prelevo(
        store.url(),
        &["creditor", "show", "--creditor", "FR00ZZZ000000"],
    );
    assert_eq!(unknown.status.code(), Some(1));
}

fn a_duplicate_ics_is_refused(store: &TestStore) {
    assert!(run(store, &create_args("A", 1)).status.success());
    let again = run(store, &create_args("A bis", 1));
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already registered"),
        "{}",
        stderr(&again)
    );
}

on_both_engines!(
    a_bad_iban_is_exit_2_naming_the_field_and_writes_nothing,
    create_list_show_update_round_trip,
    several_creditors_need_the_creditor_option,
    a_duplicate_ics_is_refused,
);

#[test]
fn an_unreachable_database_is_one_line_and_exit_1() {
    let output = prelevo(
        "postgres://nobody@127.0.0.1:1/prelevo",
        &["creditor", "list"],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("error: cannot connect to the database"),
        "{text}"
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    let output = prelevo("sqlite://unused.db", &["creditor", "create", "--name"]);
    assert_eq!(output.status.code(), Some(2));
}
