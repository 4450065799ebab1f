//! The tenant-scoped handle: the only door to a creditor's business rows.
//!
//! `TenantTx` carries the creditor's id; repository methods are defined on
//! it (one file per aggregate) and add `creditor_id = <this creditor>` to
//! every statement themselves, so no caller can forget or forge it.

use prelevo_domain::CreditorKey;

use crate::StoreError;
use crate::engine::{Conn, Pools, on_each_engine};

/// A handle bound to one creditor. Cheap to clone.
#[derive(Clone)]
pub struct TenantStore {
    pub(crate) pools: Pools,
    pub(crate) creditor: CreditorKey,
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

    /// Runs `f` inside a savepoint of this transaction: if it fails, what
    /// it wrote is undone and the transaction goes on (an import line that
    /// fails half-way leaves nothing behind).
    pub fn savepoint<T, E>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        on_each_engine!(self.conn, |c| AnsiTransactionManager::begin_transaction(c))
            .map_err(StoreError::from)?;
        let outcome = f(self);
        match &outcome {
            Ok(_) => on_each_engine!(self.conn, |c| AnsiTransactionManager::commit_transaction(c)),
            Err(_) => {
                on_each_engine!(self.conn, |c| AnsiTransactionManager::rollback_transaction(
                    c
                ))
            }
        }
        .map_err(StoreError::from)?;
        outcome
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
