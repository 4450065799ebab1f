//! Bank files and their collections: one creditor's, through its tenant
//! handle only.
//!
//! Making a file is set-based: one statement picks the collections due,
//! decides each one's sequence type, orders them into payment blocks and
//! copies what the file needs from the payment and its mandate into
//! `bank_file_entries`. The file is then written (and written again, byte
//! for byte, whenever asked) from those entries alone.

use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_domain::{
    Amendment, BankFileId, BankFileStatus, Bic, Currency, DebtorAccount, DiscardReason, EndToEndId,
    FirstCollection, Iban, MandateId, MandateRef, Money, OriginalAccount, Pain008Version,
    PaymentCause, PaymentId, PaymentStatus, Scheme, SequenceType,
};

use crate::engine::on_each_engine;
use crate::payment_causes;
use crate::schema::{bank_file_blocks, bank_file_entries, bank_files, payments};
use crate::sql_types::{DbInstant, UtcInstant};
use crate::tally::tally_in_status;
use crate::{Actor, Position, StoreError, Tally, TenantTx};

/// A bank file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankFileRecord {
    /// `file_…`
    pub id: BankFileId,
    /// The message id (`MsgId`), unique per creditor.
    pub message_id: String,
    /// The pain.008 version it is written in.
    pub format: Pain008Version,
    /// Whether its blocks are booked as one entry each.
    pub batch_booking: bool,
    /// The business day whose run made it.
    pub run_on: Date,
    /// Its state.
    pub status: BankFileStatus,
    /// How many collections.
    pub transactions: u64,
    /// Their sum.
    pub control_sum: Money,
    /// SHA-256 of its content, hex; `None` until written.
    pub sha256: Option<String>,
    /// Its size in bytes, once written.
    pub size_bytes: Option<u64>,
    /// When it was made (its `CreDtTm`).
    pub created_at: Timestamp,
    /// When it was sent.
    pub sent_at: Option<Timestamp>,
    /// When and why it was discarded.
    pub discarded: Option<(Timestamp, DiscardReason)>,
}

/// One payment block of a file: the collections of one scheme, sequence
/// type and due date, counted and added up by the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBlock {
    /// CORE or B2B.
    pub scheme: Scheme,
    /// FRST, RCUR, OOFF or FNAL.
    pub sequence: SequenceType,
    /// The due date.
    pub due_on: Date,
    /// How many collections.
    pub transactions: u64,
    /// Their sum, in cents.
    pub sum_cents: i64,
}

