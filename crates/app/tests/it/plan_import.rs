//! Plans by file: a dry run, then each line applied once, on both engines.

use jiff::civil::{Date, date};
use prelevo_app::AppError;
use prelevo_app::bank_files::send_bank_file;
use prelevo_app::card_aliases::{CardAliasInput, create_card_alias};
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::collection_run::run_collections;
use prelevo_app::mandate_import::import_mandates;
use prelevo_app::mandates::revoke_mandate;
use prelevo_app::plan_import::{
    IMPORT_BATCH, ImportCounts, ImportMode, ImportReport, LineOutcome, MAX_IMPORT_BYTES,
    MAX_IMPORT_LINES, error_file, import_plans,
};
use prelevo_app::plans::{PlanInput, create_plan, edit_plan};
use prelevo_domain::{
    Clock, Currency, FixedClock, Frequency, MandateRef, Money, PaymentStatus, Plan, PlanEnd,
    PlanReference, PlanStatus, StopReason,
};
use prelevo_store::{Actor, AuditFilter, PaymentFilter, PlanFilter, Position, TenantStore};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, new_tenant};

/// The example file of the user guide.
const EXAMPLE: &[u8] = include_bytes!("../../../../docs/examples/plans-import.csv");
/// The mandates the example's plans are collected on (C-1001 to C-1003).
const MANDATES: &[u8] = include_bytes!("../../../../docs/examples/mandates-import.csv");

