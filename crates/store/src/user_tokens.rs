//! One-time links (password set/reset, invitations): only a hash of the
//! token is stored; a token is used once, before it expires.

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{CreditorKey, UserId};

use crate::engine::on_each_engine;
use crate::schema::user_tokens;
use crate::sql_types::DbInstant;
use crate::{PlatformTx, StoreError};

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Set or reset one's password.
    Password,
    /// Join a creditor's team.
    Invitation,
}

impl TokenPurpose {
    fn code(self) -> &'static str {
        match self {
            TokenPurpose::Password => "password",
            TokenPurpose::Invitation => "invitation",
        }
    }
}

/// A link that was just used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedToken {
    /// Whose link it was.
    pub user_id: UserId,
    /// The creditor it concerns (invitations).
    pub creditor_id: Option<CreditorKey>,
}

#[derive(QueryableByName)]
struct UsedRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    user_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    creditor_id: Option<String>,
}

impl PlatformTx<'_, '_> {
    /// Stores a new link's hash.
    pub fn insert_user_token(
        &mut self,
        token_hash: &str,
        purpose: TokenPurpose,
        user: &UserId,
        creditor: Option<&CreditorKey>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        on_each_engine!(self.conn, |c| diesel::insert_into(user_tokens::table)
            .values((
                user_tokens::token_hash.eq(token_hash),
                user_tokens::purpose.eq(purpose.code()),
                user_tokens::user_id.eq(user.as_str()),
                user_tokens::creditor_id.eq(creditor.map(CreditorKey::as_str)),
                user_tokens::created_at.eq(DbInstant::from(now)),
                user_tokens::expires_at.eq(DbInstant::from(expires_at)),
            ))
            .execute(c))?;
        Ok(())
    }

    /// Uses a link: marks it used and answers whose it was — once, and only
    /// before it expires. `None` for an unknown, used or expired link.
    pub fn use_user_token(
        &mut self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Result<Option<UsedToken>, StoreError> {
        let p: [&str; 4] = match self.conn {
            crate::engine::Conn::Sqlite(_) => ["?"; 4],
            crate::engine::Conn::Pg(_) => ["$1", "$2", "$3", "$4"],
        };
        let sql = format!(
            "UPDATE user_tokens SET used_at = {0} WHERE token_hash = {1} AND purpose = {2} \
             AND used_at IS NULL AND expires_at > {3} RETURNING user_id, creditor_id",
            p[0], p[1], p[2], p[3]
        );
        let now = DbInstant::from(now);
        let rows: Vec<UsedRow> = on_each_engine!(self.conn, |c| diesel::sql_query(sql.as_str())
            .bind::<crate::sql_types::UtcInstant, _>(now)
            .bind::<diesel::sql_types::Text, _>(token_hash)
            .bind::<diesel::sql_types::Text, _>(purpose.code())
            .bind::<crate::sql_types::UtcInstant, _>(now)
            .load(c))?;
        rows.into_iter()
            .next()
            .map(|row| {
                let corrupt = |reason: String| StoreError::Corrupt {
                    entity: "user token",
                    id: row.user_id.clone(),
                    reason,
                };
                Ok(UsedToken {
                    user_id: UserId::parse(&row.user_id).map_err(|e| corrupt(e.to_string()))?,
                    creditor_id: row
                        .creditor_id
                        .as_deref()
                        .map(CreditorKey::parse)
                        .transpose()
                        .map_err(|e| corrupt(e.to_string()))?,
                })
            })
            .transpose()
    }

    /// Whether the user was sent a link of `purpose`, still unused, at or
    /// after `since`.
    pub fn user_token_sent_since(
        &mut self,
        user: &UserId,
        purpose: TokenPurpose,
        since: Timestamp,
    ) -> Result<bool, StoreError> {
        let found: Option<String> = on_each_engine!(self.conn, |c| user_tokens::table
            .select(user_tokens::token_hash)
            .filter(user_tokens::user_id.eq(user.as_str()))
            .filter(user_tokens::purpose.eq(purpose.code()))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::created_at.ge(DbInstant::from(since)))
            .first(c)
            .optional())?;
        Ok(found.is_some())
    }

    /// Voids a user's unused links of one purpose (and creditor): a new link
    /// replaces the old ones.
    pub fn void_user_tokens(
        &mut self,
        user: &UserId,
        purpose: TokenPurpose,
        creditor: Option<&CreditorKey>,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let creditor = creditor.map(CreditorKey::as_str);
        Ok(on_each_engine!(self.conn, |c| {
            let mut query = diesel::update(user_tokens::table)
                .filter(user_tokens::user_id.eq(user.as_str()))
                .filter(user_tokens::purpose.eq(purpose.code()))
                .filter(user_tokens::used_at.is_null())
                .into_boxed();
            if let Some(creditor) = creditor {
                query = query.filter(user_tokens::creditor_id.eq(creditor));
            }
            query
                .set(user_tokens::used_at.eq(DbInstant::from(now)))
                .execute(c)
        })?)
    }
}
