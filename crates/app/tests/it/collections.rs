//! Plans, payments, the daily run and its pain.008 files, through the use
//! cases, on both engines.

use std::path::Path;
use std::process::Command;

use jiff::civil::{Date, date};
use prelevo_app::AppError;
use prelevo_app::bank_files::{
    discard_bank_file, send_bank_file, send_pending_files_to, write_bank_file,
};
use prelevo_app::card_aliases::{CardAliasInput, create_card_alias, delete_card_alias};
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::collection_run::{RunProgress, RunReport, run_collections};
use prelevo_app::creditors::{CreditorChange, update_creditor};
use prelevo_app::customers::change_customer_status;
use prelevo_app::mandates::{
    ReferenceChoice, change_bank_details, create_mandate, expire_dormant_mandates, revoke_mandate,
};
use prelevo_app::payments::{
    PaymentChanges, PaymentInput, amend_payment, cancel_payment, create_payment, payment,
};
use prelevo_app::plans::{PlanInput, create_plan, edit_plan, stop_plan};
use prelevo_domain::{
    BankFileStatus, Clock, Currency, Customer, CustomerEvent, DiscardReason, FixedClock, Frequency,
    Instrument, Mandate, Money, PaymentAmendment, PaymentCause, PaymentStatus, Plan, PlanEnd,
    PlanStatus, StopReason,
};
use prelevo_store::{Actor, PaymentFilter, Position, TenantStore};
use prelevo_testkit::{TestStore, french_iban, on_both_engines};

use crate::{clock, fields_of, martin, new_tenant, paper_mandate};

fn eur(cents: i64) -> Money {
    Money::from_minor(cents, Currency::EUR)
}

fn mandate_of(tenant: &TenantStore, customer: &Customer, n: u32) -> Mandate {
    let reference = ReferenceChoice::Given(format!("RUM-ACME-{n}"));
    create_mandate(
        tenant,
        &clock(),
        &Actor::Cli,
        &paper_mandate(customer, reference, 100 + n, "2026-11-02"),
    )
    .unwrap()
}

fn one_off(customer: &Customer, mandate: &Mandate) -> PaymentInput {
    PaymentInput {
        customer_id: customer.id.clone(),
        instrument: Instrument::Mandate(mandate.id.clone()),
        amount: eur(4_990),
        due_on: None,
        remittance: Some("Facture décembre".into()),
        end_to_end_id: None,
    }
}

fn monthly(customer: &Customer, mandate: &Mandate, day: i64, end: PlanEnd) -> PlanInput {
    PlanInput {
        reference: None,
        customer_id: customer.id.clone(),
        instrument: Instrument::Mandate(mandate.id.clone()),
        amount: eur(2_990),
        frequency: Frequency::Monthly,
        collection_day: day,
        start_on: date(2026, 12, 1),
        end,
        remittance: Some("Abonnement".into()),
    }
}

fn all_payments(tenant: &TenantStore) -> Vec<prelevo_store::ListedPayment> {
    tenant
        .read(|tx| tx.payments(&PaymentFilter::default(), Position::Start, 100_000))
        .unwrap()
}

fn run(tenant: &TenantStore, clock: &FixedClock, day: Date) -> RunReport {
    run_collections(tenant, clock, &UnconnectedGateway, Some(day), &mut |_| {
        Ok(())
    })
    .unwrap()
}

/// `xmllint` against the vendored schema of the file's version.
fn assert_valid(xml: &[u8], version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file.xml");
    std::fs::write(&path, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bankfiles/schemas")
        .join(format!("{version}.xsd"));
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(&path)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(xml)
    );
}

fn a_one_off_payment_is_checked_then_created(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 1);
    let refused = |input: PaymentInput| {
        fields_of(create_payment(&tenant, &clock(), &Actor::Cli, &input).unwrap_err())
    };
    let base = one_off(&customer, &mandate);
    assert_eq!(
        refused(PaymentInput {
            amount: eur(0),
            ..base.clone()
        }),
        ["amount"]
    );
    assert_eq!(
        refused(PaymentInput {
            amount: Money::from_minor(100, Currency::USD),
            ..base.clone()
        }),
        ["amount"]
    );
    // Over the bank profile's limit per payment (10 000 €).
    assert_eq!(
        refused(PaymentInput {
            amount: eur(1_000_001),
            ..base.clone()
        }),
        ["amount"]
    );
    // Christmas is a TARGET2 holiday; today (Monday 10:00 in Paris) the
    // bank can still collect tomorrow, not today.
    for day in [date(2026, 12, 25), date(2026, 11, 30), date(2026, 12, 5)] {
        assert_eq!(
            refused(PaymentInput {
                due_on: Some(day),
                ..base.clone()
            }),
            ["due_date"],
            "{day}"
        );
    }
    assert_eq!(
        refused(PaymentInput {
            remittance: Some("x".repeat(141)),
            ..base.clone()
        }),
        ["remittance_info"]
    );
    assert_eq!(
        refused(PaymentInput {
            end_to_end_id: Some("é".repeat(40)),
            amount: eur(-1),
            ..base.clone()
        }),
        ["amount", "end_to_end_id"]
    );
    assert!(all_payments(&tenant).is_empty(), "nothing created");

    let created = create_payment(&tenant, &clock(), &Actor::Cli, &base).unwrap();
    assert_eq!(created.due_on, date(2026, 12, 1), "the earliest date");
    assert_eq!(created.status, PaymentStatus::ToExecute);
    assert_eq!(
        created.remittance.as_ref().map(|r| r.as_str()),
        Some("Facture decembre")
    );
    let plan = tenant.read(|tx| tx.plan(&created.plan_id)).unwrap();
    assert_eq!(plan.status, PlanStatus::Inactive, "a one-instalment plan");
    assert_eq!(plan.schedule.instalment(0), Some(date(2026, 12, 1)));
    // The same end-to-end id again is refused by name.
    let again = create_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &PaymentInput {
            end_to_end_id: Some(created.end_to_end_id.as_str().to_owned()),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert_eq!(fields_of(again), ["end_to_end_id"]);
    // A revoked mandate takes no payment.
    revoke_mandate(&tenant, &clock(), &Actor::Cli, &mandate.id, "closed").unwrap();
    assert_eq!(refused(base), ["mandate_id"]);
}

