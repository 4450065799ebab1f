use prelevo_store::{PoolOptions, Store};
use prelevo_testkit::TestStore;

fn migrating_again_changes_nothing(store: &TestStore) {
    assert_eq!(store.migrate().unwrap(), 0);
    store.ping().unwrap();
}

/// Several instances starting at once on an empty PostgreSQL database: the
/// advisory lock lets one migrate while the others wait, and all succeed.
#[test]
fn concurrent_starts_migrate_once_on_postgres() {
    let url = prelevo_testkit::empty_postgres_database("concurrent_starts");
    let applied: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                scope.spawn(move || {
                    Store::connect(&url, &PoolOptions::default())
                        .unwrap()
                        .migrate()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(applied.iter().filter(|&&n| n > 0).count(), 1, "{applied:?}");
}

#[test]
fn an_unreachable_database_is_one_clear_error() {
    let options = PoolOptions {
        connect_timeout: std::time::Duration::from_millis(500),
        ..PoolOptions::default()
    };
    let error = Store::connect("postgres://nobody@127.0.0.1:1/none", &options)
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("cannot connect to the database"),
        "{error}"
    );
    let error = Store::connect("mysql://x", &options)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("unsupported database URL"), "{error}");
}

/// SQLite answers point reads in place on read-only connections: they see
/// what was committed, and refuse any write. PostgreSQL has none.
fn the_in_place_reader_reads_committed_rows_and_never_writes(store: &TestStore) {
    let Some(reader) = store.in_place_reader() else {
        assert_eq!(store.engine(), prelevo_store::Engine::Postgres);
        return;
    };
    let (created, _) = crate::creditor(store, "Acme Abonnements", 1);
    let tenant = reader.tenant(created.id.clone());
    assert_eq!(tenant.read(|tx| tx.creditor()).unwrap(), created);
    let write = reader.create_creditor(
        &prelevo_testkit::new_creditor("Intruder", 2),
        crate::t0(),
        |_, c| Ok::<_, prelevo_store::StoreError>(c.clone()),
    );
    assert!(write.is_err(), "{write:?}");
    assert_eq!(store.list_creditors().unwrap().len(), 1);
}

prelevo_testkit::on_both_engines!(
    migrating_again_changes_nothing,
    the_in_place_reader_reads_committed_rows_and_never_writes
);

/// What pragma `name` reads on the SQLite database at `path`, as text.
fn pragma_of(path: &str, name: &str) -> String {
    use diesel::{Connection, RunQueryDsl, sqlite::SqliteConnection};
    #[derive(diesel::QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let mut conn = SqliteConnection::establish(path).unwrap();
    diesel::sql_query(format!(
        "SELECT CAST({name} AS TEXT) AS value FROM pragma_{name}()"
    ))
    .get_result::<Pragma>(&mut conn)
    .unwrap()
    .value
}

fn page_size_of(path: &str) -> String {
    pragma_of(path, "page_size")
}

/// A database Prelevo creates has its pages of 16 KiB; one made before,
/// with SQLite's 4 KiB, keeps them (SQLite changes a WAL database's page
/// size only by a rewrite) and works as before.
#[test]
fn new_sqlite_databases_have_16_kib_pages_and_older_ones_keep_theirs() {
    let fresh = prelevo_testkit::sqlite_store();
    let path = fresh.url().trim_start_matches("sqlite://").to_owned();
    assert_eq!(page_size_of(&path), "16384");
    assert_eq!(prelevo_store::SQLITE_PAGE_SIZE, 16_384);

    let dir = tempfile::tempdir().unwrap();
    let older = database_of_4_kib_pages(&dir);
    let store = Store::open(&format!("sqlite://{older}"), &PoolOptions::default()).unwrap();
    let (created, tenant) = crate::creditor(&store, "Acme Abonnements", 1);
    assert_eq!(tenant.read(|tx| tx.creditor()).unwrap().id, created.id);
    assert_eq!(page_size_of(&older), "4096");
}

/// An empty SQLite database in WAL mode with SQLite's default 4 KiB pages,
/// as Prelevo made them before; its path.
fn database_of_4_kib_pages(dir: &tempfile::TempDir) -> String {
    use diesel::{Connection, connection::SimpleConnection, sqlite::SqliteConnection};
    let path = dir.path().join("older.db").display().to_string();
    let mut conn = SqliteConnection::establish(&path).unwrap();
    conn.batch_execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;")
        .unwrap();
    path
}

/// `compact` gives a 4 KiB database 16 KiB pages, its rows kept and WAL
/// mode back; while another process has the database open, it refuses
/// and leaves the database as it was.
#[test]
fn compacting_rewrites_an_older_database_with_16_kib_pages() {
    let dir = tempfile::tempdir().unwrap();
    let older = database_of_4_kib_pages(&dir);
    let url = format!("sqlite://{older}");
    let store = Store::open(&url, &PoolOptions::one_command()).unwrap();
    let (created, tenant) = crate::creditor(&store, "Acme Abonnements", 1);

    {
        let other = Store::open(&url, &PoolOptions::one_command()).unwrap();
        other.ping().unwrap();
        let refused = store.compact().unwrap_err().to_string();
        assert!(
            refused.starts_with("cannot compact the database: "),
            "{refused}"
        );
        assert_eq!(page_size_of(&older), "4096");
        assert_eq!(pragma_of(&older, "journal_mode"), "wal");
    }

    let done = store.compact().unwrap();
    assert_eq!(
        (done.page_size_before, done.page_size_after),
        (4096, 16_384)
    );
    assert!(done.bytes_before > 0 && done.bytes_after > 0, "{done:?}");
    assert_eq!(page_size_of(&older), "16384");
    assert_eq!(pragma_of(&older, "journal_mode"), "wal");
    assert_eq!(tenant.read(|tx| tx.creditor()).unwrap().name, created.name);
}

/// PostgreSQL is not compacted by Prelevo: a clear refusal.
#[test]
fn compacting_postgres_is_refused() {
    let url = prelevo_testkit::empty_postgres_database("compact_refused");
    let store = Store::open(&url, &PoolOptions::one_command()).unwrap();
    let refused = store.compact().unwrap_err().to_string();
    assert!(refused.contains("VACUUM FULL"), "{refused}");
}
