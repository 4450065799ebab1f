use jiff::civil::date;
use prelevo_app::AppError;
use prelevo_app::customers::change_customer_status;
use prelevo_app::exports::write_mandates;
use prelevo_app::mandate_import::{
    IMPORT_BATCH, ImportMode, LineOutcome, error_file, import_mandates,
};
use prelevo_app::mandates::{change_bank_details, expire_dormant_mandates, revoke_mandate};
use prelevo_domain::{
    CustomerCode, CustomerEvent, Mandate, MandateRef, MandateStatus, PaymentMethodRef,
};
use prelevo_store::{Actor, AuditFilter, CustomerFilter, MandateFilter, Position};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, new_tenant};

/// The example file of the user guide.
const EXAMPLE: &[u8] = include_bytes!("../../../../docs/examples/mandates-import.csv");

fn run(
    tenant: &prelevo_store::TenantStore,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<prelevo_app::mandate_import::ImportReport, AppError> {
    import_mandates(tenant, &clock(), &Actor::Cli, "mandates.csv", bytes, mode)
}

/// Each line's outcome in short: `create`, `update`, `unchanged`, or
/// `error` and the columns refused.
fn outcomes(report: &prelevo_app::mandate_import::ImportReport) -> Vec<(u64, String)> {
    report
        .lines
        .iter()
        .map(|l| {
            let what = match &l.outcome {
                LineOutcome::Create { .. } => "create".to_owned(),
                LineOutcome::Update => "update".into(),
                LineOutcome::Unchanged => "unchanged".into(),
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

/// The messages of line `line`'s refusal.
fn messages(report: &prelevo_app::mandate_import::ImportReport, line: u64) -> String {
    match &report
        .lines
        .iter()
        .find(|l| l.line == line)
        .unwrap()
        .outcome
    {
        LineOutcome::Error(fields) => fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" | "),
        other => panic!("line {line}: {other:?}"),
    }
}

fn mandate(tenant: &prelevo_store::TenantStore, reference: &str) -> Mandate {
    tenant
        .read(|tx| tx.mandate_by_reference(&MandateRef::parse(reference).unwrap()))
        .unwrap()
        .unwrap()
}

fn export(tenant: &prelevo_store::TenantStore) -> Vec<u8> {
    let mut out = Vec::new();
    write_mandates(tenant, &MandateFilter::default(), &mut out).unwrap();
    out
}

fn counts(tenant: &prelevo_store::TenantStore) -> (i64, i64) {
    tenant
        .read(|tx| {
            Ok::<_, prelevo_store::StoreError>((
                tx.count_customers(&CustomerFilter::default())?,
                tx.count_mandates(&MandateFilter::default())?,
            ))
        })
        .unwrap()
}

fn a_dry_run_writes_nothing_and_the_import_applies_once(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let dry = run(&tenant, EXAMPLE, ImportMode::DryRun).unwrap();
    assert_eq!(dry.counts(), (3, 0, 0, 0));
    assert!(
        dry.lines
            .iter()
            .all(|l| l.outcome == LineOutcome::Create { new_customer: true })
    );
    assert_eq!(dry.lines[0].line, 2);
    assert_eq!(counts(&tenant), (0, 0), "a dry run leaves no trace");

    let applied = run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(applied.counts(), (3, 0, 0, 0));
    assert_eq!(applied.previously_imported_at, None);
    assert_eq!(counts(&tenant), (3, 3));
    let b2b = tenant
        .read(|tx| tx.mandate_by_reference(&MandateRef::parse("RUM-PAPIER-0003").unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(b2b.scheme.as_str(), "B2B");
    assert_eq!(b2b.kind.as_str(), "one_off");

    // The same file again changes nothing, and says it was seen.
    let again = run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(again.counts(), (0, 0, 3, 0));
    assert!(again.previously_imported_at.is_some());
    assert_eq!(counts(&tenant), (3, 3));
}

fn lines_are_created_updated_or_refused_one_by_one(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let file = "customer_reference;reference;debtor_name;iban;signature_date\n\
        C-1001;RUM-PAPIER-0001;Zoé Martin;FR7630006000011234567890189;2026-03-14\n\
        C-1001;RUM-PAPIER-0003;Zoé Martin;FR7630006000011234567890189;2026-03-14\n\
        C-1002;RUM-PAPIER-0002;Léo Durand;DE89370400440532013000;2026-04-02\n\
        C-2000;RUM-NEW-1;Nina Petit;FR7630006000011234567890180;2026-04-02\n\
        C-2001;RUM-NEW-2;Noé Blanc;FR7630006000011234567890189;2099-01-01\n\
        C-2002;RUM-NEW-3;Ana Roux;FR7630006000011234567890189;2026-06-01\n\
        C-2003;RUM-NEW-3;Eve Roux;FR7630006000011234567890189;2026-06-01\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    let outcomes: Vec<(u64, String)> = report
        .lines
        .iter()
        .map(|l| {
            let what = match &l.outcome {
                LineOutcome::Create { new_customer } => format!("create {new_customer}"),
                LineOutcome::Update => "update".into(),
                LineOutcome::Unchanged => "unchanged".into(),
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
        .collect();
    assert_eq!(
        outcomes,
        [
            (2, "unchanged".to_owned()),
            (3, "error reference".to_owned()),
            (4, "update".to_owned()),
            (5, "error iban".to_owned()),
            (6, "error signature_date".to_owned()),
            (7, "create true".to_owned()),
            (8, "error reference".to_owned()),
        ]
    );
    // Refused lines left nothing: no customer C-2000 or C-2001 was created
    // for a mandate that was refused.
    assert_eq!(counts(&tenant), (4, 4));
    let amended = tenant
        .read(|tx| tx.mandate_by_reference(&MandateRef::parse("RUM-PAPIER-0002").unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(amended.debtor.iban.to_string(), "DE89370400440532013000");
    assert!(!amended.amendment.is_empty());

    // The error file holds the refused lines, with their errors, to fix.
    let errors = String::from_utf8(error_file(file.as_bytes(), &report).unwrap()).unwrap();
    let rows: Vec<&str> = errors.trim_start_matches('\u{feff}').lines().collect();
    assert!(rows[0].starts_with("line;errors;customer_reference;reference;iban;"));
    assert_eq!(rows.len(), 5, "{errors}");
    assert!(rows[1].starts_with("3;reference: RUM-PAPIER-0003 is the mandate of customer C-1003"));
    assert!(rows[2].starts_with("5;iban: "), "{}", rows[2]);
    assert!(rows[4].contains("appears twice in the file (first on line 7)"));
}

fn a_bad_file_is_refused_whole_with_its_line(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let refusal = |bytes: &[u8]| match run(&tenant, bytes, ImportMode::DryRun) {
        Err(AppError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "file");
            fields[0].message.clone()
        }
        other => panic!("{other:?}"),
    };
    let commas =
        refusal(b"customer_reference,reference,iban,signature_date\nC-1,R-1,FR76,2026-01-01\n");
    assert!(commas.contains("separated by ';'"), "{commas}");
    let latin1 = refusal(
        b"customer_reference;reference;iban;signature_date;debtor_name\nC-1;R-1;FR76;2026-01-01;Zo\xe9\n",
    );
    assert!(latin1.starts_with("line 2: is not UTF-8"), "{latin1}");
    let missing = refusal(b"customer_reference;reference;iban;signatur_date\n");
    assert!(
        missing.contains("unknown column 'signatur_date'"),
        "{missing}"
    );
    assert!(
        missing.contains("missing column 'signature_date'"),
        "{missing}"
    );
    let ragged = refusal(b"customer_reference;reference;iban;signature_date\nC-1;R-1;FR76\n");
    assert!(ragged.starts_with("line 2:"), "{ragged}");
    assert_eq!(counts(&tenant), (0, 0));
}

/// Lines of one batch see each other's creations: a new customer's second
/// mandate joins it (and becomes its payment method); a struck-off
/// customer takes no new mandate; the log records every creation in line
/// order.
fn lines_of_a_batch_build_on_each_other(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let c1003 = tenant
        .read(|tx| tx.customer_by_code(&CustomerCode::parse("C-1003").unwrap()))
        .unwrap()
        .unwrap();
    change_customer_status(
        &tenant,
        &clock(),
        &Actor::Cli,
        &c1003.id,
        CustomerEvent::StrikeOff,
    )
    .unwrap();
    let file = "customer_reference;reference;debtor_name;iban;signature_date\n\
        C-3000;RUM-NEW-A;Nina Petit;FR7630006000011234567890189;2026-04-02\n\
        C-3000;RUM-NEW-B;Nina Petit;FR1420041010050500013M02606;2026-04-03\n\
        C-1003;RUM-NEW-C;Dupain;FR7630006000011234567890189;2026-04-03\n\
        C-1001;RUM-NEW-D;Zoé Martin;FR1420041010050500013M02606;2026-04-04\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    let outcomes: Vec<&LineOutcome> = report.lines.iter().map(|l| &l.outcome).collect();
    assert_eq!(outcomes[0], &LineOutcome::Create { new_customer: true });
    assert_eq!(
        outcomes[1],
        &LineOutcome::Create {
            new_customer: false
        }
    );
    match outcomes[2] {
        LineOutcome::Error(fields) => {
            assert_eq!(fields[0].field, "customer_reference");
            assert!(fields[0].message.contains("struck off"), "{fields:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        outcomes[3],
        &LineOutcome::Create {
            new_customer: false
        }
    );
    assert_eq!(counts(&tenant), (4, 6));
    let method_of = |code: &str| {
        let customer = tenant
            .read(|tx| tx.customer_by_code(&CustomerCode::parse(code).unwrap()))
            .unwrap()
            .unwrap();
        let PaymentMethodRef::Mandate(id) = customer.payment_method else {
            panic!("{code} pays by {:?}", customer.payment_method);
        };
        tenant
            .read(|tx| tx.mandate(&id))
            .unwrap()
            .reference
            .unwrap()
            .to_string()
    };
    assert_eq!(method_of("C-3000"), "RUM-NEW-B", "the later mandate");
    assert_eq!(method_of("C-1001"), "RUM-NEW-D");
    let log = tenant
        .read(|tx| tx.audit_events(&AuditFilter::default(), Position::Start, 4))
        .unwrap();
    let entries: Vec<(&str, &str)> = log
        .iter()
        .rev()
        .map(|e| (e.entity.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("customer", "created"),
            ("mandate", "created"),
            ("mandate", "created"),
            ("mandate", "created"),
        ]
    );
}

/// Only active mandates come in: an export holds revoked ones too, and
/// re-importing it (here or for another creditor) must not bring them
/// back to be collected. `mandate_id` is accepted and ignored.
fn only_active_mandates_are_imported(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let revoked = mandate(&tenant, "RUM-PAPIER-0002");
    revoke_mandate(
        &tenant,
        &clock(),
        &Actor::Cli,
        &revoked.id,
        "debtor's letter",
    )
    .unwrap();
    let exported = export(&tenant);
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(text.contains(";revoked;"), "{text}");

    // Another creditor takes the export: the revoked mandate stays out.
    let other = new_tenant(store, 2);
    let report = run(&other, &exported, ImportMode::Apply).unwrap();
    let mut got = outcomes(&report);
    got.sort();
    assert_eq!(
        got,
        [
            (2, "create".to_owned()),
            (3, "error status".to_owned()),
            (4, "create".to_owned()),
        ],
        "newest first: 0003, 0002, 0001"
    );
    assert_eq!(
        messages(&report, 3),
        "status: is 'revoked': only active mandates are imported (a revoked or expired mandate must not be collected)"
    );
    assert_eq!(counts(&other), (2, 2));
    let copied = mandate(&other, "RUM-PAPIER-0001");
    assert_eq!(copied.status, MandateStatus::Active);
    assert_ne!(
        copied.id,
        mandate(&tenant, "RUM-PAPIER-0001").id,
        "its own id"
    );

    // The same creditor takes it back: nothing changes, the revoked
    // mandate is named.
    let again = run(&tenant, &exported, ImportMode::Apply).unwrap();
    assert_eq!(again.counts(), (0, 0, 2, 1));
    assert_eq!(
        mandate(&tenant, "RUM-PAPIER-0002").status,
        MandateStatus::Revoked
    );

    // A line that says nothing of its status, for a revoked mandate, is
    // not "unchanged" either.
    let file = "customer_reference;reference;iban;signature_date\n\
        C-1002;RUM-PAPIER-0002;FR1420041010050500013M02606;2026-04-02\n\
        C-4000;RUM-NEW-X;FR7630006000011234567890189;2026-04-02\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error reference".to_owned()),
            (3, "error debtor_name".to_owned())
        ]
    );
    assert!(
        messages(&report, 2)
            .contains("RUM-PAPIER-0002 is revoked: an import cannot make it active again"),
        "{}",
        messages(&report, 2)
    );
    let expired = "customer_reference;reference;iban;signature_date;status;mandate_id;debtor_name\n\
        C-5000;RUM-OLD-1;FR7630006000011234567890189;2026-04-02;expired;mdt_elsewhere;Eve\n\
        C-5001;RUM-OLD-2;FR7630006000011234567890189;2026-04-02;Active;mdt_elsewhere;Ana\n";
    let report = run(&tenant, expired.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(
        outcomes(&report),
        [(2, "error status".to_owned()), (3, "create".to_owned())]
    );
}

/// A mandate lapses 36 months after its last collection (or its
/// signature, if never used): one signed longer ago needs its last
/// collection date, which the mandate keeps, or the daily run would expire
/// it at once.
fn a_mandate_signed_over_36_months_ago_needs_its_last_collection(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    // Today is 2026-11-30.
    let file = "customer_reference;reference;debtor_name;iban;signature_date;last_collection_date\n\
        C-1;RUM-1;Ana;FR7630006000011234567890189;2023-11-29;\n\
        C-2;RUM-2;Léo;FR7630006000011234567890189;2020-01-10;2023-06-01\n\
        C-3;RUM-3;Noé;FR7630006000011234567890189;2020-01-10;05/10/2026\n\
        C-4;RUM-4;Eve;FR7630006000011234567890189;2026-01-10;2027-01-01\n\
        C-5;RUM-5;Zoé;FR7630006000011234567890189;2026-01-10;2025-12-01\n\
        C-6;RUM-6;Lou;FR7630006000011234567890189;2023-12-01;\n\
        C-7;RUM-7;Max;FR7630006000011234567890189;2026-01-10;2026-13-01\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error last_collection_date".to_owned()),
            (3, "error last_collection_date".to_owned()),
            (4, "create".to_owned()),
            (5, "error last_collection_date".to_owned()),
            (6, "error last_collection_date".to_owned()),
            (7, "create".to_owned()),
            (8, "error last_collection_date".to_owned()),
        ]
    );
    assert_eq!(
        messages(&report, 2),
        "last_collection_date: is required for a mandate signed more than 36 months ago \
         (2023-11-29): a SEPA mandate lapses 36 months after its last collection; give the date \
         of its last collection, or have a new mandate signed"
    );
    assert!(
        messages(&report, 3)
            .contains("2023-06-01 is more than 36 months ago: the mandate lapsed on 2026-06-01"),
        "{}",
        messages(&report, 3)
    );
    assert!(messages(&report, 5).contains("is in the future"));
    assert!(messages(&report, 6).contains("is before the signature date 2026-01-10"));

    let migrated = mandate(&tenant, "RUM-3");
    assert_eq!(migrated.last_collection_on, Some(date(2026, 10, 5)));
    assert!(
        !migrated.first_collection_pending,
        "collected before: not a first"
    );
    let fresh = mandate(&tenant, "RUM-6");
    assert_eq!(fresh.last_collection_on, None);
    assert!(fresh.first_collection_pending);
    assert_eq!(expire_dormant_mandates(&tenant, &clock()).unwrap(), 0);
    assert_eq!(mandate(&tenant, "RUM-3").status, MandateStatus::Active);

    // The export writes the date, and imports again (here: unchanged).
    let exported = export(&tenant);
    let text = String::from_utf8(exported.clone()).unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.ends_with(";last_collection_date"), "{header}");
    assert!(text.contains(";2026-10-05"), "{text}");
    let again = run(&tenant, &exported, ImportMode::DryRun).unwrap();
    assert_eq!(again.counts(), (0, 0, 2, 0), "{:?}", again.lines);
    // And to another creditor, with its history.
    let other = new_tenant(store, 2);
    let copied = run(&other, &exported, ImportMode::Apply).unwrap();
    assert_eq!(copied.counts(), (2, 0, 0, 0), "{:?}", copied.lines);
    assert_eq!(
        mandate(&other, "RUM-3").last_collection_on,
        Some(date(2026, 10, 5))
    );

    // A later last collection than the one stored is not taken on the
    // file's word.
    let later = "customer_reference;reference;iban;signature_date;last_collection_date\n\
        C-3;RUM-3;FR7630006000011234567890189;2020-01-10;2026-11-02\n\
        C-3;RUM-6;FR7630006000011234567890189;2023-12-01;2026-11-02\n";
    let report = run(&tenant, later.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error last_collection_date".to_owned()),
            (3, "error reference".to_owned()),
        ]
    );
}

/// A SEPA direct debit reaches only an account in the SEPA zone, and one
/// outside the EEA only with its bank's BIC.
fn an_account_a_direct_debit_cannot_reach_is_refused(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let file = "customer_reference;reference;debtor_name;iban;bic;signature_date\n\
        C-1;RUM-TR;Ana;TR330006100519786457841326;AKBKTRISXXX;2026-04-02\n\
        C-2;RUM-GB;Léo;GB29NWBK60161331926819;;2026-04-02\n\
        C-3;RUM-GB-BIC;Noé;GB29NWBK60161331926819;NWBKGB2L;2026-04-02\n\
        C-4;RUM-CH;Eve;CH9300762011623852957;;2026-04-02\n";
    let report = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error iban".to_owned()),
            (3, "error bic".to_owned()),
            (4, "create".to_owned()),
            (5, "error bic".to_owned()),
        ]
    );
    assert_eq!(
        messages(&report, 2),
        "iban: is an account in TR, outside the SEPA zone: a SEPA direct debit cannot reach it"
    );
    assert_eq!(
        messages(&report, 3),
        "bic: is required for an account in GB (in SEPA but outside the EEA)"
    );
    // Nor may a known mandate move to such an account.
    let moves = "customer_reference;reference;iban;bic;signature_date\n\
        C-3;RUM-GB-BIC;TR330006100519786457841326;AKBKTRISXXX;2026-04-02\n\
        C-3;RUM-GB-BIC;CH9300762011623852957;;2026-04-02\n";
    let report = run(&tenant, moves.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error iban".to_owned()),
            (3, "error reference".to_owned())
        ]
    );
}

/// A column the file lacks keeps the stored value; a field the import does
/// not change, given different, refuses the line and says so.
fn a_known_mandate_keeps_what_the_file_does_not_say(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    assert_eq!(
        mandate(&tenant, "RUM-PAPIER-0002")
            .debtor
            .bic
            .unwrap()
            .as_str(),
        "PSSTFRPPLYO"
    );
    // No bic column: the BIC stays, the line is unchanged.
    let no_bic = "customer_reference;reference;iban;signature_date\n\
        C-1002;RUM-PAPIER-0002;FR1420041010050500013M02606;2026-04-02\n";
    let report = run(&tenant, no_bic.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(outcomes(&report), [(2, "unchanged".to_owned())]);
    let kept = mandate(&tenant, "RUM-PAPIER-0002");
    assert_eq!(kept.debtor.bic.unwrap().as_str(), "PSSTFRPPLYO");
    assert!(kept.amendment.is_empty());

    // Fields an import does not change are named, never dropped.
    let fixed = "customer_reference;reference;iban;signature_date;scheme;type;debtor_city;signature_method\n\
        C-1001;RUM-PAPIER-0001;FR7630006000011234567890189;2026-03-15;CORE;recurrent;Paris;paper\n\
        C-1003;RUM-PAPIER-0003;DE89370400440532013000;2026-05-20;CORE;one_off;Bordeaux;paper\n\
        C-1002;RUM-PAPIER-0002;FR1420041010050500013M02606;2026-04-02;CORE;recurrent;Nice;paper\n";
    let report = run(&tenant, fixed.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            (2, "error signature_date".to_owned()),
            (3, "error scheme".to_owned()),
            (4, "error debtor_city".to_owned()),
        ]
    );
    assert_eq!(
        messages(&report, 3),
        "scheme: is 'CORE' in the file but 'B2B' on the stored mandate: an import cannot \
         change it (it only amends the IBAN, BIC and debtor name)"
    );
    // A bad value of such a field is refused as on a creation.
    let bad = "customer_reference;reference;iban;signature_date;type\n\
        C-1001;RUM-PAPIER-0001;FR7630006000011234567890189;2026-03-14;monthly\n";
    let report = run(&tenant, bad.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(outcomes(&report), [(2, "error type".to_owned())]);

    // An empty bic cell of a present column clears it; a new IBAN at
    // another bank without a bic column drops the old bank's BIC too.
    let cleared = "customer_reference;reference;iban;bic;signature_date\n\
        C-1002;RUM-PAPIER-0002;FR1420041010050500013M02606;;2026-04-02\n";
    let report = run(&tenant, cleared.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(outcomes(&report), [(2, "update".to_owned())]);
    let moved = "customer_reference;reference;iban;signature_date\n\
        C-1003;RUM-PAPIER-0003;FR7630006000011234567890189;2026-05-20\n";
    let report = run(&tenant, moved.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(outcomes(&report), [(2, "update".to_owned())]);
    let amended = mandate(&tenant, "RUM-PAPIER-0003");
    assert_eq!(amended.debtor.bic, None, "COBADEFFXXX is the old bank's");
    assert!(amended.amendment.changes_bank());
}

/// A column named twice refuses the file: which cell was meant cannot be
/// told.
fn a_column_named_twice_refuses_the_file(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let file = "customer_reference;reference;iban;signature_date;bic;debtor_name;BIC\n\
        C-1;RUM-1;FR7630006000011234567890189;2026-04-02;SOGEFRPP;Ana;AGRIFRPP\n";
    match run(&tenant, file.as_bytes(), ImportMode::DryRun) {
        Err(AppError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "file");
            assert_eq!(fields[0].message, "line 1: column 'bic' appears twice");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(counts(&tenant), (0, 0));
}

/// The same file sent again (a retry, a scheduled upload) must not take
/// back an amendment made since: its line is refused and the amendment
/// stays; the line in another file is applied.
fn the_same_file_again_keeps_a_later_amendment(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    run(&tenant, EXAMPLE, ImportMode::Apply).unwrap();
    let reference = MandateRef::parse("RUM-PAPIER-0001").unwrap();
    let mandate = |tenant: &prelevo_store::TenantStore| {
        tenant
            .read(|tx| tx.mandate_by_reference(&reference))
            .unwrap()
            .unwrap()
    };
    let new_bank = "DE89370400440532013000";
    change_bank_details(
        &tenant,
        &clock(),
        &Actor::Cli,
        &mandate(&tenant).id,
        None,
        Some(new_bank),
        None,
    )
    .unwrap();

    for mode in [ImportMode::DryRun, ImportMode::Apply] {
        let again = run(&tenant, EXAMPLE, mode).unwrap();
        assert!(again.previously_imported_at.is_some());
        assert_eq!(
            outcomes(&again),
            [
                (2, "error iban".to_owned()),
                (3, "unchanged".to_owned()),
                (4, "unchanged".to_owned()),
            ]
        );
        assert!(
            messages(&again, 2).contains("would undo a change made since"),
            "{}",
            messages(&again, 2)
        );
        assert_eq!(mandate(&tenant).debtor.iban.to_string(), new_bank);
    }

    // The line alone, in a file of its own, is applied.
    let text = std::str::from_utf8(EXAMPLE).unwrap();
    let alone: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    let applied = run(&tenant, alone.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(outcomes(&applied), [(2, "update".to_owned())]);
    assert_eq!(
        mandate(&tenant).debtor.iban.to_string(),
        "FR7630006000011234567890189"
    );
}

/// A dry run reports what the import then does, line for line, even past
/// a batch: a customer created by a line of the first batch is found by a
/// line of the second (here without the debtor's name, which only a
/// creation needs).
fn a_dry_run_past_a_batch_reports_what_the_import_does(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let mut file = String::from("customer_reference;reference;debtor_name;iban;signature_date\n");
    for n in 0..IMPORT_BATCH {
        file.push_str(&format!(
            "C-{n};RUM-BATCH-{n};Client {n};FR7630006000011234567890189;2026-04-02\n"
        ));
    }
    file.push_str("C-0;RUM-BATCH-LATER;;FR1420041010050500013M02606;2026-04-03\n");
    let dry = run(&tenant, file.as_bytes(), ImportMode::DryRun).unwrap();
    assert_eq!(
        dry.lines.last().map(|l| &l.outcome),
        Some(&LineOutcome::Create {
            new_customer: false
        })
    );
    assert_eq!(counts(&tenant), (0, 0), "a dry run leaves no trace");
    let applied = run(&tenant, file.as_bytes(), ImportMode::Apply).unwrap();
    assert_eq!(dry.lines, applied.lines);
    let batch = i64::try_from(IMPORT_BATCH).unwrap();
    assert_eq!(counts(&tenant), (batch, batch + 1));
}

on_both_engines!(
    only_active_mandates_are_imported,
    a_mandate_signed_over_36_months_ago_needs_its_last_collection,
    an_account_a_direct_debit_cannot_reach_is_refused,
    a_known_mandate_keeps_what_the_file_does_not_say,
    a_column_named_twice_refuses_the_file,
    a_dry_run_writes_nothing_and_the_import_applies_once,
    lines_of_a_batch_build_on_each_other,
    lines_are_created_updated_or_refused_one_by_one,
    a_bad_file_is_refused_whole_with_its_line,
    the_same_file_again_keeps_a_later_amendment,
    a_dry_run_past_a_batch_reports_what_the_import_does,
);
