//! Team access: logging in, sessions, password links, the team and its
//! roles, API keys (PRODUCT.md §1). Every security-relevant event is
//! audited in the creditor(s) concerned.

mod api_keys;
mod login;
mod password_links;
mod sessions;
mod team;
mod verified_keys;

pub use api_keys::{
    ApiPrincipal, CreatedApiKey, authenticate_api_key, create_api_key, list_api_keys,
    revoke_api_key,
};
pub use login::{LoginAttempt, SessionStart, login};
pub use password_links::{request_password_link, set_password_with_link};
pub use sessions::{ActiveSession, logout, session_for, switch_creditor};
pub use team::{
    accept_invitation, change_role, create_admin, deactivate_member, invite_member,
    reactivate_member, resend_invitation, team,
};
pub use verified_keys::{BearerDigest, VerifiedKeys, Verifying};

use prelevo_domain::UserId;
use prelevo_store::{Actor, Membership, PlatformTx};
use serde::Serialize;

use crate::AppError;
use crate::audit::{Change, record};

/// What the audit log keeps of an access event about a person.
#[derive(Serialize)]
struct AccessEvent<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// Records an event about `user` in the audit log of every team they
/// belong to (in the same transaction).
fn audit_everywhere(
    tx: &mut PlatformTx<'_, '_>,
    memberships: &[Membership],
    user: &UserId,
    email: &str,
    action: &str,
    detail: Option<&str>,
    at: jiff::Timestamp,
) -> Result<(), AppError> {
    let event = AccessEvent { email, detail };
    for membership in memberships {
        record(
            &mut tx.tenant(&membership.creditor_id),
            &Actor::User(user.to_string()),
            &Change {
                entity: "user",
                entity_id: user.as_str(),
                action,
                before: None,
                after: Some(&event),
            },
            at,
        )?;
    }
    Ok(())
}
