//! What the CSV imports (mandates, plans) share: reading a `;` file and
//! refusing it whole when it cannot be read line by line (size, encoding,
//! separator, columns), applying its lines in batches of [`IMPORT_BATCH`]
//! per transaction (rolled back in a dry run), recording the file by its
//! content hash, and writing the refused lines back as an error file.
//!
//! Each import says what its columns are ([`FileFormat`]) and what one
//! batch of lines does; the rest is here, once.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use prelevo_domain::{Clock, Customer, CustomerCode, Mandate, MandateRef};
use prelevo_store::{NewImportedFile, StoreError, TenantStore, TenantTx};
use sha2::{Digest, Sha256};

use crate::{AppError, FieldError};

/// Lines applied per transaction.
pub const IMPORT_BATCH: usize = 500;

/// The largest file accepted (the web layer refuses larger uploads first).
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

/// The most lines a file may hold: a file within the size limit but of
/// very short lines would otherwise hold millions of them in memory.
pub const MAX_IMPORT_LINES: usize = 500_000;

/// Whether to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Report only.
    DryRun,
    /// Apply the valid lines.
    Apply,
}

/// One data line's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReport<O> {
    /// The line number in the file (the header is line 1).
    pub line: u64,
    /// The line's key as read (a mandate's UMR, a plan's reference).
    pub reference: String,
    /// What it does.
    pub outcome: O,
}

/// What an import did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport<O> {
    /// Dry run or applied.
    pub mode: ImportMode,
    /// Every data line, in file order.
    pub lines: Vec<LineReport<O>>,
    /// When the same bytes were imported before, if ever.
    pub previously_imported_at: Option<jiff::Timestamp>,
}

/// A line outcome that may be a refusal (what goes to the error file).
pub trait Refusal {
    /// The refused fields, when the line is refused.
    fn refusal(&self) -> Option<&[FieldError]>;
}

/// The columns of one kind of file.
pub(crate) struct FileFormat {
    /// The kind recorded with the file's hash (`mandates.csv`).
    pub kind: &'static str,
    /// Columns every file must have.
    pub required: &'static [&'static str],
    /// Columns a file may have; any other is refused (a typo would
    /// otherwise be lost silently).
    pub optional: &'static [&'static str],
    /// Further refusals of a header (columns needed together).
    pub header_problems: fn(&[String]) -> Vec<String>,
}

impl FileFormat {
    /// Every column, required first, in the order the error file gives.
    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional).copied()
    }
}

/// No further header rule.
pub(crate) fn no_header_problems(_: &[String]) -> Vec<String> {
    Vec::new()
}

/// A refusal of the whole file (encoding, separator, columns, size).
pub(crate) fn file_error(message: impl ToString) -> AppError {
    AppError::invalid("file", message)
}

/// One parsed data line.
pub(crate) struct Line {
    /// Its number in the file.
    pub number: u64,
    /// The header's column positions, shared by every line.
    columns: Arc<HashMap<String, usize>>,
    cells: csv::StringRecord,
}

impl Line {
    /// The cell of `column` as read.
    pub fn raw(&self, column: &str) -> Option<&str> {
        self.columns.get(column).and_then(|&i| self.cells.get(i))
    }