/// One collection of a file, as copied when the file was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Its place in the file (blocks in order, then payment id).
    pub position: i64,
    /// The payment.
    pub payment_id: PaymentId,
    /// Its block's scheme.
    pub scheme: Scheme,
    /// Its block's sequence type.
    pub sequence: SequenceType,
    /// Its block's due date.
    pub due_on: Date,
    /// The amount.
    pub amount: Money,
    /// The payment's end-to-end id.
    pub end_to_end_id: EndToEndId,
    /// The text the debtor sees.
    pub remittance: Option<String>,
    /// The mandate's UMR.
    pub mandate: MandateRef,
    /// When the mandate was signed.
    pub signed_on: Date,
    /// The debtor.
    pub debtor: DebtorAccount,
    /// What changed on the mandate since its last collection.
    pub amendment: Amendment,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(
    table_name = bank_files,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct BankFileRow {
    id: String,
    creditor_id: String,
    message_id: String,
    format: String,
    batch_booking: bool,
    run_on: String,
    status: String,
    transactions: i64,
    control_sum_cents: i64,
    sha256: Option<String>,
    size_bytes: Option<i64>,
    created_at: DbInstant,
    sent_at: Option<DbInstant>,
    discarded_at: Option<DbInstant>,
    discard_reason: Option<String>,
}

impl BankFileRow {
    fn into_domain(self) -> Result<BankFileRecord, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "bank file",
            id: id.clone(),
            reason,
        };
        let count = |n: i64| u64::try_from(n).map_err(|e| corrupt(e.to_string()));
        Ok(BankFileRecord {
            id: BankFileId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            message_id: self.message_id,
            format: Pain008Version::parse(&self.format).map_err(|e| corrupt(e.to_string()))?,
            batch_booking: self.batch_booking,
            run_on: self
                .run_on
                .parse::<Date>()
                .map_err(|e| corrupt(e.to_string()))?,
            status: BankFileStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            transactions: count(self.transactions)?,
            control_sum: Money::from_minor(self.control_sum_cents, Currency::EUR),
            sha256: self.sha256,
            size_bytes: self.size_bytes.map(count).transpose()?,
            created_at: self.created_at.get(),
            sent_at: self.sent_at.map(DbInstant::get),
            discarded: self.discarded_at.map(|at| {
                let why = self.discard_reason.unwrap_or_default();
                (at.get(), DiscardReason::from_stored(&why))
            }),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = bank_file_entries)]
struct EntryRow {
    position: i64,
    payment_id: String,
    scheme: String,
    sequence_type: String,
    due_on: String,
    amount_cents: i64,
    end_to_end_id: String,
    remittance: Option<String>,
    mandate_reference: String,
    signed_on: String,
    debtor_name: String,
    iban: String,
    bic: Option<String>,
    original_reference: Option<String>,
    original_debtor_name: Option<String>,
    original_account: Option<String>,
    original_debtor_agent: Option<String>,
}

impl EntryRow {
    fn into_domain(self) -> Result<FileEntry, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "bank file entry",
            id: self.payment_id.clone(),
            reason,
        };
        let date = |text: &str| text.parse::<Date>().map_err(|e| corrupt(e.to_string()));
        let bic = |text: Option<String>| {
            text.as_deref()
                .map(Bic::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))
        };
        let original_account = match self.original_account.as_deref() {
            None => None,
            Some("SMNDA") => Some(OriginalAccount::Smnda),
            Some(iban) => Some(OriginalAccount::Iban(
                Iban::parse(iban).map_err(|e| corrupt(e.to_string()))?,
            )),
        };
        Ok(FileEntry {
            position: self.position,
            payment_id: PaymentId::parse(&self.payment_id).map_err(|e| corrupt(e.to_string()))?,
            scheme: Scheme::parse(&self.scheme).map_err(|e| corrupt(e.to_string()))?,
            sequence: SequenceType::parse(&self.sequence_type)
                .ok_or_else(|| corrupt(format!("sequence type {:?}", self.sequence_type)))?,
            due_on: date(&self.due_on)?,
            amount: Money::from_minor(self.amount_cents, Currency::EUR),
            end_to_end_id: EndToEndId::parse(&self.end_to_end_id)
                .map_err(|e| corrupt(e.to_string()))?,
            remittance: self.remittance,
            mandate: MandateRef::parse(&self.mandate_reference)
                .map_err(|e| corrupt(e.to_string()))?,
            signed_on: date(&self.signed_on)?,
            debtor: DebtorAccount {
                name: self.debtor_name,
                iban: Iban::parse(&self.iban).map_err(|e| corrupt(e.to_string()))?,
                bic: bic(self.bic)?,
            },
            amendment: Amendment {
                original_reference: self
                    .original_reference
                    .as_deref()
                    .map(MandateRef::parse)
                    .transpose()
                    .map_err(|e| corrupt(e.to_string()))?,
                original_debtor_name: self.original_debtor_name,
                original_account,
                original_debtor_agent: bic(self.original_debtor_agent)?,
            },
        })
    }
}

/// The work table of one staging, dropped at its end (in the transaction).
const STAGED_TABLE: &str = "
CREATE TEMPORARY TABLE staged_collections (
    position INTEGER PRIMARY KEY,
    payment_id TEXT NOT NULL,
    mandate_id TEXT NOT NULL,
    due_on TEXT NOT NULL,
    scheme TEXT NOT NULL,
    sequence_type TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    -- Where the payment and the mandate are, for the copy into the files
    -- (SQLite's rowids; none on PostgreSQL, which copies by id).
    payment_row BIGINT,
    mandate_row BIGINT
)";

/// The collections to send now, each with its sequence type and its place
/// in the files, into `staged_collections`: `$1` creditor, `$2` last due
/// date to send, `$3` the bank's first-collection rule.
///
/// The sequence type follows `prelevo_domain::next_sequence` (a store test
/// compares them on every case): OOFF on a one-off mandate; for a bank that
/// wants FRST, FRST on the first collection due of a mandate whose first is
/// still to come, FNAL on a plan's last when no other plan uses the mandate
/// (one to come, or one with a collection waiting); RCUR otherwise. While a
/// mandate's FRST waits in a pending file, its other collections wait too:
/// staged now, they would be a second FRST, or an RCUR the bank could get
/// before the FRST. Once that file is sent they go as RCUR; if it is
/// discarded, with its FRST again. `{rank}` and `{first}` find the first
/// collection due of a mandate (see [`FIRST_DUE_SQLITE`] and
/// [`FIRST_DUE_POSTGRES`]). `{rows}` keeps where each payment and mandate
/// is (see [`ROWS_SQLITE`]).
///
/// `{order}` numbers the collections in file order (see
/// [`FILE_ORDER_SQLITE`] and [`FILE_ORDER_POSTGRES`]). Only the keys are
/// sorted (narrow rows); the wide columns are copied by primary key
/// afterwards. The work table also keeps the statement from
/// reading `bank_file_entries` while writing it (SQLite would first copy
/// the whole result aside). `CROSS JOIN` keeps SQLite's loop on the
/// payments waiting to be sent (`payments_to_send`), never on all of the
/// creditor's mandates or all of its payments ever made; PostgreSQL plans
/// it as the inner join it is.
const STAGE_COLLECTIONS: &str = "
INSERT INTO staged_collections (position, payment_id, mandate_id, due_on, scheme, sequence_type, amount_cents, payment_row, mandate_row)
WITH pending_first AS MATERIALIZED (
    SELECT e.mandate_reference FROM bank_files f CROSS JOIN bank_file_entries e
    WHERE f.creditor_id = $1 AND f.status = 'pending' AND e.file_id = f.id
      AND e.sequence_type = 'FRST'
), due AS (
    SELECT p.id AS payment_id, p.plan_id, p.customer_id, p.mandate_id, p.due_on, p.last_instalment,
           p.amount_cents, m.scheme, m.kind AS mandate_kind, m.first_collection_pending{rank},
           {rows}
    FROM payments p CROSS JOIN mandates m
    WHERE m.id = p.mandate_id AND m.creditor_id = p.creditor_id AND p.creditor_id = $1
      AND p.status = 'to_execute' AND p.kind = 'sepa_direct_debit'
      AND p.due_on <= $2 AND m.status = 'active' AND m.reference IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM bank_file_entries e
                      WHERE e.creditor_id = p.creditor_id AND e.payment_id = p.id)
      AND NOT ($3 = 'frst' AND m.first_collection_pending
               AND m.reference IN (SELECT mandate_reference FROM pending_first))
), sequenced AS (
    SELECT payment_id, mandate_id, due_on, scheme, amount_cents, payment_row, mandate_row,
           CASE WHEN mandate_kind = 'one_off' THEN 'OOFF'
                WHEN $3 = 'frst' AND first_collection_pending AND {first} THEN 'FRST'
                WHEN $3 = 'frst' AND last_instalment AND NOT EXISTS (
                    SELECT 1 FROM plans o
                    WHERE o.creditor_id = $1 AND o.mandate_id = due.mandate_id
                      AND o.id <> due.plan_id
                      AND (o.status = 'active'
                           OR EXISTS (SELECT 1 FROM payments q
                                      WHERE q.plan_id = o.id AND q.status = 'to_execute'))
                ) THEN 'FNAL'
                ELSE 'RCUR' END AS sequence_type
    FROM due
)
{order}";

