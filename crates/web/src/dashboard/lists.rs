//! What every list page shares: reading its query, finding the store
//! position of its cursor, answering a bad query, and answering an htmx
//! request with the list alone.

use std::str::FromStr;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use prelevo_store::Position;

use crate::ui::{
    Cursor, Layout, ListFragment, ListQuery, ListQueryError, Position as ListPosition, Table,
};

/// A query the list cannot take: 400 naming the parameter.
pub(super) fn bad_query(error: ListQueryError) -> Response {
    crate::Problem::new(
        "invalid-parameter",
        "Invalid parameter",
        StatusCode::BAD_REQUEST,
        error.to_string(),
    )
    .into_response()
}

/// A filter value the page does not know: 400 naming it.
pub(super) fn refused(name: &str, value: &str) -> Response {
    bad_query(ListQueryError::InvalidValue {
        name: name.to_owned(),
        value: value.to_owned(),
    })
}

/// Filter `name` read by `parse` (trimmed); a value it cannot read is a
/// bad query naming the filter.
pub(super) fn parsed<T>(
    query: &ListQuery,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Response> {
    match query.filter(name) {
        None => Ok(None),
        Some(v) => parse(v.trim()).map(Some).ok_or_else(|| refused(name, v)),
    }
}

/// The store position of the list's cursor; a cursor whose id cannot be
/// read starts from the top.
pub(super) fn store_position<K: FromStr>(query: &ListQuery) -> Position<K> {
    let id_of = |cursor: &Cursor| cursor.id.parse::<K>().ok();
    match query.position() {
        ListPosition::First => Position::Start,
        ListPosition::After(cursor) => id_of(cursor).map_or(Position::Start, Position::After),
        ListPosition::Before(cursor) => id_of(cursor).map_or(Position::Start, Position::Before),
    }
}

/// Rows as the list component wants them: before a cursor, nearest first
/// (the store gives every page newest first).
pub(super) fn in_list_order<T, K>(mut rows: Vec<T>, position: &Position<K>) -> Vec<T> {
    if matches!(position, Position::Before(_)) {
        rows.reverse();
    }
    rows
}

/// The list alone when htmx asks for it (filters, paging), else `None`.
pub(super) fn fragment(headers: &HeaderMap, layout: &Layout, list: &Table) -> Option<Response> {
    headers
        .contains_key("hx-request")
        .then(|| ListFragment { layout, list }.into_response())
}