fn a_payment_is_cancelled_or_changed_only_before_it_is_sent(store: &TestStore) {
    let tenant = new_tenant(store, 2);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 2);
    let p = create_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &one_off(&customer, &mandate),
    )
    .unwrap();
    let changed = amend_payment(
        &tenant,
        &clock(),
        &Actor::User("usr_1".into()),
        &p.id,
        &PaymentChanges {
            amount: Some(eur(5_500)),
            due_on: Some(date(2026, 12, 4)),
            remittance: Some(None),
        },
    )
    .unwrap();
    assert_eq!(
        (changed.amount, changed.due_on),
        (eur(5_500), date(2026, 12, 4))
    );
    assert_eq!(changed.remittance, None);
    let bad = amend_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &p.id,
        &PaymentChanges {
            due_on: Some(date(2026, 12, 25)),
            ..PaymentChanges::default()
        },
    )
    .unwrap_err();
    assert_eq!(fields_of(bad), ["due_date"]);
    // The same values again change nothing: no history line.
    let same = amend_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &p.id,
        &PaymentChanges {
            amount: Some(eur(5_500)),
            ..PaymentChanges::default()
        },
    )
    .unwrap();
    assert_eq!(same, changed);
    // Later, its date is too close for a new one, but kept as it is it is
    // not checked again: the amount still changes.
    let late = clock();
    late.set("2026-12-03T17:00:00Z".parse().unwrap());
    let kept = amend_payment(
        &tenant,
        &late,
        &Actor::Cli,
        &p.id,
        &PaymentChanges {
            amount: Some(eur(5_600)),
            due_on: Some(date(2026, 12, 4)),
            ..PaymentChanges::default()
        },
    )
    .unwrap();
    assert_eq!((kept.amount, kept.due_on), (eur(5_600), date(2026, 12, 4)));
    // The bank's limit drops under its amount: its text still changes with
    // the amount sent as it is; a new amount must be under the limit.
    let old = tenant.read(|tx| tx.bank_profile()).unwrap();
    let lower = prelevo_domain::BankProfile::new(
        old.pain008_version,
        old.first_collection,
        old.batch_booking,
        old.cutoff,
        i64::from(old.max_file_transactions()),
        5_000,
    )
    .unwrap();
    tenant.write(|tx| tx.save_bank_profile(&lower)).unwrap();
    let retitled = amend_payment(
        &tenant,
        &late,
        &Actor::Cli,
        &p.id,
        &PaymentChanges {
            amount: Some(eur(5_600)),
            due_on: Some(date(2026, 12, 4)),
            remittance: Some(Some("Facture 7".into())),
        },
    )
    .unwrap();
    assert_eq!(retitled.amount, eur(5_600));
    let over = amend_payment(
        &tenant,
        &late,
        &Actor::Cli,
        &p.id,
        &PaymentChanges {
            amount: Some(eur(5_700)),
            ..PaymentChanges::default()
        },
    )
    .unwrap_err();
    assert_eq!(fields_of(over), ["amount"]);
    let cancelled = cancel_payment(&tenant, &clock(), &Actor::Cli, &p.id).unwrap();
    assert_eq!(cancelled.status, PaymentStatus::NotExecuted);
    let again = cancel_payment(&tenant, &clock(), &Actor::Cli, &p.id).unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
    let (_, history) = payment(&tenant, &p.id).unwrap();
    let seen: Vec<_> = history
        .iter()
        .map(|h| {
            (
                h.from_status.as_str(),
                h.to_status.as_str(),
                h.actor.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("to_execute", "to_execute", "user:usr_1"),
            ("to_execute", "to_execute", "cli"),
            ("to_execute", "to_execute", "cli"),
            ("to_execute", "not_executed", "cli")
        ]
    );
    let eur = |cents| Money::from_minor(cents, Currency::EUR);
    assert_eq!(
        history[0].cause,
        PaymentCause::ChangedByCreditor(PaymentAmendment {
            amount: Some((eur(4990), eur(5500))),
            due_on: Some((date(2026, 12, 1), date(2026, 12, 4))),
            remittance: true,
        })
    );
}

