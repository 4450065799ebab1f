//! `prelevo mandate import` and `prelevo mandate export`: the dashboard's
//! mandate files from a shell, for scripted back-office runs. Same rules
//! as the dashboard and the API: a dry run unless `--apply`, each valid
//! line applied once, the same file again changes nothing; the export
//! streams, whatever the number of mandates.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::civil::Date;
use prelevo_app::creditors::resolve_creditor;
use prelevo_app::exports::write_mandates;
use prelevo_app::mandate_import::{ImportMode, ImportReport, error_file, import_mandates};
use prelevo_domain::{MandateStatus, SystemClock};
use prelevo_store::{Actor, MandateFilter};

use crate::commands::import::{
    ImportArgs, print_refused_lines, read_import_file, refused, refused_lines,
};
use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Subcommand)]
pub enum MandateCommand {
    /// Import mandates signed elsewhere from a `;` CSV (UTF-8; columns in
    /// docs/USER-GUIDE). Reports what each line would do and writes
    /// nothing, unless `--apply`.
    Import(ImportArgs),
    /// Write the creditor's mandates, newest first, as a `;` CSV.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Only mandates in this state (pending_reference, active, revoked, expired).
    #[arg(long, value_parser = parse_status)]
    status: Option<MandateStatus>,
    /// Only the mandates of the customer with this reference.
    #[arg(long)]
    customer_reference: Option<String>,
    /// Only mandates whose UMR starts with this.
    #[arg(long)]
    reference: Option<String>,
    /// Only mandates signed on or after this day (YYYY-MM-DD).
    #[arg(long)]
    signed_from: Option<Date>,
    /// Only mandates signed on or before this day (YYYY-MM-DD).
    #[arg(long)]
    signed_to: Option<Date>,
}

fn parse_status(text: &str) -> Result<MandateStatus, String> {
    MandateStatus::parse(text).ok_or_else(|| {
        format!("'{text}' is not a mandate state (pending_reference, active, revoked, expired)")
    })
}

pub fn run(settings: &Settings, command: MandateCommand) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    match command {
        MandateCommand::Import(args) => {
            let creditor = resolve_creditor(&store, args.creditor.as_deref())?;
            let bytes = read_import_file(&args.file)?;
            let file_name = args.file_name();
            let report = import_mandates(
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
            refused(report.counts().3, report.mode)
        }
        MandateCommand::Export(args) => {
            let creditor = resolve_creditor(&store, args.creditor.as_deref())?;
            let filter = MandateFilter {
                status: args.status,
                customer_code: args.customer_reference,
                reference: args.reference,
                signed_from: args.signed_from,
                signed_to: args.signed_to,
                ..MandateFilter::default()
            };
            let tenant = store.tenant(creditor);
            let Some(path) = args.output else {
                let mut out = BufWriter::new(std::io::stdout().lock());
                write_mandates(&tenant, &filter, &mut out)?;
                out.flush()?;
                return Ok(());
            };
            let mut out = BufWriter::new(File::create(&path)?);
            let count = write_mandates(&tenant, &filter, &mut out)?;
            out.flush()?;
            if settings.json {
                return output::json(&serde_json::json!({
                    "mandates": count,
                    "file": path.display().to_string(),
                }));
            }
            println!("{count} mandate(s) written to {}.", path.display());
            Ok(())
        }
    }
}

fn print_report(json: bool, file_name: &str, report: &ImportReport) -> Result<(), CliError> {
    let (created, updated, unchanged, refused) = report.counts();
    let applied = report.mode == ImportMode::Apply;
    if json {
        let refusals = refused_lines(report);
        return output::json(&serde_json::json!({
            "mode": if applied { "applied" } else { "dry_run" },
            "previously_imported_at": report.previously_imported_at.map(|t| t.to_string()),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "errors": refused,
            "refused_lines": refusals,
        }));
    }
    if let Some(at) = report.previously_imported_at {
        println!("{file_name}: this same file was imported on {at}.");
    }
    let (verb, create, update) = if applied {
        ("applied", "created", "updated")
    } else {
        ("dry run", "to create", "to update")
    };
    println!(
        "{file_name} ({verb}): {created} {create}, {updated} {update}, {unchanged} unchanged, {refused} refused."
    );
    print_refused_lines(report);
    if !applied && created + updated > 0 {
        println!("Nothing was written: run again with --apply.");
    }
    Ok(())
}
