//! Test support shared by every crate's integration tests: a store per test
//! on each engine, and the `on_both_engines!` macro that runs one test body
//! on SQLite and on PostgreSQL; a headless Chromium for browser tests.
//!
//! Test code: panics here are failures with a message, which is what a test
//! helper should do.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

pub mod browser;
pub mod bulk;
pub mod measure;
mod postgres;
mod samples;
mod smtp_sink;
mod stores;

pub use browser::{BrowserError, Chromium, check};
pub use postgres::{Durability, PostgresServer, postgres_server, start_postgres};
pub use samples::{french_iban, french_ics, new_creditor};
pub use smtp_sink::{ReceivedMail, SmtpSink};
pub use stores::{TestStore, empty_postgres_database, postgres_store, sqlite_store};

/// Runs each named test function (`fn name(store: &TestStore)`) twice: in a
/// module `sqlite` and in a module `postgres`, so the output shows both.
#[macro_export]
macro_rules! on_both_engines {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    super::$test(&$crate::sqlite_store());
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    super::$test(&$crate::postgres_store());
                }
            )+
        }
    };
}
