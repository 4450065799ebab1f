//! `POST /v1/mandates/import`: a `;` CSV of mandates signed elsewhere,
//! dry-run first, then applied; the refused lines come back as JSON or as
//! an error file to correct.

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prelevo_app::mandate_import::{
    ImportMode, ImportReport, LineOutcome, MAX_IMPORT_BYTES, error_file, import_mandates,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::json::ApiQuery;
use crate::{AppState, Problem};

/// How to import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `true`: report what each line would do and write nothing.
    pub dry_run: Option<bool>,
    /// The file's name, kept with the import.
    pub file_name: Option<String>,
}

/// What an import did (or would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    /// `dry_run` or `applied`.
    pub mode: String,
    /// When the same file was imported before (re-importing changes
    /// nothing).
    pub previously_imported_at: Option<String>,
    /// Lines that create a mandate.
    pub created: usize,
    /// Lines that change a mandate's bank details.
    pub updated: usize,
    /// Lines already applied.
    pub unchanged: usize,
    /// Lines refused.
    pub errors: usize,
    /// Every data line.
    pub lines: Vec<ImportLineView>,
}

/// One line's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportLineView {
    /// The line number (the header is line 1).
    pub line: u64,
    /// The mandate reference read.
    pub reference: String,
    /// `create`, `update`, `unchanged` or `error`.
    pub outcome: String,
    /// Whether the customer is created too.
    pub new_customer: bool,
    /// Why the line is refused, field by field.
    pub errors: Vec<ImportFieldError>,
}

/// A refused field of a line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportFieldError {
    /// The column.
    pub field: String,
    /// Why.
    pub message: String,
}

impl From<&ImportReport> for ImportReportView {
    fn from(report: &ImportReport) -> Self {
        let (created, updated, unchanged, errors) = report.counts();
        Self {
            mode: match report.mode {
                ImportMode::DryRun => "dry_run",
                ImportMode::Apply => "applied",
            }
            .to_owned(),
            previously_imported_at: report.previously_imported_at.map(|t| t.to_string()),
            created,
            updated,
            unchanged,
            errors,
            lines: report
                .lines
                .iter()
                .map(|l| {
                    let (outcome, new_customer, errors) = match &l.outcome {
                        LineOutcome::Create { new_customer } => ("create", *new_customer, vec![]),
                        LineOutcome::Update => ("update", false, vec![]),
                        LineOutcome::Unchanged => ("unchanged", false, vec![]),
                        LineOutcome::Error(fields) => (
                            "error",
                            false,
                            fields
                                .iter()
                                .map(|f| ImportFieldError {
                                    field: f.field.clone(),
                                    message: f.message.clone(),
                                })
                                .collect(),
                        ),
                    };
                    ImportLineView {
                        line: l.line,
                        reference: l.reference.clone(),
                        outcome: outcome.to_owned(),
                        new_customer,
                        errors,
                    }
                })
                .collect(),
        }
    }
}

fn too_large() -> Problem {
    Problem::new(
        "payload-too-large",
        "Payload too large",
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("an import file may have at most {MAX_IMPORT_BYTES} bytes: split it"),
    )
}

/// Imports mandates from a `;` CSV (UTF-8) sent as the body. With
/// `Accept: text/csv` the answer is the error file (refused lines and
/// why) instead of the JSON report.
#[utoipa::path(post, path = "/v1/mandates/import", tag = "mandates", params(ImportParams),
    request_body(content = String, content_type = "text/csv",
        description = "`;`-separated UTF-8 CSV; columns in docs/USER-GUIDE, example in docs/examples/mandates-import.csv"),
    responses(
        (status = 200, description = "What each line did (or would do)", body = ImportReportView),
        (status = 413, description = "Over 50 MiB (problem+json)"),
        (status = 422, description = "Not UTF-8, not `;`-separated, or missing columns, with the line (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn import(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|length| length > MAX_IMPORT_BYTES) {
        return Err(too_large());
    }
    // Read up to the limit only: a larger body is cut off, not buffered.
    let bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES)
        .await
        .map_err(|_| too_large())?;
    let mode = if params.dry_run.unwrap_or(false) {
        ImportMode::DryRun
    } else {
        ImportMode::Apply
    };
    let wants_error_file = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.starts_with("text/csv"));
    let file_name = params.file_name.unwrap_or_else(|| "mandates.csv".into());
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let (report, error_bytes) = state
        .run(move |_, clock| {
            let report = import_mandates(&tenant, clock, &actor, &file_name, &bytes, mode)?;
            let errors = if wants_error_file {
                Some(error_file(&bytes, &report)?)
            } else {
                None
            };
            Ok((report, errors))
        })
        .await?;
    Ok(match error_bytes {
        Some(file) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mandates-errors.csv\"",
                ),
            ],
            file,
        )
            .into_response(),
        None => Json(ImportReportView::from(&report)).into_response(),
    })
}