/// A mandate's first collection due on SQLite: none of the mandate's other
/// due collections comes before it. They are looked for among the
/// customer's payments (`payments_by_customer`), and only for a mandate
/// whose first is still to come: a `ROW_NUMBER()` window numbering every
/// mandate's collections sorted all of them (2.5 s of 4.7 at a million,
/// where nearly no mandate waits for its first). The lookup names the
/// customer and the mandate, both the creditor's (ids are unique across
/// creditors), not the creditor: named, it let SQLite walk every payment
/// waiting to be sent for each collection.
const FIRST_DUE_SQLITE: (&str, &str) = (
    "",
    "NOT EXISTS (
        SELECT 1 FROM payments q
        WHERE q.customer_id = due.customer_id AND q.mandate_id = due.mandate_id
          AND q.status = 'to_execute' AND q.kind = 'sepa_direct_debit' AND q.due_on <= $2
          AND (q.due_on < due.due_on OR (q.due_on = due.due_on AND q.id < due.payment_id))
          AND NOT EXISTS (SELECT 1 FROM bank_file_entries e
                          WHERE e.creditor_id = $1 AND e.payment_id = q.id))",
);

/// A mandate's first collection due on PostgreSQL: the first of its due
/// collections numbered by a window. Measured before staging took fresh
/// statistics (without them, and with hash joins), the lookup of
/// [`FIRST_DUE_SQLITE`] became, for each collection, a scan of every
/// payment waiting and a hash of every file entry; with the statistics it
/// has not been measured again at scale, so the window stays.
const FIRST_DUE_POSTGRES: (&str, &str) = (
    ", ROW_NUMBER() OVER (PARTITION BY p.mandate_id ORDER BY p.due_on, p.id) AS nth",
    "nth = 1",
);

/// File order on SQLite: `position` is the work table's rowid, so a row
/// inserted without one takes the next number, in the order the sorted
/// selection gives them. One sort, where a `ROW_NUMBER()` window costs a
/// sort and a pass over a million rows more (3.4 s of 9.4 at a million).
const FILE_ORDER_SQLITE: &str = "
SELECT NULL, payment_id, mandate_id, due_on, scheme, sequence_type, amount_cents,
       payment_row, mandate_row
FROM sequenced
ORDER BY scheme, sequence_type, due_on, payment_id";

/// File order on PostgreSQL, whose rows have no such number: a window.
const FILE_ORDER_POSTGRES: &str = "
SELECT ROW_NUMBER() OVER (ORDER BY scheme, sequence_type, due_on, payment_id),
       payment_id, mandate_id, due_on, scheme, sequence_type, amount_cents,
       payment_row, mandate_row
FROM sequenced";

/// Where a collection's payment and mandate are, on SQLite: their rowids.
/// The copy into the files then reads each by its place in the table,
/// where by id it searched the id's index first (0.6 s of CPU less to copy
/// a million).
const ROWS_SQLITE: (&str, &str) = (
    "p.rowid AS payment_row, m.rowid AS mandate_row",
    "p.rowid = s.payment_row AND m.rowid = s.mandate_row",
);

