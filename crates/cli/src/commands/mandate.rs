//! `prelevo mandate import` and `prelevo mandate export`: the dashboard's
//! mandate files from a shell, for scripted back-office runs. Same rules
//! as the dashboard and the API: a dry run unless `--apply`, each valid
//! line applied once, the same file again changes nothing; the export
//! streams, whatever the number of mandates.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::civil::Date;
use prelevo_app::creditors::resolve_creditor;
use prelevo_app::exports::write_mandates;
use prelevo_app::mandate_import::{
    ImportMode, ImportReport, LineOutcome, MAX_IMPORT_BYTES, error_file, import_mandates,
};
use prelevo_domain::{MandateStatus, SystemClock};
use prelevo_store::{Actor, MandateFilter};

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
pub struct ImportArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// Apply the valid lines (without it: a dry run).
    #[arg(long)]
    apply: bool,
    /// Write the refused lines here, with a column saying why, to correct
    /// and import again.
    #[arg(long, value_name = "PATH")]
    errors: Option<PathBuf>,
    /// The CSV file.
    file: PathBuf,
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
            let mode = if args.apply {
                ImportMode::Apply
            } else {
                ImportMode::DryRun
            };
            let file_name = args
                .file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let report = import_mandates(
                &store.tenant(creditor),
                &SystemClock,
                &Actor::Cli,
                &file_name,
                &bytes,
                mode,
            )?;
            if let Some(path) = &args.errors {
                std::fs::write(path, error_file(&bytes, &report)?)?;
            }
            print_report(settings.json, &file_name, &report)?;
            let (_, _, _, refused) = report.counts();
            if refused > 0 {
                return Err(CliError::invalid(format!(
                    "{refused} line(s) refused; the other lines are {}",
                    if args.apply { "applied" } else { "valid" }
                )));
            }
            Ok(())
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

/// The file's bytes, refusing one over the import limit before reading it.
fn read_import_file(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    let file = File::open(path)
        .map_err(|e| CliError::invalid(format!("{}: cannot be read: {e}", path.display())))?;
    let length = file.metadata()?.len();
    if length > MAX_IMPORT_BYTES as u64 {
        return Err(CliError::invalid(format!(
            "{}: is {length} bytes; at most {MAX_IMPORT_BYTES} are accepted: split it",
            path.display()
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.take(MAX_IMPORT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn print_report(json: bool, file_name: &str, report: &ImportReport) -> Result<(), CliError> {
    let (created, updated, unchanged, refused) = report.counts();
    let applied = report.mode == ImportMode::Apply;
    if json {
        let refusals: Vec<_> = report
            .lines
            .iter()
            .filter_map(|l| match &l.outcome {
                LineOutcome::Error(fields) => Some(serde_json::json!({
                    "line": l.line,
                    "reference": l.reference,
                    "errors": fields,
                })),
                _ => None,
            })
            .collect();
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
    for line in &report.lines {
        if let LineOutcome::Error(fields) = &line.outcome {
            for field in fields {
                println!("line {}: {field}", line.line);
            }
        }
    }
    if !applied && created + updated > 0 {
        println!("Nothing was written: run again with --apply.");
    }
    Ok(())
}