fn run_at(
    tenant: &TenantStore,
    clock: &dyn Clock,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<ImportReport, AppError> {
    import_plans(tenant, clock, &Actor::Cli, "plans.csv", bytes, mode)
}

fn run(tenant: &TenantStore, bytes: &[u8], mode: ImportMode) -> Result<ImportReport, AppError> {
    run_at(tenant, &clock(), bytes, mode)
}

/// A creditor with the example's customers and mandates.
fn with_mandates(store: &TestStore) -> TenantStore {
    let tenant = new_tenant(store, 1);
    let report = import_mandates(
        &tenant,
        &clock(),
        &Actor::Cli,
        "mandates.csv",
        MANDATES,
        ImportMode::Apply,
    )
    .unwrap();
    assert_eq!(report.counts(), (3, 0, 0, 0));
    tenant
}

fn counts(created: usize, updated: usize, cancelled: usize, unchanged: usize) -> ImportCounts {
    ImportCounts {
        created,
        updated,
        cancelled,
        unchanged,
        refused: 0,
    }
}

fn plans(tenant: &TenantStore) -> Vec<Plan> {
    tenant
        .read(|tx| tx.plans(&PlanFilter::default(), Position::Start, 100))
        .unwrap()
}

fn plan(tenant: &TenantStore, reference: &str) -> Plan {
    let reference = PlanReference::parse(reference).unwrap();
    tenant
        .read(|tx| tx.plans_by_references(std::slice::from_ref(&reference)))
        .unwrap()
        .pop()
        .unwrap()
}

/// (due date, cents, status) of a plan's payments, in date order.
fn payments_of(tenant: &TenantStore, plan: &Plan) -> Vec<(Date, i64, PaymentStatus)> {
    let filter = PaymentFilter {
        plan_id: Some(plan.id.clone()),
        ..PaymentFilter::default()
    };
    let mut found: Vec<_> = tenant
        .read(|tx| tx.payments(&filter, Position::Start, 100))
        .unwrap()
        .into_iter()
        .map(|p| (p.payment.due_on, p.payment.amount.minor(), p.payment.status))
        .collect();
    found.sort_by_key(|(due, _, status)| (*due, status.as_str()));
    found
}

fn all_payments(tenant: &TenantStore) -> usize {
    tenant
        .read(|tx| tx.payments(&PaymentFilter::default(), Position::Start, 1000))
        .unwrap()
        .len()
}

/// Each line as (number, what it does: the refused columns for an error).
fn outcomes(report: &ImportReport) -> Vec<(u64, String)> {
    report
        .lines
        .iter()
        .map(|l| {
            let what = match &l.outcome {
                LineOutcome::Create => "create".to_owned(),
                LineOutcome::Update => "update".to_owned(),
                LineOutcome::Cancel => "cancel".to_owned(),
                LineOutcome::Unchanged => "unchanged".to_owned(),
                LineOutcome::Error(fields) => format!(
                    "error {}",
                    fields
                        .iter()
                        .map(|f| f.field.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            };
            (l.line, what)
        })
        .collect()
}

fn plan_import_dry_run_writes_nothing_and_the_file_applies_once(store: &TestStore) {
    let tenant = with_mandates(store);
    let audited = |tenant: &TenantStore| {
        tenant
            .read(|tx| tx.audit_events(&AuditFilter::default(), Position::Start, 100))
            .unwrap()
            .len()
    };
    let before = audited(&tenant);
    let dry = run(&tenant, EXAMPLE, ImportMode::DryRun).unwrap();
    assert_eq!(dry.counts(), counts(3, 0, 0, 0));
    assert_eq!(dry.lines[0].line, 2);
    assert_eq!(dry.lines[0].reference, "ABO-2026-0001");
    assert!(plans(&tenant).is_empty(), "a dry run leaves no plan");
    assert_eq!(all_payments(&tenant), 0, "nor a payment");
    assert_eq!(audited(&tenant), before, "nor an audit entry");

    let applied = run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(applied.counts(), counts(3, 0, 0, 0));
    assert_eq!(applied.previously_imported_at, None);
    assert_eq!(plans(&tenant).len(), 3);
    let monthly = plan(&tenant, "ABO-2026-0001");
    assert_eq!(monthly.amount, Money::from_minor(2_990, Currency::EUR));
    assert_eq!(monthly.schedule.end(), PlanEnd::AfterInstalments(12));
    assert_eq!(
        monthly.remittance.as_ref().map(|r| r.as_str()),
        Some("Abonnement Presse+ (12 mois)")
    );
    // The instalment within the pre-notification period is created at
    // once: 5 December is a Saturday, so Monday 7th.
    assert_eq!(
        payments_of(&tenant, &monthly),
        [(date(2026, 12, 7), 2_990, PaymentStatus::ToExecute)]
    );
    let quarterly = plan(&tenant, "ABO-2026-0002");
    assert_eq!(quarterly.amount.minor(), 8_900);
    assert_eq!(quarterly.schedule.start(), date(2027, 1, 1), "DD/MM/YYYY");
    assert_eq!(
        quarterly.schedule.end(),
        PlanEnd::OnDate(date(2027, 12, 31))
    );
    let yearly = plan(&tenant, "ABO-2026-0003");
    assert_eq!(yearly.amount.minor(), 12_000);
    assert_eq!(
        yearly.schedule.day().get(),
        15,
        "an empty collection day is the start date's"
    );
    assert_eq!(yearly.schedule.end(), PlanEnd::OpenEnded);
    assert_eq!(audited(&tenant), before + 3, "one creation each");

    // The same file again changes nothing, creates no payment, and says
    // it was seen.
    let again = run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(again.counts(), counts(0, 0, 0, 3));
    assert!(again.previously_imported_at.is_some());
    assert_eq!(plans(&tenant).len(), 3);
    assert_eq!(all_payments(&tenant), 1);
    assert_eq!(audited(&tenant), before + 3);
}

/// An update changes only the instalments not sent yet; a cancel stops the
/// plan and its waiting instalments; a line already applied is unchanged,
/// so the same file a second time does nothing.
fn plan_import_updates_and_cancels_once(store: &TestStore) {
    let tenant = with_mandates(store);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let card = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &CardAliasInput {
            customer_id: plan(&tenant, "ABO-2026-0001").customer_id.to_string(),
            token: "tok_1".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            expiry_month: 12,
            expiry_year: 2030,
            holder: None,
        },
    )
    .unwrap();
    // The December instalment is sent to the bank; January's is waiting.
    let later = FixedClock::new("2026-12-04T08:00:00Z".parse().unwrap());
    let report = run_collections(
        &tenant,
        &later,
        &UnconnectedGateway,
        Some(date(2026, 12, 4)),
        &mut |_| Ok(()),
    )
    .unwrap();
    send_bank_file(&tenant, &later, &Actor::Cli, &report.files[0].id).unwrap();
    later.set("2026-12-22T08:00:00Z".parse().unwrap());
    run_collections(
        &tenant,
        &later,
        &UnconnectedGateway,
        Some(date(2026, 12, 22)),
        &mut |_| Ok(()),
    )
    .unwrap();
    let monthly = plan(&tenant, "ABO-2026-0001");
    assert_eq!(
        payments_of(&tenant, &monthly),
        [
            (date(2026, 12, 7), 2_990, PaymentStatus::Executed),
            (date(2027, 1, 5), 2_990, PaymentStatus::ToExecute),
        ]
    );

    let file = format!(
        "plan_reference;action;customer_reference;card_alias_id;amount;frequency;start_date;instalments;collection_day;remittance_info\n\
         ABO-2026-0001;update;C-1001;;34,90;monthly;2026-12-01;12;5;Abonnement Presse+ (12 mois)\n\
         ABO-2026-0002;Cancel;;;;;;;;\n\
         ABO-2026-0003;update;;;120;yearly;15/01/2027;;;Adhésion annuelle\n\
         ABO-CARTE-1;;C-1001;{card};19,99;weekly;2027-01-04;4;;Box hebdomadaire\n",
        card = card.id
    );
    let applied = run_at(&tenant, &later, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&applied),
        [
            (2, "update".to_owned()),
            (3, "cancel".to_owned()),
            (4, "unchanged".to_owned()),
            (5, "create".to_owned()),
        ]
    );
    let monthly = plan(&tenant, "ABO-2026-0001");
    assert_eq!(monthly.amount.minor(), 3_490);
    assert_eq!(
        payments_of(&tenant, &monthly),
        [
            (date(2026, 12, 7), 2_990, PaymentStatus::Executed),
            (date(2027, 1, 5), 2_990, PaymentStatus::NotExecuted),
            (date(2027, 1, 5), 3_490, PaymentStatus::ToExecute),
        ],
        "the instalment sent keeps its amount"
    );
    let cancelled = plan(&tenant, "ABO-2026-0002");
    assert_eq!(cancelled.status, PlanStatus::Inactive);
    assert_eq!(
        cancelled.stop.map(|s| s.reason),
        Some(StopReason::ByCreditor)
    );
    let weekly = plan(&tenant, "ABO-CARTE-1");
    assert_eq!(weekly.instrument.card(), Some(&card.id));
    assert_eq!(payments_of(&tenant, &weekly).len(), 1, "4 January");

    let payments = all_payments(&tenant);
    let again = run_at(&tenant, &later, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(again.counts(), counts(0, 0, 0, 4));
    assert_eq!(all_payments(&tenant), payments, "no payment twice");
    assert_eq!(plan(&tenant, "ABO-2026-0001"), monthly);

    // A card plan in francs keeps its currency when a file without the
    // column changes its amount.
    let swiss = format!(
        "plan_reference;customer_reference;card_alias_id;amount;currency;frequency;start_date;collection_day\n\
         ABO-CHF-1;C-1001;{card};25,00;CHF;monthly;2027-02-01;10\n",
        card = card.id
    );
    run_at(&tenant, &later, swiss.as_bytes(), ImportMode::Apply).unwrap();
    let dearer = "plan_reference;action;amount;frequency;start_date;collection_day\n\
        ABO-CHF-1;update;27,00;monthly;2027-02-01;10\n";
    let changed = run_at(&tenant, &later, dearer.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&changed),
        [(2, "update".to_owned())],
        "{changed:?}"
    );
    let francs = plan(&tenant, "ABO-CHF-1").amount;
    assert_eq!((francs.minor(), francs.currency().as_str()), (2_700, "CHF"));

    // A stopped plan cannot change any more; a plan keeps its customer and
    // payment method.
    let refused = "plan_reference;action;customer_reference;mandate_reference;amount;frequency;start_date\n\
        ABO-2026-0002;update;;;95;quarterly;2027-01-01\n\
        ABO-2026-0003;update;C-1002;;120;yearly;2027-01-15\n\
        ABO-CARTE-1;update;;RUM-PAPIER-0001;19,99;weekly;2027-01-04\n\
        ABO-2026-0001;create;C-1001;RUM-PAPIER-0001;34,90;monthly;2026-12-01\n";
    let report = run_at(&tenant, &later, refused.as_bytes(), ImportMode::Apply).unwrap();
    let messages: Vec<String> = report
        .lines
        .iter()
        .map(|l| match &l.outcome {
            LineOutcome::Error(fields) => fields[0].to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        messages,
        [
            "plan_reference: ABO-2026-0002 is stopped (by_creditor): it cannot change any more".to_owned(),
            "customer_reference: the plan is not C-1002's: a plan keeps its customer (cancel it and create another)".to_owned(),
            "mandate_reference: is not the plan's: a plan keeps its payment method (cancel it and create another)".to_owned(),
            format!(
                "plan_reference: ABO-2026-0001 is already plan {} with other terms: to change it, use the action 'update'",
                monthly.id
            ),
        ]
    );
}

/// Plans made or changed through the API carry the same references: the
/// file finds them, and a reference stays with its plan.
fn plan_import_finds_the_plans_the_api_made(store: &TestStore) {
    let tenant = with_mandates(store);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let monthly = plan(&tenant, "ABO-2026-0001");
    let input = PlanInput {
        reference: Some("API-1".into()),
        customer_id: monthly.customer_id.clone(),
        instrument: monthly.instrument.clone(),
        amount: Money::from_minor(1_500, Currency::EUR),
        frequency: Frequency::Monthly,
        collection_day: 20,
        start_on: date(2027, 1, 1),
        end: PlanEnd::OpenEnded,
        remittance: None,
    };
    let made = create_plan(&tenant, &clock(), &Actor::Cli, &input).unwrap();
    assert_eq!(made.reference, Some(PlanReference::parse("API-1").unwrap()));
    let taken = create_plan(&tenant, &clock(), &Actor::Cli, &input).unwrap_err();
    assert_eq!(
        taken.to_string(),
        format!("plan reference API-1 is already plan {}", made.id)
    );
    let renamed = edit_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &made.id,
        &PlanInput {
            reference: Some("API-2".into()),
            ..input.clone()
        },
    )
    .unwrap_err();
    assert_eq!(
        renamed.to_string(),
        "plan_reference: a plan keeps its reference (API-1)"
    );
    // Without a reference on a change, the plan keeps its own.
    let kept = edit_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &made.id,
        &PlanInput {
            reference: None,
            amount: Money::from_minor(1_600, Currency::EUR),
            ..input.clone()
        },
    )
    .unwrap();
    assert_eq!(kept.reference, made.reference);
    // A plan made without one is given one by its first change.
    let bare = create_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &PlanInput {
            reference: None,
            ..input.clone()
        },
    )
    .unwrap();
    let named = edit_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &bare.id,
        &PlanInput {
            reference: Some("API-3".into()),
            ..input.clone()
        },
    )
    .unwrap();
    assert_eq!(
        named.reference,
        Some(PlanReference::parse("API-3").unwrap())
    );

    let file = "plan_reference;action;amount;frequency;start_date;collection_day\n\
        API-1;update;16,00;monthly;2027-01-01;20\n\
        API-3;cancel;;;;\n\
        ABO-2026-0002;update;;;2027-01-01;\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "unchanged".to_owned()),
            (3, "cancel".to_owned()),
            (4, "error amount,frequency".to_owned()),
        ]
    );
    let LineOutcome::Error(fields) = &report.lines[2].outcome else {
        panic!("{report:?}");
    };
    assert_eq!(
        fields[0].message,
        "is required to change a plan: a line gives all its terms"
    );
}

