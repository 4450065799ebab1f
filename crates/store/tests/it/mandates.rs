use jiff::civil::{Date, date};
use prelevo_domain::{
    Amendment, Bic, CustomerCode, DebtorAccount, DebtorAddress, Iban, Mandate, MandateId,
    MandateKind, MandateRef, MandateStatus, OriginalAccount, Scheme, SignatureMethod,
};
use prelevo_store::{MandateFilter, Position, StoreError, Tally, TenantStore};
use prelevo_testkit::{TestStore, french_iban, on_both_engines};

use crate::customers::customer;
use crate::{creditor, t0};

pub fn mandate(
    n: u32,
    customer: &prelevo_domain::Customer,
    reference: Option<&str>,
    signed_on: Date,
) -> Mandate {
    Mandate {
        id: MandateId::from_body(&format!("{n:032}")).unwrap(),
        customer_id: customer.id.clone(),
        reference: reference.map(|r| MandateRef::parse(r).unwrap()),
        scheme: Scheme::Core,
        kind: MandateKind::Recurrent,
        status: if reference.is_some() {
            MandateStatus::Active
        } else {
            MandateStatus::PendingReference
        },
        debtor: DebtorAccount {
            name: customer.details.display_name(),
            iban: french_iban(n),
            bic: None,
        },
        debtor_address: DebtorAddress {
            line1: Some("12 rue des Lilas".into()),
            postal_code: Some("75011".into()),
            city: Some("Paris".into()),
            country: Some("FR".into()),
            ..DebtorAddress::default()
        },
        signed_on,
        signature_place: Some("Paris".into()),
        signature_method: SignatureMethod::Paper,
        first_collection_pending: true,
        last_collection_on: None,
        amendment: Amendment::default(),
        revocation: None,
        expired_on: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

/// A creditor with customers C-001 (Martin) and C-002 (Durand).
fn setup(
    store: &TestStore,
) -> (
    TenantStore,
    prelevo_domain::Customer,
    prelevo_domain::Customer,
) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let martin = customer("C-001", "Martin", 1);
    let durand = customer("C-002", "Durand", 2);
    tenant
        .write(|tx| {
            tx.insert_customer(&martin)?;
            tx.insert_customer(&durand)
        })
        .unwrap();
    (tenant, martin, durand)
}

fn a_mandate_reads_back_identically(store: &TestStore) {
    let (tenant, martin, _) = setup(store);
    let mut m = mandate(1, &martin, Some("RUM-2026-000001"), date(2026, 1, 5));
    m.debtor.bic = Some(Bic::parse("AGRIFRPP").unwrap());
    m.amendment = Amendment {
        original_reference: Some(MandateRef::parse("OLD-1").unwrap()),
        original_debtor_name: Some("Zoé Dupont".into()),
        original_account: Some(OriginalAccount::Smnda),
        original_debtor_agent: Some(Bic::parse("PSSTFRPP").unwrap()),
    };
    m.last_collection_on = Some(date(2026, 2, 1));
    tenant.write(|tx| tx.insert_mandate(&m)).unwrap();
    assert_eq!(tenant.read(|tx| tx.mandate(&m.id)).unwrap(), m);
    m.revoke("debtor's request", t0()).unwrap();
    m.amendment.original_account = Some(OriginalAccount::Iban(french_iban(9)));
    tenant.write(|tx| tx.save_mandate(&m)).unwrap();
    assert_eq!(tenant.read(|tx| tx.mandate(&m.id)).unwrap(), m);
    let by_reference = tenant
        .read(|tx| tx.mandate_by_reference(&MandateRef::parse("RUM-2026-000001").unwrap()))
        .unwrap();
    assert_eq!(by_reference, Some(m));
}

fn references_are_unique_but_pending_ones_may_wait_together(store: &TestStore) {
    let (tenant, martin, durand) = setup(store);
    tenant
        .write(|tx| {
            tx.insert_mandate(&mandate(1, &martin, Some("RUM-1"), date(2026, 1, 5)))?;
            tx.insert_mandate(&mandate(2, &martin, None, date(2026, 1, 5)))?;
            tx.insert_mandate(&mandate(3, &durand, None, date(2026, 1, 5)))
        })
        .unwrap();
    let again =
        tenant.write(|tx| tx.insert_mandate(&mandate(4, &durand, Some("RUM-1"), date(2026, 1, 5))));
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict {
                entity: "mandate",
                ..
            })
        ),
        "{again:?}"
    );
}