/// PostgreSQL copies by id (its rows' places change with every update).
const ROWS_POSTGRES: (&str, &str) = (
    "CAST(NULL AS BIGINT) AS payment_row, CAST(NULL AS BIGINT) AS mandate_row",
    "p.id = s.payment_id AND m.id = s.mandate_id",
);

/// The staged collections into files of `$3` collections named `$2`
/// followed by 0, 1, 2…, copying what the file says from the payment and
/// its mandate, found as `{rows}` says (the creditor's rows, where the
/// selection found them): `$1` creditor.
const STAGED_ENTRIES: &str = "
INSERT INTO bank_file_entries (
    file_id, position, creditor_id, payment_id, scheme, sequence_type, due_on, amount_cents,
    end_to_end_id, remittance, mandate_reference, signed_on, debtor_name, iban, bic,
    original_reference, original_debtor_name, original_account, original_debtor_agent)
SELECT $2 || CAST((s.position - 1) / $3 AS TEXT), s.position, $1, s.payment_id, s.scheme,
       s.sequence_type, s.due_on, s.amount_cents, p.end_to_end_id, p.remittance, m.reference,
       m.signed_on, m.debtor_name, m.iban, m.bic, m.original_reference, m.original_debtor_name,
       m.original_account, m.original_debtor_agent
FROM staged_collections s CROSS JOIN payments p CROSS JOIN mandates m
WHERE {rows}
ORDER BY s.position";

/// The staged files' payment blocks, counted and added up: `$1` creditor,
/// `$2` file id prefix, `$3` collections per file.
const STAGED_BLOCKS: &str = "
INSERT INTO bank_file_blocks (file_id, block, creditor_id, scheme, sequence_type, due_on, transactions, sum_cents)
SELECT $2 || CAST(file_no AS TEXT),
       ROW_NUMBER() OVER (PARTITION BY file_no ORDER BY MIN(position)),
       $1, scheme, sequence_type, due_on, COUNT(*), SUM(amount_cents)
FROM (SELECT (position - 1) / $3 AS file_no, position, scheme, sequence_type, due_on, amount_cents
      FROM staged_collections) AS staged
GROUP BY file_no, scheme, sequence_type, due_on";

/// History rows for a file's payments moving on: `$1` creditor, `$2` file,
/// `$3` from, `$4` to, `$5` when, `$6` cause, `$7` actor, `$8` the
/// cause's details.
const FILE_PAYMENTS_HISTORY: &str = "
INSERT INTO payment_events (creditor_id, payment_id, from_status, to_status, occurred_at, cause, actor, cause_details)
SELECT p.creditor_id, p.id, p.status, $4, $5, $6, $7, $8
FROM payments p
WHERE p.creditor_id = $1 AND p.status = $3
  AND p.id IN (SELECT payment_id FROM bank_file_entries WHERE creditor_id = $1 AND file_id = $2)";

/// Moves a file's payments: `$1` creditor, `$2` file, `$3` from, `$4` to,
/// `$5` when.
const FILE_PAYMENTS_MOVE: &str = "
UPDATE payments SET status = $4, updated_at = $5
WHERE creditor_id = $1 AND status = $3
  AND id IN (SELECT payment_id FROM bank_file_entries WHERE creditor_id = $1 AND file_id = $2)";

/// A sent file's mandates are collected on, as `Mandate::record_collection`
/// does one (a store test compares them): the first collection is made,
/// the last is the latest of the file's, and the amendment was reported.
/// `$1` creditor, `$2` file, `$3` when.
const FILE_MANDATES_COLLECTED: &str = "
UPDATE mandates SET first_collection_pending = FALSE, updated_at = $3,
       original_reference = NULL, original_debtor_name = NULL, original_account = NULL,
       original_debtor_agent = NULL,
       last_collection_on = CASE WHEN last_collection_on IS NULL OR last_collection_on < latest.due_on
                                 THEN latest.due_on ELSE last_collection_on END
FROM (SELECT mandate_reference, MAX(due_on) AS due_on FROM bank_file_entries
      WHERE creditor_id = $1 AND file_id = $2 GROUP BY mandate_reference) AS latest
WHERE mandates.creditor_id = $1 AND mandates.reference = latest.mandate_reference
  AND mandates.status = 'active'";

/// History rows for collections late for their date: `$1` creditor, `$2`
/// the first date a file made now reaches, `$3` when, `$4` actor.
const LATE_HISTORY: &str = "
INSERT INTO payment_events (creditor_id, payment_id, from_status, to_status, occurred_at, cause, cause_details, actor)
SELECT creditor_id, id, status, status, $3, 'moved_late', '{\"from\":\"' || due_on || '\",\"to\":\"' || $2 || '\"}', $4
FROM payments
WHERE creditor_id = $1 AND status = 'to_execute' AND kind = 'sepa_direct_debit' AND due_on < $2
  AND NOT EXISTS (SELECT 1 FROM bank_file_entries e WHERE e.creditor_id = payments.creditor_id AND e.payment_id = payments.id)";