fn plan_import_errors_name_their_line_and_column(store: &TestStore) {
    let tenant = with_mandates(store);
    let revoked = tenant
        .read(|tx| tx.mandate_by_reference(&MandateRef::parse("RUM-PAPIER-0002").unwrap()))
        .unwrap()
        .unwrap();
    revoke_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &revoked.id,
        "account closed",
    )
    .unwrap();
    let file = "action;plan_reference;customer_reference;mandate_reference;amount;frequency;start_date;end_date;instalments\n\
        create;P-1;C-1001;RUM-PAPIER-0001;12,345;monthly;2027-01-05;;\n\
        create;P-2;C-9999;RUM-PAPIER-0001;10;monthly;2027-01-05;;\n\
        create;P-3;C-1002;RUM-PAPIER-0002;10;monthly;2027-01-05;;\n\
        create;P-4;C-1001;RUM-PAPIER-0001;abc;fortnightly;2027-01-05;;\n\
        create;P-5;C-1001;RUM-PAPIER-0001;10;monthly;2027-03-01;2027-02-01;\n\
        create;P-6;C-1001;RUM-PAPIER-0001;10;monthly;2027-01-05;;\n\
        update;P-404;;;10;monthly;2027-01-05;;\n\
        create;P-6;C-1001;RUM-PAPIER-0001;11;monthly;2027-01-05;;\n\
        delete;P-7;C-1001;RUM-PAPIER-0001;10;monthly;2027-01-05;;\n\
        ;P-8;C-1001;RUM-PAPIER-0001;-5;monthly;2027-01-05;;\n\
        ;P-9;=cmd|' /C calc'!A0;RUM-PAPIER-0001;10;monthly;2027-01-05;;\n\
        ;P-10;C-1001;RUM-PAPIER-0001;10;monthly;31/06/2027;2027-12-31;6\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error amount".to_owned()),
            (3, "error customer_reference".to_owned()),
            (4, "error mandate_reference".to_owned()),
            (5, "error amount,frequency".to_owned()),
            (6, "error end_date".to_owned()),
            (7, "create".to_owned()),
            (8, "error plan_reference".to_owned()),
            (9, "error plan_reference".to_owned()),
            (10, "error action".to_owned()),
            (11, "error amount".to_owned()),
            (12, "error customer_reference".to_owned()),
            (13, "error start_date,end_date".to_owned()),
        ]
    );
    assert_eq!(plans(&tenant).len(), 1, "only the valid line is applied");

    // The error file: the refused lines, why, and their cells as read —
    // the cell a spreadsheet would run is neutralised.
    let errors = String::from_utf8(error_file(file.as_bytes(), &report).unwrap()).unwrap();
    let body = errors
        .strip_prefix('\u{feff}')
        .expect("a BOM, for Excel")
        .replace("\r\n", "\n");
    assert_eq!(body, EXPECTED_ERRORS, "{errors}");
}