fn the_seed_s_searches(store: &TestStore) {
    let (tenant, martin, durand) = setup(store);
    tenant
        .write(|tx| {
            tx.insert_mandate(&mandate(
                1,
                &martin,
                Some("RUM-2026-000001"),
                date(2026, 1, 5),
            ))?;
            tx.insert_mandate(&mandate(
                2,
                &martin,
                Some("RUM-2026-000002"),
                date(2026, 3, 1),
            ))?;
            tx.insert_mandate(&mandate(3, &durand, Some("OTHER-1"), date(2026, 6, 1)))?;
            tx.insert_mandate(&mandate(4, &durand, None, date(2026, 6, 2)))
        })
        .unwrap();
    let references = |filter: MandateFilter| {
        tenant
            .read(|tx| tx.mandates(&filter, Position::Start, 10))
            .unwrap()
            .into_iter()
            .map(|m| {
                m.mandate
                    .reference
                    .map_or_else(|| "pending".to_owned(), |r| r.to_string())
            })
            .collect::<Vec<_>>()
    };
    let by_code = MandateFilter {
        customer_code: Some("C-001".into()),
        ..MandateFilter::default()
    };
    assert_eq!(references(by_code), ["RUM-2026-000002", "RUM-2026-000001"]);
    let by_reference = MandateFilter {
        reference: Some("RUM-2026".into()),
        ..MandateFilter::default()
    };
    assert_eq!(
        tenant.read(|tx| tx.count_mandates(&by_reference)).unwrap(),
        2
    );
    let lower_case = MandateFilter {
        reference: Some(" rum-2026-000001".into()),
        ..MandateFilter::default()
    };
    assert_eq!(references(lower_case), ["RUM-2026-000001"], "any case");
    let underscore = MandateFilter {
        reference: Some("OTHER-".into()),
        ..MandateFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_mandates(&underscore)).unwrap(), 1);
    let literal = MandateFilter {
        reference: Some("RUM_".into()),
        ..MandateFilter::default()
    };
    assert_eq!(
        tenant.read(|tx| tx.count_mandates(&literal)).unwrap(),
        0,
        "_ is no wildcard"
    );
    let by_name = MandateFilter {
        name: Some("durAND".into()),
        ..MandateFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_mandates(&by_name)).unwrap(), 2);
    let tally =
        |filter: &MandateFilter, cap| tenant.read(|tx| tx.tally_mandates(filter, cap)).unwrap();
    assert_eq!(tally(&by_name, 2), Tally::Exact(2));
    assert_eq!(tally(&by_name, 1), Tally::MoreThan(1));
    assert_eq!(tally(&MandateFilter::default(), 3), Tally::MoreThan(3));
    let unknown_customer = MandateFilter {
        customer_code: Some("C-404".into()),
        ..MandateFilter::default()
    };
    assert_eq!(tally(&unknown_customer, 3), Tally::Exact(0));
    let last4 = french_iban(3).last4().to_owned();
    let by_iban = MandateFilter {
        iban_last4: Some(last4),
        ..MandateFilter::default()
    };
    assert_eq!(references(by_iban), ["OTHER-1"]);
    let pending = MandateFilter {
        status: Some(MandateStatus::PendingReference),
        ..MandateFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_mandates(&pending)).unwrap(), 1);
    let spring = MandateFilter {
        signed_from: Some(date(2026, 3, 1)),
        signed_to: Some(date(2026, 6, 1)),
        ..MandateFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_mandates(&spring)).unwrap(), 2);
    let of_durand = MandateFilter {
        customer_id: Some(durand.id.clone()),
        ..MandateFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_mandates(&of_durand)).unwrap(), 2);
    let first = tenant
        .read(|tx| tx.mandates(&MandateFilter::default(), Position::Start, 2))
        .unwrap();
    let rest = tenant
        .read(|tx| {
            tx.mandates(
                &MandateFilter::default(),
                Position::After(first[1].mandate.id.clone()),
                2,
            )
        })
        .unwrap();
    assert_eq!(first.len() + rest.len(), 4);
    assert!(rest.iter().all(|m| m.mandate.id < first[1].mandate.id));
}

