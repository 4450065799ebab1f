//! Cursor pagination for `/v1` lists: `limit` (1–100, default 20) and an
//! opaque `after` or `before` cursor; answers `{data, has_more,
//! next_cursor, previous_cursor}`. Cursors are base64url text; a client
//! must treat them as opaque.

use std::fmt::Display;
use std::str::FromStr;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use prelevo_store::Position;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Problem;

/// Paging parameters of a list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor (the next page).
    pub after: Option<String>,
    /// Go back before this cursor (the previous page).
    pub before: Option<String>,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// The items, in list order.
    pub data: Vec<T>,
    /// Whether items follow this page.
    pub has_more: bool,
    /// Pass as `after` for the next page.
    pub next_cursor: Option<String>,
    /// Pass as `before` for the previous page.
    pub previous_cursor: Option<String>,
}

const PREFIX: &str = "c1:";

/// The cursor that points at the item with `id` (a number or a prefixed
/// id).
pub fn encode_cursor<K: Display>(id: &K) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{id}"))
}

fn decode_cursor<K: FromStr>(name: &str, cursor: &str) -> Result<K, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(PREFIX).and_then(|id| id.parse().ok()))
        .ok_or_else(|| bad_param(name, "is not a cursor given by this API"))
}

/// An optional date parameter (`YYYY-MM-DD`).
pub(crate) fn date_param(
    name: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Problem> {
    value
        .map(|v| {
            v.parse::<jiff::civil::Date>()
                .map_err(|_| bad_param(name, "must be a date YYYY-MM-DD"))
        })
        .transpose()
}

/// An optional id parameter of the kind `parse` reads (`what` names it).
pub(crate) fn id_param<T, E>(
    name: &str,
    value: Option<&str>,
    what: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, Problem> {
    value
        .map(|v| parse(v).map_err(|_| bad_param(name, &format!("is not {what}"))))
        .transpose()
}

/// A query parameter refused: 400 problem naming it.
pub(crate) fn bad_param(name: &str, why: &str) -> Problem {
    Problem::validation(
        format!("{name} {why}"),
        &[prelevo_app::FieldError::new(name, why)],
    )
    .with_status(
        StatusCode::BAD_REQUEST,
        "invalid-parameter",
        "Invalid parameter",
    )
}

impl PageParams {
    /// Where the page starts and how many items it has.
    pub fn resolve<K: FromStr>(&self) -> Result<(Position<K>, i64), Problem> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(bad_param("limit", "must be between 1 and 100"));
        }
        let position = match (&self.after, &self.before) {
            (Some(_), Some(_)) => return Err(bad_param("before", "cannot be given with after")),
            (Some(after), None) => Position::After(decode_cursor("after", after)?),
            (None, Some(before)) => Position::Before(decode_cursor("before", before)?),
            (None, None) => Position::Start,
        };
        Ok((position, limit))
    }
}

impl<T> ListResponse<T> {
    /// A page from `fetched` items, fetched with `limit + 1` so that one
    /// extra item tells whether more exist in the direction of travel.
    pub fn from_fetched<K: Display>(
        mut fetched: Vec<T>,
        position: &Position<K>,
        limit: i64,
        id_of: impl Fn(&T) -> K,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more_this_way = fetched.len() > limit;
        if more_this_way {
            match position {
                // Walking back, the extra item is the newest: at the front.
                Position::Before(_) => {
                    fetched.remove(0);
                }
                _ => fetched.truncate(limit),
            }
        }
        let (has_next, has_previous) = match position {
            Position::Start => (more_this_way, false),
            Position::After(_) => (more_this_way, true),
            Position::Before(_) => (true, more_this_way),
        };
        let next_cursor = fetched
            .last()
            .filter(|_| has_next)
            .map(|t| encode_cursor(&id_of(t)));
        let previous_cursor = fetched
            .first()
            .filter(|_| has_previous)
            .map(|t| encode_cursor(&id_of(t)));
        Self {
            data: fetched,
            has_more: next_cursor.is_some(),
            next_cursor,
            previous_cursor,
        }
    }

    /// The same page with each item as the API shows it.
    pub fn map<U>(self, view: impl Fn(&T) -> U) -> ListResponse<U> {
        ListResponse {
            data: self.data.iter().map(view).collect(),
            has_more: self.has_more,
            next_cursor: self.next_cursor,
            previous_cursor: self.previous_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = encode_cursor(&42);
        assert_eq!(decode_cursor::<i64>("after", &cursor).unwrap(), 42);
        assert!(decode_cursor::<i64>("after", "42").is_err());
        assert!(decode_cursor::<i64>("after", "!!").is_err());
        let id = prelevo_domain::CustomerId::parse("cus_0123456789abcdef0123456789abcdef").unwrap();
        let text = encode_cursor(&id);
        assert_eq!(
            decode_cursor::<prelevo_domain::CustomerId>("after", &text).unwrap(),
            id
        );
        assert!(decode_cursor::<prelevo_domain::MandateId>("after", &text).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        let params = |limit| PageParams {
            limit: Some(limit),
            ..PageParams::default()
        };
        assert!(params(0).resolve::<i64>().is_err());
        assert!(params(101).resolve::<i64>().is_err());
        assert_eq!(
            params(100).resolve::<i64>().unwrap(),
            (Position::Start, 100)
        );
        let both = PageParams {
            after: Some(encode_cursor(&1)),
            before: Some(encode_cursor(&2)),
            ..PageParams::default()
        };
        assert_eq!(both.resolve::<i64>().unwrap_err().status, 400);
    }

    #[test]
    fn pages_say_what_lies_on_each_side() {
        let first = ListResponse::from_fetched(vec![9, 8, 7], &Position::Start, 2, |n| *n);
        assert_eq!(first.data, [9, 8]);
        assert_eq!(first.next_cursor, Some(encode_cursor(&8)));
        assert_eq!(first.previous_cursor, None);
        let last = ListResponse::from_fetched(vec![2, 1], &Position::After(3), 2, |n| *n);
        assert!(!last.has_more);
        assert_eq!(last.previous_cursor, Some(encode_cursor(&2)));
        let back = ListResponse::from_fetched(vec![7, 6, 5], &Position::Before(4), 2, |n| *n);
        assert_eq!(back.data, [6, 5]);
        assert_eq!(back.previous_cursor, Some(encode_cursor(&6)));
        assert_eq!(back.next_cursor, Some(encode_cursor(&5)));
    }
}
