//! The daily collection run at scale through the `prelevo` binary: a
//! creditor with N customers, N mandates and N active monthly plans (default
//! one million), all due on the same day, in two books: mandates in use
//! (collected before, as a creditor's book migrated to Prelevo: every
//! collection goes as RCUR) and new mandates (every collection is the
//! mandate's first, FRST). Measured, each as its own process (wall time,
//! peak RSS):
//!
//! - `prelevo collect --date 2026-12-01`: the N instalments created and the
//!   file made and written once (its hash recorded);
//! - `prelevo files write ID --output FILE`: the pain.008 of N collections
//!   read from the database and written to a file (the issue's "DB → file").
//!
//! The file is then checked against the official XSD with `xmllint
//! --stream` (not timed). Printed as a Markdown table for
//! docs/PERFORMANCE.md; the peers and ceilings it is compared with are run
//! beside it (see docs/PERFORMANCE.md for the commands).
//!
//! ```text
//! cargo bench -p prelevo --bench collection_day
//! NS="100000 1000000" cargo bench -p prelevo --bench collection_day
//! ENGINE=postgres NS=100000 cargo bench -p prelevo --bench collection_day  # a throwaway PostgreSQL
//! BENCH_DIR=/var/tmp/day cargo bench -p prelevo --bench collection_day  # keeps the loaded database
//! BOOKS=in-use cargo bench -p prelevo --bench collection_day  # one book only (in-use or new)
//! ```
//!
//! With `BENCH_DIR` (SQLite), the loaded database is kept there as
//! `day-N-BOOK.loaded.db` and copied for each later run, which then brings its
//! schema up to date (`prelevo migrate`, not timed) and times the run
//! alone: loading a million takes minutes. Delete it when `load` changes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails by panicking"
)]

use std::path::Path;
use std::process::Command;

use prelevo_domain::{BankProfile, Pain008Version};
use prelevo_store::{PoolOptions, Store};
use prelevo_testkit::bulk::{bulk_customer, bulk_mandate, bulk_plan};
use prelevo_testkit::measure::{measured, mib, seconds};
use prelevo_testkit::new_creditor;

/// `prelevo ARGS` on `database_url`.
fn prelevo(database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_prelevo"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("PRELEVO_LOG", "warn");
    command
}

/// A creditor's mandates: collected before, or all new.
#[derive(Clone, Copy)]
enum Book {
    InUse,
    New,
}

impl Book {
    fn name(self) -> &'static str {
        match self {
            Book::InUse => "in-use",
            Book::New => "new",
        }
    }
}

/// A creditor with `n` customers, mandates and plans, its bank taking files
/// of up to a million collections in pain.008.001.02 (the peers' version).
fn load(url: &str, n: u32, book: Book) {
    let store = Store::open(url, &PoolOptions::default()).unwrap();
    let at = "2026-11-30T09:00:00Z".parse().unwrap();
    let creditor = store
        .create_creditor(&new_creditor("Bench", 1), at, |_, c| {
            Ok::<_, prelevo_store::StoreError>(c.id.clone())
        })
        .unwrap();
    let tenant = store.tenant(creditor);
    tenant
        .write(|tx| {
            let mut profile = tx.bank_profile()?;
            profile = BankProfile::new(
                Pain008Version::V02,
                profile.first_collection,
                profile.batch_booking,
                profile.cutoff,
                i64::from(BankProfile::MAX_FILE_TRANSACTIONS),
                profile.collection_limit().minor(),
            )
            .unwrap();
            tx.save_bank_profile(&profile)
        })
        .unwrap();
    let batch = 10_000;
    let mut from = 1;
    while from <= n {
        let until = (from + batch).min(n + 1);
        let customers: Vec<_> = (from..until).map(bulk_customer).collect();
        let mandates: Vec<_> = customers
            .iter()
            .zip(from..until)
            .map(|(c, i)| prelevo_domain::Mandate {
                // Every plan's mandate can be collected on.
                status: prelevo_domain::MandateStatus::Active,
                revocation: None,
                first_collection_pending: matches!(book, Book::New),
                last_collection_on: match book {
                    Book::InUse => Some(jiff::civil::date(2026, 11, 2)),
                    Book::New => None,
                },
                ..bulk_mandate(i, c)
            })
            .collect();
        let plans: Vec<_> = mandates
            .iter()
            .zip(from..until)
            .map(|(m, i)| bulk_plan(i, m))
            .collect();
        tenant
            .write(|tx| {
                for c in &customers {
                    tx.insert_customer(c)?;
                }
                tx.insert_mandates(&mandates)?;
                tx.insert_plans(&plans)
            })
            .unwrap();
        from = until;
    }
}

