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

use crate::exit::CliError;

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
    /// Register and manage creditors (tenants).
    #[command(subcommand)]
    Creditor(commands::creditor::CreditorCommand),
    /// Inspect the background job queue.
    #[command(subcommand)]
    Jobs(commands::jobs::JobsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init();
    let outcome = match cli.command {
        Command::Serve(args) => commands::serve::run(&cli.database_url, args),
        Command::Migrate => commands::migrate(&cli.database_url, cli.json),
        Command::Creditor(command) => commands::creditor::run(&cli.database_url, cli.json, command),
        Command::Jobs(command) => commands::jobs::run(&cli.database_url, cli.json, command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            error.report(cli.json);
            error.exit_code()
        }
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