fn the_daily_run_makes_a_valid_file_once_and_settles_it(store: &TestStore) {
    let tenant = new_tenant(store, 3);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 3);
    let plan = create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &monthly(&customer, &mandate, 3, PlanEnd::AfterInstalments(12)),
    )
    .unwrap();
    // Created at once: the instalment of 3 December, within 14 days.
    assert_eq!(all_payments(&tenant).len(), 1);
    assert_eq!(plan.created_count, 1);
    let clock = clock();
    clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    let report = run(&tenant, &clock, date(2026, 12, 2));
    assert_eq!(report.first_due_date, date(2026, 12, 3));
    assert_eq!(report.files.len(), 1);
    let file = &report.files[0];
    assert_eq!((file.transactions, file.control_sum), (1, eur(2_990)));
    assert_eq!(file.status, BankFileStatus::Pending);
    let mut xml = Vec::new();
    let written = write_bank_file(&tenant, &file.id, &mut xml).unwrap();
    assert_eq!(Some(&written.sha256), file.sha256.as_ref());
    assert_eq!(Some(written.size), file.size_bytes);
    assert_valid(&xml, "pain.008.001.08");
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains("<SeqTp>FRST</SeqTp>"), "{text}");
    assert!(text.contains("<MndtId>RUM-ACME-3</MndtId>"), "{text}");
    assert!(
        text.contains("<ReqdColltnDt>2026-12-03</ReqdColltnDt>"),
        "{text}"
    );
    // Running the same day again makes nothing more.
    let again = run(&tenant, &clock, date(2026, 12, 2));
    assert!(again.files.is_empty());
    assert_eq!(again.instalments, 0);
    // Sent: the payment is executing, the mandate's first collection made.
    let sent = send_bank_file(&tenant, &clock, &Actor::Cli, &file.id).unwrap();
    assert_eq!(sent.status, BankFileStatus::Sent);
    let refused = send_bank_file(&tenant, &clock, &Actor::Cli, &file.id).unwrap_err();
    assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
    let listed = all_payments(&tenant);
    assert_eq!(listed[0].payment.status, PaymentStatus::Executing);
    assert_eq!(listed[0].file_id.as_ref(), Some(&file.id));
    let m = tenant.read(|tx| tx.mandate(&mandate.id)).unwrap();
    assert!(!m.first_collection_pending);
    // The same bytes, whatever happens to the mandate afterwards.
    change_bank_details(
        &tenant,
        &clock,
        &Actor::Cli,
        &mandate.id,
        Some("Zoé Martin-Durand"),
        None,
        None,
    )
    .unwrap();
    let mut regenerated = Vec::new();
    write_bank_file(&tenant, &file.id, &mut regenerated).unwrap();
    assert_eq!(regenerated, xml);
    // A day run ahead (a script preparing tomorrow) settles nothing early.
    let ahead = run(&tenant, &clock, date(2026, 12, 3));
    assert_eq!(ahead.executed, 0);
    assert_eq!(
        all_payments(&tenant)[0].payment.status,
        PaymentStatus::Executing
    );
    // Its settlement date: executed.
    clock.set("2026-12-03T08:00:00Z".parse().unwrap());
    let settled = run(&tenant, &clock, date(2026, 12, 3));
    assert_eq!(settled.executed, 1);
    assert_eq!(
        all_payments(&tenant)[0].payment.status,
        PaymentStatus::Executed
    );
    // The next month's instalment comes within its 14 days, RCUR.
    clock.set("2026-12-21T08:00:00Z".parse().unwrap());
    let later = run(&tenant, &clock, date(2026, 12, 21));
    assert_eq!(later.instalments, 1);
    clock.set("2027-01-04T08:00:00Z".parse().unwrap());
    let january = run(&tenant, &clock, date(2027, 1, 4));
    assert_eq!(january.files.len(), 1);
    let mut xml = Vec::new();
    write_bank_file(&tenant, &january.files[0].id, &mut xml).unwrap();
    let text = String::from_utf8(xml).unwrap();
    assert!(text.contains("<SeqTp>RCUR</SeqTp>"), "{text}");
    assert!(text.contains("<Nm>Zoe Martin-Durand</Nm>"), "{text}");
}

fn files_go_to_a_folder_complete_and_are_marked_sent(store: &TestStore) {
    let tenant = new_tenant(store, 4);
    tenant
        .write(|tx| {
            let mut profile = tx.bank_profile()?;
            profile.pain008_version = prelevo_domain::Pain008Version::V02;
            tx.save_bank_profile(&profile)
        })
        .unwrap();
    let customer = martin(&tenant);
    for n in 0..3 {
        let mandate = mandate_of(&tenant, &customer, 40 + n);
        create_payment(
            &tenant,
            &clock(),
            &Actor::Cli,
            &one_off(&customer, &mandate),
        )
        .unwrap();
    }
    let report = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(report.files.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let report = send_pending_files_to(&tenant, &clock(), &Actor::Cli, dir.path()).unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.sent.len(), 1);
    let (file, path) = &report.sent[0];
    assert_eq!(file.status, BankFileStatus::Sent);
    let bytes = std::fs::read(path).unwrap();
    assert_valid(&bytes, "pain.008.001.02");
    assert_eq!(
        path.file_name().unwrap(),
        format!("{}.xml", file.message_id).as_str()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file left"
    );
    assert!(
        all_payments(&tenant)
            .iter()
            .all(|p| p.payment.status == PaymentStatus::Executing)
    );
    // Nothing pending any more: a second send writes nothing.
    let none = send_pending_files_to(&tenant, &clock(), &Actor::Cli, dir.path()).unwrap();
    assert!(none.sent.is_empty() && none.refused.is_empty());
}

/// One pending file made by a run of `tenant` on 30 November, three
/// collections due on 1 December.
fn one_pending_file(tenant: &TenantStore) -> prelevo_store::BankFileRecord {
    let customer = martin(tenant);
    for n in 0..3 {
        let mandate = mandate_of(tenant, &customer, 50 + n);
        create_payment(tenant, &clock(), &Actor::Cli, &one_off(&customer, &mandate)).unwrap();
    }
    let mut report = run(tenant, &clock(), date(2026, 11, 30));
    assert_eq!(report.files.len(), 1);
    report.files.remove(0)
}

fn pending(tenant: &TenantStore, file: &prelevo_store::BankFileRecord) -> bool {
    let now = tenant.read(|tx| tx.bank_file(&file.id)).unwrap();
    now.status == BankFileStatus::Pending
        && all_payments(tenant)
            .iter()
            .all(|p| p.payment.status == PaymentStatus::ToExecute)
}

/// The sequence type of the collection in the file `tenant`'s run of `day`
/// makes (one file expected).
fn sequence_in_run(tenant: &TenantStore, clock: &FixedClock, day: Date) -> String {
    let report = run(tenant, clock, day);
    assert_eq!(report.files.len(), 1);
    let mut xml = Vec::new();
    write_bank_file(tenant, &report.files[0].id, &mut xml).unwrap();
    send_bank_file(tenant, clock, &Actor::Cli, &report.files[0].id).unwrap();
    let text = String::from_utf8(xml).unwrap();
    let start = text.find("<SeqTp>").unwrap() + "<SeqTp>".len();
    text[start..start + 4].to_owned()
}

