use jiff::SignedDuration;
use prelevo_domain::{
    Civility, Customer, CustomerCode, CustomerDetails, CustomerId, CustomerStatus, EmailAddress,
    LastOutcome, MandateId, PaymentMethodRef, ReasonCode,
};
use prelevo_store::{CustomerFilter, ListedCustomer, Position, StoreError, Tally};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

/// A customer with code `code`, created `n` seconds after t0.
pub fn customer(code: &str, last_name: &str, n: i64) -> Customer {
    let at = t0() + SignedDuration::from_secs(n);
    Customer {
        // Time-ordered ids, as the app makes them.
        id: CustomerId::from_body(&format!("{n:032}")).unwrap(),
        code: CustomerCode::parse(code).unwrap(),
        details: CustomerDetails {
            civility: Civility::Mrs,
            last_name: Some(last_name.into()),
            first_name: Some("Zoé".into()),
            company: None,
            address: [Some("12 rue des Lilas".into()), None, None],
            postal_code: Some("75011".into()),
            city: Some("Paris".into()),
            country: Some("FR".into()),
            email: Some(EmailAddress::parse(&format!("{code}@example.fr")).unwrap()),
            phone: None,
            mobile: Some("+33 6 12 34 56 78".into()),
            language: None,
        },
        status: CustomerStatus::Active,
        payer_id: None,
        payment_method: PaymentMethodRef::None,
        last_outcome: LastOutcome::Unknown,
        created_at: at,
        updated_at: at,
    }
}

fn a_customer_reads_back_identically(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let mut zoe = customer("C-001", "Martin", 1);
    zoe.payment_method = PaymentMethodRef::Mandate(
        MandateId::from_body("0123456789abcdef0123456789abcdef").unwrap(),
    );
    zoe.last_outcome = LastOutcome::Failed(ReasonCode::parse("AM04").unwrap());
    tenant.write(|tx| tx.insert_customer(&zoe)).unwrap();
    let read = tenant.read(|tx| tx.customer(&zoe.id)).unwrap();
    assert_eq!(read, zoe);
    let by_code = tenant
        .read(|tx| tx.customer_by_code(&CustomerCode::parse("C-001").unwrap()))
        .unwrap();
    assert_eq!(by_code, Some(zoe));
}

fn a_code_is_unique_per_creditor(store: &TestStore) {
    let (_, acme) = creditor(store, "Acme", 1);
    let (_, globex) = creditor(store, "Globex", 2);
    acme.write(|tx| tx.insert_customer(&customer("C-001", "Martin", 1)))
        .unwrap();
    let again = acme.write(|tx| tx.insert_customer(&customer("C-001", "Durand", 2)));
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict {
                entity: "customer",
                ..
            })
        ),
        "{again:?}"
    );
    // Another creditor may use the same code.
    globex
        .write(|tx| tx.insert_customer(&customer("C-001", "Durand", 3)))
        .unwrap();
}

