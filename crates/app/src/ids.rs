//! Fresh row identifiers: a time-ordered UUID (v7) as the body, so ids sort
//! by creation and lists can page by id.

use prelevo_domain::IdError;

use crate::AppError;

/// A new id of the kind `from_body` builds.
pub(crate) fn fresh_id<T>(from_body: fn(&str) -> Result<T, IdError>) -> Result<T, AppError> {
    from_body(&uuid::Uuid::now_v7().simple().to_string())
        .map_err(|e| AppError::System(e.to_string()))
}
