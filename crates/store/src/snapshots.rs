//! Read-only SQLite connections whose read transaction serves several point
//! reads in a row (docs/adr/0008-sqlite-read-snapshots.md).
//!
//! Starting and ending a read transaction in WAL mode takes SQLite's
//! shared-memory lock and an `fcntl` each time; for a read of one row by key
//! that is most of its cost. A reader here keeps its transaction open for
//! the next reads, and starts a fresh one when:
//! - this process committed anything since (read-your-writes: a write
//!   answered to a client is seen by that client's next read);
//! - the snapshot is older than [`SNAPSHOT_MAX_AGE`] (a write by another
//!   process, `prelevo collect` beside `prelevo serve`, is seen within it);
//! - a read failed.
//!
//! A background thread ends snapshots left idle, so that an idle server
//! never holds back a checkpoint for long.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;

use crate::StoreError;

/// How long a snapshot may serve reads: below a network round trip, so a
/// reader cannot tell it from the time its request took to arrive.
pub(crate) const SNAPSHOT_MAX_AGE: Duration = Duration::from_millis(2);

/// How often idle snapshots are ended.
const REAP_EVERY: Duration = Duration::from_millis(50);

/// Writes committed by this process on any SQLite store: a snapshot taken
/// before the latest one is not reused.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Slot a thread tries first, so that a thread keeps reusing its snapshot.
static NEXT_HOME: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static HOME: usize = NEXT_HOME.fetch_add(1, Ordering::Relaxed);
}

/// Records that a write may have been committed: every snapshot taken
/// before now is stale.
pub(crate) fn note_write() {
    WRITES.fetch_add(1, Ordering::Release);
}

/// A fixed set of read-only connections, each holding at most one snapshot.
pub(crate) struct SnapshotReaders {
    uri: String,
    max_age: Duration,
    slots: Vec<Mutex<Slot>>,
}

#[derive(Default)]
struct Slot {
    conn: Option<SqliteConnection>,
    snapshot: Option<Snapshot>,
}

#[derive(Clone, Copy)]
struct Snapshot {
    began: Instant,
    writes: u64,
}

impl SnapshotReaders {
    /// `size` connections on `uri` (a read-only `file:` URI), opened on
    /// first use, whose snapshots serve reads for [`SNAPSHOT_MAX_AGE`], and
    /// the thread that ends idle snapshots.
    pub(crate) fn open(uri: String, size: usize) -> Result<Arc<Self>, StoreError> {
        Self::with_max_age(uri, size, SNAPSHOT_MAX_AGE)
    }

    fn with_max_age(uri: String, size: usize, max_age: Duration) -> Result<Arc<Self>, StoreError> {
        let readers = Arc::new(Self {
            uri,
            max_age,
            slots: (0..size.max(1)).map(|_| Mutex::default()).collect(),
        });
        let weak: Weak<Self> = Arc::downgrade(&readers);
        std::thread::Builder::new()
            .name("sqlite-snapshots".into())
            .spawn(move || {
                while let Some(readers) = {
                    std::thread::sleep(REAP_EVERY);
                    weak.upgrade()
                } {
                    readers.end_idle_snapshots();
                }
            })
            .map_err(|e| StoreError::Connect(format!("cannot start the reader thread: {e}")))?;
        Ok(readers)
    }

