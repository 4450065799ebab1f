//! The job trait and the registry of handlers.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use prelevo_domain::{Clock, CreditorKey};
use prelevo_store::{NewJob, Store, TenantStore, TenantTx};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AppError;
use crate::card_gateway::CardGateway;

/// Why a job attempt failed. `Retryable` failures are tried again with
/// back-off; `Permanent` ones go straight to `dead`.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (database busy, bank unreachable, …).
    #[error("{0}")]
    Retryable(String),
    /// Retrying cannot help (bad payload, unknown kind, …).
    #[error("{0}")]
    Permanent(String),
}

impl From<AppError> for JobError {
    fn from(error: AppError) -> Self {
        match error.kind() {
            // A conflict is a change committed by someone else between the
            // job's read and its write (a payment cancelled while the day's
            // run charged it): the next attempt reads the data as it now
            // is. One that persists ends `dead` after the attempts.
            crate::ErrorKind::Internal
            | crate::ErrorKind::Upstream
            | crate::ErrorKind::Conflict => JobError::Retryable(error.to_string()),
            _ => JobError::Permanent(error.to_string()),
        }
    }
}

impl From<prelevo_store::StoreError> for JobError {
    fn from(error: prelevo_store::StoreError) -> Self {
        JobError::from(AppError::from(error))
    }
}

/// What a running job may use.
pub struct JobContext<'a> {
    /// The database.
    pub store: &'a Store,
    /// The clock.
    pub clock: &'a dyn Clock,
    /// The creditor the job works for, when it has one.
    pub tenant: Option<TenantStore>,
    /// The job's id, for logs.
    pub job_id: i64,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// The card gateway, for the charges of the collection day.
    pub card_gateway: &'a dyn CardGateway,
    /// The worker holding the job's lease.
    pub worker: &'a str,
    /// How long each renewal of the lease lasts.
    pub lease: jiff::SignedDuration,
}

impl JobContext<'_> {
    /// Renews the job's lease from now: a long job calls it as it goes, so
    /// that no other worker takes the job over while it runs. A lease
    /// another worker took meanwhile is an error: the job stops there.
    pub fn keep_alive(&self) -> Result<(), AppError> {
        let until = self.clock.now() + self.lease;
        Ok(self
            .store
            .extend_job_lease(self.job_id, self.worker, until)?)
    }
}

/// A kind of background work. Implementors are idempotent (see module doc).
pub trait BackgroundJob: Serialize + DeserializeOwned {
    /// The stored kind; never rename it while jobs of it may be queued.
    const KIND: &'static str;
    /// Higher runs first.
    const PRIORITY: i32 = 0;
    /// Attempts before the job is declared dead.
    const MAX_ATTEMPTS: i32 = 5;

    /// Does the work.
    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError>;
}

type Handler = Arc<dyn Fn(&str, &JobContext<'_>) -> Result<(), JobError> + Send + Sync>;

/// Maps each job kind to the code that runs it.
#[derive(Clone, Default)]
pub struct JobRegistry {
    handlers: HashMap<&'static str, Handler>,
}

impl JobRegistry {
    /// Adds job type `J`.
    pub fn register<J: BackgroundJob + 'static>(mut self) -> Self {
        let handler: Handler = Arc::new(|payload: &str, ctx: &JobContext<'_>| {
            let job: J = serde_json::from_str(payload).map_err(|e| {
                JobError::Permanent(format!("{} payload cannot be read: {e}", J::KIND))
            })?;
            job.run(ctx)
        });
        self.handlers.insert(J::KIND, handler);
        self
    }

    /// Runs a stored job through its handler.
    pub(crate) fn run(
        &self,
        kind: &str,
        payload: &str,
        ctx: &JobContext<'_>,
    ) -> Result<(), JobError> {
        match self.handlers.get(kind) {
            Some(handler) => handler(payload, ctx),
            None => Err(JobError::Permanent(format!(
                "no handler for job kind '{kind}'"
            ))),
        }
    }

    /// Resolves the tenant of a stored job.
    pub(crate) fn tenant_of(
        store: &Store,
        creditor: Option<&str>,
    ) -> Result<Option<TenantStore>, JobError> {
        creditor
            .map(|id| {
                CreditorKey::parse(id)
                    .map(|key| store.tenant(key))
                    .map_err(|e| JobError::Permanent(format!("job creditor '{id}': {e}")))
            })
            .transpose()
    }
}

fn new_job<'a, J: BackgroundJob>(
    payload: &'a str,
    run_at: Timestamp,
    dedup_key: Option<&'a str>,
) -> NewJob<'a> {
    NewJob {
        kind: J::KIND,
        payload,
        priority: J::PRIORITY,
        max_attempts: J::MAX_ATTEMPTS,
        run_at,
        dedup_key,
    }
}

fn encode<J: BackgroundJob>(job: &J) -> Result<String, AppError> {
    serde_json::to_string(job).map_err(|source| AppError::Encoding {
        what: "job",
        source,
    })
}

/// Enqueues `job` for this transaction's creditor; it exists only if the
/// transaction commits. `None` when `dedup_key` was already used.
pub fn enqueue<J: BackgroundJob>(
    tx: &mut TenantTx<'_, '_>,
    job: &J,
    now: Timestamp,
    run_at: Timestamp,
    dedup_key: Option<&str>,
) -> Result<Option<i64>, AppError> {
    let payload = encode(job)?;
    Ok(tx.enqueue_job(&new_job::<J>(&payload, run_at, dedup_key), now)?)
}

/// Enqueues a job that belongs to no creditor.
pub fn enqueue_platform<J: BackgroundJob>(
    store: &Store,
    job: &J,
    now: Timestamp,
    run_at: Timestamp,
    dedup_key: Option<&str>,
) -> Result<Option<i64>, AppError> {
    let payload = encode(job)?;
    Ok(store.enqueue_platform_job(&new_job::<J>(&payload, run_at, dedup_key), now)?)
}

#[cfg(test)]
mod tests {
    use super::JobError;
    use crate::AppError;

    #[test]
    fn a_conflict_is_tried_again_and_bad_input_is_not() {
        let conflict = prelevo_store::StoreError::Conflict {
            entity: "payment",
            detail: "changed since it was read".into(),
        };
        assert!(matches!(JobError::from(conflict), JobError::Retryable(_)));
        assert!(matches!(
            JobError::from(AppError::invalid("amount", "must be positive")),
            JobError::Permanent(_)
        ));
        assert!(matches!(
            JobError::from(AppError::NotFound("plan".into())),
            JobError::Permanent(_)
        ));
    }
}
