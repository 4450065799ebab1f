//! Domain events (a mandate revoked, a customer suspended…), recorded in the
//! transaction of the change that caused them, for the modules that react
//! to them to read in order.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::domain_events;
use crate::sql_types::DbInstant;
use crate::{StoreError, TenantTx};

/// A recorded domain event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = domain_events)]
pub struct DomainEventRecord {
    /// Its position in the creditor's stream.
    pub id: i64,
    /// What happened, e.g. `mandate.revoked`.
    pub kind: String,
    /// The object it happened to.
    pub entity_id: String,
    /// Details, as JSON.
    pub payload: String,
    #[diesel(deserialize_as = DbInstant)]
    /// When.
    pub occurred_at: Timestamp,
}

impl TenantTx<'_, '_> {
    /// Records that `kind` happened to `entity_id`.
    pub fn record_domain_event(
        &mut self,
        kind: &str,
        entity_id: &str,
        payload: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::insert_into(domain_events::table)
            .values((
                domain_events::creditor_id.eq(&tenant),
                domain_events::kind.eq(kind),
                domain_events::entity_id.eq(entity_id),
                domain_events::payload.eq(payload),
                domain_events::occurred_at.eq(DbInstant::from(at)),
            ))
            .execute(c))?;
        Ok(())
    }

    /// This creditor's events of `kind` after position `after`, oldest
    /// first.
    pub fn domain_events(
        &mut self,
        kind: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<DomainEventRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        Ok(on_each_engine!(self.conn, |c| domain_events::table
            .filter(domain_events::creditor_id.eq(&tenant))
            .filter(domain_events::kind.eq(kind))
            .filter(domain_events::id.gt(after))
            .order(domain_events::id.asc())
            .limit(limit)
            .select(DomainEventRecord::as_select())
            .load(c))?)
    }
}
