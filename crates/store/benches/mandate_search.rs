//! The seed's mandate searches and a filtered list page on a creditor with
//! N customers and N mandates (default one million), on SQLite and on a
//! durable PostgreSQL. Each query runs with random keys; p50 and p99 are
//! printed as a Markdown table for docs/PERFORMANCE.md, with the targets
//! of issue 5 (p99 ≤ 1 ms on SQLite, ≤ 2 ms on PostgreSQL).
//!
//!     cargo bench -p prelevo-store --bench mandate_search              # N = 1 000 000
//!     ROWS=100000 QUERIES=2000 cargo bench -p prelevo-store --bench mandate_search
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use prelevo_domain::Iban;
use prelevo_domain::{
    Amendment, Civility, Customer, CustomerCode, CustomerDetails, CustomerId, CustomerStatus,
    DebtorAccount, DebtorAddress, Health, LastOutcome, Mandate, MandateId, MandateKind, MandateRef,
    MandateStatus, PaymentMethodRef, Scheme, SignatureMethod,
};
use prelevo_store::{CustomerFilter, MandateFilter, PoolOptions, Position, Store, TenantStore};
use prelevo_testkit::{Durability, new_creditor, start_postgres};

const NAMES: [&str; 8] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
];

/// A French IBAN whose last four characters vary like real ones (about
/// ten thousand values), unlike a sequence number's.
fn iban(n: u32) -> Iban {
    let bban = format!("30006{:05}{n:011}{:02}", n % 100_000, n % 97);
    (2..100)
        .find_map(|check| Iban::parse(&format!("FR{check:02}{bban}")).ok())
        .unwrap()
}

fn t0() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

fn customer(n: u32) -> Customer {
    let at = t0() + SignedDuration::from_secs(i64::from(n));
    Customer {
        id: CustomerId::from_body(&format!("{n:032}")).unwrap(),
        code: CustomerCode::parse(&format!("C-{n:07}")).unwrap(),
        details: CustomerDetails {
            civility: Civility::Mrs,
            last_name: Some(format!("{} {n}", NAMES[n as usize % NAMES.len()])),
            first_name: Some("Zoé".into()),
            company: None,
            address: [Some("12 rue des Lilas".into()), None, None],
            postal_code: Some("75011".into()),
            city: Some("Paris".into()),
            country: Some("FR".into()),
            email: None,
            phone: None,
            mobile: None,
            language: None,
        },
        status: CustomerStatus::Active,
        payer_id: None,
        payment_method: PaymentMethodRef::Mandate(
            MandateId::from_body(&format!("{n:032}")).unwrap(),
        ),
        last_outcome: LastOutcome::Unknown,
        created_at: at,
        updated_at: at,
    }
}

fn mandate(n: u32, customer: &Customer) -> Mandate {
    Mandate {
        id: MandateId::from_body(&format!("{n:032}")).unwrap(),
        customer_id: customer.id.clone(),
        reference: Some(MandateRef::parse(&format!("RUM-{n:08}")).unwrap()),
        scheme: Scheme::Core,
        kind: MandateKind::Recurrent,
        // One in ten revoked, so that a status filter means something.
        status: if n.is_multiple_of(10) {
            MandateStatus::Revoked
        } else {
            MandateStatus::Active
        },
        debtor: DebtorAccount {
            name: customer.details.display_name(),
            iban: iban(n),
            bic: None,
        },
        debtor_address: DebtorAddress::default(),
        signed_on: date(2020, 1, 1)
            .checked_add(i64::from(n % 2_000).days())
            .unwrap(),
        signature_place: None,
        signature_method: SignatureMethod::Paper,
        first_collection_pending: true,
        last_collection_on: None,
        amendment: Amendment::default(),
        revocation: (n.is_multiple_of(10)).then(|| prelevo_domain::Revocation {
            at: t0(),
            reason: "bench".into(),
        }),
        expired_on: None,
        created_at: customer.created_at,
        updated_at: customer.created_at,
    }
}

fn populate(store: &Store, rows: u32) -> (TenantStore, Duration) {
    let creditor = store
        .create_creditor(&new_creditor("Bench", 1), t0(), |_, c| {
            Ok::<_, prelevo_store::StoreError>(c.id.clone())
        })
        .unwrap();
    let tenant = store.tenant(creditor);
    let started = Instant::now();
    let batch = 5_000;
    let mut n = 1;
    while n <= rows {
        let end = (n + batch).min(rows + 1);
        tenant
            .write(|tx| {
                for i in n..end {
                    let c = customer(i);
                    tx.insert_customer(&c)?;
                    tx.insert_mandate(&mandate(i, &c))?;
                }
                Ok::<_, prelevo_store::StoreError>(())
            })
            .unwrap();
        n = end;
    }
    (tenant, started.elapsed())
}

/// A small deterministic generator: the same keys on both engines.
struct Keys(u64);

impl Keys {
    fn next(&mut self, rows: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(rows)) as u32 + 1
    }
}

/// p50 and p99 of `queries` runs of `query` with random keys, in µs.
fn measure(queries: usize, rows: u32, mut query: impl FnMut(u32)) -> (f64, f64) {
    let mut keys = Keys(0x9e37_79b9_7f4a_7c15);
    for _ in 0..queries / 10 {
        query(keys.next(rows));
    }
    let mut times: Vec<Duration> = (0..queries)
        .map(|_| {
            let key = keys.next(rows);
            let started = Instant::now();
            query(key);
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (at(0.50).as_secs_f64() * 1e6, at(0.99).as_secs_f64() * 1e6)
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
    let mut report = |what: &str, (p50, p99): (f64, f64)| {
        let verdict = if p99 <= target_us { "met" } else { "missed" };
        lines.push(format!(
            "| {engine} | {what} | {p50:.0} | {p99:.0} | ≤ {target_us:.0} ({verdict}) |"
        ));
    };
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
            let iban = iban(k).to_string();
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
        "count of active mandates (list total)",
        measure(queries.min(50), rows, |_| {
            let filter = MandateFilter {
                status: Some(MandateStatus::Active),
                ..MandateFilter::default()
            };
            tenant.read(|tx| tx.count_mandates(&filter)).unwrap();
        }),
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
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    run(
        "SQLite",
        &Store::open(&url, &options).unwrap(),
        rows,
        queries,
        1_000.0,
    );
    if std::env::var("SKIP_POSTGRES").is_err() {
        let postgres = start_postgres(Durability::Durable);
        let url = postgres.create_database("bench_mandates");
        run(
            "PostgreSQL",
            &Store::open(&url, &options).unwrap(),
            rows,
            queries,
            2_000.0,
        );
    }
}
