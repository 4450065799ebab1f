//! `prelevo plan import`: plans by file from a shell, for scripted
//! back-office runs. Same rules as the API: a dry run unless `--apply`,
//! each line naming its plan by `plan_reference` and applied once, the
//! same file again changing nothing.

use clap::Subcommand;
use prelevo_app::creditors::resolve_creditor;
use prelevo_app::plan_import::{ImportMode, ImportReport, error_file, import_plans};
use prelevo_domain::SystemClock;
use prelevo_store::Actor;

use crate::commands::import::{
    ImportArgs, print_refused_lines, read_import_file, refused, refused_lines,
};
use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Create, change and cancel plans from a `;` CSV (UTF-8; columns in
    /// docs/USER-GUIDE). Reports what each line would do and writes
    /// nothing, unless `--apply`.
    Import(ImportArgs),
}

pub fn run(settings: &Settings, command: PlanCommand) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    match command {
        PlanCommand::Import(args) => {
            let creditor = resolve_creditor(&store, args.creditor.as_deref())?;
            let bytes = read_import_file(&args.file)?;
            let file_name = args.file_name();
            let report = import_plans(
                &store.tenant(creditor),
                &SystemClock,
                &Actor::Cli,
                &file_name,
                &bytes,
                args.mode(),
            )?;
            if let Some(path) = &args.errors {
                std::fs::write(path, error_file(&bytes, &report)?)?;
            }
            print_report(settings.json, &file_name, &report)?;
            refused(report.counts().refused, report.mode)
        }
    }
}

fn print_report(json: bool, file_name: &str, report: &ImportReport) -> Result<(), CliError> {
    let counts = report.counts();
    let applied = report.mode == ImportMode::Apply;
    if json {
        return output::json(&serde_json::json!({
            "mode": if applied { "applied" } else { "dry_run" },
            "previously_imported_at": report.previously_imported_at.map(|t| t.to_string()),
            "created": counts.created,
            "updated": counts.updated,
            "cancelled": counts.cancelled,
            "unchanged": counts.unchanged,
            "errors": counts.refused,
            "refused_lines": refused_lines(report),
        }));
    }
    if let Some(at) = report.previously_imported_at {
        println!("{file_name}: this same file was imported on {at}.");
    }
    let (verb, create, update, cancel) = if applied {
        ("applied", "created", "updated", "cancelled")
    } else {
        ("dry run", "to create", "to update", "to cancel")
    };
    println!(
        "{file_name} ({verb}): {} {create}, {} {update}, {} {cancel}, {} unchanged, {} refused.",
        counts.created, counts.updated, counts.cancelled, counts.unchanged, counts.refused
    );
    print_refused_lines(report);
    if !applied && counts.created + counts.updated + counts.cancelled > 0 {
        println!("Nothing was written: run again with --apply.");
    }
    Ok(())
}
