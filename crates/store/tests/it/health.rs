//! The health filter of the customer list is SQL; the health itself is
//! the domain's function. These tests prove the two agree on every kind of
//! payment method, card expiry and last outcome, on several days.

use jiff::civil::{Date, date};
use prelevo_domain::{
    CardDeletion, CardStatus, Health, LastOutcome, MandateStatus, PaymentMethodRef, ReasonCode,
    Revocation, health,
};
use prelevo_store::{CustomerFilter, Position, TenantStore};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::card_aliases::alias;
use crate::customers::customer;
use crate::mandates::mandate;
use crate::{creditor, t0};

/// One customer per payment method × last outcome; the cards expire from
/// October 2026 to March 2027.
fn every_kind_of_customer(tenant: &TenantStore) {
    let outcomes = [
        LastOutcome::Unknown,
        LastOutcome::Succeeded,
        LastOutcome::Failed(ReasonCode::parse("AM04").unwrap()),
        LastOutcome::Failed(ReasonCode::parse("AC04").unwrap()),
        LastOutcome::Failed(ReasonCode::parse("AM05").unwrap()),
    ];
    let mut n = 0;
    tenant
        .write(|tx| {
            for outcome in outcomes {
                let methods = 2 + 4 + 6 + 3;
                for method in 0..methods {
                    n += 1;
                    let mut c = customer(&format!("C-{n:03}"), "Martin", i64::from(n));
                    c.last_outcome = outcome;
                    match method {
                        0 => c.payment_method = PaymentMethodRef::None,
                        1 => c.payment_method = PaymentMethodRef::Manual,
                        2..=5 => {
                            let mut m = mandate(n, &c, Some(&format!("RUM-{n}")), date(2026, 1, 5));
                            m.status = [
                                MandateStatus::Active,
                                MandateStatus::PendingReference,
                                MandateStatus::Revoked,
                                MandateStatus::Expired,
                            ][usize::try_from(method - 2).unwrap()];
                            if m.status == MandateStatus::PendingReference {
                                m.reference = None;
                            }
                            if m.status == MandateStatus::Revoked {
                                m.revocation = Some(Revocation {
                                    at: t0(),
                                    reason: "closed".into(),
                                });
                            }
                            if m.status == MandateStatus::Expired {
                                m.expired_on = Some(date(2026, 11, 1));
                            }
                            c.payment_method = PaymentMethodRef::Mandate(m.id.clone());
                            tx.insert_customer(&c)?;
                            tx.insert_mandate(&m)?;
                            continue;
                        }
                        _ => {
                            let offset = i64::from(method) - 6;
                            let (month, year) = if offset < 3 {
                                (10 + offset, 2026)
                            } else {
                                (offset - 2, 2027)
                            };
                            let mut card = alias(n, &c, month.min(12), year);
                            if method >= 12 {
                                card.expiry = alias(n, &c, 1, 2027).expiry;
                                card.status = CardStatus::Deleted(
                                    [
                                        CardDeletion::ByCreditor,
                                        CardDeletion::ByPlatform,
                                        CardDeletion::Expired,
                                    ][usize::try_from(method - 12).unwrap()],
                                );
                                card.deleted_at = Some(t0());
                            }
                            c.payment_method = PaymentMethodRef::Card(card.id.clone());
                            tx.insert_customer(&c)?;
                            tx.insert_card_alias(&card)?;
                            continue;
                        }
                    }
                    tx.insert_customer(&c)?;
                }
            }
            Ok::<_, prelevo_store::StoreError>(())
        })
        .unwrap();
}

fn the_health_filter_is_the_domain_s_health(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    every_kind_of_customer(&tenant);
    let everyone = tenant
        .read(|tx| tx.customers(&CustomerFilter::default(), Position::Start, 500))
        .unwrap();
    assert_eq!(everyone.len(), 75);
    let days: [Date; 4] = [
        date(2026, 11, 29),
        date(2026, 12, 1),
        date(2027, 1, 31),
        date(2027, 3, 15),
    ];
    for today in days {
        let mut seen = 0;
        for wanted in Health::ALL {
            let expected: Vec<_> = everyone
                .iter()
                .filter(|c| health(c.method, c.customer.last_outcome, today) == wanted)
                .map(|c| c.customer.code.to_string())
                .collect();
            let filter = CustomerFilter {
                health: Some((wanted, today)),
                ..CustomerFilter::default()
            };
            let listed = tenant
                .read(|tx| tx.customers(&filter, Position::Start, 500))
                .unwrap();
            let codes: Vec<_> = listed.iter().map(|c| c.customer.code.to_string()).collect();
            assert_eq!(codes, expected, "{wanted:?} on {today}");
            assert!(listed.iter().all(|c| c.health(today) == wanted));
            assert_eq!(
                tenant.read(|tx| tx.count_customers(&filter)).unwrap(),
                i64::try_from(expected.len()).unwrap()
            );
            seen += expected.len();
        }
        assert_eq!(seen, everyone.len(), "every customer has one health");
    }
    // The single-customer read gives the same facts as the list.
    for listed in everyone.iter().take(20) {
        let facts = tenant
            .read(|tx| tx.payment_method_facts(&listed.customer))
            .unwrap();
        assert_eq!(facts, listed.method);
    }
}

on_both_engines!(the_health_filter_is_the_domain_s_health);
