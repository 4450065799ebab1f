//! Plans ("échéanciers"): one creditor's, through its tenant handle only.

use std::collections::BTreeMap;

use diesel::prelude::*;
use jiff::civil::Date;
use prelevo_domain::{
    CardAliasId, CollectionDay, Currency, CustomerId, Frequency, Instrument, MandateId, Money,
    PaymentKind, Plan, PlanEnd, PlanId, PlanReference, PlanStatus, PlanStop, PlanVersion, Schedule,
    SepaText, StopReason,
};

use crate::engine::on_each_engine;
use crate::schema::{plan_cursors, plans};
use crate::sql_types::DbInstant;
use crate::tally::tally_in_status;
use crate::{Position, StoreError, Tally, TenantTx};

/// Which plans a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFilter {
    /// In this state.
    pub status: Option<PlanStatus>,
    /// Of this customer.
    pub customer_id: Option<CustomerId>,
    /// Collected on this mandate.
    pub mandate_id: Option<MandateId>,
    /// Charged to this card alias.
    pub card_alias_id: Option<CardAliasId>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = plans,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct PlanRow {
    id: String,
    creditor_id: String,
    customer_id: String,
    kind: String,
    mandate_id: Option<String>,
    card_alias_id: Option<String>,
    amount_cents: i64,
    currency: String,
    frequency: String,
    collection_day: i32,
    start_on: String,
    end_on: Option<String>,
    instalments: Option<i64>,
    remittance: Option<String>,
    status: String,
    stop_reason: Option<String>,
    stopped_at: Option<DbInstant>,
    created_at: DbInstant,
    updated_at: DbInstant,
    external_reference: Option<String>,
}

impl PlanRow {
    fn from_domain(p: &Plan, creditor: &str) -> Self {
        let (end_on, instalments) = match p.schedule.end() {
            PlanEnd::OpenEnded => (None, None),
            PlanEnd::OnDate(date) => (Some(date.to_string()), None),
            PlanEnd::AfterInstalments(n) => (None, Some(i64::from(n))),
        };
        Self {
            id: p.id.as_str().to_owned(),
            creditor_id: creditor.to_owned(),
            customer_id: p.customer_id.as_str().to_owned(),
            kind: p.kind.as_str().to_owned(),
            mandate_id: p.instrument.mandate().map(|m| m.as_str().to_owned()),
            card_alias_id: p.instrument.card().map(|c| c.as_str().to_owned()),
            amount_cents: p.amount.minor(),
            currency: p.amount.currency().as_str().to_owned(),
            frequency: p.schedule.frequency().as_str().to_owned(),
            collection_day: i32::from(p.schedule.day().get()),
            start_on: p.schedule.start().to_string(),
            end_on,
            instalments,
            remittance: p.remittance.as_ref().map(|r| r.as_str().to_owned()),
            status: p.status.as_str().to_owned(),
            stop_reason: p.stop.as_ref().map(|s| s.reason.as_str().to_owned()),
            stopped_at: p.stop.as_ref().map(|s| s.at.into()),
            created_at: p.created_at.into(),
            updated_at: p.updated_at.into(),
            external_reference: p.reference.as_ref().map(|r| r.as_str().to_owned()),
        }
    }

    /// Decodes a row and its cursor through the domain's constructors.
    fn into_domain(self, cursor: CursorRow) -> Result<Plan, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "plan",
            id: id.clone(),
            reason,
        };
        let date = |text: &str| text.parse::<Date>().map_err(|e| corrupt(e.to_string()));
        let count = |n: i64| u32::try_from(n).map_err(|e| corrupt(e.to_string()));
        let end = match (self.end_on.as_deref(), self.instalments) {
            (Some(on), _) => PlanEnd::OnDate(date(on)?),
            (None, Some(n)) => PlanEnd::AfterInstalments(count(n)?),
            (None, None) => PlanEnd::OpenEnded,
        };
        let schedule = Schedule::new(
            Frequency::parse(&self.frequency).map_err(|e| corrupt(e.to_string()))?,
            CollectionDay::new(i64::from(self.collection_day))
                .map_err(|e| corrupt(e.to_string()))?,
            date(&self.start_on)?,
            end,
        )
        .map_err(|e| corrupt(e.to_string()))?;
        let stop = match (self.stop_reason.as_deref(), self.stopped_at) {
            (Some(reason), Some(at)) => Some(PlanStop {
                reason: StopReason::parse(reason).map_err(|e| corrupt(e.to_string()))?,
                at: at.get(),
            }),
            _ => None,
        };
        let currency = Currency::parse(&self.currency).map_err(|e| corrupt(e.to_string()))?;
        Ok(Plan {
            id: PlanId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            reference: self
                .external_reference
                .as_deref()
                .map(PlanReference::parse)
                .transpose()
                .map_err(|e| corrupt(format!("reference: {e}")))?,
            customer_id: CustomerId::parse(&self.customer_id)
                .map_err(|e| corrupt(e.to_string()))?,
            kind: PaymentKind::parse(&self.kind).map_err(|e| corrupt(e.to_string()))?,
            instrument: instrument(self.mandate_id, self.card_alias_id)
                .map_err(|e| corrupt(e.to_string()))?,
            amount: Money::from_minor(self.amount_cents, currency),
            schedule,
            remittance: self.remittance.map(|r| SepaText::convert(&r, usize::MAX)),
            status: PlanStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            next_index: count(cursor.next_index)?,
            created_count: count(cursor.created_count)?,
            stop,
            created_at: self.created_at.get(),
            // The plan changed last when it was edited or when the run
            // last created one of its instalments.
            updated_at: self.updated_at.max(cursor.updated_at).get(),
        })
    }
}

