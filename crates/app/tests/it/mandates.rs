use jiff::Timestamp;
use prelevo_app::AppError;
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::customers::change_customer_status;
use prelevo_app::mandates::{
    MandateInput, ReferenceChoice, change_bank_details, create_mandate, expire_dormant_mandates,
    revoke_mandate, set_mandate_reference,
};
use prelevo_domain::{
    Customer, CustomerEvent, FixedClock, MandateStatus, OriginalAccount, PaymentMethodRef,
};
use prelevo_store::Actor;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, fields_of, martin, new_tenant, paper_mandate};

fn signed(customer: &Customer, reference: ReferenceChoice) -> MandateInput {
    paper_mandate(customer, reference, 7, "2026-11-02")
}

fn a_mandate_becomes_the_customer_s_payment_method(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let mandate = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Given("RUM-ACME-1".into())),
    )
    .unwrap();
    assert_eq!(mandate.status, MandateStatus::Active);
    assert_eq!(
        mandate.debtor.name, "Zoé Martin",
        "the customer's name by default"
    );
    let holder = tenant.read(|tx| tx.customer(&customer.id)).unwrap();
    assert_eq!(
        holder.payment_method,
        PaymentMethodRef::Mandate(mandate.id.clone())
    );
    let again = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Given("RUM-ACME-1".into())),
    )
    .unwrap_err();
    assert!(
        matches!(again, AppError::Conflict(ref m) if m.contains("RUM-ACME-1")),
        "{again:?}"
    );
}

fn references_are_generated_in_sequence_and_never_reused(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    // The creditor already used the reference the pattern would give next.
    create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Given("RUM-2026-000001".into())),
    )
    .unwrap();
    let generated: Vec<String> = (0..2)
        .map(|_| {
            create_mandate(
                &tenant,
                &clock(),
                &Actor::Cli,
                &signed(&customer, ReferenceChoice::Generate),
            )
            .unwrap()
            .reference
            .unwrap()
            .to_string()
        })
        .collect();
    assert_eq!(generated, ["RUM-2026-000002", "RUM-2026-000003"]);
}

fn a_mandate_without_reference_waits_for_it(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let pending = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Later),
    )
    .unwrap();
    assert_eq!(pending.status, MandateStatus::PendingReference);
    assert_eq!(pending.reference, None);
    assert!(matches!(
        set_mandate_reference(&tenant, &clock(), &Actor::Cli, &pending.id, "RUM//1"),
        Err(AppError::Invalid(_))
    ));
    let active =
        set_mandate_reference(&tenant, &clock(), &Actor::Cli, &pending.id, "RUM-9").unwrap();
    assert_eq!(active.status, MandateStatus::Active);
    assert!(active.amendment.is_empty());
    let renamed =
        set_mandate_reference(&tenant, &clock(), &Actor::Cli, &pending.id, "RUM-10").unwrap();
    assert_eq!(
        renamed.amendment.original_reference.unwrap().as_str(),
        "RUM-9"
    );
}

fn bad_input_names_every_field(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let bad = MandateInput {
        iban: "FR7630006000011234567890188".into(),
        signed_on: "2026-12-25".into(),
        signature_method: "fax".into(),
        scheme: Some("B2C".into()),
        ..signed(&customer, ReferenceChoice::Given("RUM//1".into()))
    };
    assert_eq!(
        fields_of(create_mandate(&tenant, &clock(), &Actor::Cli, &bad).unwrap_err()),
        [
            "iban",
            "reference",
            "scheme",
            "signature_date",
            "signature_method"
        ]
    );
    let nobody = MandateInput {
        customer_id: "cus_00000000000000000000000000000000".into(),
        ..signed(&customer, ReferenceChoice::Later)
    };
    assert_eq!(
        fields_of(create_mandate(&tenant, &clock(), &Actor::Cli, &nobody).unwrap_err()),
        ["customer_id"]
    );
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &customer.id,
        CustomerEvent::StrikeOff,
    )
    .unwrap();
    assert_eq!(
        fields_of(
            create_mandate(
                &tenant,
                &clock(),
                &Actor::Cli,
                &signed(&customer, ReferenceChoice::Later)
            )
            .unwrap_err()
        ),
        ["customer_id"]
    );
}

