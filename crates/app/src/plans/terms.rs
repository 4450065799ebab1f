//! A plan's input checked: each refused field named as the caller gave it,
//! all of them at once; and whether a stored plan already has the terms an
//! input gives (what makes an import line idempotent).

use prelevo_domain::{
    CollectionDay, Money, PaymentKind, Plan, PlanReference, Schedule, ScheduleError, SepaText,
    remittance,
};
use prelevo_store::TenantTx;

use super::PlanInput;
use crate::AppError;
use crate::fields::Fields;
use crate::payments::{check_method, check_plan_amount};

/// The plan's method, amount (at most `limit`, the creditor's largest
/// collection), reference, schedule and text, every field checked.
pub(super) fn checked(
    tx: &mut TenantTx<'_, '_>,
    input: &PlanInput,
    limit: Money,
) -> Result<Checked, AppError> {
    let mut fields = Fields::default();
    let kind = check_method(tx, &mut fields, &input.customer_id, &input.instrument)?;
    fields.take("amount", check_plan_amount(kind, input.amount, limit));
    let reference = fields.optional(
        "plan_reference",
        input.reference.as_deref(),
        PlanReference::parse,
    );
    let terms = schedule_and_text(&mut fields, input);
    let parts = match (kind, terms, reference) {
        (Some(kind), Some((schedule, remittance)), Some(reference)) => Some(Checked {
            kind,
            schedule,
            remittance,
            reference,
        }),
        _ => None,
    };
    fields.finish(parts)
}

/// A plan's input once every field is checked.
pub(super) struct Checked {
    pub kind: PaymentKind,
    pub schedule: Schedule,
    pub remittance: Option<SepaText>,
    pub reference: Option<PlanReference>,
}

/// The schedule and text of `input` (what needs no stored data), each
/// refusal recorded in `fields` under the field the caller gave.
fn schedule_and_text(
    fields: &mut Fields,
    input: &PlanInput,
) -> Option<(Schedule, Option<SepaText>)> {
    let text = fields.optional("remittance_info", input.remittance.as_deref(), |t| {
        remittance(t)
    });
    let day = fields.take("collection_day", CollectionDay::new(input.collection_day));
    let schedule =
        day.and_then(
            |day| match Schedule::new(input.frequency, day, input.start_on, input.end) {
                Ok(schedule) => Some(schedule),
                Err(error) => {
                    let field = match error {
                        ScheduleError::NoInstalment => "instalments",
                        ScheduleError::EndsBeforeFirst { .. } => "end_date",
                    };
                    fields.push(field, error);
                    None
                }
            },
        );
    match (schedule, text) {
        (Some(schedule), Some(text)) => Some((schedule, text.flatten())),
        _ => None,
    }
}

/// Whether `plan` already is what `input` describes (its customer, method,
/// amount, schedule and text; the reference is not compared). Refused
/// fields are named as in a creation.
pub(crate) fn has_terms(plan: &Plan, input: &PlanInput) -> Result<bool, AppError> {
    let mut fields = Fields::default();
    let terms = schedule_and_text(&mut fields, input);
    let (schedule, text) = fields.finish(terms)?;
    Ok(plan.customer_id == input.customer_id
        && plan.instrument == input.instrument
        && plan.amount == input.amount
        && plan.schedule == schedule
        && plan.remittance == text)
}

/// Refuses `reference` when another plan of the creditor has it.
pub(super) fn ensure_free(
    tx: &mut TenantTx<'_, '_>,
    reference: &PlanReference,
) -> Result<(), AppError> {
    match tx
        .plans_by_references(std::slice::from_ref(reference))?
        .first()
    {
        Some(holder) => Err(AppError::Conflict(format!(
            "plan reference {reference} is already plan {}",
            holder.id
        ))),
        None => Ok(()),
    }
}
