//! Prelevo's file formats facing banks and spreadsheets. Every writer and
//! reader streams: one record at a time to any `std::io::Write` / from any
//! `std::io::BufRead`, so a million-row file costs constant memory.
//!
//! Today: the CSV/TSV export writer ([`CsvExport`]) behind every "Export"
//! link of the dashboard and the CLI.

#![deny(missing_docs)]

mod csv_export;

pub use csv_export::{Bom, CsvExport, Separator, date_cell, money_cell};
