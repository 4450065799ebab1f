//! Payments and their history: one creditor's, through its tenant handle
//! only.

use diesel::prelude::*;
use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_domain::{
    BankFileId, CardToken, Currency, CustomerId, EndToEndId, Money, Payment, PaymentCause,
    PaymentChange, PaymentId, PaymentKind, PaymentStatus, PaymentVersion, PlanId, SepaText,
};

use crate::engine::on_each_engine;
use crate::payment_causes;
use crate::plans::instrument;
use crate::schema::{bank_file_entries, card_aliases, customers, payment_events, payments};
use crate::sql_types::DbInstant;
use crate::{Actor, Position, StoreError, Tally, TenantTx};

/// Which payments a list shows (PRODUCT.md §4: status, type, date range,
/// amount, customer, plan, file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFilter {
    /// In this state.
    pub status: Option<PaymentStatus>,
    /// Of this kind.
    pub kind: Option<PaymentKind>,
    /// Due on or after.
    pub due_from: Option<Date>,
    /// Due on or before.
    pub due_to: Option<Date>,
    /// Created at or after.
    pub created_from: Option<Timestamp>,
    /// Created before.
    pub created_to: Option<Timestamp>,
    /// At least this many cents.
    pub amount_min: Option<i64>,
    /// At most this many cents.
    pub amount_max: Option<i64>,
    /// In this currency (the amounts' scale when they are given in it).
    pub currency: Option<Currency>,
    /// Of this customer.
    pub customer_id: Option<CustomerId>,
    /// Of the customer with this reference (code), exactly.
    pub customer_code: Option<String>,
    /// Of this plan.
    pub plan_id: Option<PlanId>,
    /// In this bank file.
    pub file_id: Option<BankFileId>,
}

/// A payment as lists and the API show it: with the bank file holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPayment {
    /// The payment.
    pub payment: Payment,
    /// The pending or sent file it is in, if any.
    pub file_id: Option<BankFileId>,
    /// The customer's reference (their code), for people reading the list.
    pub customer_code: String,
}

/// One entry of a payment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEventRecord {
    /// Position in the creditor's history.
    pub id: i64,
    /// The state before.
    pub from_status: String,
    /// The state after.
    pub to_status: String,
    /// When.
    pub occurred_at: Timestamp,
    /// Why.
    pub cause: PaymentCause,
    /// Who: `system`, `cli`, `user:usr_…`, `api_key:key_…`.
    pub actor: String,
}

/// A `payment_events` row as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = payment_events)]
struct PaymentEventRow {
    id: i64,
    from_status: String,
    to_status: String,
    #[diesel(deserialize_as = DbInstant)]
    occurred_at: Timestamp,
    cause: String,
    cause_details: Option<String>,
    actor: String,
}

