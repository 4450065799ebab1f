//! The audit log: who changed what, when, with the values before and after.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::audit_events;
use crate::sql_types::DbInstant;
use crate::{StoreError, TenantTx};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A background job or the daily run.
    System,
    /// The installation's operator, on the command line.
    Cli,
    /// A dashboard user (`usr_…`).
    User(String),
    /// An API key (`key_…`).
    ApiKey(String),
}

impl Actor {
    fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Actor::System => ("system", None),
            Actor::Cli => ("cli", None),
            Actor::User(id) => ("user", Some(id)),
            Actor::ApiKey(id) => ("api_key", Some(id)),
        }
    }

    fn from_parts(kind: &str, id: Option<String>) -> Result<Self, String> {
        match (kind, id) {
            ("system", _) => Ok(Actor::System),
            ("cli", _) => Ok(Actor::Cli),
            ("user", Some(id)) => Ok(Actor::User(id)),
            ("api_key", Some(id)) => Ok(Actor::ApiKey(id)),
            (other, _) => Err(format!("unknown actor kind '{other}'")),
        }
    }
}

/// A change to record; `before`/`after` are JSON documents.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    /// Who.
    pub actor: Actor,
    /// Kind of object, e.g. `creditor`.
    pub entity: &'a str,
    /// Its id.
    pub entity_id: &'a str,
    /// What happened, e.g. `created`, `settings_updated`.
    pub action: &'a str,
    /// The object before (JSON), if it existed.
    pub before: Option<String>,
    /// The object after (JSON), if it still exists.
    pub after: Option<String>,
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Position in the log (increasing).
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// Kind of object.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// What happened.
    pub action: String,
    /// The object before (JSON).
    pub before: Option<String>,
    /// The object after (JSON).
    pub after: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct AuditRow {
    id: i64,
    at: DbInstant,
    actor_kind: String,
    actor_id: Option<String>,
    entity: String,
    entity_id: String,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl TenantTx<'_, '_> {
    /// Appends one entry to this creditor's audit log.
    pub fn record_audit(
        &mut self,
        event: &NewAuditEvent<'_>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let (actor_kind, actor_id) = event.actor.parts();
        on_each_engine!(self.conn, |c| diesel::insert_into(audit_events::table)
            .values((
                audit_events::creditor_id.eq(&tenant),
                audit_events::at.eq(DbInstant::from(at)),
                audit_events::actor_kind.eq(actor_kind),
                audit_events::actor_id.eq(actor_id),
                audit_events::entity.eq(event.entity),
                audit_events::entity_id.eq(event.entity_id),
                audit_events::action.eq(event.action),
                audit_events::before_json.eq(event.before.as_deref()),
                audit_events::after_json.eq(event.after.as_deref()),
            ))
            .execute(c))?;
        Ok(())
    }

    /// This creditor's audit entries, newest first, at most `limit`, older
    /// than `before_id` when given (cursor).
    pub fn audit_events(
        &mut self,
        limit: i64,
        before_id: Option<i64>,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<AuditRow> = on_each_engine!(self.conn, |c| {
            let mut query = audit_events::table
                .select(AuditRow::as_select())
                .filter(audit_events::creditor_id.eq(&tenant))
                .order(audit_events::id.desc())
                .limit(limit)
                .into_boxed();
            if let Some(before) = before_id {
                query = query.filter(audit_events::id.lt(before));
            }
            query.load(c)
        })?;
        rows.into_iter()
            .map(|row| {
                let actor = Actor::from_parts(&row.actor_kind, row.actor_id).map_err(|reason| {
                    StoreError::Corrupt {
                        entity: "audit_event",
                        id: row.id.to_string(),
                        reason,
                    }
                })?;
                Ok(AuditEvent {
                    id: row.id,
                    at: row.at.get(),
                    actor,
                    entity: row.entity,
                    entity_id: row.entity_id,
                    action: row.action,
                    before: row.before_json,
                    after: row.after_json,
                })
            })
            .collect()
    }
}