    /// True when the file has `column` (an absent column leaves the stored
    /// value as it is; an empty cell of a present one says "none").
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The cell of `column`, trimmed; `None` when empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.raw(column).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// The cells of `column` in `lines` that `parse` accepts, to read what a
/// batch names at once (a cell it refuses is reported by its line's own
/// check).
pub(crate) fn parsed_cells<T, E>(
    lines: &[Line],
    column: &str,
    parse: fn(&str) -> Result<T, E>,
) -> Vec<T> {
    lines
        .iter()
        .filter_map(|l| l.get(column).and_then(|text| parse(text).ok()))
        .collect()
}

/// The stored customers whose codes `lines` give in `column`, by code.
pub(crate) fn customers_named(
    tx: &mut TenantTx<'_, '_>,
    lines: &[Line],
    column: &str,
) -> Result<HashMap<String, Customer>, AppError> {
    Ok(tx
        .customers_by_codes(&parsed_cells(lines, column, CustomerCode::parse))?
        .into_iter()
        .map(|c| (c.code.as_str().to_owned(), c))
        .collect())
}

/// The stored mandates whose references (UMR) `lines` give in `column`,
/// by reference.
pub(crate) fn mandates_named(
    tx: &mut TenantTx<'_, '_>,
    lines: &[Line],
    column: &str,
) -> Result<HashMap<String, Mandate>, AppError> {
    Ok(tx
        .mandates_by_references(&parsed_cells(lines, column, MandateRef::parse))?
        .into_iter()
        .filter_map(|m| Some((m.reference.as_ref()?.as_str().to_owned(), m)))
        .collect())
}

/// The byte order marks of UTF-16, which Excel writes for "Unicode text".
const UTF16_BOMS: [&[u8]; 2] = [b"\xff\xfe", b"\xfe\xff"];

/// Reads the file's lines, refusing a file that is too large, not UTF-8,
/// not `;`-separated, or whose columns are not `format`'s.
pub(crate) fn read_lines(bytes: &[u8], format: &FileFormat) -> Result<Vec<Line>, AppError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(file_error(format!(
            "is {} bytes; at most {MAX_IMPORT_BYTES} are accepted: split it",
            bytes.len()
        )));
    }
    if UTF16_BOMS.iter().any(|bom| bytes.starts_with(bom)) {
        return Err(file_error(
            "line 1: is UTF-16 text (Excel's \"Unicode text\"), not UTF-8: save it as \"CSV UTF-8\"",
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}'),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            return Err(file_error(format!(
                "line {line}: is not UTF-8 text (byte {} cannot be read): save it as \"CSV UTF-8\"",
                e.valid_up_to() + 1
            )));
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| file_error(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if let [only] = header.as_slice()
        && (only.contains(',') || only.contains('\t'))
    {
        return Err(file_error(
            "line 1: columns must be separated by ';' (this file uses ',' or tabs)",
        ));
    }
    let mut problems = Vec::new();
    for (position, column) in header.iter().enumerate() {
        if !format.columns().any(|known| known == column) {
            problems.push(format!("unknown column '{column}'"));
        }
        // Two cells for one field: which one the file meant cannot be
        // told, and taking either would silently drop the other.
        if header[..position].iter().filter(|h| *h == column).count() == 1 {
            problems.push(format!("column '{column}' appears twice"));
        }
    }
    for column in format.required {
        if !header.iter().any(|h| h == column) {
            problems.push(format!("missing column '{column}'"));
        }
    }
    problems.extend((format.header_problems)(&header));
    if !problems.is_empty() {
        return Err(file_error(format!("line 1: {}", problems.join(", "))));
    }
    let columns: Arc<HashMap<String, usize>> = Arc::new(
        header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), i))
            .collect(),
    );
    let mut lines = Vec::new();
    let mut numbering = LineNumbering::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| numbering.line_at(p.byte()));
            file_error(format!("line {line}: {e}"))
        })?;
        let number = record.position().map_or(0, |p| numbering.line_at(p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if lines.len() == MAX_IMPORT_LINES {
            return Err(file_error(format!(
                "line {number}: has more than {MAX_IMPORT_LINES} lines: split it"
            )));
        }
        lines.push(Line {
            number,
            columns: Arc::clone(&columns),
            cells: record,
        });
    }
    Ok(lines)
}

/// The line a record starts on, counted from its byte offset: the csv
/// reader's own count is taken before the line ends it skips, so it was one
/// too low on every line of a CRLF file (Excel's on Windows, or an export)
/// and after each blank line.
struct LineNumbering<'t> {
    text: &'t str,
    /// Where the count stopped, and the line there.
    counted_to: usize,
    line: u64,
}

