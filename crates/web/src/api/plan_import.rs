//! `POST /v1/plans/import`: plans by file — a `;` CSV that creates,
//! changes and cancels plans named by the creditor's own references,
//! dry-run first, then applied; the refused lines come back as JSON or as
//! an error file to correct.

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use prelevo_app::plan_import::{ImportReport, LineOutcome, error_file, import_plans};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::import::{
    ImportFieldError, ImportParams, error_file_response, file_bytes, mode_code, wants_error_file,
};
use super::json::ApiQuery;
use crate::{AppState, Problem};

/// What a plan import did (or would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanImportReportView {
    /// `dry_run` or `applied`.
    pub mode: String,
    /// When the same file was imported before (re-importing changes
    /// nothing).
    pub previously_imported_at: Option<String>,
    /// Lines that create a plan.
    pub created: usize,
    /// Lines that change a plan (its instalments not sent yet follow).
    pub updated: usize,
    /// Lines that cancel a plan.
    pub cancelled: usize,
    /// Lines already applied.
    pub unchanged: usize,
    /// Lines refused.
    pub errors: usize,
    /// Every data line.
    pub lines: Vec<PlanImportLineView>,
}

/// One line's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanImportLineView {
    /// The line number (the header is line 1).
    pub line: u64,
    /// The plan reference read.
    pub plan_reference: String,
    /// `create`, `update`, `cancel`, `unchanged` or `error`.
    pub outcome: String,
    /// Why the line is refused, column by column.
    pub errors: Vec<ImportFieldError>,
}

impl From<&ImportReport> for PlanImportReportView {
    fn from(report: &ImportReport) -> Self {
        let counts = report.counts();
        Self {
            mode: mode_code(report.mode),
            previously_imported_at: report.previously_imported_at.map(|t| t.to_string()),
            created: counts.created,
            updated: counts.updated,
            cancelled: counts.cancelled,
            unchanged: counts.unchanged,
            errors: counts.refused,
            lines: report
                .lines
                .iter()
                .map(|l| {
                    let (outcome, errors) = match &l.outcome {
                        LineOutcome::Create => ("create", vec![]),
                        LineOutcome::Update => ("update", vec![]),
                        LineOutcome::Cancel => ("cancel", vec![]),
                        LineOutcome::Unchanged => ("unchanged", vec![]),
                        LineOutcome::Error(fields) => {
                            ("error", fields.iter().map(ImportFieldError::from).collect())
                        }
                    };
                    PlanImportLineView {
                        line: l.line,
                        plan_reference: l.reference.clone(),
                        outcome: outcome.to_owned(),
                        errors,
                    }
                })
                .collect(),
        }
    }
}

/// Creates, changes and cancels plans from a `;` CSV (UTF-8) sent as the
/// body, each line naming its plan by `plan_reference`; the same file again
/// changes nothing. With `Accept: text/csv` the answer is the error file
/// (refused lines and why) instead of the JSON report. Audited per plan.
#[utoipa::path(post, path = "/v1/plans/import", tag = "plans", params(ImportParams),
    request_body(content = String, content_type = "text/csv",
        description = "`;`-separated UTF-8 CSV; columns in docs/USER-GUIDE, example in docs/examples/plans-import.csv"),
    responses(
        (status = 200, description = "What each line did (or would do)", body = PlanImportReportView),
        (status = 413, description = "Over 50 MiB (problem+json)"),
        (status = 422, description = "Not UTF-8, not `;`-separated, or an unknown or missing column, with the line (problem+json)"),
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
    let file_name = params.file_name.unwrap_or_else(|| "plans.csv".into());
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let (report, error_bytes) = state
        .run(move |_, clock| {
            let report = import_plans(&tenant, clock, &actor, &file_name, &bytes, mode)?;
            let errors = if wants_error_file {
                Some(error_file(&bytes, &report)?)
            } else {
                None
            };
            Ok((report, errors))
        })
        .await?;
    Ok(match error_bytes {
        Some(file) => error_file_response("plans-errors.csv", file),
        None => Json(PlanImportReportView::from(&report)).into_response(),
    })
}
