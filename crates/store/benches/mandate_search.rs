//! The seed's mandate searches and a filtered list page on a creditor with
//! N customers and N mandates (default one million), on SQLite and on a
//! durable PostgreSQL. Each query runs with random keys; p50 and p99 are
//! printed as a Markdown table for docs/PERFORMANCE.md, with the targets
//! of issue 5 (p99 ≤ 1 ms on SQLite, ≤ 2 ms on PostgreSQL). A trivial query
//! measured before and after gives the machine's floor in the same run.
//!
//!     cargo bench -p prelevo-store --bench mandate_search              # N = 1 000 000
//!     ROWS=100000 QUERIES=2000 cargo bench -p prelevo-store --bench mandate_search
//!     SKIP_SQLITE=1 (or SKIP_POSTGRES=1) cargo bench -p prelevo-store --bench mandate_search
//!
//! `POSTGRES_URL=postgres://…` measures a database of one's own instead of
//! a throwaway one; once loaded, later runs use its rows as they are.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use jiff::civil::date;
use prelevo_domain::{CustomerId, Health, MandateId, MandateStatus};
use prelevo_store::{CustomerFilter, MandateFilter, PoolOptions, Position, Store, TALLY_CAP};
use prelevo_testkit::bulk::{BulkKeys, bulk_iban, p50_p99, populate};
use prelevo_testkit::{Durability, start_postgres};

/// p50 and p99 of `queries` runs of `query` with random keys, in µs.
fn measure(queries: usize, rows: u32, mut query: impl FnMut(u32)) -> (f64, f64) {
    let mut keys = BulkKeys::default();
    for _ in 0..queries / 10 {
        query(keys.next(rows));
    }
    let times: Vec<Duration> = (0..queries)
        .map(|_| {
            let key = keys.next(rows);
            let started = Instant::now();
            query(key);
            started.elapsed()
        })
        .collect();
    let (p50, p99) = p50_p99(times);
    (p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6)
}

fn run(engine: &str, store: &Store, rows: u32, queries: usize, target_us: f64) {
    let (tenant, loaded) = populate(store, rows);
    eprintln!("{engine}: {rows} customers and mandates loaded in {loaded:.1?}");
    let page = 21;
    let search = |filter: MandateFilter, expect_some: bool| {
        let tenant = &tenant;
        move |_: u32| {
            let found = tenant
                .read(|tx| tx.mandates(&filter, Position::Start, page))
                .unwrap();
            assert!(!expect_some || !found.is_empty());
        }
    };
    let mut lines = Vec::new();
    // A search is judged against the target; a floor or a list total
    // (part of a page) is shown beside them.
    let mut report = |what: &str, (p50, p99): (f64, f64)| {
        let judged = !what.starts_with("floor") && !what.starts_with("total");
        let target = match (judged, p99 <= target_us) {
            (false, _) => "—".to_owned(),
            (true, met) => format!("≤ {target_us:.0} ({})", if met { "met" } else { "missed" }),
        };
        lines.push(format!(
            "| {engine} | {what} | {p50:.0} | {p99:.0} | {target} |"
        ));
    };
    let floor = || store.ping().unwrap();
    report(
        "floor: `SELECT 1` through the store, before",
        measure(queries, rows, |_| floor()),
    );
    report(
        "mandates by customer reference",
        measure(queries, rows, |k| {
            search(
                MandateFilter {
                    customer_code: Some(format!("C-{k:07}")),
                    ..MandateFilter::default()
                },
                true,
            )(k)
        }),
    );
    report(
        "mandates by UMR (prefix)",
        measure(queries, rows, |k| {
            search(
                MandateFilter {
                    reference: Some(format!("RUM-{k:08}")),
                    ..MandateFilter::default()
                },
                true,
            )(k)
        }),
    );
    report(
        "mandates by IBAN last 4",
        measure(queries, rows, |k| {
            let iban = bulk_iban(k).to_string();
            search(
                MandateFilter {
                    iban_last4: Some(iban[iban.len() - 4..].to_owned()),
                    ..MandateFilter::default()
                },
                true,
            )(k)
        }),
    );
    report(
        "mandate page: active, after a cursor",
        measure(queries, rows, |k| {
            let after = MandateId::from_body(&format!("{k:032}")).unwrap();
            let filter = MandateFilter {
                status: Some(MandateStatus::Active),
                ..MandateFilter::default()
            };
            tenant
                .read(|tx| tx.mandates(&filter, Position::After(after), page))
                .unwrap();
        }),
    );
    report(
        "customer page: health active, after a cursor",
        measure(queries, rows, |k| {
            let after = CustomerId::from_body(&format!("{k:032}")).unwrap();
            let filter = CustomerFilter {
                health: Some((Health::Active, date(2026, 11, 30))),
                ..CustomerFilter::default()
            };
            tenant
                .read(|tx| tx.customers(&filter, Position::After(after), page))
                .unwrap();
        }),
    );
    report(
        "total of active mandates, counted up to the cap (list total)",
        measure(queries, rows, |_| {
            let filter = MandateFilter {
                status: Some(MandateStatus::Active),
                ..MandateFilter::default()
            };
            tenant
                .read(|tx| tx.tally_mandates(&filter, TALLY_CAP))
                .unwrap();
        }),
    );
    report(
        "total of customers whose method is healthy (list total)",
        measure(queries, rows, |_| {
            let filter = CustomerFilter {
                health: Some((Health::Active, date(2026, 11, 30))),
                ..CustomerFilter::default()
            };
            tenant
                .read(|tx| tx.tally_customers(&filter, TALLY_CAP))
                .unwrap();
        }),
    );
    report(
        "floor: `SELECT 1` through the store, after",
        measure(queries, rows, |_| floor()),
    );
    for line in lines {
        println!("{line}");
    }
}

fn main() {
    let rows: u32 = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let queries: usize = std::env::var("QUERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let options = PoolOptions::default();
    println!("| engine | query (page of 21) | p50 (µs) | p99 (µs) | target p99 (µs) |");
    println!("|---|---|---|---|---|");
    let dir = tempfile::tempdir().unwrap();
    if std::env::var("SKIP_SQLITE").is_err() {
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        run(
            "SQLite",
            &Store::open(&url, &options).unwrap(),
            rows,
            queries,
            1_000.0,
        );
    }
    if std::env::var("SKIP_POSTGRES").is_err() {
        let throwaway;
        let url = match std::env::var("POSTGRES_URL") {
            Ok(kept) => kept,
            Err(_) => {
                throwaway = start_postgres(Durability::Durable);
                throwaway.create_database("bench_mandates")
            }
        };
        run(
            "PostgreSQL",
            &Store::open(&url, &options).unwrap(),
            rows,
            queries,
            2_000.0,
        );
    }
}