/// Moves those collections to that date: `$1` creditor, `$2` date, `$3` when.
const LATE_MOVE: &str = "
UPDATE payments SET due_on = $2, updated_at = $3
WHERE creditor_id = $1 AND status = 'to_execute' AND kind = 'sepa_direct_debit' AND due_on < $2
  AND NOT EXISTS (SELECT 1 FROM bank_file_entries e WHERE e.creditor_id = payments.creditor_id AND e.payment_id = payments.id)";

/// History rows for direct debits whose settlement date came without a
/// return (a card payment is executed by its gateway's answer): `$1` creditor, `$2` the day, `$3` when, `$4` actor.
const SETTLED_HISTORY: &str = "
INSERT INTO payment_events (creditor_id, payment_id, from_status, to_status, occurred_at, cause, cause_details, actor)
SELECT creditor_id, id, status, 'executed', $3, 'settled', '{\"due_on\":\"' || due_on || '\"}', $4
FROM payments
WHERE creditor_id = $1 AND status = 'executing' AND kind = 'sepa_direct_debit' AND due_on <= $2";

/// Executes those collections: `$1` creditor, `$2` the day, `$3` when.
const SETTLED_MOVE: &str = "
UPDATE payments SET status = 'executed', updated_at = $3
WHERE creditor_id = $1 AND status = 'executing' AND kind = 'sepa_direct_debit' AND due_on <= $2";

/// A raw statement written once for both engines with PostgreSQL's `$n`
/// parameters; SQLite gets them as `?n`, its own numbered form (its `$n` is
/// a named parameter, numbered in order of first use).
macro_rules! raw {
    ($conn:expr, $sql:expr $(, $ty:ty => $value:expr)* $(,)?) => {
        match $conn {
            $crate::engine::Conn::Sqlite(c) => diesel::sql_query($sql.replace('$', "?"))
                $(.bind::<$ty, _>($value))*
                .execute(&mut **c),
            $crate::engine::Conn::Pg(c) => diesel::sql_query($sql)
                $(.bind::<$ty, _>($value))*
                .execute(&mut **c),
        }
    };
}

impl TenantTx<'_, '_> {
    /// Runs `settings` on PostgreSQL (SQLite has no such knobs).
    fn on_postgres(&mut self, settings: &str) -> Result<(), StoreError> {
        if let crate::engine::Conn::Pg(c) = &mut self.conn {
            diesel::connection::SimpleConnection::batch_execute(&mut **c, settings)?;
        }
        Ok(())
    }

    /// Plans the rest of this transaction for statements over many rows at
    /// once. On PostgreSQL, rows inserted moments ago (the day's
    /// instalments) are not in the statistics yet: the planner, thinking
    /// them few, would loop over them with a nested loop, one scan of the
    /// other table per row. Hash joins suit these statements at any size.
    fn set_based(&mut self) -> Result<(), StoreError> {
        self.on_postgres("SET LOCAL enable_nestloop = off")
    }

    /// Takes fresh statistics of the tables staging reads, on PostgreSQL.
    /// The day's instalments were inserted moments before: with no
    /// statistics yet (a book imported today) or last month's (few
    /// payments waiting then), the planner took the lookup of a plan's
    /// other waiting payments (FNAL) for a scan of every waiting payment,
    /// once per last instalment: 40 000 collections staged in 24.5 s
    /// instead of 1.3 s, a million would have taken hours. A sample of
    /// each table costs a fraction of a second.
    fn refresh_statistics(&mut self) -> Result<(), StoreError> {
        self.on_postgres("ANALYZE payments, plans, mandates, bank_file_entries, bank_files")
    }

    /// Moves the collections not yet in a file and due before `first_date`
    /// to it (a file made now cannot make an earlier date), keeping each
    /// move in the payment's history. Returns how many moved.
    pub fn move_late_collections(
        &mut self,
        first_date: Date,
        at: Timestamp,
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        let tenant = self.tenant().to_owned();
        let day = first_date.to_string();
        let at = DbInstant::from(at);
        raw!(self.conn, LATE_HISTORY, Text => &tenant, Text => &day, UtcInstant => at, Text => actor.label())?;
        Ok(raw!(self.conn, LATE_MOVE, Text => &tenant, Text => &day, UtcInstant => at)?)
    }

