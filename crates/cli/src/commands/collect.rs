//! `prelevo collect [--date YYYY-MM-DD]`: the daily collection run of one
//! creditor, for scripting (the server runs it by itself every day). Safe
//! to run again: a second run the same day, or after an interrupted one,
//! creates nothing twice.

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::collection_run::{RunProgress, run_collections};
use prelevo_app::creditors::resolve_creditor;
use prelevo_domain::SystemClock;

use crate::commands::files::file_json;
use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// The business day to process (default: the creditor's today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
}

pub fn run(settings: &Settings, args: CollectArgs) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    let creditor = resolve_creditor(&store, args.creditor.as_deref())?;
    let tenant = store.tenant(creditor);
    // The bar goes to standard error, and only to a terminal.
    let bar = if settings.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .map_err(|e| CliError::failure(e.to_string()))?,
    );
    let report = run_collections(
        &tenant,
        &SystemClock,
        &UnconnectedGateway,
        args.date,
        &mut |step| {
            bar.set_message(match step {
                RunProgress::Instalments { plans, instalments } => {
                    format!("{plans} plan(s) examined, {instalments} instalment(s) created")
                }
                RunProgress::Staged { collections, files } => {
                    format!("{collections} collection(s) placed in {files} file(s)")
                }
                RunProgress::Charged { answered } => {
                    format!("{answered} card charge(s) answered")
                }
                RunProgress::Written => "writing files".to_owned(),
            });
            bar.tick();
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    if settings.json {
        return output::json(&serde_json::json!({
            "day": report.day.to_string(),
            "first_due_date": report.first_due_date.to_string(),
            "instalments": report.instalments,
            "executed": report.executed,
            "moved": report.moved,
            "cards": {
                "approved": report.cards.approved,
                "declined": report.cards.declined,
                "waiting": report.cards.waiting,
            },
            "files": report.files.iter().map(file_json).collect::<Vec<_>>(),
        }));
    }
    println!(
        "{}: {} instalment(s) created, {} collection(s) executed, {} moved to {} (late).",
        report.day, report.instalments, report.executed, report.moved, report.first_due_date
    );
    if report.files.is_empty() {
        println!("No bank file to send.");
    }
    for file in &report.files {
        println!(
            "File {} ({}): {} collection(s), {} EUR, pending — send it with `prelevo files send --to DIR`.",
            file.message_id,
            file.id,
            file.transactions,
            file.control_sum.to_decimal_string()
        );
    }
    Ok(())
}
