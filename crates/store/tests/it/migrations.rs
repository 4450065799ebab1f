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