fn a_revocation_is_kept_and_announced(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let mandate = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Generate),
    )
    .unwrap();
    assert!(matches!(
        revoke_mandate(&tenant, &clock(), &Actor::Cli, &mandate.id, "  "),
        Err(AppError::Invalid(_))
    ));
    let revoked = revoke_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &mandate.id,
        "asked by phone",
    )
    .unwrap();
    assert_eq!(revoked.status, MandateStatus::Revoked);
    assert_eq!(
        revoked.revocation.as_ref().unwrap().reason,
        "asked by phone"
    );
    let events = tenant
        .read(|tx| tx.domain_events("mandate.revoked", 0, 10))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].entity_id, mandate.id.as_str());
    assert!(events[0].payload.contains(customer.id.as_str()));
    assert!(matches!(
        revoke_mandate(&tenant, &clock(), &Actor::Cli, &mandate.id, "again"),
        Err(AppError::Conflict(_))
    ));
}

fn a_new_bank_is_an_amendment(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let mandate = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Generate),
    )
    .unwrap();
    // La Banque Postale instead of Crédit Agricole.
    let amended = change_bank_details(
        &tenant,
        &clock(),
        &Actor::Cli,
        &mandate.id,
        Some("Zoé Martin-Durand"),
        Some("FR1420041010050500013M02606"),
        Some(Some("PSSTFRPP")),
    )
    .unwrap();
    assert_eq!(
        amended.amendment.original_account,
        Some(OriginalAccount::Smnda)
    );
    assert_eq!(
        amended.amendment.original_debtor_name.as_deref(),
        Some("Zoé Martin")
    );
    assert!(amended.first_collection_pending);
    assert!(matches!(
        change_bank_details(
            &tenant,
            &clock(),
            &Actor::Cli,
            &mandate.id,
            None,
            Some("FR00"),
            None
        ),
        Err(AppError::Invalid(_))
    ));
}

/// A SEPA direct debit cannot reach an account outside the SEPA zone,
/// BIC or not; one in SEPA but outside the EEA (GB, CH…) needs its BIC.
fn an_account_a_direct_debit_cannot_reach_is_refused(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let with = |iban: &str, bic: Option<&str>| MandateInput {
        iban: iban.into(),
        bic: bic.map(str::to_owned),
        ..signed(&customer, ReferenceChoice::Generate)
    };
    let refused = |input: &MandateInput| match create_mandate(&tenant, &clock(), &Actor::Cli, input)
    {
        Err(AppError::Invalid(fields)) => {
            fields.iter().map(ToString::to_string).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    let turkish = "TR330006100519786457841326";
    assert_eq!(
        refused(&with(turkish, Some("AKBKTRISXXX"))),
        ["iban: is an account in TR, outside the SEPA zone: a SEPA direct debit cannot reach it"]
    );
    assert_eq!(
        refused(&with(turkish, None)),
        ["iban: is an account in TR, outside the SEPA zone: a SEPA direct debit cannot reach it"]
    );
    assert_eq!(
        refused(&with("GB29NWBK60161331926819", None)),
        ["bic: is required for an account in GB (in SEPA but outside the EEA)"]
    );
    let british = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &with("GB29NWBK60161331926819", Some("NWBKGB2L")),
    )
    .unwrap();
    // Nor may a mandate be amended to such an account.
    let amend = |iban: &str, bic: Option<&str>| {
        fields_of(
            change_bank_details(
                &tenant,
                &clock(),
                &Actor::Cli,
                &british.id,
                None,
                Some(iban),
                Some(bic),
            )
            .unwrap_err(),
        )
    };
    assert_eq!(amend(turkish, Some("AKBKTRISXXX")), ["iban"]);
    assert_eq!(amend("CH9300762011623852957", None), ["bic"]);
    assert_eq!(
        fields_of(
            change_bank_details(
                &tenant,
                &clock(),
                &Actor::Cli,
                &british.id,
                None,
                None,
                Some(None)
            )
            .unwrap_err()
        ),
        ["bic"],
        "the BIC of a British account cannot be removed"
    );
}

/// Europe/Paris: the mandate lapses at midnight Paris time on the day 36
/// months after its signature, whatever UTC says.
fn dormant_mandates_expire_on_the_creditor_s_day(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let old = MandateInput {
        signed_on: "2023-12-01".into(),
        ..signed(&customer, ReferenceChoice::Generate)
    };
    let mandate = create_mandate(&tenant, &clock(), &Actor::Cli, &old).unwrap();
    let at = |utc: &str| FixedClock::new(utc.parse::<Timestamp>().unwrap());
    assert_eq!(
        expire_dormant_mandates(&tenant, &at("2026-11-30T22:59:59Z")).unwrap(),
        0
    );
    assert_eq!(
        expire_dormant_mandates(&tenant, &at("2026-11-30T23:00:00Z")).unwrap(),
        1
    );
    assert_eq!(
        expire_dormant_mandates(&tenant, &at("2026-12-01T08:00:00Z")).unwrap(),
        0,
        "once"
    );
    let expired = tenant.read(|tx| tx.mandate(&mandate.id)).unwrap();
    assert_eq!(expired.status, MandateStatus::Expired);
    assert_eq!(expired.expired_on.unwrap().to_string(), "2026-12-01");
    assert_eq!(
        tenant
            .read(|tx| tx.domain_events("mandate.expired", 0, 10))
            .unwrap()
            .len(),
        1
    );
}

fn another_creditor_cannot_touch_a_mandate(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let globex = new_tenant(store, 2);
    let customer = martin(&tenant);
    let mandate = create_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &signed(&customer, ReferenceChoice::Generate),
    )
    .unwrap();
    assert!(matches!(
        revoke_mandate(&globex, &clock(), &Actor::Cli, &mandate.id, "forged"),
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        set_mandate_reference(&globex, &clock(), &Actor::Cli, &mandate.id, "X-1"),
        Err(AppError::NotFound(_))
    ));
    // Nor create one for Acme's customer.
    assert_eq!(
        fields_of(
            create_mandate(
                &globex,
                &clock(),
                &Actor::Cli,
                &signed(&customer, ReferenceChoice::Later)
            )
            .unwrap_err()
        ),
        ["customer_id"]
    );
    assert_eq!(
        tenant.read(|tx| tx.mandate(&mandate.id)).unwrap().status,
        MandateStatus::Active
    );
}

