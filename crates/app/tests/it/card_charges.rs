//! Card payments charged by the daily run through the gateway: once per
//! payment whatever happens, declines rejected with the gateway's code,
//! an outage left for the next run, nothing charged without a connector.

use prelevo_app::card_aliases::{CardAliasInput, create_card_alias};
use prelevo_app::card_gateway::{CardGateway, GatewayCard, InMemoryGateway, UnconnectedGateway};
use prelevo_app::collection_run::{RunReport, run_collections};
use prelevo_app::payments::{PaymentInput, create_payment, payment};
use prelevo_domain::{
    CardAliasId, CardBrand, CardExpiry, CardLast4, Currency, Customer, Instrument, Money, Payment,
    PaymentCause, PaymentStatus,
};
use prelevo_store::{Actor, TenantStore};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, martin, new_tenant};

fn card(
    tenant: &TenantStore,
    gateway: &InMemoryGateway,
    customer: &Customer,
    token: &str,
) -> CardAliasId {
    gateway.hold(
        token,
        GatewayCard {
            brand: CardBrand::parse("visa").unwrap(),
            last4: CardLast4::parse("4242").unwrap(),
            expiry: CardExpiry::new(12, 2030).unwrap(),
        },
    );
    create_card_alias(
        tenant,
        &clock(),
        gateway,
        &Actor::Cli,
        &CardAliasInput {
            customer_id: customer.id.to_string(),
            token: token.into(),
            brand: "visa".into(),
            last4: "4242".into(),
            expiry_month: 12,
            expiry_year: 2030,
            holder: None,
        },
    )
    .unwrap()
    .id
}

fn card_payment(
    tenant: &TenantStore,
    customer: &Customer,
    card: &CardAliasId,
    due: &str,
) -> Payment {
    create_payment(
        tenant,
        &clock(),
        &Actor::Cli,
        &PaymentInput {
            customer_id: customer.id.clone(),
            instrument: Instrument::Card(card.clone()),
            amount: Money::from_minor(1_990, Currency::EUR),
            due_on: Some(due.parse().unwrap()),
            remittance: Some("Box de décembre".into()),
            end_to_end_id: None,
        },
    )
    .unwrap()
}

fn run_on(tenant: &TenantStore, gateway: &dyn CardGateway, day: &str) -> RunReport {
    let clock = clock();
    clock.set(format!("{day}T08:00:00Z").parse().unwrap());
    run_collections(
        tenant,
        &clock,
        gateway,
        Some(day.parse().unwrap()),
        &mut |_| Ok(()),
    )
    .unwrap()
}

fn state(tenant: &TenantStore, p: &Payment) -> (PaymentStatus, Vec<PaymentCause>) {
    let (listed, history) = payment(tenant, &p.id).unwrap();
    (
        listed.payment.status,
        history.into_iter().map(|h| h.cause).collect(),
    )
}

fn card_payments_are_charged_once_on_their_due_date(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let gateway = InMemoryGateway::default();
    let good = card(&tenant, &gateway, &customer, "tok_good");
    let poor = card(&tenant, &gateway, &customer, "tok_poor");
    gateway.decline("tok_poor", "insufficient_funds");
    let paid = card_payment(&tenant, &customer, &good, "2026-12-01");
    let refused = card_payment(&tenant, &customer, &poor, "2026-12-01");
    let later = card_payment(&tenant, &customer, &good, "2026-12-05");

    // Without a connector nothing is charged: the payments wait.
    let report = run_on(&tenant, &UnconnectedGateway, "2026-12-01");
    assert_eq!((report.cards.approved, report.cards.waiting), (0, 0));
    assert_eq!(state(&tenant, &paid).0, PaymentStatus::ToExecute);

    // The gateway is down: both are in flight, neither charged nor lost,
    // and the settlement of direct debits leaves them alone.
    gateway.set_down(true);
    let report = run_on(&tenant, &gateway, "2026-12-01");
    assert_eq!(report.cards.waiting, 2);
    assert_eq!(state(&tenant, &paid).0, PaymentStatus::Executing);
    assert_eq!(state(&tenant, &refused).0, PaymentStatus::Executing);
    assert_eq!(gateway.charges_made(), 0);
    let report = run_on(&tenant, &gateway, "2026-12-02");
    assert_eq!(report.executed, 0, "a card payment is not settled by date");

    // Back up: each is charged once; the answer moves it.
    gateway.set_down(false);
    let report = run_on(&tenant, &gateway, "2026-12-02");
    assert_eq!(
        (
            report.cards.approved,
            report.cards.declined,
            report.cards.waiting
        ),
        (1, 1, 0)
    );
    let (status, causes) = state(&tenant, &paid);
    assert_eq!(status, PaymentStatus::Executed);
    assert_eq!(
        causes,
        [
            PaymentCause::ChargeSent,
            PaymentCause::ChargeApproved {
                reference: "ch_1".into()
            }
        ]
    );
    let (status, causes) = state(&tenant, &refused);
    assert_eq!(status, PaymentStatus::Rejected);
    assert!(
        matches!(&causes[1], PaymentCause::ChargeDeclined { code, .. } if code == "insufficient_funds"),
        "{causes:?}"
    );
    assert_eq!(state(&tenant, &later).0, PaymentStatus::ToExecute);

    // Run again the same day, then on the later one's date.
    let report = run_on(&tenant, &gateway, "2026-12-02");
    assert_eq!(report.cards.approved + report.cards.declined, 0);
    assert_eq!(gateway.charges_made(), 2, "nothing charged twice");
    let report = run_on(&tenant, &gateway, "2026-12-05");
    assert_eq!(report.cards.approved, 1);
    assert_eq!(state(&tenant, &later).0, PaymentStatus::Executed);
    assert_eq!(gateway.charges_made(), 3);
}

