use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use prelevo_bankfiles::{Bom, CsvExport, Separator, date_cell, money_cell};
use proptest::prelude::*;

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn export(separator: Separator, bom: Bom, rows: &[Vec<String>]) -> Vec<u8> {
    let mut export = CsvExport::new(Vec::new(), separator, bom);
    for row in rows {
        export.row(row).unwrap();
    }
    export.finish().unwrap()
}

fn read_back(separator: Separator, bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = match separator {
        Separator::Semicolon => b';',
        Separator::Tab => b'\t',
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn semicolon_export_with_bom_header_and_quoting() {
    let mut out = CsvExport::new(Vec::new(), Separator::Semicolon, Bom::Yes);
    out.header(&["Date", "Débiteur", "Montant"]).unwrap();
    out.row([
        date_cell(jiff::civil::date(2026, 11, 30)),
        "Dupont; \"Jean\"".to_owned(),
        money_cell(-123_456, 2),
    ])
    .unwrap();
    out.row(["2026-12-01", "=HYPERLINK(\"http://x\")", "0,05"])
        .unwrap();
    let bytes = out.finish().unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\u{feff}Date;Débiteur;Montant\r\n\
         2026-11-30;\"Dupont; \"\"Jean\"\"\";-1234,56\r\n\
         2026-12-01;\"'=HYPERLINK(\"\"http://x\"\")\";0,05\r\n"
    );
}

#[test]
fn tab_export_neutralises_the_same_way() {
    let rows = vec![
        vec!["Circ AM04".to_owned(), "\tsplit".to_owned()],
        vec!["+33 6 12".to_owned(), "a\tb".to_owned()],
    ];
    let bytes = export(Separator::Tab, Bom::No, &rows);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "Circ AM04\t\"'\tsplit\"\r\n'+33 6 12\t\"a\tb\"\r\n"
    );
    assert_eq!(Separator::Tab.extension(), "txt");
    assert_eq!(Separator::Semicolon.extension(), "csv");
    assert!(Separator::Semicolon.media_type().starts_with("text/csv"));
}

#[test]
fn an_empty_export_is_just_the_bom() {
    let out = CsvExport::new(Vec::new(), Separator::Semicolon, Bom::Yes);
    assert_eq!(out.finish().unwrap(), b"\xEF\xBB\xBF");
    let out = CsvExport::new(Vec::new(), Separator::Semicolon, Bom::No);
    assert!(out.finish().unwrap().is_empty());
}

#[test]
fn the_header_comes_first_and_rows_keep_its_width() {
    let mut out = CsvExport::new(Vec::new(), Separator::Semicolon, Bom::No);
    out.row(["a", "b"]).unwrap();
    let late = out.header(&["x", "y"]).unwrap_err();
    assert_eq!(late.kind(), io::ErrorKind::InvalidInput);
    assert!(out.row(["only one"]).is_err());
}

/// Counts bytes as they reach the sink, to see them leave before `finish`.
struct CountingSink(Rc<Cell<usize>>);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn rows_stream_out_before_finish() {
    let written = Rc::new(Cell::new(0));
    let mut out = CsvExport::new(
        CountingSink(Rc::clone(&written)),
        Separator::Semicolon,
        Bom::Yes,
    );
    out.header(&["n", "label"]).unwrap();
    for n in 0..100_000 {
        out.row([n.to_string(), "quelque chose".to_owned()])
            .unwrap();
    }
    // All but the last buffer (8 KiB) has reached the sink already.
    assert!(written.get() > 1_500_000, "{}", written.get());
    out.finish().unwrap();
    assert!(written.get() > 2_000_000);
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[=+@;\"' a-zé,.0-9\t\r\n-]{0,8}",
        "-[0-9]{1,4}([,.][0-9]{1,3})?",
        any::<String>(),
    ]
}

fn is_plain_negative_number(cell: &str) -> bool {
    let Some(unsigned) = cell.strip_prefix('-') else {
        return false;
    };
    let mut parts = unsigned.splitn(2, [',', '.']);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    parts.next().is_some_and(digits) && parts.next().is_none_or(digits)
}

proptest! {
    #[test]
    fn every_cell_round_trips_and_none_reads_as_a_formula(
        width in 1usize..5,
        cells in prop::collection::vec(cell(), 1..40),
        tab in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let separator = if tab { Separator::Tab } else { Separator::Semicolon };
        let bom = if bom { Bom::Yes } else { Bom::No };
        let rows: Vec<Vec<String>> = cells.chunks(width)
            .filter(|row| row.len() == width)
            .map(<[String]>::to_vec)
            .collect();
        let read = read_back(separator, &export(separator, bom, &rows));
        prop_assert_eq!(read.len(), rows.len());
        for (written_row, read_row) in rows.iter().zip(&read) {
            prop_assert_eq!(written_row.len(), read_row.len());
            for (written, read) in written_row.iter().zip(read_row) {
                let starts_formula = written.starts_with(FORMULA_STARTS);
                if starts_formula && !is_plain_negative_number(written) {
                    prop_assert_eq!(read, &format!("'{written}"));
                } else {
                    prop_assert_eq!(read, written);
                }
                prop_assert!(
                    !read.starts_with(FORMULA_STARTS) || is_plain_negative_number(read),
                    "{:?} reads as a formula", read
                );
            }
        }
    }

    #[test]
    fn money_cells_read_back_as_the_same_amount(minor in any::<i64>(), units in 0u8..5) {
        let cell = money_cell(minor, units);
        let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
        let parsed: i128 = digits.parse().unwrap();
        let signed = if cell.starts_with('-') { -parsed } else { parsed };
        prop_assert_eq!(signed, i128::from(minor));
        let fraction = cell.split_once(',').map_or(0, |(_, f)| f.len());
        prop_assert_eq!(fraction, usize::from(units));
    }
}

#[test]
fn a_row_of_one_empty_cell_survives() {
    let rows = vec![vec![String::new()], vec!["x".to_owned()]];
    let bytes = export(Separator::Semicolon, Bom::No, &rows);
    assert_eq!(bytes, b"\"\"\r\nx\r\n");
    assert_eq!(read_back(Separator::Semicolon, &bytes), rows);
}
