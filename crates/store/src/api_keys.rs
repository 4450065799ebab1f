//! API keys: per creditor, stored as a SHA-256 hash of the secret (a random
//! 256-bit secret needs no slow hash), found by their public prefix.

use diesel::prelude::*;
use jiff::{SignedDuration, Timestamp};
use prelevo_domain::{ApiScope, CreditorKey};

use crate::engine::on_each_engine;
use crate::schema::api_keys;
use crate::sql_types::DbInstant;
use crate::{Store, StoreError, TenantTx};

/// A key as stored (its secret only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// `key_…`
    pub id: String,
    /// The creditor it acts for.
    pub creditor_id: CreditorKey,
    /// A name to recognise it by.
    pub name: String,
    /// What it may do.
    pub scope: ApiScope,
    /// The public start of the key (`pk_live_…`), shown in lists.
    pub prefix: String,
    /// SHA-256 of the whole key, lowercase hex.
    pub secret_hash: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<Timestamp>,
    /// Who created it (`usr_…`, or `cli`).
    pub created_by: Option<String>,
}

/// A key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    /// A name to recognise it by.
    pub name: &'a str,
    /// What it may do.
    pub scope: ApiScope,
    /// The public start of the key.
    pub prefix: &'a str,
    /// SHA-256 of the whole key.
    pub secret_hash: &'a str,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// Who creates it.
    pub created_by: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys)]
struct KeyRow {
    id: String,
    creditor_id: String,
    name: String,
    scope: String,
    prefix: String,
    secret_hash: String,
    created_at: DbInstant,
    expires_at: Option<DbInstant>,
    revoked_at: Option<DbInstant>,
    last_used_at: Option<DbInstant>,
    created_by: Option<String>,
}

impl KeyRow {
    fn into_domain(self) -> Result<ApiKeyRecord, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "api key",
            id: self.id.clone(),
            reason,
        };
        Ok(ApiKeyRecord {
            creditor_id: CreditorKey::parse(&self.creditor_id)
                .map_err(|e| corrupt(e.to_string()))?,
            scope: ApiScope::parse(&self.scope).map_err(|e| corrupt(e.to_string()))?,
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            secret_hash: self.secret_hash,
            created_at: self.created_at.get(),
            expires_at: self.expires_at.map(DbInstant::get),
            revoked_at: self.revoked_at.map(DbInstant::get),
            last_used_at: self.last_used_at.map(DbInstant::get),
            created_by: self.created_by,
        })
    }
}

/// Last-used times are kept to the minute: a busy key does not write on
/// every request.
const LAST_USED_RESOLUTION: SignedDuration = SignedDuration::from_mins(1);

impl TenantTx<'_, '_> {
    /// Stores a new key for this creditor.
    pub fn insert_api_key(
        &mut self,
        key: &NewApiKey<'_>,
        now: Timestamp,
    ) -> Result<ApiKeyRecord, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: KeyRow = on_each_engine!(self.conn, |c| diesel::insert_into(api_keys::table)
            .values((
                api_keys::id.eq(format!("key_{}", uuid::Uuid::now_v7().simple())),
                api_keys::creditor_id.eq(&tenant),
                api_keys::name.eq(key.name),
                api_keys::scope.eq(key.scope.as_str()),
                api_keys::prefix.eq(key.prefix),
                api_keys::secret_hash.eq(key.secret_hash),
                api_keys::created_at.eq(DbInstant::from(now)),
                api_keys::expires_at.eq(key.expires_at.map(DbInstant::from)),
                api_keys::created_by.eq(key.created_by),
            ))
            .returning(KeyRow::as_returning())
            .get_result(c))
        .map_err(StoreError::conflict_on_unique("api key", key.prefix))?;
        row.into_domain()
    }

    /// This creditor's keys, newest first.
    pub fn api_keys(&mut self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<KeyRow> = on_each_engine!(self.conn, |c| api_keys::table
            .select(KeyRow::as_select())
            .filter(api_keys::creditor_id.eq(&tenant))
            .order(api_keys::id.desc())
            .load(c))?;
        rows.into_iter().map(KeyRow::into_domain).collect()
    }

    /// Revokes one of this creditor's keys (a key already revoked keeps its
    /// first revocation time).
    pub fn revoke_api_key(&mut self, id: &str, now: Timestamp) -> Result<ApiKeyRecord, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<KeyRow> = on_each_engine!(self.conn, |c| {
            diesel::update(
                api_keys::table
                    .filter(api_keys::creditor_id.eq(&tenant))
                    .filter(api_keys::id.eq(id))
                    .filter(api_keys::revoked_at.is_null()),
            )
            .set(api_keys::revoked_at.eq(DbInstant::from(now)))
            .execute(c)?;
            api_keys::table
                .select(KeyRow::as_select())
                .filter(api_keys::creditor_id.eq(&tenant))
                .filter(api_keys::id.eq(id))
                .get_result(c)
                .optional()
        })?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "api key",
            id: id.to_owned(),
        })?
        .into_domain()
    }
}

impl Store {
    /// **Platform operation.** The key with this public prefix (to
    /// authenticate a request, before its creditor is known).
    pub fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        let row: Option<KeyRow> = self.pools.with_conn(|conn| {
            Ok::<_, StoreError>(on_each_engine!(conn, |c| api_keys::table
                .select(KeyRow::as_select())
                .filter(api_keys::prefix.eq(prefix))
                .get_result(c)
                .optional())?)
        })?;
        row.map(KeyRow::into_domain).transpose()
    }

    /// **Platform operation.** Records that a key was used at `now`, at
    /// most once a minute per key.
    pub fn touch_api_key(&self, id: &str, now: Timestamp) -> Result<(), StoreError> {
        let stale_before = DbInstant::from(now - LAST_USED_RESOLUTION);
        self.pools.with_conn(|conn| {
            on_each_engine!(conn, |c| diesel::update(
                api_keys::table.filter(api_keys::id.eq(id)).filter(
                    api_keys::last_used_at
                        .is_null()
                        .or(api_keys::last_used_at.lt(stale_before))
                )
            )
            .set(api_keys::last_used_at.eq(DbInstant::from(now)))
            .execute(c))?;
            Ok(())
        })
    }
}