/// The error file of `plan_import_errors_name_their_line_and_column`
/// (CRLF line ends read as LF).
const EXPECTED_ERRORS: &str = r#"line;errors;plan_reference;action;customer_reference;mandate_reference;card_alias_id;amount;currency;frequency;start_date;end_date;instalments;collection_day;remittance_info
2;amount: more than 2 decimals;P-1;create;C-1001;RUM-PAPIER-0001;;12,345;;monthly;2027-01-05;;;;
3;customer_reference: no customer has the reference C-9999;P-2;create;C-9999;RUM-PAPIER-0001;;10;;monthly;2027-01-05;;;;
4;mandate_reference: the mandate is revoked: it cannot be collected on;P-3;create;C-1002;RUM-PAPIER-0002;;10;;monthly;2027-01-05;;;;
5;"amount: not a number: 'abc' | frequency: ""fortnightly"" is not a frequency: weekly, monthly, quarterly, half_yearly or yearly";P-4;create;C-1001;RUM-PAPIER-0001;;abc;;fortnightly;2027-01-05;;;;
6;end_date: the plan ends on 2027-02-01, before its first instalment on 2027-03-01;P-5;create;C-1001;RUM-PAPIER-0001;;10;;monthly;2027-03-01;2027-02-01;;;
8;plan_reference: no plan has the reference P-404: to create it, use the action 'create';P-404;update;;;;10;;monthly;2027-01-05;;;;
9;plan_reference: appears twice in the file (first on line 7): one line per plan;P-6;create;C-1001;RUM-PAPIER-0001;;11;;monthly;2027-01-05;;;;
10;action: 'delete' is not an action: create, update or cancel;P-7;delete;C-1001;RUM-PAPIER-0001;;10;;monthly;2027-01-05;;;;
11;amount: '-5' is negative: a negative amount is not accepted;P-8;;C-1001;RUM-PAPIER-0001;;-5;;monthly;2027-01-05;;;;
12;customer_reference: no customer has the reference =cmd|' /C calc'!A0;P-9;;'=cmd|' /C calc'!A0;RUM-PAPIER-0001;;10;;monthly;2027-01-05;;;;
13;start_date: '31/06/2027' is not a day of the calendar | end_date: give an end_date or instalments, not both;P-10;;C-1001;RUM-PAPIER-0001;;10;;monthly;31/06/2027;2027-12-31;6;;
"#;

