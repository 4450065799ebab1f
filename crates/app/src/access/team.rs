//! The team of a creditor: the first administrator (CLI), invitations,
//! roles, deactivation. The team always keeps an active administrator.

use prelevo_domain::{
    Clock, CreditorKey, EmailAddress, INVITATION_TTL, MembershipEvent, MembershipStatus,
    NewPassword, Role, UserId,
};
use prelevo_store::{Actor, Member, PlatformTx, Store, TenantStore, TokenPurpose};
use serde::Serialize;

use crate::audit::{Change, record};
use crate::emails;
use crate::outbox::queue_email;
use crate::secrets::{random_hex, sha256_hex};
use crate::{AppError, passwords};

/// What the audit log keeps of a member.
#[derive(Serialize)]
struct MemberSnapshot<'a> {
    email: &'a str,
    role: &'a str,
    status: &'a str,
}

fn snapshot(member: &Member) -> MemberSnapshot<'_> {
    MemberSnapshot {
        email: member.user.email.as_str(),
        role: member.role.as_str(),
        status: member.status.as_str(),
    }
}

fn audit_member(
    tx: &mut PlatformTx<'_, '_>,
    creditor: &CreditorKey,
    actor: &Actor,
    action: &str,
    before: Option<&Member>,
    after: &Member,
    at: jiff::Timestamp,
) -> Result<(), AppError> {
    let before = before.map(snapshot);
    let after_snapshot = snapshot(after);
    record(
        &mut tx.tenant(creditor),
        actor,
        &Change {
            entity: "member",
            entity_id: after.user.id.as_str(),
            action,
            before: before.as_ref(),
            after: Some(&after_snapshot),
        },
        at,
    )
}

fn parse_email(email: &str) -> Result<EmailAddress, AppError> {
    EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e))
}

fn member_of(
    tx: &mut PlatformTx<'_, '_>,
    creditor: &CreditorKey,
    user: &UserId,
) -> Result<Member, AppError> {
    tx.tenant(creditor)
        .member(user)?
        .ok_or_else(|| AppError::NotFound(format!("{user} is not a member of this team")))
}

/// Refuses a change that would leave the team without an active admin.
fn keep_an_admin(
    tx: &mut PlatformTx<'_, '_>,
    creditor: &CreditorKey,
    changing: &UserId,
) -> Result<(), AppError> {
    let others = tx
        .tenant(creditor)
        .members()?
        .into_iter()
        .filter(|m| &m.user.id != changing)
        .any(|m| m.role == Role::Admin && m.status == MembershipStatus::Active);
    if others {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the team must keep at least one active administrator".into(),
        ))
    }
}