/// Where a plan is in its schedule, kept apart from the plan (see the
/// `plan_cursors` migration): the daily run rewrites this narrow row only.
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = plan_cursors,
    primary_key(creditor_id, plan_id),
    treat_none_as_null = true
)]
struct CursorRow {
    creditor_id: String,
    plan_id: String,
    next_index: i64,
    next_due_on: Option<String>,
    created_count: i64,
    updated_at: DbInstant,
}

impl CursorRow {
    fn from_domain(p: &Plan, creditor: &str) -> Self {
        Self {
            creditor_id: creditor.to_owned(),
            plan_id: p.id.as_str().to_owned(),
            next_index: i64::from(p.next_index),
            next_due_on: p.next_due().map(|d| d.to_string()),
            created_count: i64::from(p.created_count),
            updated_at: p.updated_at.into(),
        }
    }
}

/// Plans joined to their cursors (both are written together, so an inner
/// join loses none): one query reads a plan whole.
macro_rules! plans_with_cursors {
    () => {
        plans::table.inner_join(
            plan_cursors::table.on(plan_cursors::plan_id
                .eq(plans::id)
                .and(plan_cursors::creditor_id.eq(plans::creditor_id))),
        )
    };
}

/// Plans one update statement names. On SQLite, whose list of ids becomes
/// a temporary index per statement, the daily run moved a million cursors
/// in 1.4–1.55 s by 100, 500 or 2 000 per statement, against 1.6–1.9 s by
/// 10 000; well under both engines' limits on bound values.
const PLANS_PER_UPDATE: usize = 1_000;

/// Plans from the rows of [`plans_with_cursors`], in their order.
fn decoded(rows: Vec<(PlanRow, CursorRow)>) -> Result<Vec<Plan>, StoreError> {
    rows.into_iter()
        .map(|(row, cursor)| row.into_domain(cursor))
        .collect()
}

/// The instrument of a stored plan or payment: its mandate, its card, or
/// neither (the creditor's own account).
pub(crate) fn instrument(
    mandate_id: Option<String>,
    card_alias_id: Option<String>,
) -> Result<Instrument, prelevo_domain::IdError> {
    Ok(match (mandate_id, card_alias_id) {
        (Some(m), _) => Instrument::Mandate(MandateId::parse(&m)?),
        (None, Some(c)) => Instrument::Card(CardAliasId::parse(&c)?),
        (None, None) => Instrument::OwnAccount,
    })
}

impl TenantTx<'_, '_> {
    /// Stores a new plan.
    pub fn insert_plan(&mut self, plan: &Plan) -> Result<(), StoreError> {
        self.insert_plans(std::slice::from_ref(plan))
    }

