//! Import of mandates signed on paper or elsewhere, from a `;` CSV.
//!
//! A dry run reports what each line would do (create, update, leave
//! unchanged, or the errors with their fields) and writes nothing; the
//! real run applies the valid lines, in batches of [`IMPORT_BATCH`] per
//! transaction, and reports the invalid ones. A line is keyed by its
//! mandate reference (UMR): importing the same file again finds every
//! mandate as it left it and changes nothing, and refuses a line that
//! would take back an amendment made since.
//!
//! Only active mandates come in, and only those that have not lapsed (a
//! mandate signed more than 36 months ago needs its last collection date).
//! A known mandate's IBAN, BIC and debtor name may be amended; a line that
//! differs from it in any other field is refused, naming the field.

mod batch;

use std::collections::HashMap;

use jiff::civil::Date;
use prelevo_domain::{
    Bic, Clock, Customer, CustomerCode, CustomerStatus, DORMANCY_MONTHS, Iban, Mandate, MandateRef,
    MandateStatus, dormant_from, is_dormant,
};
use prelevo_store::{Actor, TenantStore, TenantTx};

use self::batch::{Creations, Known};
use crate::customers::{CustomerInput, checked_customer};
use crate::fields::Fields;
use crate::import_file::{
    FileFormat, Line, Refusal, file_date, import_in_batches, no_header_problems,
    undoes_later_change,
};
use crate::mandates::{MandateInput, ReferenceChoice, change_bank_details_in, checked_mandate};
use crate::{AppError, FieldError};

pub use crate::import_file::{IMPORT_BATCH, ImportMode, MAX_IMPORT_BYTES, MAX_IMPORT_LINES};

/// Columns a file must have.
pub const REQUIRED_COLUMNS: [&str; 4] =
    ["customer_reference", "reference", "iban", "signature_date"];

/// Columns a file may have; others are refused (a typo would be lost).
/// `mandate_id` is read by no line: it is accepted so that an export
/// imports again, but a line is keyed by its reference and a created
/// mandate gets an id of its own (another system's id means nothing here).
/// `status` may only say `active`.
pub const OPTIONAL_COLUMNS: [&str; 14] = [
    "mandate_id",
    "status",
    "scheme",
    "type",
    "debtor_name",
    "debtor_address_line1",
    "debtor_address_line2",
    "debtor_postal_code",
    "debtor_city",
    "debtor_country",
    "bic",
    "signature_place",
    "signature_method",
    "last_collection_date",
];

const FORMAT: FileFormat = FileFormat {
    kind: "mandates.csv",
    required: &REQUIRED_COLUMNS,
    optional: &OPTIONAL_COLUMNS,
    header_problems: no_header_problems,
};

/// What a line does (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// A new mandate (and a new customer when `new_customer`).
    Create {
        /// Whether the customer is created too.
        new_customer: bool,
    },
    /// The mandate's bank details or debtor name change (an amendment).
    Update,
    /// The mandate is already as the line says.
    Unchanged,
    /// The line is refused; nothing of it is applied.
    Error(Vec<FieldError>),
}

impl Refusal for LineOutcome {
    fn refusal(&self) -> Option<&[FieldError]> {
        match self {
            LineOutcome::Error(fields) => Some(fields),
            _ => None,
        }
    }
}

/// One data line's result.
pub type LineReport = crate::import_file::LineReport<LineOutcome>;

/// What a mandate import did (or would do).
pub type ImportReport = crate::import_file::ImportReport<LineOutcome>;

impl crate::import_file::ImportReport<LineOutcome> {
    /// How many lines create, update, leave unchanged, and are refused.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        self.lines
            .iter()
            .fold((0, 0, 0, 0), |(c, u, n, e), l| match l.outcome {
                LineOutcome::Create { .. } => (c + 1, u, n, e),
                LineOutcome::Update => (c, u + 1, n, e),
                LineOutcome::Unchanged => (c, u, n + 1, e),
                LineOutcome::Error(_) => (c, u, n, e + 1),
            })
    }
}

