//! The `prelevo` binary as a user runs it: arguments in, text or JSON out,
//! exit codes 0 / 1 / 2, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod access;
mod creditor;
mod mandate;
mod serve;

use std::process::{Command, Output};

/// Runs `prelevo ARGS` against `database_url`.
pub fn prelevo(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prelevo"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("PRELEVO_LOG", "warn")
        .output()
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
