//! Payments — "Paiements" (PRODUCT.md §4): one-off payments (each with
//! its one-instalment plan), cancelling and changing them while they wait
//! to be sent, and reading them with their history.

use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_domain::{
    AmountError, BusinessCalendar, CardStatus, Clock, Currency, CustomerId, DiscardReason,
    EndToEndId, Frequency, Instrument, MandateKind, Money, Payment, PaymentAmendment, PaymentCause,
    PaymentEvent, PaymentId, PaymentKind, PaymentStatus, Plan, PlanEnd, PlanId, PlanStatus,
    Schedule, SepaText, check_amount, remittance,
};
use prelevo_store::{
    Actor, ListedPayment, PaymentEventRecord, PaymentFilter, Position, StoreError, TenantStore,
    TenantTx,
};
use serde_json::json;

use crate::audit::{Audited, record_change};
use crate::fields::Fields;
use crate::ids::fresh_id;
use crate::{AppError, bank_files};

impl Audited for Payment {
    const ENTITY: &'static str = "payment";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "plan_id": self.plan_id.as_str(),
            "customer_id": self.customer_id.as_str(),
            "kind": self.kind.as_str(),
            "amount_cents": self.amount.minor(),
            "currency": self.amount.currency().as_str(),
            "due_date": self.due_on.to_string(),
            "remittance_info": self.remittance.as_ref().map(SepaText::as_str),
            "end_to_end_id": self.end_to_end_id.as_str(),
            "status": self.status.as_str(),
        })
    }

    fn changed_at(&self) -> Timestamp {
        self.updated_at
    }
}

/// A one-off payment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentInput {
    /// The customer who pays.
    pub customer_id: CustomerId,
    /// The mandate or card alias.
    pub instrument: Instrument,
    /// How much.
    pub amount: Money,
    /// When; the earliest possible date when not given.
    pub due_on: Option<Date>,
    /// The text the debtor sees.
    pub remittance: Option<String>,
    /// The creditor's reference; generated when not given.
    pub end_to_end_id: Option<String>,
}

/// A change to a payment waiting to be sent; `None` keeps a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentChanges {
    /// New amount.
    pub amount: Option<Money>,
    /// New due date.
    pub due_on: Option<Date>,
    /// New text; `Some(None)` removes it.
    pub remittance: Option<Option<String>>,
}

