//! Memberships: which users belong to a creditor's team, with which role.

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{CreditorKey, MembershipStatus, Role, UserId};

use crate::engine::on_each_engine;
use crate::schema::{creditors, memberships, users};
use crate::sql_types::DbInstant;
use crate::users::UserRow;
use crate::{PlatformTx, StoreError, TenantTx, User};

/// A member of this creditor's team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The person.
    pub user: User,
    /// Their role here.
    pub role: Role,
    /// Invited, active or deactivated.
    pub status: MembershipStatus,
    /// When they were added.
    pub created_at: Timestamp,
    /// When their role or status last changed.
    pub updated_at: Timestamp,
}

/// One of a user's creditors, for the creditor switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The creditor.
    pub creditor_id: CreditorKey,
    /// Its name.
    pub creditor_name: String,
    /// The user's role there.
    pub role: Role,
    /// The membership's state.
    pub status: MembershipStatus,
}

fn decode_role_status(
    role: &str,
    status: &str,
    id: &str,
) -> Result<(Role, MembershipStatus), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        entity: "membership",
        id: id.to_owned(),
        reason,
    };
    let role = Role::parse(role).map_err(|e| corrupt(e.to_string()))?;
    let status = MembershipStatus::parse(status)
        .ok_or_else(|| corrupt(format!("unknown status '{status}'")))?;
    Ok((role, status))
}

type MemberRow = (UserRow, String, String, DbInstant, DbInstant);

fn into_member(
    (user, role, status, created_at, updated_at): MemberRow,
) -> Result<Member, StoreError> {
    let user = user.into_domain()?;
    let (role, status) = decode_role_status(&role, &status, user.id.as_str())?;
    Ok(Member {
        user,
        role,
        status,
        created_at: created_at.get(),
        updated_at: updated_at.get(),
    })
}

/// A tenant's members joined with their users, written once and expanded
/// inside each engine's arm.
macro_rules! team_of {
    ($tenant:expr) => {
        memberships::table
            .inner_join(users::table)
            .select((
                UserRow::as_select(),
                memberships::role,
                memberships::status,
                memberships::created_at,
                memberships::updated_at,
            ))
            .filter(memberships::creditor_id.eq($tenant))
    };
}

impl TenantTx<'_, '_> {
    /// Adds a user to this creditor's team.
    pub fn add_member(
        &mut self,
        user: &UserId,
        role: Role,
        status: MembershipStatus,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let now = DbInstant::from(now);
        on_each_engine!(self.conn, |c| diesel::insert_into(memberships::table)
            .values((
                memberships::creditor_id.eq(&tenant),
                memberships::user_id.eq(user.as_str()),
                memberships::role.eq(role.as_str()),
                memberships::status.eq(status.as_str()),
                memberships::created_at.eq(now),
                memberships::updated_at.eq(now),
            ))
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "member",
            format!("{user} is already a member of this team"),
        ))?;
        Ok(())
    }

    /// A member of this creditor's team, if the user is one.
    pub fn member(&mut self, user: &UserId) -> Result<Option<Member>, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<MemberRow> = on_each_engine!(self.conn, |c| team_of!(&tenant)
            .filter(memberships::user_id.eq(user.as_str()))
            .get_result(c)
            .optional())?;
        row.map(into_member).transpose()
    }

    /// This creditor's team, by email.
    pub fn members(&mut self) -> Result<Vec<Member>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<MemberRow> =
            on_each_engine!(self.conn, |c| team_of!(&tenant).order(users::email).load(c))?;
        rows.into_iter().map(into_member).collect()
    }

    /// Saves a member's role and status.
    pub fn save_member(
        &mut self,
        user: &UserId,
        role: Role,
        status: MembershipStatus,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let updated = on_each_engine!(self.conn, |c| diesel::update(
            memberships::table
                .filter(memberships::creditor_id.eq(&tenant))
                .filter(memberships::user_id.eq(user.as_str()))
        )
        .set((
            memberships::role.eq(role.as_str()),
            memberships::status.eq(status.as_str()),
            memberships::updated_at.eq(DbInstant::from(now)),
        ))
        .execute(c))?;
        StoreError::unless_changed(updated, "member", user)
    }
}

impl PlatformTx<'_, '_> {
    /// Every creditor a user belongs to (any status), by creditor name.
    pub fn memberships_of(&mut self, user: &UserId) -> Result<Vec<Membership>, StoreError> {
        let rows: Vec<(String, String, String, String)> =
            on_each_engine!(self.conn, |c| memberships::table
                .inner_join(creditors::table)
                .select((
                    memberships::creditor_id,
                    creditors::name,
                    memberships::role,
                    memberships::status,
                ))
                .filter(memberships::user_id.eq(user.as_str()))
                .order(creditors::name)
                .load(c))?;
        rows.into_iter()
            .map(|(creditor_id, creditor_name, role, status)| {
                let (role, status) = decode_role_status(&role, &status, &creditor_id)?;
                Ok(Membership {
                    creditor_id: CreditorKey::parse(&creditor_id).map_err(|e| {
                        StoreError::Corrupt {
                            entity: "membership",
                            id: creditor_id.clone(),
                            reason: e.to_string(),
                        }
                    })?,
                    creditor_name,
                    role,
                    status,
                })
            })
            .collect()
    }
}
