//! One module per noun.

pub mod admin;
pub mod api_key;
pub mod collect;
pub mod creditor;
pub mod files;
pub mod import;
pub mod jobs;
pub mod mandate;
pub mod plan;
pub mod serve;

use prelevo_store::{PoolOptions, Store};

use crate::CliError;

/// Opens and migrates the database for a command that runs and exits; a
/// database that cannot be reached is one clear line and exit code 1.
pub fn open_store(database_url: &str) -> Result<Store, CliError> {
    Ok(Store::open(database_url, &PoolOptions::one_command())?)
}

/// `prelevo migrate`
pub fn migrate(database_url: &str, json: bool) -> Result<(), CliError> {
    let store = Store::connect(database_url, &PoolOptions::one_command())?;
    let applied = store.migrate()?;
    if json {
        crate::output::json(
            &serde_json::json!({ "applied": applied, "engine": store.engine().name() }),
        )
    } else {
        println!(
            "{} migration(s) applied; the {} database is up to date.",
            applied,
            store.engine().name()
        );
        Ok(())
    }
}

/// `prelevo compact`
pub fn compact(database_url: &str, json: bool) -> Result<(), CliError> {
    let done = open_store(database_url)?.compact()?;
    if json {
        crate::output::json(&serde_json::json!({
            "page_size_before": done.page_size_before,
            "page_size_after": done.page_size_after,
            "bytes_before": done.bytes_before,
            "bytes_after": done.bytes_after,
        }))
    } else {
        println!(
            "Compacted: pages of {} bytes (were {}), {} bytes (were {}).",
            done.page_size_after, done.page_size_before, done.bytes_after, done.bytes_before
        );
        Ok(())
    }
}
