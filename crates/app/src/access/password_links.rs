//! "Set or reset my password": a one-time link by email (30 minutes, used
//! once), and setting the password through it.

use prelevo_domain::{
    Clock, EmailAddress, Locale, MembershipStatus, NewPassword, PASSWORD_LINK_TTL, UserId,
};
use prelevo_store::{Store, TokenPurpose};

use super::audit_everywhere;
use crate::emails;
use crate::outbox::queue_platform_email;
use crate::secrets::{random_hex, sha256_hex};
use crate::{AppError, passwords};

/// The least time between two links sent to one person.
const LINK_REQUEST_PAUSE: jiff::SignedDuration = jiff::SignedDuration::from_mins(1);

/// Emails a one-time link to `email` when it belongs to a member of some
/// team; answers the same whether it does or not (no account probing).
pub fn request_password_link(
    store: &Store,
    clock: &dyn Clock,
    email: &str,
    base_url: &str,
) -> Result<(), AppError> {
    let email = EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e))?;
    let token = random_hex(32)?;
    let now = clock.now();
    store.platform_write(|tx| {
        let Some(user) = tx.user_by_email(&email)? else {
            return Ok(());
        };
        let memberships = tx.memberships_of(&user.id)?;
        if memberships
            .iter()
            .all(|m| m.status == MembershipStatus::Deactivated)
        {
            return Ok(());
        }
        // One link a minute: asking again at once (or someone else asking
        // in a loop) neither voids the link just sent nor floods the inbox.
        if tx.user_token_sent_since(&user.id, TokenPurpose::Password, now - LINK_REQUEST_PAUSE)? {
            return Ok(());
        }
        tx.void_user_tokens(&user.id, TokenPurpose::Password, None, now)?;
        tx.insert_user_token(
            &sha256_hex(&token),
            TokenPurpose::Password,
            &user.id,
            None,
            now,
            now + PASSWORD_LINK_TTL,
        )?;
        let link = format!("{}/password/{token}", base_url.trim_end_matches('/'));
        let language = user.language.unwrap_or(Locale::Fr);
        queue_platform_email(
            tx,
            &emails::password_link(email.as_str(), &link, language),
            now,
        )?;
        audit_everywhere(
            tx,
            &memberships,
            &user.id,
            email.as_str(),
            "password_link_sent",
            None,
            now,
        )
    })
}

/// Sets a new password through a link from [`request_password_link`]; ends
/// the user's other sessions. A short password is refused before the link
/// is used, so the user can try again with the same link.
pub fn set_password_with_link(
    store: &Store,
    clock: &dyn Clock,
    token: &str,
    password: &str,
) -> Result<UserId, AppError> {
    let password = NewPassword::parse(password).map_err(|e| AppError::invalid("password", e))?;
    let hash = passwords::hash(&password)?;
    let now = clock.now();
    store.platform_write(|tx| {
        let used = tx
            .use_user_token(&sha256_hex(token), TokenPurpose::Password, now)?
            .ok_or_else(|| {
                AppError::Unauthenticated("this link is invalid, expired or already used".into())
            })?;
        let user = tx.user(&used.user_id)?.ok_or_else(|| {
            AppError::Unauthenticated("this link is invalid, expired or already used".into())
        })?;
        tx.set_password_hash(&user.id, &hash)?;
        tx.delete_user_sessions(&user.id)?;
        let memberships = tx.memberships_of(&user.id)?;
        audit_everywhere(
            tx,
            &memberships,
            &user.id,
            user.email.as_str(),
            "password_set",
            None,
            now,
        )?;
        Ok(user.id)
    })
}
