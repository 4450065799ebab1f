//! The bank profile of the creditor's collection account: what its bank
//! accepts in a pain.008 file (PRODUCT.md §12).

use jiff::civil::Time;
use prelevo_domain::{BankProfile, Clock, FirstCollection, Pain008Version};
use prelevo_store::{Actor, TenantStore};

use crate::AppError;
use crate::audit::{Change, record};
use crate::fields::Fields;

/// A change to the bank profile; `None` keeps a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankProfileChange {
    /// `pain.008.001.02` or `pain.008.001.08`.
    pub pain008_version: Option<String>,
    /// `frst` or `rcur` (the same setting as the mandate settings').
    pub first_collection: Option<String>,
    /// Each payment block booked as one entry.
    pub batch_booking: Option<bool>,
    /// The bank's cut-off time, `HH:MM`, on the business day before the
    /// due date.
    pub cutoff_time: Option<String>,
    /// Most collections in one file.
    pub max_file_transactions: Option<i64>,
    /// Largest amount of one payment, in cents.
    pub collection_limit: Option<i64>,
}

/// The creditor's bank profile.
pub fn bank_profile(tenant: &TenantStore) -> Result<BankProfile, AppError> {
    Ok(tenant.read(|tx| tx.bank_profile())?)
}

fn snapshot(p: &BankProfile) -> serde_json::Value {
    serde_json::json!({
        "pain008_version": p.pain008_version.as_str(),
        "first_collection": p.first_collection.as_str(),
        "batch_booking": p.batch_booking,
        "cutoff_time": p.cutoff.strftime("%H:%M").to_string(),
        "max_file_transactions": p.max_file_transactions(),
        "collection_limit": p.collection_limit().minor(),
    })
}

/// Changes the creditor's bank profile, every field checked; audited. The
/// next bank file follows it (a pending one keeps what it was made with).
pub fn update_bank_profile(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    change: &BankProfileChange,
) -> Result<BankProfile, AppError> {
    tenant.write(|tx| {
        let before = tx.bank_profile()?;
        let mut fields = Fields::default();
        let version = match &change.pain008_version {
            None => Some(before.pain008_version),
            Some(text) => fields.take("pain008_version", Pain008Version::parse(text)),
        };
        let first = match &change.first_collection {
            None => Some(before.first_collection),
            Some(text) => fields.take("first_collection", FirstCollection::parse(text)),
        };
        let cutoff = match &change.cutoff_time {
            None => Some(before.cutoff),
            Some(text) => fields.take(
                "cutoff_time",
                text.trim()
                    .parse::<Time>()
                    .map_err(|_| format!("must be a time of day HH:MM (got {text:?})")),
            ),
        };
        let parts = match (version, first, cutoff) {
            (Some(version), Some(first), Some(cutoff)) => Some(
                BankProfile::new(
                    version,
                    first,
                    change.batch_booking.unwrap_or(before.batch_booking),
                    cutoff,
                    change
                        .max_file_transactions
                        .unwrap_or(i64::from(before.max_file_transactions())),
                    change
                        .collection_limit
                        .unwrap_or(before.collection_limit().minor()),
                )
                .map_err(|e| {
                    let field = match e {
                        prelevo_domain::BankProfileError::MaxTransactions { .. } => {
                            "max_file_transactions"
                        }
                        prelevo_domain::BankProfileError::CollectionLimit { .. } => {
                            "collection_limit"
                        }
                    };
                    fields.push(field, e);
                })
                .ok(),
            ),
            _ => None,
        };
        let after = fields.finish(parts.flatten())?;
        tx.save_bank_profile(&after)?;
        let creditor_id = tx.creditor()?.id;
        record(
            tx,
            actor,
            &Change {
                entity: "creditor",
                entity_id: creditor_id.as_str(),
                action: "bank_profile_changed",
                before: Some(&snapshot(&before)),
                after: Some(&snapshot(&after)),
            },
            clock.now(),
        )?;
        Ok(after)
    })
}
