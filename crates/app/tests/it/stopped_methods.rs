//! A customer suspended or struck off, a mandate revoked or expired, a card
//! alias deleted: the payments still waiting to be sent stop, including
//! those of plans already inactive — a one-off payment (its plan is born
//! inactive) and the last instalment of a fixed-end plan (its plan ends
//! when that instalment is created, up to 14 days before it is due). What
//! was already sent is left alone; a pending file holding a stopped payment
//! is discarded, and its other payments go in the next file. On both
//! engines.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use prelevo_app::bank_files::send_bank_file;
use prelevo_app::card_aliases::{CardAliasInput, create_card_alias, delete_card_alias};
use prelevo_app::card_gateway::{CardGateway, GatewayCard, InMemoryGateway, UnconnectedGateway};
use prelevo_app::collection_run::{RunReport, run_collections};
use prelevo_app::customers::{CustomerInput, change_customer_status, create_customer};
use prelevo_app::mandates::{
    ReferenceChoice, create_mandate, expire_dormant_mandates, revoke_mandate,
};
use prelevo_app::payments::{PaymentInput, create_payment, payment};
use prelevo_app::plans::{PlanInput, create_plan};
use prelevo_domain::{
    BankFileId, BankFileStatus, CardBrand, CardExpiry, CardLast4, Clock, Currency, Customer,
    CustomerEvent, DiscardReason, FixedClock, Frequency, Instrument, Mandate, Money, Payment,
    PaymentCause, PaymentStatus, Plan, PlanEnd, PlanStatus, StopReason,
};
use prelevo_store::{Actor, PaymentEventRecord, PaymentFilter, Position, TenantStore};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, martin, new_tenant, paper_mandate};

fn eur(cents: i64) -> Money {
    Money::from_minor(cents, Currency::EUR)
}

/// The test's clock set to `instant` (RFC 3339).
fn clock_at(instant: &str) -> FixedClock {
    let at = clock();
    at.set(instant.parse::<Timestamp>().unwrap());
    at
}