fn fnal_closes_a_mandate_only_when_nothing_else_uses_it(store: &TestStore) {
    let tenant = new_tenant(store, 16);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 16);
    create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &monthly(&customer, &mandate, 3, PlanEnd::OpenEnded),
    )
    .unwrap();
    let clock = clock();
    clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    assert_eq!(sequence_in_run(&tenant, &clock, date(2026, 12, 2)), "FRST");
    // A one-off charge on the subscription's mandate is its plan's last
    // collection, not the mandate's: FNAL would end the subscription.
    let extra =
        create_payment(&tenant, &clock, &Actor::Cli, &one_off(&customer, &mandate)).unwrap();
    assert!(extra.last_instalment);
    clock.set("2026-12-07T08:00:00Z".parse().unwrap());
    assert_eq!(sequence_in_run(&tenant, &clock, date(2026, 12, 7)), "RCUR");
    // Once the subscription is stopped, the mandate's last collection is
    // its FNAL.
    let plans = tenant
        .read(|tx| tx.plans(&prelevo_store::PlanFilter::default(), Position::Start, 10))
        .unwrap();
    let subscription = plans.iter().find(|p| p.id != extra.plan_id).unwrap();
    stop_plan(&tenant, &clock, &Actor::Cli, &subscription.id).unwrap();
    create_payment(&tenant, &clock, &Actor::Cli, &one_off(&customer, &mandate)).unwrap();
    clock.set("2026-12-09T08:00:00Z".parse().unwrap());
    assert_eq!(sequence_in_run(&tenant, &clock, date(2026, 12, 9)), "FNAL");
}

/// A mandate's FRST waiting in a file not sent: its next collection waits
/// too (a second FRST, or a later sequence before the FRST, would be
/// refused), then follows once the FRST is sent.
fn a_mandate_s_next_collection_waits_for_its_first_to_be_sent(store: &TestStore) {
    let tenant = new_tenant(store, 19);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 19);
    create_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &one_off(&customer, &mandate),
    )
    .unwrap();
    let first = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(first.files.len(), 1);
    let next = PaymentInput {
        due_on: Some(date(2026, 12, 8)),
        ..one_off(&customer, &mandate)
    };
    create_payment(&tenant, &clock(), &Actor::Cli, &next).unwrap();
    let clock = clock();
    clock.set("2026-12-07T08:00:00Z".parse().unwrap());
    let held = run(&tenant, &clock, date(2026, 12, 7));
    assert!(held.files.is_empty(), "held while the FRST waits: {held:?}");
    // The operator sent the first file after all.
    send_bank_file(&tenant, &clock, &Actor::Cli, &first.files[0].id).unwrap();
    // Not a FRST again: the last collection nothing else uses the mandate
    // for, its FNAL.
    assert_eq!(sequence_in_run(&tenant, &clock, date(2026, 12, 7)), "FNAL");
}

fn a_file_is_discarded_by_hand_or_when_the_creditor_changes(store: &TestStore) {
    let tenant = new_tenant(store, 17);
    let file = one_pending_file(&tenant);
    // Missed the cut-off, say: the creditor discards it.
    let discarded = discard_bank_file(&tenant, &clock(), &Actor::Cli, &file.id).unwrap();
    assert_eq!(discarded.status, BankFileStatus::Discarded);
    assert_eq!(
        discarded.discarded.map(|(_, why)| why),
        Some(DiscardReason::ByCreditor)
    );
    let again = discard_bank_file(&tenant, &clock(), &Actor::Cli, &file.id).unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
    // Its collections go into the next run's file.
    let next = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(next.files.len(), 1);
    assert_eq!(next.files[0].transactions, 3);
    let remade = &next.files[0];

    // A change the file does not carry keeps it.
    let language = CreditorChange {
        language: Some("en".into()),
        ..CreditorChange::default()
    };
    update_creditor(&tenant, &clock(), &Actor::Cli, &language).unwrap();
    assert!(pending(&tenant, remade));
    // The creditor's account, which the file carries, discards it.
    let account = CreditorChange {
        iban: Some(french_iban(917).to_string()),
        ..CreditorChange::default()
    };
    update_creditor(&tenant, &clock(), &Actor::Cli, &account).unwrap();
    let after = tenant.read(|tx| tx.bank_file(&remade.id)).unwrap();
    assert_eq!(
        after.discarded.map(|(_, why)| why),
        Some(DiscardReason::CreditorChanged)
    );
    let last = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(last.files.len(), 1);
    let mut xml = Vec::new();
    write_bank_file(&tenant, &last.files[0].id, &mut xml).unwrap();
    let text = String::from_utf8(xml).unwrap();
    assert!(text.contains(french_iban(917).as_str()), "{text}");
}

fn a_file_reaches_the_folder_once_and_in_time(store: &TestStore) {
    let tenant = new_tenant(store, 14);
    let file = one_pending_file(&tenant);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.xml", file.message_id));

    // Another file has its name (another creditor's, say): never replaced.
    std::fs::write(&path, b"<Document/>").unwrap();
    let report = send_pending_files_to(&tenant, &clock(), &Actor::Cli, dir.path()).unwrap();
    assert!(report.sent.is_empty());
    assert_eq!(report.refused.len(), 1);
    assert!(
        report.refused[0]
            .to_string()
            .contains("another file already has this name"),
        "{}",
        report.refused[0]
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"<Document/>");
    assert!(pending(&tenant, &file));

    // A send stopped between the folder and the database left the very
    // bytes there: marked sent, not written again — even after the
    // cut-off, since the bank may have taken it in time.
    let mut bytes = Vec::new();
    write_bank_file(&tenant, &file.id, &mut bytes).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let evening = FixedClock::new("2026-11-30T15:30:00Z".parse().unwrap());
    let report = send_pending_files_to(&tenant, &evening, &Actor::Cli, dir.path()).unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.sent.len(), 1);
    assert_eq!(report.sent[0].0.status, BankFileStatus::Sent);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // After the bank's cut-off (16:00 in Paris) a file for tomorrow is too
    // late: it stays pending, and nothing reaches the folder.
    let late_tenant = new_tenant(store, 15);
    let late = one_pending_file(&late_tenant);
    let late_dir = tempfile::tempdir().unwrap();
    let report =
        send_pending_files_to(&late_tenant, &evening, &Actor::Cli, late_dir.path()).unwrap();
    assert!(report.sent.is_empty());
    assert_eq!(report.refused.len(), 1);
    assert!(
        report.refused[0].to_string().contains("too late"),
        "{}",
        report.refused[0]
    );
    assert_eq!(std::fs::read_dir(late_dir.path()).unwrap().count(), 0);
    assert!(pending(&late_tenant, &late));
    // Before the cut-off it goes.
    let report =
        send_pending_files_to(&late_tenant, &clock(), &Actor::Cli, late_dir.path()).unwrap();
    assert_eq!(report.sent.len(), 1);
}

