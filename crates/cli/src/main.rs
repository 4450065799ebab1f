//! `prelevo`: one binary for the dashboard, the API, the background jobs
//! and the batch commands a back office scripts.
//!
//! Conventions for every command: `prelevo <noun> <verb>`; the same
//! `DATABASE_URL` as `serve`; `--creditor <id or ICS>` where a command acts
//! on one creditor (optional when there is only one); `--json` for
//! machine-readable output; exit code 0 on success, 1 on failure, 2 on
//! invalid input.

mod commands;
mod exit;
mod logging;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use prelevo_domain::Environment;

use crate::exit::CliError;

/// A server allocating small objects from many threads at once: mimalloc's
/// thread-local heaps avoid the contention of the system allocator (ADR 0004).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prelevo — SEPA Direct Debit back-office.
#[derive(Debug, Parser)]
#[command(name = "prelevo", version, about, propagate_version = true)]
struct Cli {
    /// Database: `sqlite://PATH` (embedded default) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://prelevo.db",
        global = true
    )]
    database_url: String,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    /// Which installation this is: pre-production or production (shown in
    /// the dashboard; API keys start with pk_test_ or pk_live_).
    #[arg(long, env = "PRELEVO_ENVIRONMENT", default_value = "pre-production", value_parser = parse_environment, global = true)]
    environment: Environment,

    /// Public URL of this installation, used in emailed links
    /// (default: http://<listen address>).
    #[arg(long, env = "PRELEVO_BASE_URL", global = true)]
    base_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the dashboard, the API and the background jobs.
    #[command(after_help = "Logs go to standard error. PRELEVO_LOG sets the level \
        (e.g. info, prelevo_web=debug; default info); PRELEVO_LOG_FORMAT=json writes one \
        JSON object per line. See docs/OPERATIONS.md.")]
    Serve(commands::serve::ServeArgs),
    /// Bring the database schema up to date (also done by every command).
    Migrate,
    /// Rewrite a SQLite database whole, with 16 KiB pages and no free space
    /// (stop Prelevo first; see docs/OPERATIONS.md).
    Compact,
    /// Register and manage creditors (tenants).
    #[command(subcommand)]
    Creditor(commands::creditor::CreditorCommand),
    /// Manage a creditor's team administrators.
    #[command(subcommand)]
    Admin(commands::admin::AdminCommand),
    /// Create, list and revoke API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(commands::api_key::ApiKeyCommand),
    /// Inspect the background job queue.
    #[command(subcommand)]
    Jobs(commands::jobs::JobsCommand),
    /// Import and export a creditor's mandates as `;` CSV files.
    #[command(subcommand)]
    Mandate(commands::mandate::MandateCommand),
    /// Create, change and cancel plans (échéanciers) from a `;` CSV file.
    #[command(subcommand)]
    Plan(commands::plan::PlanCommand),
    /// Run a creditor's collection day: instalments due, settlements, and
    /// the pain.008 files to send (safe to run again).
    Collect(commands::collect::CollectArgs),
    /// List, send and write the bank files the collection runs made.
    #[command(subcommand)]
    Files(commands::files::FilesCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init();
    let settings = Settings {
        database_url: cli.database_url,
        json: cli.json,
        environment: cli.environment,
        base_url: cli.base_url,
    };
    let outcome = match cli.command {
        Command::Serve(args) => commands::serve::run(&settings, args),
        Command::Migrate => commands::migrate(&settings.database_url, settings.json),
        Command::Compact => commands::compact(&settings.database_url, settings.json),
        Command::Creditor(command) => {
            commands::creditor::run(&settings.database_url, settings.json, command)
        }
        Command::Admin(command) => commands::admin::run(&settings, command),
        Command::ApiKey(command) => commands::api_key::run(&settings, command),
        Command::Jobs(command) => {
            commands::jobs::run(&settings.database_url, settings.json, command)
        }
        Command::Mandate(command) => commands::mandate::run(&settings, command),
        Command::Plan(command) => commands::plan::run(&settings, command),
        Command::Collect(args) => commands::collect::run(&settings, args),
        Command::Files(command) => commands::files::run(&settings, command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            error.report(settings.json);
            error.exit_code()
        }
    }
}

/// Settings every command shares.
pub struct Settings {
    /// The database.
    pub database_url: String,
    /// JSON output.
    pub json: bool,
    /// Pre-production or production.
    pub environment: Environment,
    /// Public URL, when configured.
    pub base_url: Option<String>,
}

impl Settings {
    /// The public URL: configured, or derived from the listen address.
    pub fn base_url(&self, listen: std::net::SocketAddr) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_owned()
    }
}

fn parse_environment(text: &str) -> Result<Environment, String> {
    match text {
        "pre-production" => Ok(Environment::PreProduction),
        "production" => Ok(Environment::Production),
        other => Err(format!("'{other}' is not pre-production or production")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