impl From<PaymentEventRow> for PaymentEventRecord {
    fn from(row: PaymentEventRow) -> Self {
        Self {
            id: row.id,
            from_status: row.from_status,
            to_status: row.to_status,
            occurred_at: row.occurred_at,
            cause: payment_causes::from_columns(&row.cause, row.cause_details.as_deref()),
            actor: row.actor,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(
    table_name = payments,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub(crate) struct PaymentRow {
    id: String,
    creditor_id: String,
    plan_id: String,
    instalment: i64,
    last_instalment: bool,
    customer_id: String,
    kind: String,
    mandate_id: Option<String>,
    card_alias_id: Option<String>,
    amount_cents: i64,
    currency: String,
    due_on: String,
    remittance: Option<String>,
    end_to_end_id: String,
    status: String,
    created_at: DbInstant,
    updated_at: DbInstant,
}

impl PaymentRow {
    fn from_domain(p: &Payment, creditor: &str) -> Self {
        Self {
            id: p.id.as_str().to_owned(),
            creditor_id: creditor.to_owned(),
            plan_id: p.plan_id.as_str().to_owned(),
            instalment: i64::from(p.instalment),
            last_instalment: p.last_instalment,
            customer_id: p.customer_id.as_str().to_owned(),
            kind: p.kind.as_str().to_owned(),
            mandate_id: p.instrument.mandate().map(|m| m.as_str().to_owned()),
            card_alias_id: p.instrument.card().map(|c| c.as_str().to_owned()),
            amount_cents: p.amount.minor(),
            currency: p.amount.currency().as_str().to_owned(),
            due_on: p.due_on.to_string(),
            remittance: p.remittance.as_ref().map(|r| r.as_str().to_owned()),
            end_to_end_id: p.end_to_end_id.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            created_at: p.created_at.into(),
            updated_at: p.updated_at.into(),
        }
    }

    /// Decodes a row through the domain's constructors.
    pub(crate) fn into_domain(self) -> Result<Payment, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "payment",
            id: id.clone(),
            reason,
        };
        let currency = Currency::parse(&self.currency).map_err(|e| corrupt(e.to_string()))?;
        Ok(Payment {
            id: PaymentId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            plan_id: PlanId::parse(&self.plan_id).map_err(|e| corrupt(e.to_string()))?,
            instalment: u32::try_from(self.instalment).map_err(|e| corrupt(e.to_string()))?,
            last_instalment: self.last_instalment,
            customer_id: CustomerId::parse(&self.customer_id)
                .map_err(|e| corrupt(e.to_string()))?,
            kind: PaymentKind::parse(&self.kind).map_err(|e| corrupt(e.to_string()))?,
            instrument: instrument(self.mandate_id, self.card_alias_id)
                .map_err(|e| corrupt(e.to_string()))?,
            amount: Money::from_minor(self.amount_cents, currency),
            due_on: self
                .due_on
                .parse::<Date>()
                .map_err(|e| corrupt(e.to_string()))?,
            remittance: self.remittance.map(|r| SepaText::convert(&r, usize::MAX)),
            end_to_end_id: EndToEndId::parse(&self.end_to_end_id)
                .map_err(|e| corrupt(e.to_string()))?,
            status: PaymentStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            created_at: self.created_at.get(),
            updated_at: self.updated_at.get(),
        })
    }
}

/// The boxed query of a tenant's payments matching a filter.
macro_rules! matching {
    ($tenant:expr, $filter:expr) => {{
        let filter: &PaymentFilter = $filter;
        let tenant: &str = $tenant;
        let mut query = payments::table
            .left_join(
                bank_file_entries::table.on(bank_file_entries::creditor_id
                    .eq(payments::creditor_id)
                    .and(bank_file_entries::payment_id.eq(payments::id))),
            )
            .inner_join(
                customers::table.on(customers::creditor_id
                    .eq(payments::creditor_id)
                    .and(customers::id.eq(payments::customer_id))),
            )
            .filter(payments::creditor_id.eq(tenant.to_owned()))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(payments::status.eq(status.as_str()));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(payments::kind.eq(kind.as_str()));
        }
        if let Some(from) = filter.due_from {
            query = query.filter(payments::due_on.ge(from.to_string()));
        }
        if let Some(to) = filter.due_to {
            query = query.filter(payments::due_on.le(to.to_string()));
        }
        if let Some(from) = filter.created_from {
            query = query.filter(payments::created_at.ge(DbInstant::from(from)));
        }
        if let Some(to) = filter.created_to {
            query = query.filter(payments::created_at.lt(DbInstant::from(to)));
        }
        if let Some(min) = filter.amount_min {
            query = query.filter(payments::amount_cents.ge(min));
        }
        if let Some(max) = filter.amount_max {
            query = query.filter(payments::amount_cents.le(max));
        }
        if let Some(currency) = filter.currency {
            query = query.filter(payments::currency.eq(currency.as_str().to_owned()));
        }
        if let Some(customer) = &filter.customer_id {
            query = query.filter(payments::customer_id.eq(customer.as_str().to_owned()));
        }
        if let Some(code) = &filter.customer_code {
            query = query.filter(customers::code.eq(code.clone()));
        }
        if let Some(plan) = &filter.plan_id {
            query = query.filter(payments::plan_id.eq(plan.as_str().to_owned()));
        }
        if let Some(file) = &filter.file_id {
            query = query.filter(bank_file_entries::file_id.eq(file.as_str().to_owned()));
        }
        query
    }};
}

fn listed(row: (PaymentRow, Option<String>, String)) -> Result<ListedPayment, StoreError> {
    let (row, file, customer_code) = row;
    let payment = row.into_domain()?;
    let file_id = file
        .map(|f| BankFileId::parse(&f))
        .transpose()
        .map_err(|e| StoreError::Corrupt {
            entity: "payment",
            id: payment.id.to_string(),
            reason: e.to_string(),
        })?;
    Ok(ListedPayment {
        payment,
        file_id,
        customer_code,
    })
}

/// Payments inserted by one statement.
const PAYMENTS_PER_STATEMENT: usize = 100;

/// What a unique constraint refusing a new payment means.
fn conflicting_payment(error: diesel::result::Error) -> StoreError {
    StoreError::conflict_on_unique("payment", "an end-to-end id or a plan's instalment")(error)
}

impl TenantTx<'_, '_> {
    /// Stores new payments, a hundred per statement. An end-to-end id
    /// already used by this creditor, or an instalment of a plan stored
    /// twice, is a conflict; then none is stored.
    pub fn insert_payments(&mut self, new: &[Payment]) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<PaymentRow> = new
            .iter()
            .map(|p| PaymentRow::from_domain(p, &tenant))
            .collect();
        // A statement of a fixed number of rows is prepared once per
        // connection and kept; one of any other size is parsed afresh
        // (1 500 rows had 25 500 parameters to parse each time).
        let (full, rest) = rows.as_chunks::<PAYMENTS_PER_STATEMENT>();
        for chunk in full {
            on_each_engine!(self.conn, |c| diesel::insert_into(payments::table)
                .values(chunk)
                .execute(c))
            .map_err(conflicting_payment)?;
        }
        if !rest.is_empty() {
            on_each_engine!(self.conn, |c| diesel::insert_into(payments::table)
                .values(rest)
                .execute(c))
            .map_err(conflicting_payment)?;
        }
        Ok(())
    }

