//! Rewriting a SQLite database whole (`VACUUM`): its pages take the size
//! new databases get ([`SQLITE_PAGE_SIZE`]) and its free pages go. SQLite
//! changes the page size of a WAL database only this way, with the
//! database out of WAL mode, so no other connection may be open (see
//! docs/adr/0012-sqlite-16-kib-pages.md).

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{QueryableByName, RunQueryDsl};

use crate::engine::{Pools, SQLITE_PAGE_SIZE, sqlite_pragma};
use crate::{Store, StoreError};

/// A database before and after [`Store::compact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    /// Page size before, in bytes.
    pub page_size_before: u32,
    /// Page size after, in bytes.
    pub page_size_after: u32,
    /// The database's size before (pages × page size), in bytes.
    pub bytes_before: u64,
    /// Its size after, in bytes.
    pub bytes_after: u64,
}

impl Store {
    /// Rewrites the SQLite database with pages of [`SQLITE_PAGE_SIZE`] and
    /// no free page. Needs the database to itself: while another process
    /// uses it, SQLite refuses to leave WAL mode and nothing changes. On
    /// PostgreSQL this is refused (`VACUUM FULL` is the operator's tool).
    pub fn compact(&self) -> Result<Compaction, StoreError> {
        let Pools::Sqlite(pool) = &self.pools else {
            return Err(StoreError::Compact(
                "Prelevo compacts SQLite databases only; on PostgreSQL use VACUUM FULL".to_owned(),
            ));
        };
        let mut conn = pool.get()?;
        let (page_size_before, bytes_before) = size_of(&mut conn)?;
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(|e| refused("its WAL cannot be copied", &e))?;
        // SQLite answers with the mode it is in: still WAL when another
        // connection keeps it there.
        if leave_wal(&mut conn).map_err(|e| refused("it cannot leave WAL mode", &e))? != "delete" {
            return Err(StoreError::Compact(
                "another process uses the database: stop Prelevo and try again".to_owned(),
            ));
        }
        // VACUUM's copy of the whole database goes to a file, not to
        // memory (where this connection keeps its temporary data).
        let rewritten = conn.batch_execute(&format!(
            "PRAGMA page_size = {SQLITE_PAGE_SIZE}; PRAGMA temp_store = FILE; VACUUM"
        ));
        let restored = conn.batch_execute("PRAGMA temp_store = MEMORY; PRAGMA journal_mode = WAL");
        rewritten.map_err(|e| refused("VACUUM failed", &e))?;
        restored.map_err(|e| refused("it cannot return to WAL mode", &e))?;
        let (page_size_after, bytes_after) = size_of(&mut conn)?;
        Ok(Compaction {
            page_size_before,
            page_size_after,
            bytes_before,
            bytes_after,
        })
    }
}

fn refused(what: &str, error: &diesel::result::Error) -> StoreError {
    StoreError::Compact(format!("{what}: {error}"))
}

/// The database's page size and its size, in bytes.
fn size_of(conn: &mut SqliteConnection) -> Result<(u32, u64), StoreError> {
    let page_size = sqlite_pragma(conn, "page_size")?;
    let pages = sqlite_pragma(conn, "page_count")?;
    let odd = || StoreError::Compact(format!("SQLite gave {pages} pages of {page_size} bytes"));
    Ok((
        u32::try_from(page_size).map_err(|_| odd())?,
        u64::try_from(pages.saturating_mul(page_size)).map_err(|_| odd())?,
    ))
}

/// Asks SQLite to leave WAL mode for its rollback journal; the mode it is
/// in afterwards.
fn leave_wal(conn: &mut SqliteConnection) -> Result<String, diesel::result::Error> {
    #[derive(QueryableByName)]
    struct JournalMode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    diesel::sql_query("PRAGMA journal_mode = DELETE")
        .get_result::<JournalMode>(conn)
        .map(|row| row.journal_mode)
}
