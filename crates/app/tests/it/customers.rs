use prelevo_app::AppError;
use prelevo_app::creditors::create_creditor;
use prelevo_app::customers::{
    CustomerInput, change_customer_status, create_customer, customer_file, update_customer,
};
use prelevo_domain::{CustomerEvent, CustomerStatus};
use prelevo_store::{Actor, AuditFilter, Position};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, fields_of, input, new_tenant};

fn zoe() -> CustomerInput {
    CustomerInput {
        code: Some(" C-001 ".into()),
        civility: Some("mrs".into()),
        last_name: Some("Martin".into()),
        first_name: Some("Zoé".into()),
        email: Some("zoe@example.fr".into()),
        country: Some("fr".into()),
        ..CustomerInput::default()
    }
}

fn a_customer_is_created_checked_and_audited(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let created = create_customer(&tenant, &clock(), &Actor::Cli, &zoe()).unwrap();
    assert_eq!(created.code.as_str(), "C-001");
    assert_eq!(created.details.country.as_deref(), Some("FR"));
    assert_eq!(created.status, CustomerStatus::Active);
    let events = tenant
        .read(|tx| {
            tx.audit_events(
                &AuditFilter {
                    entity: Some("customer".into()),
                    ..AuditFilter::default()
                },
                Position::Start,
                10,
            )
        })
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "created");

    let again = create_customer(&tenant, &clock(), &Actor::Cli, &zoe()).unwrap_err();
    assert!(
        matches!(again, AppError::Conflict(ref m) if m.contains("C-001")),
        "{again:?}"
    );

    let bad = CustomerInput {
        code: None,
        email: Some("not-an-email".into()),
        country: Some("ZZ".into()),
        civility: Some("dr".into()),
        ..zoe()
    };
    let mut fields = fields_of(create_customer(&tenant, &clock(), &Actor::Cli, &bad).unwrap_err());
    fields.sort();
    assert_eq!(fields, ["civility", "country", "email", "reference"]);
    let unnamed = CustomerInput {
        last_name: None,
        code: Some("C-002".into()),
        ..zoe()
    };
    assert_eq!(
        fields_of(create_customer(&tenant, &clock(), &Actor::Cli, &unnamed).unwrap_err()),
        ["last_name"]
    );
}

fn a_change_keeps_what_it_does_not_name(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let created = create_customer(&tenant, &clock(), &Actor::Cli, &zoe()).unwrap();
    let change = CustomerInput {
        city: Some("Lyon".into()),
        email: Some(String::new()),
        ..CustomerInput::default()
    };
    let changed = update_customer(&tenant, &clock(), &Actor::Cli, &created.id, &change).unwrap();
    assert_eq!(changed.details.city.as_deref(), Some("Lyon"));
    assert_eq!(changed.details.email, None, "an empty value clears");
    assert_eq!(changed.details.last_name.as_deref(), Some("Martin"));
    assert_eq!(changed.code, created.code);
}

fn a_struck_off_customer_refuses_every_change(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let created = create_customer(&tenant, &clock(), &Actor::Cli, &zoe()).unwrap();
    let suspended = change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &created.id,
        CustomerEvent::Suspend,
    )
    .unwrap();
    assert_eq!(suspended.status, CustomerStatus::Suspended);
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &created.id,
        CustomerEvent::StrikeOff,
    )
    .unwrap();
    let refused = update_customer(
        &tenant,
        &clock(),
        &Actor::Cli,
        &created.id,
        &CustomerInput {
            city: Some("Lyon".into()),
            ..CustomerInput::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(refused, AppError::Conflict(ref m) if m.contains("struck off")),
        "{refused:?}"
    );
    let again = change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &created.id,
        CustomerEvent::Reactivate,
    )
    .unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)));
    let events = tenant
        .read(|tx| tx.domain_events("customer.struck_off", 0, 10))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].entity_id, created.id.as_str());
}

fn payers_are_other_live_customers(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let company = create_customer(
        &tenant,
        &clock(),
        &Actor::Cli,
        &CustomerInput {
            code: Some("ACME-SA".into()),
            company: Some("Acme SA".into()),
            ..CustomerInput::default()
        },
    )
    .unwrap();
    let employee = create_customer(
        &tenant,
        &clock(),
        &Actor::Cli,
        &CustomerInput {
            payer_id: Some(company.id.to_string()),
            ..zoe()
        },
    )
    .unwrap();
    let file = customer_file(&tenant, &clock(), &company.id).unwrap();
    assert_eq!(file.payees, vec![employee.clone()]);
    let employee_file = customer_file(&tenant, &clock(), &employee.id).unwrap();
    assert_eq!(employee_file.payer.map(|p| p.id), Some(company.id.clone()));
    let own = CustomerInput {
        payer_id: Some(employee.id.to_string()),
        ..CustomerInput::default()
    };
    assert_eq!(
        fields_of(update_customer(&tenant, &clock(), &Actor::Cli, &employee.id, &own).unwrap_err()),
        ["payer_id"]
    );
    let unknown = CustomerInput {
        payer_id: Some("cus_00000000000000000000000000000000".into()),
        ..CustomerInput::default()
    };
    assert_eq!(
        fields_of(
            update_customer(&tenant, &clock(), &Actor::Cli, &employee.id, &unknown).unwrap_err()
        ),
        ["payer_id"]
    );
}

fn another_creditor_cannot_change_a_customer(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let globex = store.tenant(
        create_creditor(store, &clock(), &Actor::Cli, &input("Globex", 2))
            .unwrap()
            .id,
    );
    let created = create_customer(&tenant, &clock(), &Actor::Cli, &zoe()).unwrap();
    let change = CustomerInput {
        city: Some("Lyon".into()),
        ..CustomerInput::default()
    };
    assert!(matches!(
        update_customer(&globex, &clock(), &Actor::Cli, &created.id, &change),
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        change_customer_status(
            &globex,
            &clock(),
            &Actor::Cli,
            &created.id,
            CustomerEvent::Suspend
        ),
        Err(AppError::NotFound(_))
    ));
    // Globex cannot make Acme's customer a payer of its own either.
    let theirs = CustomerInput {
        code: Some("G-1".into()),
        payer_id: Some(created.id.to_string()),
        ..zoe()
    };
    assert_eq!(
        fields_of(create_customer(&globex, &clock(), &Actor::Cli, &theirs).unwrap_err()),
        ["payer_id"]
    );
}

on_both_engines!(
    a_customer_is_created_checked_and_audited,
    a_change_keeps_what_it_does_not_name,
    a_struck_off_customer_refuses_every_change,
    payers_are_other_live_customers,
    another_creditor_cannot_change_a_customer,
);