impl<'t> LineNumbering<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of the record the reader places at `byte` (records come
    /// in order, so the count only moves on).
    fn line_at(&mut self, byte: u64) -> u64 {
        let bytes = self.text.as_bytes();
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while let Some(b'\r' | b'\n') = bytes.get(start) {
            start += 1;
        }
        if start > self.counted_to {
            let skipped = bytes.get(self.counted_to..start).unwrap_or_default();
            let ends = skipped.iter().filter(|b| **b == b'\n').count();
            self.line += u64::try_from(ends).unwrap_or(u64::MAX);
            self.counted_to = start;
        }
        self.line
    }
}

/// Reads `bytes` as a `format` file and runs `batch` on its lines, one
/// transaction per [`IMPORT_BATCH`] lines: committed when applying, rolled
/// back in a dry run. An applied file is recorded by its hash, so that a
/// later import of the same bytes can say when it was first seen; `batch`
/// is told that instant, to refuse what would undo a later change (see
/// [`undoes_later_change`]).
pub(crate) fn import_in_batches<O>(
    tenant: &TenantStore,
    clock: &dyn Clock,
    format: &FileFormat,
    file_name: &str,
    bytes: &[u8],
    mode: ImportMode,
    mut batch: impl FnMut(
        &mut TenantTx<'_, '_>,
        &[Line],
        Option<jiff::Timestamp>,
    ) -> Result<Vec<LineReport<O>>, AppError>,
) -> Result<ImportReport<O>, AppError> {
    let lines = read_lines(bytes, format)?;
    let hash = hex::encode(Sha256::digest(bytes));
    let previously_imported_at = tenant
        .read(|tx| tx.imported_file_by_hash(format.kind, &hash))?
        .map(|f| f.imported_at);
    let mut reports = Vec::with_capacity(lines.len());
    for chunk in lines.chunks(IMPORT_BATCH) {
        let outcome = tenant.write(|tx| {
            let done = batch(tx, chunk, previously_imported_at)?;
            match mode {
                ImportMode::Apply => Ok(done),
                // Rolled back: the dry run leaves no trace.
                ImportMode::DryRun => Err(Batch::RolledBack(done)),
            }
        });
        match outcome {
            Ok(done) | Err(Batch::RolledBack(done)) => reports.extend(done),
            Err(Batch::Failed(error)) => return Err(error),
        }
    }
    if mode == ImportMode::Apply && previously_imported_at.is_none() {
        tenant.write(|tx| {
            tx.record_imported_file(
                &NewImportedFile {
                    kind: format.kind,
                    file_name,
                    content_sha256: &hash,
                    size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                },
                clock.now(),
            )
            .map(drop)
        })?;
    }
    Ok(ImportReport {
        mode,
        lines: reports,
        previously_imported_at,
    })
}

/// The refusal of a line of a file imported before, at `first`, that would
/// now change `what`: the change it would undo was made since (an IBAN
/// amended through the API, a plan edited on the dashboard), and the same
/// file sent again — a retry, a scheduled upload — must not take it back.
/// A file with the line alone is applied.
pub(crate) fn undoes_later_change(field: &str, what: &str, first: jiff::Timestamp) -> AppError {
    AppError::invalid(
        field,
        format!(
            "this same file was imported on {first}, and this line would now change {what}: \
             that would undo a change made since. Not applied; to apply it anyway, import the \
             line in another file"
        ),
    )
}

/// How a batch's transaction ended, when not committed.
enum Batch<O> {
    /// A dry run's batch, with its reports.
    RolledBack(Vec<LineReport<O>>),
    /// The store failed: the import stops (batches before stay applied and
    /// are found unchanged on a re-run).
    Failed(AppError),
}

impl<O> From<AppError> for Batch<O> {
    fn from(error: AppError) -> Self {
        Batch::Failed(error)
    }
}

impl<O> From<StoreError> for Batch<O> {
    fn from(error: StoreError) -> Self {
        Batch::Failed(error.into())
    }
}