    /// Runs `f` on a connection inside a snapshot fresh enough for it.
    pub(crate) fn read<T, E>(
        &self,
        f: impl FnOnce(&mut SqliteConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut slot = self.slot();
        let conn = slot
            .fresh_snapshot(&self.uri, self.max_age)
            .map_err(E::from)?;
        let outcome = f(conn);
        if outcome.is_err() {
            // A failed read may have left the transaction in any state.
            slot.end_snapshot();
        }
        outcome
    }

    /// (connections, connections not in use), for `/metrics`.
    pub(crate) fn state(&self) -> (u32, u32) {
        let idle = self
            .slots
            .iter()
            .filter(|slot| matches!(slot.try_lock(), Ok(_) | Err(TryLockError::Poisoned(_))))
            .count();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        (count(self.slots.len()), count(idle))
    }

    pub(crate) fn size(&self) -> u32 {
        u32::try_from(self.slots.len()).unwrap_or(u32::MAX)
    }

    /// The calling thread's own slot when free, else any free one, else
    /// its own after waiting (a point read holds a slot for microseconds).
    fn slot(&self) -> MutexGuard<'_, Slot> {
        let home = HOME.with(|home| *home) % self.slots.len();
        for offset in 0..self.slots.len() {
            let slot = &self.slots[(home + offset) % self.slots.len()];
            match slot.try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(poisoned)) => return recovered(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        self.slots[home]
            .lock()
            .unwrap_or_else(|poisoned| recovered(poisoned.into_inner()))
    }

    fn end_idle_snapshots(&self) {
        for slot in &self.slots {
            if let Ok(mut slot) = slot.try_lock()
                && slot
                    .snapshot
                    .is_some_and(|s| s.began.elapsed() >= self.max_age)
            {
                slot.end_snapshot();
            }
        }
    }
}

/// A slot whose holder panicked: its transaction is in an unknown state.
fn recovered(mut slot: MutexGuard<'_, Slot>) -> MutexGuard<'_, Slot> {
    slot.end_snapshot();
    slot
}

impl Slot {
    /// The connection, inside a snapshot that may serve a read now.
    fn fresh_snapshot(
        &mut self,
        uri: &str,
        max_age: Duration,
    ) -> Result<&mut SqliteConnection, StoreError> {
        let writes = WRITES.load(Ordering::Acquire);
        let reusable = self
            .snapshot
            .is_some_and(|s| s.writes == writes && s.began.elapsed() < max_age);
        if !reusable {
            self.end_snapshot();
        }
        let conn = match &mut self.conn {
            Some(conn) => conn,
            empty => empty.insert(open_reader(uri)?),
        };
        if !reusable {
            // Deferred: the snapshot is taken by the first read after it,
            // which comes after `writes` was read, so it is never older
            // than what it is labelled with.
            conn.batch_execute("BEGIN")?;
            self.snapshot = Some(Snapshot {
                began: Instant::now(),
                writes,
            });
        }
        Ok(conn)
    }

    /// Ends the open snapshot, if any; a connection that cannot end it is
    /// closed (and opened again by the next read).
    fn end_snapshot(&mut self) {
        if self.snapshot.take().is_some()
            && let Some(conn) = &mut self.conn
            && conn.batch_execute("ROLLBACK").is_err()
        {
            self.conn = None;
        }
    }
}

fn open_reader(uri: &str) -> Result<SqliteConnection, StoreError> {
    let mut conn =
        SqliteConnection::establish(uri).map_err(|e| StoreError::Connect(format!("{uri}: {e}")))?;
    // It waits out a writer's checkpoint like the others, and refuses any
    // write even through a mistaken query.
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    /// A WAL database with one table, a writer connection that, like a
    /// second process, does not tell this process's readers it wrote, and
    /// the read-only URI.
    fn database(dir: &tempfile::TempDir) -> (SqliteConnection, String) {
        let path = dir.path().join("snapshots.db");
        let path = path.to_str().unwrap_or_default().to_owned();
        let mut writer = SqliteConnection::establish(&path).unwrap_or_else(|e| panic!("{e}"));
        writer
            .batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER);")
            .unwrap_or_else(|e| panic!("{e}"));
        (writer, format!("file:{path}?mode=ro"))
    }

    /// A database with its writer, and `size` readers whose snapshots
    /// serve reads for `max_age`; the temporary folder lives as long.
    fn fresh_readers(
        size: usize,
        max_age: Duration,
    ) -> (tempfile::TempDir, SqliteConnection, Arc<SnapshotReaders>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (writer, uri) = database(&dir);
        let readers =
            SnapshotReaders::with_max_age(uri, size, max_age).unwrap_or_else(|e| panic!("{e}"));
        (dir, writer, readers)
    }

    fn rows(readers: &SnapshotReaders) -> i64 {
        readers
            .read(|c| {
                diesel::sql_query("SELECT COUNT(*) AS n FROM t")
                    .get_result::<Count>(c)
                    .map_err(StoreError::from)
            })
            .map(|count| count.n)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn insert(writer: &mut SqliteConnection) {
        writer
            .batch_execute("INSERT INTO t VALUES (1)")
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn a_snapshot_serves_the_next_reads_until_this_process_writes() {
        let (_dir, mut writer, readers) = fresh_readers(1, Duration::from_secs(3600));
        assert_eq!(rows(&readers), 0);
        insert(&mut writer);
        // Another process's write is not seen while the snapshot is young…
        assert_eq!(rows(&readers), 0);
        // …and a write of this process is seen at once.
        note_write();
        assert_eq!(rows(&readers), 1);
    }

    #[test]
    fn a_snapshot_older_than_its_age_is_not_reused() {
        let (_dir, mut writer, readers) = fresh_readers(1, Duration::from_millis(1));
        assert_eq!(rows(&readers), 0);
        insert(&mut writer);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(rows(&readers), 1);
    }

    #[test]
    fn idle_snapshots_are_ended_and_let_a_checkpoint_finish() {
        let (_dir, mut writer, readers) = fresh_readers(2, Duration::from_millis(1));
        assert_eq!(rows(&readers), 0);
        insert(&mut writer);
        std::thread::sleep(REAP_EVERY * 3);
        let open = readers
            .slots
            .iter()
            .filter(|slot| slot.lock().map(|s| s.snapshot.is_some()).unwrap_or(true))
            .count();
        assert_eq!(open, 0);
        // No reader holds the WAL: a truncating checkpoint completes.
        #[derive(diesel::QueryableByName)]
        struct Checkpoint {
            #[diesel(sql_type = BigInt)]
            busy: i64,
        }
        let checkpoint: Checkpoint = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
            .get_result(&mut writer)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checkpoint.busy, 0);
    }

    #[test]
    fn a_failed_read_ends_its_snapshot() {
        let (_dir, mut writer, readers) = fresh_readers(1, Duration::from_secs(3600));
        assert_eq!(rows(&readers), 0);
        insert(&mut writer);
        let failed = readers.read(|c| {
            diesel::sql_query("SELECT n FROM no_such_table")
                .execute(c)
                .map_err(StoreError::from)
        });
        assert!(failed.is_err());
        assert_eq!(rows(&readers), 1);
    }

    #[test]
    fn readers_refuse_writes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (_writer, uri) = database(&dir);
        let readers = SnapshotReaders::open(uri, 1).unwrap_or_else(|e| panic!("{e}"));
        let written = readers.read(|c| {
            diesel::sql_query("INSERT INTO t VALUES (2)")
                .execute(c)
                .map_err(StoreError::from)
        });
        assert!(written.is_err());
        assert_eq!(rows(&readers), 0);
    }
}