/// Imports (or dry-runs) a mandate file for this creditor.
pub fn import_mandates(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<ImportReport, AppError> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    // A dry run rolls each batch back, so a later batch would not find the
    // customers an earlier one created, and would report them created
    // again (or refuse a line without the debtor's name) where the import
    // finds them: they are put back for the lines that name them.
    let mut dry_run_customers: HashMap<String, Customer> = HashMap::new();
    import_in_batches(
        tenant,
        clock,
        &FORMAT,
        file_name,
        bytes,
        mode,
        |tx, batch, imported_before| {
            if mode == ImportMode::DryRun {
                let named: Vec<Customer> = batch
                    .iter()
                    .filter_map(|line| dry_run_customers.remove(line.get("customer_reference")?))
                    .collect();
                tx.insert_customers(&named)?;
                dry_run_customers
                    .extend(named.into_iter().map(|c| (c.code.as_str().to_owned(), c)));
            }
            let mut known = Known::read(tx, clock, batch, imported_before)?;
            let mut creations = Creations::default();
            let done: Vec<LineReport> = batch
                .iter()
                .map(|line| {
                    apply_line(
                        tx,
                        clock,
                        actor,
                        line,
                        &mut seen,
                        &mut known,
                        &mut creations,
                    )
                })
                .collect::<Result<_, AppError>>()?;
            if mode == ImportMode::DryRun {
                dry_run_customers.extend(
                    creations
                        .new_customers()
                        .iter()
                        .map(|c| (c.code.as_str().to_owned(), c.clone())),
                );
            }
            creations.write(tx, actor)?;
            Ok(done)
        },
    )
}

/// Applies one line in `tx` (a creation is only noted in `creations`); a
/// refused line writes nothing and is reported.
fn apply_line(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    line: &Line,
    seen: &mut HashMap<String, u64>,
    known: &mut Known,
    creations: &mut Creations,
) -> Result<LineReport, AppError> {
    let reference = line.get("reference").unwrap_or_default().to_owned();
    let outcome = match line_outcome(tx, clock, actor, line, seen, known, creations) {
        Ok(outcome) => outcome,
        Err(AppError::Invalid(fields)) => LineOutcome::Error(
            fields
                .into_iter()
                .map(|mut field| {
                    // The file's column, not the API's field name.
                    if field.field == "kind" {
                        field.field = "type".into();
                    }
                    field
                })
                .collect(),
        ),
        Err(AppError::Conflict(message) | AppError::NotFound(message)) => {
            LineOutcome::Error(vec![FieldError::new("reference", message)])
        }
        Err(other) => return Err(other),
    };
    Ok(LineReport {
        line: line.number,
        reference,
        outcome,
    })
}

