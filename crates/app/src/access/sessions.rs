//! Dashboard sessions: who is behind a cookie, on which creditor, with
//! which role; idle and absolute expiry from the domain's SessionPolicy.

use jiff::SignedDuration;
use prelevo_domain::{Clock, CreditorKey, MembershipStatus, Role, SessionPolicy};
use prelevo_store::{Store, User};

use crate::AppError;
use crate::secrets::sha256_hex;

/// A valid session, resolved for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    /// Who.
    pub user: User,
    /// The creditor they work on now.
    pub creditor_id: CreditorKey,
    /// Their role there.
    pub role: Role,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
}

/// Last-seen times are written at most once a minute per session.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// The session behind `session_id`, if it is still valid and its user
/// still an active member of its creditor; an expired one is deleted.
pub fn session_for(
    store: &Store,
    clock: &dyn Clock,
    session_id: &str,
) -> Result<Option<ActiveSession>, AppError> {
    let now = clock.now();
    let id_hash = sha256_hex(session_id);
    // Reads first: most requests change nothing, and a write transaction
    // per page would serialise every request on SQLite.
    let found = store.platform_read(|tx| {
        let Some(session) = tx.session(&id_hash)? else {
            return Ok::<_, AppError>(None);
        };
        let member = tx.tenant(&session.creditor_id).member(&session.user_id)?;
        Ok(Some((session, member)))
    })?;
    let Some((session, member)) = found else {
        return Ok(None);
    };
    let alive = SessionPolicy::DEFAULT.is_alive(session.created_at, session.last_seen_at, now);
    let active = member.filter(|m| m.status == MembershipStatus::Active && alive);
    let Some(member) = active else {
        store.platform_write(|tx| Ok::<_, AppError>(tx.delete_session(&id_hash)?))?;
        return Ok(None);
    };
    if now >= session.last_seen_at + TOUCH_EVERY {
        store.platform_write(|tx| Ok::<_, AppError>(tx.touch_session(&id_hash, now)?))?;
    }
    Ok(Some(ActiveSession {
        user: member.user,
        creditor_id: session.creditor_id,
        role: member.role,
        csrf_token: session.csrf_token,
    }))
}

/// Ends the session behind `session_id`.
pub fn logout(store: &Store, session_id: &str) -> Result<(), AppError> {
    store.platform_write(|tx| Ok(tx.delete_session(&sha256_hex(session_id))?))
}

/// Moves the session to another creditor where the user is an active member.
pub fn switch_creditor(
    store: &Store,
    session: &ActiveSession,
    session_id: &str,
    creditor: &CreditorKey,
) -> Result<(), AppError> {
    store.platform_write(|tx| {
        let member = tx.tenant(creditor).member(&session.user.id)?;
        if member.is_none_or(|m| m.status != MembershipStatus::Active) {
            return Err(AppError::Forbidden(
                "you are not an active member of that creditor".into(),
            ));
        }
        Ok(tx.switch_session_creditor(&sha256_hex(session_id), creditor)?)
    })
}
