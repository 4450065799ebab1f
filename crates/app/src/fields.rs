//! Input checked field by field: every error is collected and reported
//! together, each naming its field.

use prelevo_domain::{CreditorSettings, SettingsPatch};

use crate::{AppError, FieldError};

/// Collects every field error instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Fields(Vec<FieldError>);

impl Fields {
    pub(crate) fn take<T, E: ToString>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        parsed
            .map_err(|e| self.0.push(FieldError::new(field, e)))
            .ok()
    }

    pub(crate) fn optional<T, E: ToString>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => self.take(field, parse(v)).map(Some),
            None => Some(None),
        }
    }

    pub(crate) fn settings(
        &mut self,
        base: &CreditorSettings,
        patch: &SettingsPatch,
    ) -> Option<CreditorSettings> {
        base.apply(patch)
            .map_err(|e| self.0.push(FieldError::new(e.field, e)))
            .ok()
    }

    /// Records an error found across fields.
    pub(crate) fn push(&mut self, field: &str, message: impl ToString) {
        self.0.push(FieldError::new(field, message));
    }

    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, AppError> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(AppError::Invalid(self.0)),
        }
    }
}
