//! Plans by file: create, change and cancel plans ("échéanciers") from a
//! `;` CSV, as the mandate import does for mandates.
//!
//! Each line names its plan by the creditor's own reference
//! (`plan_reference`) and says what to do with it (`action`: `create` —
//! the default —, `update` or `cancel`). A dry run reports what each line
//! would do and writes nothing; the real run applies the valid lines in
//! batches of [`IMPORT_BATCH`] per transaction and reports the others with
//! their line and column. The reference makes a line idempotent: a plan
//! that already is what its line says is left `Unchanged`, so the same file
//! imported again — or again after a stop half-way — applies nothing twice
//! and creates no payment twice; a line of it that would now change a plan
//! (changed or made since) is refused instead.

mod batch;
mod cells;

use std::collections::HashMap;

use prelevo_domain::{Clock, Currency, Plan, PlanReference, PlanStatus, StopReason};
use prelevo_store::{Actor, TenantStore, TenantTx};

use self::batch::Known;
use self::cells::{Action, Cells};
use crate::import_file::{FileFormat, Line, Refusal, import_in_batches, undoes_later_change};
use crate::plans::{
    PlanInput, PlanToCreate, edit_plan_in, has_terms, plan_to_create, stop_in, write_new_plans,
};
use crate::{AppError, FieldError};

pub use crate::import_file::{IMPORT_BATCH, ImportMode, MAX_IMPORT_BYTES, MAX_IMPORT_LINES};

/// Columns a file must have.
pub const REQUIRED_COLUMNS: [&str; 1] = ["plan_reference"];

/// Columns a file may have; others are refused (a typo would be lost).
pub const OPTIONAL_COLUMNS: [&str; 12] = [
    "action",
    "customer_reference",
    "mandate_reference",
    "card_alias_id",
    "amount",
    "currency",
    "frequency",
    "start_date",
    "end_date",
    "instalments",
    "collection_day",
    "remittance_info",
];

/// What every creation needs: a file without an `action` column only
/// creates, so it must have them.
const CREATE_COLUMNS: [&str; 4] = ["customer_reference", "amount", "frequency", "start_date"];

const FORMAT: FileFormat = FileFormat {
    kind: "plans.csv",
    required: &REQUIRED_COLUMNS,
    optional: &OPTIONAL_COLUMNS,
    header_problems,
};

/// Without an `action` column every line creates a plan: the columns a
/// creation needs are then refused at once, not on every line.
fn header_problems(header: &[String]) -> Vec<String> {
    let has = |column: &str| header.iter().any(|h| h == column);
    if has("action") {
        return Vec::new();
    }
    let mut problems: Vec<String> = CREATE_COLUMNS
        .iter()
        .filter(|c| !has(c))
        .map(|c| {
            format!("missing column '{c}' (without an 'action' column, every line creates a plan)")
        })
        .collect();
    if !has("mandate_reference") && !has("card_alias_id") {
        problems.push(
            "missing column 'mandate_reference' or 'card_alias_id' (without an 'action' column, every line creates a plan)"
                .to_owned(),
        );
    }
    problems
}

/// What a line does (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// A new plan, with its instalments within the pre-notification period.
    Create,
    /// The plan's amount, schedule or text change; only its instalments
    /// not sent yet follow.
    Update,
    /// The plan stops; its instalments not sent yet are cancelled.
    Cancel,
    /// The plan already is what the line says.
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

/// What a plan import did (or would do).
pub type ImportReport = crate::import_file::ImportReport<LineOutcome>;

/// How many lines of a plan import did what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Plans created.
    pub created: usize,
    /// Plans changed.
    pub updated: usize,
    /// Plans cancelled.
    pub cancelled: usize,
    /// Lines already applied.
    pub unchanged: usize,
    /// Lines refused.
    pub refused: usize,
}

