//! Bulk rows for benchmarks: a creditor with N customers and N mandates
//! whose keys (codes, UMRs, IBAN endings, names) vary like real ones, the
//! same on both engines.

use std::time::{Duration, Instant};

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use prelevo_domain::{
    Amendment, Civility, Customer, CustomerCode, CustomerDetails, CustomerId, CustomerStatus,
    DebtorAccount, DebtorAddress, Iban, LastOutcome, Mandate, MandateId, MandateKind, MandateRef,
    MandateStatus, PaymentMethodRef, Scheme, SignatureMethod,
};
use prelevo_domain::{
    CollectionDay, Currency, Frequency, Instrument, Money, PaymentKind, Plan, PlanEnd, PlanId,
    PlanStatus, Schedule, SepaText,
};
use prelevo_store::{Store, TenantStore};

use crate::new_creditor;

const NAMES: [&str; 8] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
];

/// A French IBAN whose last four characters vary like real ones (about
/// ten thousand values), unlike a sequence number's.
pub fn bulk_iban(n: u32) -> Iban {
    let bban = format!("30006{:05}{n:011}{:02}", n % 100_000, n % 97);
    (2..100)
        .find_map(|check| Iban::parse(&format!("FR{check:02}{bban}")).ok())
        .unwrap()
}

fn t0() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

/// Customer `n` (code `C-{n:07}`, id body `n` on 32 digits), paying by
/// mandate `n`.
pub fn bulk_customer(n: u32) -> Customer {
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

/// Mandate `n` of `customer` (UMR `RUM-{n:08}`); one in ten revoked.
pub fn bulk_mandate(n: u32, customer: &Customer) -> Mandate {
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
            iban: bulk_iban(n),
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

/// Plan `n` on mandate `mandate`: monthly on the 2nd from 1 December 2026,
/// open-ended, an amount that varies.
pub fn bulk_plan(n: u32, mandate: &Mandate) -> Plan {
    Plan {
        id: PlanId::from_body(&format!("{n:032}")).unwrap(),
        reference: None,
        customer_id: mandate.customer_id.clone(),
        kind: PaymentKind::SepaDirectDebit,
        instrument: Instrument::Mandate(mandate.id.clone()),
        amount: Money::from_minor(1_000 + i64::from(n % 99_000), Currency::EUR),
        schedule: Schedule::new(
            Frequency::Monthly,
            CollectionDay::new(2).unwrap(),
            date(2026, 12, 1),
            PlanEnd::OpenEnded,
        )
        .unwrap(),
        remittance: Some(SepaText::convert(&format!("Abonnement {n:07}"), 140)),
        status: PlanStatus::Active,
        next_index: 0,
        created_count: 0,
        stop: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

/// A new creditor with `rows` customers and as many mandates, written in
/// transactions of 5 000; answers its handle and the time the load took.
/// A database that already holds the bench's creditor (a kept database,
/// loaded by an earlier run with the same `rows`) is used as it is.
pub fn populate(store: &Store, rows: u32) -> (TenantStore, Duration) {
    let loaded = store.list_creditors().unwrap();
    if let Some(kept) = loaded.iter().find(|c| c.name.as_str() == "Bench") {
        return (store.tenant(kept.id.clone()), Duration::ZERO);
    }
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
                    let c = bulk_customer(i);
                    tx.insert_customer(&c)?;
                    tx.insert_mandate(&bulk_mandate(i, &c))?;
                }
                Ok::<_, prelevo_store::StoreError>(())
            })
            .unwrap();
        n = end;
    }
    (tenant, started.elapsed())
}

/// Random row numbers in `1..=rows`, the same sequence at every run and on
/// both engines (xorshift).
pub struct BulkKeys(u64);

impl Default for BulkKeys {
    fn default() -> Self {
        Self(0x9e37_79b9_7f4a_7c15)
    }
}

impl BulkKeys {
    /// The next row number.
    pub fn next(&mut self, rows: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        u32::try_from(self.0 % u64::from(rows)).unwrap_or(0) + 1
    }
}

/// The p50 and p99 of `times` (nearest rank).
pub fn p50_p99(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort_unstable();
    let at = |q: f64| {
        let rank = (q * times.len() as f64).ceil() as usize;
        times[rank.clamp(1, times.len()) - 1]
    };
    (at(0.50), at(0.99))
}
