use prelevo_app::AppError;
use prelevo_app::customers::change_customer_status;
use prelevo_app::mandate_import::{ImportMode, LineOutcome, error_file, import_mandates};
use prelevo_domain::{CustomerCode, CustomerEvent, MandateRef, PaymentMethodRef};
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

on_both_engines!(
    a_dry_run_writes_nothing_and_the_import_applies_once,
    lines_of_a_batch_build_on_each_other,
    lines_are_created_updated_or_refused_one_by_one,
    a_bad_file_is_refused_whole_with_its_line,
);
