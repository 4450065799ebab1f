//! `prelevo compact`: a SQLite database rewritten in place, its rows kept;
//! PostgreSQL refused with exit 1.

use prelevo_testkit::{french_iban, french_ics};

use crate::{prelevo, stderr, stdout};

#[test]
fn compact_rewrites_sqlite_and_keeps_its_rows() {
    // A database only the commands below open (compacting needs it alone).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("prelevo.db").display());
    let (ics, iban) = (french_ics(1).to_string(), french_iban(1).to_string());
    let created = prelevo(
        &url,
        &[
            "creditor", "create", "--name", "Acme", "--ics", &ics, "--iban", &iban,
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));

    let done = prelevo(&url, &["--json", "compact"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let report: serde_json::Value = serde_json::from_str(&stdout(&done)).unwrap();
    assert_eq!(report["page_size_after"], 16_384, "{report}");
    assert!(report["bytes_after"].as_u64().unwrap() > 0, "{report}");

    let text = prelevo(&url, &["compact"]);
    assert!(
        stdout(&text).starts_with("Compacted: pages of 16384 bytes"),
        "{}",
        stdout(&text)
    );
    let listed = prelevo(&url, &["creditor", "list"]);
    assert!(stdout(&listed).contains("Acme"), "{}", stdout(&listed));
}

#[test]
fn compact_refuses_postgres_with_exit_1() {
    let url = prelevo_testkit::empty_postgres_database("cli_compact");
    let refused = prelevo(&url, &["compact"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("VACUUM FULL"),
        "{}",
        stderr(&refused)
    );
}
