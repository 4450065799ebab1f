//! The job queue: background work committed with the change that asks for
//! it, run at least once and — because every job is idempotent and claimed
//! under a lease — applied exactly once. See `lease` for the mechanics.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::{Conn, on_each_engine};
use crate::lease::{self, Outcome, Queue};
use crate::schema::jobs;
use crate::sql_types::DbInstant;
use crate::{Store, StoreError, TenantTx};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// The job's kind, which names its handler.
    pub kind: &'a str,
    /// Its arguments, as JSON.
    pub payload: &'a str,
    /// Higher runs first.
    pub priority: i32,
    /// Attempts before the job is declared dead.
    pub max_attempts: i32,
    /// Not before this instant.
    pub run_at: Timestamp,
    /// When set, a second job with the same key is not enqueued (ever).
    pub dedup_key: Option<&'a str>,
}

/// A job held by a worker.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
#[diesel(table_name = jobs)]
pub struct ClaimedJob {
    /// Job id.
    pub id: i64,
    /// The creditor it works for, if any.
    pub creditor_id: Option<String>,
    /// Its kind.
    pub kind: String,
    /// Its arguments, as JSON.
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
}

/// A job that failed its last attempt, for an operator to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob {
    /// Job id.
    pub id: i64,
    /// The creditor it worked for, if any.
    pub creditor_id: Option<String>,
    /// Its kind.
    pub kind: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it died (set by every attempt that ends a job).
    pub finished_at: Option<Timestamp>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct DeadJobRow {
    id: i64,
    creditor_id: Option<String>,
    kind: String,
    attempts: i32,
    last_error: Option<String>,
    finished_at: Option<DbInstant>,
}

/// A job's life: `queued` → `running` → `done`, or back to `queued` to
/// retry, or `dead` after its last attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its `run_at`.
    Queued,
    /// Held by a worker.
    Running,
    /// Finished.
    Done,
    /// Failed its last attempt; kept for inspection.
    Dead,
}

impl JobState {
    /// All states, in life order.
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Dead,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }
}

/// Number of jobs in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting.
    pub queued: i64,
    /// Held by a worker.
    pub running: i64,
    /// Finished.
    pub done: i64,
    /// Given up.
    pub dead: i64,
}

impl JobCounts {
    pub(crate) fn from_rows(rows: Vec<(String, i64)>) -> Self {
        let mut counts = JobCounts::default();
        for (state, n) in rows {
            match state.as_str() {
                "queued" => counts.queued += n,
                "running" => counts.running += n,
                "done" => counts.done += n,
                "dead" => counts.dead += n,
                _ => {}
            }
        }
        counts
    }

    /// The count for one state.
    pub fn get(&self, state: JobState) -> i64 {
        match state {
            JobState::Queued => self.queued,
            JobState::Running => self.running,
            JobState::Done => self.done,
            JobState::Dead => self.dead,
        }
    }
}

/// A job as inserted: queued, no attempt yet.
#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
struct JobRow<'a> {
    creditor_id: Option<&'a str>,
    kind: &'a str,
    payload: &'a str,
    priority: i32,
    state: &'static str,
    attempts: i32,
    max_attempts: i32,
    run_at: DbInstant,
    dedup_key: Option<&'a str>,
    created_at: DbInstant,
}

impl<'a> JobRow<'a> {
    fn new(creditor_id: Option<&'a str>, job: &NewJob<'a>, now: Timestamp) -> Self {
        Self {
            creditor_id,
            kind: job.kind,
            payload: job.payload,
            priority: job.priority,
            state: JobState::Queued.code(),
            attempts: 0,
            max_attempts: job.max_attempts.max(1),
            run_at: job.run_at.into(),
            dedup_key: job.dedup_key,
            created_at: now.into(),
        }
    }
}

fn insert(
    conn: &mut Conn<'_>,
    creditor_id: Option<&str>,
    job: &NewJob<'_>,
    now: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let row = JobRow::new(creditor_id, job, now);
    let id: Option<i64> = on_each_engine!(conn, |c| diesel::insert_into(jobs::table)
        .values(&row)
        .on_conflict_do_nothing()
        .returning(jobs::id)
        .get_result(c)
        .optional())?;
    Ok(id)
}

impl TenantTx<'_, '_> {
    /// Enqueues a job for this creditor, in this transaction: it exists only
    /// if the change that asks for it commits. `None` when a job with the
    /// same dedup key already exists.
    pub fn enqueue_job(
        &mut self,
        job: &NewJob<'_>,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let tenant = self.tenant().to_owned();
        insert(self.conn, Some(&tenant), job, now)
    }
}

impl Store {
    /// **Platform operation.** Enqueues a job that belongs to no creditor
    /// (e.g. the daily run that then enqueues one job per creditor).
    pub fn enqueue_platform_job(
        &self,
        job: &NewJob<'_>,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        self.pools.write(|conn| insert(conn, None, job, now))
    }