    /// Copies every collection due on or before `send_until` and not in a
    /// file yet into files of at most `per_file` collections, named
    /// `prefix` followed by 0, 1, 2…, with their payment blocks; returns
    /// how many were copied.
    pub fn stage_collections(
        &mut self,
        prefix: &str,
        send_until: Date,
        rule: FirstCollection,
        per_file: u32,
    ) -> Result<u64, StoreError> {
        let tenant = self.tenant().to_owned();
        let per_file = i64::from(per_file.max(1));
        self.refresh_statistics()?;
        self.set_based()?;
        raw!(self.conn, STAGED_TABLE)?;
        let (order, (rank, first), (rows, by_rows)) = match self.conn {
            crate::engine::Conn::Sqlite(_) => (FILE_ORDER_SQLITE, FIRST_DUE_SQLITE, ROWS_SQLITE),
            crate::engine::Conn::Pg(_) => (FILE_ORDER_POSTGRES, FIRST_DUE_POSTGRES, ROWS_POSTGRES),
        };
        let staged = raw!(
            self.conn,
            STAGE_COLLECTIONS
                .replace("{rank}", rank)
                .replace("{first}", first)
                .replace("{rows}", rows)
                .replace("{order}", order),
            Text => &tenant,
            Text => send_until.to_string(),
            Text => rule.as_str(),
        )?;
        raw!(
            self.conn,
            STAGED_ENTRIES.replace("{rows}", by_rows),
            Text => &tenant,
            Text => prefix,
            BigInt => per_file,
        )?;
        raw!(self.conn, STAGED_BLOCKS, Text => &tenant, Text => prefix, BigInt => per_file)?;
        raw!(self.conn, "DROP TABLE staged_collections")?;
        Ok(u64::try_from(staged).unwrap_or(0))
    }

    /// The count and sum of a staged file's collections.
    pub fn staged_totals(&mut self, file: &BankFileId) -> Result<(u64, i64), StoreError> {
        let blocks = self.file_blocks(file)?;
        Ok((
            blocks.iter().map(|b| b.transactions).sum(),
            blocks.iter().map(|b| b.sum_cents).sum(),
        ))
    }

