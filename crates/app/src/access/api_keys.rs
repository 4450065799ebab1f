//! API keys: created by an administrator (dashboard or CLI), shown once,
//! stored as a hash, scoped read or write, revocable, optionally expiring.

use jiff::Timestamp;
use prelevo_domain::{ApiScope, Clock, CreditorKey, Environment};
use prelevo_store::{Actor, ApiKeyRecord, NewApiKey, Store, TenantStore};
use serde::Serialize;

use crate::AppError;
use crate::audit::{Change, record};
use crate::secrets::{constant_time_eq, random_hex, sha256_hex};

/// A key just created: the secret is in `secret`, this once.
#[derive(Clone)]
pub struct CreatedApiKey {
    /// The stored key (without its secret).
    pub record: ApiKeyRecord,
    /// The whole key, to show once.
    pub secret: String,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

/// Who is calling the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPrincipal {
    /// The key's id.
    pub key_id: String,
    /// The creditor it acts for.
    pub creditor_id: CreditorKey,
    /// What it may do.
    pub scope: ApiScope,
    /// When the key stops working by itself, if ever.
    pub expires_at: Option<Timestamp>,
}

/// Public characters after the environment prefix: enough to find the key
/// (48 random bits), shown in lists.
const PUBLIC_CHARS: usize = 12;

/// What the audit log keeps of a key (never its secret or hash).
#[derive(Serialize)]
struct KeySnapshot<'a> {
    name: &'a str,
    scope: &'a str,
    prefix: &'a str,
    expires_at: Option<Timestamp>,
    revoked_at: Option<Timestamp>,
}

fn snapshot(key: &ApiKeyRecord) -> KeySnapshot<'_> {
    KeySnapshot {
        name: &key.name,
        scope: key.scope.as_str(),
        prefix: &key.prefix,
        expires_at: key.expires_at,
        revoked_at: key.revoked_at,
    }
}

fn check_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 80 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "must be 1 to 80 characters, without line breaks",
        ));
    }
    Ok(name)
}

/// Creates a key for `creditor`. The secret is returned once and never
/// stored: only its SHA-256 is.
#[expect(
    clippy::too_many_arguments,
    reason = "each is a distinct input of the form"
)]
pub fn create_api_key(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    creditor: &CreditorKey,
    environment: Environment,
    name: &str,
    scope: ApiScope,
    expires_at: Option<Timestamp>,
) -> Result<CreatedApiKey, AppError> {
    let name = check_name(name)?;
    let now = clock.now();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid("expires_at", "must be in the future"));
    }
    let secret = format!("{}{}", environment.api_key_prefix(), random_hex(24)?);
    let prefix_len = environment.api_key_prefix().len() + PUBLIC_CHARS;
    let prefix = secret.get(..prefix_len).unwrap_or(&secret).to_owned();
    let created_by = match actor {
        Actor::User(id) | Actor::ApiKey(id) => id.clone(),
        Actor::Cli => "cli".to_owned(),
        Actor::System => "system".to_owned(),
    };
    let tenant = store.tenant(creditor.clone());
    let record = tenant.write(|tx| {
        let key = tx.insert_api_key(
            &NewApiKey {
                name,
                scope,
                prefix: &prefix,
                secret_hash: &sha256_hex(&secret),
                expires_at,
                created_by: Some(&created_by),
            },
            now,
        )?;
        let after = snapshot(&key);
        record(
            tx,
            actor,
            &Change {
                entity: "api_key",
                entity_id: &key.id,
                action: "created",
                before: None,
                after: Some(&after),
            },
            now,
        )?;
        Ok::<_, AppError>(key)
    })?;
    Ok(CreatedApiKey { record, secret })
}

/// This creditor's keys, newest first.
pub fn list_api_keys(tenant: &TenantStore) -> Result<Vec<ApiKeyRecord>, AppError> {
    tenant.read(|tx| Ok(tx.api_keys()?))
}

/// Revokes one of this creditor's keys; it stops working at once.
pub fn revoke_api_key(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    key_id: &str,
) -> Result<ApiKeyRecord, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let key = tx.revoke_api_key(key_id, now)?;
        let after = snapshot(&key);
        record(
            tx,
            actor,
            &Change {
                entity: "api_key",
                entity_id: &key.id,
                action: "revoked",
                before: None,
                after: Some(&after),
            },
            now,
        )?;
        Ok(key)
    })
}

/// The principal behind a bearer key, or why it is refused.
pub fn authenticate_api_key(
    store: &Store,
    clock: &dyn Clock,
    bearer: &str,
) -> Result<ApiPrincipal, AppError> {
    let refused =
        || AppError::Unauthenticated("the API key is missing, unknown, revoked or expired".into());
    let bearer = bearer.trim();
    let prefix_len = ["pk_test_", "pk_live_"]
        .iter()
        .find(|p| bearer.starts_with(**p))
        .map(|p| p.len() + PUBLIC_CHARS)
        .ok_or_else(refused)?;
    let prefix = bearer.get(..prefix_len).ok_or_else(refused)?;
    let key = store.api_key_by_prefix(prefix)?.ok_or_else(refused)?;
    let now = clock.now();
    let why_not = if !constant_time_eq(&key.secret_hash, &sha256_hex(bearer)) {
        Some("wrong secret")
    } else if key.revoked_at.is_some() {
        Some("revoked")
    } else if key.expires_at.is_some_and(|at| now >= at) {
        Some("expired")
    } else {
        None
    };
    if let Some(reason) = why_not {
        // A known key refused is security-relevant: its creditor's log says so.
        store.tenant(key.creditor_id.clone()).write(|tx| {
            record(
                tx,
                &Actor::System,
                &Change {
                    entity: "api_key",
                    entity_id: &key.id,
                    action: "refused",
                    before: None,
                    after: Some(&serde_json::json!({ "prefix": key.prefix, "reason": reason })),
                },
                now,
            )
        })?;
        return Err(refused());
    }
    // Last use is kept to the minute: most requests write nothing.
    if key
        .last_used_at
        .is_none_or(|at| now.duration_since(at) >= jiff::SignedDuration::from_mins(1))
    {
        store.touch_api_key(&key.id, now)?;
    }
    Ok(ApiPrincipal {
        key_id: key.id,
        creditor_id: key.creditor_id,
        scope: key.scope,
        expires_at: key.expires_at,
    })
}
