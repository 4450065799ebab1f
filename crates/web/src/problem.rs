//! RFC 9457 problem details: the one place where errors become HTTP
//! responses. Each kind has a stable `type` URI that clients may match on.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use prelevo_app::{AppError, ErrorKind, FieldError};

/// An `application/problem+json` response.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// Stable URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: &'static str,
    /// HTTP status.
    pub status: u16,
    /// What happened in this instance.
    pub detail: String,
    /// Invalid fields (JSON pointer + message), for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProblemField {
    /// JSON pointer to the field, e.g. `/iban`.
    pub pointer: String,
    /// Why it was refused.
    pub detail: String,
}

impl Problem {
    fn new(slug: &str, title: &'static str, status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Something failed on our side; the detail is logged, not shown.
    pub fn internal(detail: impl Into<String>) -> Self {
        tracing::error!(detail = %detail.into(), "internal error");
        Self::new(
            "internal",
            "Internal error",
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server failed to handle this request; it has been logged",
        )
    }

    /// The database does not answer.
    pub fn database_unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            "database-unavailable",
            "Database unavailable",
            StatusCode::SERVICE_UNAVAILABLE,
            detail,
        )
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        match error.kind() {
            ErrorKind::InvalidInput => {
                let fields = match &error {
                    AppError::Invalid(fields) => fields.clone(),
                    _ => Vec::new(),
                };
                let mut problem = Self::new(
                    "validation",
                    "Invalid input",
                    StatusCode::UNPROCESSABLE_ENTITY,
                    error.to_string(),
                );
                problem.errors = fields.iter().map(to_pointer).collect();
                problem
            }
            ErrorKind::NotFound => Self::new(
                "not-found",
                "Not found",
                StatusCode::NOT_FOUND,
                error.to_string(),
            ),
            ErrorKind::Conflict => Self::new(
                "conflict",
                "Conflict",
                StatusCode::CONFLICT,
                error.to_string(),
            ),
            ErrorKind::Internal => Self::internal(error.to_string()),
        }
    }
}

fn to_pointer(field: &FieldError) -> ProblemField {
    ProblemField {
        pointer: format!("/{}", field.field.replace('.', "/")),
        detail: field.message.clone(),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_else(|_| String::from("{}"));
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// Answers every unknown route.
pub(crate) async fn not_found(uri: Uri) -> Problem {
    Problem::new(
        "not-found",
        "Not found",
        StatusCode::NOT_FOUND,
        format!("no route for {}", uri.path()),
    )
}