fn lists_filter_count_and_page(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    tenant
        .write(|tx| {
            for n in 1..=7 {
                let mut c = customer(
                    &format!("C-{n:03}"),
                    if n % 2 == 0 { "Martin" } else { "Durand" },
                    n,
                );
                if n == 7 {
                    c.status = CustomerStatus::Suspended;
                    c.payment_method = PaymentMethodRef::Manual;
                }
                tx.insert_customer(&c)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let all = CustomerFilter::default();
    let codes = |list: Vec<ListedCustomer>| {
        list.into_iter()
            .map(|c| c.customer.code.to_string())
            .collect::<Vec<_>>()
    };
    let first = tenant
        .read(|tx| tx.customers(&all, Position::Start, 3))
        .unwrap();
    assert_eq!(codes(first.clone()), ["C-007", "C-006", "C-005"]);
    let next = tenant
        .read(|tx| tx.customers(&all, Position::After(first[2].customer.id.clone()), 3))
        .unwrap();
    assert_eq!(codes(next.clone()), ["C-004", "C-003", "C-002"]);
    let back = tenant
        .read(|tx| tx.customers(&all, Position::Before(next[0].customer.id.clone()), 3))
        .unwrap();
    assert_eq!(codes(back), ["C-007", "C-006", "C-005"]);

    let martins = CustomerFilter {
        text: Some("MARTIN".into()),
        ..CustomerFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_customers(&martins)).unwrap(), 3);
    let tally =
        |filter: &CustomerFilter, cap| tenant.read(|tx| tx.tally_customers(filter, cap)).unwrap();
    assert_eq!(tally(&martins, 3), Tally::Exact(3));
    assert_eq!(tally(&martins, 2), Tally::MoreThan(2));
    let by_email = CustomerFilter {
        text: Some("c-005@example".into()),
        ..CustomerFilter::default()
    };
    assert_eq!(
        codes(
            tenant
                .read(|tx| tx.customers(&by_email, Position::Start, 10))
                .unwrap()
        ),
        ["C-005"]
    );
    let wildcard = CustomerFilter {
        text: Some("%".into()),
        ..CustomerFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_customers(&wildcard)).unwrap(), 0);
    let suspended = CustomerFilter {
        status: Some(CustomerStatus::Suspended),
        ..CustomerFilter::default()
    };
    assert_eq!(
        codes(
            tenant
                .read(|tx| tx.customers(&suspended, Position::Start, 10))
                .unwrap()
        ),
        ["C-007"]
    );
    let manual = CustomerFilter {
        payment_method: Some("manual".into()),
        ..CustomerFilter::default()
    };
    assert_eq!(tenant.read(|tx| tx.count_customers(&manual)).unwrap(), 1);
    let created = CustomerFilter {
        created_from: Some(t0() + SignedDuration::from_secs(2)),
        created_to: Some(t0() + SignedDuration::from_secs(4)),
        ..CustomerFilter::default()
    };
    assert_eq!(
        codes(
            tenant
                .read(|tx| tx.customers(&created, Position::Start, 10))
                .unwrap()
        ),
        ["C-003", "C-002"]
    );
}

fn payers_and_the_customers_they_pay_for(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let company = customer("ACME-SA", "Acme", 1);
    let mut employee = customer("E-1", "Martin", 2);
    employee.payer_id = Some(company.id.clone());
    tenant
        .write(|tx| {
            tx.insert_customer(&company)?;
            tx.insert_customer(&employee)
        })
        .unwrap();
    let paid = tenant.read(|tx| tx.paid_by(&company.id)).unwrap();
    assert_eq!(paid, vec![employee.clone()]);
    employee.status = CustomerStatus::StruckOff;
    employee.payer_id = None;
    tenant.write(|tx| tx.save_customer(&employee)).unwrap();
    assert!(
        tenant
            .read(|tx| tx.paid_by(&company.id))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tenant.read(|tx| tx.customer(&employee.id)).unwrap().status,
        CustomerStatus::StruckOff
    );
}

fn another_creditor_cannot_read_or_change_a_customer(store: &TestStore) {
    let (_, acme) = creditor(store, "Acme", 1);
    let (_, globex) = creditor(store, "Globex", 2);
    let zoe = customer("C-001", "Martin", 1);
    acme.write(|tx| tx.insert_customer(&zoe)).unwrap();
    assert!(matches!(
        globex.read(|tx| tx.customer(&zoe.id)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        globex.read(|tx| tx.customer_by_code(&zoe.code)).unwrap(),
        None
    );
    let mut forged = zoe.clone();
    forged.details.last_name = Some("Forged".into());
    assert!(matches!(
        globex.write(|tx| tx.save_customer(&forged)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        globex
            .read(|tx| tx.count_customers(&CustomerFilter::default()))
            .unwrap(),
        0
    );
    assert!(globex.read(|tx| tx.paid_by(&zoe.id)).unwrap().is_empty());
    assert_eq!(acme.read(|tx| tx.customer(&zoe.id)).unwrap(), zoe);
}

on_both_engines!(
    a_customer_reads_back_identically,
    a_code_is_unique_per_creditor,
    lists_filter_count_and_page,
    payers_and_the_customers_they_pay_for,
    another_creditor_cannot_read_or_change_a_customer,
);
