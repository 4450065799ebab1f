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
use std::sync::Arc;

use prelevo_domain::{Bic, Clock, CustomerCode, CustomerStatus, Iban, MandateRef, MandateStatus};
use prelevo_store::{Actor, NewImportedFile, StoreError, TenantStore, TenantTx};
use sha2::{Digest, Sha256};

use self::batch::{Creations, Known};
use crate::customers::{CustomerInput, checked_customer};
use crate::fields::Fields;
use crate::mandates::{MandateInput, ReferenceChoice, change_bank_details_in, checked_mandate};
use crate::{AppError, FieldError};

/// Lines applied per transaction.
pub const IMPORT_BATCH: usize = 500;

/// The largest file accepted (the web layer refuses larger uploads first).
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

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

/// Whether to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Report only.
    DryRun,
    /// Apply the valid lines.
    Apply,
}

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

/// One data line's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReport {
    /// The line number in the file (the header is line 1).
    pub line: u64,
    /// The UMR read on the line, if any.
    pub reference: String,
    /// What it does.
    pub outcome: LineOutcome,
}

/// What an import did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Dry run or applied.
    pub mode: ImportMode,
    /// Every data line, in file order.
    pub lines: Vec<LineReport>,
    /// When the same bytes were imported before, if ever.
    pub previously_imported_at: Option<jiff::Timestamp>,
}

impl ImportReport {
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

/// A refusal of the whole file (encoding, separator, columns, size).
fn file_error(message: impl ToString) -> AppError {
    AppError::invalid("file", message)
}

/// One parsed data line.
struct Line {
    number: u64,
    /// The header's column positions, shared by every line.
    columns: Arc<HashMap<String, usize>>,
    cells: csv::StringRecord,
}

impl Line {
    /// The cell of `column` as read.
    fn raw(&self, column: &str) -> Option<&str> {
        self.columns.get(column).and_then(|&i| self.cells.get(i))
    }

    /// The cell of `column`, trimmed; `None` when empty.
    fn get(&self, column: &str) -> Option<&str> {
        self.raw(column).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// Reads the file's lines, refusing a file that is not UTF-8, not
/// `;`-separated, or without the required columns.
fn read_lines(bytes: &[u8]) -> Result<Vec<Line>, AppError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(file_error(format!(
            "is {} bytes; at most {MAX_IMPORT_BYTES} are accepted: split it",
            bytes.len()
        )));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}'),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(file_error(format!(
                "line {line}: is not UTF-8 text (byte {} cannot be read): save it as \"CSV UTF-8\"",
                e.valid_up_to() + 1
            )));
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| file_error(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header.len() == 1 && (header[0].contains(',') || header[0].contains('\t')) {
        return Err(file_error(
            "line 1: columns must be separated by ';' (this file uses ',' or tabs)",
        ));
    }
    let mut problems = Vec::new();
    for column in &header {
        if !REQUIRED_COLUMNS.contains(&column.as_str())
            && !OPTIONAL_COLUMNS.contains(&column.as_str())
        {
            problems.push(format!("unknown column '{column}'"));
        }
    }
    for column in REQUIRED_COLUMNS {
        if !header.iter().any(|h| h == column) {
            problems.push(format!("missing column '{column}'"));
        }
    }
    if !problems.is_empty() {
        return Err(file_error(format!("line 1: {}", problems.join(", "))));
    }
    let columns: Arc<HashMap<String, usize>> = Arc::new(
        header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), i))
            .collect(),
    );
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_error(format!("line {line}: {e}"))
        })?;
        let number = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        lines.push(Line {
            number,
            columns: Arc::clone(&columns),
            cells: record,
        });
    }
    Ok(lines)
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
    let lines = read_lines(bytes)?;
    let hash = hex::encode(Sha256::digest(bytes));
    let previously_imported_at = tenant
        .read(|tx| tx.imported_file_by_hash(FILE_KIND, &hash))?
        .map(|f| f.imported_at);
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut reports = Vec::with_capacity(lines.len());
    for batch in lines.chunks(IMPORT_BATCH) {
        let outcome = tenant.write(|tx| {
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
            match mode {
                ImportMode::Apply => Ok(done),
                // Rolled back: the dry run leaves no trace.
                ImportMode::DryRun => Err(Batch::RolledBack(done)),
            }
        });
        match outcome {
            Ok(done) | Err(Batch::RolledBack(done)) => reports.extend(done),
            Err(Batch::Failed(error)) => return Err(error),
        }
    }
    if mode == ImportMode::Apply && previously_imported_at.is_none() {
        tenant.write(|tx| {
            tx.record_imported_file(
                &NewImportedFile {
                    kind: FILE_KIND,
                    file_name,
                    content_sha256: &hash,
                    size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                },
                clock.now(),
            )
            .map(drop)
        })?;
    }
    Ok(ImportReport {
        mode,
        lines: reports,
        previously_imported_at,
    })
}

const FILE_KIND: &str = "mandates.csv";

/// How a batch's transaction ended, when not committed.
enum Batch {
    /// A dry run's batch, with its reports.
    RolledBack(Vec<LineReport>),
    /// The store failed: the import stops (batches before stay applied and
    /// are found unchanged on a re-run).
    Failed(AppError),
}

impl From<AppError> for Batch {
    fn from(error: AppError) -> Self {
        Batch::Failed(error)
    }
}

impl From<StoreError> for Batch {
    fn from(error: StoreError) -> Self {
        Batch::Failed(error.into())
    }
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
    let lines = read_lines(bytes)?;
    let by_number: HashMap<u64, &Line> = lines.iter().map(|l| (l.number, l)).collect();
    let columns: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .chain(OPTIONAL_COLUMNS.iter())
        .copied()
        .collect();
    let mut out = Vec::new();
    {
        let mut csv = prelevo_bankfiles::CsvExport::new(
            &mut out,
            prelevo_bankfiles::Separator::Semicolon,
            prelevo_bankfiles::Bom::Yes,
        );
        let written =
            |e: std::io::Error| AppError::System(format!("cannot write the error file: {e}"));
        let mut header = vec!["line", "errors"];
        header.extend(columns.iter());
        csv.header(&header).map_err(written)?;
        for report in &report.lines {
            let LineOutcome::Error(fields) = &report.outcome else {
                continue;
            };
            let Some(line) = by_number.get(&report.line) else {
                continue;
            };
            let mut row = vec![
                report.line.to_string(),
                fields
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" | "),
            ];
            row.extend(
                columns
                    .iter()
                    .map(|c| line.raw(c).unwrap_or_default().to_owned()),
            );
            csv.row(row).map_err(written)?;
        }
        csv.finish().map_err(written)?;
    }
    Ok(out)
}
