//! Plans — "Échéanciers" (PRODUCT.md §5): create, change and stop them;
//! take their instalments due; stop them when their mandate, card or
//! customer can no longer pay.

mod terms;

use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_domain::{
    BusinessCalendar, Clock, CustomerId, DiscardReason, EndToEndId, Frequency, Instrument, Money,
    Payment, PaymentCause, PaymentEvent, PaymentStatus, Plan, PlanEnd, PlanId, PlanStatus,
    StopReason,
};
use prelevo_store::{Actor, PlanFilter, Position, TenantStore, TenantTx};
use serde_json::json;

use self::terms::{checked, ensure_free};
use crate::audit::{Audited, creation, record_change};
use crate::ids::fresh_id;
use crate::{AppError, bank_files};

pub(crate) use self::terms::has_terms;

impl Audited for Plan {
    const ENTITY: &'static str = "plan";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "reference": self.reference.as_ref().map(|r| r.as_str()),
            "customer_id": self.customer_id.as_str(),
            "instrument": format!("{:?}", self.instrument),
            "amount_cents": self.amount.minor(),
            "currency": self.amount.currency().as_str(),
            "frequency": self.schedule.frequency().as_str(),
            "collection_day": self.schedule.day().get(),
            "start_on": self.schedule.start().to_string(),
            "end": format!("{:?}", self.schedule.end()),
            "remittance": self.remittance.as_ref().map(|r| r.as_str()),
            "status": self.status.as_str(),
            "stop_reason": self.stop.as_ref().map(|s| s.reason.as_str()),
        })
    }

    fn changed_at(&self) -> Timestamp {
        self.updated_at
    }
}

/// What a plan is made of, as the API and the import give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    /// The creditor's own reference for it (unique per creditor); once
    /// given, the plan keeps it: `None` on a change keeps it as it is.
    pub reference: Option<String>,
    /// The customer who pays.
    pub customer_id: CustomerId,
    /// The mandate or card alias it is collected with.
    pub instrument: Instrument,
    /// Each instalment's amount.
    pub amount: Money,
    /// How often.
    pub frequency: Frequency,
    /// The day of the month (1–31).
    pub collection_day: i64,
    /// The first possible date.
    pub start_on: Date,
    /// When it ends.
    pub end: PlanEnd,
    /// The text the debtor sees.
    pub remittance: Option<String>,
}

/// The day the creditor is in, and the last day whose instalments are
/// created now (its pre-notification period).
pub(crate) fn horizon(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
) -> Result<(Date, Date), AppError> {
    let creditor = tx.creditor()?;
    let today = clock.today_in(creditor.timezone.tz());
    Ok((
        today,
        horizon_from(today, creditor.settings.pre_notification_days()),
    ))
}

/// `today` plus the pre-notification period.
pub(crate) fn horizon_from(today: Date, days: u32) -> Date {
    today
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(Date::MAX)
}

/// Creates a plan and its instalments already within the pre-notification
/// period (the daily run creates the later ones).
pub fn create_plan(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    input: &PlanInput,
) -> Result<Plan, AppError> {
    tenant.write(|tx| create_plan_in(tx, clock, actor, input))
}

/// [`create_plan`] in `tx`.
pub(crate) fn create_plan_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    input: &PlanInput,
) -> Result<Plan, AppError> {
    let rules = creation_rules(tx, clock)?;
    let new = plan_to_create(tx, clock, input, &rules)?;
    if let Some(reference) = &new.plan.reference {
        ensure_free(tx, reference)?;
    }
    let plan = new.plan.clone();
    write_new_plans(tx, actor, vec![new])?;
    Ok(plan)
}

/// What new plans are checked and moved on against, read once for a batch
/// of them.
pub(crate) struct CreationRules {
    /// The creditor's today.
    today: Date,
    /// The last day whose instalments a new plan takes at once.
    until: Date,
    /// The largest amount of a collection (the bank profile's limit).
    limit: Money,
}

/// The creditor's [`CreationRules`] now.
pub(crate) fn creation_rules(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
) -> Result<CreationRules, AppError> {
    let (today, until) = horizon(tx, clock)?;
    let limit = tx.bank_profile()?.collection_limit();
    Ok(CreationRules {
        today,
        until,
        limit,
    })
}