fn a_run_stopped_anywhere_finishes_without_doing_anything_twice(store: &TestStore) {
    let tenant = new_tenant(store, 5);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 5);
    let now = Clock::now(&clock());
    // More plans than one batch of the run (10 000).
    let plans: Vec<Plan> = (0..10_100u32)
        .map(|n| Plan {
            id: prelevo_domain::PlanId::from_body(&format!("{n:032}")).unwrap(),
            reference: None,
            customer_id: customer.id.clone(),
            kind: prelevo_domain::PaymentKind::SepaDirectDebit,
            instrument: Instrument::Mandate(mandate.id.clone()),
            amount: eur(1_000 + i64::from(n)),
            schedule: prelevo_domain::Schedule::new(
                Frequency::Monthly,
                prelevo_domain::CollectionDay::new(3).unwrap(),
                date(2026, 12, 1),
                PlanEnd::OpenEnded,
            )
            .unwrap(),
            remittance: None,
            status: PlanStatus::Active,
            next_index: 0,
            created_count: 0,
            stop: None,
            created_at: now,
            updated_at: now,
        })
        .collect();
    tenant.write(|tx| tx.insert_plans(&plans)).unwrap();
    let clock = clock();
    clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    // Killed after the first batch of instalments.
    let killed = run_collections(
        &tenant,
        &clock,
        &UnconnectedGateway,
        Some(date(2026, 12, 2)),
        &mut |step| match step {
            RunProgress::Instalments { .. } => Err(AppError::System("killed".into())),
            _ => Ok(()),
        },
    );
    assert!(killed.is_err());
    assert_eq!(all_payments(&tenant).len(), 10_000);
    // Killed between making the files and writing them.
    let killed = run_collections(
        &tenant,
        &clock,
        &UnconnectedGateway,
        Some(date(2026, 12, 2)),
        &mut |step| match step {
            RunProgress::Staged { .. } => Err(AppError::System("killed".into())),
            _ => Ok(()),
        },
    );
    assert!(killed.is_err());
    assert_eq!(all_payments(&tenant).len(), 10_100);
    let unwritten = tenant.read(|tx| tx.unwritten_files()).unwrap();
    assert_eq!(unwritten.len(), 1);
    // The next run writes that file and makes no other.
    let finished = run(&tenant, &clock, date(2026, 12, 2));
    assert_eq!(finished.instalments, 0);
    assert_eq!(finished.files.len(), 1);
    assert_eq!(finished.files[0].id, unwritten[0]);
    assert_eq!(finished.files[0].transactions, 10_100);
    let expected: i64 = (0..10_100).map(|n| 1_000 + n).sum();
    assert_eq!(finished.files[0].control_sum, eur(expected));
    let mut xml = Vec::new();
    let written = write_bank_file(&tenant, &finished.files[0].id, &mut xml).unwrap();
    assert_eq!(finished.files[0].sha256.as_ref(), Some(&written.sha256));
    assert_valid(&xml, "pain.008.001.08");
    let text = String::from_utf8(xml).unwrap();
    assert_eq!(text.matches("<DrctDbtTxInf>").count(), 10_100);
    assert_eq!(text.matches("<SeqTp>FRST</SeqTp>").count(), 1);
    let nothing = run(&tenant, &clock, date(2026, 12, 2));
    assert!(nothing.files.is_empty());
    assert_eq!(all_payments(&tenant).len(), 10_100);
}

/// Instalments dated before today are skipped, not collected late: a plan
/// with none left is refused, one with some left collects those.
fn a_plan_in_the_past_collects_only_what_is_to_come(store: &TestStore) {
    let tenant = new_tenant(store, 18);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 18);
    let past = PlanInput {
        start_on: date(2026, 1, 1),
        ..monthly(&customer, &mandate, 1, PlanEnd::AfterInstalments(2))
    };
    let refused = create_plan(&tenant, &clock(), &Actor::Cli, &past).unwrap_err();
    let AppError::Invalid(fields) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(fields[0].field, "start_date", "{refused:?}");
    assert!(all_payments(&tenant).is_empty(), "nothing kept");
    let partly = PlanInput {
        start_on: date(2026, 10, 1),
        ..monthly(&customer, &mandate, 1, PlanEnd::AfterInstalments(6))
    };
    let plan = create_plan(&tenant, &clock(), &Actor::Cli, &partly).unwrap();
    let due: Vec<Date> = all_payments(&tenant)
        .iter()
        .map(|p| p.payment.due_on)
        .collect();
    assert_eq!(due, [date(2026, 12, 1)], "October and November are skipped");
    assert_eq!(plan.status, PlanStatus::Active);
}

