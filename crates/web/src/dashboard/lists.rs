//! What every list page shares: reading its query, finding the store
//! position of its cursor, fetching a page and its total, answering a bad
//! query, and answering an htmx request with the list alone.

use std::str::FromStr;

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use prelevo_app::AppError;
use prelevo_domain::{Clock, Permission};
use prelevo_store::{Position, Store};

use super::Member;
use crate::AppState;
use crate::ui::{
    Cursor, Layout, ListFragment, ListQuery, ListQueryError, ListSpec, Position as ListPosition,
    Table,
};

/// The list's query, when the member may use the list (else the 403 page)
/// and the query is one the list takes (else 400 naming the parameter).
pub(super) fn list_query(
    member: &Member,
    permission: Permission,
    spec: ListSpec,
    uri: &Uri,
) -> Result<ListQuery, Response> {
    member.require(permission)?;
    ListQuery::parse(spec, uri.query()).map_err(bad_query)
}

/// The page of rows the query asks for and the list's total, read by
/// `read` (given the store position and how many rows to fetch) through
/// the blocking pool; rows come in the list's order.
pub(super) async fn fetch_page<K, R, T>(
    state: &AppState,
    query: &ListQuery,
    read: impl FnOnce(&Store, &dyn Clock, Position<K>, i64) -> Result<(Vec<R>, T), AppError>
    + Send
    + 'static,
) -> Result<(Vec<R>, T), Response>
where
    K: FromStr + Clone + Send + 'static,
    R: Send + 'static,
    T: Send + 'static,
{
    let position = store_position::<K>(query);
    let limit = i64::from(query.fetch_limit());
    let page_position = position.clone();
    let (rows, total) = state
        .run(move |store, clock| read(store, clock, page_position, limit))
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((in_list_order(rows, &position), total))
}

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
fn store_position<K: FromStr>(query: &ListQuery) -> Position<K> {
    let id_of = |cursor: &Cursor| cursor.id.parse::<K>().ok();
    match query.position() {
        ListPosition::First => Position::Start,
        ListPosition::After(cursor) => id_of(cursor).map_or(Position::Start, Position::After),
        ListPosition::Before(cursor) => id_of(cursor).map_or(Position::Start, Position::Before),
    }
}

/// Rows as the list component wants them: before a cursor, nearest first
/// (the store gives every page newest first).
fn in_list_order<T, K>(mut rows: Vec<T>, position: &Position<K>) -> Vec<T> {
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
