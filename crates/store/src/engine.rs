//! One code path, two engines: a connection is either SQLite or PostgreSQL,
//! and every query is written once and compiled for each (`on_each_engine!`).

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StoreError;
use crate::snapshots::{SnapshotReaders, note_write};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock that serialises migrations when
/// several instances start at once.
const MIGRATION_LOCK_KEY: i64 = 0x0070_7265_6c65_766f;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The embedded default: one file, WAL mode.
    Sqlite,
    /// The production engine, shared by several instances.
    Postgres,
}

impl Engine {
    /// The engine's name as shown by `/healthz` and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A borrowed connection of either engine.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

/// Runs the same diesel expression on whichever engine `conn` is; the body is
/// type-checked against both.
macro_rules! on_each_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::engine::Conn::Sqlite($c) => {
                let $c: &mut ::diesel::sqlite::SqliteConnection = &mut **$c;
                $body
            }
            $crate::engine::Conn::Pg($c) => {
                let $c: &mut ::diesel::pg::PgConnection = &mut **$c;
                $body
            }
        }
    };
}
pub(crate) use on_each_engine;

#[derive(Clone)]
pub(crate) enum Pools {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    /// Read-only SQLite connections whose snapshots serve several reads.
    SqliteReaders(Arc<SnapshotReaders>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

/// Connection settings that SQLite needs on every new connection. Temporary
/// data stays in memory: a savepoint (one per imported line) journals the
/// pages it changes, and on disk that journal costs a write per page.
///
/// A database created by Prelevo has pages of [`SQLITE_PAGE_SIZE`]: the
/// size is set before WAL mode, the only moment SQLite takes it, and is a
/// no-op on a database that exists (docs/adr/0012-sqlite-16-kib-pages.md).
#[derive(Debug)]
struct SqlitePragmas;

/// SQLite's page size for new databases, in bytes: the daily run at a
/// million plans took 9.5–10.3 s on 16 KiB pages against 10.9–13.1 s on
/// the default 4 KiB (the same database, compacted both ways).
pub const SQLITE_PAGE_SIZE: u32 = 16_384;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA page_size = {SQLITE_PAGE_SIZE}; \
             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
             PRAGMA temp_store = MEMORY;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Session settings for PostgreSQL: no parallel workers. Every query of
/// the product is a short, index-bound read or a streamed export; starting
/// workers costs more than it saves (a list total of 1 000 rows took twice
/// as long with them). See docs/adr/0005-postgres-sessions.md.
#[derive(Debug)]
struct PgSession;

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for PgSession {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute("SET max_parallel_workers_per_gather = 0")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Pool sizing and timeouts. Connection errors are not logged by the pool:
/// they reach the caller, whose error names them.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections the pool opens.
    pub max_size: u32,
    /// How long to wait for a connection before failing.
    pub connect_timeout: Duration,
    /// Connections kept open and idle, re-established in the background.
    pub min_idle: u32,
    /// Read-only SQLite connections for reads done in place by request
    /// handlers (none for PostgreSQL, whose reads wait on the network).
    pub readers: u32,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connect_timeout: Duration::from_secs(5),
            min_idle: 1,
            // One per thread that may read in place (the HTTP runtime has a
            // worker per core), and a margin: such a read never waits.
            readers: std::thread::available_parallelism()
                .map_or(2, std::num::NonZeroUsize::get)
                .saturating_add(2)
                .try_into()
                .unwrap_or(u32::MAX),
        }
    }
}

impl PoolOptions {
    /// For a command that runs and exits: connections are opened on demand
    /// only, so none is being established in the background when the
    /// process exits (libpq's Kerberos library aborts if it is torn down
    /// under a connecting thread).
    pub fn one_command() -> Self {
        Self {
            // A long batched write holds two (`TenantStore::write_batches`),
            // and a step between its batches may need one more.
            max_size: 3,
            min_idle: 0,
            readers: 0,
            ..Self::default()
        }
    }
}

