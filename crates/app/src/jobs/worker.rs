//! Worker threads: claim a job, run it, record the outcome; stop claiming
//! on shutdown and let the running job finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::SignedDuration;
use prelevo_domain::Clock;
use prelevo_store::{ClaimedJob, Store};

use crate::background::{LEASE_RECOVERY_EVERY, Periodic, pause};
use crate::daily::{DAILY_SCHEDULE_EVERY, schedule_daily_jobs};

use crate::card_gateway::CardGateway;

use super::registry::{JobContext, JobError, JobRegistry};
use super::retry::retry_delay;

/// How workers behave.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Number of worker threads.
    pub workers: usize,
    /// Pause when the queue is empty.
    pub idle_poll: Duration,
    /// How long a claimed job is leased before another worker may take it.
    pub lease: SignedDuration,
    /// Prefix of worker names in the `locked_by` column: unique to this
    /// process, on any host (containers all run as pid 1).
    pub name_prefix: String,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            workers: 2,
            idle_poll: Duration::from_millis(500),
            lease: SignedDuration::from_mins(10),
            name_prefix: crate::ids::process_name(),
        }
    }
}

/// Running worker threads; [`WorkerPool::shutdown`] stops them gracefully.
pub struct WorkerPool {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    /// Starts `options.workers` threads.
    pub fn start(
        store: Store,
        clock: Arc<dyn Clock>,
        registry: JobRegistry,
        card_gateway: Arc<dyn CardGateway>,
        options: WorkerOptions,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::with_capacity(options.workers);
        for n in 0..options.workers {
            let worker = Worker {
                name: format!("{}-{n}", options.name_prefix),
                store: store.clone(),
                clock: Arc::clone(&clock),
                registry: registry.clone(),
                card_gateway: Arc::clone(&card_gateway),
                options: options.clone(),
                stop: Arc::clone(&stop),
            };
            threads.push(
                std::thread::Builder::new()
                    .name(worker.name.clone())
                    .spawn(move || worker.run())?,
            );
        }
        Ok(Self { stop, threads })
    }

    /// Stops claiming new jobs and waits for the running ones to finish.
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads {
            if thread.join().is_err() {
                tracing::error!("a job worker thread panicked");
            }
        }
    }
}

struct Worker {
    name: String,
    store: Store,
    clock: Arc<dyn Clock>,
    registry: JobRegistry,
    card_gateway: Arc<dyn CardGateway>,
    options: WorkerOptions,
    stop: Arc<AtomicBool>,
}

impl Worker {
    fn run(self) {
        let mut recovery = Periodic::new(LEASE_RECOVERY_EVERY);
        let mut daily = Periodic::new(DAILY_SCHEDULE_EVERY);
        while !self.stop.load(Ordering::SeqCst) {
            let now = self.clock.now();
            if recovery.due(now)
                && let Err(error) = self.store.recover_expired_jobs(now)
            {
                tracing::warn!(worker = %self.name, %error, "cannot recover expired leases");
            }
            if daily.due(now)
                && let Err(error) = schedule_daily_jobs(&self.store, self.clock.as_ref())
            {
                tracing::warn!(worker = %self.name, %error, "cannot schedule the daily jobs");
            }
            match self
                .store
                .claim_jobs(&self.name, now, now + self.options.lease, 1)
            {
                Ok(jobs) if jobs.is_empty() => self.idle(),
                Ok(jobs) => jobs.into_iter().for_each(|job| self.execute(job)),
                Err(error) => {
                    tracing::warn!(worker = %self.name, %error, "cannot claim jobs");
                    self.idle();
                }
            }
        }
    }

    fn idle(&self) {
        pause(&self.stop, self.options.idle_poll);
    }

    fn execute(&self, job: ClaimedJob) {
        let span =
            tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
        let _entered = span.enter();
        let outcome =
            JobRegistry::tenant_of(&self.store, job.creditor_id.as_deref()).and_then(|tenant| {
                let ctx = JobContext {
                    store: &self.store,
                    clock: self.clock.as_ref(),
                    tenant,
                    job_id: job.id,
                    attempt: job.attempts,
                    card_gateway: self.card_gateway.as_ref(),
                    worker: &self.name,
                    lease: self.options.lease,
                };
                self.registry.run(&job.kind, &job.payload, &ctx)
            });
        let now = self.clock.now();
        let recorded = match outcome {
            Ok(()) => self.store.complete_job(job.id, &self.name, now),
            Err(error) => {
                let retry_at = match &error {
                    JobError::Retryable(_) if job.attempts < job.max_attempts => {
                        Some(now + retry_delay(job.attempts))
                    }
                    _ => None,
                };
                tracing::warn!(%error, retry = retry_at.is_some(), "job failed");
                self.store
                    .fail_job(job.id, &self.name, now, &error.to_string(), retry_at)
            }
        };
        if let Err(error) = recorded {
            tracing::error!(%error, "cannot record the job's outcome");
        }
    }
}