impl crate::import_file::ImportReport<LineOutcome> {
    /// How many lines create, update, cancel, leave unchanged, are refused.
    pub fn counts(&self) -> ImportCounts {
        let mut counts = ImportCounts::default();
        for line in &self.lines {
            let count = match line.outcome {
                LineOutcome::Create => &mut counts.created,
                LineOutcome::Update => &mut counts.updated,
                LineOutcome::Cancel => &mut counts.cancelled,
                LineOutcome::Unchanged => &mut counts.unchanged,
                LineOutcome::Error(_) => &mut counts.refused,
            };
            *count += 1;
        }
        counts
    }
}

/// Imports (or dry-runs) a plan file for this creditor.
pub fn import_plans(
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
        |tx, batch, imported_before| {
            let known = Known::read(tx, clock, batch, imported_before)?;
            // New plans are checked line by line and written together at
            // the batch's end: a few statements instead of a dozen a line.
            let mut created = Vec::new();
            let done = batch
                .iter()
                .map(|line| apply_line(tx, clock, actor, line, &mut seen, &known, &mut created))
                .collect::<Result<Vec<_>, AppError>>()?;
            write_new_plans(tx, actor, created)?;
            Ok(done)
        },
    )
}

/// The refused lines as a `;` CSV to correct and import again: the line
/// number, the errors, then the line's cells as read.
pub fn error_file(bytes: &[u8], report: &ImportReport) -> Result<Vec<u8>, AppError> {
    crate::import_file::error_file(bytes, &FORMAT, report)
}

/// Applies one line in `tx`; a refused line writes nothing and is
/// reported.
fn apply_line(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    line: &Line,
    seen: &mut HashMap<String, u64>,
    known: &Known,
    created: &mut Vec<PlanToCreate>,
) -> Result<LineReport, AppError> {
    let reference = line.get("plan_reference").unwrap_or_default().to_owned();
    let outcome = match line_outcome(tx, clock, actor, line, seen, known, created) {
        Ok(outcome) => outcome,
        Err(AppError::Invalid(fields)) => LineOutcome::Error(
            fields
                .into_iter()
                .map(|f| FieldError {
                    field: column_of(&f.field).to_owned(),
                    message: f.message,
                })
                .collect(),
        ),
        Err(AppError::Conflict(message) | AppError::NotFound(message)) => {
            LineOutcome::Error(vec![FieldError::new("plan_reference", message)])
        }
        Err(other) => return Err(other),
    };
    Ok(LineReport {
        line: line.number,
        reference,
        outcome,
    })
}

/// The file's column for a field the plan use cases name by its API name.
fn column_of(field: &str) -> &str {
    match field {
        "customer_id" => "customer_reference",
        "mandate_id" => "mandate_reference",
        other => other,
    }
}