/// The refused lines as a `;` CSV to correct and import again: the line
/// number, the errors, then the line's cells as read (a cell a spreadsheet
/// would take for a formula is neutralised, as in every export).
pub(crate) fn error_file<O: Refusal>(
    bytes: &[u8],
    format: &FileFormat,
    report: &ImportReport<O>,
) -> Result<Vec<u8>, AppError> {
    let lines = read_lines(bytes, format)?;
    let by_number: HashMap<u64, &Line> = lines.iter().map(|l| (l.number, l)).collect();
    let mut out = Vec::new();
    {
        let mut csv = prelevo_bankfiles::CsvExport::new(
            &mut out,
            prelevo_bankfiles::Separator::Semicolon,
            prelevo_bankfiles::Bom::Yes,
        );
        let written =
            |e: std::io::Error| AppError::System(format!("cannot write the error file: {e}"));
        let mut header = vec!["line", "errors"];
        header.extend(format.columns());
        csv.header(&header).map_err(written)?;
        for report in &report.lines {
            let Some(fields) = report.outcome.refusal() else {
                continue;
            };
            let Some(line) = by_number.get(&report.line) else {
                continue;
            };
            let mut row = vec![
                report.line.to_string(),
                fields
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" | "),
            ];
            row.extend(
                format
                    .columns()
                    .map(|c| line.raw(c).unwrap_or_default().to_owned()),
            );
            csv.row(row).map_err(written)?;
        }
        csv.finish().map_err(written)?;
    }
    Ok(out)
}

/// A date as a file's cell gives it: `YYYY-MM-DD`, or `DD/MM/YYYY` as
/// French spreadsheets write it.
pub(crate) fn file_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let refused = || format!("'{text}' is not a date: write YYYY-MM-DD or DD/MM/YYYY");
    let mut parts = text.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(day), Some(month), Some(year), None) => {
            let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
                if digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) {
                    part.parse::<i16>().ok()
                } else {
                    None
                }
            };
            let (Some(day), Some(month), Some(year)) = (
                number(day, 1..=2),
                number(month, 1..=2),
                number(year, 4..=4),
            ) else {
                return Err(refused());
            };
            let day = i8::try_from(day).map_err(|_| refused())?;
            let month = i8::try_from(month).map_err(|_| refused())?;
            Date::new(year, month, day)
                .map_err(|_| format!("'{text}' is not a day of the calendar"))
        }
        _ if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') => text
            .parse::<Date>()
            .map_err(|_| format!("'{text}' is not a day of the calendar")),
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMAT: FileFormat = FileFormat {
        kind: "test.csv",
        required: &["a"],
        optional: &["b"],
        header_problems: no_header_problems,
    };

    #[test]
    fn lines_are_numbered_alike_whatever_their_end() {
        for bytes in [&b"a;b\n1;2\n\n3;4\n"[..], b"a;b\r\n1;2\r\n\r\n3;4\r\n"] {
            let lines = read_lines(bytes, &FORMAT).unwrap();
            let numbers: Vec<u64> = lines.iter().map(|l| l.number).collect();
            assert_eq!(numbers, [2, 4], "{bytes:?}");
            assert_eq!(lines[1].get("b"), Some("4"));
        }
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        let Err(AppError::Invalid(fields)) = read_lines(b"a;b;A;a\n1;2;3;4\n", &FORMAT) else {
            panic!("accepted");
        };
        assert_eq!(fields[0].message, "line 1: column 'a' appears twice");
    }

    #[test]
    fn dates_are_iso_or_french() {
        let day = Date::new(2027, 1, 5).unwrap();
        assert_eq!(file_date("2027-01-05"), Ok(day));
        assert_eq!(file_date(" 05/01/2027 "), Ok(day));
        assert_eq!(file_date("5/1/2027"), Ok(day));
        for (text, message) in [
            ("2027-02-30", "'2027-02-30' is not a day of the calendar"),
            ("31/04/2027", "'31/04/2027' is not a day of the calendar"),
            ("01/13/2027", "'01/13/2027' is not a day of the calendar"),
            (
                "01/01/27",
                "'01/01/27' is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            ),
            (
                "2027/01/05",
                "'2027/01/05' is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            ),
            (
                "05.01.2027",
                "'05.01.2027' is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            ),
            (
                "20270105",
                "'20270105' is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            ),
            ("", "'' is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
        ] {
            assert_eq!(file_date(text), Err(message.to_owned()), "{text:?}");
        }
    }
}