fn dormancy_candidates_cross_the_boundary_day(store: &TestStore) {
    let (tenant, martin, _) = setup(store);
    let mut used = mandate(1, &martin, Some("RUM-1"), date(2020, 1, 10));
    used.last_collection_on = Some(date(2023, 3, 15));
    let never_used = mandate(2, &martin, Some("RUM-2"), date(2023, 3, 20));
    let pending = mandate(3, &martin, None, date(2020, 1, 1));
    tenant
        .write(|tx| {
            tx.insert_mandate(&used)?;
            tx.insert_mandate(&never_used)?;
            tx.insert_mandate(&pending)
        })
        .unwrap();
    let dormant_on = |today: Date| {
        tenant
            .read(|tx| tx.dormancy_candidates(today, 100))
            .unwrap()
            .into_iter()
            .filter_map(|mut m| {
                m.expire_if_dormant(today)
                    .unwrap()
                    .then_some(m.reference.unwrap().to_string())
            })
            .collect::<Vec<_>>()
    };
    assert!(dormant_on(date(2026, 3, 14)).is_empty());
    assert_eq!(dormant_on(date(2026, 3, 15)), ["RUM-1"]);
    assert_eq!(dormant_on(date(2026, 3, 20)), ["RUM-1", "RUM-2"]);
    // The oldest come first, whatever their ids: the month-end margin's
    // rows (maybe not due yet) end a batch, never start it.
    let mut oldest = mandate(4, &martin, Some("RUM-4"), date(2019, 5, 1));
    oldest.last_collection_on = Some(date(2022, 12, 1));
    tenant.write(|tx| tx.insert_mandate(&oldest)).unwrap();
    let first = tenant
        .read(|tx| tx.dormancy_candidates(date(2026, 3, 20), 1))
        .unwrap();
    assert_eq!(first[0].reference.as_ref().unwrap().as_str(), "RUM-4");
}