/// A new plan checked and moved on to its horizon, not written yet: the
/// plan as it is to be stored and the payments of its first instalments.
pub(crate) struct PlanToCreate {
    plan: Plan,
    payments: Vec<Payment>,
}

/// Checks `input` (reading what it names) and makes the plan with the
/// instalments due by `rules`' horizon, writing nothing: [`write_new_plans`] writes
/// it, alone or with a batch of others. Whether its reference is free is
/// the caller's to check (a plan file reads its batch's references at
/// once).
pub(crate) fn plan_to_create(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    input: &PlanInput,
    rules: &CreationRules,
) -> Result<PlanToCreate, AppError> {
    let id = fresh_id(PlanId::from_body)?;
    let now = clock.now();
    let checked = checked(tx, input, rules.limit)?;
    let mut plan = Plan {
        id,
        reference: checked.reference,
        customer_id: input.customer_id.clone(),
        kind: checked.kind,
        instrument: input.instrument.clone(),
        amount: input.amount,
        schedule: checked.schedule,
        remittance: checked.remittance,
        status: PlanStatus::Active,
        next_index: 0,
        created_count: 0,
        stop: None,
        created_at: now,
        updated_at: now,
    };
    let payments = due_payments(&mut plan, rules.today, rules.until, now)?;
    if plan.created_count == 0 && plan.status == PlanStatus::Inactive {
        // Instalments before today are skipped, not collected late: such a
        // plan would never collect anything.
        return Err(AppError::invalid(
            "start_date",
            format!(
                "every instalment of this plan falls before today ({}): \
                 nothing would be collected",
                rules.today
            ),
        ));
    }
    Ok(PlanToCreate { plan, payments })
}

/// Writes new plans, already moved on, with their payments and their
/// creation in the audit log: a few multi-row statements for the lot.
pub(crate) fn write_new_plans(
    tx: &mut TenantTx<'_, '_>,
    actor: &Actor,
    new: Vec<PlanToCreate>,
) -> Result<(), AppError> {
    let mut plans = Vec::with_capacity(new.len());
    let mut payments = Vec::new();
    for PlanToCreate {
        plan,
        payments: first,
    } in new
    {
        plans.push(plan);
        payments.extend(first);
    }
    tx.insert_plans(&plans)?;
    tx.insert_payments(&payments)?;
    let created = plans
        .iter()
        .map(|plan| creation(actor, plan))
        .collect::<Result<Vec<_>, AppError>>()?;
    tx.record_audits(&created)?;
    Ok(())
}

/// Changes a plan's amount, schedule and text. Its instalments not sent
/// yet are cancelled and made again from the new schedule.
pub fn edit_plan(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &PlanId,
    input: &PlanInput,
) -> Result<Plan, AppError> {
    tenant.write(|tx| edit_plan_in(tx, clock, actor, id, input))
}

/// [`edit_plan`] in `tx`.
pub(crate) fn edit_plan_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &PlanId,
    input: &PlanInput,
) -> Result<Plan, AppError> {
    let now = clock.now();
    let before = tx.plan(id)?;
    if before.customer_id != input.customer_id || before.instrument != input.instrument {
        return Err(AppError::invalid(
            "instrument",
            "a plan keeps its customer and payment method: stop it and create another",
        ));
    }
    let limit = tx.bank_profile()?.collection_limit();
    let checked = checked(tx, input, limit)?;
    let reference = match (&before.reference, checked.reference) {
        (kept, None) => kept.clone(),
        (Some(kept), Some(given)) if *kept == given => Some(given),
        (Some(kept), Some(_)) => {
            return Err(AppError::invalid(
                "plan_reference",
                format!("a plan keeps its reference ({kept})"),
            ));
        }
        (None, Some(given)) => {
            ensure_free(tx, &given)?;
            Some(given)
        }
    };
    let (today, until) = horizon(tx, clock)?;
    // Never again a period already sent to the bank, or one whose
    // instalment the creditor cancelled by hand: the new terms start with
    // the period after it, as the old terms counted it (moving the
    // collection day from the 5th to the 20th after the 5 June was sent
    // resumes on 20 July, not 20 June).
    let last_done = tx.last_sent_due_on(id)?.max(tx.last_cancelled_due_on(id)?);
    let resume_on = match last_done {
        Some(sent) => {
            let next_period = before
                .schedule
                .due_between(sent.tomorrow().unwrap_or(sent), Date::MAX)
                .next()
                .map_or(sent.tomorrow().unwrap_or(sent), |(_, nominal)| nominal);
            next_period.max(today)
        }
        None => today,
    };
    let mut after = before.clone();
    after
        .edit(
            input.amount,
            checked.schedule,
            checked.remittance,
            resume_on,
            now,
        )
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    after.reference = reference;
    cancel_pending(tx, &after.id, PaymentCause::PlanChanged, now, actor)?;
    tx.save_plan(&after, before.version())?;
    take_instalments(tx, std::slice::from_mut(&mut after), today, until, now)?;
    record_change(tx, actor, "changed", Some(&before), &after)?;
    Ok(after)
}

