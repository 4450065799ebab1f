//! Card payments charged through the card gateway on their due date.
//!
//! A charge is made exactly once however often the run is repeated or cut
//! short: the payment becomes `executing` (committed) before the gateway is
//! called, with the payment's id as the gateway's idempotency key; the
//! answer then moves it to `executed` or `rejected`. A run that stops
//! between the two leaves it `executing`, and the next run asks again with
//! the same key: the gateway answers what it answered the first time and
//! charges nothing more.

use jiff::civil::Date;
use prelevo_domain::{CardToken, Clock, Payment, PaymentCause, PaymentEvent, PaymentStatus};
use prelevo_store::{Actor, TenantStore};

use crate::AppError;
use crate::card_gateway::{CardGateway, CardGatewayError, ChargeOutcome, ChargeRequest};
use crate::collection_run::RunProgress;

/// Card payments read per batch.
const CHARGES_BATCH: i64 = 500;

/// What a run of charges did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChargeReport {
    /// Charged.
    pub approved: u64,
    /// Refused by the issuer or the gateway: now `rejected`.
    pub declined: u64,
    /// Left for the next run: the gateway did not answer.
    pub waiting: u64,
}

/// Charges the card payments due by `day` (and finishes those an earlier
/// run left in flight). Does nothing when the gateway takes no charges.
pub fn charge_due_cards(
    tenant: &TenantStore,
    clock: &dyn Clock,
    gateway: &dyn CardGateway,
    day: Date,
    progress: &mut dyn FnMut(RunProgress) -> Result<(), AppError>,
) -> Result<ChargeReport, AppError> {
    let mut report = ChargeReport::default();
    if !gateway.can_charge() {
        return Ok(report);
    }
    loop {
        let in_flight = start_charges(tenant, clock, day)?;
        if in_flight.is_empty() {
            return Ok(report);
        }
        for (at, (payment, token)) in in_flight.iter().enumerate() {
            match charge(gateway, payment, token) {
                Ok(outcome) => {
                    record_answer(tenant, clock, payment, &outcome)?;
                    match outcome {
                        ChargeOutcome::Approved { .. } => report.approved += 1,
                        ChargeOutcome::Declined { .. } => report.declined += 1,
                    }
                }
                Err(CardGatewayError::Unavailable(why)) => {
                    // The rest stays in flight for the next run, which asks
                    // again with the same keys.
                    report.waiting += u64::try_from(in_flight.len() - at).unwrap_or(0);
                    tracing::warn!(%why, waiting = report.waiting, "card gateway unavailable");
                    return Ok(report);
                }
                Err(CardGatewayError::UnknownToken) => {
                    let outcome = ChargeOutcome::Declined {
                        code: "unknown_token".into(),
                        reason: "the gateway holds no card under this token".into(),
                    };
                    record_answer(tenant, clock, payment, &outcome)?;
                    report.declined += 1;
                }
            }
            progress(RunProgress::Charged {
                answered: report.approved + report.declined,
            })?;
        }
    }
}

fn charge(
    gateway: &dyn CardGateway,
    payment: &Payment,
    token: &CardToken,
) -> Result<ChargeOutcome, CardGatewayError> {
    gateway.charge(&ChargeRequest {
        token,
        amount: payment.amount,
        idempotency_key: payment.id.as_str(),
        description: payment.remittance.as_ref().map(|r| r.as_str()),
    })
}

/// Reads the next batch and marks its waiting payments `executing`, in
/// one transaction (so a payment cancelled or changed meanwhile is read as
/// it now is), before any charge is asked for; those already in flight
/// stay so.
fn start_charges(
    tenant: &TenantStore,
    clock: &dyn Clock,
    day: Date,
) -> Result<Vec<(Payment, CardToken)>, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let batch = tx.card_charges_due(day, CHARGES_BATCH)?;
        let mut changes = Vec::new();
        let mut in_flight = Vec::with_capacity(batch.len());
        for (mut payment, token) in batch {
            if payment.status == PaymentStatus::ToExecute {
                let read = payment.version();
                let change = payment
                    .apply(PaymentEvent::Send, now, PaymentCause::ChargeSent)
                    .map_err(|e| AppError::System(e.to_string()))?;
                tx.save_payment(&payment, read)?;
                changes.push((payment.id.clone(), change));
            }
            in_flight.push((payment, token));
        }
        tx.record_payment_changes(&changes, &Actor::System)?;
        Ok(in_flight)
    })
}

/// Moves a charged payment to `executed` or `rejected` with the gateway's
/// words as the cause.
fn record_answer(
    tenant: &TenantStore,
    clock: &dyn Clock,
    payment: &Payment,
    outcome: &ChargeOutcome,
) -> Result<(), AppError> {
    let now = clock.now();
    let (event, cause) = match outcome {
        ChargeOutcome::Approved { reference } => (
            PaymentEvent::Execute,
            PaymentCause::ChargeApproved {
                reference: reference.clone(),
            },
        ),
        ChargeOutcome::Declined { code, reason } => (
            PaymentEvent::Reject,
            PaymentCause::ChargeDeclined {
                code: code.clone(),
                reason: reason.clone(),
            },
        ),
    };
    tenant.write(|tx| {
        let mut after = tx.payment(&payment.id)?.payment;
        if after.status != PaymentStatus::Executing {
            // Another run recorded this answer first, unless the gateway
            // took money for a payment that is not in flight: that one an
            // operator must look at.
            if matches!(outcome, ChargeOutcome::Approved { .. })
                && after.status != PaymentStatus::Executed
            {
                tracing::error!(
                    payment = %after.id,
                    status = after.status.as_str(),
                    "card charge approved for a payment that is not in flight"
                );
            }
            return Ok(());
        }
        let read = after.version();
        let change = after
            .apply(event, now, cause)
            .map_err(|e| AppError::System(e.to_string()))?;
        tx.save_payment(&after, read)?;
        tx.record_payment_changes(&[(after.id.clone(), change)], &Actor::System)?;
        Ok(())
    })
}
