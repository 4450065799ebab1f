//! The application's errors. Each says what went wrong in words the user
//! can act on, and has a [`ErrorKind`] that the edges (CLI exit code, HTTP
//! status) map from — in one place each.

use prelevo_store::StoreError;

/// One input field and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name, as the user typed it (`iban`, `settings.max_rejections`).
    pub field: String,
    /// Why, e.g. "check digits do not match (expected 76)".
    pub message: String,
}

impl FieldError {
    /// A refusal of `field` for `message`.
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What kind of failure: the edges choose exit codes and statuses from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller's input is wrong; nothing was written.
    InvalidInput,
    /// What the caller named does not exist (for this creditor).
    NotFound,
    /// The change contradicts existing data (duplicate, wrong state).
    Conflict,
    /// Who is asking is not established (wrong password, bad or used link).
    Unauthenticated,
    /// Who is asking may not do this.
    Forbidden,
    /// Too many attempts: try again later.
    Throttled,
    /// The system failed (database down, corrupt row): not the caller's fault.
    Internal,
    /// A service Prelevo depends on (the card gateway) did not answer:
    /// nothing was changed; try again later.
    Upstream,
}

/// Everything a use case can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more input fields are invalid; all are listed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// A named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change contradicts existing data.
    #[error("{0}")]
    Conflict(String),
    /// Who is asking is not established.
    #[error("{0}")]
    Unauthenticated(String),
    /// Who is asking may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; allowed again at `until`.
    #[error("too many attempts: try again after {until}")]
    Throttled {
        /// When attempts are accepted again.
        until: jiff::Timestamp,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// The system failed otherwise (no randomness, hashing failure).
    #[error("{0}")]
    System(String),
    /// A service Prelevo depends on failed; nothing was changed.
    #[error("{0}")]
    Upstream(String),
    /// A job or message could not be encoded or decoded.
    #[error("cannot encode or decode {what}: {source}")]
    Encoding {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's error.
        source: serde_json::Error,
    },
}

impl AppError {
    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The kind, for the edges' mappings.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Invalid(_) => ErrorKind::InvalidInput,
            AppError::NotFound(_) => ErrorKind::NotFound,
            AppError::Conflict(_) => ErrorKind::Conflict,
            AppError::Unauthenticated(_) => ErrorKind::Unauthenticated,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::Throttled { .. } => ErrorKind::Throttled,
            AppError::Upstream(_) => ErrorKind::Upstream,
            AppError::Store(_) | AppError::Encoding { .. } | AppError::System(_) => {
                ErrorKind::Internal
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => AppError::NotFound(error.to_string()),
            StoreError::Conflict { .. } => AppError::Conflict(error.to_string()),
            other => AppError::Store(other),
        }
    }
}