fn line_outcome(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    line: &Line,
    seen: &mut HashMap<String, u64>,
    known: &Known,
    created: &mut Vec<PlanToCreate>,
) -> Result<LineOutcome, AppError> {
    let reference = match line.get("plan_reference").map(PlanReference::parse) {
        Some(Ok(reference)) => reference,
        Some(Err(e)) => return Err(AppError::invalid("plan_reference", e)),
        None => {
            return Err(AppError::invalid(
                "plan_reference",
                "is required: it names the plan in this file and the next ones",
            ));
        }
    };
    let action = Action::of(line)?;
    if let Some(first) = seen.get(reference.as_str()) {
        return Err(AppError::invalid(
            "plan_reference",
            format!("appears twice in the file (first on line {first}): one line per plan"),
        ));
    }
    seen.insert(reference.as_str().to_owned(), line.number);
    let existing = known.plans.get(reference.as_str());
    match (action, existing) {
        (Action::Create, None) => {
            let input = creation(&reference, Cells::read(line, true, known, Currency::EUR)?)?;
            // Written at the batch's end; a refused line wrote nothing.
            created.push(plan_to_create(tx, clock, &input, &known.rules)?);
            Ok(LineOutcome::Create)
        }
        (Action::Create, Some(plan)) => {
            let input = creation(&reference, Cells::read(line, true, known, Currency::EUR)?)?;
            if has_terms(plan, &input)? {
                Ok(LineOutcome::Unchanged)
            } else {
                Err(AppError::invalid(
                    "plan_reference",
                    format!(
                        "{reference} is already plan {} with other terms: to change it, use the action 'update'",
                        plan.id
                    ),
                ))
            }
        }
        (Action::Update, Some(plan)) => {
            let cells = Cells::read(line, false, known, plan.amount.currency())?;
            keeps_owner(plan, &cells)?;
            let input = PlanInput {
                reference: Some(reference.to_string()),
                customer_id: plan.customer_id.clone(),
                instrument: plan.instrument.clone(),
                amount: cells.amount,
                frequency: cells.frequency,
                // An empty cell keeps the plan's day.
                collection_day: cells
                    .collection_day
                    .unwrap_or_else(|| i64::from(plan.schedule.day().get())),
                start_on: cells.start_on,
                end: cells.end,
                remittance: cells.remittance,
            };
            if has_terms(plan, &input)? {
                return Ok(LineOutcome::Unchanged);
            }
            if let Some(first) = known.imported_before {
                return Err(undoes_later_change(
                    "plan_reference",
                    &format!("plan {reference}'s terms"),
                    first,
                ));
            }
            if plan.status == PlanStatus::Inactive {
                return Err(AppError::invalid(
                    "plan_reference",
                    format!("{reference} is {}: it cannot change any more", ended(plan)),
                ));
            }
            tx.savepoint(|tx| edit_plan_in(tx, clock, actor, &plan.id, &input))?;
            Ok(LineOutcome::Update)
        }
        // Already stopped or finished: what the line asks is done.
        (Action::Cancel, Some(plan)) if plan.status == PlanStatus::Inactive => {
            Ok(LineOutcome::Unchanged)
        }
        (Action::Cancel, Some(_)) if let Some(first) = known.imported_before => Err(
            undoes_later_change("action", &format!("plan {reference} (stopping it)"), first),
        ),
        (Action::Cancel, Some(plan)) => {
            tx.savepoint(|tx| {
                stop_in(tx, plan.clone(), StopReason::ByCreditor, clock.now(), actor)
            })?;
            Ok(LineOutcome::Cancel)
        }
        (Action::Update, None) => Err(AppError::invalid(
            "plan_reference",
            format!("no plan has the reference {reference}: to create it, use the action 'create'"),
        )),
        (Action::Cancel, None) => Err(AppError::invalid(
            "plan_reference",
            format!("no plan has the reference {reference}"),
        )),
    }
}

/// The input of the plan a `create` line describes.
fn creation(reference: &PlanReference, cells: Cells) -> Result<PlanInput, AppError> {
    let (Some(customer_id), Some(instrument)) = (cells.customer, cells.instrument) else {
        // Cells::read refuses a creation without them; never reached.
        return Err(AppError::invalid(
            "customer_reference",
            "a customer and a payment method are required to create a plan",
        ));
    };
    Ok(PlanInput {
        reference: Some(reference.to_string()),
        customer_id,
        instrument,
        amount: cells.amount,
        frequency: cells.frequency,
        // An empty cell: the start date's day.
        collection_day: cells
            .collection_day
            .unwrap_or_else(|| i64::from(cells.start_on.day())),
        start_on: cells.start_on,
        end: cells.end,
        remittance: cells.remittance,
    })
}

/// Refuses an `update` line whose customer or payment method, when given,
/// is not the plan's: a plan keeps both.
fn keeps_owner(plan: &Plan, cells: &Cells) -> Result<(), AppError> {
    let mut refused = Vec::new();
    if let (Some(customer), Some(code)) = (&cells.customer, &cells.customer_code)
        && *customer != plan.customer_id
    {
        refused.push(FieldError::new(
            "customer_reference",
            format!(
                "the plan is not {code}'s: a plan keeps its customer (cancel it and create another)"
            ),
        ));
    }
    if let Some(instrument) = &cells.instrument
        && *instrument != plan.instrument
    {
        refused.push(FieldError::new(
            cells.instrument_column,
            "is not the plan's: a plan keeps its payment method (cancel it and create another)",
        ));
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(refused))
    }
}

/// How an inactive plan ended, for a message.
fn ended(plan: &Plan) -> String {
    match &plan.stop {
        Some(stop) => format!("stopped ({})", stop.reason.as_str()),
        None => "finished".to_owned(),
    }
}