/// A file that cannot be read line by line is refused whole, naming the
/// line and what is wrong; nothing is written.
fn plan_import_refuses_a_bad_file_whole(store: &TestStore) {
    let tenant = with_mandates(store);
    let refusal = |bytes: &[u8]| match run(&tenant, bytes, ImportMode::Apply) {
        Err(AppError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "file");
            fields[0].message.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refusal(b"plan_reference;customer_reference;mandate_reference;amount;frequency;start_date;montant\n"),
        "line 1: unknown column 'montant'"
    );
    assert_eq!(
        refusal(b"plan_reference;customer_reference;mandate_reference;amount;start_date\n"),
        "line 1: missing column 'frequency' (without an 'action' column, every line creates a plan)"
    );
    assert_eq!(
        refusal(b"plan_reference;customer_reference;amount;frequency;start_date\n"),
        "line 1: missing column 'mandate_reference' or 'card_alias_id' (without an 'action' column, every line creates a plan)"
    );
    assert_eq!(
        refusal(b"plan_reference;customer_reference;mandate_reference;amount;frequency;start_date;AMOUNT\n"),
        "line 1: column 'amount' appears twice"
    );
    assert_eq!(
        refusal(b"action;customer_reference\n"),
        "line 1: missing column 'plan_reference'"
    );
    let commas = refusal(b"plan_reference,action\nP-1,cancel\n");
    assert!(commas.contains("separated by ';'"), "{commas}");
    let latin1 = refusal(b"plan_reference;action;remittance_info\nP-1;cancel;Adh\xe9sion\n");
    assert!(
        latin1.starts_with("line 2: is not UTF-8 text (byte 53 cannot be read)"),
        "{latin1}"
    );
    let utf16 = refusal(b"\xff\xfep\x00l\x00");
    assert!(utf16.starts_with("line 1: is UTF-16 text"), "{utf16}");
    let ragged = refusal(b"plan_reference;action\nP-1;cancel;extra\n");
    assert!(ragged.starts_with("line 2:"), "{ragged}");
    let huge = vec![b'a'; MAX_IMPORT_BYTES + 1];
    assert!(refusal(&huge).contains("at most 52428800 are accepted"));
    let mut many = b"plan_reference;action\n".to_vec();
    for _ in 0..=MAX_IMPORT_LINES {
        many.extend_from_slice(b"P;cancel\n");
    }
    let too_many = refusal(&many);
    assert!(
        too_many.contains("has more than 500000 lines: split it"),
        "{too_many}"
    );
    assert!(plans(&tenant).is_empty());
}

