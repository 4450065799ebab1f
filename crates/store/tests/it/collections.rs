//! Plans, payments and bank files in the store: the set-based statements of
//! the daily run against what the domain says.

use jiff::civil::{Date, date};
use prelevo_domain::{
    Amendment, BankFileId, BankFileStatus, CollectionDay, Currency, DiscardReason, EndToEndId,
    FirstCollection, Frequency, Instrument, Mandate, MandateKind, MandateRef, Money,
    OriginalAccount, Pain008Version, Payment, PaymentCause, PaymentChange, PaymentId, PaymentKind,
    PaymentStatus, Plan, PlanEnd, PlanId, PlanReference, PlanStatus, Schedule, SequenceType,
    next_sequence,
};
use prelevo_store::{
    Actor, BankFileRecord, PaymentFilter, PlanFilter, Position, StoreError, Tally, TenantStore,
};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::customers::customer;
use crate::mandates::mandate;
use crate::{creditor, t0};

fn plan(n: u32, mandate: &Mandate, end: PlanEnd) -> Plan {
    Plan {
        id: PlanId::from_body(&format!("{n:032}")).unwrap(),
        reference: Some(PlanReference::parse(&format!("ABO-{n}")).unwrap()),
        customer_id: mandate.customer_id.clone(),
        kind: PaymentKind::SepaDirectDebit,
        instrument: Instrument::Mandate(mandate.id.clone()),
        amount: Money::from_minor(1_000 + i64::from(n), Currency::EUR),
        schedule: Schedule::new(
            Frequency::Monthly,
            CollectionDay::new(5).unwrap(),
            date(2026, 12, 1),
            end,
        )
        .unwrap(),
        remittance: None,
        status: PlanStatus::Active,
        next_index: 0,
        created_count: 0,
        stop: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

fn payment(n: u32, plan: &Plan, instalment: u32, last: bool, due_on: Date) -> Payment {
    Payment {
        id: PaymentId::from_body(&format!("{n:032}")).unwrap(),
        plan_id: plan.id.clone(),
        instalment,
        last_instalment: last,
        customer_id: plan.customer_id.clone(),
        kind: PaymentKind::SepaDirectDebit,
        instrument: plan.instrument.clone(),
        amount: Money::from_minor(100 * i64::from(n), Currency::EUR),
        due_on,
        remittance: None,
        end_to_end_id: EndToEndId::parse(&format!("E2E-{n}")).unwrap(),
        status: PaymentStatus::ToExecute,
        created_at: t0(),
        updated_at: t0(),
    }
}

struct World {
    tenant: TenantStore,
    mandates: Vec<Mandate>,
    plans: Vec<Plan>,
}

/// Four mandates, each with a plan: 1 recurrent with its first collection
/// to come (and an amendment), 2 recurrent already collected, 3 one-off,
/// 4 recurrent already collected whose plan ends with its next payment.
fn world(store: &TestStore, n: u32) -> World {
    let (_, tenant) = creditor(store, &format!("Acme {n}"), n);
    let holder = customer(&format!("C-{n}"), "Martin", i64::from(n));
    let mut mandates: Vec<Mandate> = (1..=4)
        .map(|i| {
            mandate(
                n * 10 + i,
                &holder,
                Some(&format!("RUM-{n}-{i}")),
                date(2026, 1, 5),
            )
        })
        .collect();
    mandates[0].amendment = Amendment {
        original_reference: Some(MandateRef::parse("OLD-1").unwrap()),
        original_account: Some(OriginalAccount::Smnda),
        ..Amendment::default()
    };
    mandates[1].first_collection_pending = false;
    mandates[2].kind = MandateKind::OneOff;
    mandates[3].first_collection_pending = false;
    let plans: Vec<Plan> = mandates
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let end = if i == 3 {
                PlanEnd::AfterInstalments(1)
            } else {
                PlanEnd::OpenEnded
            };
            plan(n * 10 + u32::try_from(i).unwrap(), m, end)
        })
        .collect();
    tenant
        .write(|tx| {
            tx.insert_customer(&holder)?;
            tx.insert_mandates(&mandates)?;
            tx.insert_plans(&plans)
        })
        .unwrap();
    World {
        tenant,
        mandates,
        plans,
    }
}

