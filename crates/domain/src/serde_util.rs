//! Small serde helpers shared by the domain's input types.

use serde::{Deserialize, Deserializer};

/// Tells "absent" (`None`) from "explicitly null" (`Some(None)`) in a
/// partial update; use with `#[serde(default, deserialize_with = ...)]`.
pub(crate) fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