/// Batches already committed when an import stopped are found unchanged
/// when the whole file comes again: nothing is applied twice.
fn plan_import_after_a_stop_half_way_applies_the_rest_once(store: &TestStore) {
    let tenant = with_mandates(store);
    let text = std::str::from_utf8(EXAMPLE).unwrap();
    let first_two: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let partial = run(&tenant, first_two.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(partial.counts(), counts(2, 0, 0, 0));
    let payments = all_payments(&tenant);
    let whole = run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&whole),
        [
            (2, "unchanged".to_owned()),
            (3, "unchanged".to_owned()),
            (4, "create".to_owned()),
        ]
    );
    assert_eq!(plans(&tenant).len(), 3);
    assert_eq!(
        all_payments(&tenant),
        payments,
        "the third plan has none yet"
    );
}

/// Lines are applied in batches of `IMPORT_BATCH`, one transaction each;
/// a reference repeated in a later batch is still found twice.
fn plan_import_sees_a_reference_twice_across_batches(store: &TestStore) {
    let tenant = with_mandates(store);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let mut file = String::from("plan_reference;action\nABO-2026-0001;cancel\n");
    for n in 0..IMPORT_BATCH {
        file.push_str(&format!("NONE-{n};cancel\n"));
    }
    file.push_str("ABO-2026-0001;cancel\n");
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(report.lines.len(), IMPORT_BATCH + 2);
    assert_eq!(report.lines[0].outcome, LineOutcome::Cancel);
    let last = report.lines.last().unwrap();
    assert_eq!(
        last.outcome,
        LineOutcome::Error(vec![prelevo_app::FieldError::new(
            "plan_reference",
            "appears twice in the file (first on line 2): one line per plan"
        )])
    );
    assert_eq!(report.counts().refused, IMPORT_BATCH + 1);
    assert_eq!(plan(&tenant, "ABO-2026-0001").status, PlanStatus::Inactive);
}