/// Checks that `instrument` belongs to `customer`, that both can pay now,
/// and says what kind of payment it makes (`None` when a field is refused,
/// recorded in `fields`).
pub(crate) fn check_method(
    tx: &mut TenantTx<'_, '_>,
    fields: &mut Fields,
    customer_id: &CustomerId,
    instrument: &Instrument,
) -> Result<Option<PaymentKind>, AppError> {
    let customer = match tx.customer(customer_id) {
        Ok(customer) => customer,
        Err(StoreError::NotFound { .. }) => {
            fields.push("customer_id", "no such customer");
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    if !customer.status.can_collect() {
        fields.push(
            "customer_id",
            format!(
                "the customer is {}: no payment can be made",
                customer.status.as_str()
            ),
        );
    }
    let kind = match instrument {
        Instrument::Mandate(id) => match tx.mandate(id) {
            Ok(mandate) if mandate.customer_id != *customer_id => {
                fields.push("mandate_id", "belongs to another customer");
                None
            }
            Ok(mandate) if !mandate.status.can_collect() => {
                fields.push(
                    "mandate_id",
                    format!(
                        "the mandate is {}: it cannot be collected on",
                        mandate.status.as_str()
                    ),
                );
                None
            }
            Ok(mandate) if mandate.debtor.bic.is_none() && mandate.debtor.iban.needs_bic() => {
                fields.push(
                    "mandate_id",
                    format!(
                        "the debtor's bank is in {}, outside the EEA: the mandate needs its BIC",
                        mandate.debtor.iban.country_code()
                    ),
                );
                None
            }
            Ok(mandate)
                if mandate.kind == MandateKind::OneOff && !mandate.first_collection_pending =>
            {
                fields.push("mandate_id", "a one-off mandate was already collected on");
                None
            }
            Ok(_) => Some(PaymentKind::SepaDirectDebit),
            Err(StoreError::NotFound { .. }) => {
                fields.push("mandate_id", "no such mandate");
                None
            }
            Err(other) => return Err(other.into()),
        },
        Instrument::Card(id) => match tx.card_alias(id) {
            Ok(card) if card.customer_id != *customer_id => {
                fields.push("card_alias_id", "belongs to another customer");
                None
            }
            Ok(card) if card.status != CardStatus::Active => {
                fields.push("card_alias_id", "the card alias is deleted");
                None
            }
            Ok(_) => Some(PaymentKind::Card),
            Err(StoreError::NotFound { .. }) => {
                fields.push("card_alias_id", "no such card alias");
                None
            }
            Err(other) => return Err(other.into()),
        },
        Instrument::OwnAccount => {
            fields.push("mandate_id", "a mandate or a card alias is needed");
            None
        }
    };
    Ok(kind.filter(|_| customer.status.can_collect()))
}

/// Checks an amount for a payment of `kind` (`None`: the kind is unknown,
/// the instrument was refused): SEPA takes euros up to the bank profile's
/// limit; a card any currency, more than zero, and held to the same figure
/// in its own currency's minor units (no rate is known here; a typo must
/// not charge any amount).
pub(crate) fn check_plan_amount(
    kind: Option<PaymentKind>,
    amount: Money,
    limit: Money,
) -> Result<Money, AmountError> {
    match kind {
        Some(PaymentKind::Card) if amount.currency() != Currency::EUR => {
            let as_if_euros = Money::from_minor(amount.minor(), Currency::EUR);
            check_amount(as_if_euros, limit).map(|_| amount)
        }
        _ => check_amount(amount, limit),
    }
}

/// Checks a due date: for a collection, a TARGET2 business day the bank
/// can still make; for a card, today or later.
fn check_due(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    kind: PaymentKind,
    due: Option<Date>,
) -> Result<Result<Date, String>, AppError> {
    let creditor = tx.creditor()?;
    let tz = creditor.timezone.tz();
    if kind != PaymentKind::SepaDirectDebit {
        let today = clock.today_in(tz);
        return Ok(match due {
            None => Ok(today),
            Some(d) if d >= today => Ok(d),
            Some(d) => Err(format!("{d} is past")),
        });
    }
    let rule = tx.bank_profile()?.submission_rule();
    let now_local = tz.to_datetime(clock.now());
    let earliest = rule
        .earliest_due_date(now_local)
        .map_err(|e| AppError::System(e.to_string()))?;
    Ok(match due {
        None => Ok(earliest),
        Some(d) if !BusinessCalendar::TARGET2.is_business_day(d) => {
            Err(format!("{d} is not a TARGET2 business day"))
        }
        Some(d) if d < earliest => Err(format!(
            "{d} is too close: the bank can collect on {earliest} at the earliest"
        )),
        Some(d) => Ok(d),
    })
}

/// Creates a one-off payment on an active mandate or card alias, with its
/// one-instalment plan.
pub fn create_payment(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    input: &PaymentInput,
) -> Result<Payment, AppError> {
    let id = fresh_id(PaymentId::from_body)?;
    let plan_id = fresh_id(PlanId::from_body)?;
    let now = clock.now();
    tenant.write(|tx| {
        let mut fields = Fields::default();
        let kind = check_method(tx, &mut fields, &input.customer_id, &input.instrument)?;
        let limit = tx.bank_profile()?.collection_limit();
        let amount = fields.take("amount", check_plan_amount(kind, input.amount, limit));
        let text = fields.optional("remittance_info", input.remittance.as_deref(), remittance);
        let end_to_end = match input.end_to_end_id.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => {
                fields.take("end_to_end_id", EndToEndId::parse(given))
            }
            _ => fields.take(
                "end_to_end_id",
                EndToEndId::parse(id.as_str().trim_start_matches("pay_")),
            ),
        };
        let due = match kind {
            Some(kind) => fields.take("due_date", check_due(tx, clock, kind, input.due_on)?),
            None => None,
        };
        let parts = match (kind, amount, text, end_to_end, due) {
            (Some(kind), Some(amount), Some(text), Some(e2e), Some(due)) => {
                Some((kind, amount, text.flatten(), e2e, due))
            }
            _ => None,
        };
        let (kind, amount, text, end_to_end_id, due_on) = fields.finish(parts)?;
        let day = prelevo_domain::CollectionDay::new(i64::from(due_on.day()))
            .map_err(|e| AppError::System(e.to_string()))?;
        let schedule = Schedule::new(
            Frequency::Monthly,
            day,
            due_on,
            PlanEnd::AfterInstalments(1),
        )
        .map_err(|e| AppError::System(e.to_string()))?;
        let plan = Plan {
            id: plan_id.clone(),
            reference: None,
            customer_id: input.customer_id.clone(),
            kind,
            instrument: input.instrument.clone(),
            amount,
            schedule,
            remittance: text.clone(),
            // Its only instalment is this payment.
            status: PlanStatus::Inactive,
            next_index: 1,
            created_count: 1,
            stop: None,
            created_at: now,
            updated_at: now,
        };
        let payment = Payment {
            id: id.clone(),
            plan_id,
            instalment: 0,
            last_instalment: true,
            customer_id: input.customer_id.clone(),
            kind,
            instrument: input.instrument.clone(),
            amount,
            due_on,
            remittance: text,
            end_to_end_id,
            status: PaymentStatus::ToExecute,
            created_at: now,
            updated_at: now,
        };
        tx.insert_plan(&plan)?;
        tx.insert_payments(std::slice::from_ref(&payment))
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::invalid(
                    "end_to_end_id",
                    format!(
                        "{} is already used by another payment",
                        payment.end_to_end_id.as_str()
                    ),
                ),
                other => other.into(),
            })?;
        record_change(tx, actor, "created", None, &payment)?;
        Ok(payment)
    })
}

