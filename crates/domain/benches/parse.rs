//! Parsing throughput of `Iban` and `CreditorId` (values/s), with the bare
//! `iban_validate` parser measured in the same run as the ceiling for IBANs.
//! Prints a Markdown table for docs/PERFORMANCE.md.
//!
//!     cargo bench -p prelevo-domain --bench parse
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Instant;

use prelevo_domain::{CreditorId, Iban};

const VALUES: usize = 200_000;
const ROUNDS: usize = 5;

/// Valid IBANs of several countries and lengths, check digits computed.
fn ibans() -> Vec<String> {
    let layouts = [
        ("FR", 23),
        ("DE", 18),
        ("ES", 20),
        ("IT", 23),
        ("NL", 14),
        ("BE", 12),
    ];
    (0..VALUES)
        .map(|i| {
            let (country, len) = layouts[i % layouts.len()];
            let digits: String = format!("{:030}", (i as u64).wrapping_mul(2_654_435_761))
                .chars()
                .rev()
                .take(len)
                .collect();
            let bban = match country {
                "IT" => format!("X{}", &digits[1..]),
                "NL" => format!("ABNA{}", &digits[4..]),
                _ => digits,
            };
            (0..100)
                .map(|check| format!("{country}{check:02}{bban}"))
                .find(|candidate| Iban::parse(candidate).is_ok())
                .expect("some check digits fit")
        })
        .collect()
}

/// Valid French creditor identifiers.
fn creditor_ids() -> Vec<String> {
    (0..VALUES)
        .map(|i| {
            let national = format!("{:06}", i % 1_000_000);
            (0..100)
                .map(|check| format!("FR{check:02}ZZZ{national}"))
                .find(|candidate| CreditorId::parse(candidate).is_ok())
                .expect("some check digits fit")
        })
        .collect()
}

/// Best of ROUNDS, in values per second.
fn measure(values: &[String], parse: impl Fn(&str) -> bool) -> f64 {
    (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            let valid = values.iter().filter(|v| parse(black_box(v))).count();
            assert_eq!(valid, values.len());
            values.len() as f64 / started.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

fn main() {
    let ibans = ibans();
    let ids = creditor_ids();
    let ours = measure(&ibans, |v| Iban::parse(v).is_ok());
    let ceiling = measure(&ibans, |v| v.parse::<iban::Iban>().is_ok());
    let ics = measure(&ids, |v| CreditorId::parse(v).is_ok());
    println!("| parser | values | values/s (best of {ROUNDS}) | vs ceiling |");
    println!("|---|---|---|---|");
    println!(
        "| `Iban::parse` | {VALUES} | {ours:.0} | {:.2} |",
        ours / ceiling
    );
    println!("| `iban_validate` alone (ceiling) | {VALUES} | {ceiling:.0} | 1.00 |");
    println!("| `CreditorId::parse` | {VALUES} | {ics:.0} | — |");
}
