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

/// The page size SQLite keeps in the database file at `path`.
fn page_size_of(path: &str) -> i32 {
    use diesel::{Connection, RunQueryDsl, sqlite::SqliteConnection};
    #[derive(diesel::QueryableByName)]
    struct PageSize {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        page_size: i32,
    }
    let mut conn = SqliteConnection::establish(path).unwrap();
    diesel::sql_query("PRAGMA page_size")
        .get_result::<PageSize>(&mut conn)
        .unwrap()
        .page_size
}

/// A database Prelevo creates has its pages of 16 KiB; one made before,
/// with SQLite's 4 KiB, keeps them (SQLite changes a WAL database's page
/// size only by a rewrite) and works as before.
#[test]
fn new_sqlite_databases_have_16_kib_pages_and_older_ones_keep_theirs() {
    let fresh = prelevo_testkit::sqlite_store();
    let path = fresh.url().trim_start_matches("sqlite://").to_owned();
    assert_eq!(page_size_of(&path), 16_384);
    assert_eq!(prelevo_store::SQLITE_PAGE_SIZE, 16_384);

    let dir = tempfile::tempdir().unwrap();
    let older = dir.path().join("older.db").display().to_string();
    {
        use diesel::{Connection, connection::SimpleConnection, sqlite::SqliteConnection};
        let mut conn = SqliteConnection::establish(&older).unwrap();
        conn.batch_execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;")
            .unwrap();
    }
    let store = Store::open(&format!("sqlite://{older}"), &PoolOptions::default()).unwrap();
    let (created, tenant) = crate::creditor(&store, "Acme Abonnements", 1);
    assert_eq!(tenant.read(|tx| tx.creditor()).unwrap().id, created.id);
    assert_eq!(page_size_of(&older), 4096);
}
