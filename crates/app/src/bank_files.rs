//! Bank files — "Fichiers bancaires" (PRODUCT.md §12): written from their
//! stored entries (the same bytes every time), sent, discarded, listed.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_bankfiles::{
    Collection, CreditorParty, MessageHeader, Pain008Writer, PaymentBlock, Totals,
};
use prelevo_domain::{
    BankFileEvent, BankFileId, BankFileStatus, Clock, Currency, DiscardReason, MandateId, Money,
    PaymentId,
};
use prelevo_store::{Actor, BankFileRecord, FileBlock, FileEntry, Position, TenantStore, TenantTx};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::audit::{Audited, record_change};

impl Audited for BankFileRecord {
    const ENTITY: &'static str = "bank_file";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "message_id": self.message_id,
            "status": self.status.as_str(),
            "transactions": self.transactions,
            "control_sum_cents": self.control_sum.minor(),
            "sha256": self.sha256,
            "discard_reason": self.discarded.as_ref().map(|(_, why)| why.code()),
        })
    }

    fn changed_at(&self) -> Timestamp {
        self.sent_at
            .or(self.discarded.as_ref().map(|(at, _)| *at))
            .unwrap_or(self.created_at)
    }
}

/// Collections read from the database per page while writing a file.
const ENTRIES_PAGE: i64 = 2_000;

/// Bytes of XML gathered before they are hashed and written.
const WRITE_BUFFER: usize = 64 * 1024;

/// A writer that passes bytes on and keeps their SHA-256 and count.
struct Digesting<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(written) = buf.get(..n) {
            self.hasher.update(written);
        }
        self.size += u64::try_from(n).unwrap_or(u64::MAX);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What writing a file produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// How many bytes.
    pub size: u64,
}

fn writing(error: impl std::fmt::Display) -> AppError {
    AppError::System(format!("cannot write the bank file: {error}"))
}

/// Sends file `id`'s entries page by page until they end, the receiver is
/// gone, or a read fails (the failure is sent).
fn read_entries(
    tenant: &TenantStore,
    id: &BankFileId,
    pages: &std::sync::mpsc::SyncSender<Result<Vec<FileEntry>, AppError>>,
) {
    let mut after = 0;
    loop {
        let page = tenant.read(|tx| tx.file_entries(id, after, ENTRIES_PAGE));
        let page = match page {
            Ok(page) if page.is_empty() => return,
            Ok(page) => page,
            Err(error) => {
                let _ = pages.send(Err(error.into()));
                return;
            }
        };
        after = page.last().map_or(after, |e| e.position);
        if pages.send(Ok(page)).is_err() {
            return;
        }
    }
}

/// A file's entries in order, as the reading thread sends them.
struct Entries {
    pages: std::sync::mpsc::Receiver<Result<Vec<FileEntry>, AppError>>,
    page: std::vec::IntoIter<FileEntry>,
}

impl Entries {
    fn next(&mut self, id: &BankFileId) -> Result<FileEntry, AppError> {
        loop {
            if let Some(entry) = self.page.next() {
                return Ok(entry);
            }
            self.page = self
                .pages
                .recv()
                .map_err(|_| writing(format!("file {id} has fewer collections than its blocks")))??
                .into_iter();
        }
    }
}

/// Writes the message: header, then each block and its collections.
fn write_blocks<W: Write>(
    out: W,
    file: &BankFileRecord,
    header: &MessageHeader,
    party: &CreditorParty,
    blocks: &[FileBlock],
    entries: &mut Entries,
) -> Result<(), AppError> {
    let mut writer = Pain008Writer::start(out, file.format, header).map_err(writing)?;
    for (n, block) in blocks.iter().enumerate() {
        writer
            .begin_block(&PaymentBlock {
                id: format!("{}-{}", file.message_id, n + 1),
                scheme: block.scheme,
                sequence: block.sequence,
                collection_date: block.due_on,
                batch_booking: file.batch_booking,
                creditor: party.clone(),
                totals: Totals {
                    transactions: block.transactions,
                    control_sum: Money::from_minor(block.sum_cents, Currency::EUR),
                },
            })
            .map_err(writing)?;
        for _ in 0..block.transactions {
            let entry = entries.next(&file.id)?;
            writer
                .collection(&Collection {
                    end_to_end_id: entry.end_to_end_id,
                    amount: entry.amount,
                    mandate: entry.mandate,
                    signed_on: entry.signed_on,
                    amendment: entry.amendment,
                    debtor: entry.debtor,
                    remittance: entry.remittance,
                })
                .map_err(writing)?;
        }
        writer.end_block().map_err(writing)?;
    }
    writer.finish().map_err(writing)?;
    Ok(())
}

