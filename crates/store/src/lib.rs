//! Prelevo's storage: the schema, its migrations and the repositories, on
//! SQLite (embedded default) and PostgreSQL (production), through one code
//! path (see `docs/adr/0001-storage.md`).
//!
//! Business rows are reached only through a [`TenantStore`] — a handle bound
//! to one creditor — so a query that forgets the tenant cannot be written.
//! The few operations that span creditors by nature (creating a creditor,
//! claiming the next job or message to deliver) are methods of [`Store`]
//! itself and say so in their docs; people (users, sessions, one-time links,
//! login throttling) are reached through a [`PlatformTx`].

mod compact;
mod engine;
mod error;
mod schema;
mod snapshots;
mod sql_types;
mod tenant;

mod api_keys;
mod audit;
mod bank_files;
mod bank_profiles;
mod card_aliases;
mod creditors;
mod customers;
mod domain_events;
mod idempotency;
mod imported_files;
mod jobs;
mod lease;
mod login_failures;
mod mandates;
mod memberships;
mod outbox;
mod payment_causes;
mod payments;
mod plans;
mod platform;
mod read_ahead;
mod run_hold;
mod sessions;
mod tally;
mod user_tokens;
mod users;
mod wal;

pub use api_keys::{ApiKeyRecord, NewApiKey};
pub use audit::{Actor, AuditEvent, AuditFilter, NewAuditEvent, Position};
pub use bank_files::{BankFileRecord, FileBlock, FileEntry};
pub use card_aliases::CardAliasFilter;
pub use compact::Compaction;
pub use customers::{CustomerFilter, ListedCustomer};
pub use domain_events::DomainEventRecord;
pub use engine::{Engine, PoolOptions, SQLITE_PAGE_SIZE, redact_password};
pub use error::StoreError;
pub use idempotency::{IdempotencyRecord, IdempotencyStart};
pub use imported_files::{ImportedFile, NewImportedFile};
pub use jobs::{ClaimedJob, DeadJob, JobCounts, JobState, NewJob};
pub use mandates::{ListedMandate, MandateFilter};
pub use memberships::{Member, Membership};
pub use outbox::{ClaimedMessage, NewOutboxMessage};
pub use payments::{ListedPayment, PaymentEventRecord, PaymentFilter};
pub use plans::PlanFilter;
pub use platform::PlatformTx;
pub use sessions::SessionRecord;
pub use tally::{TALLY_CAP, Tally};
pub use tenant::{TenantStore, TenantTx};
pub use user_tokens::{TokenPurpose, UsedToken};
pub use users::User;

use engine::Pools;

/// The database: a pool of connections to one engine.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    /// Read-only SQLite connections for reads done in place.
    readers: Option<Pools>,
}

impl Store {
    /// Opens a pool on `url` (`sqlite://PATH` or `postgres://…`) and checks
    /// that a connection can be made. Does not migrate.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Self, StoreError> {
        Ok(Self {
            pools: Pools::open(url, options)?,
            readers: None,
        })
    }

    /// Opens and migrates: what `prelevo serve` and every command do first.
    pub fn open(url: &str, options: &PoolOptions) -> Result<Self, StoreError> {
        let mut store = Self::connect(url, options)?;
        store.migrate()?;
        store.readers = Pools::open_readers(url, options)?;
        Ok(store)
    }

    /// A store over read-only connections whose reads are quick enough to
    /// run in place, on the caller's thread: SQLite in WAL mode (a read
    /// never waits for a writer, and takes microseconds). `None` where reads
    /// must go through the blocking pool (PostgreSQL). Its reads share a
    /// snapshot for 2 ms at most, never across a write of this process
    /// (ADR 0008). Any write through it fails.
    pub fn in_place_reader(&self) -> Option<Store> {
        self.readers.clone().map(|pools| Store {
            pools,
            readers: None,
        })
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        self.pools.migrate()
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.pools.engine()
    }

    /// Runs a trivial query: the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        self.pools.with_conn(|conn| {
            engine::on_each_engine!(conn, |c| diesel::sql_query("SELECT 1").execute(c))?;
            Ok(())
        })
    }

    /// Pool occupancy: (open connections, idle connections).
    pub fn pool_state(&self) -> (u32, u32) {
        self.pools.state()
    }

    /// Most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pools.max_size()
    }

    /// The handle through which every business row of `creditor` is read
    /// and written.
    pub fn tenant(&self, creditor: prelevo_domain::CreditorKey) -> TenantStore {
        TenantStore::new(self.pools.clone(), creditor)
    }
}