/// The daily chore is enqueued once per creditor and calendar day, and
/// the job it enqueues expires the dormant mandates.
fn the_daily_expiry_is_scheduled_once_a_day(store: &TestStore) {
    use prelevo_app::daily::{ExpireDormantMandates, schedule_daily_jobs};
    use prelevo_app::jobs::{BackgroundJob, JobContext};

    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let old = MandateInput {
        signed_on: "2023-11-02".into(),
        ..signed(&customer, ReferenceChoice::Generate)
    };
    let mandate = create_mandate(&tenant, &clock(), &Actor::Cli, &old).unwrap();
    let morning = FixedClock::new("2026-11-30T07:00:00Z".parse::<Timestamp>().unwrap());
    // The mandates' chore, the cards' and the collection run.
    assert_eq!(schedule_daily_jobs(store, &morning).unwrap(), 3);
    assert_eq!(
        schedule_daily_jobs(store, &morning).unwrap(),
        0,
        "once a day"
    );
    let next_day = FixedClock::new("2026-11-30T23:30:00Z".parse::<Timestamp>().unwrap());
    assert_eq!(
        schedule_daily_jobs(store, &next_day).unwrap(),
        3,
        "Paris is on Dec 1st"
    );
    let ctx = JobContext {
        store,
        clock: &morning,
        tenant: Some(tenant.clone()),
        job_id: 1,
        attempt: 1,
        card_gateway: &UnconnectedGateway,
        worker: "w1",
        lease: jiff::SignedDuration::from_mins(10),
    };
    ExpireDormantMandates.run(&ctx).unwrap();
    assert_eq!(
        tenant.read(|tx| tx.mandate(&mandate.id)).unwrap().status,
        MandateStatus::Expired
    );
    let without_creditor = JobContext {
        tenant: None,
        ..ctx
    };
    assert!(ExpireDormantMandates.run(&without_creditor).is_err());
}

on_both_engines!(
    an_account_a_direct_debit_cannot_reach_is_refused,
    a_mandate_becomes_the_customer_s_payment_method,
    references_are_generated_in_sequence_and_never_reused,
    a_mandate_without_reference_waits_for_it,
    bad_input_names_every_field,
    a_revocation_is_kept_and_announced,
    a_new_bank_is_an_amendment,
    dormant_mandates_expire_on_the_creditor_s_day,
    another_creditor_cannot_touch_a_mandate,
    the_daily_expiry_is_scheduled_once_a_day,
);
