//! How a command's failure reaches the user: one message, one exit code
//! (1 failure, 2 invalid input), never a panic or a backtrace.

use std::process::ExitCode;

use prelevo_app::{AppError, ErrorKind, FieldError};
use prelevo_store::StoreError;

/// A failed command.
#[derive(Debug)]
pub struct CliError {
    invalid_input: bool,
    message: String,
    fields: Vec<FieldError>,
}

impl CliError {
    /// A failure that is not the user's input.
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            invalid_input: false,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// The user's input is wrong.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            invalid_input: true,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(if self.invalid_input { 2 } else { 1 })
    }

    /// Prints the error on standard error (as JSON with `--json`).
    pub fn report(&self, json: bool) {
        if json {
            let body = serde_json::json!({
                "error": self.message,
                "fields": self.fields,
            });
            eprintln!("{body}");
        } else if self.fields.is_empty() {
            eprintln!("error: {}", self.message);
        } else {
            for field in &self.fields {
                eprintln!("error: {field}");
            }
        }
    }
}

impl From<AppError> for CliError {
    fn from(error: AppError) -> Self {
        let invalid_input = error.kind() == ErrorKind::InvalidInput;
        let fields = match &error {
            AppError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        };
        Self {
            invalid_input,
            message: error.to_string(),
            fields,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> Self {
        CliError::from(AppError::from(error))
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError::failure(error.to_string())
    }
}
