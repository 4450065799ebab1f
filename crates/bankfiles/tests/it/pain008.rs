//! The pain.008 writer through its public API: files of both versions valid
//! against the official schemas, texts converted to the SEPA set and cut,
//! declared counts and sums enforced, a golden file for a small message,
//! and any set of collections appearing once each under the right sum.

use std::path::Path;

use jiff::civil::{date, datetime};
use prelevo_bankfiles::{
    Collection, CreditorParty, MessageHeader, Pain008Error, Pain008Version, Pain008Writer,
    PaymentBlock, Totals,
};
use prelevo_domain::{
    Amendment, Bic, CreditorId, Currency, DebtorAccount, EndToEndId, Iban, MandateRef, Money,
    OriginalAccount, Scheme, SequenceType,
};
use proptest::prelude::*;

use crate::schemas::validate;

fn eur(cents: i64) -> Money {
    Money::from_minor(cents, Currency::EUR)
}

fn totals(transactions: u64, cents: i64) -> Totals {
    Totals {
        transactions,
        control_sum: eur(cents),
    }
}

fn creditor(bic: bool) -> CreditorParty {
    CreditorParty {
        name: "Prélèvo Démo SAS".into(),
        iban: Iban::parse("FR7630004008230001234567819").unwrap(),
        bic: bic.then(|| Bic::parse("BNPAFRPP").unwrap()),
        identifier: CreditorId::parse("FR57ZZZ5A8C21").unwrap(),
    }
}

fn block(id: &str, sequence: SequenceType, totals: Totals) -> PaymentBlock {
    PaymentBlock {
        id: id.into(),
        scheme: Scheme::Core,
        sequence,
        collection_date: date(2027, 1, 6),
        batch_booking: true,
        creditor: creditor(true),
        totals,
    }
}

fn collection(n: u32, cents: i64) -> Collection {
    Collection {
        end_to_end_id: EndToEndId::parse(&format!("E2E-2027-{n:06}")).unwrap(),
        amount: eur(cents),
        mandate: MandateRef::parse(&format!("RUM-2026-{n:06}")).unwrap(),
        signed_on: date(2026, 3, 14),
        amendment: Amendment::default(),
        debtor: DebtorAccount {
            name: format!("Débiteur n° {n}"),
            iban: Iban::parse("FR7610107001010071234567831").unwrap(),
            bic: None,
        },
        remittance: Some("Abonnement janvier 2027".into()),
    }
}

fn header(transactions: u64, cents: i64) -> MessageHeader {
    MessageHeader {
        message_id: "PRLV-20270104-000001".into(),
        created_at: datetime(2027, 1, 4, 9, 30, 0, 0),
        initiating_party: "Prélèvo Démo SAS".into(),
        totals: totals(transactions, cents),
    }
}

/// A small file: a FRST block with an amended mandate (new bank, new
/// reference, new name) and a RCUR block with long, accented texts.
fn small_file(version: Pain008Version) -> String {
    let mut first = collection(1, 2990);
    first.amendment = Amendment {
        original_reference: Some(MandateRef::parse("OLD-RUM-17").unwrap()),
        original_debtor_name: Some("Zoé Martin".into()),
        original_account: Some(OriginalAccount::Smnda),
        original_debtor_agent: None,
    };
    first.debtor = DebtorAccount {
        name: "Zoé Lefèvre-Straße".into(),
        iban: Iban::parse("FR1420041010050500013M02606").unwrap(),
        bic: Some(Bic::parse("SOGEFRPP").unwrap()),
    };
    let mut second = collection(2, 1500);
    second.debtor.name = "Ø".repeat(80);
    let mut third = collection(3, 1);
    third.debtor.name = "L'Atelier d'Ève & <Fils>".into();
    second.remittance = Some(format!("Facture n° 42 – {}", "é".repeat(200)));
    third.amendment.original_account = Some(OriginalAccount::Iban(
        Iban::parse("FR7630004008230001234567819").unwrap(),
    ));

    let mut out = Pain008Writer::start(Vec::new(), version, &header(3, 4491)).unwrap();
    out.begin_block(&block("PRLV-1", SequenceType::Frst, totals(1, 2990)))
        .unwrap();
    out.collection(&first).unwrap();
    out.end_block().unwrap();
    out.begin_block(&block("PRLV-2", SequenceType::Rcur, totals(2, 1501)))
        .unwrap();
    out.collection(&second).unwrap();
    out.collection(&third).unwrap();
    out.end_block().unwrap();
    String::from_utf8(out.finish().unwrap()).unwrap()
}

