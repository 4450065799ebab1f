//! The audit log: who changed what, when, with the values before and after.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::audit_events;
use crate::sql_types::DbInstant;
use crate::{StoreError, Tally, TenantTx};

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
    /// The actor in one word, as a payment's history keeps it: `system`,
    /// `cli`, `user:usr_…` or `api_key:key_…`.
    pub fn label(&self) -> String {
        match self.parts() {
            (kind, Some(id)) => format!("{kind}:{id}"),
            (kind, None) => kind.to_owned(),
        }
    }

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

/// Which audit entries to list; `None` matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Kind of object, e.g. `creditor`.
    pub entity: Option<String>,
    /// One object's id.
    pub entity_id: Option<String>,
    /// What happened, e.g. `updated`.
    pub action: Option<String>,
    /// Who: `system`, `cli`, `user` or `api_key`.
    pub actor_kind: Option<String>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub to: Option<Timestamp>,
}

/// Where a page of a newest-first list starts, by the id (`K`) of the row
/// next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position<K = i64> {
    /// The newest entries.
    Start,
    /// Entries older than this id (the next page).
    After(K),
    /// Entries newer than this id (the previous page).
    Before(K),
}

/// The boxed query of a tenant's entries matching a filter, written once
/// and expanded inside each engine's arm (where the backend is concrete).
macro_rules! filtered {
    ($tenant:expr, $filter:expr) => {{
        let filter: &AuditFilter = $filter;
        let mut query = audit_events::table
            .filter(audit_events::creditor_id.eq($tenant))
            .into_boxed();
        if let Some(entity) = &filter.entity {
            query = query.filter(audit_events::entity.eq(entity));
        }
        if let Some(id) = &filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(id));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_events::action.eq(action));
        }
        if let Some(kind) = &filter.actor_kind {
            query = query.filter(audit_events::actor_kind.eq(kind));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_events::at.ge(DbInstant::from(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(audit_events::at.lt(DbInstant::from(to)));
        }
        query
    }};
}

impl AuditRow {
    fn into_event(self) -> Result<AuditEvent, StoreError> {
        let actor = Actor::from_parts(&self.actor_kind, self.actor_id).map_err(|reason| {
            StoreError::Corrupt {
                entity: "audit_event",
                id: self.id.to_string(),
                reason,
            }
        })?;
        Ok(AuditEvent {
            id: self.id,
            at: self.at.get(),
            actor,
            entity: self.entity,
            entity_id: self.entity_id,
            action: self.action,
            before: self.before_json,
            after: self.after_json,
        })
    }
}

/// The columns of one entry (a single insert keeps its statement cached;
/// a batch takes several of these).
macro_rules! audit_row {
    ($tenant:expr, $event:expr, $at:expr) => {{
        let event: &NewAuditEvent<'_> = $event;
        let (actor_kind, actor_id) = event.actor.parts();
        (
            audit_events::creditor_id.eq($tenant),
            audit_events::at.eq(DbInstant::from($at)),
            audit_events::actor_kind.eq(actor_kind),
            audit_events::actor_id.eq(actor_id),
            audit_events::entity.eq(event.entity),
            audit_events::entity_id.eq(event.entity_id),
            audit_events::action.eq(event.action),
            audit_events::before_json.eq(event.before.as_deref()),
            audit_events::after_json.eq(event.after.as_deref()),
        )
    }};
}

impl TenantTx<'_, '_> {
    /// Appends one entry to this creditor's audit log.
    pub fn record_audit(
        &mut self,
        event: &NewAuditEvent<'_>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::insert_into(audit_events::table)
            .values(audit_row!(&tenant, event, at))
            .execute(c))?;
        Ok(())
    }

    /// Appends entries, each with its instant, in this order, in one
    /// statement (an import's batch).
    pub fn record_audits(
        &mut self,
        events: &[(NewAuditEvent<'_>, Timestamp)],
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let tenant = self.tenant().to_owned();
        let rows: Vec<_> = events
            .iter()
            .map(|(event, at)| audit_row!(&tenant, event, *at))
            .collect();
        on_each_engine!(self.conn, |c| diesel::insert_into(audit_events::table)
            .values(&rows)
            .execute(c))?;
        Ok(())
    }

    /// This creditor's audit entries matching `filter`, newest first: at
    /// most `limit` of them, starting after or before a position.
    pub fn audit_events(
        &mut self,
        filter: &AuditFilter,
        position: Position,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<AuditRow> = on_each_engine!(self.conn, |c| {
            let mut query = filtered!(&tenant, filter)
                .select(AuditRow::as_select())
                .limit(limit);
            query = match position {
                Position::Start => query.order(audit_events::id.desc()),
                Position::After(id) => query
                    .filter(audit_events::id.lt(id))
                    .order(audit_events::id.desc()),
                // Walking back towards newer entries: nearest first, then
                // put back in list order below.
                Position::Before(id) => query
                    .filter(audit_events::id.gt(id))
                    .order(audit_events::id.asc()),
            };
            query.load(c)
        })?;
        let mut events = rows
            .into_iter()
            .map(AuditRow::into_event)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(position, Position::Before(_)) {
            events.reverse();
        }
        Ok(events)
    }

    /// How many of this creditor's audit entries match `filter`.
    pub fn count_audit_events(&mut self, filter: &AuditFilter) -> Result<i64, StoreError> {
        let tenant = self.tenant().to_owned();
        Ok(on_each_engine!(self.conn, |c| filtered!(&tenant, filter)
            .count()
            .get_result(c))?)
    }

    /// How many events match `filter`, counted up to `cap`: the
    /// journal's total, whose cost stays bounded however long it grows.
    pub fn tally_audit_events(
        &mut self,
        filter: &AuditFilter,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let tenant = self.tenant().to_owned();
        let past_cap: Option<i64> = on_each_engine!(self.conn, |c| filtered!(&tenant, filter)
            .select(audit_events::id)
            .offset(i64::from(cap))
            .limit(1)
            .get_result(c)
            .optional())?;
        Tally::counted(cap, past_cap.is_some(), || self.count_audit_events(filter))
    }
}
