//! RFC 9457 problem details: the one place where errors become HTTP
//! responses. Each kind has a stable `type` URI (`/problems/<slug>`) that
//! clients may match on; `docs/API.md` lists them.

use axum::http::{HeaderValue, StatusCode, Uri, header};
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
    /// Seconds to wait before retrying (sent as `Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<u64>,
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
    /// A problem of kind `slug` with `title`, `status` and `detail`.
    pub fn new(
        slug: &str,
        title: &'static str,
        status: StatusCode,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
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

    /// Too many requests; retry after `seconds`.
    pub fn rate_limited(detail: impl Into<String>, seconds: u64) -> Self {
        let mut problem = Self::new(
            "rate-limited",
            "Too many requests",
            StatusCode::TOO_MANY_REQUESTS,
            detail,
        );
        problem.retry_after = Some(seconds.max(1));
        problem
    }

    /// Invalid input, field by field.
    pub fn validation(detail: impl Into<String>, fields: &[FieldError]) -> Self {
        let mut problem = Self::new(
            "validation",
            "Invalid input",
            StatusCode::UNPROCESSABLE_ENTITY,
            detail,
        );
        problem.errors = fields.iter().map(to_pointer).collect();
        problem
    }

    /// What a person reads on a page: each refused field with its reason
    /// (`amount: must be more than zero`), or the detail when no field is
    /// named.
    pub fn reasons(&self) -> Vec<String> {
        if self.errors.is_empty() {
            return vec![self.detail.clone()];
        }
        self.errors
            .iter()
            .map(|f| format!("{}: {}", f.pointer.trim_start_matches('/'), f.detail))
            .collect()
    }

    /// The same problem under another status and kind.
    pub fn with_status(mut self, status: StatusCode, slug: &str, title: &'static str) -> Self {
        self.status = status.as_u16();
        self.kind = format!("/problems/{slug}");
        self.title = title;
        self
    }

    /// Converts an application error, with `now` to compute `Retry-After`.
    pub fn from_app(error: AppError, now: jiff::Timestamp) -> Self {
        match error.kind() {
            ErrorKind::InvalidInput => {
                let fields = match &error {
                    AppError::Invalid(fields) => fields.clone(),
                    _ => Vec::new(),
                };
                Self::validation(error.to_string(), &fields)
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
            ErrorKind::Unauthenticated => Self::new(
                "unauthenticated",
                "Authentication required",
                StatusCode::UNAUTHORIZED,
                error.to_string(),
            ),
            ErrorKind::Forbidden => Self::new(
                "forbidden",
                "Forbidden",
                StatusCode::FORBIDDEN,
                error.to_string(),
            ),
            ErrorKind::Throttled => {
                let seconds = match &error {
                    AppError::Throttled { until } => until.duration_since(now).as_secs().max(1),
                    _ => 60,
                };
                Self::rate_limited(error.to_string(), u64::try_from(seconds).unwrap_or(60))
            }
            ErrorKind::Internal => Self::internal(error.to_string()),
            ErrorKind::Upstream => Self::new(
                "upstream-unavailable",
                "A service Prelevo depends on did not answer",
                StatusCode::BAD_GATEWAY,
                error.to_string(),
            ),
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
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
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

/// Answers a known route called with a method it does not have.
pub(crate) async fn method_not_allowed(method: axum::http::Method, uri: Uri) -> Problem {
    Problem::new(
        "method-not-allowed",
        "Method not allowed",
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}