fn another_creditor_cannot_reach_a_mandate(store: &TestStore) {
    let (tenant, martin, _) = setup(store);
    let (_, globex) = creditor(store, "Globex", 2);
    let m = mandate(1, &martin, Some("RUM-1"), date(2020, 1, 10));
    tenant.write(|tx| tx.insert_mandate(&m)).unwrap();
    assert!(matches!(
        globex.read(|tx| tx.mandate(&m.id)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        globex
            .read(|tx| tx.mandate_by_reference(m.reference.as_ref().unwrap()))
            .unwrap(),
        None
    );
    let mut forged = m.clone();
    forged.debtor.iban = Iban::parse("FR7630006000011234567890189").unwrap();
    assert!(matches!(
        globex.write(|tx| tx.save_mandate(&forged)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        globex
            .read(|tx| tx.count_mandates(&MandateFilter::default()))
            .unwrap(),
        0
    );
    let by_code = MandateFilter {
        customer_code: Some("C-001".into()),
        ..MandateFilter::default()
    };
    assert_eq!(globex.read(|tx| tx.count_mandates(&by_code)).unwrap(), 0);
    assert!(
        globex
            .read(|tx| tx.dormancy_candidates(date(2030, 1, 1), 10))
            .unwrap()
            .is_empty()
    );
    assert_eq!(tenant.read(|tx| tx.mandate(&m.id)).unwrap(), m);
}

/// An import's batch: several rows per statement, read back by key, and a
/// batch with one taken reference stores nothing; another creditor reads
/// none of them.
fn batches_are_written_whole_and_read_by_key(store: &TestStore) {
    let (tenant, martin, _) = setup(store);
    let (_, globex) = creditor(store, "Globex", 2);
    let nina = customer("C-003", "Petit", 3);
    let noe = customer("C-004", "Blanc", 4);
    tenant
        .write(|tx| tx.insert_customers(&[nina.clone(), noe.clone()]))
        .unwrap();
    let first = mandate(5, &nina, Some("RUM-B1"), date(2026, 1, 5));
    let pending = mandate(6, &noe, None, date(2026, 1, 6));
    tenant
        .write(|tx| tx.insert_mandates(&[first.clone(), pending.clone()]))
        .unwrap();
    assert_eq!(tenant.read(|tx| tx.mandate(&pending.id)).unwrap(), pending);
    let references = [
        MandateRef::parse("RUM-B1").unwrap(),
        MandateRef::parse("RUM-NONE").unwrap(),
    ];
    assert_eq!(
        tenant
            .read(|tx| tx.mandates_by_references(&references))
            .unwrap(),
        std::slice::from_ref(&first)
    );
    let codes = [
        CustomerCode::parse("C-003").unwrap(),
        CustomerCode::parse("C-404").unwrap(),
    ];
    assert_eq!(
        tenant.read(|tx| tx.customers_by_codes(&codes)).unwrap(),
        std::slice::from_ref(&nina)
    );

    let fresh = mandate(7, &martin, Some("RUM-B2"), date(2026, 1, 7));
    let taken = mandate(8, &martin, Some("RUM-B1"), date(2026, 1, 7));
    let refused = tenant.write(|tx| tx.insert_mandates(&[fresh.clone(), taken]));
    assert!(
        matches!(
            refused,
            Err(StoreError::Conflict {
                entity: "mandate",
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(matches!(
        tenant.read(|tx| tx.mandate(&fresh.id)),
        Err(StoreError::NotFound { .. })
    ));
    let twin = customer("C-003", "Autre", 9);
    assert!(matches!(
        tenant.write(|tx| tx.insert_customers(std::slice::from_ref(&twin))),
        Err(StoreError::Conflict {
            entity: "customer",
            ..
        })
    ));

    assert!(
        globex
            .read(|tx| tx.mandates_by_references(&references))
            .unwrap()
            .is_empty()
    );
    assert!(
        globex
            .read(|tx| tx.customers_by_codes(&codes))
            .unwrap()
            .is_empty()
    );
}

/// The references a page of `tenant`'s mandates shows, by mandate id.
fn listed_codes(tenant: &TenantStore) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = tenant
        .read(|tx| tx.mandates(&MandateFilter::default(), Position::Start, 50))
        .unwrap()
        .into_iter()
        .map(|l| (l.mandate.id.to_string(), l.customer_code))
        .collect();
    listed.sort();
    listed
}

fn a_mandate_list_shows_the_customer_s_current_reference(store: &TestStore) {
    let (tenant, mut martin, durand) = setup(store);
    let one = mandate(1, &martin, Some("RUM-L1"), date(2026, 1, 5));
    let two = mandate(2, &durand, Some("RUM-L2"), date(2026, 1, 5));
    let three = mandate(3, &martin, None, date(2026, 1, 6));
    tenant
        .write(|tx| {
            tx.insert_mandate(&one)?;
            tx.insert_mandates(&[two.clone(), three.clone()])
        })
        .unwrap();
    let id = |m: &Mandate| m.id.to_string();
    assert_eq!(
        listed_codes(&tenant),
        vec![
            (id(&one), "C-001".to_owned()),
            (id(&two), "C-002".to_owned()),
            (id(&three), "C-001".to_owned()),
        ]
    );

    martin.code = CustomerCode::parse("CRM-9001").unwrap();
    tenant.write(|tx| tx.save_customer(&martin)).unwrap();
    assert_eq!(
        listed_codes(&tenant),
        vec![
            (id(&one), "CRM-9001".to_owned()),
            (id(&two), "C-002".to_owned()),
            (id(&three), "CRM-9001".to_owned()),
        ]
    );
    let by_new_code = MandateFilter {
        customer_code: Some("CRM-9001".into()),
        ..MandateFilter::default()
    };
    assert_eq!(
        tenant
            .read(|tx| tx.mandates(&by_new_code, Position::Start, 50))
            .unwrap()
            .len(),
        2
    );
}

on_both_engines!(
    a_mandate_list_shows_the_customer_s_current_reference,
    batches_are_written_whole_and_read_by_key,
    a_mandate_reads_back_identically,
    references_are_unique_but_pending_ones_may_wait_together,
    the_seed_s_searches,
    dormancy_candidates_cross_the_boundary_day,
    another_creditor_cannot_reach_a_mandate,
);