    /// **Platform operation.** Enqueues many platform jobs in one
    /// transaction, with multi-row inserts (bulk scheduling). Returns how
    /// many were new (dedup keys already used are skipped).
    pub fn enqueue_platform_jobs(
        &self,
        batch: &[NewJob<'_>],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        self.pools.write(|conn| {
            let mut inserted = 0;
            for chunk in batch.chunks(500) {
                let rows: Vec<JobRow<'_>> = chunk
                    .iter()
                    .map(|job| JobRow::new(None, job, now))
                    .collect();
                inserted += on_each_engine!(conn, |c| diesel::insert_into(jobs::table)
                    .values(&rows)
                    .on_conflict_do_nothing()
                    .execute(c))?;
            }
            Ok(inserted)
        })
    }

    /// **Platform operation.** Claims up to `limit` ready jobs of any
    /// creditor for `worker`, leased until `lease_until`.
    pub fn claim_jobs(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let mut jobs: Vec<ClaimedJob> = self
            .pools
            .with_conn(|conn| lease::claim(conn, Queue::Jobs, worker, now, lease_until, limit))?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// **Platform operation.** Puts jobs whose worker died (lease expired)
    /// back in the queue, or marks them dead after their last attempt.
    /// Workers call it every so often; returns how many it touched.
    pub fn recover_expired_jobs(&self, now: Timestamp) -> Result<usize, StoreError> {
        self.pools
            .with_conn(|conn| lease::recover_expired(conn, Queue::Jobs, now))
    }

    /// Marks a claimed job done.
    pub fn complete_job(&self, id: i64, worker: &str, now: Timestamp) -> Result<(), StoreError> {
        self.pools
            .with_conn(|conn| lease::finish(conn, Queue::Jobs, id, worker, now, Outcome::Done))
    }

    /// Records a failed attempt: retried at `retry_at`, or dead when `None`.
    pub fn fail_job(
        &self,
        id: i64,
        worker: &str,
        now: Timestamp,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        self.pools.with_conn(|conn| {
            lease::finish(
                conn,
                Queue::Jobs,
                id,
                worker,
                now,
                Outcome::Failed { error, retry_at },
            )
        })
    }

    /// Extends a running job's lease (heartbeat).
    pub fn extend_job_lease(
        &self,
        id: i64,
        worker: &str,
        until: Timestamp,
    ) -> Result<(), StoreError> {
        self.pools
            .with_conn(|conn| lease::extend(conn, Queue::Jobs, id, worker, until))
    }

    /// **Platform operation.** Jobs per state, for `/metrics` and the CLI.
    pub fn job_counts(&self) -> Result<JobCounts, StoreError> {
        self.pools
            .with_conn(|conn| Ok(JobCounts::from_rows(lease::counts(conn, Queue::Jobs)?)))
    }

    /// **Platform operation.** The jobs that failed their last attempt,
    /// the latest first (`prelevo jobs dead`).
    pub fn dead_jobs(&self, limit: i64) -> Result<Vec<DeadJob>, StoreError> {
        let rows: Vec<DeadJobRow> = self.pools.with_conn::<_, StoreError>(|conn| {
            Ok(on_each_engine!(conn, |c| jobs::table
                .filter(jobs::state.eq(JobState::Dead.code()))
                .order(jobs::id.desc())
                .limit(limit)
                .select(DeadJobRow::as_select())
                .load(c))?)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| DeadJob {
                id: r.id,
                creditor_id: r.creditor_id,
                kind: r.kind,
                attempts: r.attempts,
                last_error: r.last_error,
                finished_at: r.finished_at.map(DbInstant::get),
            })
            .collect())
    }

    /// **Platform operation.** Queues a dead job again, due at `now`, with
    /// all its attempts (`prelevo jobs retry`), once what killed it is
    /// mended. Its last error stays until the next attempt. Returns whether
    /// it was dead (a job in another state is left as it is).
    pub fn retry_dead_job(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let now = DbInstant::from(now);
        self.pools.with_conn(|conn| {
            let changed = on_each_engine!(conn, |c| diesel::update(
                jobs::table
                    .filter(jobs::id.eq(id))
                    .filter(jobs::state.eq(JobState::Dead.code()))
            )
            .set((
                jobs::state.eq(JobState::Queued.code()),
                jobs::attempts.eq(0),
                jobs::run_at.eq(now),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<DbInstant>),
                jobs::finished_at.eq(None::<DbInstant>),
            ))
            .execute(c))?;
            Ok(changed == 1)
        })
    }

    /// **Platform operation.** One job's state, attempts and last error,
    /// whatever its state (`prelevo jobs dead` lists the dead ones).
    pub fn job_status(&self, id: i64) -> Result<Option<(String, i32, Option<String>)>, StoreError> {
        self.pools.with_conn(|conn| {
            Ok(on_each_engine!(conn, |c| jobs::table
                .select((jobs::state, jobs::attempts, jobs::last_error))
                .filter(jobs::id.eq(id))
                .get_result(c)
                .optional())?)
        })
    }
}
