//! `prelevo files list`, `prelevo files send --to DIR` and `prelevo files
//! write ID`: the bank files the collection runs made.

use std::fs::File;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use prelevo_app::bank_files::{bank_files, send_pending_files_to, write_bank_file};
use prelevo_app::creditors::resolve_creditor;
use prelevo_domain::{BankFileId, BankFileStatus, SystemClock};
use prelevo_store::{Actor, BankFileRecord, Position};

use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// List the creditor's bank files, newest first.
    List(ListArgs),
    /// Write every pending file into DIR (as `<message id>.xml`, complete or
    /// not at all) and mark it sent: its payments become `executing`.
    Send(SendArgs),
    /// Write one file (again: the same bytes every time).
    Write(WriteArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// Only files in this state (pending, sent, discarded).
    #[arg(long, value_parser = parse_status)]
    status: Option<BankFileStatus>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// The folder the bank's software picks files up from.
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
}

#[derive(Debug, Args)]
pub struct WriteArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// The file's id (`file_…`).
    id: BankFileId,
}

fn parse_status(text: &str) -> Result<BankFileStatus, String> {
    BankFileStatus::parse(text)
        .ok_or_else(|| format!("'{text}' is not a file state (pending, sent, discarded)"))
}

/// A file as `--json` prints it.
pub fn file_json(file: &BankFileRecord) -> serde_json::Value {
    serde_json::json!({
        "id": file.id.as_str(),
        "message_id": file.message_id,
        "format": file.format.as_str(),
        "status": file.status.as_str(),
        "run_on": file.run_on.to_string(),
        "transactions": file.transactions,
        "control_sum_cents": file.control_sum.minor(),
        "sha256": file.sha256,
        "size_bytes": file.size_bytes,
        "created_at": file.created_at.to_string(),
        "sent_at": file.sent_at.map(|t| t.to_string()),
    })
}

pub fn run(settings: &Settings, command: FilesCommand) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    match command {
        FilesCommand::List(args) => {
            let tenant = store.tenant(resolve_creditor(&store, args.creditor.as_deref())?);
            let files = bank_files(&tenant, args.status, Position::Start, i64::MAX)?;
            if settings.json {
                return output::json(&files.iter().map(file_json).collect::<Vec<_>>());
            }
            if files.is_empty() {
                println!("No bank file.");
            }
            for f in &files {
                println!(
                    "{}  {}  {:<9}  {:>7} collection(s)  {:>14} EUR  {}  {}",
                    f.id,
                    f.message_id,
                    f.status.as_str(),
                    f.transactions,
                    f.control_sum.to_decimal_string(),
                    f.format.as_str(),
                    f.run_on
                );
            }
            Ok(())
        }
        FilesCommand::Send(args) => {
            let tenant = store.tenant(resolve_creditor(&store, args.creditor.as_deref())?);
            if !args.to.is_dir() {
                return Err(CliError::invalid(format!(
                    "{}: is not a folder",
                    args.to.display()
                )));
            }
            let report = send_pending_files_to(&tenant, &SystemClock, &Actor::Cli, &args.to)?;
            if settings.json {
                output::json(
                    &report
                        .sent
                        .iter()
                        .map(|(file, path)| {
                            let mut json = file_json(file);
                            json["path"] = path.display().to_string().into();
                            json
                        })
                        .collect::<Vec<_>>(),
                )?;
            } else {
                if report.sent.is_empty() && report.refused.is_empty() {
                    println!("No pending bank file.");
                }
                for (file, path) in &report.sent {
                    println!(
                        "{} sent: {} collection(s), {} EUR → {}",
                        file.message_id,
                        file.transactions,
                        file.control_sum.to_decimal_string(),
                        path.display()
                    );
                }
            }
            // The files sent are reported first; those left pending fail
            // the command, each with why.
            if !report.refused.is_empty() {
                let why: Vec<String> = report.refused.iter().map(ToString::to_string).collect();
                return Err(CliError::failure(why.join("\n")));
            }
            Ok(())
        }
        FilesCommand::Write(args) => {
            let tenant = store.tenant(resolve_creditor(&store, args.creditor.as_deref())?);
            match args.output {
                // `write_bank_file` hands its output over in large pieces.
                None => {
                    write_bank_file(&tenant, &args.id, std::io::stdout().lock())?;
                }
                Some(path) => {
                    let written = write_bank_file(&tenant, &args.id, File::create(&path)?)?;
                    if settings.json {
                        return output::json(&serde_json::json!({
                            "file": path.display().to_string(),
                            "sha256": written.sha256,
                            "size_bytes": written.size,
                        }));
                    }
                    println!(
                        "{} bytes written to {} (SHA-256 {}).",
                        written.size,
                        path.display(),
                        written.sha256
                    );
                }
            }
            Ok(())
        }
    }
}
