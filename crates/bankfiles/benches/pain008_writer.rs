//! The pain.008 writer alone: N collections (default one million), each
//! built from text as rows read from the database would be (IBAN, UMR and
//! end-to-end id parsed), streamed to a file in blocks of 10 000. Prints
//! the wall time, the file's size and the process's peak resident memory,
//! to compare in the same minutes with the bare quick-xml writer of the
//! peer benchmarks (`xml_ceiling.sh`) and sepaxml.
//!
//!     cargo bench -p prelevo-bankfiles --bench pain008_writer
//!     N=100000 cargo bench -p prelevo-bankfiles --bench pain008_writer
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails by panicking"
)]

use std::io::BufWriter;
use std::time::Instant;

use jiff::civil::{date, datetime};
use prelevo_bankfiles::{
    Collection, CreditorParty, MessageHeader, Pain008Version, Pain008Writer, PaymentBlock, Totals,
};
use prelevo_domain::{
    Amendment, Bic, CreditorId, Currency, DebtorAccount, EndToEndId, Iban, MandateRef, Money,
    Scheme, SequenceType,
};

/// A valid German IBAN for row `i` (the peer benchmarks' accounts).
fn iban_text(i: u64) -> String {
    let bban = format!("37040044{i:010}");
    let remainder = bban
        .bytes()
        .chain(*b"131400")
        .fold(0u64, |r, c| (r * 10 + u64::from(c - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - remainder)
}

fn cents(i: u64) -> i64 {
    1000 + ((i * 7919) % 99000) as i64
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let n: u64 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let per_block: u64 = 10_000;
    let eur = |c| Money::from_minor(c, Currency::EUR);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pain008.xml");
    let started = Instant::now();
    let total: i64 = (0..n).map(cents).sum();
    let creditor = CreditorParty {
        name: "Prelevo Bench SAS".into(),
        iban: Iban::parse("FR7630004008230001234567819").unwrap(),
        bic: Some(Bic::parse("BNPAFRPP").unwrap()),
        identifier: CreditorId::parse("FR57ZZZ5A8C21").unwrap(),
    };
    let header = MessageHeader {
        message_id: "BENCH-1".into(),
        created_at: datetime(2027, 1, 4, 9, 30, 0, 0),
        initiating_party: "Prelevo Bench SAS".into(),
        totals: Totals {
            transactions: n,
            control_sum: eur(total),
        },
    };
    let file = BufWriter::with_capacity(256 * 1024, std::fs::File::create(&path).unwrap());
    let mut out = Pain008Writer::start(file, Pain008Version::V02, &header).unwrap();
    let mut start = 0;
    while start < n {
        let end = (start + per_block).min(n);
        out.begin_block(&PaymentBlock {
            id: format!("BENCH-1-{start}"),
            scheme: Scheme::Core,
            sequence: SequenceType::Rcur,
            collection_date: date(2027, 1, 6),
            batch_booking: true,
            creditor: creditor.clone(),
            totals: Totals {
                transactions: end - start,
                control_sum: eur((start..end).map(cents).sum()),
            },
        })
        .unwrap();
        for i in start..end {
            out.collection(&Collection {
                end_to_end_id: EndToEndId::parse(&format!("E2E-{i:012}")).unwrap(),
                amount: eur(cents(i)),
                mandate: MandateRef::parse(&format!("MNDT-{i:010}")).unwrap(),
                signed_on: date(2023, 6, 1),
                amendment: Amendment::default(),
                debtor: DebtorAccount {
                    name: format!("Debtor Name {i:07} GmbH"),
                    iban: Iban::parse(&iban_text(i)).unwrap(),
                    bic: Some(Bic::parse("COBADEFFXXX").unwrap()),
                },
                remittance: Some(format!("Membership fee 2026-01 invoice {i:010}")),
            })
            .unwrap();
        }
        out.end_block().unwrap();
        start = end;
    }
    let file = out.finish().unwrap();
    drop(file.into_inner().unwrap());
    let took = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    println!("| writer | collections | wall (s) | file (MiB) | peak RSS (MiB) |");
    println!("|---|---|---|---|---|");
    println!(
        "| `Pain008Writer` (pain.008.001.02) | {n} | {:.2} | {:.1} | {:.1} |",
        took.as_secs_f64(),
        size as f64 / 1_048_576.0,
        peak_rss_kib() as f64 / 1024.0
    );
}
