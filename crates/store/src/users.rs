//! Users: a person's identity across creditors (memberships and roles
//! link them to creditors).

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{EmailAddress, UserId};

use crate::engine::on_each_engine;
use crate::schema::users;
use crate::sql_types::DbInstant;
use crate::{Store, StoreError};

/// A person who can log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `usr_…`
    pub id: UserId,
    /// Login and contact address, unique.
    pub email: EmailAddress,
    /// When the account was created.
    pub created_at: Timestamp,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    email: String,
    created_at: DbInstant,
}

impl UserRow {
    fn into_domain(self) -> Result<User, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "user",
            id: self.id.clone(),
            reason,
        };
        Ok(User {
            id: UserId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            email: EmailAddress::parse(&self.email).map_err(|e| corrupt(e.to_string()))?,
            created_at: self.created_at.get(),
        })
    }
}

impl Store {
    /// **Platform operation.** Registers a person by email; an email already
    /// known answers the existing user (one person, one account).
    pub fn ensure_user(&self, email: &EmailAddress, now: Timestamp) -> Result<User, StoreError> {
        let fresh = UserRow {
            id: format!("usr_{}", uuid::Uuid::now_v7().simple()),
            email: email.as_str().to_owned(),
            created_at: now.into(),
        };
        let row: UserRow = self.pools.write(|conn| {
            on_each_engine!(conn, |c| {
                diesel::insert_into(users::table)
                    .values(&fresh)
                    .on_conflict(users::email)
                    .do_nothing()
                    .execute(c)?;
                users::table
                    .select(UserRow::as_select())
                    .filter(users::email.eq(email.as_str()))
                    .first(c)
            })
            .map_err(StoreError::from)
        })?;
        row.into_domain()
    }

    /// **Platform operation.** The user with this email, if any.
    pub fn find_user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = self.pools.with_conn(|conn| {
            Ok::<_, StoreError>(on_each_engine!(conn, |c| users::table
                .select(UserRow::as_select())
                .filter(users::email.eq(email.as_str()))
                .first(c)
                .optional())?)
        })?;
        row.map(UserRow::into_domain).transpose()
    }
}
