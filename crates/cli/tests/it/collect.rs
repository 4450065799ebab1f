use prelevo_app::payments::{PaymentInput, create_payment};
use prelevo_domain::{BusinessCalendar, Currency, Instrument, Money, SystemClock};
use prelevo_store::{Actor, MandateFilter, PoolOptions, Position, Store};
use prelevo_testkit::{TestStore, french_iban, on_both_engines};

use crate::{prelevo, stderr, stdout, with_creditor};

/// A business day ten days or more from now (this test runs on the real
/// clock), and the business day before it, when its file is made.
fn due_and_run_days() -> (jiff::civil::Date, jiff::civil::Date) {
    let calendar = BusinessCalendar::TARGET2;
    let soon = jiff::tz::TimeZone::UTC
        .to_datetime(prelevo_domain::Clock::now(&SystemClock))
        .date()
        .checked_add(jiff::Span::new().days(10))
        .unwrap();
    let due = calendar.same_or_next_business_day(soon).unwrap();
    (due, calendar.previous_business_day(due).unwrap())
}

/// Two mandates imported through the CLI, a one-off payment on each.
fn two_payments(store: &TestStore) {
    with_creditor(store);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mandates.csv");
    let lines = [
        "customer_reference;reference;debtor_name;iban;signature_date".to_owned(),
        format!("C-1;RUM-CLI-1;Zoé Martin;{};2026-03-14", french_iban(2)),
        format!("C-2;RUM-CLI-2;Léo Durand;{};2026-04-02", french_iban(3)),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let imported = prelevo(
        store.url(),
        &["mandate", "import", "--apply", path.to_str().unwrap()],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let db = Store::open(store.url(), &PoolOptions::one_command()).unwrap();
    let creditor = db.list_creditors().unwrap().remove(0);
    let tenant = db.tenant(creditor.id);
    let mandates = tenant
        .read(|tx| tx.mandates(&MandateFilter::default(), Position::Start, 10))
        .unwrap();
    for (n, listed) in mandates.iter().enumerate() {
        create_payment(
            &tenant,
            &SystemClock,
            &Actor::Cli,
            &PaymentInput {
                customer_id: listed.mandate.customer_id.clone(),
                instrument: Instrument::Mandate(listed.mandate.id.clone()),
                amount: Money::from_minor(1_000 * (i64::try_from(n).unwrap() + 1), Currency::EUR),
                due_on: Some(due_and_run_days().0),
                remittance: Some("Cotisation".into()),
                end_to_end_id: None,
            },
        )
        .unwrap();
    }
}

fn collect_then_send_the_files_to_a_folder(store: &TestStore) {
    two_payments(store);
    let day = due_and_run_days().1.to_string();
    let run = prelevo(store.url(), &["--json", "collect", "--date", &day]);
    assert!(run.status.success(), "{}", stderr(&run));
    let report: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{report}");
    assert_eq!(files[0]["transactions"], 2);
    assert_eq!(files[0]["control_sum_cents"], 3_000);
    assert_eq!(files[0]["status"], "pending");
    // No card gateway connector from the command line: nothing charged.
    assert_eq!(
        report["cards"],
        serde_json::json!({"approved": 0, "declined": 0, "waiting": 0})
    );
    // Again: nothing more.
    let again = prelevo(store.url(), &["collect", "--date", &day]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("No bank file to send."),
        "{}",
        stdout(&again)
    );

    let listed = prelevo(store.url(), &["files", "list", "--status", "pending"]);
    assert!(stdout(&listed).contains("pending"), "{}", stdout(&listed));
    let dir = tempfile::tempdir().unwrap();
    let sent = prelevo(
        store.url(),
        &[
            "--json",
            "files",
            "send",
            "--to",
            dir.path().to_str().unwrap(),
        ],
    );
    assert!(sent.status.success(), "{}", stderr(&sent));
    let sent: serde_json::Value = serde_json::from_str(&stdout(&sent)).unwrap();
    let path = sent[0]["path"].as_str().unwrap();
    let xml = std::fs::read_to_string(path).unwrap();
    assert!(xml.contains("<NbOfTxs>2</NbOfTxs>"), "{xml}");
    assert_eq!(sent[0]["status"], "sent");
    let pending = prelevo(
        store.url(),
        &["--json", "files", "list", "--status", "pending"],
    );
    assert_eq!(stdout(&pending).trim(), "[]");
    // The same bytes again, on demand.
    let id = sent[0]["id"].as_str().unwrap();
    let again = prelevo(store.url(), &["files", "write", id]);
    assert_eq!(stdout(&again), xml);
}

fn wrong_arguments_are_refused(store: &TestStore) {
    with_creditor(store);
    let bad_date = prelevo(store.url(), &["collect", "--date", "2026-13-01"]);
    assert_eq!(bad_date.status.code(), Some(2), "{}", stderr(&bad_date));
    let no_dir = prelevo(
        store.url(),
        &["files", "send", "--to", "/nonexistent/prelevo"],
    );
    assert_eq!(no_dir.status.code(), Some(2), "{}", stderr(&no_dir));
    assert!(
        stderr(&no_dir).contains("is not a folder"),
        "{}",
        stderr(&no_dir)
    );
    let unknown = prelevo(store.url(), &["files", "write", "file_0000"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("not found"),
        "{}",
        stderr(&unknown)
    );
}

on_both_engines!(
    collect_then_send_the_files_to_a_folder,
    wrong_arguments_are_refused,
);
