//! The tenant-scoped handle: the only door to a creditor's business rows.
//!
//! `TenantTx` carries the creditor's id; repository methods are defined on
//! it (one file per aggregate) and add `creditor_id = <this creditor>` to
//! every statement themselves, so no caller can forget or forge it.

use prelevo_domain::CreditorKey;

use crate::StoreError;
use crate::engine::{Conn, Pools};

/// A handle bound to one creditor. Cheap to clone.
#[derive(Clone)]
pub struct TenantStore {
    pools: Pools,
    creditor: CreditorKey,
}

/// One unit of work for one creditor: a transaction (from
/// [`TenantStore::write`]) or a plain connection (from [`TenantStore::read`]).
pub struct TenantTx<'t, 'c> {
    pub(crate) conn: &'t mut Conn<'c>,
    pub(crate) creditor: &'t CreditorKey,
}

impl TenantTx<'_, '_> {
    /// The creditor every statement of this unit of work is bound to.
    pub fn creditor_id(&self) -> &CreditorKey {
        self.creditor
    }

    /// The creditor id as stored.
    pub(crate) fn tenant(&self) -> &str {
        self.creditor.as_str()
    }
}

impl TenantStore {
    pub(crate) fn new(pools: Pools, creditor: CreditorKey) -> Self {
        Self { pools, creditor }
    }

    /// The creditor this handle is bound to.
    pub fn creditor_id(&self) -> &CreditorKey {
        &self.creditor
    }

    /// Reads outside a transaction.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut TenantTx<'_, '_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.pools.with_conn(|conn| {
            f(&mut TenantTx {
                conn,
                creditor: &self.creditor,
            })
        })
    }

    /// Runs `f` in one transaction: all of it is committed, or none of it.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut TenantTx<'_, '_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.pools.write(|conn| {
            f(&mut TenantTx {
                conn,
                creditor: &self.creditor,
            })
        })
    }
}
