//! The export writer through its public API, read back with the `csv` reader;
//! the vendored bank-file schemas.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod csv_export;
mod pain008;
mod schemas;
