//! Long batched writes that read each next batch while the current one is
//! written. A batch's reading (rows decoded, work computed from them) and
//! its writing are about equal halves of the daily run; SQLite has one
//! writer, but a second connection can read at the same time, on the
//! machine's other core.
//!
//! What a read-ahead sees must be what the writer would have read itself.
//! The reader reads batch k+1 while the writer's transaction for batch k
//! holds the write lock, and the writer commits only once that read has
//! ended: the reader's snapshot is the database as the writer's batch k
//! began, which batch k does not change for the rows of batch k+1 (the
//! caller's contract, see [`TenantStore::write_batches`]). Anything another
//! connection commits between the writer's commit of batch k and its start
//! of batch k+1 shows in SQLite's `data_version`; the writer then reads
//! batch k+1 again itself.
//!
//! The reader also copies the WAL into the database (a passive checkpoint)
//! after each read, while the writer writes: copying was a fifth of the
//! writer's time when each commit did it. A WAL starts over only when a
//! write begins with all of it copied, which the reader, a batch behind,
//! never achieves; so every few batches the writer waits for the reader's
//! checkpoint to end and copies the rest itself right after its commit,
//! and the WAL stays a few batches long. The reader never holds a snapshot
//! across a commit.
//!
//! A written batch goes back to the reader's thread to be dropped: what a
//! thread allocated is freed quickest on that thread, and the writer is the
//! busier of the two (freeing the reader's payments and plans was a
//! twentieth of its time).

use std::sync::mpsc;
use std::time::Duration;

use diesel::Connection;
use diesel::sqlite::SqliteConnection;

use crate::engine::{Abort, Conn, Pools, sqlite_pragma};
use crate::snapshots::note_write;
use crate::wal::{AUTOCHECKPOINT_PAGES, checkpoint, set_autocheckpoint};
use crate::{StoreError, TenantStore, TenantTx};

/// How long to wait for the reader's connection before reading and
/// writing in turn (opening a SQLite connection takes well under this).
const READER_WAIT: Duration = Duration::from_millis(250);

/// Batches between the writer's own checkpoints, which let the WAL start
/// over: it holds at most this many batches.
const WRITER_CHECKPOINT_EVERY: u32 = 8;

/// What one batch's read gives: the batch and the key the next one
/// starts after, or nothing when no batch is left.
type Read<B, K, E> = Result<Option<(B, K)>, E>;

