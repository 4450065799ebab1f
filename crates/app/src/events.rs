//! Domain events: recorded in the transaction of the change that caused
//! them, and handed at once, in that same transaction, to the modules that
//! react to them — so a mandate revoked and its plans stopped are one
//! commit, and no collection can slip out in between.

use jiff::Timestamp;
use prelevo_store::TenantTx;

use crate::AppError;

/// Records that `kind` happened to `entity_id` and lets the subscribers
/// react: plans stop when their mandate, card or customer can no longer
/// pay (`crate::plans::on_domain_event`).
pub(crate) fn publish(
    tx: &mut TenantTx<'_, '_>,
    kind: &str,
    entity_id: &str,
    payload: &serde_json::Value,
    at: Timestamp,
) -> Result<(), AppError> {
    tx.record_domain_event(kind, entity_id, &payload.to_string(), at)?;
    crate::plans::on_domain_event(tx, kind, entity_id, at)
}