    /// Saves a changed payment: its state, amount, due date, text — if it
    /// still is the version `read` it was changed from. A payment another
    /// transaction changed meanwhile (a run sending it while the creditor
    /// cancels or amends it) is a conflict: nothing is saved, and the
    /// caller's transaction fails rather than overwrite the other change.
    pub fn save_payment(
        &mut self,
        payment: &Payment,
        read: PaymentVersion,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            payments::table
                .filter(payments::creditor_id.eq(&tenant))
                .filter(payments::id.eq(payment.id.as_str()))
                .filter(payments::status.eq(read.status.as_str()))
                .filter(payments::updated_at.eq(DbInstant::from(read.updated_at)))
        )
        .set((
            payments::status.eq(payment.status.as_str()),
            payments::amount_cents.eq(payment.amount.minor()),
            payments::due_on.eq(payment.due_on.to_string()),
            payments::remittance.eq(payment.remittance.as_ref().map(|r| r.as_str().to_owned())),
            payments::updated_at.eq(DbInstant::from(payment.updated_at)),
        ))
        .execute(c))?;
        if changed == 0 {
            return Err(StoreError::Conflict {
                entity: "payment",
                detail: format!(
                    "{} changed since it was read (it was {})",
                    payment.id,
                    read.status.as_str()
                ),
            });
        }
        Ok(())
    }

    /// Keeps changes in the payments' history.
    pub fn record_payment_changes(
        &mut self,
        changes: &[(PaymentId, PaymentChange)],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let actor = actor.label();
        for chunk in changes.chunks(1_000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(id, change)| {
                    let (cause, details) = payment_causes::to_columns(&change.cause);
                    (
                        payment_events::creditor_id.eq(&tenant),
                        payment_events::payment_id.eq(id.as_str()),
                        payment_events::from_status.eq(change.from.as_str()),
                        payment_events::to_status.eq(change.to.as_str()),
                        payment_events::occurred_at.eq(DbInstant::from(change.at)),
                        payment_events::cause.eq(cause),
                        payment_events::cause_details.eq(details),
                        payment_events::actor.eq(&actor),
                    )
                })
                .collect();
            on_each_engine!(self.conn, |c| diesel::insert_into(payment_events::table)
                .values(&rows)
                .execute(c))?;
        }
        Ok(())
    }

    /// A payment's history, oldest first.
    pub fn payment_history(
        &mut self,
        id: &PaymentId,
    ) -> Result<Vec<PaymentEventRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<PaymentEventRow> = on_each_engine!(self.conn, |c| payment_events::table
            .filter(payment_events::creditor_id.eq(&tenant))
            .filter(payment_events::payment_id.eq(id.as_str()))
            .order(payment_events::id.asc())
            .select(PaymentEventRow::as_select())
            .load(c))?;
        Ok(rows.into_iter().map(PaymentEventRecord::from).collect())
    }

    /// One of this creditor's payments, with its file.
    pub fn payment(&mut self, id: &PaymentId) -> Result<ListedPayment, StoreError> {
        let tenant = self.tenant().to_owned();
        let filter = PaymentFilter::default();
        let row: Option<(PaymentRow, Option<String>, String)> =
            on_each_engine!(self.conn, |c| matching!(&tenant, &filter)
                .filter(payments::id.eq(id.as_str()))
                .select((
                    PaymentRow::as_select(),
                    bank_file_entries::file_id.nullable(),
                    customers::code,
                ))
                .get_result(c)
                .optional())?;
        listed(row.ok_or_else(|| StoreError::NotFound {
            entity: "payment",
            id: id.to_string(),
        })?)
    }

    /// A page of payments matching `filter`, newest first.
    pub fn payments(
        &mut self,
        filter: &PaymentFilter,
        position: Position<PaymentId>,
        limit: i64,
    ) -> Result<Vec<ListedPayment>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<(PaymentRow, Option<String>, String)> = on_each_engine!(self.conn, |c| {
            let query = matching!(&tenant, filter)
                .select((
                    PaymentRow::as_select(),
                    bank_file_entries::file_id.nullable(),
                    customers::code,
                ))
                .limit(limit);
            match &position {
                Position::Start => query.order(payments::id.desc()),
                Position::After(id) => query
                    .filter(payments::id.lt(id.as_str().to_owned()))
                    .order(payments::id.desc()),
                Position::Before(id) => query
                    .filter(payments::id.gt(id.as_str().to_owned()))
                    .order(payments::id.asc()),
            }
            .load(c)
        })?;
        let mut found = rows
            .into_iter()
            .map(listed)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// How many payments match `filter`, counted up to `cap`: a list's
    /// total, whose cost stays bounded at any size.
    pub fn tally_payments(
        &mut self,
        filter: &PaymentFilter,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let tenant = self.tenant().to_owned();
        let past_cap: Option<String> = on_each_engine!(self.conn, |c| matching!(&tenant, filter)
            .select(payments::id)
            .offset(i64::from(cap))
            .limit(1)
            .get_result(c)
            .optional())?;
        Tally::counted(cap, past_cap.is_some(), || {
            Ok(on_each_engine!(self.conn, |c| matching!(&tenant, filter)
                .count()
                .get_result(c))?)
        })
    }

    /// Card payments to charge on `day`, oldest first, at most `limit`,
    /// with their card's token: those due by then and waiting, and those a
    /// run started charging without recording the answer (`executing`: a
    /// card payment is in flight until its gateway answers).
    pub fn card_charges_due(
        &mut self,
        day: Date,
        limit: i64,
    ) -> Result<Vec<(Payment, CardToken)>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<(PaymentRow, String)> = on_each_engine!(self.conn, |c| payments::table
            .inner_join(
                card_aliases::table.on(card_aliases::creditor_id
                    .eq(payments::creditor_id)
                    .and(card_aliases::id.nullable().eq(payments::card_alias_id))),
            )
            .filter(payments::creditor_id.eq(&tenant))
            .filter(payments::kind.eq(PaymentKind::Card.as_str()))
            .filter(
                payments::status
                    .eq(PaymentStatus::Executing.as_str())
                    .or(payments::status
                        .eq(PaymentStatus::ToExecute.as_str())
                        .and(payments::due_on.le(day.to_string()))),
            )
            .order(payments::id.asc())
            .limit(limit)
            .select((PaymentRow::as_select(), card_aliases::token))
            .load(c))?;
        rows.into_iter()
            .map(|(row, token)| {
                let payment = row.into_domain()?;
                let token = CardToken::parse(&token).map_err(|e| StoreError::Corrupt {
                    entity: "card alias",
                    id: payment.id.to_string(),
                    reason: e.to_string(),
                })?;
                Ok((payment, token))
            })
            .collect()
    }

    /// The latest due date of a plan's payments sent to the bank (executing,
    /// executed or rejected), if any.
    pub fn last_sent_due_on(&mut self, plan: &PlanId) -> Result<Option<Date>, StoreError> {
        let tenant = self.tenant().to_owned();
        let sent = [
            PaymentStatus::Executing.as_str(),
            PaymentStatus::Executed.as_str(),
            PaymentStatus::Rejected.as_str(),
        ];
        let latest: Option<String> = on_each_engine!(self.conn, |c| payments::table
            .filter(payments::creditor_id.eq(&tenant))
            .filter(payments::plan_id.eq(plan.as_str()))
            .filter(payments::status.eq_any(sent))
            .select(diesel::dsl::max(payments::due_on))
            .get_result(c))?;
        plan_date(plan, latest)
    }

    /// The latest due date of a plan's instalments the creditor cancelled
    /// one by one (not those a change or a stop of the plan cancelled), if
    /// any.
    pub fn last_cancelled_due_on(&mut self, plan: &PlanId) -> Result<Option<Date>, StoreError> {
        let tenant = self.tenant().to_owned();
        let by_hand = PaymentCause::CancelledByCreditor;
        let latest: Option<String> = on_each_engine!(self.conn, |c| payments::table
            .filter(payments::creditor_id.eq(&tenant))
            .filter(payments::plan_id.eq(plan.as_str()))
            .filter(payments::status.eq(PaymentStatus::NotExecuted.as_str()))
            .filter(diesel::dsl::exists(
                payment_events::table
                    .filter(payment_events::creditor_id.eq(&tenant))
                    .filter(payment_events::payment_id.eq(payments::id))
                    .filter(payment_events::cause.eq(by_hand.code()))
            ))
            .select(diesel::dsl::max(payments::due_on))
            .get_result(c))?;
        plan_date(plan, latest)
    }

    /// A plan's payments still waiting to be sent, in order.
    pub fn pending_payments_of_plan(&mut self, plan: &PlanId) -> Result<Vec<Payment>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<PaymentRow> = on_each_engine!(self.conn, |c| payments::table
            .filter(payments::creditor_id.eq(&tenant))
            .filter(payments::plan_id.eq(plan.as_str()))
            .filter(payments::status.eq(PaymentStatus::ToExecute.as_str()))
            .order(payments::instalment.asc())
            .select(PaymentRow::as_select())
            .load(c))?;
        rows.into_iter().map(PaymentRow::into_domain).collect()
    }
}

/// A plan's date as stored, read.
fn plan_date(plan: &PlanId, stored: Option<String>) -> Result<Option<Date>, StoreError> {
    stored
        .map(|d| {
            d.parse::<Date>().map_err(|e| StoreError::Corrupt {
                entity: "plan",
                id: plan.to_string(),
                reason: e.to_string(),
            })
        })
        .transpose()
}
