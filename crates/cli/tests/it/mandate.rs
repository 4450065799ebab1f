use prelevo_testkit::{TestStore, french_iban, on_both_engines};

use crate::{prelevo, stderr, stdout, with_creditor};

/// Two valid lines and one with a wrong IBAN.
fn mandate_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("mandates.csv");
    let lines = [
        "customer_reference;reference;debtor_name;iban;signature_date".to_owned(),
        format!("C-1;RUM-CLI-1;Zoé Martin;{};2026-03-14", french_iban(2)),
        "C-2;RUM-CLI-2;Léo Durand;FR7630006000011234567890188;2026-04-02".to_owned(),
        format!("C-3;RUM-CLI-3;Ana Petit;{};2026-05-20", french_iban(3)),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn import_dry_run_then_apply_once_then_export(store: &TestStore) {
    with_creditor(store);
    let dir = tempfile::tempdir().unwrap();
    let file = mandate_file(dir.path());
    let file = file.to_str().unwrap();

    let dry = prelevo(store.url(), &["mandate", "import", file]);
    assert_eq!(dry.status.code(), Some(2), "a line is refused");
    let text = stdout(&dry);
    assert!(
        text.contains("(dry run): 2 to create, 0 to update, 0 unchanged, 1 refused"),
        "{text}"
    );
    assert!(text.contains("line 3: iban:"), "{text}");
    assert!(text.contains("Nothing was written"), "{text}");
    assert!(
        stderr(&dry).contains("1 line(s) refused"),
        "{}",
        stderr(&dry)
    );
    let exported = prelevo(store.url(), &["mandate", "export"]);
    assert_eq!(stdout(&exported).lines().count(), 1, "header only");

    let errors = dir.path().join("refused.csv");
    let applied = prelevo(
        store.url(),
        &[
            "--json",
            "mandate",
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
    assert_eq!(report["created"], 2);
    assert_eq!(report["refused_lines"][0]["line"], 3);
    assert_eq!(report["refused_lines"][0]["errors"][0]["field"], "iban");
    let refused = std::fs::read_to_string(&errors).unwrap();
    assert!(refused.contains("RUM-CLI-2"), "{refused}");
    assert!(!refused.contains("RUM-CLI-1"), "{refused}");

    let again = prelevo(store.url(), &["mandate", "import", "--apply", file]);
    let text = stdout(&again);
    assert!(text.contains("this same file was imported on"), "{text}");
    assert!(
        text.contains("0 created, 0 updated, 2 unchanged, 1 refused"),
        "{text}"
    );

    let out = dir.path().join("export.csv");
    let exported = prelevo(
        store.url(),
        &["mandate", "export", "--output", out.to_str().unwrap()],
    );
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stdout(&exported).contains("2 mandate(s) written"));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with('\u{feff}'), "Excel reads it as UTF-8");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.contains("RUM-CLI-3") && csv.contains("Zoé Martin"),
        "{csv}"
    );

    let only = prelevo(
        store.url(),
        &["mandate", "export", "--customer-reference", "C-3"],
    );
    let csv = stdout(&only);
    assert!(
        csv.contains("RUM-CLI-3") && !csv.contains("RUM-CLI-1"),
        "{csv}"
    );
    let bad = prelevo(store.url(), &["mandate", "export", "--status", "dormant"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("'dormant' is not a mandate state"),
        "{}",
        stderr(&bad)
    );
}

fn a_file_that_cannot_be_read_says_which(store: &TestStore) {
    with_creditor(store);
    let missing = prelevo(store.url(), &["mandate", "import", "/nonexistent/m.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("/nonexistent/m.csv: cannot be read"),
        "{}",
        stderr(&missing)
    );
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(
        &latin1,
        b"customer_reference;reference;debtor_name;iban;signature_date\nC-1;R-1;Zo\xe9;x;2026-01-01\n",
    )
    .unwrap();
    let refused = prelevo(
        store.url(),
        &["mandate", "import", latin1.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("line 2: is not UTF-8 text"),
        "{}",
        stderr(&refused)
    );
}

on_both_engines!(
    import_dry_run_then_apply_once_then_export,
    a_file_that_cannot_be_read_says_which
);