impl Pools {
    /// Builds the pool and proves one connection works, whatever `min_idle`.
    pub(crate) fn open(url: &str, options: &PoolOptions) -> Result<Self, StoreError> {
        if let Some(path) = sqlite_path(url) {
            let manager = ConnectionManager::<SqliteConnection>::new(path);
            let pool = Pool::builder()
                .max_size(options.max_size)
                .min_idle(Some(options.min_idle))
                // A query per checkout doubles the cost of a short request; a
                // broken connection is detected when it fails and dropped.
                .test_on_check_out(false)
                .connection_timeout(options.connect_timeout)
                .error_handler(Box::new(r2d2::NopErrorHandler))
                .connection_customizer(Box::new(SqlitePragmas))
                .build(manager)
                .and_then(|pool| pool.get().map(|_| pool))
                .map_err(|e| StoreError::Connect(one_line(&format!("{path}: {e}"))))?;
            Ok(Pools::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let manager = ConnectionManager::<PgConnection>::new(url);
            let pool = Pool::builder()
                .max_size(options.max_size)
                .min_idle(Some(options.min_idle))
                // A query per checkout doubles the cost of a short request; a
                // broken connection is detected when it fails and dropped.
                .test_on_check_out(false)
                .connection_timeout(options.connect_timeout)
                .error_handler(Box::new(r2d2::NopErrorHandler))
                .connection_customizer(Box::new(PgSession))
                .build(manager)
                .and_then(|pool| pool.get().map(|_| pool))
                .map_err(|e| {
                    StoreError::Connect(one_line(&format!("{}: {e}", redact_password(url))))
                })?;
            Ok(Pools::Pg(pool))
        } else {
            Err(StoreError::UnsupportedUrl(redact_password(url)))
        }
    }

    /// The read-only connections beside a SQLite database (after its
    /// migrations, which put it in WAL mode: readers never wait for the
    /// writer), or nothing for PostgreSQL and for `options.readers == 0`.
    pub(crate) fn open_readers(
        url: &str,
        options: &PoolOptions,
    ) -> Result<Option<Self>, StoreError> {
        let Some(path) = sqlite_path(url).filter(|_| options.readers > 0) else {
            return Ok(None);
        };
        let size = usize::try_from(options.readers).unwrap_or(usize::MAX);
        let readers = SnapshotReaders::open(read_only_uri(path), size)?;
        Ok(Some(Pools::SqliteReaders(readers)))
    }

    pub(crate) fn engine(&self) -> Engine {
        match self {
            Pools::Sqlite(_) | Pools::SqliteReaders(_) => Engine::Sqlite,
            Pools::Pg(_) => Engine::Postgres,
        }
    }

    /// Runs `f` on one pooled connection, outside any transaction (or, on
    /// SQLite's read-only connections, in a snapshot a few milliseconds old
    /// at most that nothing written by this process since has made stale).
    pub(crate) fn with_conn<T, E>(
        &self,
        f: impl FnOnce(&mut Conn<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        match self {
            Pools::Sqlite(pool) => {
                let mut pooled = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
                let outcome = f(&mut Conn::Sqlite(&mut pooled));
                // Statements outside a transaction may have written.
                note_write();
                outcome
            }
            Pools::SqliteReaders(readers) => readers.read(|c| f(&mut Conn::Sqlite(c))),
            Pools::Pg(pool) => {
                let mut pooled = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
                f(&mut Conn::Pg(&mut pooled))
            }
        }
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE` on SQLite, so a
    /// write never fails half-way on a lock upgrade).
    pub(crate) fn write<T, E>(&self, f: impl FnOnce(&mut Conn<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        match self {
            Pools::Sqlite(pool) => {
                let mut pooled = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
                write_sqlite(&mut pooled, f)
            }
            Pools::SqliteReaders(_) => Err(E::from(StoreError::ReadOnly)),
            Pools::Pg(pool) => {
                let mut pooled = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
                pooled
                    .transaction(|c| f(&mut Conn::Pg(c)).map_err(Abort::Caller))
                    .map_err(Abort::into_caller)
            }
        }
    }

    /// Brings the schema to the newest version. On PostgreSQL an advisory
    /// lock makes concurrent starts wait for each other.
    pub(crate) fn migrate(&self) -> Result<usize, StoreError> {
        let migration_error =
            |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
        match self {
            Pools::Sqlite(pool) => {
                let mut conn = pool.get()?;
                let applied = conn
                    .run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(migration_error)?;
                note_write();
                Ok(applied.len())
            }
            Pools::SqliteReaders(_) => Err(StoreError::ReadOnly),
            Pools::Pg(pool) => {
                let mut conn = pool.get()?;
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                    .execute(&mut *conn)?;
                let applied = conn
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len())
                    .map_err(migration_error);
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                    .execute(&mut *conn)?;
                applied
            }
        }
    }

    /// Pool occupancy for `/metrics`: (open connections, idle connections).
    pub(crate) fn max_size(&self) -> u32 {
        match self {
            Pools::Sqlite(pool) => pool.max_size(),
            Pools::SqliteReaders(readers) => readers.size(),
            Pools::Pg(pool) => pool.max_size(),
        }
    }

    pub(crate) fn state(&self) -> (u32, u32) {
        let state = match self {
            Pools::Sqlite(pool) => pool.state(),
            Pools::SqliteReaders(readers) => return readers.state(),
            Pools::Pg(pool) => pool.state(),
        };
        (state.connections, state.idle_connections)
    }
}

/// Runs `f` in one write transaction on SQLite connection `conn`
/// (`BEGIN IMMEDIATE`), and tells the read snapshots a write happened.
pub(crate) fn write_sqlite<T, E>(
    conn: &mut SqliteConnection,
    f: impl FnOnce(&mut Conn<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let outcome = conn.immediate_transaction(|c| f(&mut Conn::Sqlite(c)).map_err(Abort::Caller));
    note_write();
    outcome.map_err(Abort::into_caller)
}

/// The value of SQLite's numeric pragma `name` on `conn` (`name` is one of
/// SQLite's pragma names, never input).
pub(crate) fn sqlite_pragma(
    conn: &mut SqliteConnection,
    name: &'static str,
) -> Result<i64, diesel::result::Error> {
    #[derive(diesel::QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        value: i64,
    }
    diesel::sql_query(format!("SELECT {name} AS value FROM pragma_{name}()"))
        .get_result::<Pragma>(conn)
        .map(|row| row.value)
}

/// Lets a caller's own error cross diesel's transaction boundary intact.
pub(crate) enum Abort<E> {
    Caller(E),
    Database(diesel::result::Error),
}

impl<E: From<StoreError>> Abort<E> {
    /// The caller's error, or the database's as a store error.
    pub(crate) fn into_caller(self) -> E {
        match self {
            Abort::Caller(e) => e,
            Abort::Database(e) => E::from(StoreError::Database(e)),
        }
    }
}

impl<E> From<diesel::result::Error> for Abort<E> {
    fn from(error: diesel::result::Error) -> Self {
        Abort::Database(error)
    }
}

/// Driver messages span lines (libpq adds hints); an error is one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file path of a `sqlite://` or `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<&str> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
}

/// `file:` URI opening `path` read-only; the characters a URI gives a
/// meaning to are escaped.
fn read_only_uri(path: &str) -> String {
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", u32::from(c))),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro");
    uri
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_path() {
        assert_eq!(sqlite_path("sqlite://prelevo.db"), Some("prelevo.db"));
        assert_eq!(sqlite_path("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("postgres://x"), None);
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_password("postgres://prelevo:s3cret@db:5432/prelevo"),
            "postgres://prelevo:***@db:5432/prelevo"
        );
        assert_eq!(
            redact_password("postgres://db/prelevo"),
            "postgres://db/prelevo"
        );
    }

    #[test]
    fn unknown_scheme_is_refused() {
        let error = Pools::open("mysql://x", &PoolOptions::default()).err();
        assert!(matches!(error, Some(StoreError::UnsupportedUrl(_))));
    }
}