/// A batch's read on a given connection, after a given key.
type ReadOn<'r, K, B, E> = &'r dyn Fn(&mut Conn<'_>, Option<&K>) -> Read<B, K, E>;

impl TenantStore {
    /// Writes batch after batch, each in its own transaction, until `read`
    /// finds no more: `read(after)` reads the batch following the key
    /// `after` (the first when `None`) and returns it with its own last
    /// key; `write` writes it (on SQLite the batch is then dropped on the
    /// reading thread, off the writer's); `committed` hears what `write`
    /// returned, once its transaction is committed (an error there stops
    /// the run, what is committed stays).
    ///
    /// `read` must not depend on what `write` wrote for the batches before
    /// (only the rows after `after`). On SQLite it runs on a second
    /// connection for every batch but the first, while the previous batch
    /// is written, and is run again by the writer when anything else was
    /// committed in between; on PostgreSQL both run in each batch's
    /// transaction, one after the other.
    pub fn write_batches<K, B, T, E>(
        &self,
        read: impl Fn(&mut TenantTx<'_, '_>, Option<&K>) -> Read<B, K, E> + Sync,
        mut write: impl FnMut(&mut TenantTx<'_, '_>, &B) -> Result<T, E>,
        mut committed: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E>
    where
        K: Clone + Send + Sync,
        B: Send,
        E: From<StoreError> + Send,
    {
        let read_on = |conn: &mut Conn<'_>, after: Option<&K>| {
            read(
                &mut TenantTx {
                    conn,
                    creditor: &self.creditor,
                },
                after,
            )
        };
        let mut write_on = |conn: &mut Conn<'_>, batch: &B| {
            write(
                &mut TenantTx {
                    conn,
                    creditor: &self.creditor,
                },
                batch,
            )
        };
        match &self.pools {
            Pools::Sqlite(pool) => {
                let mut writer = pool.get().map_err(|e| E::from(StoreError::from(e)))?;
                let Ok(reader) = pool.get_timeout(READER_WAIT) else {
                    // No second connection free: read and write in turn.
                    drop(writer);
                    return self.batches_in_turn(&read_on, &mut write_on, &mut committed);
                };
                set_autocheckpoint(&mut writer, 0);
                let written = std::thread::scope(|scope| {
                    let (ask, asked) = mpsc::channel::<K>();
                    let (answer, answers) = mpsc::channel::<Read<B, K, E>>();
                    // The reader's word that its checkpoint after a read is over.
                    let (idle, idles) = mpsc::channel::<()>();
                    // Written batches, to be dropped on the reader's thread.
                    let (spend, spent) = mpsc::channel::<B>();
                    let read_on = &read_on;
                    scope.spawn(move || {
                        let mut reader = reader;
                        for after in asked {
                            let outcome = reader
                                .transaction(|c| {
                                    Ok::<_, Abort<E>>(read_on(&mut Conn::Sqlite(c), Some(&after)))
                                })
                                .unwrap_or_else(|abort| Err(abort.into_caller()));
                            if answer.send(outcome).is_err() {
                                return;
                            }
                            checkpoint(&mut reader, "PASSIVE");
                            if idle.send(()).is_err() {
                                return;
                            }
                            // While the writer writes the batch just read.
                            spent.try_iter().for_each(drop);
                        }
                    });
                    write_ahead_of_reader(
                        &mut writer,
                        read_on,
                        &mut write_on,
                        &mut committed,
                        &Reader {
                            ask,
                            answers,
                            idles,
                            spend,
                        },
                    )
                });
                set_autocheckpoint(&mut writer, AUTOCHECKPOINT_PAGES);
                checkpoint(&mut writer, "PASSIVE");
                written
            }
            Pools::SqliteReaders(_) => Err(E::from(StoreError::ReadOnly)),
            Pools::Pg(_) => self.batches_in_turn(&read_on, &mut write_on, &mut committed),
        }
    }

    /// Each batch read and written in one transaction, one after the other.
    fn batches_in_turn<K, B, T, E>(
        &self,
        read_on: ReadOn<'_, K, B, E>,
        write_on: &mut dyn FnMut(&mut Conn<'_>, &B) -> Result<T, E>,
        committed: &mut dyn FnMut(T) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
    {
        let mut after: Option<K> = None;
        loop {
            let step = self.pools.write(|conn| -> Result<_, E> {
                match read_on(conn, after.as_ref())? {
                    Some((batch, key)) => Ok(Some((write_on(conn, &batch)?, key))),
                    None => Ok(None),
                }
            })?;
            let Some((written, key)) = step else {
                return Ok(());
            };
            after = Some(key);
            committed(written)?;
        }
    }
}

/// The writer's lines to the reader: it asks for the batch after a key,
/// hears the batch, hears when the reader's checkpoint that follows each
/// read is over, and hands back each batch it wrote.
struct Reader<K, B, E> {
    ask: mpsc::Sender<K>,
    answers: mpsc::Receiver<Read<B, K, E>>,
    idles: mpsc::Receiver<()>,
    spend: mpsc::Sender<B>,
}

/// The writer's side on SQLite: each batch comes from the reader when
/// nothing else was committed since it was read, else is read here.
fn write_ahead_of_reader<K, B, T, E>(
    writer: &mut SqliteConnection,
    read_on: ReadOn<'_, K, B, E>,
    write_on: &mut dyn FnMut(&mut Conn<'_>, &B) -> Result<T, E>,
    committed: &mut dyn FnMut(T) -> Result<(), E>,
    reader: &Reader<K, B, E>,
) -> Result<(), E>
where
    K: Clone,
    E: From<StoreError>,
{
    let mut after: Option<K> = None;
    let mut batches: u32 = 0;
    let mut unfinished_checkpoints: u32 = 0;
    let mut read_ahead: Option<Read<B, K, E>> = None;
    // `data_version` as the previous batch began.
    let mut version_seen: Option<i64> = None;
    loop {
        let step = writer.immediate_transaction(|c| {
            // SQLite's count of the commits other connections made, as this
            // connection sees it.
            let version = sqlite_pragma(c, "data_version")?;
            let unchanged = version_seen == Some(version);
            version_seen = Some(version);
            let batch = match read_ahead.take() {
                Some(ahead) if unchanged => ahead,
                _ => read_on(&mut Conn::Sqlite(c), after.as_ref()),
            }
            .map_err(Abort::Caller)?;
            let Some((batch, key)) = batch else {
                return Ok(None);
            };
            // A reader that is gone leaves the next batch to this side.
            let asked = reader.ask.send(key.clone()).is_ok();
            let written = write_on(&mut Conn::Sqlite(c), &batch).map_err(Abort::Caller)?;
            // A reader that is gone leaves it to be dropped here.
            let _ = reader.spend.send(batch);
            // Committed only once the next batch is read: see module doc.
            read_ahead = if asked {
                unfinished_checkpoints += 1;
                reader.answers.recv().ok()
            } else {
                None
            };
            Ok(Some((written, key)))
        });
        note_write();
        let Some((written, key)) = step.map_err(Abort::into_caller)? else {
            return Ok(());
        };
        after = Some(key);
        batches += 1;
        if batches.is_multiple_of(WRITER_CHECKPOINT_EVERY) {
            // Copies what the reader's checkpoints left, once they are over.
            for _ in 0..std::mem::take(&mut unfinished_checkpoints) {
                if reader.idles.recv().is_err() {
                    break;
                }
            }
            // Passive, as SQLite's own: a long read elsewhere (an export)
            // keeps its pages in the WAL, and this does not wait for it.
            checkpoint(writer, "PASSIVE");
        }
        committed(written)?;
    }
}