fn a_plan_stops_when_its_method_or_customer_can_no_longer_pay(store: &TestStore) {
    let tenant = new_tenant(store, 6);
    let customer = martin(&tenant);
    let stopped_by = |plan: &Plan| {
        let back = tenant.read(|tx| tx.plan(&plan.id)).unwrap();
        assert_eq!(back.status, PlanStatus::Inactive);
        let pending = tenant
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
            .unwrap();
        assert!(
            pending
                .iter()
                .all(|p| p.payment.status == PaymentStatus::NotExecuted)
        );
        assert!(!pending.is_empty());
        back.stop.unwrap().reason
    };
    let plan_on = |mandate: &Mandate| {
        create_plan(
            &tenant,
            &clock(),
            &Actor::Cli,
            &monthly(&customer, mandate, 10, PlanEnd::OpenEnded),
        )
        .unwrap()
    };
    // Revoked mandate.
    let m1 = mandate_of(&tenant, &customer, 61);
    let p1 = plan_on(&m1);
    revoke_mandate(&tenant, &clock(), &Actor::Cli, &m1.id, "closed").unwrap();
    assert_eq!(stopped_by(&p1), StopReason::MandateRevoked);
    // Expired mandate: 36 months later, with no collection.
    let m2 = mandate_of(&tenant, &customer, 62);
    let p2 = plan_on(&m2);
    let later = clock();
    later.set("2029-11-10T08:00:00Z".parse().unwrap());
    expire_dormant_mandates(&tenant, &later).unwrap();
    assert_eq!(stopped_by(&p2), StopReason::MandateExpired);
    // Deleted card.
    let card = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &CardAliasInput {
            customer_id: customer.id.to_string(),
            token: "tok_1".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            expiry_month: 12,
            expiry_year: 2030,
            holder: None,
        },
    )
    .unwrap();
    let p3 = create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &PlanInput {
            instrument: Instrument::Card(card.id.clone()),
            ..monthly(&customer, &m1, 10, PlanEnd::OpenEnded)
        },
    )
    .unwrap();
    delete_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &card.id,
    )
    .unwrap();
    assert_eq!(stopped_by(&p3), StopReason::CardDeleted);
    // Suspended customer, then struck off.
    let m4 = mandate_of(&tenant, &customer, 64);
    let p4 = plan_on(&m4);
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &customer.id,
        CustomerEvent::Suspend,
    )
    .unwrap();
    assert_eq!(stopped_by(&p4), StopReason::CustomerSuspended);
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &customer.id,
        CustomerEvent::Reactivate,
    )
    .unwrap();
    let p5 = plan_on(&m4);
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &customer.id,
        CustomerEvent::StrikeOff,
    )
    .unwrap();
    assert_eq!(stopped_by(&p5), StopReason::CustomerStruckOff);
    // A stopped plan cannot be stopped again.
    let again = stop_plan(&tenant, &clock(), &Actor::Cli, &p5.id).unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
}

fn a_changed_plan_applies_to_instalments_not_sent(store: &TestStore) {
    let tenant = new_tenant(store, 7);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 7);
    let input = monthly(&customer, &mandate, 3, PlanEnd::OpenEnded);
    let plan = create_plan(&tenant, &clock(), &Actor::Cli, &input).unwrap();
    let clock = clock();
    clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    let report = run(&tenant, &clock, date(2026, 12, 2));
    send_bank_file(&tenant, &clock, &Actor::Cli, &report.files[0].id).unwrap();
    clock.set("2026-12-21T08:00:00Z".parse().unwrap());
    run(&tenant, &clock, date(2026, 12, 21));
    // Sent: 3 December; waiting: 4 January (the 3rd is a Sunday).
    let changed = edit_plan(
        &tenant,
        &clock,
        &Actor::Cli,
        &plan.id,
        &PlanInput {
            amount: eur(3_500),
            start_on: date(2026, 12, 1),
            ..input.clone()
        },
    )
    .unwrap();
    assert_eq!(changed.amount, eur(3_500));
    let mut seen: Vec<_> = all_payments(&tenant)
        .into_iter()
        .map(|p| (p.payment.due_on, p.payment.amount, p.payment.status))
        .collect();
    seen.sort_by_key(|(due, _, status)| (*due, status.as_str()));
    assert_eq!(
        seen,
        [
            (date(2026, 12, 3), eur(2_990), PaymentStatus::Executed),
            (date(2027, 1, 4), eur(2_990), PaymentStatus::NotExecuted),
            (date(2027, 1, 4), eur(3_500), PaymentStatus::ToExecute),
        ]
    );
    let stopped = stop_plan(&tenant, &clock, &Actor::Cli, &plan.id).unwrap();
    assert_eq!(stopped.status, PlanStatus::Inactive);
    assert!(
        all_payments(&tenant)
            .iter()
            .all(|p| p.payment.status != PaymentStatus::ToExecute)
    );
}

/// Moving the collection day after an instalment was sent starts the new
/// day with the next period: never two collections in one month.
fn a_plan_s_new_collection_day_starts_with_the_next_period(store: &TestStore) {
    let tenant = new_tenant(store, 10);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 10);
    let input = monthly(&customer, &mandate, 3, PlanEnd::OpenEnded);
    let plan = create_plan(&tenant, &clock(), &Actor::Cli, &input).unwrap();
    let clock = clock();
    clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    let report = run(&tenant, &clock, date(2026, 12, 2));
    send_bank_file(&tenant, &clock, &Actor::Cli, &report.files[0].id).unwrap();
    // 3 December is sent; the day moves to the 20th the same day.
    let changed = edit_plan(
        &tenant,
        &clock,
        &Actor::Cli,
        &plan.id,
        &monthly(&customer, &mandate, 20, PlanEnd::OpenEnded),
    )
    .unwrap();
    assert_eq!(changed.next_due(), Some(date(2027, 1, 20)));
    clock.set("2027-01-07T08:00:00Z".parse().unwrap());
    run(&tenant, &clock, date(2027, 1, 7));
    let mut dates: Vec<_> = all_payments(&tenant)
        .into_iter()
        .map(|p| p.payment.due_on)
        .collect();
    dates.sort();
    assert_eq!(dates, [date(2026, 12, 3), date(2027, 1, 20)]);
}