fn file_id(prefix: &str, k: u32) -> BankFileId {
    BankFileId::parse(&format!("{prefix}{k}")).unwrap()
}

fn record(id: BankFileId, n: u64, sum: i64) -> BankFileRecord {
    BankFileRecord {
        message_id: format!("MSG-{id}"),
        id,
        format: Pain008Version::V02,
        batch_booking: true,
        run_on: date(2026, 12, 3),
        status: BankFileStatus::Pending,
        transactions: n,
        control_sum: Money::from_minor(sum, Currency::EUR),
        sha256: None,
        size_bytes: None,
        created_at: t0(),
        sent_at: None,
        discarded: None,
    }
}

fn plans_and_payments_read_back(store: &TestStore) {
    let w = world(store, 1);
    let mut moved = w.plans[0].clone();
    moved.next_index = 3;
    moved.created_count = 3;
    let p = payment(1, &w.plans[0], 0, false, date(2026, 12, 7));
    w.tenant
        .write(|tx| {
            tx.save_plan_progress(std::slice::from_ref(&moved))?;
            tx.insert_payments(std::slice::from_ref(&p))
        })
        .unwrap();
    let (back, listed) = w
        .tenant
        .read(|tx| Ok::<_, StoreError>((tx.plan(&moved.id)?, tx.payment(&p.id)?)))
        .unwrap();
    assert_eq!(back, moved);
    assert_eq!(listed.payment, p);
    assert_eq!(listed.file_id, None);
    // Due on or before the horizon: the plan whose next date is 5 March.
    let due = w
        .tenant
        .read(|tx| tx.plans_due(date(2027, 3, 5), None, 10))
        .unwrap();
    assert_eq!(due.len(), 4);
    assert!(
        due.windows(2).all(|w| w[0].id < w[1].id),
        "a batch comes in id order"
    );
    // The next batch starts after the last plan of the one before.
    let rest = w
        .tenant
        .read(|tx| tx.plans_due(date(2027, 3, 5), Some(&due[1].id), 10))
        .unwrap();
    assert_eq!(rest, due[2..]);
    let due = w
        .tenant
        .read(|tx| tx.plans_due(date(2027, 3, 4), None, 10))
        .unwrap();
    assert_eq!(due.len(), 3, "the moved plan is next due in March");
    // An instalment stored twice, or an end-to-end id used twice, is refused.
    let twice = w
        .tenant
        .write(|tx| tx.insert_payments(&[payment(2, &w.plans[0], 0, false, date(2026, 12, 7))]));
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    let mut same_e2e = payment(3, &w.plans[1], 0, false, date(2026, 12, 7));
    same_e2e.end_to_end_id = p.end_to_end_id.clone();
    let twice = w.tenant.write(|tx| tx.insert_payments(&[same_e2e]));
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    let listed = w
        .tenant
        .read(|tx| {
            tx.plans(
                &PlanFilter {
                    mandate_id: Some(w.mandates[2].id.clone()),
                    ..PlanFilter::default()
                },
                Position::Start,
                10,
            )
        })
        .unwrap();
    assert_eq!(listed, [w.plans[2].clone()]);
    // A plan whose last instalment was created ends: its state is saved
    // with its cursor, and it is due no more.
    let mut ended = w.plans[1].clone();
    ended.next_index = 12;
    ended.created_count = 12;
    ended.status = PlanStatus::Inactive;
    ended.updated_at = t0() + jiff::SignedDuration::from_hours(2);
    w.tenant
        .write(|tx| tx.save_plan_progress(std::slice::from_ref(&ended)))
        .unwrap();
    assert_eq!(w.tenant.read(|tx| tx.plan(&ended.id)).unwrap(), ended);
    let due = w
        .tenant
        .read(|tx| tx.plans_due(date(2030, 1, 1), None, 10))
        .unwrap();
    assert!(due.iter().all(|p| p.id != ended.id), "{due:?}");
    // An edit after the run's last move is the plan's last change.
    let mut edited = ended.clone();
    edited.updated_at = t0() + jiff::SignedDuration::from_hours(3);
    w.tenant
        .write(|tx| tx.save_plan(&edited, ended.version()))
        .unwrap();
    assert_eq!(w.tenant.read(|tx| tx.plan(&ended.id)).unwrap(), edited);
    // An edit over a plan the run moved on since it was read is refused,
    // and nothing of it is saved: the run's move stays.
    let read = w.tenant.read(|tx| tx.plan(&w.plans[2].id)).unwrap();
    let mut run_moved = read.clone();
    run_moved.next_index += 1;
    run_moved.created_count += 1;
    w.tenant
        .write(|tx| tx.save_plan_progress(std::slice::from_ref(&run_moved)))
        .unwrap();
    let mut late_edit = read.clone();
    late_edit.amount = Money::from_minor(9_999, Currency::EUR);
    let refused = w
        .tenant
        .write(|tx| tx.save_plan(&late_edit, read.version()));
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(
        w.tenant.read(|tx| tx.plan(&read.id)).unwrap(),
        run_moved,
        "the run's move stays and the edit is not half-saved"
    );
    // So is a save over a plan stopped since.
    let mut stopped = run_moved.clone();
    stopped.status = PlanStatus::Inactive;
    w.tenant
        .write(|tx| tx.save_plan(&stopped, run_moved.version()))
        .unwrap();
    let refused = w
        .tenant
        .write(|tx| tx.save_plan(&late_edit, run_moved.version()));
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
}

