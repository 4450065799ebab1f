//! Import of mandates signed on paper or elsewhere, from a `;` CSV.
//!
//! A dry run reports what each line would do (create, update, leave
//! unchanged, or the errors with their fields) and writes nothing; the
//! real run applies the valid lines, in batches of [`IMPORT_BATCH`] per
//! transaction, and reports the invalid ones. A line is keyed by its
//! mandate reference (UMR): importing the same file again finds every
//! mandate as it left it and changes nothing.

mod batch;

use std::collections::HashMap;

use prelevo_domain::{Bic, Clock, CustomerCode, CustomerStatus, Iban, MandateRef, MandateStatus};
use prelevo_store::{Actor, TenantStore, TenantTx};

use self::batch::{Creations, Known};
use crate::customers::{CustomerInput, checked_customer};
use crate::fields::Fields;
use crate::import_file::{FileFormat, Line, Refusal, import_in_batches, no_header_problems};
use crate::mandates::{MandateInput, ReferenceChoice, change_bank_details_in, checked_mandate};
use crate::{AppError, FieldError};

pub use crate::import_file::{IMPORT_BATCH, ImportMode, MAX_IMPORT_BYTES, MAX_IMPORT_LINES};

/// Columns a file must have.
pub const REQUIRED_COLUMNS: [&str; 4] =
    ["customer_reference", "reference", "iban", "signature_date"];

/// Columns a file may have; others are refused (a typo would be lost).
pub const OPTIONAL_COLUMNS: [&str; 13] = [
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
    import_in_batches(
        tenant,
        clock,
        &FORMAT,
        file_name,
        bytes,
        mode,
        |tx, batch| {
            let mut known = Known::read(tx, clock, batch)?;
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
        Err(AppError::Invalid(fields)) => LineOutcome::Error(fields),
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
    let iban = line.get("iban").map(Iban::parse);
    let bic = line.get("bic").map(Bic::parse);
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
            let (Some(Ok(iban)), Ok(bic)) = (iban, bic.transpose()) else {
                // Parse again for the precise message.
                let mut fields = Vec::new();
                match line.get("iban").map(Iban::parse) {
                    None => fields.push(FieldError::new("iban", "is required")),
                    Some(Err(e)) => fields.push(FieldError::new("iban", e)),
                    Some(Ok(_)) => {}
                }
                if let Some(Err(e)) = line.get("bic").map(Bic::parse) {
                    fields.push(FieldError::new("bic", e));
                }
                return Err(AppError::Invalid(fields));
            };
            let name = line.get("debtor_name").unwrap_or(&existing.debtor.name);
            let same = existing.debtor.iban == iban
                && existing.debtor.bic == bic
                && existing.debtor.name == name;
            if same {
                return Ok(LineOutcome::Unchanged);
            }
            if !matches!(
                existing.status,
                MandateStatus::Active | MandateStatus::PendingReference
            ) {
                return Err(AppError::invalid(
                    "reference",
                    format!(
                        "{reference} is {}: its bank details cannot change",
                        existing.status.as_str()
                    ),
                ));
            }
            // An amendment that fails after a first write is undone whole.
            tx.savepoint(|tx| {
                change_bank_details_in(
                    tx,
                    clock,
                    actor,
                    &existing.id,
                    Some(name),
                    line.get("iban"),
                    Some(line.get("bic")),
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
            let text = |column: &str| line.get(column).map(str::to_owned);
            let input = MandateInput {
                customer_id: customer
                    .as_ref()
                    .map(|c| c.id.to_string())
                    .unwrap_or_default(),
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
            };
            let (mandate, holder) =
                checked_mandate(tx, fields, customer, &input, known.today, now)?;
            creations.add(mandate, holder, new_customer);
            Ok(LineOutcome::Create { new_customer })
        }
    }
}

/// The refused lines as a `;` CSV to correct and import again: the line
/// number, the errors, then the line's cells as read.
pub fn error_file(bytes: &[u8], report: &ImportReport) -> Result<Vec<u8>, AppError> {
    crate::import_file::error_file(bytes, &FORMAT, report)
}
