//! A fresh, migrated store per test, on either engine.

use std::ops::Deref;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use prelevo_store::{PoolOptions, Store};

use crate::postgres_server;

/// A store that lives as long as the test: its SQLite file or PostgreSQL
/// database is the test's own.
pub struct TestStore {
    store: Store,
    url: String,
    _sqlite_dir: Option<tempfile::TempDir>,
}

impl TestStore {
    /// The database URL, for code under test that opens its own pool.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// A new SQLite database file in a temporary directory, migrated.
pub fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("prelevo.db").display());
    let store = Store::open(&url, &PoolOptions::default()).expect("open sqlite store");
    TestStore {
        store,
        url,
        _sqlite_dir: Some(dir),
    }
}

const TEMPLATE: &str = "prelevo_template";
static TEMPLATE_READY: OnceLock<()> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// A new PostgreSQL database on this process's throwaway server, copied from
/// a migrated template (fast), dropped with the server at the end.
pub fn postgres_store() -> TestStore {
    let server = postgres_server();
    TEMPLATE_READY.get_or_init(|| {
        let template = Store::open(&server.create_database(TEMPLATE), &PoolOptions::default())
            .expect("migrate the template database");
        drop(template);
    });
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    server.execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"));
    let url = server.url(&name);
    let store = Store::open(&url, &PoolOptions::default()).expect("open postgres store");
    TestStore {
        store,
        url,
        _sqlite_dir: None,
    }
}

/// Creates an empty PostgreSQL database on the throwaway server and returns
/// its URL (for tests of `migrate` itself).
pub fn empty_postgres_database(name: &str) -> String {
    postgres_server().create_database(name)
}
