//! The platform handle: work that belongs to no single creditor by nature —
//! people (users, their passwords, sessions and one-time links), login
//! throttling, and messages about them. Business rows are never reached
//! from here (see `TenantStore`).

use prelevo_domain::CreditorKey;

use crate::engine::Conn;
use crate::{Store, StoreError, TenantTx};

/// One unit of platform work: a transaction (from [`Store::platform_write`])
/// or a plain connection (from [`Store::platform_read`]).
pub struct PlatformTx<'t, 'c> {
    pub(crate) conn: &'t mut Conn<'c>,
}

impl<'c> PlatformTx<'_, 'c> {
    /// Makes other write transactions that name any of `keys` wait until
    /// this one ends: a rule read and then written (a login's failure
    /// count, a team's last administrator) holds against concurrent
    /// changes. PostgreSQL takes a transaction-scoped advisory lock per key,
    /// in one order (no deadlock); SQLite's write transactions already run
    /// one at a time.
    pub fn serialize_on(&mut self, keys: &[&str]) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let Conn::Pg(c) = &mut *self.conn else {
            return Ok(());
        };
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(&mut **c)?;
        }
        Ok(())
    }

    /// A tenant handle on `creditor` inside this same transaction (to audit
    /// a person's change in each team they belong to, atomically with it).
    pub fn tenant<'s>(&'s mut self, creditor: &'s CreditorKey) -> TenantTx<'s, 'c> {
        TenantTx {
            conn: self.conn,
            creditor,
        }
    }
}

impl Store {
    /// Reads platform rows outside a transaction.
    pub fn platform_read<T, E>(
        &self,
        f: impl FnOnce(&mut PlatformTx<'_, '_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.pools.with_conn(|conn| f(&mut PlatformTx { conn }))
    }

    /// Runs `f` in one transaction on platform rows.
    pub fn platform_write<T, E>(
        &self,
        f: impl FnOnce(&mut PlatformTx<'_, '_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.pools.write(|conn| f(&mut PlatformTx { conn }))
    }
}