/// A plan's reference is the creditor's: found by it in one query, unique
/// for the creditor, free for another creditor, and optional.
fn plan_references_are_unique_per_creditor(store: &TestStore) {
    let w = world(store, 1);
    let reference = |text: &str| PlanReference::parse(text).unwrap();
    let mut found = w
        .tenant
        .read(|tx| {
            tx.plans_by_references(&[reference("ABO-10"), reference("ABO-12"), reference("NONE")])
        })
        .unwrap();
    found.sort_by(|a, b| a.reference.cmp(&b.reference));
    assert_eq!(found, [w.plans[0].clone(), w.plans[2].clone()]);

    let mut twin = plan(99, &w.mandates[0], PlanEnd::OpenEnded);
    twin.reference = w.plans[0].reference.clone();
    let twice = w.tenant.write(|tx| tx.insert_plan(&twin));
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    // Plans without a reference do not collide.
    let without = |n| Plan {
        reference: None,
        ..plan(n, &w.mandates[0], PlanEnd::OpenEnded)
    };
    w.tenant
        .write(|tx| tx.insert_plans(&[without(97), without(98)]))
        .unwrap();

    let other = world(store, 2);
    let mut same = plan(200, &other.mandates[0], PlanEnd::OpenEnded);
    same.reference = w.plans[0].reference.clone();
    other.tenant.write(|tx| tx.insert_plan(&same)).unwrap();
    let seen = other
        .tenant
        .read(|tx| tx.plans_by_references(&[reference("ABO-10"), reference("ABO-11")]))
        .unwrap();
    assert_eq!(seen, [same], "only its own plans");
}

/// A mandate waiting for its first collection again (the debtor changed
/// bank) whose earlier collection already sits in a pending file as RCUR:
/// that one is in a file, so the next one due is the mandate's FRST.
fn an_earlier_collection_in_a_file_is_not_the_first_to_come(store: &TestStore) {
    let (w, _, _) = staged(store, FirstCollection::Frst, 9);
    // Mandate 2 was collected before: its payment went as RCUR.
    let mut changed_bank = w.mandates[1].clone();
    changed_bank.first_collection_pending = true;
    let next = payment(9_100, &w.plans[1], 5, false, date(2026, 12, 7));
    let entries = w
        .tenant
        .write(|tx| {
            tx.save_mandate(&changed_bank)?;
            tx.insert_payments(std::slice::from_ref(&next))?;
            let staged =
                tx.stage_collections("file_9next", date(2026, 12, 7), FirstCollection::Frst, 3)?;
            assert_eq!(staged, 1);
            tx.file_entries(&file_id("file_9next", 0), 0, 10)
        })
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].payment_id, next.id);
    assert_eq!(entries[0].sequence, SequenceType::Frst);
}

