//! Exports of the creditor's lists as `;` CSV, written in batches of
//! [`EXPORT_BATCH`] rows read by key: memory stays flat whatever the number
//! of rows, and each batch is its own short read.

use std::io::Write;

use prelevo_bankfiles::{Bom, CsvExport, Separator, date_cell, money_cell};
use prelevo_domain::{Clock, Health};
use prelevo_store::{CustomerFilter, MandateFilter, PaymentFilter, Position, TenantStore};

use crate::AppError;
use crate::customers::list_customers;

/// Rows read per batch.
pub const EXPORT_BATCH: i64 = 1_000;

/// The columns of the mandate export, in order (documented in the user
/// guide). The mandate import accepts every one of them, so an export
/// imports again; it ignores `mandate_id` (mandates are keyed by their
/// reference) and refuses lines whose `status` is not `active`.
pub const MANDATE_COLUMNS: [&str; 18] = [
    "mandate_id",
    "customer_reference",
    "reference",
    "status",
    "scheme",
    "type",
    "debtor_name",
    "debtor_address_line1",
    "debtor_address_line2",
    "debtor_postal_code",
    "debtor_city",
    "debtor_country",
    "iban",
    "bic",
    "signature_date",
    "signature_place",
    "signature_method",
    "last_collection_date",
];

fn written(e: std::io::Error) -> AppError {
    AppError::System(format!("cannot write the export: {e}"))
}

/// Writes `columns`, then every row `fetch` gives, batch after batch (each
/// batch starts after the last row's key); returns how many rows.
fn export<T, K: Clone>(
    out: &mut dyn Write,
    columns: &[&str],
    mut fetch: impl FnMut(Position<K>) -> Result<Vec<T>, AppError>,
    key: impl Fn(&T) -> K,
    mut row: impl FnMut(&mut CsvExport<&mut dyn Write>, &T) -> std::io::Result<()>,
) -> Result<usize, AppError> {
    let mut csv = CsvExport::new(out, Separator::Semicolon, Bom::Yes);
    csv.header(columns).map_err(written)?;
    let mut position: Position<K> = Position::Start;
    let mut count = 0;
    loop {
        let batch = fetch(position.clone())?;
        for item in &batch {
            row(&mut csv, item).map_err(written)?;
        }
        count += batch.len();
        match batch.last() {
            Some(last) if i64::try_from(batch.len()).unwrap_or(i64::MAX) == EXPORT_BATCH => {
                position = Position::After(key(last));
            }
            _ => break,
        }
    }
    csv.finish().map_err(written)?;
    Ok(count)
}

/// Writes the mandates matching `filter`, newest first, to `out`; returns
/// how many.
pub fn write_mandates(
    tenant: &TenantStore,
    filter: &MandateFilter,
    out: &mut dyn Write,
) -> Result<usize, AppError> {
    export(
        out,
        &MANDATE_COLUMNS,
        |position| Ok(tenant.read(|tx| tx.mandates(filter, position, EXPORT_BATCH))?),
        |listed| listed.mandate.id.clone(),
        |csv, listed| {
            let m = &listed.mandate;
            let a = &m.debtor_address;
            let none = String::new();
            csv.row([
                m.id.as_str(),
                &listed.customer_code,
                m.reference.as_ref().map_or("", |r| r.as_str()),
                m.status.as_str(),
                m.scheme.as_str(),
                m.kind.as_str(),
                &m.debtor.name,
                a.line1.as_ref().unwrap_or(&none),
                a.line2.as_ref().unwrap_or(&none),
                a.postal_code.as_ref().unwrap_or(&none),
                a.city.as_ref().unwrap_or(&none),
                a.country.as_ref().unwrap_or(&none),
                &m.debtor.iban.to_string(),
                m.debtor.bic.as_ref().map_or("", |b| b.as_str()),
                &m.signed_on.to_string(),
                m.signature_place.as_ref().unwrap_or(&none),
                m.signature_method.as_str(),
                &m.last_collection_on
                    .map_or_else(String::new, |day| day.to_string()),
            ])
        },
    )
}

/// The columns of the customer export.
pub const CUSTOMER_COLUMNS: [&str; 20] = [
    "customer_id",
    "reference",
    "civility",
    "last_name",
    "first_name",
    "company",
    "address_line1",
    "address_line2",
    "address_line3",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
    "mobile",
    "language",
    "status",
    "payment_method",
    "health",
    "created_at",
];

/// Writes the customers matching `filter` (and `health` on the creditor's
/// today), newest first, to `out`; returns how many.
pub fn write_customers(
    tenant: &TenantStore,
    clock: &dyn Clock,
    filter: &CustomerFilter,
    health: Option<Health>,
    out: &mut dyn Write,
) -> Result<usize, AppError> {
    export(
        out,
        &CUSTOMER_COLUMNS,
        |position| list_customers(tenant, clock, filter, health, position, EXPORT_BATCH),
        |row| row.customer.id.clone(),
        |csv, row| {
            let c = &row.customer;
            let d = &c.details;
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            csv.row([
                c.id.to_string(),
                c.code.to_string(),
                d.civility.as_str().to_owned(),
                text(&d.last_name),
                text(&d.first_name),
                text(&d.company),
                text(&d.address[0]),
                text(&d.address[1]),
                text(&d.address[2]),
                text(&d.postal_code),
                text(&d.city),
                text(&d.country),
                d.email
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                text(&d.phone),
                text(&d.mobile),
                d.language
                    .map(|l| l.as_str().to_owned())
                    .unwrap_or_default(),
                c.status.as_str().to_owned(),
                c.payment_method.kind().to_owned(),
                row.health.as_str().to_owned(),
                c.created_at.to_string(),
            ])
        },
    )
}

/// The columns of the payment export.
pub const PAYMENT_COLUMNS: [&str; 16] = [
    "payment_id",
    "customer_id",
    "customer_reference",
    "plan_id",
    "kind",
    "status",
    "amount",
    "currency",
    "due_date",
    "remittance_info",
    "end_to_end_id",
    "mandate_id",
    "card_alias_id",
    "file_id",
    "created_at",
    "updated_at",
];

/// Writes the payments matching `filter`, newest first, to `out`; returns
/// how many. Amounts have a decimal comma (`49,90`), as the other exports.
pub fn write_payments(
    tenant: &TenantStore,
    filter: &PaymentFilter,
    out: &mut dyn Write,
) -> Result<usize, AppError> {
    export(
        out,
        &PAYMENT_COLUMNS,
        |position| Ok(tenant.read(|tx| tx.payments(filter, position, EXPORT_BATCH))?),
        |listed| listed.payment.id.clone(),
        |csv, listed| {
            let p = &listed.payment;
            csv.row([
                p.id.to_string(),
                p.customer_id.to_string(),
                listed.customer_code.clone(),
                p.plan_id.to_string(),
                p.kind.as_str().to_owned(),
                p.status.as_str().to_owned(),
                money_cell(p.amount.minor(), p.amount.currency().minor_units()),
                p.amount.currency().as_str().to_owned(),
                date_cell(p.due_on),
                p.remittance
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                p.end_to_end_id.as_str().to_owned(),
                p.instrument
                    .mandate()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                p.instrument
                    .card()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                listed
                    .file_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                p.created_at.to_string(),
                p.updated_at.to_string(),
            ])
        },
    )
}
