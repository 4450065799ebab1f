//! Leased work queues: the `jobs` and `outbox` tables share one shape
//! (state, priority, run_at, lease, attempts) and these statements.
//!
//! A worker *claims* rows: they become `running` with a lease (`locked_by`,
//! `locked_until`). It then *completes* or *fails* them while it still holds
//! the lease. A lease that runs out (the worker died) puts the row back in
//! the queue, or declares it dead when it had used its last attempt (workers
//! run that recovery every so often). On PostgreSQL the claim uses `FOR
//! UPDATE SKIP LOCKED`, so many instances never claim the same row; on
//! SQLite one writer at a time makes the single-statement claim atomic.

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use jiff::Timestamp;

use crate::StoreError;
use crate::engine::{Conn, on_each_engine};
use crate::sql_types::{DbInstant, UtcInstant};

/// The queue tables. The names are constants, never input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Queue {
    Jobs,
    Outbox,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Jobs => "jobs",
            Queue::Outbox => "outbox",
        }
    }

    fn entity(self) -> &'static str {
        match self {
            Queue::Jobs => "job",
            Queue::Outbox => "outbox message",
        }
    }
}

#[derive(QueryableByName)]
struct StateCount {
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Puts rows whose lease ran out back in the queue, or marks them dead when
/// their last attempt was the one that died.
pub(crate) fn recover_expired(
    conn: &mut Conn<'_>,
    queue: Queue,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let t = queue.table();
    let sql = |p: [&str; 1]| {
        format!(
            "UPDATE {t} SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
             last_error = 'lease expired: the worker stopped before finishing', \
             finished_at = CASE WHEN attempts >= max_attempts THEN {0} ELSE NULL END, \
             locked_by = NULL, locked_until = NULL \
             WHERE state = 'running' AND locked_until < {0}",
            p[0]
        )
    };
    let now = DbInstant::from(now);
    Ok(match conn {
        Conn::Sqlite(c) => diesel::sql_query(sql(["?"]))
            .bind::<UtcInstant, _>(now)
            .bind::<UtcInstant, _>(now)
            .execute(&mut **c)?,
        Conn::Pg(c) => diesel::sql_query(sql(["$1"]))
            .bind::<UtcInstant, _>(now)
            .execute(&mut **c)?,
    })
}

/// Claims up to `limit` ready rows for `worker` until `lease_until`,
/// highest priority first then oldest, and returns them (ordered by id).
///
/// One statement, so it needs no explicit transaction: on PostgreSQL `SKIP
/// LOCKED` lets concurrent claimers pass each other; on SQLite a write
/// statement takes the write lock before it reads.
pub(crate) fn claim<Row>(
    conn: &mut Conn<'_>,
    queue: Queue,
    worker: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<Row>, StoreError>
where
    Row: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    let t = queue.table();
    let returning = "id, creditor_id, kind, payload, attempts, max_attempts";
    let (now, until) = (DbInstant::from(now), DbInstant::from(lease_until));
    let (p, skip_locked) = match conn {
        Conn::Sqlite(_) => (["?"; 4], ""),
        Conn::Pg(_) => (["$1", "$2", "$3", "$4"], "FOR UPDATE SKIP LOCKED"),
    };
    let sql = format!(
        "UPDATE {t} SET state = 'running', locked_by = {0}, locked_until = {1}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM {t} WHERE state = 'queued' AND run_at <= {2} \
         ORDER BY priority DESC, id LIMIT {3} {skip_locked}) RETURNING {returning}",
        p[0], p[1], p[2], p[3]
    );
    Ok(on_each_engine!(conn, |c| diesel::sql_query(sql.as_str())
        .bind::<Text, _>(worker)
        .bind::<UtcInstant, _>(until)
        .bind::<UtcInstant, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c))?)
}

/// How a leased row ends (or goes back to wait).
pub(crate) enum Outcome<'a> {
    /// Finished: `done`.
    Done,
    /// Failed; `Some(at)` retries at that instant, `None` gives up (`dead`).
    Failed {
        error: &'a str,
        retry_at: Option<Timestamp>,
    },
}

/// Ends `worker`'s lease on row `id` with `outcome`. Fails with
/// [`StoreError::LeaseLost`] when the lease is no longer this worker's.
pub(crate) fn finish(
    conn: &mut Conn<'_>,
    queue: Queue,
    id: i64,
    worker: &str,
    now: Timestamp,
    outcome: Outcome<'_>,
) -> Result<(), StoreError> {
    let t = queue.table();
    let (state, error, run_at, finished_at) = match outcome {
        Outcome::Done => ("done", None, None, Some(now)),
        Outcome::Failed {
            error,
            retry_at: Some(at),
        } => ("queued", Some(error), Some(at), None),
        Outcome::Failed {
            error,
            retry_at: None,
        } => ("dead", Some(error), None, Some(now)),
    };
    let sql = |p: [&str; 6]| {
        format!(
            "UPDATE {t} SET state = {0}, last_error = COALESCE({1}, last_error), \
             run_at = COALESCE({2}, run_at), finished_at = {3}, locked_by = NULL, locked_until = NULL \
             WHERE id = {4} AND locked_by = {5} AND state = 'running'",
            p[0], p[1], p[2], p[3], p[4], p[5]
        )
    };
    let run_at = run_at.map(DbInstant::from);
    let finished_at = finished_at.map(DbInstant::from);
    let placeholders = match conn {
        Conn::Sqlite(_) => ["?"; 6],
        Conn::Pg(_) => ["$1", "$2", "$3", "$4", "$5", "$6"],
    };
    let updated = on_each_engine!(conn, |c| diesel::sql_query(sql(placeholders))
        .bind::<Text, _>(state)
        .bind::<Nullable<Text>, _>(error)
        .bind::<Nullable<UtcInstant>, _>(run_at)
        .bind::<Nullable<UtcInstant>, _>(finished_at)
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(worker)
        .execute(c))?;
    still_held(updated, queue, id)
}

/// Extends `worker`'s lease on row `id` (a heartbeat for long work).
pub(crate) fn extend(
    conn: &mut Conn<'_>,
    queue: Queue,
    id: i64,
    worker: &str,
    until: Timestamp,
) -> Result<(), StoreError> {
    let t = queue.table();
    let placeholders = match conn {
        Conn::Sqlite(_) => ["?"; 3],
        Conn::Pg(_) => ["$1", "$2", "$3"],
    };
    let sql = format!(
        "UPDATE {t} SET locked_until = {} WHERE id = {} AND locked_by = {} AND state = 'running'",
        placeholders[0], placeholders[1], placeholders[2]
    );
    let updated = on_each_engine!(conn, |c| diesel::sql_query(sql.as_str())
        .bind::<UtcInstant, _>(DbInstant::from(until))
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(worker)
        .execute(c))?;
    still_held(updated, queue, id)
}

/// A lease statement touched its row (1) or found it taken by another
/// worker or finished (0).
fn still_held(updated: usize, queue: Queue, id: i64) -> Result<(), StoreError> {
    if updated == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost {
            entity: queue.entity(),
            id,
        })
    }
}

/// Number of rows in each state.
pub(crate) fn counts(conn: &mut Conn<'_>, queue: Queue) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = format!(
        "SELECT state, COUNT(*) AS count FROM {} GROUP BY state",
        queue.table()
    );
    let rows: Vec<StateCount> = on_each_engine!(conn, |c| diesel::sql_query(sql.as_str()).load(c))?;
    Ok(rows.into_iter().map(|r| (r.state, r.count)).collect())
}