/// Makes `email` an active administrator of `creditor` (the installation's
/// operator, on the command line). Prints and returns nothing secret: the
/// person sets a password with "set or reset my password".
pub fn create_admin(
    store: &Store,
    clock: &dyn Clock,
    creditor: &CreditorKey,
    email: &str,
) -> Result<Member, AppError> {
    let email = parse_email(email)?;
    let now = clock.now();
    store.platform_write(|tx| {
        let user = tx.ensure_user(&email, now)?;
        let before = tx.tenant(creditor).member(&user.id)?;
        if before.is_some() {
            tx.tenant(creditor).save_member(
                &user.id,
                Role::Admin,
                MembershipStatus::Active,
                now,
            )?;
        } else {
            tx.tenant(creditor)
                .add_member(&user.id, Role::Admin, MembershipStatus::Active, now)?;
        }
        let after = member_of(tx, creditor, &user.id)?;
        audit_member(
            tx,
            creditor,
            &Actor::Cli,
            "admin_created",
            before.as_ref(),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// Sends a fresh invitation link (7 days) to an invited member.
fn send_invitation(
    tx: &mut PlatformTx<'_, '_>,
    creditor: &CreditorKey,
    member: &Member,
    base_url: &str,
    now: jiff::Timestamp,
) -> Result<(), AppError> {
    let token = random_hex(32)?;
    tx.void_user_tokens(
        &member.user.id,
        TokenPurpose::Invitation,
        Some(creditor),
        now,
    )?;
    tx.insert_user_token(
        &sha256_hex(&token),
        TokenPurpose::Invitation,
        &member.user.id,
        Some(creditor),
        now,
        now + INVITATION_TTL,
    )?;
    let mut tenant = tx.tenant(creditor);
    let profile = tenant.creditor()?;
    let link = format!("{}/invitation/{token}", base_url.trim_end_matches('/'));
    let language = member.user.language.unwrap_or(profile.language);
    let email = emails::invitation(
        member.user.email.as_str(),
        profile.name.as_str(),
        &link,
        language,
    );
    queue_email(&mut tenant, &email, now)?;
    Ok(())
}

/// Invites `email` into the team with `role`: an invitation link is
/// emailed (7 days). A person already in the team is refused.
pub fn invite_member(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    email: &str,
    role: Role,
    base_url: &str,
) -> Result<Member, AppError> {
    let email = parse_email(email)?;
    let now = clock.now();
    store.platform_write(|tx| {
        let user = tx.ensure_user(&email, now)?;
        if tx.tenant(creditor).member(&user.id)?.is_some() {
            return Err(AppError::Conflict(format!(
                "{email} is already in the team"
            )));
        }
        tx.tenant(creditor)
            .add_member(&user.id, role, MembershipStatus::Invited, now)?;
        let member = member_of(tx, creditor, &user.id)?;
        send_invitation(tx, creditor, &member, base_url, now)?;
        audit_member(tx, creditor, actor, "invited", None, &member, now)?;
        Ok(member)
    })
}

/// Applies a membership event (and optionally a new role), audited.
struct MemberChange<'a> {
    event: Option<MembershipEvent>,
    role: Option<Role>,
    action: &'a str,
    /// Send a new invitation link, with this base URL.
    invite_from: Option<&'a str>,
}

fn change_member(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    user: &UserId,
    change: &MemberChange<'_>,
) -> Result<Member, AppError> {
    let now = clock.now();
    let (event, role, action) = (change.event, change.role, change.action);
    store.platform_write(|tx| {
        let before = member_of(tx, creditor, user)?;
        let status = match event {
            Some(event) => before
                .status
                .apply(event)
                .map_err(|e| AppError::Conflict(e.to_string()))?,
            None => before.status,
        };
        let role = role.unwrap_or(before.role);
        let leaves_admins = before.role == Role::Admin
            && before.status == MembershipStatus::Active
            && (role != Role::Admin || status != MembershipStatus::Active);
        if leaves_admins {
            // Two admins demoting each other at once: the second waits and
            // sees the first's change.
            tx.serialize_on(&[&format!("team:{creditor}")])?;
            keep_an_admin(tx, creditor, user)?;
        }
        tx.tenant(creditor).save_member(user, role, status, now)?;
        if status == MembershipStatus::Deactivated {
            tx.delete_user_sessions(user)?;
        }
        let after = member_of(tx, creditor, user)?;
        if let Some(base_url) = change.invite_from {
            send_invitation(tx, creditor, &after, base_url, now)?;
        }
        audit_member(tx, creditor, actor, action, Some(&before), &after, now)?;
        Ok(after)
    })
}

/// Gives a member another role.
pub fn change_role(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    user: &UserId,
    role: Role,
) -> Result<Member, AppError> {
    change_member(
        store,
        clock,
        actor,
        creditor,
        user,
        &MemberChange {
            event: None,
            role: Some(role),
            action: "role_changed",
            invite_from: None,
        },
    )
}

/// Removes a member's access (their sessions end at once).
pub fn deactivate_member(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    user: &UserId,
) -> Result<Member, AppError> {
    change_member(
        store,
        clock,
        actor,
        creditor,
        user,
        &MemberChange {
            event: Some(MembershipEvent::Deactivate),
            role: None,
            action: "deactivated",
            invite_from: None,
        },
    )
}

/// Gives a deactivated member their access back.
pub fn reactivate_member(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    user: &UserId,
) -> Result<Member, AppError> {
    change_member(
        store,
        clock,
        actor,
        creditor,
        user,
        &MemberChange {
            event: Some(MembershipEvent::Reactivate),
            role: None,
            action: "reactivated",
            invite_from: None,
        },
    )
}

/// Sends an invited member a new link (the old ones stop working).
pub fn resend_invitation(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    user: &UserId,
    base_url: &str,
) -> Result<Member, AppError> {
    change_member(
        store,
        clock,
        actor,
        creditor,
        user,
        &MemberChange {
            event: Some(MembershipEvent::Resend),
            role: None,
            action: "invitation_resent",
            invite_from: Some(base_url),
        },
    )
}

/// Accepts an invitation: the membership becomes active and the password
/// is set. Answers who and where, to open a session.
pub fn accept_invitation(
    store: &Store,
    clock: &dyn Clock,
    token: &str,
    password: &str,
) -> Result<(UserId, CreditorKey), AppError> {
    let password = NewPassword::parse(password).map_err(|e| AppError::invalid("password", e))?;
    let hash = passwords::hash(&password)?;
    let now = clock.now();
    let invalid =
        || AppError::Unauthenticated("this invitation is invalid, expired or already used".into());
    store.platform_write(|tx| {
        let used = tx
            .use_user_token(&sha256_hex(token), TokenPurpose::Invitation, now)?
            .ok_or_else(invalid)?;
        let creditor = used.creditor_id.ok_or_else(invalid)?;
        let before = member_of(tx, &creditor, &used.user_id)?;
        let status = before
            .status
            .apply(MembershipEvent::Accept)
            .map_err(|_| invalid())?;
        tx.tenant(&creditor)
            .save_member(&used.user_id, before.role, status, now)?;
        tx.set_password_hash(&used.user_id, &hash)?;
        // As a password reset does: a session opened with the former
        // password (an account already in another team) ends with it.
        tx.delete_user_sessions(&used.user_id)?;
        let after = member_of(tx, &creditor, &used.user_id)?;
        let actor = Actor::User(used.user_id.to_string());
        audit_member(
            tx,
            &creditor,
            &actor,
            "invitation_accepted",
            Some(&before),
            &after,
            now,
        )?;
        Ok((used.user_id, creditor))
    })
}

/// The team of the handle's creditor.
pub fn team(tenant: &TenantStore) -> Result<Vec<Member>, AppError> {
    tenant.read(|tx| Ok(tx.members()?))
}