fn line_outcome(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    line: &Line,
    seen: &mut HashMap<String, u64>,
    known: &mut Known,
    creations: &mut Creations,
) -> Result<LineOutcome, AppError> {
    // Checks that need no database, all reported at once.
    let mut refused = Vec::new();
    let code = match line.get("customer_reference").map(CustomerCode::parse) {
        Some(Ok(code)) => Some(code),
        Some(Err(e)) => {
            refused.push(FieldError::new("customer_reference", e));
            None
        }
        None => {
            refused.push(FieldError::new("customer_reference", "is required"));
            None
        }
    };
    let reference = match line.get("reference").map(MandateRef::parse) {
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            refused.push(FieldError::new("reference", e));
            None
        }
        None => {
            refused.push(FieldError::new(
                "reference",
                "is required (a signed mandate has its reference)",
            ));
            None
        }
    };
    if let Some(r) = &reference
        && let Some(first) = seen.get(r.as_str())
    {
        refused.push(FieldError::new(
            "reference",
            format!("appears twice in the file (first on line {first})"),
        ));
    }
    // An export lists revoked and expired mandates too: taken as active,
    // they would be collected from debtors who withdrew their consent.
    if let Some(status) = line.get("status")
        && !status.eq_ignore_ascii_case(MandateStatus::Active.as_str())
    {
        refused.push(FieldError::new(
            "status",
            format!(
                "is '{status}': only active mandates are imported (a revoked or expired mandate must not be collected)"
            ),
        ));
    }
    let last_collection = match line.get("last_collection_date").map(file_date) {
        Some(Ok(day)) => Some(day),
        Some(Err(e)) => {
            refused.push(FieldError::new("last_collection_date", e));
            None
        }
        None => None,
    };
    let (Some(code), Some(reference)) = (code, reference) else {
        return Err(AppError::Invalid(refused));
    };
    if !refused.is_empty() {
        return Err(AppError::Invalid(refused));
    }
    seen.insert(reference.as_str().to_owned(), line.number);

    match known.mandates.remove(reference.as_str()) {
        Some(existing) => {
            let owner = tx.customer(&existing.customer_id)?;
            if owner.code != code {
                return Err(AppError::invalid(
                    "reference",
                    format!("{reference} is the mandate of customer {}", owner.code),
                ));
            }
            if existing.status.is_final() {
                let column = if line.get("status").is_some() {
                    "status"
                } else {
                    "reference"
                };
                return Err(AppError::invalid(
                    column,
                    format!(
                        "{reference} is {}: an import cannot make it active again; have a new mandate signed",
                        existing.status.as_str()
                    ),
                ));
            }
            // The mandate the line describes, every field checked as for a
            // creation; a column the file lacks keeps the stored value.
            let input = described_input(line, &reference, Some(&owner), Some(&existing));
            let (described, _) = checked_mandate(
                tx,
                Fields::default(),
                Some(owner),
                &input,
                known.today,
                clock.now(),
            )?;
            let fixed = fixed_field_differences(&existing, &described, last_collection);
            if !fixed.is_empty() {
                return Err(AppError::Invalid(fixed));
            }
            if existing.debtor == described.debtor {
                return Ok(LineOutcome::Unchanged);
            }
            if let Some(first) = known.imported_before {
                let field = if existing.debtor.iban != described.debtor.iban {
                    "iban"
                } else if existing.debtor.bic != described.debtor.bic {
                    "bic"
                } else {
                    "debtor_name"
                };
                return Err(undoes_later_change(
                    field,
                    &format!("mandate {reference}'s {field}"),
                    first,
                ));
            }
            let bic = described.debtor.bic.as_ref().map(Bic::as_str);
            // An amendment that fails after a first write is undone whole.
            tx.savepoint(|tx| {
                change_bank_details_in(
                    tx,
                    clock,
                    actor,
                    &existing.id,
                    Some(&described.debtor.name),
                    Some(described.debtor.iban.as_str()),
                    Some(bic),
                )
            })?;
            Ok(LineOutcome::Update)
        }
        None => {
            let now = clock.now();
            let mut fields = Fields::default();
            let (customer, new_customer) = match creations.customer(&code) {
                Some(created) => (Some(created.clone()), false),
                None => match known.customers.get(code.as_str()) {
                    Some(stored) if stored.status == CustomerStatus::StruckOff => {
                        fields.push(
                            "customer_reference",
                            format!("customer {code} is struck off: it takes no new mandate"),
                        );
                        (None, false)
                    }
                    Some(stored) => (Some(stored.clone()), false),
                    None => {
                        let Some(name) = line.get("debtor_name") else {
                            return Err(AppError::invalid(
                                "debtor_name",
                                format!("is required to create customer {code}"),
                            ));
                        };
                        let input = CustomerInput {
                            code: Some(code.to_string()),
                            last_name: Some(name.to_owned()),
                            address_line1: line.get("debtor_address_line1").map(str::to_owned),
                            address_line2: line.get("debtor_address_line2").map(str::to_owned),
                            postal_code: line.get("debtor_postal_code").map(str::to_owned),
                            city: line.get("debtor_city").map(str::to_owned),
                            country: line.get("debtor_country").map(str::to_owned),
                            ..CustomerInput::default()
                        };
                        (Some(checked_customer(tx, &input, now)?), true)
                    }
                },
            };
            // A badly written signature date is reported by the mandate's
            // own check below; the lapse can only be judged from a good one.
            if let Some(signed_on) = line
                .get("signature_date")
                .and_then(|d| d.parse::<Date>().ok())
                && let Some(problem) = lapse_problem(signed_on, last_collection, known.today)
            {
                fields.push("last_collection_date", problem);
            }
            let input = described_input(line, &reference, customer.as_ref(), None);
            let (mut mandate, holder) =
                checked_mandate(tx, fields, customer, &input, known.today, now)?;
            if let Some(last) = last_collection {
                // Collected before it came here: its 36 months run from
                // that collection, and the next one is not a first one.
                mandate.last_collection_on = Some(last);
                mandate.first_collection_pending = false;
            }
            creations.add(mandate, holder, new_customer);
            Ok(LineOutcome::Create { new_customer })
        }
    }
}