/// A run's batch moves thousands of plans to the same place: saved by
/// several statements, every one of them is saved (the plans that end
/// too), and the count of plans saved matches.
fn plans_moved_together_are_saved_by_several_statements(store: &TestStore) {
    let w = world(store, 9);
    let many: Vec<Plan> = (0..2_500)
        .map(|i| plan(90_000 + i, &w.mandates[1], PlanEnd::OpenEnded))
        .collect();
    w.tenant.write(|tx| tx.insert_plans(&many)).unwrap();
    let later = t0() + jiff::SignedDuration::from_hours(1);
    let moved: Vec<Plan> = many
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut moved = p.clone();
            moved.next_index = 1;
            moved.created_count = 1;
            moved.updated_at = later;
            if i < 1_200 {
                moved.status = PlanStatus::Inactive;
            }
            moved
        })
        .collect();
    w.tenant.write(|tx| tx.save_plan_progress(&moved)).unwrap();
    let back: Vec<Plan> = w
        .tenant
        .read(|tx| {
            moved
                .iter()
                .map(|p| tx.plan(&p.id))
                .collect::<Result<_, _>>()
        })
        .unwrap();
    assert!(back == moved, "a plan was not saved as moved");
}

/// Payments go in a hundred per statement and the rest in one more; a
/// conflict anywhere in a call stores none of its payments.
fn payments_are_stored_whole_by_hundreds(store: &TestStore) {
    let w = world(store, 8);
    let instalments = |from: u32, to: u32| -> Vec<Payment> {
        (from..to)
            .map(|i| payment(8_000 + i, &w.plans[1], i, false, date(2026, 12, 7)))
            .collect()
    };
    let count = || {
        w.tenant
            .read(|tx| tx.tally_payments(&PaymentFilter::default(), 1_000))
            .unwrap()
    };
    w.tenant
        .write(|tx| tx.insert_payments(&instalments(0, 250)))
        .unwrap();
    assert_eq!(count(), Tally::Exact(250));
    let mut again = instalments(250, 400);
    // The 51st of the call is an instalment stored before.
    again[50] = payment(9_999, &w.plans[1], 3, false, date(2026, 12, 7));
    let refused = w.tenant.write(|tx| tx.insert_payments(&again));
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(
        count(),
        Tally::Exact(250),
        "none of the refused call is kept"
    );
}

/// Stages the four mandates' payments due on 7 December (and one due
/// later, left out) into files of 3.
fn staged(store: &TestStore, rule: FirstCollection, n: u32) -> (World, Vec<Payment>, String) {
    let w = world(store, n);
    let due = date(2026, 12, 7);
    let p = |i: u32| n * 10 + i;
    let payments = vec![
        payment(p(1), &w.plans[0], 0, false, due),
        payment(p(2), &w.plans[0], 1, false, due),
        payment(p(3), &w.plans[1], 0, false, due),
        payment(p(4), &w.plans[2], 0, true, due),
        payment(p(5), &w.plans[3], 0, true, due),
        payment(p(6), &w.plans[1], 1, false, date(2027, 1, 5)),
    ];
    let prefix = format!("file_{n}run");
    let staged = w
        .tenant
        .write(|tx| {
            tx.insert_payments(&payments)?;
            tx.stage_collections(&prefix, due, rule, 3)
        })
        .unwrap();
    assert_eq!(staged, 5);
    (w, payments, prefix)
}

