//! Idempotency keys: the first response to a POST is kept for a while and
//! replayed for the same key and body, so a client's retry never applies a
//! change twice.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::idempotency_keys;
use crate::sql_types::DbInstant;
use crate::{StoreError, TenantTx};

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// HTTP status of the first response.
    pub status: i32,
    /// Its body.
    pub body: String,
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyStart {
    /// First time: the key is now reserved; run the request, then `finish`.
    Fresh,
    /// Seen with the same body and finished: answer this again.
    Replay(IdempotencyRecord),
    /// Reserved and not answered yet: still running, or cut off before
    /// its answer was stored (the server stopped). `since` is when the key
    /// was reserved, so the caller can tell the two apart by age.
    InProgress {
        /// When the request that holds the key reserved it.
        since: Timestamp,
    },
    /// Seen with another body: refuse.
    BodyMismatch,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
struct KeyRow {
    request_hash: String,
    response_status: Option<i32>,
    response_body: Option<String>,
    created_at: DbInstant,
    expires_at: DbInstant,
}

impl TenantTx<'_, '_> {
    /// Reserves `key` for a request whose body hashes to `request_hash`, or
    /// says why not. An expired key is forgotten and reserved afresh.
    pub fn start_idempotent(
        &mut self,
        key: &str,
        request_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<IdempotencyStart, StoreError> {
        let tenant = self.tenant().to_owned();
        let existing: Option<KeyRow> = on_each_engine!(self.conn, |c| idempotency_keys::table
            .select(KeyRow::as_select())
            .filter(idempotency_keys::creditor_id.eq(&tenant))
            .filter(idempotency_keys::key.eq(key))
            .get_result(c)
            .optional())?;
        if let Some(row) = existing {
            if row.expires_at.get() > now {
                // A request still running wins over a body comparison: the
                // caller must wait for it either way.
                return Ok(match (row.response_status, row.response_body) {
                    (Some(_), Some(_)) if row.request_hash != request_hash => {
                        IdempotencyStart::BodyMismatch
                    }
                    (Some(status), Some(body)) => {
                        IdempotencyStart::Replay(IdempotencyRecord { status, body })
                    }
                    _ => IdempotencyStart::InProgress {
                        since: row.created_at.get(),
                    },
                });
            }
            on_each_engine!(self.conn, |c| diesel::delete(
                idempotency_keys::table
                    .filter(idempotency_keys::creditor_id.eq(&tenant))
                    .filter(idempotency_keys::key.eq(key))
            )
            .execute(c))?;
        }
        let inserted =
            on_each_engine!(self.conn, |c| diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::creditor_id.eq(&tenant),
                    idempotency_keys::key.eq(key),
                    idempotency_keys::request_hash.eq(request_hash),
                    idempotency_keys::created_at.eq(DbInstant::from(now)),
                    idempotency_keys::expires_at.eq(DbInstant::from(expires_at)),
                ))
                .on_conflict_do_nothing()
                .execute(c))?;
        // Zero rows: a concurrent request reserved the key between our read
        // and our insert, that is a moment ago.
        Ok(if inserted == 1 {
            IdempotencyStart::Fresh
        } else {
            IdempotencyStart::InProgress { since: now }
        })
    }

    /// Stores the response of the request that reserved `key`.
    pub fn finish_idempotent(
        &mut self,
        key: &str,
        record: &IdempotencyRecord,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let updated = on_each_engine!(self.conn, |c| diesel::update(
            idempotency_keys::table
                .filter(idempotency_keys::creditor_id.eq(&tenant))
                .filter(idempotency_keys::key.eq(key))
        )
        .set((
            idempotency_keys::response_status.eq(record.status),
            idempotency_keys::response_body.eq(&record.body),
        ))
        .execute(c))?;
        StoreError::unless_changed(updated, "idempotency key", key)
    }

    /// Forgets `key` (its request failed on the server's side and may be
    /// retried as new).
    pub fn release_idempotent(&mut self, key: &str) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::creditor_id.eq(&tenant))
                .filter(idempotency_keys::key.eq(key))
        )
        .execute(c))?;
        Ok(())
    }
}