/// Customer C-002, Louis Durand: a bystander whose payments go on.
fn durand(tenant: &TenantStore) -> Customer {
    create_customer(
        tenant,
        &clock(),
        &Actor::Cli,
        &CustomerInput {
            code: Some("C-002".into()),
            last_name: Some("Durand".into()),
            first_name: Some("Louis".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// A recurrent mandate of `customer`, signed on the day of `at`.
fn mandate_of(tenant: &TenantStore, at: &FixedClock, customer: &Customer, n: u32) -> Mandate {
    let reference = ReferenceChoice::Given(format!("RUM-STOP-{n}"));
    let signed_on = today(tenant, at).to_string();
    create_mandate(
        tenant,
        at,
        &Actor::Cli,
        &paper_mandate(customer, reference, 300 + n, &signed_on),
    )
    .unwrap()
}

/// The creditor's day at the clock's instant.
fn today(tenant: &TenantStore, at: &FixedClock) -> Date {
    let creditor = tenant.read(|tx| tx.creditor()).unwrap();
    at.today_in(creditor.timezone.tz())
}

/// A one-off payment on the earliest date the bank can collect.
fn one_off(tenant: &TenantStore, at: &FixedClock, customer: &Customer, on: Instrument) -> Payment {
    create_payment(
        tenant,
        at,
        &Actor::Cli,
        &PaymentInput {
            customer_id: customer.id.clone(),
            instrument: on,
            amount: eur(4_990),
            due_on: None,
            remittance: Some("Facture".into()),
            end_to_end_id: None,
        },
    )
    .unwrap()
}

/// A weekly plan of two instalments from today: both fall within the
/// 14 days of pre-notification, so both are created at once and the plan
/// is inactive from the start.
fn two_weeks(customer: &Customer, on: Instrument, start_on: Date) -> PlanInput {
    PlanInput {
        reference: None,
        customer_id: customer.id.clone(),
        instrument: on,
        amount: eur(2_990),
        frequency: Frequency::Weekly,
        collection_day: 1,
        start_on,
        end: PlanEnd::AfterInstalments(2),
        remittance: Some("Abonnement".into()),
    }
}

/// A plan's payments, the first instalment first.
fn instalments(tenant: &TenantStore, plan: &Plan) -> Vec<Payment> {
    let mut found: Vec<Payment> = tenant
        .read(|tx| {
            tx.payments(
                &PaymentFilter {
                    plan_id: Some(plan.id.clone()),
                    ..PaymentFilter::default()
                },
                Position::Start,
                10,
            )
        })
        .unwrap()
        .into_iter()
        .map(|listed| listed.payment)
        .collect();
    found.sort_by_key(|p| p.instalment);
    found
}

fn run(tenant: &TenantStore, gateway: &dyn CardGateway, at: &FixedClock) -> RunReport {
    let day = today(tenant, at);
    run_collections(tenant, at, gateway, Some(day), &mut |_| Ok(())).unwrap()
}

/// A payment's state now and its history.
fn state(tenant: &TenantStore, p: &Payment) -> (PaymentStatus, Vec<PaymentEventRecord>) {
    let (listed, history) = payment(tenant, &p.id).unwrap();
    (listed.payment.status, history)
}

/// Asserts `p` was cancelled for `reason`, by the system.
fn assert_stopped(tenant: &TenantStore, p: &Payment, reason: StopReason) {
    let (status, history) = state(tenant, p);
    assert_eq!(status, PaymentStatus::NotExecuted, "{p:?}");
    let last = history.last().unwrap();
    assert_eq!(
        (last.from_status.as_str(), last.to_status.as_str()),
        ("to_execute", "not_executed")
    );
    assert_eq!(last.cause, PaymentCause::PlanStopped(reason));
    assert_eq!(last.actor, "system");
}

/// Customer Zoé Martin's payments on her mandate, in every state a stop
/// may meet, beside Louis Durand's payment in the same pending file.
struct Waiting {
    tenant: TenantStore,
    martin: Customer,
    mandate: Mandate,
    /// Fixed-end, its last instalment created: inactive.
    plan: Plan,
    /// Its first instalment, in a file sent to the bank.
    sent: Payment,
    /// Its history once the scene is set: a stop must not add to it.
    sent_history: Vec<PaymentEventRecord>,
    sent_file: BankFileId,
    /// Its last instalment, due in a week: not in a file yet.
    last: Payment,
    /// A one-off payment in a pending file…
    one_off: Payment,
    /// …with Louis Durand's, on another mandate.
    bystander: Payment,
    shared_file: BankFileId,
}

/// Sets the scene: the plan is made and its first instalment sent on
/// Monday 30 November 2026; the one-off payments are made and put in one
/// pending file at `shared_at`, on a mandate of Louis Durand signed that
/// day.
fn waiting(store: &TestStore, n: u32, shared_at: &str) -> Waiting {
    let tenant = new_tenant(store, n);
    let martin = martin(&tenant);
    let today = clock();
    let mandate = mandate_of(&tenant, &today, &martin, n * 10);
    let on_mandate = Instrument::Mandate(mandate.id.clone());
    let plan = create_plan(
        &tenant,
        &today,
        &Actor::Cli,
        &two_weeks(&martin, on_mandate.clone(), date(2026, 12, 1)),
    )
    .unwrap();
    assert_eq!(plan.status, PlanStatus::Inactive, "both instalments made");
    let [first, last] = <[Payment; 2]>::try_from(instalments(&tenant, &plan)).unwrap();
    let sent_run = run(&tenant, &UnconnectedGateway, &today);
    assert_eq!(sent_run.files.len(), 1);
    assert_eq!(sent_run.files[0].transactions, 1, "1 December only");
    let sent_file = sent_run.files[0].id.clone();
    send_bank_file(&tenant, &today, &Actor::Cli, &sent_file).unwrap();

    let shared_clock = clock_at(shared_at);
    let louis = durand(&tenant);
    let louis_mandate = mandate_of(&tenant, &shared_clock, &louis, n * 10 + 1);
    let one_off_payment = one_off(&tenant, &shared_clock, &martin, on_mandate);
    let bystander = one_off(
        &tenant,
        &shared_clock,
        &louis,
        Instrument::Mandate(louis_mandate.id),
    );
    let shared_run = run(&tenant, &UnconnectedGateway, &shared_clock);
    assert_eq!(shared_run.files.len(), 1);
    assert_eq!(shared_run.files[0].transactions, 2, "both one-off payments");
    let (last_status, _) = state(&tenant, &last);
    assert_eq!(last_status, PaymentStatus::ToExecute, "due in a week");
    let (_, sent_history) = state(&tenant, &first);
    Waiting {
        plan: tenant.read(|tx| tx.plan(&plan.id)).unwrap(),
        martin,
        mandate,
        sent: first,
        sent_history,
        sent_file,
        last,
        one_off: one_off_payment,
        bystander,
        shared_file: shared_run.files[0].id.clone(),
        tenant,
    }
}

impl Waiting {
    /// Asserts what a stop for `reason` left: Zoé Martin's waiting payments
    /// cancelled, her plan as it was, the sent one untouched, the shared
    /// file discarded for `discarded_for`, and Louis Durand's payment in
    /// the file the run at `rerun_at` makes.
    fn assert_after_stop(&self, reason: StopReason, discarded_for: DiscardReason, rerun_at: &str) {
        let tenant = &self.tenant;
        assert_stopped(tenant, &self.one_off, reason);
        assert_stopped(tenant, &self.last, reason);
        let plan = tenant.read(|tx| tx.plan(&self.plan.id)).unwrap();
        assert_eq!(plan, self.plan, "an inactive plan keeps its state");
        assert_eq!(
            state(tenant, &self.sent).1,
            self.sent_history,
            "a sent payment is left alone"
        );
        let sent_file = tenant.read(|tx| tx.bank_file(&self.sent_file)).unwrap();
        assert_eq!(sent_file.status, BankFileStatus::Sent);
        let shared = tenant.read(|tx| tx.bank_file(&self.shared_file)).unwrap();
        assert_eq!(shared.status, BankFileStatus::Discarded);
        assert_eq!(shared.discarded.map(|(_, why)| why), Some(discarded_for));

        let next = run(tenant, &UnconnectedGateway, &clock_at(rerun_at));
        assert_eq!(next.files.len(), 1);
        assert_eq!(next.files[0].transactions, 1, "Louis Durand's only");
        let (listed, _) = payment(tenant, &self.bystander.id).unwrap();
        assert_eq!(listed.payment.status, PaymentStatus::ToExecute);
        assert_eq!(listed.file_id.as_ref(), Some(&next.files[0].id));
    }
}

/// Both the scene and the stop happen on Monday 30 November 2026, while
/// the first instalment is still in flight.
const SAME_DAY: &str = "2026-11-30T09:00:00Z";

/// Customer `n` changed by `event`: its waiting payments stop for `reason`.
fn customer_change_stops_waiting_payments(
    store: &TestStore,
    n: u32,
    event: CustomerEvent,
    reason: StopReason,
) {
    let w = waiting(store, n, SAME_DAY);
    assert_eq!(state(&w.tenant, &w.sent).0, PaymentStatus::Executing);
    change_customer_status(&w.tenant, &clock(), &Actor::Cli, &w.martin.id, event).unwrap();
    w.assert_after_stop(reason, DiscardReason::PlanStopped, SAME_DAY);
}

fn a_suspended_customer_s_waiting_payments_stop(store: &TestStore) {
    customer_change_stops_waiting_payments(
        store,
        1,
        CustomerEvent::Suspend,
        StopReason::CustomerSuspended,
    );
}

fn a_struck_off_customer_s_waiting_payments_stop(store: &TestStore) {
    customer_change_stops_waiting_payments(
        store,
        2,
        CustomerEvent::StrikeOff,
        StopReason::CustomerStruckOff,
    );
}

fn a_revoked_mandate_s_waiting_payments_stop(store: &TestStore) {
    let w = waiting(store, 3, SAME_DAY);
    assert_eq!(state(&w.tenant, &w.sent).0, PaymentStatus::Executing);
    revoke_mandate(&w.tenant, &clock(), &Actor::Cli, &w.mandate.id, "closed").unwrap();
    // The revocation itself discards the files holding the mandate's
    // collections (its details changed), before its plans react.
    w.assert_after_stop(
        StopReason::MandateRevoked,
        DiscardReason::MandateChanged,
        SAME_DAY,
    );
    // Cancelled, not moved late day after day.
    let later = clock_at("2026-12-07T08:00:00Z");
    run(&w.tenant, &UnconnectedGateway, &later);
    let (_, history) = state(&w.tenant, &w.one_off);
    assert!(
        history
            .iter()
            .all(|h| !matches!(h.cause, PaymentCause::MovedLate { .. })),
        "{history:?}"
    );
}

/// A mandate expires 36 months after its last collection (1 December
/// 2026), and Louis Durand's must not expire with it: his is signed on
/// 2 December, when the shared file is made — after the first instalment
/// was settled (a mandate with a collection in flight is not dormant).
fn an_expired_mandate_s_waiting_payments_stop(store: &TestStore) {
    let w = waiting(store, 4, "2026-12-02T08:00:00Z");
    assert_eq!(state(&w.tenant, &w.sent).0, PaymentStatus::Executed);
    let expired = expire_dormant_mandates(&w.tenant, &clock_at("2029-12-01T08:00:00Z")).unwrap();
    assert_eq!(expired, 1, "Zoé Martin's mandate only");
    // The next business day's run makes Louis Durand's payment, late.
    w.assert_after_stop(
        StopReason::MandateExpired,
        DiscardReason::PlanStopped,
        "2029-12-03T08:00:00Z",
    );
}

fn a_deleted_card_s_waiting_payments_stop(store: &TestStore) {
    let tenant = new_tenant(store, 5);
    let martin = martin(&tenant);
    let gateway = InMemoryGateway::default();
    gateway.hold(
        "tok_stop",
        GatewayCard {
            brand: CardBrand::parse("visa").unwrap(),
            last4: CardLast4::parse("4242").unwrap(),
            expiry: CardExpiry::new(12, 2030).unwrap(),
        },
    );
    let card = create_card_alias(
        &tenant,
        &clock(),
        &gateway,
        &Actor::Cli,
        &CardAliasInput {
            customer_id: martin.id.to_string(),
            token: "tok_stop".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            expiry_month: 12,
            expiry_year: 2030,
            holder: None,
        },
    )
    .unwrap();
    let on_card = Instrument::Card(card.id.clone());
    // Today and in a week: both made at once, the plan inactive.
    let plan = create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &two_weeks(&martin, on_card.clone(), date(2026, 11, 30)),
    )
    .unwrap();
    assert_eq!(plan.status, PlanStatus::Inactive);
    let [first, last] = <[Payment; 2]>::try_from(instalments(&tenant, &plan)).unwrap();
    // Today's is charged while the gateway does not answer: in flight.
    gateway.set_down(true);
    run(&tenant, &gateway, &clock());
    gateway.set_down(false);
    let (status, sent_history) = state(&tenant, &first);
    assert_eq!(status, PaymentStatus::Executing);
    let later = one_off(&tenant, &clock(), &martin, on_card);
    assert_eq!(later.due_on, date(2026, 11, 30), "a card is charged today");
    // Made after the run, it waits for the next one.
    assert_eq!(state(&tenant, &later).0, PaymentStatus::ToExecute);

    delete_card_alias(&tenant, &clock(), &gateway, &Actor::Cli, &card.id).unwrap();
    assert_stopped(&tenant, &later, StopReason::CardDeleted);
    assert_stopped(&tenant, &last, StopReason::CardDeleted);
    assert_eq!(
        state(&tenant, &first).1,
        sent_history,
        "in flight: left alone"
    );
    let kept = tenant.read(|tx| tx.plan(&plan.id)).unwrap();
    assert_eq!((kept.status, kept.stop), (PlanStatus::Inactive, None));
}

on_both_engines!(
    a_suspended_customer_s_waiting_payments_stop,
    a_struck_off_customer_s_waiting_payments_stop,
    a_revoked_mandate_s_waiting_payments_stop,
    an_expired_mandate_s_waiting_payments_stop,
    a_deleted_card_s_waiting_payments_stop,
);