fn staging_follows_the_domain_s_sequence_rules(store: &TestStore) {
    for (rule, n) in [(FirstCollection::Frst, 2), (FirstCollection::Rcur, 4)] {
        let (w, payments, prefix) = staged(store, rule, n);
        let entries: Vec<_> = (0..2)
            .flat_map(|k| {
                w.tenant
                    .read(|tx| tx.file_entries(&file_id(&prefix, k), 0, 100))
                    .unwrap()
            })
            .collect();
        assert_eq!(entries.len(), 5);
        for entry in &entries {
            let p = payments.iter().find(|p| p.id == entry.payment_id).unwrap();
            let m = w
                .mandates
                .iter()
                .find(|m| Some(&m.id) == p.instrument.mandate())
                .unwrap();
            // The first collection due of a mandate is its FRST; a second
            // one in the same run follows it.
            let first_of_mandate = payments
                .iter()
                .filter(|q| q.instrument == p.instrument && q.due_on <= p.due_on)
                .min_by_key(|q| (q.due_on, q.id.clone()))
                .is_some_and(|q| q.id == p.id);
            let expected = next_sequence(
                m.kind,
                rule,
                m.first_collection_pending && first_of_mandate,
                p.last_instalment,
            );
            assert_eq!(entry.sequence, expected, "{rule:?} {}", p.id);
            assert_eq!(entry.amount, p.amount);
            assert_eq!(entry.mandate, m.reference.clone().unwrap());
            assert_eq!(entry.amendment, m.amendment);
        }
        // Blocks are contiguous: positions follow (scheme, sequence, date).
        let keys: Vec<_> = entries
            .iter()
            .map(|e| (e.scheme.as_str(), e.sequence.as_str(), e.due_on))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        let (count, sum) = w
            .tenant
            .read(|tx| tx.staged_totals(&file_id(&prefix, 0)))
            .unwrap();
        assert_eq!(count, 3);
        let blocks = w
            .tenant
            .read(|tx| tx.file_blocks(&file_id(&prefix, 0)))
            .unwrap();
        assert_eq!(blocks.iter().map(|b| b.transactions).sum::<u64>(), 3);
        assert_eq!(blocks.iter().map(|b| b.sum_cents).sum::<i64>(), sum);
        // Staging again finds nothing new: every due payment has its place.
        let again = w
            .tenant
            .write(|tx| tx.stage_collections(&format!("file_{n}again"), date(2026, 12, 7), rule, 3))
            .unwrap();
        assert_eq!(again, 0);
    }
}

fn sending_a_file_moves_its_payments_and_mandates(store: &TestStore) {
    let (w, payments, prefix) = staged(store, FirstCollection::Frst, 5);
    let first = file_id(&prefix, 0);
    let (count, sum) = w.tenant.read(|tx| tx.staged_totals(&first)).unwrap();
    let mut file = record(first.clone(), count, sum);
    w.tenant
        .write(|tx| {
            tx.insert_bank_file(&file)?;
            tx.set_file_content(&first, "ab", 10)
        })
        .unwrap();
    file.status = BankFileStatus::Sent;
    file.sent_at = Some(t0());
    w.tenant
        .write(|tx| tx.save_file_status(&file, &Actor::Cli))
        .unwrap();
    let in_file: Vec<_> = w
        .tenant
        .read(|tx| {
            tx.payments(
                &PaymentFilter {
                    file_id: Some(first.clone()),
                    ..PaymentFilter::default()
                },
                Position::Start,
                10,
            )
        })
        .unwrap();
    assert_eq!(in_file.len(), 3);
    for listed in &in_file {
        assert_eq!(listed.payment.status, PaymentStatus::Executing);
        assert_eq!(listed.file_id.as_ref(), Some(&first));
        let history = w
            .tenant
            .read(|tx| tx.payment_history(&listed.payment.id))
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            (
                history[0].from_status.as_str(),
                history[0].to_status.as_str()
            ),
            ("to_execute", "executing")
        );
        assert_eq!(history[0].actor, "cli");
        // Each mandate is collected on as the domain does it.
        let mut expected = w
            .mandates
            .iter()
            .find(|m| Some(&m.id) == listed.payment.instrument.mandate())
            .unwrap()
            .clone();
        expected.record_collection(listed.payment.due_on).unwrap();
        let stored = w.tenant.read(|tx| tx.mandate(&expected.id)).unwrap();
        assert_eq!(
            stored.first_collection_pending,
            expected.first_collection_pending
        );
        assert_eq!(stored.last_collection_on, expected.last_collection_on);
        assert_eq!(stored.amendment, expected.amendment);
    }
    // A sent file cannot be sent again.
    let again = w.tenant.write(|tx| tx.save_file_status(&file, &Actor::Cli));
    assert!(
        matches!(again, Err(StoreError::NotFound { .. })),
        "{again:?}"
    );
    // Its settlement date passes: executed, with history; the others wait.
    let executed = w
        .tenant
        .write(|tx| tx.execute_settled(date(2026, 12, 7), t0(), &Actor::System))
        .unwrap();
    assert_eq!(executed, 3);
    let later = &payments[5];
    let listed = w.tenant.read(|tx| tx.payment(&later.id)).unwrap();
    assert_eq!(listed.payment.status, PaymentStatus::ToExecute);
    let history = w
        .tenant
        .read(|tx| tx.payment_history(&in_file[0].payment.id))
        .unwrap();
    assert_eq!(history.last().unwrap().to_status, "executed");
}