    /// Stores new plans (and their cursors) in one statement per thousand.
    pub fn insert_plans(&mut self, new: &[Plan]) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        // 20 columns: a thousand rows stay under SQLite's 32 766 variables.
        for chunk in new.chunks(1_000) {
            let rows: Vec<PlanRow> = chunk
                .iter()
                .map(|p| PlanRow::from_domain(p, &tenant))
                .collect();
            on_each_engine!(self.conn, |c| diesel::insert_into(plans::table)
                .values(&rows)
                .execute(c))
            .map_err(StoreError::conflict_on_unique(
                "plan",
                "a plan id or plan reference",
            ))?;
            let cursors: Vec<CursorRow> = chunk
                .iter()
                .map(|p| CursorRow::from_domain(p, &tenant))
                .collect();
            on_each_engine!(self.conn, |c| diesel::insert_into(plan_cursors::table)
                .values(&cursors)
                .execute(c))?;
        }
        Ok(())
    }

    /// Saves a changed plan of this creditor — if it still is the version
    /// `read` it was changed from. A plan another transaction changed
    /// meanwhile (the daily run moving it on while the creditor edits it,
    /// or a stop) is a conflict: nothing is saved, rather than put the plan
    /// back where the run took it from (its instalment would be made twice).
    pub fn save_plan(&mut self, plan: &Plan, read: PlanVersion) -> Result<(), StoreError> {
        let row = PlanRow::from_domain(plan, self.tenant());
        let cursor = CursorRow::from_domain(plan, self.tenant());
        let tenant = self.tenant().to_owned();
        let read_at = DbInstant::from(read.updated_at);
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            plans::table
                .filter(plans::creditor_id.eq(&tenant))
                .filter(plans::id.eq(plan.id.as_str()))
                .filter(plans::status.eq(read.status.as_str()))
                .filter(plans::updated_at.le(read_at))
        )
        .set(&row)
        .execute(c))?;
        let moved = if changed == 1 {
            on_each_engine!(self.conn, |c| diesel::update(
                plan_cursors::table
                    .filter(plan_cursors::creditor_id.eq(&tenant))
                    .filter(plan_cursors::plan_id.eq(plan.id.as_str()))
                    .filter(plan_cursors::next_index.eq(i64::from(read.next_index)))
                    .filter(plan_cursors::created_count.eq(i64::from(read.created_count)))
                    .filter(plan_cursors::updated_at.le(read_at))
            )
            .set(&cursor)
            .execute(c))?
        } else {
            0
        };
        if moved == 1 {
            return Ok(());
        }
        // Nothing saved, or the plan's own row only: the caller's
        // transaction fails, and with it that write.
        let stored: i64 = on_each_engine!(self.conn, |c| plans::table
            .filter(plans::creditor_id.eq(&tenant))
            .filter(plans::id.eq(plan.id.as_str()))
            .count()
            .get_result(c))?;
        if stored == 0 {
            return Err(StoreError::NotFound {
                entity: "plan",
                id: plan.id.to_string(),
            });
        }
        Err(StoreError::Conflict {
            entity: "plan",
            detail: format!("{} changed since it was read", plan.id),
        })
    }

    /// Saves plans moved on by the daily run: their cursors, and the state
    /// of those that ended. Plans moved to the same place (a batch of
    /// monthly plans on the same day) are saved together, by statements of
    /// [`PLANS_PER_UPDATE`].
    pub fn save_plan_progress(&mut self, moved: &[Plan]) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let mut groups: BTreeMap<_, Vec<&str>> = BTreeMap::new();
        let mut ended: BTreeMap<_, Vec<&str>> = BTreeMap::new();
        for plan in moved {
            let place = (
                i64::from(plan.next_index),
                plan.next_due().map(|d| d.to_string()),
                i64::from(plan.created_count),
                DbInstant::from(plan.updated_at),
            );
            groups.entry(place).or_default().push(plan.id.as_str());
            // A plan moving on was active (only active plans are due): its
            // row is written only when it ends.
            if plan.status != PlanStatus::Active {
                ended
                    .entry((plan.status.as_str(), DbInstant::from(plan.updated_at)))
                    .or_default()
                    .push(plan.id.as_str());
            }
        }
        let mut changed = 0;
        for ((next_index, next_due_on, created_count, updated_at), ids) in groups {
            for chunk in ids.chunks(PLANS_PER_UPDATE) {
                changed += on_each_engine!(self.conn, |c| diesel::update(
                    plan_cursors::table
                        .filter(plan_cursors::creditor_id.eq(&tenant))
                        .filter(plan_cursors::plan_id.eq_any(chunk))
                )
                .set((
                    plan_cursors::next_index.eq(next_index),
                    plan_cursors::next_due_on.eq(&next_due_on),
                    plan_cursors::created_count.eq(created_count),
                    plan_cursors::updated_at.eq(updated_at),
                ))
                .execute(c))?;
            }
        }
        for ((status, updated_at), ids) in ended {
            for chunk in ids.chunks(PLANS_PER_UPDATE) {
                on_each_engine!(self.conn, |c| diesel::update(
                    plans::table
                        .filter(plans::creditor_id.eq(&tenant))
                        .filter(plans::id.eq_any(chunk))
                )
                .set((plans::status.eq(status), plans::updated_at.eq(updated_at)))
                .execute(c))?;
            }
        }
        if changed != moved.len() {
            return Err(StoreError::NotFound {
                entity: "plan",
                id: format!("{} of {} plans", moved.len() - changed, moved.len()),
            });
        }
        Ok(())
    }

    /// One of this creditor's plans.
    pub fn plan(&mut self, id: &PlanId) -> Result<Plan, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<(PlanRow, CursorRow)> = on_each_engine!(self.conn, |c| {
            plans_with_cursors!()
                .filter(plans::creditor_id.eq(&tenant))
                .filter(plans::id.eq(id.as_str()))
                .select((PlanRow::as_select(), CursorRow::as_select()))
                .get_result(c)
                .optional()
        })?;
        let (row, cursor) = row.ok_or_else(|| StoreError::NotFound {
            entity: "plan",
            id: id.to_string(),
        })?;
        row.into_domain(cursor)
    }

    /// This creditor's plans that have one of `references`, in no order
    /// (an import batch's lookup: one query, by the unique index).
    pub fn plans_by_references(
        &mut self,
        references: &[PlanReference],
    ) -> Result<Vec<Plan>, StoreError> {
        let tenant = self.tenant().to_owned();
        let references: Vec<&str> = references.iter().map(PlanReference::as_str).collect();
        let mut rows = Vec::with_capacity(references.len());
        // Under both engines' limits on bound values.
        for chunk in references.chunks(10_000) {
            rows.extend(on_each_engine!(self.conn, |c| plans_with_cursors!()
                .filter(plans::creditor_id.eq(&tenant))
                .filter(plans::external_reference.eq_any(chunk))
                .select((PlanRow::as_select(), CursorRow::as_select()))
                .load(c))?);
        }
        decoded(rows)
    }

    /// Plans whose next instalment falls due on or before `horizon` and
    /// whose id comes after `after`, in id order: a batch of the daily run,
    /// which asks for the next batch after the last plan of this one. The
    /// run walks the creditor's cursors once, in key order, without a
    /// "next due date" index to keep up to date (only active plans have a
    /// next date).
    pub fn plans_due(
        &mut self,
        horizon: Date,
        after: Option<&PlanId>,
        limit: i64,
    ) -> Result<Vec<Plan>, StoreError> {
        let tenant = self.tenant().to_owned();
        let after = after.map_or("", PlanId::as_str);
        // SQLite and PostgreSQL both drive this from the cursors' key
        // (creditor, plan) and read each plan by its id.
        let rows: Vec<(PlanRow, CursorRow)> =
            on_each_engine!(self.conn, |c| plans_with_cursors!()
                .filter(plan_cursors::creditor_id.eq(&tenant))
                .filter(plan_cursors::plan_id.gt(after))
                .filter(plan_cursors::next_due_on.le(horizon.to_string()))
                .order(plan_cursors::plan_id.asc())
                .limit(limit)
                .select((PlanRow::as_select(), CursorRow::as_select()))
                .load(c))?;
        decoded(rows)
    }

    /// How many plans are in `status` (or in any), counted up to `cap`.
    pub fn tally_plans(
        &mut self,
        status: Option<PlanStatus>,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let tenant = self.tenant().to_owned();
        tally_in_status!(self.conn, &tenant, plans, status.map(|s| s.as_str()), cap)
    }

    /// A page of plans matching `filter`, newest first.
    pub fn plans(
        &mut self,
        filter: &PlanFilter,
        position: Position<PlanId>,
        limit: i64,
    ) -> Result<Vec<Plan>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<(PlanRow, CursorRow)> = on_each_engine!(self.conn, |c| {
            let mut query = plans_with_cursors!()
                .filter(plans::creditor_id.eq(&tenant))
                .select((PlanRow::as_select(), CursorRow::as_select()))
                .limit(limit)
                .into_boxed();
            if let Some(status) = filter.status {
                query = query.filter(plans::status.eq(status.as_str()));
            }
            if let Some(customer) = &filter.customer_id {
                query = query.filter(plans::customer_id.eq(customer.as_str().to_owned()));
            }
            if let Some(mandate) = &filter.mandate_id {
                query = query.filter(plans::mandate_id.eq(mandate.as_str().to_owned()));
            }
            if let Some(card) = &filter.card_alias_id {
                query = query.filter(plans::card_alias_id.eq(card.as_str().to_owned()));
            }
            match &position {
                Position::Start => query.order(plans::id.desc()),
                Position::After(id) => query
                    .filter(plans::id.lt(id.as_str().to_owned()))
                    .order(plans::id.desc()),
                Position::Before(id) => query
                    .filter(plans::id.gt(id.as_str().to_owned()))
                    .order(plans::id.asc()),
            }
            .load(c)
        })?;
        let mut found = decoded(rows)?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }
}
