//! Ids in paths: one that cannot exist is answered like an unknown one
//! (404), so a caller learns nothing from its shape.

use prelevo_app::AppError;

use crate::Problem;

/// The id in a path, or a 404 naming the `entity`.
pub(crate) fn path_id<T, E>(
    text: &str,
    entity: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, Problem> {
    parse(text).map_err(|_| {
        Problem::from_app(
            AppError::NotFound(format!("{entity} '{text}' not found")),
            jiff::Timestamp::UNIX_EPOCH,
        )
    })
}