/// An instalment the creditor cancelled by hand stays cancelled when the
/// plan changes afterwards; those the change cancels are made again.
fn a_plan_change_keeps_an_instalment_cancelled_by_hand(store: &TestStore) {
    let tenant = new_tenant(store, 11);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 11);
    let input = monthly(&customer, &mandate, 3, PlanEnd::OpenEnded);
    let plan = create_plan(&tenant, &clock(), &Actor::Cli, &input).unwrap();
    let december = all_payments(&tenant)[0].payment.clone();
    assert_eq!(december.due_on, date(2026, 12, 3));
    cancel_payment(&tenant, &clock(), &Actor::Cli, &december.id).unwrap();
    let dearer = PlanInput {
        amount: eur(3_500),
        ..input.clone()
    };
    let changed = edit_plan(&tenant, &clock(), &Actor::Cli, &plan.id, &dearer).unwrap();
    assert_eq!(changed.next_due(), Some(date(2027, 1, 3)));
    let waiting: Vec<_> = all_payments(&tenant)
        .into_iter()
        .filter(|p| p.payment.status == PaymentStatus::ToExecute)
        .collect();
    assert!(waiting.is_empty(), "December stays cancelled: {waiting:?}");
    // A second change makes January again, once.
    let clock = clock();
    clock.set("2026-12-21T08:00:00Z".parse().unwrap());
    run(&tenant, &clock, date(2026, 12, 21));
    let again = PlanInput {
        amount: eur(3_600),
        ..input
    };
    edit_plan(&tenant, &clock, &Actor::Cli, &plan.id, &again).unwrap();
    let waiting: Vec<_> = all_payments(&tenant)
        .into_iter()
        .filter(|p| p.payment.status == PaymentStatus::ToExecute)
        .map(|p| (p.payment.due_on, p.payment.amount))
        .collect();
    assert_eq!(waiting, [(date(2027, 1, 4), eur(3_600))]);
}

fn a_changed_payment_or_mandate_discards_its_pending_file(store: &TestStore) {
    let tenant = new_tenant(store, 8);
    let customer = martin(&tenant);
    let m1 = mandate_of(&tenant, &customer, 81);
    let m2 = mandate_of(&tenant, &customer, 82);
    let p1 = create_payment(&tenant, &clock(), &Actor::Cli, &one_off(&customer, &m1)).unwrap();
    create_payment(&tenant, &clock(), &Actor::Cli, &one_off(&customer, &m2)).unwrap();
    let first = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(first.files[0].transactions, 2);
    cancel_payment(&tenant, &clock(), &Actor::Cli, &p1.id).unwrap();
    let discarded = tenant.read(|tx| tx.bank_file(&first.files[0].id)).unwrap();
    assert_eq!(discarded.status, BankFileStatus::Discarded);
    assert_eq!(
        discarded.discarded.map(|(_, why)| why),
        Some(DiscardReason::PaymentCancelled)
    );
    let audited = tenant
        .read(|tx| {
            let only = prelevo_store::AuditFilter {
                action: Some("discarded".into()),
                ..Default::default()
            };
            tx.audit_events(&only, prelevo_store::Position::Start, 10)
        })
        .unwrap();
    assert!(
        audited[0]
            .after
            .as_deref()
            .is_some_and(|after| after.contains(r#""discard_reason":"payment_cancelled""#)),
        "the audit keeps why: {audited:?}"
    );
    let second = run(&tenant, &clock(), date(2026, 11, 30));
    assert_eq!(second.files[0].transactions, 1);
    // The debtor's IBAN changes before the file is sent: it is made again
    // with the new account and the amendment.
    change_bank_details(
        &tenant,
        &clock(),
        &Actor::Cli,
        &m2.id,
        None,
        Some(french_iban(999).as_str()),
        None,
    )
    .unwrap();
    let gone = tenant.read(|tx| tx.bank_file(&second.files[0].id)).unwrap();
    assert_eq!(gone.status, BankFileStatus::Discarded);
    assert_eq!(
        gone.discarded.map(|(_, why)| why),
        Some(DiscardReason::MandateChanged)
    );
    let third = run(&tenant, &clock(), date(2026, 11, 30));
    let mut xml = Vec::new();
    write_bank_file(&tenant, &third.files[0].id, &mut xml).unwrap();
    let text = String::from_utf8(xml).unwrap();
    assert!(text.contains(french_iban(999).as_str()), "{text}");
    assert!(text.contains("<AmdmntInd>true</AmdmntInd>"), "{text}");
}

fn a_file_that_cannot_be_written_leaves_nothing_behind(store: &TestStore) {
    let tenant = new_tenant(store, 9);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 9);
    let p = create_payment(
        &tenant,
        &clock(),
        &Actor::Cli,
        &one_off(&customer, &mandate),
    )
    .unwrap();
    // An amount no bank file can carry, stored behind the checks' back.
    let mut huge = p.clone();
    huge.amount = eur(100_000_000_000);
    // Saved as if it were in flight, it is not: nothing changes.
    let in_flight = prelevo_domain::PaymentVersion {
        status: PaymentStatus::Executing,
        ..p.version()
    };
    let stale = tenant
        .write(|tx| tx.save_payment(&huge, in_flight))
        .unwrap_err();
    assert!(
        matches!(stale, prelevo_store::StoreError::Conflict { .. }),
        "{stale:?}"
    );
    // Saved over an older version (changed since it was read): nothing
    // changes either.
    let older = prelevo_domain::PaymentVersion {
        updated_at: p.updated_at - jiff::SignedDuration::from_secs(1),
        ..p.version()
    };
    let overwritten = tenant
        .write(|tx| tx.save_payment(&huge, older))
        .unwrap_err();
    assert!(
        matches!(overwritten, prelevo_store::StoreError::Conflict { .. }),
        "{overwritten:?}"
    );
    assert_eq!(payment(&tenant, &p.id).unwrap().0.payment.amount, p.amount);
    tenant
        .write(|tx| tx.save_payment(&huge, p.version()))
        .unwrap();
    let failed = run_collections(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        Some(date(2026, 11, 30)),
        &mut |_| Ok(()),
    );
    assert!(failed.is_err());
    let files = tenant
        .read(|tx| tx.bank_files(None, Position::Start, 10))
        .unwrap();
    assert!(files.is_empty(), "{files:?}");
    let listed = all_payments(&tenant);
    assert_eq!(listed[0].payment.status, PaymentStatus::ToExecute);
    assert_eq!(listed[0].file_id, None);
}

/// The day's job renews its lease at each committed step, and stops at
/// the first step after another worker took its lease.
fn the_day_s_job_renews_its_lease_and_stops_once_it_lost_it(store: &TestStore) {
    use prelevo_app::daily::RunCollections;
    use prelevo_app::jobs::{BackgroundJob, JobContext, enqueue};
    let tenant = new_tenant(store, 9);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 9);
    create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &monthly(&customer, &mandate, 3, PlanEnd::AfterInstalments(12)),
    )
    .unwrap();
    let clock = clock();
    let t0: jiff::Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
    clock.set(t0);
    let ten = jiff::SignedDuration::from_mins(10);
    tenant
        .write(|tx| enqueue(tx, &RunCollections, t0, t0, None))
        .unwrap();
    let claimed = store.claim_jobs("w1", t0, t0 + ten, 1).unwrap();
    let not_ours = JobContext {
        store,
        clock: &clock,
        tenant: Some(tenant.clone()),
        job_id: claimed[0].id,
        attempt: 1,
        card_gateway: &UnconnectedGateway,
        worker: "w2",
        lease: ten,
    };
    let stopped = RunCollections.run(&not_ours).unwrap_err().to_string();
    assert!(stopped.contains("no longer held"), "{stopped}");
    clock.set(t0 + jiff::SignedDuration::from_mins(9));
    let ours = JobContext {
        worker: "w1",
        ..not_ours
    };
    RunCollections.run(&ours).unwrap();
    let file = tenant
        .read(|tx| tx.bank_files(None, prelevo_store::Position::Start, 10))
        .unwrap();
    assert!(file[0].sha256.is_some(), "the next run finished the file");
    // Renewed from minute 9: still this worker's at minute 15.
    let later = t0 + jiff::SignedDuration::from_mins(15);
    assert_eq!(store.recover_expired_jobs(later).unwrap(), 0);
}