fn validated(xml: &str, version: Pain008Version) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.xml");
    std::fs::write(&file, xml).unwrap();
    assert_eq!(validate(&file, version.as_str()), Ok(()), "{xml}");
}

#[test]
fn files_of_both_versions_are_valid_and_carry_every_field() {
    for version in [Pain008Version::V02, Pain008Version::V08] {
        let xml = small_file(version);
        validated(&xml, version);
        // The file is indented; its elements are compared without it.
        let flat: String = xml.lines().map(str::trim).collect();
        for expected in [
            "<Nm>Prelevo Demo SAS</Nm>".to_owned(),
            "<Nm>Zoe Lefevre-Strasse</Nm>".to_owned(),
            format!("<Nm>{}</Nm>", "O".repeat(70)),
            "<NbOfTxs>3</NbOfTxs><CtrlSum>44.91</CtrlSum>".to_owned(),
            "<OrgnlMndtId>OLD-RUM-17</OrgnlMndtId>".to_owned(),
            "<Nm>L'Atelier d'Eve + (Fils)</Nm>".to_owned(),
            "<OrgnlDbtr><Nm>Zoe Martin</Nm></OrgnlDbtr>".to_owned(),
            "<OrgnlDbtrAcct><Id><Othr><Id>SMNDA</Id></Othr></Id></OrgnlDbtrAcct>".to_owned(),
            "<OrgnlDbtrAcct><Id><IBAN>FR7630004008230001234567819</IBAN></Id></OrgnlDbtrAcct>"
                .to_owned(),
        ] {
            assert!(flat.contains(&expected), "{version:?}: {expected}");
        }
        let remittance = flat
            .split("<Ustrd>")
            .nth(2)
            .and_then(|rest| rest.split("</Ustrd>").next())
            .unwrap();
        assert_eq!(remittance.chars().count(), 140, "{remittance}");
        assert!(
            remittance.starts_with("Facture n. 42 - eeee"),
            "{remittance}"
        );
    }
}

