//! Writing audit entries from use cases: who did what to which object, with
//! the object before and after as JSON.

use jiff::Timestamp;
use prelevo_store::{Actor, NewAuditEvent, TenantTx};
use serde::Serialize;

use crate::AppError;

/// One change to record.
pub(crate) struct Change<'a, T: Serialize> {
    /// Kind of object, e.g. `creditor`, `member`, `api_key`.
    pub entity: &'a str,
    /// Its id.
    pub entity_id: &'a str,
    /// What happened, e.g. `created`, `role_changed`, `login_failed`.
    pub action: &'a str,
    /// The object before, if it existed.
    pub before: Option<&'a T>,
    /// The object after, if it still exists.
    pub after: Option<&'a T>,
}

fn to_json<T: Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|source| AppError::Encoding {
        what: "audit snapshot",
        source,
    })
}

/// Appends `change`, made by `actor` at `at`, to the transaction's creditor's log.
pub(crate) fn record<T: Serialize>(
    tx: &mut TenantTx<'_, '_>,
    actor: &Actor,
    change: &Change<'_, T>,
    at: Timestamp,
) -> Result<(), AppError> {
    tx.record_audit(
        &NewAuditEvent {
            actor: actor.clone(),
            entity: change.entity,
            entity_id: change.entity_id,
            action: change.action,
            before: change.before.map(to_json).transpose()?,
            after: change.after.map(to_json).transpose()?,
        },
        at,
    )?;
    Ok(())
}

/// The entry recording the creation of `created`, at its instant, to
/// append later with others (`TenantTx::record_audits`).
pub(crate) fn creation<'a, T: Audited>(
    actor: &Actor,
    created: &'a T,
) -> Result<(NewAuditEvent<'a>, Timestamp), AppError> {
    let event = NewAuditEvent {
        actor: actor.clone(),
        entity: T::ENTITY,
        entity_id: created.audit_id(),
        action: "created",
        before: None,
        after: Some(to_json(&created.snapshot())?),
    };
    Ok((event, created.changed_at()))
}

/// An object whose changes are recorded the same way by every use case.
pub(crate) trait Audited {
    /// Kind of object in the log, e.g. `customer`.
    const ENTITY: &'static str;
    /// Its id.
    fn audit_id(&self) -> &str;
    /// What the log keeps of it.
    fn snapshot(&self) -> serde_json::Value;
    /// When it last changed: the entry's instant.
    fn changed_at(&self) -> Timestamp;
}

/// Records `action` on `after` (and what it was `before`), at its change.
pub(crate) fn record_change<T: Audited>(
    tx: &mut TenantTx<'_, '_>,
    actor: &Actor,
    action: &str,
    before: Option<&T>,
    after: &T,
) -> Result<(), AppError> {
    record(
        tx,
        actor,
        &Change {
            entity: T::ENTITY,
            entity_id: after.audit_id(),
            action,
            before: before.map(T::snapshot).as_ref(),
            after: Some(&after.snapshot()),
        },
        after.changed_at(),
    )
}
