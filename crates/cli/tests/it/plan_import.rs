//! `prelevo plan import`, as a script runs it, on both engines.

use prelevo_testkit::{TestStore, french_iban, on_both_engines};

use crate::{prelevo, stderr, stdout, with_creditor};

/// Customer C-1 with its mandate RUM-CLI-1, imported as a user would.
fn with_mandate(store: &TestStore, dir: &std::path::Path) {
    let path = dir.join("mandates.csv");
    let lines = [
        "customer_reference;reference;debtor_name;iban;signature_date".to_owned(),
        format!("C-1;RUM-CLI-1;Zoé Martin;{};2026-03-14", french_iban(2)),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let imported = prelevo(
        store.url(),
        &["mandate", "import", "--apply", path.to_str().unwrap()],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
}

/// A valid plan and one whose amount has three decimals. The plans start
/// far ahead: the command reads the system clock, and no instalment falls
/// within the pre-notification period whatever today is.
fn plan_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("plans.csv");
    std::fs::write(
        &path,
        "plan_reference;customer_reference;mandate_reference;amount;frequency;start_date;instalments\n\
         ABO-CLI-1;C-1;RUM-CLI-1;29,90;monthly;05/01/2099;12\n\
         ABO-CLI-2;C-1;RUM-CLI-1;12,345;monthly;2099-01-05;12\n",
    )
    .unwrap();
    path
}

fn plan_import_dry_run_then_apply_once_then_cancel(store: &TestStore) {
    with_creditor(store);
    let dir = tempfile::tempdir().unwrap();
    with_mandate(store, dir.path());
    let file = plan_file(dir.path());
    let file = file.to_str().unwrap();

    let dry = prelevo(store.url(), &["plan", "import", file]);
    assert_eq!(dry.status.code(), Some(2), "a line is refused");
    let text = stdout(&dry);
    assert!(
        text.contains(
            "plans.csv (dry run): 1 to create, 0 to update, 0 to cancel, 0 unchanged, 1 refused."
        ),
        "{text}"
    );
    assert!(
        text.contains("line 3: amount: more than 2 decimals"),
        "{text}"
    );
    assert!(text.contains("Nothing was written"), "{text}");
    assert!(
        stderr(&dry).contains("1 line(s) refused; the other lines are valid"),
        "{}",
        stderr(&dry)
    );

    let errors = dir.path().join("refused.csv");
    let applied = prelevo(
        store.url(),
        &[
            "--json",
            "plan",
            "import",
            "--apply",
            "--errors",
            errors.to_str().unwrap(),
            file,
        ],
    );
    assert_eq!(applied.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&applied)).unwrap();
    assert_eq!(report["mode"], "applied");
    assert_eq!(report["created"], 1);
    assert_eq!(report["refused_lines"][0]["line"], 3);
    assert_eq!(report["refused_lines"][0]["reference"], "ABO-CLI-2");
    assert_eq!(report["refused_lines"][0]["errors"][0]["field"], "amount");
    let refused = std::fs::read_to_string(&errors).unwrap();
    assert!(refused.starts_with('\u{feff}'), "Excel reads it as UTF-8");
    assert!(refused.contains("ABO-CLI-2"), "{refused}");
    assert!(!refused.contains("ABO-CLI-1"), "{refused}");

    let again = prelevo(store.url(), &["plan", "import", "--apply", file]);
    let text = stdout(&again);
    assert!(text.contains("this same file was imported on"), "{text}");
    assert!(
        text.contains("0 created, 0 updated, 0 cancelled, 1 unchanged, 1 refused."),
        "{text}"
    );

    let cancel = dir.path().join("cancel.csv");
    std::fs::write(&cancel, "plan_reference;action\nABO-CLI-1;cancel\n").unwrap();
    let cancelled = prelevo(
        store.url(),
        &["plan", "import", "--apply", cancel.to_str().unwrap()],
    );
    assert!(cancelled.status.success(), "{}", stderr(&cancelled));
    assert!(
        stdout(&cancelled).contains("0 created, 0 updated, 1 cancelled, 0 unchanged, 0 refused."),
        "{}",
        stdout(&cancelled)
    );
}

fn plan_import_refuses_a_file_it_cannot_read(store: &TestStore) {
    with_creditor(store);
    let missing = prelevo(store.url(), &["plan", "import", "/nonexistent/p.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("/nonexistent/p.csv: cannot be read"),
        "{}",
        stderr(&missing)
    );
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.csv");
    std::fs::write(&typo, "plan_reference;action;montant\nABO-1;cancel;10\n").unwrap();
    let refused = prelevo(store.url(), &["plan", "import", typo.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("file: line 1: unknown column 'montant'"),
        "{}",
        stderr(&refused)
    );
}

on_both_engines!(
    plan_import_dry_run_then_apply_once_then_cancel,
    plan_import_refuses_a_file_it_cannot_read,
);