#[test]
fn a_small_file_matches_its_golden_copy() {
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-pain.008.001.02.xml");
    let written = small_file(Pain008Version::V02);
    if std::env::var_os("PRELEVO_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &written).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(written, expected, "PRELEVO_UPDATE_GOLDEN=1 rewrites it");
}

#[test]
fn declared_counts_and_sums_are_enforced() {
    let mut out = Pain008Writer::start(Vec::new(), Pain008Version::V02, &header(2, 3000)).unwrap();
    out.begin_block(&block("B-1", SequenceType::Rcur, totals(2, 3000)))
        .unwrap();
    out.collection(&collection(1, 1000)).unwrap();
    let refused = out.end_block().unwrap_err();
    assert_eq!(
        refused.to_string(),
        "PmtInf B-1 declares 2 transactions for 30.00 but holds 1 transactions for 10.00"
    );

    let mut out = Pain008Writer::start(Vec::new(), Pain008Version::V08, &header(2, 3000)).unwrap();
    out.begin_block(&block("B-1", SequenceType::Rcur, totals(1, 1000)))
        .unwrap();
    out.collection(&collection(1, 1000)).unwrap();
    out.end_block().unwrap();
    assert!(matches!(
        out.finish(),
        Err(Pain008Error::Mismatch { part, .. }) if part == "GrpHdr"
    ));
}

#[test]
fn amounts_and_call_order_are_checked() {
    let mut out = Pain008Writer::start(Vec::new(), Pain008Version::V02, &header(1, 100)).unwrap();
    assert!(matches!(
        out.collection(&collection(1, 100)),
        Err(Pain008Error::Order(_))
    ));
    assert!(matches!(out.end_block(), Err(Pain008Error::Order(_))));
    out.begin_block(&block("B-1", SequenceType::Ooff, totals(1, 100)))
        .unwrap();
    assert!(matches!(
        out.begin_block(&block("B-2", SequenceType::Ooff, totals(1, 100))),
        Err(Pain008Error::Order(_))
    ));
    let mut zero = collection(1, 0);
    assert_eq!(
        out.collection(&zero).unwrap_err().to_string(),
        "collection E2E-2027-000001: the amount must be more than zero"
    );
    zero.amount = eur(100_000_000_000);
    assert_eq!(
        out.collection(&zero).unwrap_err().to_string(),
        "collection E2E-2027-000001: a SEPA collection is at most 999999999.99 EUR"
    );
    zero.amount = Money::from_minor(100, Currency::parse("CHF").unwrap());
    assert!(matches!(
        out.collection(&zero),
        Err(Pain008Error::Amount { .. })
    ));
    assert!(matches!(out.finish(), Err(Pain008Error::Order(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the collections and however they are split into blocks,
    /// each appears exactly once and every `CtrlSum` is the sum of its
    /// amounts.
    #[test]
    fn every_collection_once_under_the_right_sums(
        amounts in prop::collection::vec(1i64..=99_999_999_999, 1..40),
        split in 1usize..5,
    ) {
        let blocks: Vec<&[i64]> = amounts.chunks(amounts.len().div_ceil(split)).collect();
        let sum: i64 = amounts.iter().sum();
        let mut out = Pain008Writer::start(
            Vec::new(),
            Pain008Version::V08,
            &header(amounts.len() as u64, sum),
        ).unwrap();
        let mut n = 0;
        for (b, chunk) in blocks.iter().enumerate() {
            let block_sum: i64 = chunk.iter().sum();
            out.begin_block(&block(&format!("B-{b}"), SequenceType::Rcur, totals(chunk.len() as u64, block_sum))).unwrap();
            for cents in *chunk {
                n += 1;
                out.collection(&collection(n, *cents)).unwrap();
            }
            out.end_block().unwrap();
        }
        let xml = String::from_utf8(out.finish().unwrap()).unwrap();
        prop_assert_eq!(xml.matches("<DrctDbtTxInf>").count(), amounts.len());
        for i in 1..=n {
            let id = format!("<EndToEndId>E2E-2027-{i:06}</EndToEndId>");
            prop_assert_eq!(xml.matches(&id).count(), 1);
        }
        let header_sum = format!("<CtrlSum>{}</CtrlSum>", eur(sum).to_decimal_string());
        prop_assert!(xml.contains(&header_sum));
        for chunk in &blocks {
            let block_sum = format!("<CtrlSum>{}</CtrlSum>", eur(chunk.iter().sum()).to_decimal_string());
            prop_assert!(xml.contains(&block_sum));
        }
    }
}

#[test]
fn ten_thousand_collections_in_many_blocks_are_valid() {
    for version in [Pain008Version::V02, Pain008Version::V08] {
        let per_block = 200;
        let blocks = 50;
        let cents = |n: u32| i64::from(n % 9_973) + 1;
        let total: i64 = (1..=per_block * blocks).map(cents).sum();
        let count = u64::from(per_block * blocks);
        let mut out = Pain008Writer::start(Vec::new(), version, &header(count, total)).unwrap();
        let mut n = 0;
        for b in 0..blocks {
            let first = n + 1;
            let last = n + per_block;
            let block_sum: i64 = (first..=last).map(cents).sum();
            let mut next = block(
                &format!("B-{b}"),
                SequenceType::Rcur,
                totals(u64::from(per_block), block_sum),
            );
            if b % 2 == 1 {
                next.scheme = Scheme::B2b;
                next.creditor = creditor(false);
            }
            next.sequence = [
                SequenceType::Frst,
                SequenceType::Rcur,
                SequenceType::Ooff,
                SequenceType::Fnal,
            ][b as usize % 4];
            out.begin_block(&next).unwrap();
            for k in first..=last {
                out.collection(&collection(k, cents(k))).unwrap();
            }
            n = last;
            out.end_block().unwrap();
        }
        let xml = String::from_utf8(out.finish().unwrap()).unwrap();
        assert_eq!(xml.matches("<DrctDbtTxInf>").count(), 10_000);
        assert_eq!(xml.matches("<Cd>B2B</Cd>").count(), 25);
        assert_eq!(xml.matches("<SeqTp>FNAL</SeqTp>").count(), 12);
        validated(&xml, version);
    }
}