fn a_discarded_file_releases_its_collections(store: &TestStore) {
    let (w, payments, prefix) = staged(store, FirstCollection::Rcur, 6);
    let second = file_id(&prefix, 1);
    let mut file = record(second.clone(), 2, 0);
    w.tenant.write(|tx| tx.insert_bank_file(&file)).unwrap();
    let holding = w
        .tenant
        .read(|tx| tx.pending_files_holding(&[payments[4].id.clone(), payments[5].id.clone()]))
        .unwrap();
    assert_eq!(holding.iter().map(|f| &f.id).collect::<Vec<_>>(), [&second]);
    file.status = BankFileStatus::Discarded;
    file.discarded = Some((t0(), DiscardReason::PaymentCancelled));
    w.tenant
        .write(|tx| tx.save_file_status(&file, &Actor::System))
        .unwrap();
    let back = w.tenant.read(|tx| tx.bank_file(&second)).unwrap();
    assert_eq!(back.status, BankFileStatus::Discarded);
    assert_eq!(
        back.discarded,
        Some((t0(), DiscardReason::PaymentCancelled))
    );
    let restaged = w
        .tenant
        .write(|tx| {
            tx.stage_collections(
                "file_0000next",
                date(2026, 12, 7),
                FirstCollection::Rcur,
                10,
            )
        })
        .unwrap();
    assert_eq!(restaged, 2);
    // A file never written can be removed whole; its places go too.
    w.tenant
        .write(|tx| {
            tx.insert_bank_file(&record(file_id("file_0000next", 0), 2, 0))?;
            tx.remove_unwritten_file(&file_id("file_0000next", 0))
        })
        .unwrap();
    let unwritten = w.tenant.read(|tx| tx.unwritten_files()).unwrap();
    assert!(!unwritten.contains(&file_id("file_0000next", 0)));
    let restaged = w
        .tenant
        .write(|tx| {
            tx.stage_collections(
                "file_0000last",
                date(2026, 12, 7),
                FirstCollection::Rcur,
                10,
            )
        })
        .unwrap();
    assert_eq!(restaged, 2);
}

fn late_collections_move_to_the_first_possible_date(store: &TestStore) {
    let w = world(store, 3);
    let late = payment(31, &w.plans[1], 0, false, date(2026, 11, 27));
    let on_time = payment(32, &w.plans[1], 1, false, date(2026, 12, 2));
    w.tenant
        .write(|tx| tx.insert_payments(&[late.clone(), on_time.clone()]))
        .unwrap();
    let moved = w
        .tenant
        .write(|tx| tx.move_late_collections(date(2026, 12, 1), t0(), &Actor::System))
        .unwrap();
    assert_eq!(moved, 1);
    let back = w.tenant.read(|tx| tx.payment(&late.id)).unwrap().payment;
    assert_eq!(back.due_on, date(2026, 12, 1));
    let history = w.tenant.read(|tx| tx.payment_history(&late.id)).unwrap();
    assert_eq!(
        history[0].cause,
        PaymentCause::MovedLate {
            from: date(2026, 11, 27),
            to: date(2026, 12, 1)
        }
    );
    let untouched = w.tenant.read(|tx| tx.payment(&on_time.id)).unwrap().payment;
    assert_eq!(untouched, on_time);
    // A change kept by the application reads back with its actor.
    let change = PaymentChange {
        from: PaymentStatus::ToExecute,
        to: PaymentStatus::NotExecuted,
        at: t0(),
        cause: PaymentCause::CancelledByCreditor,
    };
    w.tenant
        .write(|tx| {
            tx.record_payment_changes(
                &[(on_time.id.clone(), change)],
                &Actor::User("usr_1".into()),
            )
        })
        .unwrap();
    let history = w.tenant.read(|tx| tx.payment_history(&on_time.id)).unwrap();
    assert_eq!(history[0].actor, "user:usr_1");
    assert_eq!(history[0].cause, PaymentCause::CancelledByCreditor);
}

