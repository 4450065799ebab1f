//! `POST /v1/mandates/import`: a `;` CSV of mandates signed elsewhere,
//! dry-run first, then applied; the refused lines come back as JSON or as
//! an error file to correct.

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use prelevo_app::mandate_import::{ImportReport, LineOutcome, error_file, import_mandates};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::import::{
    ImportFieldError, ImportParams, error_file_response, file_bytes, mode_code, wants_error_file,
};
use super::json::ApiQuery;
use crate::{AppState, Problem};

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

impl From<&ImportReport> for ImportReportView {
    fn from(report: &ImportReport) -> Self {
        let (created, updated, unchanged, errors) = report.counts();
        Self {
            mode: mode_code(report.mode),
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
                            fields.iter().map(ImportFieldError::from).collect(),
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
    let bytes = file_bytes(&headers, body).await?;
    let mode = params.mode();
    let wants_error_file = wants_error_file(&headers);
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
        Some(file) => error_file_response("mandates-errors.csv", file),
        None => Json(ImportReportView::from(&report)).into_response(),
    })
}
