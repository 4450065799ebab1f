//! Users: a person's identity across creditors. Memberships (per creditor,
//! with a role) are in `memberships`.

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{EmailAddress, Locale, UserId};

use crate::engine::on_each_engine;
use crate::schema::users;
use crate::sql_types::DbInstant;
use crate::{PlatformTx, StoreError};

/// A person who can log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `usr_…`
    pub id: UserId,
    /// Login and contact address, unique.
    pub email: EmailAddress,
    /// When the account was created.
    pub created_at: Timestamp,
    /// Whether a password was ever set (an invitee has none yet).
    pub has_password: bool,
    /// Preferred language, when chosen.
    pub language: Option<Locale>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    created_at: DbInstant,
    password_hash: Option<String>,
    language: Option<String>,
}

impl UserRow {
    pub(crate) fn into_domain(self) -> Result<User, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "user",
            id: self.id.clone(),
            reason,
        };
        Ok(User {
            id: UserId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            email: EmailAddress::parse(&self.email).map_err(|e| corrupt(e.to_string()))?,
            created_at: self.created_at.get(),
            has_password: self.password_hash.is_some(),
            language: self
                .language
                .as_deref()
                .map(Locale::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?,
        })
    }
}

impl PlatformTx<'_, '_> {
    /// Registers a person by email; an email already known answers the
    /// existing user (one person, one account).
    pub fn ensure_user(
        &mut self,
        email: &EmailAddress,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let fresh = UserRow {
            id: format!("usr_{}", uuid::Uuid::now_v7().simple()),
            email: email.as_str().to_owned(),
            created_at: now.into(),
            password_hash: None,
            language: None,
        };
        on_each_engine!(self.conn, |c| diesel::insert_into(users::table)
            .values(&fresh)
            .on_conflict(users::email)
            .do_nothing()
            .execute(c))?;
        self.user_by_email(email)?.ok_or(StoreError::NotFound {
            entity: "user",
            id: email.to_string(),
        })
    }

    /// The user with this email, if any.
    pub fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        Ok(self.credentials(email)?.map(|(user, _)| user))
    }

    /// The user with this id, if any.
    pub fn user(&mut self, id: &UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = on_each_engine!(self.conn, |c| users::table
            .select(UserRow::as_select())
            .filter(users::id.eq(id.as_str()))
            .get_result(c)
            .optional())?;
        row.map(UserRow::into_domain).transpose()
    }

    /// The user with this email and their password hash (PHC string), if any.
    pub fn credentials(
        &mut self,
        email: &EmailAddress,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let row: Option<UserRow> = on_each_engine!(self.conn, |c| users::table
            .select(UserRow::as_select())
            .filter(users::email.eq(email.as_str()))
            .get_result(c)
            .optional())?;
        row.map(|r| {
            let hash = r.password_hash.clone();
            r.into_domain().map(|user| (user, hash))
        })
        .transpose()
    }

    /// Replaces a user's password hash.
    pub fn set_password_hash(&mut self, user: &UserId, hash: &str) -> Result<(), StoreError> {
        let updated = on_each_engine!(self.conn, |c| diesel::update(
            users::table.filter(users::id.eq(user.as_str()))
        )
        .set(users::password_hash.eq(hash))
        .execute(c))?;
        found(updated, user)
    }

    /// Records a user's preferred language.
    pub fn set_user_language(&mut self, user: &UserId, language: Locale) -> Result<(), StoreError> {
        let updated = on_each_engine!(self.conn, |c| diesel::update(
            users::table.filter(users::id.eq(user.as_str()))
        )
        .set(users::language.eq(language.as_str()))
        .execute(c))?;
        found(updated, user)
    }
}

fn found(updated: usize, user: &UserId) -> Result<(), StoreError> {
    if updated == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            entity: "user",
            id: user.to_string(),
        })
    }
}