/// The sequence type of a file's first payment block (FRST for new
/// mandates, RCUR for mandates in use), read from its head.
fn first_sequence_type(file: &Path) -> String {
    use std::io::Read;
    let mut head = vec![0; 64 * 1024];
    let read = std::fs::File::open(file).unwrap().read(&mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..read]);
    let value = head.split("<SeqTp>").nth(1).unwrap_or("?");
    value.split('<').next().unwrap_or("?").to_owned()
}

fn validate(file: &Path) -> String {
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../bankfiles/schemas/pain.008.001.02.xsd");
    let out = Command::new("xmllint")
        .args(["--stream", "--noout", "--schema"])
        .arg(schema)
        .arg(file)
        .output()
        .expect("xmllint runs");
    if out.status.success() {
        "valid".to_owned()
    } else {
        format!(
            "INVALID: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        )
    }
}

fn main() {
    let ns: Vec<u32> = std::env::var("NS")
        .unwrap_or_else(|_| "1000000".to_owned())
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    // A throwaway PostgreSQL with the server's default durability (fsync
    // on), one database per N.
    let postgres = (std::env::var("ENGINE").as_deref() == Ok("postgres"))
        .then(|| prelevo_testkit::start_postgres(prelevo_testkit::Durability::Durable));
    // BENCH_DIR keeps the databases (to look at them after the run).
    let temporary = tempfile::tempdir().unwrap();
    let dir = std::env::var("BENCH_DIR")
        .map_or_else(|_| temporary.path().to_path_buf(), std::path::PathBuf::from);
    let books: Vec<Book> = std::env::var("BOOKS")
        .unwrap_or_else(|_| "in-use new".to_owned())
        .split_whitespace()
        .map(|b| match b {
            "in-use" => Book::InUse,
            "new" => Book::New,
            other => panic!("BOOKS: {other}? in-use or new"),
        })
        .collect();
    println!("| engine | N | mandates | step | wall (s) | peak RSS (MiB) | output |");
    println!("|---|---|---|---|---|---|---|");
    for &n in &ns {
        for &book in &books {
            run(postgres.as_ref(), &dir, n, book);
        }
    }
}

/// Loads (or copies the kept load of) `n` plans of `book`, then measures
/// the day's run and the file's writing.
fn run(postgres: Option<&prelevo_testkit::PostgresServer>, dir: &Path, n: u32, book: Book) {
    let kind = book.name();
    let engine = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let started = std::time::Instant::now();
    let url = match postgres {
        Some(server) => {
            let url = server.create_database(&format!("day_{n}_{}", kind.replace('-', "_")));
            load(&url, n, book);
            url
        }
        None => {
            let loaded = dir.join(format!("day-{n}-{kind}.loaded.db"));
            if !loaded.exists() {
                let loading = dir.join(format!("day-{n}-{kind}.loading.db"));
                load(&format!("sqlite://{}", loading.display()), n, book);
                for part in ["-wal", ""] {
                    let from = format!("{}{part}", loading.display());
                    if Path::new(&from).exists() {
                        std::fs::rename(from, format!("{}{part}", loaded.display())).unwrap();
                    }
                }
            }
            let copy = dir.join(format!("day-{n}.db"));
            for part in ["-wal", "-shm", ""] {
                let _ = std::fs::remove_file(format!("{}{part}", copy.display()));
                let from = format!("{}{part}", loaded.display());
                if part != "-shm" && Path::new(&from).exists() {
                    std::fs::copy(from, format!("{}{part}", copy.display())).unwrap();
                }
            }
            let url = format!("sqlite://{}", copy.display());
            assert!(prelevo(&url, &["migrate"]).status().unwrap().success());
            url
        }
    };
    eprintln!(
        "{n} customers, mandates and plans ready in {:.1?}",
        started.elapsed()
    );
    let (took, peak, printed) = measured(prelevo(
        &url,
        &["--json", "collect", "--date", "2026-12-01"],
    ));
    let report: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(report["instalments"], n, "{report}");
    let files = report["files"].as_array().unwrap();
    let id = files[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(files[0]["transactions"], n, "{report}");
    println!(
        "| {engine} | {n} | {kind} | `collect`: {n} instalments, 1 file made and hashed | {} | {} | {} bytes |",
        seconds(took),
        mib(peak),
        files[0]["size_bytes"]
    );
    let out = dir.join(format!("pain008-{n}.xml"));
    let (took, peak, _) = measured(prelevo(
        &url,
        &["files", "write", &id, "--output", out.to_str().unwrap()],
    ));
    println!(
        "| {engine} | {n} | {kind} | `files write`: pain.008 from the database to a file | {} | {} | {}, {} |",
        seconds(took),
        mib(peak),
        validate(&out),
        first_sequence_type(&out)
    );
    std::fs::remove_file(&out).unwrap();
}
