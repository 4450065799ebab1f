//! Logging in with email and password, throttled per account and per
//! client address (PRODUCT.md §1; ThrottlePolicy in the domain).

use prelevo_domain::{Clock, CreditorKey, EmailAddress, MembershipStatus, ThrottlePolicy, UserId};
use prelevo_store::{PlatformTx, Store};

use super::audit_everywhere;
use crate::secrets::{random_hex, sha256_hex};
use crate::{AppError, passwords};

/// A login form as submitted.
#[derive(Debug, Clone)]
pub struct LoginAttempt<'a> {
    /// Email typed.
    pub email: &'a str,
    /// Password typed.
    pub password: &'a str,
    /// The client's address, for per-address throttling.
    pub client: &'a str,
}

/// A session just opened: the secret id goes in a cookie, once.
#[derive(Clone)]
pub struct SessionStart {
    /// The session's secret id (the cookie's value); only its hash is stored.
    pub session_id: String,
    /// The user.
    pub user_id: UserId,
    /// The creditor the session starts on.
    pub creditor_id: CreditorKey,
}

impl std::fmt::Debug for SessionStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStart")
            .field("user_id", &self.user_id)
            .field("creditor_id", &self.creditor_id)
            .finish_non_exhaustive()
    }
}

const WRONG: &str = "wrong email or password";

fn account_key(email: &str) -> String {
    format!("account:{}", email.to_ascii_lowercase())
}

fn address_key(client: &str) -> String {
    format!("address:{client}")
}

/// Checks the credentials and opens a session on the user's first active
/// team. Failures are counted; too many lock the account (or the address)
/// for a while, and the answer says until when.
pub fn login(
    store: &Store,
    clock: &dyn Clock,
    attempt: &LoginAttempt<'_>,
) -> Result<SessionStart, AppError> {
    let now = clock.now();
    let account = account_key(attempt.email.trim());
    let address = address_key(attempt.client);
    let (credentials, locked) = store.platform_read(|tx| {
        let locked = locked_until(tx, &account, &address, now)?;
        let credentials = match EmailAddress::parse(attempt.email) {
            Ok(email) => tx.credentials(&email)?,
            Err(_) => None,
        };
        Ok::<_, AppError>((credentials, locked))
    })?;
    if let Some(until) = locked {
        return Err(AppError::Throttled { until });
    }
    let stored_hash = credentials.as_ref().and_then(|(_, hash)| hash.as_deref());
    // Argon2 runs outside any transaction: it takes tens of milliseconds.
    let matched = passwords::verify(attempt.password, stored_hash);
    let session_id = random_hex(32)?;
    let csrf_token = random_hex(32)?;
    // The transaction commits in both cases: a failure's count and audit
    // entry must be kept, so the failure travels inside `Ok`.
    store.platform_write(|tx| {
        // Checked again where it counts: attempts racing each other wait
        // here one by one, and none gets past a lock another just set.
        tx.serialize_on(&[&account, &address])?;
        if let Some(until) = locked_until(tx, &account, &address, now)? {
            return Ok(Err(AppError::Throttled { until }));
        }
        let user = match (&credentials, matched) {
            (Some((user, _)), true) => user,
            _ => {
                return Ok(Err(record_failure(
                    tx,
                    &credentials,
                    &account,
                    &address,
                    now,
                )?));
            }
        };
        tx.clear_login_failures(&account)?;
        let memberships = tx.memberships_of(&user.id)?;
        let Some(first_active) = memberships
            .iter()
            .find(|m| m.status == MembershipStatus::Active)
            .cloned()
        else {
            return Ok(Err(AppError::Forbidden(
                "this account has no active access to any creditor".into(),
            )));
        };
        let creditor = first_active.creditor_id.clone();
        tx.create_session(
            &sha256_hex(&session_id),
            &user.id,
            &creditor,
            &csrf_token,
            now,
        )?;
        audit_everywhere(
            tx,
            &[first_active],
            &user.id,
            user.email.as_str(),
            "logged_in",
            None,
            now,
        )?;
        Ok::<_, AppError>(Ok(SessionStart {
            session_id: session_id.clone(),
            user_id: user.id.clone(),
            creditor_id: creditor,
        }))
    })?
}

/// Until when the account or the address is locked at `now`, if either is.
fn locked_until(
    tx: &mut PlatformTx<'_, '_>,
    account: &str,
    address: &str,
    now: jiff::Timestamp,
) -> Result<Option<jiff::Timestamp>, AppError> {
    Ok([
        ThrottlePolicy::PER_ACCOUNT.locked_until(tx.login_failures(account)?.as_ref(), now),
        ThrottlePolicy::PER_ADDRESS.locked_until(tx.login_failures(address)?.as_ref(), now),
    ]
    .into_iter()
    .flatten()
    .max())
}

/// Counts a failure for the account and the address, audits it in the
/// user's teams, and answers with the error to show.
fn record_failure(
    tx: &mut PlatformTx<'_, '_>,
    credentials: &Option<(prelevo_store::User, Option<String>)>,
    account: &str,
    address: &str,
    now: jiff::Timestamp,
) -> Result<AppError, AppError> {
    let by_account =
        ThrottlePolicy::PER_ACCOUNT.record_failure(tx.login_failures(account)?.as_ref(), now);
    tx.save_login_failures(account, &by_account)?;
    let by_address =
        ThrottlePolicy::PER_ADDRESS.record_failure(tx.login_failures(address)?.as_ref(), now);
    tx.save_login_failures(address, &by_address)?;
    let locked = by_account
        .locked_until
        .into_iter()
        .chain(by_address.locked_until)
        .max();
    if let Some((user, _)) = credentials {
        let memberships = tx.memberships_of(&user.id)?;
        let action = if locked.is_some() {
            "locked_out"
        } else {
            "login_failed"
        };
        audit_everywhere(
            tx,
            &memberships,
            &user.id,
            user.email.as_str(),
            action,
            None,
            now,
        )?;
    }
    Ok(match locked {
        Some(until) => AppError::Throttled { until },
        None => AppError::Unauthenticated(WRONG.into()),
    })
}
