//! What `prelevo mandate import` and `prelevo plan import` share: their
//! arguments, the file read within the import limit, and the refused lines
//! printed or given as JSON. Same rules as the dashboard and the API: a dry
//! run unless `--apply`, the error file with `--errors`, exit code 2 when a
//! line is refused.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use prelevo_app::import_file::{ImportMode, ImportReport, MAX_IMPORT_BYTES, Refusal};

use crate::CliError;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    pub creditor: Option<String>,
    /// Apply the valid lines (without it: a dry run).
    #[arg(long)]
    pub apply: bool,
    /// Write the refused lines here, with a column saying why, to correct
    /// and import again.
    #[arg(long, value_name = "PATH")]
    pub errors: Option<PathBuf>,
    /// The CSV file.
    pub file: PathBuf,
}

impl ImportArgs {
    /// Dry run unless `--apply`.
    pub fn mode(&self) -> ImportMode {
        if self.apply {
            ImportMode::Apply
        } else {
            ImportMode::DryRun
        }
    }

    /// The file's name, kept with the import.
    pub fn file_name(&self) -> String {
        self.file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }
}

/// The file's bytes, refusing one over the import limit before reading it.
pub fn read_import_file(path: &Path) -> Result<Vec<u8>, CliError> {
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

/// The refused lines, for `--json`.
pub fn refused_lines<O: Refusal>(report: &ImportReport<O>) -> Vec<serde_json::Value> {
    report
        .lines
        .iter()
        .filter_map(|l| {
            l.outcome.refusal().map(|fields| {
                serde_json::json!({
                    "line": l.line,
                    "reference": l.reference,
                    "errors": fields,
                })
            })
        })
        .collect()
}

/// Prints each refused field as `line N: column: why`.
pub fn print_refused_lines<O: Refusal>(report: &ImportReport<O>) {
    for line in &report.lines {
        for field in line.outcome.refusal().unwrap_or_default() {
            println!("line {}: {field}", line.line);
        }
    }
}

/// The command's failure when lines were refused (exit code 2), after the
/// report is printed.
pub fn refused(count: usize, mode: ImportMode) -> Result<(), CliError> {
    if count == 0 {
        return Ok(());
    }
    Err(CliError::invalid(format!(
        "{count} line(s) refused; the other lines are {}",
        match mode {
            ImportMode::Apply => "applied",
            ImportMode::DryRun => "valid",
        }
    )))
}