/// Stops a plan at the creditor's request: no more instalments, and those
/// not sent yet are cancelled.
pub fn stop_plan(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &PlanId,
) -> Result<Plan, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let plan = tx.plan(id)?;
        stop_in(tx, plan, StopReason::ByCreditor, now, actor)
    })
}

/// Stops `before` in `tx` for `reason`, cancelling its payments not sent.
pub(crate) fn stop_in(
    tx: &mut TenantTx<'_, '_>,
    before: Plan,
    reason: StopReason,
    at: Timestamp,
    actor: &Actor,
) -> Result<Plan, AppError> {
    let mut after = before.clone();
    after
        .stop(reason, at)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    tx.save_plan(&after, before.version())?;
    cancel_pending(tx, &after.id, PaymentCause::PlanStopped(reason), at, actor)?;
    record_change(tx, actor, "stopped", Some(&before), &after)?;
    Ok(after)
}

/// Cancels a plan's payments not sent yet, each with its history, and
/// discards the pending files that held them.
fn cancel_pending(
    tx: &mut TenantTx<'_, '_>,
    plan: &PlanId,
    cause: PaymentCause,
    at: Timestamp,
    actor: &Actor,
) -> Result<(), AppError> {
    let mut changes = Vec::new();
    for mut payment in tx.pending_payments_of_plan(plan)? {
        let read = payment.version();
        let change = payment
            .apply(PaymentEvent::Cancel, at, cause.clone())
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        tx.save_payment(&payment, read)?;
        changes.push((payment.id, change));
    }
    let ids: Vec<_> = changes.iter().map(|(id, _)| id.clone()).collect();
    tx.record_payment_changes(&changes, actor)?;
    let why = match cause {
        PaymentCause::PlanStopped(_) => DiscardReason::PlanStopped,
        _ => DiscardReason::PlanChanged,
    };
    bank_files::discard_files_holding(tx, &ids, why, at, actor)
}

/// What stops a plan, for an event that does: why, and which plans it
/// concerns (every plan on that mandate, card or customer, whatever its
/// state).
fn stopping(kind: &str, entity_id: &str) -> Option<(StopReason, PlanFilter)> {
    let by_mandate = |reason| {
        prelevo_domain::MandateId::parse(entity_id).ok().map(|id| {
            (
                reason,
                PlanFilter {
                    mandate_id: Some(id),
                    ..PlanFilter::default()
                },
            )
        })
    };
    let by_customer = |reason| {
        CustomerId::parse(entity_id).ok().map(|id| {
            (
                reason,
                PlanFilter {
                    customer_id: Some(id),
                    ..PlanFilter::default()
                },
            )
        })
    };
    match kind {
        "mandate.revoked" => by_mandate(StopReason::MandateRevoked),
        "mandate.expired" => by_mandate(StopReason::MandateExpired),
        "card_alias.deleted" => prelevo_domain::CardAliasId::parse(entity_id)
            .ok()
            .map(|id| {
                (
                    StopReason::CardDeleted,
                    PlanFilter {
                        card_alias_id: Some(id),
                        ..PlanFilter::default()
                    },
                )
            }),
        "customer.suspended" => by_customer(StopReason::CustomerSuspended),
        "customer.struck_off" => by_customer(StopReason::CustomerStruckOff),
        _ => None,
    }
}

/// Plans read at a time by [`on_domain_event`].
const STOPPING_PAGE: i64 = 500;

