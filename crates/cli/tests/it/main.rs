//! The `prelevo` binary as a user runs it: arguments in, text or JSON out,
//! exit codes 0 / 1 / 2, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod access;
mod collect;
mod compact;
mod creditor;
mod jobs;
mod mandate;
mod plan_import;
mod serve;

use std::process::{Command, Output};

use prelevo_testkit::{TestStore, french_iban, french_ics};

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

/// Registers creditor Acme (ICS and IBAN number 1) through the CLI.
pub fn with_creditor(store: &TestStore) {
    let ics = french_ics(1).to_string();
    let iban = french_iban(1).to_string();
    let created = prelevo(
        store.url(),
        &[
            "creditor", "create", "--name", "Acme", "--ics", &ics, "--iban", &iban,
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
}
