//! Mandate files at scale through the `prelevo` binary, SQLite: importing a
//! CSV of N lines (default 100 000, each a new customer and mandate), then
//! exporting the creditor's mandates, and exporting a creditor with M
//! mandates (default one million). Each command runs as its own process;
//! its wall time and peak resident memory (VmHWM, sampled from /proc every
//! 2 ms) are printed as a Markdown table for docs/PERFORMANCE.md, with
//! issue 5's targets (import < 10 s; export in constant memory).
//!
//! The import runs three times (`IMPORT_RUNS`), each on a new database; the
//! median is judged against the target.
//!
//! ```text
//! cargo bench -p prelevo --bench mandate_files
//! LINES=20000 ROWS=200000 cargo bench -p prelevo --bench mandate_files
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails by panicking"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use prelevo_store::{PoolOptions, Store};
use prelevo_testkit::bulk::{bulk_iban, populate};
use prelevo_testkit::measure::{measured, mib, seconds};
use prelevo_testkit::{french_iban, french_ics};

/// The issue's target for the import.
const IMPORT_TARGET: Duration = Duration::from_secs(10);

/// `prelevo ARGS` on `database_url`.
fn prelevo(database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_prelevo"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("PRELEVO_LOG", "warn");
    command
}

/// A mandate file of `lines` lines: each a new customer with a paper
/// mandate, every column of the documented format filled.
fn import_file(path: &Path, lines: u32) {
    let mut text = String::from(
        "customer_reference;reference;scheme;type;debtor_name;debtor_address_line1;\
         debtor_postal_code;debtor_city;debtor_country;iban;bic;signature_date;\
         signature_place;signature_method\n",
    );
    for n in 1..=lines {
        writeln!(
            text,
            "IMP-{n:07};RUM-IMP-{n:08};CORE;recurrent;Zoé Martin {n};12 rue des Lilas;75011;\
             Paris;FR;{};;2026-03-14;Paris;paper",
            bulk_iban(n)
        )
        .unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// "median (min–max)" of `runs`, and the median.
fn spread(runs: &mut [Duration]) -> (String, Duration) {
    runs.sort_unstable();
    let median = runs[runs.len() / 2];
    let shown = if runs.len() > 1 {
        format!(
            "{} ({}–{})",
            seconds(median),
            seconds(runs[0]),
            seconds(runs[runs.len() - 1])
        )
    } else {
        seconds(median)
    };
    (shown, median)
}

fn main() {
    let lines: u32 = std::env::var("LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rows: u32 = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("IMPORT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let dir = tempfile::tempdir().unwrap();
    // ICS 1 is the bulk creditor's (below).
    let ics = french_ics(2).to_string();
    let iban = french_iban(2).to_string();

    println!("| command (SQLite) | rows | wall (s) | peak RSS (MiB) | target |");
    println!("|---|---|---|---|---|");
    let file = dir.path().join("mandates.csv");
    import_file(&file, lines);
    let size = std::fs::metadata(&file).unwrap().len();
    let file = file.to_str().unwrap();
    // The machine is shared: the import runs `runs` times, each on a new
    // database, and the median is judged (the spread is printed).
    let (mut dry_runs, mut applied_runs) = (Vec::new(), Vec::new());
    let (mut dry_peak, mut applied_peak) = (0, 0);
    let mut url = String::new();
    for run in 0..runs {
        url = format!(
            "sqlite://{}",
            dir.path().join(format!("bench-{run}.db")).display()
        );
        measured(prelevo(
            &url,
            &[
                "creditor", "create", "--name", "Acme", "--ics", &ics, "--iban", &iban,
            ],
        ));
        let (took, peak, _) = measured(prelevo(&url, &["mandate", "import", file]));
        dry_runs.push(took);
        dry_peak = dry_peak.max(peak);
        let (took, peak, printed) =
            measured(prelevo(&url, &["mandate", "import", "--apply", file]));
        assert!(printed.contains(&format!("{lines} created")), "{printed}");
        applied_runs.push(took);
        applied_peak = applied_peak.max(peak);
    }
    println!(
        "| `mandate import` (dry run), {:.1} MiB file | {lines} | {} | {} | — |",
        size as f64 / 1_048_576.0,
        spread(&mut dry_runs).0,
        mib(dry_peak)
    );
    let (shown, median) = spread(&mut applied_runs);
    let verdict = if median < IMPORT_TARGET {
        "met"
    } else {
        "missed"
    };
    println!(
        "| `mandate import --apply` | {lines} | {shown} | {} | < 10 s, median ({verdict}) |",
        mib(applied_peak)
    );
    let export = dir.path().join("export.csv");
    let export = export.to_str().unwrap();
    let (took, peak, _) = measured(prelevo(
        &url,
        &["mandate", "export", "--creditor", &ics, "--output", export],
    ));
    println!(
        "| `mandate export` | {lines} | {} | {} | constant memory |",
        seconds(took),
        mib(peak)
    );

    // A second creditor with `rows` mandates, written directly.
    let store = Store::open(&url, &PoolOptions::default()).unwrap();
    let (tenant, loaded) = populate(&store, rows);
    let big = tenant.creditor_id().to_string();
    drop(tenant);
    drop(store);
    eprintln!("{rows} customers and mandates loaded in {loaded:.1?}");
    let (took, peak, _) = measured(prelevo(
        &url,
        &["mandate", "export", "--creditor", &big, "--output", export],
    ));
    let exported = std::fs::read_to_string(export).unwrap().lines().count() - 1;
    assert_eq!(exported, rows as usize);
    println!(
        "| `mandate export` | {rows} | {} | {} | constant memory |",
        seconds(took),
        mib(peak)
    );
}