/// Cancels a payment not sent yet ("Non exécuté"); a pending file holding
/// it is discarded, the next run makes another without it.
pub fn cancel_payment(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &PaymentId,
) -> Result<Payment, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let before = tx.payment(id)?.payment;
        let mut after = before.clone();
        let change = after
            .apply(PaymentEvent::Cancel, now, PaymentCause::CancelledByCreditor)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        tx.save_payment(&after, before.version())?;
        tx.record_payment_changes(&[(after.id.clone(), change)], actor)?;
        bank_files::discard_files_holding(
            tx,
            std::slice::from_ref(&after.id),
            DiscardReason::PaymentCancelled,
            now,
            actor,
        )?;
        record_change(tx, actor, "cancelled", Some(&before), &after)?;
        Ok(after)
    })
}

/// Changes the amount, due date or text of a payment not sent yet; a
/// pending file holding it is discarded.
pub fn amend_payment(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &PaymentId,
    changes: &PaymentChanges,
) -> Result<Payment, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let before = tx.payment(id)?.payment;
        let mut fields = Fields::default();
        let limit = tx.bank_profile()?.collection_limit();
        // What is kept as it is is not checked again (the dashboard's form
        // sends every field): an amount against today's limit, a date
        // against today's lead time. Only a new value must pass.
        let amount = match changes.amount {
            Some(amount) if amount != before.amount => fields.take(
                "amount",
                check_plan_amount(Some(before.kind), amount, limit),
            ),
            _ => Some(before.amount),
        };
        let due = match changes.due_on {
            Some(due) if due != before.due_on => {
                fields.take("due_date", check_due(tx, clock, before.kind, Some(due))?)
            }
            _ => Some(before.due_on),
        };
        let text = match &changes.remittance {
            Some(text) => fields
                .optional("remittance_info", text.as_deref(), remittance)
                .map(Option::flatten),
            None => Some(before.remittance.clone()),
        };
        let (amount, due_on, text) = fields.finish(match (amount, due, text) {
            (Some(a), Some(d), Some(t)) => Some((a, d, t)),
            _ => None,
        })?;
        let mut after = before.clone();
        let amendment = PaymentAmendment {
            amount: (amount != before.amount).then_some((before.amount, amount)),
            due_on: (due_on != before.due_on).then_some((before.due_on, due_on)),
            remittance: text != before.remittance,
        };
        if amendment.is_empty() {
            // Nothing differs: no history line, and its file stays.
            return Ok(before);
        }
        let change = after
            .apply(
                PaymentEvent::Amend,
                now,
                PaymentCause::ChangedByCreditor(amendment),
            )
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        after.amount = amount;
        after.due_on = due_on;
        after.remittance = text;
        tx.save_payment(&after, before.version())?;
        tx.record_payment_changes(&[(after.id.clone(), change)], actor)?;
        bank_files::discard_files_holding(
            tx,
            std::slice::from_ref(&after.id),
            DiscardReason::PaymentChanged,
            now,
            actor,
        )?;
        record_change(tx, actor, "changed", Some(&before), &after)?;
        Ok(after)
    })
}

/// One of the creditor's payments, with its file and history.
pub fn payment(
    tenant: &TenantStore,
    id: &PaymentId,
) -> Result<(ListedPayment, Vec<PaymentEventRecord>), AppError> {
    Ok(tenant.read(|tx| Ok::<_, StoreError>((tx.payment(id)?, tx.payment_history(id)?)))?)
}

/// A page of the creditor's payments.
pub fn payments(
    tenant: &TenantStore,
    filter: &PaymentFilter,
    position: Position<PaymentId>,
    limit: i64,
) -> Result<Vec<ListedPayment>, AppError> {
    Ok(tenant.read(|tx| tx.payments(filter, position, limit))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_in_another_currency_is_held_to_the_same_figure() {
        let limit = Money::from_minor(1_000_000, Currency::EUR);
        let card = Some(PaymentKind::Card);
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        assert_eq!(check_plan_amount(card, usd(4_990), limit), Ok(usd(4_990)));
        assert!(matches!(
            check_plan_amount(card, usd(i64::MAX), limit),
            Err(AmountError::OverLimit { .. })
        ));
        assert!(matches!(
            check_plan_amount(card, usd(0), limit),
            Err(AmountError::NotPositive(0))
        ));
        // A collection stays in euros.
        let sepa = Some(PaymentKind::SepaDirectDebit);
        assert!(matches!(
            check_plan_amount(sepa, usd(4_990), limit),
            Err(AmountError::NotEuro(_))
        ));
    }
}