/// Writes file `id` to `out` from its stored entries, streaming them page
/// by page (constant memory whatever its size): the same bytes every time.
pub fn write_bank_file<W: Write>(
    tenant: &TenantStore,
    id: &BankFileId,
    out: W,
) -> Result<WrittenFile, AppError> {
    let (file, creditor, blocks) = tenant
        .read(|tx| Ok::<_, AppError>((tx.bank_file(id)?, tx.creditor()?, tx.file_blocks(id)?)))?;
    let created = creditor.timezone.tz().to_datetime(file.created_at);
    let header = MessageHeader {
        message_id: file.message_id.clone(),
        created_at: created,
        initiating_party: creditor.name.as_str().to_owned(),
        totals: Totals {
            transactions: file.transactions,
            control_sum: file.control_sum,
        },
    };
    let party = CreditorParty {
        name: creditor.name.as_str().to_owned(),
        iban: creditor.iban.clone(),
        bic: creditor.bic.clone(),
        identifier: creditor.ics.clone(),
    };
    let mut sink = Digesting {
        inner: out,
        hasher: Sha256::new(),
        size: 0,
    };
    // One thread reads the entries from the database while this one writes
    // the XML: a page or two ahead, so memory stays bounded.
    let (pages, received) = std::sync::mpsc::sync_channel(2);
    std::thread::scope(|scope| {
        scope.spawn(move || read_entries(tenant, id, &pages));
        let mut entries = Entries {
            pages: received,
            page: Vec::new().into_iter(),
        };
        // The XML comes a few bytes at a time: hashed and passed on in
        // large pieces (per-call costs were a third of the writing thread).
        let mut buffered = std::io::BufWriter::with_capacity(WRITE_BUFFER, &mut sink);
        write_blocks(&mut buffered, &file, &header, &party, &blocks, &mut entries)?;
        buffered.flush().map_err(writing)
    })?;
    sink.flush().map_err(writing)?;
    Ok(WrittenFile {
        sha256: hex::encode(sink.hasher.finalize()),
        size: sink.size,
    })
}

/// Writes a file made by a run once, to record its hash and size; a file
/// that cannot be written is removed, and its collections go into the
/// next one.
pub(crate) fn seal_file(tenant: &TenantStore, id: &BankFileId) -> Result<WrittenFile, AppError> {
    match write_bank_file(tenant, id, std::io::sink()) {
        Ok(written) => {
            tenant.write(|tx| tx.set_file_content(id, &written.sha256, written.size))?;
            Ok(written)
        }
        Err(error) => {
            tenant.write(|tx| tx.remove_unwritten_file(id))?;
            Err(error)
        }
    }
}

/// Marks a written, pending file as sent: its payments become `executing`.
pub fn send_bank_file(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &BankFileId,
) -> Result<BankFileRecord, AppError> {
    let now = clock.now();
    tenant.write(|tx| mark_sent(tx, id, now, actor))
}

/// Marks pending file `id` sent in `tx`.
fn mark_sent(
    tx: &mut TenantTx<'_, '_>,
    id: &BankFileId,
    now: Timestamp,
    actor: &Actor,
) -> Result<BankFileRecord, AppError> {
    let before = tx.bank_file(id)?;
    if before.sha256.is_none() {
        return Err(AppError::Conflict(format!(
            "bank file {} is not written yet: run the collection again",
            before.message_id
        )));
    }
    let mut after = before.clone();
    after.status = before
        .status
        .apply(BankFileEvent::Send)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    after.sent_at = Some(now);
    tx.save_file_status(&after, actor)?;
    record_change(tx, actor, "sent", Some(&before), &after)?;
    Ok(after)
}

/// What `files send` did with the pending files.
#[derive(Debug, Default)]
pub struct SendReport {
    /// Files written into the folder and marked sent, with their path.
    pub sent: Vec<(BankFileRecord, PathBuf)>,
    /// Files left pending, with why (each names the file).
    pub refused: Vec<AppError>,
}

