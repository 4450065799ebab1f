//! Dashboard sessions, stored in the database so that every instance sees
//! them; only a hash of the session id (the cookie) is kept.

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{CreditorKey, UserId};

use crate::engine::on_each_engine;
use crate::schema::sessions;
use crate::sql_types::DbInstant;
use crate::{PlatformTx, StoreError};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Who is logged in.
    pub user_id: UserId,
    /// The creditor they are working on now.
    pub creditor_id: CreditorKey,
    /// The synchroniser token every state-changing form must carry.
    pub csrf_token: String,
    /// When it began (absolute expiry).
    pub created_at: Timestamp,
    /// Its last request (idle expiry).
    pub last_seen_at: Timestamp,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    user_id: String,
    creditor_id: String,
    csrf_token: String,
    created_at: DbInstant,
    last_seen_at: DbInstant,
}

impl SessionRow {
    fn into_domain(self) -> Result<SessionRecord, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "session",
            id: self.user_id.clone(),
            reason,
        };
        Ok(SessionRecord {
            user_id: UserId::parse(&self.user_id).map_err(|e| corrupt(e.to_string()))?,
            creditor_id: CreditorKey::parse(&self.creditor_id)
                .map_err(|e| corrupt(e.to_string()))?,
            csrf_token: self.csrf_token,
            created_at: self.created_at.get(),
            last_seen_at: self.last_seen_at.get(),
        })
    }
}

impl PlatformTx<'_, '_> {
    /// Opens a session.
    pub fn create_session(
        &mut self,
        id_hash: &str,
        user: &UserId,
        creditor: &CreditorKey,
        csrf_token: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let now = DbInstant::from(now);
        on_each_engine!(self.conn, |c| diesel::insert_into(sessions::table)
            .values((
                sessions::id_hash.eq(id_hash),
                sessions::user_id.eq(user.as_str()),
                sessions::creditor_id.eq(creditor.as_str()),
                sessions::csrf_token.eq(csrf_token),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
            ))
            .execute(c))?;
        Ok(())
    }

    /// The session with this id hash, if it exists.
    pub fn session(&mut self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = on_each_engine!(self.conn, |c| sessions::table
            .select(SessionRow::as_select())
            .filter(sessions::id_hash.eq(id_hash))
            .get_result(c)
            .optional())?;
        row.map(SessionRow::into_domain).transpose()
    }

    /// Records a request on the session (idle expiry starts again).
    pub fn touch_session(&mut self, id_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        on_each_engine!(self.conn, |c| diesel::update(
            sessions::table.filter(sessions::id_hash.eq(id_hash))
        )
        .set(sessions::last_seen_at.eq(DbInstant::from(now)))
        .execute(c))?;
        Ok(())
    }

    /// Moves the session to another creditor of the same user.
    pub fn switch_session_creditor(
        &mut self,
        id_hash: &str,
        creditor: &CreditorKey,
    ) -> Result<(), StoreError> {
        on_each_engine!(self.conn, |c| diesel::update(
            sessions::table.filter(sessions::id_hash.eq(id_hash))
        )
        .set(sessions::creditor_id.eq(creditor.as_str()))
        .execute(c))?;
        Ok(())
    }

    /// Ends one session (logout, expiry).
    pub fn delete_session(&mut self, id_hash: &str) -> Result<(), StoreError> {
        on_each_engine!(self.conn, |c| diesel::delete(
            sessions::table.filter(sessions::id_hash.eq(id_hash))
        )
        .execute(c))?;
        Ok(())
    }

    /// Ends every session of a user (password changed, access removed).
    pub fn delete_user_sessions(&mut self, user: &UserId) -> Result<usize, StoreError> {
        Ok(on_each_engine!(self.conn, |c| diesel::delete(
            sessions::table.filter(sessions::user_id.eq(user.as_str()))
        )
        .execute(c))?)
    }
}