/// Stops the plans a domain event leaves without a way to pay, and cancels
/// every payment of theirs not sent yet (subscriber of
/// [`crate::events::publish`]).
pub(crate) fn on_domain_event(
    tx: &mut TenantTx<'_, '_>,
    kind: &str,
    entity_id: &str,
    at: Timestamp,
) -> Result<(), AppError> {
    let Some((reason, filter)) = stopping(kind, entity_id) else {
        return Ok(());
    };
    // Every plan stays in the filter, stopped or not: page by id.
    let mut position = Position::Start;
    loop {
        let plans = tx.plans(&filter, position, STOPPING_PAGE)?;
        let Some(last) = plans.last().map(|plan| plan.id.clone()) else {
            return Ok(());
        };
        for plan in plans {
            match plan.status {
                PlanStatus::Active => {
                    stop_in(tx, plan, reason, at, &Actor::System)?;
                }
                // An inactive plan creates no more instalments, but those
                // it created may still wait to be sent: a one-off payment
                // (its plan is inactive from the start), the last instalment
                // of a fixed-end plan (it ends when that instalment is
                // created, up to the pre-notification period before it is
                // due). The plan keeps its state; its payments stop.
                PlanStatus::Inactive => cancel_pending(
                    tx,
                    &plan.id,
                    PaymentCause::PlanStopped(reason),
                    at,
                    &Actor::System,
                )?,
            }
        }
        position = Position::After(last);
    }
}

/// Creates the payments of `plans` falling due from `today` to `until`,
/// and saves how far each plan went. Returns how many were created.
pub(crate) fn take_instalments(
    tx: &mut TenantTx<'_, '_>,
    plans: &mut [Plan],
    today: Date,
    until: Date,
    now: Timestamp,
) -> Result<usize, AppError> {
    let payments = instalments_of(plans, today, until, now)?;
    save_instalments(tx, plans, &payments)?;
    Ok(payments.len())
}

/// Moves `plans` on to `until` in memory: the payments of the instalments
/// they take.
pub(crate) fn instalments_of(
    plans: &mut [Plan],
    today: Date,
    until: Date,
    now: Timestamp,
) -> Result<Vec<Payment>, AppError> {
    let mut payments = Vec::new();
    for plan in plans.iter_mut() {
        payments.extend(due_payments(plan, today, until, now)?);
    }
    Ok(payments)
}

/// Stores the payments `plans` took and how far each plan went.
pub(crate) fn save_instalments(
    tx: &mut TenantTx<'_, '_>,
    plans: &[Plan],
    payments: &[Payment],
) -> Result<(), AppError> {
    tx.insert_payments(payments)?;
    tx.save_plan_progress(plans)?;
    Ok(())
}

/// Moves `plan` on to `until` in memory: the payments of the instalments
/// it takes.
fn due_payments(
    plan: &mut Plan,
    today: Date,
    until: Date,
    now: Timestamp,
) -> Result<Vec<Payment>, AppError> {
    let taken = plan
        .take_due(today, until, &BusinessCalendar::TARGET2, now)
        .map_err(|e| AppError::System(e.to_string()))?;
    taken
        .into_iter()
        .map(|instalment| instalment_payment(plan, instalment, now))
        .collect()
}

/// The payment of one instalment: its end-to-end id is its own id's body.
fn instalment_payment(
    plan: &Plan,
    instalment: prelevo_domain::Instalment,
    now: Timestamp,
) -> Result<Payment, AppError> {
    let id = fresh_id(prelevo_domain::PaymentId::from_body)?;
    let end_to_end_id = EndToEndId::parse(id.as_str().trim_start_matches("pay_"))
        .map_err(|e| AppError::System(e.to_string()))?;
    Ok(Payment {
        id,
        plan_id: plan.id.clone(),
        instalment: instalment.index,
        last_instalment: instalment.last,
        customer_id: plan.customer_id.clone(),
        kind: plan.kind,
        instrument: plan.instrument.clone(),
        amount: plan.amount,
        due_on: instalment.due_on,
        remittance: plan.remittance.clone(),
        end_to_end_id,
        status: PaymentStatus::ToExecute,
        created_at: now,
        updated_at: now,
    })
}

/// One of the creditor's plans.
pub fn plan(tenant: &TenantStore, id: &PlanId) -> Result<Plan, AppError> {
    Ok(tenant.read(|tx| tx.plan(id))?)
}

/// A page of the creditor's plans.
pub fn plans(
    tenant: &TenantStore,
    filter: &PlanFilter,
    position: Position<PlanId>,
    limit: i64,
) -> Result<Vec<Plan>, AppError> {
    Ok(tenant.read(|tx| tx.plans(filter, position, limit))?)
}