/// Writes every pending file into `dir` (as `<message id>.xml`) and marks
/// it sent, one file at a time, oldest first. A file appears in `dir` only
/// in the transaction that marks it sent, so a payment cancelled meanwhile
/// either keeps the file out of `dir` or is refused as already sent. A
/// file is refused, and left pending, when its bytes differ from those
/// recorded when it was made, when the bank's cut-off for its first due
/// date has passed, or when another file has its name in `dir`; a file
/// with its name and its bytes is one an interrupted send left there.
pub fn send_pending_files_to(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    dir: &Path,
) -> Result<SendReport, AppError> {
    let pending = tenant
        .read(|tx| tx.bank_files(Some(BankFileStatus::Pending), Position::Start, i64::MAX))?;
    let mut report = SendReport::default();
    // Oldest first: the order the run made them.
    for file in pending.into_iter().rev() {
        if file.sha256.is_none() {
            continue;
        }
        match send_one_to(tenant, clock, actor, &file, dir) {
            Ok(sent) => report.sent.push(sent),
            Err(error @ (AppError::Conflict(_) | AppError::NotFound(_))) => {
                report.refused.push(error);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(report)
}

fn send_one_to(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    file: &BankFileRecord,
    dir: &Path,
) -> Result<(BankFileRecord, PathBuf), AppError> {
    let expected = file.sha256.clone().unwrap_or_default();
    let path = dir.join(format!("{}.xml", file.message_id));
    if path.exists() {
        // Left by a send interrupted between the folder and the database:
        // the bank may have taken it already (in time or not), so it is
        // marked, not rewritten.
        let there = hash_of(&path)?;
        if there != expected {
            return Err(AppError::Conflict(format!(
                "{}: another file already has this name; bank file {} was not sent \
                 (use a folder per creditor)",
                path.display(),
                file.message_id
            )));
        }
        let now = clock.now();
        let sent = tenant.write(|tx| mark_sent(tx, &file.id, now, actor))?;
        return Ok((sent, path));
    }
    check_in_time(tenant, clock, file)?;
    // A hidden name until complete: a folder watcher never takes a part.
    let mut partial = tempfile::Builder::new()
        .prefix(".prelevo-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(writing)?;
    let written = write_bank_file(tenant, &file.id, partial.as_file_mut())?;
    if written.sha256 != expected {
        return Err(AppError::System(format!(
            "bank file {} no longer gives the bytes recorded when it was made \
             (SHA-256 {} instead of {expected}); it was not sent",
            file.message_id, written.sha256
        )));
    }
    partial.as_file().sync_all().map_err(writing)?;
    let now = clock.now();
    let mut placed = false;
    let outcome = tenant.write(|tx| {
        let sent = mark_sent(tx, &file.id, now, actor)?;
        // Placed last, and kept only if the transaction commits.
        partial
            .persist_noclobber(&path)
            .map_err(|e| writing(e.error))?;
        placed = true;
        Ok::<_, AppError>(sent)
    });
    match outcome {
        Ok(sent) => {
            sync_folder(dir);
            Ok((sent, path))
        }
        Err(error) => {
            if placed {
                // The commit failed after the file was placed: take it back.
                let _ = std::fs::remove_file(&path);
            }
            Err(error)
        }
    }
}

/// Refuses a file whose first due date the bank can no longer make.
fn check_in_time(
    tenant: &TenantStore,
    clock: &dyn Clock,
    file: &BankFileRecord,
) -> Result<(), AppError> {
    let now = clock.now();
    let missed = tenant.read(|tx| {
        let blocks = tx.file_blocks(&file.id)?;
        missed_cutoff(tx, file, &blocks, now)
    })?;
    match missed {
        None => Ok(()),
        Some(missed) => Err(AppError::Conflict(format!(
            "bank file {} is too late: its first collections are due on {}, \
             and a file sent now can carry {} at the earliest; it was not sent \
             (discard it: the next run puts its collections in a new file)",
            file.message_id, missed.first_due, missed.earliest
        ))),
    }
}

/// A pending file that can no longer make its first due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissedCutoff {
    /// The file's first due date.
    pub first_due: Date,
    /// The earliest due date a file sent now can carry.
    pub earliest: Date,
}

/// A file as its page shows it: the file, its payment blocks, and whether
/// it missed the bank's cut-off, read at once.
#[derive(Debug, Clone)]
pub struct FileOverview {
    /// The file.
    pub file: BankFileRecord,
    /// Its payment blocks (PmtInf).
    pub blocks: Vec<FileBlock>,
    /// Pending after the cut-off for its first due date.
    pub missed: Option<MissedCutoff>,
}

/// File `id`, its blocks and whether it missed its cut-off.
pub fn file_overview(
    tenant: &TenantStore,
    clock: &dyn Clock,
    id: &BankFileId,
) -> Result<FileOverview, AppError> {
    let now = clock.now();
    tenant.read(|tx| {
        let file = tx.bank_file(id)?;
        let blocks = tx.file_blocks(id)?;
        let missed = missed_cutoff(tx, &file, &blocks, now)?;
        Ok(FileOverview {
            file,
            blocks,
            missed,
        })
    })
}

/// When pending `file` (of `blocks`) was not sent before the bank's cut-off
/// for its first due date: the dates, else `None` (a sent or discarded file
/// is never late).
fn missed_cutoff(
    tx: &mut TenantTx<'_, '_>,
    file: &BankFileRecord,
    blocks: &[FileBlock],
    now: Timestamp,
) -> Result<Option<MissedCutoff>, AppError> {
    let first_due = blocks.iter().map(|b| b.due_on).min();
    let (BankFileStatus::Pending, Some(first_due)) = (file.status, first_due) else {
        return Ok(None);
    };
    let (creditor, profile) = (tx.creditor()?, tx.bank_profile()?);
    let now_local = creditor.timezone.tz().to_datetime(now);
    let earliest = profile
        .submission_rule()
        .earliest_due_date(now_local)
        .map_err(|e| AppError::System(e.to_string()))?;
    Ok((first_due < earliest).then_some(MissedCutoff {
        first_due,
        earliest,
    }))
}

fn hash_of(path: &Path) -> Result<String, AppError> {
    let mut digest = Digesting {
        inner: std::io::sink(),
        hasher: Sha256::new(),
        size: 0,
    };
    let mut existing = std::fs::File::open(path).map_err(writing)?;
    std::io::copy(&mut existing, &mut digest).map_err(writing)?;
    Ok(hex::encode(digest.hasher.finalize()))
}

/// Makes the new name durable; a folder that cannot be opened (some
/// network shares) keeps the file anyway.
fn sync_folder(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// Discards the pending files holding any of `payments` (one of them was
/// cancelled or changed): their collections go into the next file.
pub(crate) fn discard_files_holding(
    tx: &mut TenantTx<'_, '_>,
    payments: &[PaymentId],
    why: DiscardReason,
    at: Timestamp,
    actor: &Actor,
) -> Result<(), AppError> {
    if payments.is_empty() {
        return Ok(());
    }
    let holding = tx.pending_files_holding(payments)?;
    discard(tx, holding, why, at, actor)
}

/// Discards the pending files holding collections on `mandate` (it
/// changed: the files carry its former details).
pub(crate) fn discard_files_of_mandate(
    tx: &mut TenantTx<'_, '_>,
    mandate: &MandateId,
    at: Timestamp,
    actor: &Actor,
) -> Result<(), AppError> {
    let holding = tx.pending_files_of_mandate(mandate)?;
    discard(tx, holding, DiscardReason::MandateChanged, at, actor)
}

/// Discards every pending file: the creditor's details they carry
/// changed.
pub(crate) fn discard_pending_files(
    tx: &mut TenantTx<'_, '_>,
    at: Timestamp,
    actor: &Actor,
) -> Result<(), AppError> {
    let pending = tx.bank_files(Some(BankFileStatus::Pending), Position::Start, i64::MAX)?;
    discard(tx, pending, DiscardReason::CreditorChanged, at, actor)
}

/// Discards a pending file at the creditor's request (it missed the bank's
/// cut-off, or will not be sent): its collections go into the next run's
/// file, moved to the first date the bank can still make.
pub fn discard_bank_file(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &BankFileId,
) -> Result<BankFileRecord, AppError> {
    let now = clock.now();
    tenant.write(|tx| {
        let before = tx.bank_file(id)?;
        let after = discarded(&before, DiscardReason::ByCreditor, now)?;
        tx.save_file_status(&after, actor)?;
        record_change(tx, actor, "discarded", Some(&before), &after)?;
        Ok(after)
    })
}

fn discard(
    tx: &mut TenantTx<'_, '_>,
    files: Vec<BankFileRecord>,
    why: DiscardReason,
    at: Timestamp,
    actor: &Actor,
) -> Result<(), AppError> {
    for before in files {
        let after = discarded(&before, why.clone(), at)?;
        tx.save_file_status(&after, actor)?;
        record_change(tx, actor, "discarded", Some(&before), &after)?;
    }
    Ok(())
}

/// `before` discarded for `why`; only a pending file can be.
fn discarded(
    before: &BankFileRecord,
    why: DiscardReason,
    at: Timestamp,
) -> Result<BankFileRecord, AppError> {
    let mut after = before.clone();
    after.status = before
        .status
        .apply(BankFileEvent::Discard)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    after.discarded = Some((at, why));
    Ok(after)
}

/// One of the creditor's bank files.
pub fn bank_file(tenant: &TenantStore, id: &BankFileId) -> Result<BankFileRecord, AppError> {
    Ok(tenant.read(|tx| tx.bank_file(id))?)
}

/// A page of the creditor's bank files, newest first.
pub fn bank_files(
    tenant: &TenantStore,
    status: Option<BankFileStatus>,
    position: Position<BankFileId>,
    limit: i64,
) -> Result<Vec<BankFileRecord>, AppError> {
    Ok(tenant.read(|tx| tx.bank_files(status, position, limit))?)
}