/// One run of a creditor's day at a time: a run started while another
/// holds the day is refused and does nothing; a run frees the day when it
/// ends, stopped or not; a hold that lapsed (a crashed run) frees it too.
fn one_run_of_a_creditor_s_day_at_a_time(store: &TestStore) {
    let tenant = new_tenant(store, 6);
    let customer = martin(&tenant);
    let mandate = mandate_of(&tenant, &customer, 6);
    let clock = clock();
    create_plan(
        &tenant,
        &clock,
        &Actor::Cli,
        &monthly(&customer, &mandate, 3, PlanEnd::OpenEnded),
    )
    .unwrap();
    let now = clock.now();
    // `holder` takes the day for 10 minutes from now: nobody held it.
    let take = |holder: &str| {
        let held = tenant
            .write(|tx| {
                tx.hold_collection_run(holder, now, now + jiff::SignedDuration::from_mins(10))
            })
            .unwrap();
        assert_eq!(held, None, "{holder}");
    };
    take("prelevo-7-other");
    let refused = run_collections(&tenant, &clock, &UnconnectedGateway, None, &mut |_| Ok(()));
    match refused {
        Err(AppError::Conflict(why)) => assert!(why.contains("prelevo-7-other"), "{why}"),
        other => panic!("{other:?}"),
    }
    // The other run ends: this one runs, and frees the day when stopped.
    tenant
        .write(|tx| tx.release_collection_run("prelevo-7-other"))
        .unwrap();
    let stopped = run_collections(&tenant, &clock, &UnconnectedGateway, None, &mut |_| {
        Err(AppError::System("stopped".into()))
    });
    assert!(stopped.is_err());
    let _ = run(&tenant, &clock, clock.today_in(&jiff::tz::TimeZone::UTC));
    // A hold that lapsed is taken over.
    take("prelevo-8-crashed");
    clock.advance(jiff::SignedDuration::from_mins(11)).unwrap();
    let _ = run(&tenant, &clock, clock.today_in(&jiff::tz::TimeZone::UTC));
}

on_both_engines!(
    a_plan_s_new_collection_day_starts_with_the_next_period,
    one_run_of_a_creditor_s_day_at_a_time,
    a_plan_change_keeps_an_instalment_cancelled_by_hand,
    the_day_s_job_renews_its_lease_and_stops_once_it_lost_it,
    a_one_off_payment_is_checked_then_created,
    a_payment_is_cancelled_or_changed_only_before_it_is_sent,
    the_daily_run_makes_a_valid_file_once_and_settles_it,
    files_go_to_a_folder_complete_and_are_marked_sent,
    a_file_reaches_the_folder_once_and_in_time,
    a_file_is_discarded_by_hand_or_when_the_creditor_changes,
    a_mandate_s_next_collection_waits_for_its_first_to_be_sent,
    fnal_closes_a_mandate_only_when_nothing_else_uses_it,
    a_run_stopped_anywhere_finishes_without_doing_anything_twice,
    a_plan_stops_when_its_method_or_customer_can_no_longer_pay,
    a_plan_in_the_past_collects_only_what_is_to_come,
    a_changed_plan_applies_to_instalments_not_sent,
    a_changed_payment_or_mandate_discards_its_pending_file,
    a_file_that_cannot_be_written_leaves_nothing_behind,
);
