//! Spreadsheet exports: `;`-separated CSV (what French Excel opens by
//! double-click) and tab-separated text, UTF-8, written one row at a time.
//!
//! Choices, so that every export of Prelevo looks the same:
//! - **Quoting** is the `csv` crate's (RFC 4180: a cell holding the
//!   separator, a quote or a line break is quoted, quotes are doubled);
//!   lines end with CRLF as RFC 4180 and Excel expect.
//! - **Optional UTF-8 BOM**: without it Excel reads the file as Windows-1252
//!   and garbles accents; other tools (pandas, `csv` readers) prefer none.
//! - **Formula neutralisation** (OWASP "CSV Injection"): a cell starting with
//!   `=`, `+`, `-`, `@`, tab or carriage return is taken by spreadsheets for
//!   a formula, which can run commands or leak data when a creditor opens
//!   an export holding text typed by a debtor (a name, a reference). Such a
//!   cell gets a leading `'`, which spreadsheets treat as "text follows" and
//!   do not display. One exception: a plain decimal number such as `-12,34`
//!   is left alone, so that negative amounts stay numbers; a sign followed
//!   only by digits and one decimal separator cannot call a function.
//! - **Values**: dates ISO `YYYY-MM-DD` ([`date_cell`]), amounts with a
//!   decimal comma and no thousands separator ([`money_cell`]) — French
//!   Excel reads `1234,56` as a number.

use std::borrow::Cow;
use std::io::{self, Write};

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet read a cell as a formula (OWASP).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell separator, which also decides the file's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `;`: a `.csv` that French Excel splits into columns.
    Semicolon,
    /// Tab: a `.txt` that Excel opens as columns (returns, circulars).
    Tab,
}

impl Separator {
    /// The file name extension that makes Excel use this separator.
    pub fn extension(self) -> &'static str {
        match self {
            Separator::Semicolon => "csv",
            Separator::Tab => "txt",
        }
    }

    /// The HTTP media type of a file with this separator.
    pub fn media_type(self) -> &'static str {
        match self {
            Separator::Semicolon => "text/csv; charset=utf-8",
            Separator::Tab => "text/tab-separated-values; charset=utf-8",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Separator::Semicolon => b';',
            Separator::Tab => b'\t',
        }
    }
}

/// Whether the file starts with a UTF-8 byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bom {
    /// Write one: Excel then reads the file as UTF-8.
    Yes,
    /// Write none: for scripts and other tools.
    No,
}

/// A streaming export: a header row, then data rows, to any writer.
pub struct CsvExport<W: Write> {
    csv: csv::Writer<BomFirst<W>>,
    started: bool,
}

impl<W: Write> CsvExport<W> {
    /// An export to `writer`; nothing is written until the first row.
    pub fn new(writer: W, separator: Separator, bom: Bom) -> Self {
        let csv = csv::WriterBuilder::new()
            .delimiter(separator.byte())
            .terminator(csv::Terminator::CRLF)
            .from_writer(BomFirst {
                inner: writer,
                bom_pending: bom == Bom::Yes,
            });
        Self {
            csv,
            started: false,
        }
    }

    /// Writes the header row; it must come first, and fixes the column
    /// count that every later row must match.
    pub fn header(&mut self, labels: &[&str]) -> io::Result<()> {
        if self.started {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the header must be the first row of an export",
            ));
        }
        self.row(labels)
    }

    /// Writes one row, neutralising formula-like cells; fails when the
    /// number of cells differs from the first row's.
    pub fn row<I, S>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.started = true;
        for cell in cells {
            self.csv.write_field(neutralise(cell.as_ref()).as_bytes())?;
        }
        // An empty record ends the row that the fields above started.
        self.csv.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Flushes everything and gives the writer back.
    pub fn finish(self) -> io::Result<W> {
        let mut bom_first = self.csv.into_inner().map_err(|e| e.into_error())?;
        // An export with no rows still gets its BOM.
        bom_first.write_bom_once()?;
        bom_first.flush()?;
        Ok(bom_first.inner)
    }
}

/// Puts the BOM in front of the first bytes, so that [`CsvExport::new`]
/// needs no I/O and cannot fail.
struct BomFirst<W> {
    inner: W,
    bom_pending: bool,
}

impl<W: Write> BomFirst<W> {
    fn write_bom_once(&mut self) -> io::Result<()> {
        if self.bom_pending {
            self.inner.write_all(BOM)?;
            self.bom_pending = false;
        }
        Ok(())
    }
}

impl<W: Write> Write for BomFirst<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_bom_once()?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The cell as written: with a leading `'` when a spreadsheet would take it
/// for a formula (see the module doc), unchanged otherwise.
fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// `-` then digits with at most one `,` or `.` between digits: a number a
/// spreadsheet reads as such, harmless.
fn is_plain_number(cell: &str) -> bool {
    let Some(unsigned) = cell.strip_prefix('-') else {
        return false;
    };
    let mut parts = unsigned.splitn(2, [',', '.']);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    parts.next().is_some_and(digits) && parts.next().is_none_or(digits)
}

/// An amount of `minor` units as a plain decimal with a comma, e.g.
/// `money_cell(123456, 2)` is `1234,56` and `money_cell(-5, 2)` is `-0,05`.
pub fn money_cell(minor: i64, currency_minor_units: u8) -> String {
    let units = usize::from(currency_minor_units);
    let sign = if minor < 0 { "-" } else { "" };
    // Zero-padded to at least one integer digit, so the split never fails.
    let digits = format!("{:0>width$}", minor.unsigned_abs(), width = units + 1);
    let (integer, fraction) = digits.split_at(digits.len() - units);
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer},{fraction}")
    }
}

/// A date as ISO 8601 `YYYY-MM-DD`, which every spreadsheet reads as a date.
pub fn date_cell(date: jiff::civil::Date) -> String {
    date.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_prefixed() {
        for cell in [
            "=1+2", "+33 6", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "-1e5",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn other_cells_and_plain_negative_numbers_are_kept() {
        for cell in [
            "", "Dupont", "1234,56", "-12,34", "-12.5", "-7", "'=x", " =x",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
        for cell in ["-,5", "-5,", "-1,2,3", "-1.2,3"] {
            assert!(!is_plain_number(cell), "{cell:?}");
        }
    }

    #[test]
    fn money_cells() {
        assert_eq!(money_cell(123_456, 2), "1234,56");
        assert_eq!(money_cell(5, 2), "0,05");
        assert_eq!(money_cell(-5, 2), "-0,05");
        assert_eq!(money_cell(-100, 2), "-1,00");
        assert_eq!(money_cell(0, 2), "0,00");
        assert_eq!(money_cell(1500, 0), "1500");
        assert_eq!(money_cell(-1500, 0), "-1500");
        assert_eq!(money_cell(12_345, 3), "12,345");
        assert_eq!(money_cell(i64::MIN, 2), "-92233720368547758,08");
        assert_eq!(money_cell(i64::MAX, 4), "922337203685477,5807");
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(date_cell(jiff::civil::date(2026, 3, 7)), "2026-03-07");
    }
}