/// The mandate input a line describes for `customer`: a column the file
/// lacks takes the value of `stored` (the mandate the line names, if it
/// exists), an empty cell of a present column means "none" (or the
/// default: `CORE`, `recurrent`, `paper`).
fn described_input(
    line: &Line,
    reference: &MandateRef,
    customer: Option<&Customer>,
    stored: Option<&Mandate>,
) -> MandateInput {
    let base = cells_input(line, reference, customer);
    let Some(stored) = stored else {
        return base;
    };
    let kept = |column: &str, from_file: Option<String>, stored: Option<&str>| {
        if line.has(column) {
            from_file
        } else {
            stored.map(str::to_owned)
        }
    };
    let address = &stored.debtor_address;
    // The stored BIC names the stored account's bank: kept for a new IBAN
    // only at that same bank, or a move would hide behind the old BIC (no
    // SMNDA reported, no FRST) and the collection go to the old bank.
    let same_bank = match Iban::parse(&base.iban) {
        Ok(iban) if iban == stored.debtor.iban => true,
        Ok(iban) => {
            iban.country_code() == stored.debtor.iban.country_code()
                && iban
                    .bank_identifier()
                    .is_some_and(|bank| Some(bank) == stored.debtor.iban.bank_identifier())
        }
        // Refused anyway, by the mandate's own check.
        Err(_) => true,
    };
    let stored_bic = stored
        .debtor
        .bic
        .as_ref()
        .filter(|_| same_bank)
        .map(Bic::as_str);
    MandateInput {
        scheme: kept("scheme", base.scheme, Some(stored.scheme.as_str())),
        kind: kept("type", base.kind, Some(stored.kind.as_str())),
        // An empty name keeps the stored one (a mandate always has one).
        debtor_name: base
            .debtor_name
            .or_else(|| Some(stored.debtor.name.clone())),
        debtor_address_line1: kept(
            "debtor_address_line1",
            base.debtor_address_line1,
            address.line1.as_deref(),
        ),
        debtor_address_line2: kept(
            "debtor_address_line2",
            base.debtor_address_line2,
            address.line2.as_deref(),
        ),
        debtor_postal_code: kept(
            "debtor_postal_code",
            base.debtor_postal_code,
            address.postal_code.as_deref(),
        ),
        debtor_city: kept("debtor_city", base.debtor_city, address.city.as_deref()),
        debtor_country: kept(
            "debtor_country",
            base.debtor_country,
            address.country.as_deref(),
        ),
        bic: kept("bic", base.bic, stored_bic),
        signature_place: kept(
            "signature_place",
            base.signature_place,
            stored.signature_place.as_deref(),
        ),
        signature_method: if line.has("signature_method") {
            base.signature_method
        } else {
            stored.signature_method.as_str().to_owned()
        },
        ..base
    }
}

/// The mandate input of a line's cells alone, an empty cell or absent
/// column taking the creation's default.
fn cells_input(line: &Line, reference: &MandateRef, customer: Option<&Customer>) -> MandateInput {
    let text = |column: &str| line.get(column).map(str::to_owned);
    MandateInput {
        customer_id: customer.map(|c| c.id.to_string()).unwrap_or_default(),
        reference: ReferenceChoice::Given(reference.to_string()),
        scheme: text("scheme"),
        kind: text("type"),
        debtor_name: text("debtor_name"),
        debtor_address_line1: text("debtor_address_line1"),
        debtor_address_line2: text("debtor_address_line2"),
        debtor_postal_code: text("debtor_postal_code"),
        debtor_city: text("debtor_city"),
        debtor_country: text("debtor_country"),
        iban: text("iban").unwrap_or_default(),
        bic: text("bic"),
        signed_on: text("signature_date").unwrap_or_default(),
        signature_place: text("signature_place"),
        signature_method: text("signature_method").unwrap_or_else(|| "paper".into()),
    }
}

