//! Prelevo's file formats facing banks and spreadsheets. Every writer and
//! reader streams: one record at a time to any `std::io::Write` / from any
//! `std::io::BufRead`, so a million-row file costs constant memory.
//!
//! Today: the CSV/TSV export writer ([`CsvExport`]) behind every "Export"
//! link of the dashboard and the CLI, and the pain.008 direct-debit file
//! writer ([`Pain008Writer`]).

#![deny(missing_docs)]

mod csv_export;
mod pain008;

pub use csv_export::{Bom, CsvExport, Separator, date_cell, money_cell};
pub use pain008::{
    Collection, CreditorParty, MessageHeader, Pain008Error, Pain008Writer, PaymentBlock, Totals,
};
/// The version a writer produces, as the creditor's bank profile names it.
pub use prelevo_domain::Pain008Version;
