//! What the CSV import endpoints (`/v1/mandates/import`,
//! `/v1/plans/import`) share: the query, the body read up to the import
//! limit, the choice between the JSON report and the error file, and the
//! refused fields' shape.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prelevo_app::import_file::{ImportMode, MAX_IMPORT_BYTES};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Problem;

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

impl ImportParams {
    /// Dry run or apply.
    pub fn mode(&self) -> ImportMode {
        if self.dry_run.unwrap_or(false) {
            ImportMode::DryRun
        } else {
            ImportMode::Apply
        }
    }
}

/// A refused field of a line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportFieldError {
    /// The column.
    pub field: String,
    /// Why.
    pub message: String,
}

impl From<&prelevo_app::FieldError> for ImportFieldError {
    fn from(error: &prelevo_app::FieldError) -> Self {
        Self {
            field: error.field.clone(),
            message: error.message.clone(),
        }
    }
}

/// `dry_run` or `applied`, as a report says.
pub fn mode_code(mode: ImportMode) -> String {
    match mode {
        ImportMode::DryRun => "dry_run",
        ImportMode::Apply => "applied",
    }
    .to_owned()
}

fn too_large() -> Problem {
    Problem::new(
        "payload-too-large",
        "Payload too large",
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("an import file may have at most {MAX_IMPORT_BYTES} bytes: split it"),
    )
}

/// The uploaded file: refused from its announced length before a byte is
/// read, and read up to the limit only (a larger body is cut off, not
/// buffered).
pub async fn file_bytes(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Problem> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|length| length > MAX_IMPORT_BYTES) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_IMPORT_BYTES)
        .await
        .map_err(|_| too_large())
}

/// Whether the caller asked for the error file (`Accept: text/csv`)
/// rather than the JSON report.
pub fn wants_error_file(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.starts_with("text/csv"))
}

/// The error file as a download named `name`.
pub fn error_file_response(name: &'static str, file: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        file,
    )
        .into_response()
}