/// The same file sent again must not take back what changed since: a plan
/// edited through the API after the file's update keeps its edit, and a
/// plan made since is not stopped by the file's cancel line. Both lines are
/// refused, naming the first import; nothing else changes.
fn plan_import_again_keeps_later_changes(store: &TestStore) {
    let tenant = with_mandates(store);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let monthly = plan(&tenant, "ABO-2026-0001");
    let input = |reference: &str, cents: i64| PlanInput {
        reference: Some(reference.into()),
        customer_id: monthly.customer_id.clone(),
        instrument: monthly.instrument.clone(),
        amount: Money::from_minor(cents, Currency::EUR),
        frequency: Frequency::Monthly,
        collection_day: 20,
        start_on: date(2027, 1, 1),
        end: PlanEnd::OpenEnded,
        remittance: None,
    };
    let first = create_plan(&tenant, &clock(), &Actor::Cli, &input("API-1", 1_500)).unwrap();
    let file = "plan_reference;action;amount;frequency;start_date;collection_day\n\
        API-1;update;16,00;monthly;2027-01-01;20\n\
        API-2;cancel;;;;\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "update".to_owned()),
            (3, "error plan_reference".to_owned())
        ]
    );
    edit_plan(
        &tenant,
        &clock(),
        &Actor::Cli,
        &first.id,
        &input("API-1", 1_700),
    )
    .unwrap();
    create_plan(&tenant, &clock(), &Actor::Cli, &input("API-2", 2_000)).unwrap();

    let again = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert!(again.previously_imported_at.is_some());
    assert_eq!(
        outcomes(&again),
        [
            (2, "error plan_reference".to_owned()),
            (3, "error action".to_owned())
        ]
    );
    let LineOutcome::Error(fields) = &again.lines[0].outcome else {
        panic!("{again:?}");
    };
    assert!(
        fields[0].message.contains("would undo a change made since"),
        "{}",
        fields[0].message
    );
    assert_eq!(plan(&tenant, "API-1").amount.minor(), 1_700);
    assert_eq!(plan(&tenant, "API-2").status, PlanStatus::Active);
}

on_both_engines!(
    plan_import_sees_a_reference_twice_across_batches,
    plan_import_dry_run_writes_nothing_and_the_file_applies_once,
    plan_import_updates_and_cancels_once,
    plan_import_finds_the_plans_the_api_made,
    plan_import_errors_name_their_line_and_column,
    plan_import_refuses_a_bad_file_whole,
    plan_import_after_a_stop_half_way_applies_the_rest_once,
    plan_import_again_keeps_later_changes,
);
