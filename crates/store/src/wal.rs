//! SQLite's write-ahead log, copied into the database (checkpointed) off
//! the path of the work that waits for it.
//!
//! By default the commit that finds the WAL longer than 1 000 pages copies
//! all of it before returning: after the daily run's staging, 1.5 s of a
//! commit that otherwise takes 0.2 s, while the files that follow only
//! read. [`TenantStore::write_then`] commits without copying and copies on
//! its own thread while the caller goes on; readers and the copy do not
//! wait for each other in WAL mode. See
//! docs/adr/0011-wal-copied-behind-the-staging.md.

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;

use crate::engine::{Pools, write_sqlite};
use crate::{StoreError, TenantStore, TenantTx};

/// SQLite's default: a commit checkpoints once the WAL holds this many
/// pages (what a connection gets back after a deferred copy).
pub(crate) const AUTOCHECKPOINT_PAGES: u32 = 1000;

impl TenantStore {
    /// Runs `write` in one transaction (as [`TenantStore::write`]), then
    /// `then` with its outcome. On SQLite the WAL the transaction left is
    /// copied into the database on another thread while `then` runs (on the
    /// connection that wrote, so `then` has the rest of the pool); on
    /// PostgreSQL `then` simply follows. Nothing of `write` is undone if
    /// `then` fails.
    pub fn write_then<T, U, E>(
        &self,
        write: impl FnOnce(&mut TenantTx<'_, '_>) -> Result<T, E>,
        then: impl FnOnce(T) -> Result<U, E>,
    ) -> Result<U, E>
    where
        E: From<StoreError>,
    {
        let Pools::Sqlite(pool) = &self.pools else {
            return then(self.write(write)?);
        };
        let mut writer = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
        set_autocheckpoint(&mut writer, 0);
        let outcome = write_sqlite(&mut writer, |conn| {
            write(&mut TenantTx {
                conn,
                creditor: &self.creditor,
            })
        });
        set_autocheckpoint(&mut writer, AUTOCHECKPOINT_PAGES);
        let written = outcome?;
        std::thread::scope(|scope| {
            scope.spawn(move || checkpoint(&mut writer, "PASSIVE"));
            then(written)
        })
    }
}

/// Copies the WAL into the database (`mode`: SQLite's checkpoint mode). A
/// checkpoint that fails is only late: the next one copies what it did not,
/// and the commits stay in the WAL meanwhile.
pub(crate) fn checkpoint(conn: &mut SqliteConnection, mode: &str) {
    if let Err(error) = conn.batch_execute(&format!("PRAGMA wal_checkpoint({mode})")) {
        tracing::warn!(%error, mode, "WAL checkpoint failed");
    }
}

/// How many WAL pages make a commit checkpoint on `conn` (0: never).
pub(crate) fn set_autocheckpoint(conn: &mut SqliteConnection, pages: u32) {
    if let Err(error) = conn.batch_execute(&format!("PRAGMA wal_autocheckpoint = {pages}")) {
        tracing::warn!(%error, pages, "cannot set the WAL's checkpoint size");
    }
}
