//! The chores every creditor needs once a day, on its own calendar day:
//! enqueued by the job workers (a check every few minutes, deduplicated per
//! creditor and day), run as ordinary jobs.

use jiff::SignedDuration;
use prelevo_domain::Clock;
use prelevo_store::Store;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::card_aliases::delete_expired_card_aliases;
use crate::collection_run::run_collections;
use crate::jobs::{BackgroundJob, JobContext, JobError, JobRegistry, enqueue};
use crate::mandates::expire_dormant_mandates;
use crate::renewal::Renewal;

/// How often the workers check whether a creditor's day has turned.
pub(crate) const DAILY_SCHEDULE_EVERY: SignedDuration = SignedDuration::from_mins(10);

/// Expires one creditor's mandates dormant for 36 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireDormantMandates;

impl BackgroundJob for ExpireDormantMandates {
    const KIND: &'static str = "mandates.expire_dormant";

    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let tenant = ctx
            .tenant
            .as_ref()
            .ok_or_else(|| JobError::Permanent(format!("{} needs a creditor", Self::KIND)))?;
        let expired = expire_dormant_mandates(tenant, ctx.clock)?;
        tracing::info!(expired, "dormant mandates expired");
        Ok(())
    }
}

/// Deletes one creditor's card aliases whose expiry month has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteExpiredCards;

impl BackgroundJob for DeleteExpiredCards {
    const KIND: &'static str = "card_aliases.delete_expired";

    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let tenant = ctx
            .tenant
            .as_ref()
            .ok_or_else(|| JobError::Permanent(format!("{} needs a creditor", Self::KIND)))?;
        let deleted = delete_expired_card_aliases(tenant, ctx.clock)?;
        tracing::info!(deleted, "expired card aliases deleted");
        Ok(())
    }
}

/// Runs one creditor's collection day: instalments, settlements, files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCollections;

impl BackgroundJob for RunCollections {
    const KIND: &'static str = "collections.run";
    // Ten attempts (10 s doubling to 43 min, about 85 minutes in all) see a
    // card gateway through an outage of an hour.
    const MAX_ATTEMPTS: i32 = 10;

    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let tenant = ctx
            .tenant
            .as_ref()
            .ok_or_else(|| JobError::Permanent(format!("{} needs a creditor", Self::KIND)))?;
        // Committed steps renew the lease (the first, then one a minute
        // has passed): a long run (a million plans, a slow card gateway) is
        // never taken over by a second worker.
        let mut renewal = Renewal::of(ctx.lease, None);
        let report = run_collections(tenant, ctx.clock, ctx.card_gateway, None, &mut |_| {
            if renewal.due(ctx.clock.now()) {
                ctx.keep_alive()?;
            }
            Ok(())
        })?;
        tracing::info!(
            day = %report.day,
            instalments = report.instalments,
            executed = report.executed,
            files = report.files.len(),
            "collection day run"
        );
        if report.cards.waiting > 0 {
            // Asked again within minutes (the queue's back-off), with the
            // same keys, rather than at tomorrow's run: a gateway keeps its
            // idempotency keys for a limited time.
            return Err(JobError::Retryable(format!(
                "the card gateway did not answer: {} charge(s) in flight",
                report.cards.waiting
            )));
        }
        Ok(())
    }
}

/// The registry of every job kind Prelevo runs.
pub fn product_jobs() -> JobRegistry {
    JobRegistry::default()
        .register::<ExpireDormantMandates>()
        .register::<DeleteExpiredCards>()
        .register::<RunCollections>()
}

/// Enqueues each creditor's daily jobs for its current day, once: a second
/// call the same day enqueues nothing. Returns how many were enqueued.
pub fn schedule_daily_jobs(store: &Store, clock: &dyn Clock) -> Result<usize, AppError> {
    let now = clock.now();
    let mut enqueued = 0;
    for creditor in store.list_creditors()? {
        let today = clock.today_in(creditor.timezone.tz());
        let tenant = store.tenant(creditor.id.clone());
        let day = |kind: &str| format!("{kind}:{}:{today}", creditor.id);
        enqueued += tenant.write(|tx| {
            let mandates = enqueue(
                tx,
                &ExpireDormantMandates,
                now,
                now,
                Some(&day(ExpireDormantMandates::KIND)),
            )?;
            let cards = enqueue(
                tx,
                &DeleteExpiredCards,
                now,
                now,
                Some(&day(DeleteExpiredCards::KIND)),
            )?;
            let collections = enqueue(
                tx,
                &RunCollections,
                now,
                now,
                Some(&day(RunCollections::KIND)),
            )?;
            Ok::<_, AppError>(
                usize::from(mandates.is_some())
                    + usize::from(cards.is_some())
                    + usize::from(collections.is_some()),
            )
        })?;
    }
    Ok(enqueued)
}