fn a_token_the_gateway_lost_is_declined(store: &TestStore) {
    let tenant = new_tenant(store, 2);
    let customer = martin(&tenant);
    let gateway = InMemoryGateway::default();
    let lost = card(&tenant, &gateway, &customer, "tok_lost");
    let p = card_payment(&tenant, &customer, &lost, "2026-12-01");
    // The gateway forgets the card behind Prelevo's back.
    gateway
        .forget(&prelevo_domain::CardToken::parse("tok_lost").unwrap())
        .unwrap();
    let report = run_on(&tenant, &gateway, "2026-12-01");
    assert_eq!(report.cards.declined, 1);
    let (status, causes) = state(&tenant, &p);
    assert_eq!(status, PaymentStatus::Rejected);
    assert!(
        matches!(&causes[1], PaymentCause::ChargeDeclined { code, .. } if code == "unknown_token"),
        "{causes:?}"
    );
}

/// The day's job asks the queue to run it again soon when the gateway did
/// not answer, and succeeds once it did.
fn the_day_s_job_retries_soon_when_the_gateway_is_down(store: &TestStore) {
    use prelevo_app::daily::RunCollections;
    use prelevo_app::jobs::{BackgroundJob, JobContext, JobError, enqueue};
    let tenant = new_tenant(store, 3);
    let customer = martin(&tenant);
    let gateway = InMemoryGateway::default();
    let alias = card(&tenant, &gateway, &customer, "tok_down");
    let p = card_payment(&tenant, &customer, &alias, "2026-12-01");
    let day = clock();
    let t0: jiff::Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
    day.set(t0);
    let lease = jiff::SignedDuration::from_mins(10);
    tenant
        .write(|tx| enqueue(tx, &RunCollections, t0, t0, None))
        .unwrap();
    let claimed = store.claim_jobs("w1", t0, t0 + lease, 1).unwrap();
    let ctx = JobContext {
        store,
        clock: &day,
        tenant: Some(tenant.clone()),
        job_id: claimed[0].id,
        attempt: 1,
        card_gateway: &gateway,
        worker: "w1",
        lease,
    };
    gateway.set_down(true);
    let waiting = RunCollections.run(&ctx).unwrap_err();
    assert!(
        matches!(&waiting, JobError::Retryable(why) if why.contains("1 charge(s) in flight")),
        "{waiting:?}"
    );
    assert_eq!(state(&tenant, &p).0, PaymentStatus::Executing);
    gateway.set_down(false);
    RunCollections.run(&ctx).unwrap();
    assert_eq!(state(&tenant, &p).0, PaymentStatus::Executed);
    assert_eq!(gateway.charges_made(), 1);
}

on_both_engines!(
    the_day_s_job_retries_soon_when_the_gateway_is_down,
    card_payments_are_charged_once_on_their_due_date,
    a_token_the_gateway_lost_is_declined,
);