fn another_creditor_cannot_reach_plans_payments_or_files(store: &TestStore) {
    let (w, payments, prefix) = staged(store, FirstCollection::Frst, 7);
    let first = file_id(&prefix, 0);
    w.tenant
        .write(|tx| tx.insert_bank_file(&record(first.clone(), 3, 0)))
        .unwrap();
    let (_, other) = creditor(store, "Other", 9);
    other
        .read(|tx| {
            assert!(matches!(
                tx.plan(&w.plans[0].id),
                Err(StoreError::NotFound { .. })
            ));
            assert!(matches!(
                tx.payment(&payments[0].id),
                Err(StoreError::NotFound { .. })
            ));
            assert!(matches!(
                tx.bank_file(&first),
                Err(StoreError::NotFound { .. })
            ));
            assert!(tx.file_entries(&first, 0, 10)?.is_empty());
            assert!(tx.file_blocks(&first)?.is_empty());
            assert!(tx.plans_due(date(2030, 1, 1), None, 10)?.is_empty());
            assert!(
                tx.payments(&PaymentFilter::default(), Position::Start, 10)?
                    .is_empty()
            );
            assert!(
                tx.pending_files_holding(&[payments[0].id.clone()])?
                    .is_empty()
            );
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // Its own run stages nothing of the first creditor's, and its updates
    // reach none of them.
    other
        .write(|tx| {
            assert_eq!(
                tx.stage_collections(
                    "file_0000other",
                    date(2030, 1, 1),
                    FirstCollection::Frst,
                    10
                )?,
                0
            );
            assert_eq!(
                tx.move_late_collections(date(2030, 1, 1), t0(), &Actor::System)?,
                0
            );
            assert_eq!(
                tx.execute_settled(date(2030, 1, 1), t0(), &Actor::System)?,
                0
            );
            assert!(matches!(
                tx.save_plan(&w.plans[0], w.plans[0].version()),
                Err(StoreError::NotFound { .. })
            ));
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(
        w.tenant
            .read(|tx| tx.payment(&payments[5].id))
            .unwrap()
            .payment
            .due_on,
        date(2027, 1, 5)
    );
}

/// On PostgreSQL, staging first takes statistics of the payments it reads:
/// the day's instalments were inserted moments before, and without them
/// the planner scanned every waiting payment for each plan's last
/// instalment (see PERFORMANCE.md).
#[test]
fn postgres_staging_takes_fresh_statistics() {
    use diesel::{Connection, PgConnection, QueryDsl, RunQueryDsl, dsl::count_star};

    diesel::table! {
        pg_stats (attname) {
            tablename -> Text,
            attname -> Text,
        }
    }
    let store = prelevo_testkit::postgres_store();
    staged(&store, FirstCollection::Frst, 9);
    let mut conn = PgConnection::establish(store.url()).unwrap();
    let columns: i64 = pg_stats::table
        .filter(diesel::ExpressionMethods::eq(
            pg_stats::tablename,
            "payments",
        ))
        .select(count_star())
        .get_result(&mut conn)
        .unwrap();
    assert!(columns > 0, "no statistics of payments after staging");
}

on_both_engines!(
    plans_and_payments_read_back,
    plans_moved_together_are_saved_by_several_statements,
    payments_are_stored_whole_by_hundreds,
    an_earlier_collection_in_a_file_is_not_the_first_to_come,
    plan_references_are_unique_per_creditor,
    staging_follows_the_domain_s_sequence_rules,
    sending_a_file_moves_its_payments_and_mandates,
    a_discarded_file_releases_its_collections,
    late_collections_move_to_the_first_possible_date,
    another_creditor_cannot_reach_plans_payments_or_files,
);