    /// Stores a new bank file's record.
    pub fn insert_bank_file(&mut self, file: &BankFileRecord) -> Result<(), StoreError> {
        let row = BankFileRow {
            id: file.id.as_str().to_owned(),
            creditor_id: self.tenant().to_owned(),
            message_id: file.message_id.clone(),
            format: file.format.as_str().to_owned(),
            batch_booking: file.batch_booking,
            run_on: file.run_on.to_string(),
            status: file.status.as_str().to_owned(),
            transactions: i64::try_from(file.transactions).unwrap_or(i64::MAX),
            control_sum_cents: file.control_sum.minor(),
            sha256: file.sha256.clone(),
            size_bytes: file.size_bytes.and_then(|n| i64::try_from(n).ok()),
            created_at: file.created_at.into(),
            sent_at: file.sent_at.map(DbInstant::from),
            discarded_at: file.discarded.as_ref().map(|(at, _)| DbInstant::from(*at)),
            discard_reason: file
                .discarded
                .as_ref()
                .map(|(_, why)| why.code().to_owned()),
        };
        on_each_engine!(self.conn, |c| diesel::insert_into(bank_files::table)
            .values(&row)
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "bank file",
            format!("message id {}", file.message_id),
        ))?;
        Ok(())
    }

    /// One of this creditor's bank files.
    pub fn bank_file(&mut self, id: &BankFileId) -> Result<BankFileRecord, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<BankFileRow> = on_each_engine!(self.conn, |c| bank_files::table
            .filter(bank_files::creditor_id.eq(&tenant))
            .filter(bank_files::id.eq(id.as_str()))
            .select(BankFileRow::as_select())
            .get_result(c)
            .optional())?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "bank file",
            id: id.to_string(),
        })?
        .into_domain()
    }

    /// A page of bank files, newest first, in one state or all.
    pub fn bank_files(
        &mut self,
        status: Option<BankFileStatus>,
        position: Position<BankFileId>,
        limit: i64,
    ) -> Result<Vec<BankFileRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<BankFileRow> = on_each_engine!(self.conn, |c| {
            let mut query = bank_files::table
                .filter(bank_files::creditor_id.eq(&tenant))
                .select(BankFileRow::as_select())
                .limit(limit)
                .into_boxed();
            if let Some(status) = status {
                query = query.filter(bank_files::status.eq(status.as_str()));
            }
            match &position {
                Position::Start => query.order(bank_files::id.desc()),
                Position::After(id) => query
                    .filter(bank_files::id.lt(id.as_str().to_owned()))
                    .order(bank_files::id.desc()),
                Position::Before(id) => query
                    .filter(bank_files::id.gt(id.as_str().to_owned()))
                    .order(bank_files::id.asc()),
            }
            .load(c)
        })?;
        let mut found = rows
            .into_iter()
            .map(BankFileRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// How many bank files are in `status` (or in any), counted up to
    /// `cap`.
    pub fn tally_bank_files(
        &mut self,
        status: Option<BankFileStatus>,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let tenant = self.tenant().to_owned();
        tally_in_status!(
            self.conn,
            &tenant,
            bank_files,
            status.map(|s| s.as_str()),
            cap
        )
    }

    /// A file's payment blocks in file order, counted and added up.
    pub fn file_blocks(&mut self, id: &BankFileId) -> Result<Vec<FileBlock>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<(String, String, String, i64, i64)> =
            on_each_engine!(self.conn, |c| bank_file_blocks::table
                .filter(bank_file_blocks::creditor_id.eq(&tenant))
                .filter(bank_file_blocks::file_id.eq(id.as_str()))
                .order(bank_file_blocks::block.asc())
                .select((
                    bank_file_blocks::scheme,
                    bank_file_blocks::sequence_type,
                    bank_file_blocks::due_on,
                    bank_file_blocks::transactions,
                    bank_file_blocks::sum_cents,
                ))
                .load(c))?;
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "bank file",
            id: id.to_string(),
            reason,
        };
        rows.into_iter()
            .map(|(scheme, sequence, due_on, count, sum)| {
                Ok(FileBlock {
                    scheme: Scheme::parse(&scheme).map_err(|e| corrupt(e.to_string()))?,
                    sequence: SequenceType::parse(&sequence)
                        .ok_or_else(|| corrupt(format!("sequence type {sequence:?}")))?,
                    due_on: due_on
                        .parse()
                        .map_err(|e: jiff::Error| corrupt(e.to_string()))?,
                    transactions: u64::try_from(count).map_err(|e| corrupt(e.to_string()))?,
                    sum_cents: sum,
                })
            })
            .collect()
    }

    /// A page of a file's collections after `after` (a position), in file
    /// order.
    pub fn file_entries(
        &mut self,
        id: &BankFileId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<FileEntry>, StoreError> {
        let tenant = self.tenant().to_owned();
        // Each row decoded as it comes, into a page sized once.
        let mut entries = Vec::with_capacity(usize::try_from(limit).unwrap_or(0));
        on_each_engine!(self.conn, |c| {
            let rows = bank_file_entries::table
                .filter(bank_file_entries::file_id.eq(id.as_str()))
                .filter(bank_file_entries::position.gt(after))
                .filter(bank_file_entries::creditor_id.eq(&tenant))
                .order(bank_file_entries::position.asc())
                .limit(limit)
                .select(EntryRow::as_select())
                .load_iter::<EntryRow, DefaultLoadingMode>(c)?;
            for row in rows {
                entries.push(row?.into_domain()?);
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(entries)
    }

    /// Records a written file's hash and size.
    pub fn set_file_content(
        &mut self,
        id: &BankFileId,
        sha256: &str,
        size_bytes: u64,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            bank_files::table
                .filter(bank_files::creditor_id.eq(&tenant))
                .filter(bank_files::id.eq(id.as_str()))
        )
        .set((
            bank_files::sha256.eq(sha256),
            bank_files::size_bytes.eq(i64::try_from(size_bytes).unwrap_or(i64::MAX)),
        ))
        .execute(c))?;
        StoreError::unless_changed(changed, "bank file", id)
    }

    /// Pending files never written (a run stopped between making and
    /// writing them), oldest first.
    pub fn unwritten_files(&mut self) -> Result<Vec<BankFileId>, StoreError> {
        let tenant = self.tenant().to_owned();
        let ids: Vec<String> = on_each_engine!(self.conn, |c| bank_files::table
            .filter(bank_files::creditor_id.eq(&tenant))
            .filter(bank_files::status.eq(BankFileStatus::Pending.as_str()))
            .filter(bank_files::sha256.is_null())
            .order(bank_files::id.asc())
            .select(bank_files::id)
            .load(c))?;
        ids.iter()
            .map(|id| {
                BankFileId::parse(id).map_err(|e| StoreError::Corrupt {
                    entity: "bank file",
                    id: id.clone(),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// Removes a file that could not be written, and its collections'
    /// places: they go into the next file. Only a pending file never
    /// written can go.
    pub fn remove_unwritten_file(&mut self, id: &BankFileId) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let removed = on_each_engine!(self.conn, |c| diesel::delete(
            bank_files::table
                .filter(bank_files::creditor_id.eq(&tenant))
                .filter(bank_files::id.eq(id.as_str()))
                .filter(bank_files::status.eq(BankFileStatus::Pending.as_str()))
                .filter(bank_files::sha256.is_null())
        )
        .execute(c))?;
        StoreError::unless_changed(removed, "unwritten bank file", id)?;
        self.release_entries(id)
    }

    fn release_entries(&mut self, id: &BankFileId) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::delete(
            bank_file_entries::table
                .filter(bank_file_entries::creditor_id.eq(&tenant))
                .filter(bank_file_entries::file_id.eq(id.as_str()))
        )
        .execute(c))?;
        on_each_engine!(self.conn, |c| diesel::delete(
            bank_file_blocks::table
                .filter(bank_file_blocks::creditor_id.eq(&tenant))
                .filter(bank_file_blocks::file_id.eq(id.as_str()))
        )
        .execute(c))?;
        Ok(())
    }

    /// Saves a file's new state: sent (its payments become `executing`,
    /// each with a history row; its mandates' first collection is made) or
    /// discarded (its collections go into the next file).
    pub fn save_file_status(
        &mut self,
        file: &BankFileRecord,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let now = match (file.status, file.sent_at, &file.discarded) {
            (BankFileStatus::Sent, Some(at), _) => at,
            (BankFileStatus::Discarded, _, Some((at, _))) => *at,
            _ => {
                return Err(StoreError::Corrupt {
                    entity: "bank file",
                    id: file.id.to_string(),
                    reason: format!("state {} without its time", file.status.as_str()),
                });
            }
        };
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            bank_files::table
                .filter(bank_files::creditor_id.eq(&tenant))
                .filter(bank_files::id.eq(file.id.as_str()))
                .filter(bank_files::status.eq(BankFileStatus::Pending.as_str()))
        )
        .set((
            bank_files::status.eq(file.status.as_str()),
            bank_files::sent_at.eq(file.sent_at.map(DbInstant::from)),
            bank_files::discarded_at
                .eq(file.discarded.as_ref().map(|(at, _)| DbInstant::from(*at))),
            bank_files::discard_reason.eq(file
                .discarded
                .as_ref()
                .map(|(_, why)| why.code().to_owned())),
        ))
        .execute(c))?;
        StoreError::unless_changed(changed, "pending bank file", &file.id)?;
        match file.status {
            BankFileStatus::Sent => {
                self.set_based()?;
                let at = DbInstant::from(now);
                let (from, to) = (
                    PaymentStatus::ToExecute.as_str(),
                    PaymentStatus::Executing.as_str(),
                );
                let (cause, details) = payment_causes::to_columns(&PaymentCause::SentInFile {
                    message_id: file.message_id.clone(),
                });
                raw!(self.conn, FILE_PAYMENTS_HISTORY,
                    Text => &tenant, Text => file.id.as_str(), Text => from, Text => to,
                    UtcInstant => at, Text => &cause, Text => actor.label(),
                    Nullable<Text> => details)?;
                raw!(self.conn, FILE_PAYMENTS_MOVE,
                    Text => &tenant, Text => file.id.as_str(), Text => from, Text => to,
                    UtcInstant => at)?;
                raw!(self.conn, FILE_MANDATES_COLLECTED,
                    Text => &tenant, Text => file.id.as_str(), UtcInstant => at)?;
                Ok(())
            }
            _ => self.release_entries(&file.id),
        }
    }

    /// The pending files holding any of these payments.
    pub fn pending_files_holding(
        &mut self,
        payments: &[PaymentId],
    ) -> Result<Vec<BankFileRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        let ids: Vec<&str> = payments.iter().map(PaymentId::as_str).collect();
        let rows: Vec<BankFileRow> = on_each_engine!(self.conn, |c| bank_files::table
            .filter(bank_files::creditor_id.eq(&tenant))
            .filter(bank_files::status.eq(BankFileStatus::Pending.as_str()))
            .filter(
                bank_files::id.eq_any(
                    bank_file_entries::table
                        .filter(bank_file_entries::creditor_id.eq(&tenant))
                        .filter(bank_file_entries::payment_id.eq_any(&ids))
                        .select(bank_file_entries::file_id),
                ),
            )
            .select(BankFileRow::as_select())
            .load(c))?;
        rows.into_iter().map(BankFileRow::into_domain).collect()
    }

    /// The pending files holding collections on this mandate.
    pub fn pending_files_of_mandate(
        &mut self,
        mandate: &MandateId,
    ) -> Result<Vec<BankFileRecord>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<BankFileRow> = on_each_engine!(self.conn, |c| bank_files::table
            .filter(bank_files::creditor_id.eq(&tenant))
            .filter(bank_files::status.eq(BankFileStatus::Pending.as_str()))
            .filter(
                bank_files::id.eq_any(
                    bank_file_entries::table
                        .inner_join(
                            payments::table.on(payments::creditor_id
                                .eq(bank_file_entries::creditor_id)
                                .and(payments::id.eq(bank_file_entries::payment_id))),
                        )
                        .filter(bank_file_entries::creditor_id.eq(&tenant))
                        .filter(payments::mandate_id.eq(mandate.as_str()))
                        .select(bank_file_entries::file_id),
                ),
            )
            .select(BankFileRow::as_select())
            .load(c))?;
        rows.into_iter().map(BankFileRow::into_domain).collect()
    }

    /// Executes the collections sent whose settlement date is `today` or
    /// past without a return, each with a history row; returns how many.
    pub fn execute_settled(
        &mut self,
        today: Date,
        at: Timestamp,
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        let tenant = self.tenant().to_owned();
        let day = today.to_string();
        let at = DbInstant::from(at);
        raw!(self.conn, SETTLED_HISTORY, Text => &tenant, Text => &day, UtcInstant => at, Text => actor.label())?;
        Ok(raw!(self.conn, SETTLED_MOVE, Text => &tenant, Text => &day, UtcInstant => at)?)
    }
}
