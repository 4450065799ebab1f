//! The outbox: messages (emails, later webhooks and SMS) written in the same
//! transaction as the change that causes them, delivered after commit by a
//! worker. A crash never sends a message for a change that did not happen,
//! and a committed change never loses its message.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::lease::{self, Outcome, Queue};
use crate::schema::outbox;
use crate::sql_types::DbInstant;
use crate::{JobCounts, JobState, PlatformTx, Store, StoreError, TenantTx};

/// A message to deliver after commit.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage<'a> {
    /// Channel, e.g. `email`.
    pub kind: &'a str,
    /// The message, as JSON.
    pub payload: &'a str,
    /// Delivery attempts before it is declared dead.
    pub max_attempts: i32,
}

/// A message held by a delivery worker.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
#[diesel(table_name = outbox)]
pub struct ClaimedMessage {
    /// Message id.
    pub id: i64,
    /// The creditor whose change caused it (none for messages about a
    /// person, such as a password link).
    pub creditor_id: Option<String>,
    /// Channel.
    pub kind: String,
    /// The message, as JSON.
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
}

fn push(
    conn: &mut crate::engine::Conn<'_>,
    creditor_id: Option<&str>,
    message: &NewOutboxMessage<'_>,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let now = DbInstant::from(now);
    Ok(on_each_engine!(conn, |c| diesel::insert_into(
        outbox::table
    )
    .values((
        outbox::creditor_id.eq(creditor_id),
        outbox::kind.eq(message.kind),
        outbox::payload.eq(message.payload),
        outbox::priority.eq(0),
        outbox::state.eq("queued"),
        outbox::attempts.eq(0),
        outbox::max_attempts.eq(message.max_attempts.max(1)),
        outbox::run_at.eq(now),
        outbox::created_at.eq(now),
    ))
    .returning(outbox::id)
    .get_result(c))?)
}

impl PlatformTx<'_, '_> {
    /// Adds a message about a person (no creditor) to deliver once this
    /// transaction commits.
    pub fn push_outbox(
        &mut self,
        message: &NewOutboxMessage<'_>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        push(self.conn, None, message, now)
    }
}

impl TenantTx<'_, '_> {
    /// Adds a message to deliver once this transaction commits.
    pub fn push_outbox(
        &mut self,
        message: &NewOutboxMessage<'_>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let tenant = self.tenant().to_owned();
        push(self.conn, Some(&tenant), message, now)
    }
}

impl Store {
    /// **Platform operation.** Claims up to `limit` messages ready to send.
    pub fn claim_outbox(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let mut messages: Vec<ClaimedMessage> = self
            .pools
            .with_conn(|conn| lease::claim(conn, Queue::Outbox, worker, now, lease_until, limit))?;
        messages.sort_by_key(|m| m.id);
        Ok(messages)
    }

    /// **Platform operation.** Puts messages whose sender died back in the
    /// queue (see [`Store::recover_expired_jobs`]).
    pub fn recover_expired_outbox(&self, now: Timestamp) -> Result<usize, StoreError> {
        self.pools
            .with_conn(|conn| lease::recover_expired(conn, Queue::Outbox, now))
    }

    /// Renews the lease on a message this worker holds; `LeaseLost` when
    /// another worker took it back.
    pub fn extend_outbox_lease(
        &self,
        id: i64,
        worker: &str,
        until: Timestamp,
    ) -> Result<(), StoreError> {
        self.pools
            .with_conn(|conn| lease::extend(conn, Queue::Outbox, id, worker, until))
    }

    /// Marks a message delivered and keeps `kept` as its payload from now
    /// on: what is worth keeping of a sent message (its recipient and
    /// subject), never what it carried (a one-time link in a body must not
    /// outlive the send in the database). One transaction: a message is
    /// never left done with what it carried still stored.
    pub fn mark_outbox_sent(
        &self,
        id: i64,
        worker: &str,
        now: Timestamp,
        kept: &str,
    ) -> Result<(), StoreError> {
        self.pools.write(|conn| {
            lease::finish(conn, Queue::Outbox, id, worker, now, Outcome::Done)?;
            on_each_engine!(conn, |c| diesel::update(
                outbox::table
                    .filter(outbox::id.eq(id))
                    .filter(outbox::state.eq(JobState::Done.code()))
            )
            .set(outbox::payload.eq(kept))
            .execute(c))?;
            Ok(())
        })
    }

    /// **Platform operation.** A message's state and payload, for
    /// inspection.
    pub fn outbox_message(&self, id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.pools.with_conn(|conn| {
            Ok(on_each_engine!(conn, |c| outbox::table
                .select((outbox::state, outbox::payload))
                .filter(outbox::id.eq(id))
                .get_result(c)
                .optional())?)
        })
    }

    /// Records a failed delivery: retried at `retry_at`, or dead when `None`.
    pub fn fail_outbox(
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
                Queue::Outbox,
                id,
                worker,
                now,
                Outcome::Failed { error, retry_at },
            )
        })
    }

    /// **Platform operation.** Messages per state (`done` = delivered).
    pub fn outbox_counts(&self) -> Result<JobCounts, StoreError> {
        self.pools
            .with_conn(|conn| Ok(JobCounts::from_rows(lease::counts(conn, Queue::Outbox)?)))
    }
}