/// Why a mandate signed on `signed_on`, last collected on `last_collection`
/// (if ever), cannot be imported on `today`, if it cannot: it has lapsed.
/// The daily dormancy run would expire it at once and stop its plans.
fn lapse_problem(signed_on: Date, last_collection: Option<Date>, today: Date) -> Option<String> {
    match last_collection {
        Some(last) if last > today => Some(format!("{last} is in the future")),
        Some(last) if last < signed_on => {
            Some(format!("{last} is before the signature date {signed_on}"))
        }
        _ if !is_dormant(last_collection, signed_on, today) => None,
        None => Some(format!(
            "is required for a mandate signed more than {DORMANCY_MONTHS} months ago ({signed_on}): \
             a SEPA mandate lapses {DORMANCY_MONTHS} months after its last collection; give the \
             date of its last collection, or have a new mandate signed"
        )),
        Some(last) => Some(format!(
            "{last} is more than {DORMANCY_MONTHS} months ago: the mandate lapsed on {}, as a SEPA \
             mandate does {DORMANCY_MONTHS} months after its last collection; have a new mandate signed",
            dormant_from(Some(last), signed_on)
        )),
    }
}

/// Where the line's mandate differs from the stored one in a field an
/// import does not change (only the IBAN, BIC and debtor name are amended):
/// reported rather than dropped, or the file would be taken as applied.
fn fixed_field_differences(
    stored: &Mandate,
    described: &Mandate,
    last_collection: Option<Date>,
) -> Vec<FieldError> {
    let mut differences = Vec::new();
    let mut compare = |column: &str, in_file: Option<&str>, kept: Option<&str>| {
        if in_file != kept {
            let shown =
                |value: Option<&str>| value.map_or("empty".to_owned(), |v| format!("'{v}'"));
            differences.push(FieldError::new(
                column,
                format!(
                    "is {} in the file but {} on the stored mandate: an import cannot change it \
                     (it only amends the IBAN, BIC and debtor name)",
                    shown(in_file),
                    shown(kept)
                ),
            ));
        }
    };
    let (file_signed, kept_signed) = (
        described.signed_on.to_string(),
        stored.signed_on.to_string(),
    );
    let (file_address, kept_address) = (&described.debtor_address, &stored.debtor_address);
    let fixed: [(&str, Option<&str>, Option<&str>); 10] = [
        ("signature_date", Some(&file_signed), Some(&kept_signed)),
        (
            "scheme",
            Some(described.scheme.as_str()),
            Some(stored.scheme.as_str()),
        ),
        (
            "type",
            Some(described.kind.as_str()),
            Some(stored.kind.as_str()),
        ),
        (
            "debtor_address_line1",
            file_address.line1.as_deref(),
            kept_address.line1.as_deref(),
        ),
        (
            "debtor_address_line2",
            file_address.line2.as_deref(),
            kept_address.line2.as_deref(),
        ),
        (
            "debtor_postal_code",
            file_address.postal_code.as_deref(),
            kept_address.postal_code.as_deref(),
        ),
        (
            "debtor_city",
            file_address.city.as_deref(),
            kept_address.city.as_deref(),
        ),
        (
            "debtor_country",
            file_address.country.as_deref(),
            kept_address.country.as_deref(),
        ),
        (
            "signature_place",
            described.signature_place.as_deref(),
            stored.signature_place.as_deref(),
        ),
        (
            "signature_method",
            Some(described.signature_method.as_str()),
            Some(stored.signature_method.as_str()),
        ),
    ];
    for (column, in_file, kept) in fixed {
        compare(column, in_file, kept);
    }
    // An earlier date is an older file: the stored mandate knows of a
    // later collection. A later one would lengthen the mandate's life on
    // the file's word alone.
    if let Some(last) = last_collection
        && stored.last_collection_on.is_none_or(|kept| last > kept)
    {
        differences.push(FieldError::new(
            "last_collection_date",
            format!(
                "is {last} in the file but {} on the stored mandate: an import cannot move a \
                 mandate's last collection later",
                stored
                    .last_collection_on
                    .map_or("empty".to_owned(), |kept| kept.to_string())
            ),
        ));
    }
    differences
}

/// The refused lines as a `;` CSV to correct and import again: the line
/// number, the errors, then the line's cells as read.
pub fn error_file(bytes: &[u8], report: &ImportReport) -> Result<Vec<u8>, AppError> {
    crate::import_file::error_file(bytes, &FORMAT, report)
}
