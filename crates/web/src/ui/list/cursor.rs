//! Cursors: where a page starts, as an opaque URL-safe token.
//!
//! A cursor names the boundary row by its sort value and its id (the id
//! breaks ties, so rows with equal values are neither skipped nor shown
//! twice). The token is the base64url (no padding) of the JSON array
//! `["<sort param>", "<value>", "<id>"]`: JSON because values may hold any
//! character, and the sort param inside because a cursor only means
//! something for the order it was made in. It is not secret and not
//! signed — the store reads it as bounds of a query already restricted to
//! the creditor, so a forged cursor only moves within what the user may see.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{ListQueryError, Sort};

/// Longest token accepted, to bound the work on hostile input.
const MAX_TOKEN_LEN: usize = 1024;

/// A row's position in one order: its sort value and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The row's value for the sort key, as the store writes it.
    pub value: String,
    /// The row's id.
    pub id: String,
}

impl Cursor {
    /// The position of the row with this sort `value` and `id`.
    pub fn new(value: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            id: id.into(),
        }
    }

    /// The token for a URL, bound to `sort`.
    pub fn encode(&self, sort: Sort) -> String {
        let json = serde_json::json!([sort.param(), self.value, self.id]).to_string();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a token made by [`Cursor::encode`] for the same `sort`.
    pub(super) fn decode(
        token: &str,
        sort: Sort,
        param: &'static str,
    ) -> Result<Self, ListQueryError> {
        let invalid = |reason| ListQueryError::InvalidCursor { param, reason };
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid("too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| invalid("not base64url"))?;
        let [sort_param, value, id]: [String; 3] =
            serde_json::from_slice(&bytes).map_err(|_| invalid("not a list cursor"))?;
        if sort_param != sort.param() {
            return Err(invalid("made for another sort order"));
        }
        Ok(Self { value, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BY_DATE: Sort = Sort::descending("created_at");

    #[test]
    fn round_trip_with_any_characters() {
        let cursor = Cursor::new("2026-11-30 09:00|\"x\"é", "mdt_01J");
        let token = cursor.encode(BY_DATE);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Cursor::decode(&token, BY_DATE, "after"), Ok(cursor));
    }

    #[test]
    fn invalid_tokens_say_why() {
        let reason = |token: &str, sort| match Cursor::decode(token, sort, "after") {
            Err(ListQueryError::InvalidCursor { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason("***", BY_DATE), "not base64url");
        assert_eq!(
            reason(&URL_SAFE_NO_PAD.encode("[1,2]"), BY_DATE),
            "not a list cursor"
        );
        let token = Cursor::new("a", "b").encode(BY_DATE);
        assert_eq!(
            reason(&token, Sort::ascending("created_at")),
            "made for another sort order"
        );
        assert_eq!(reason(&"A".repeat(2000), BY_DATE), "too long");
        assert_eq!(
            Cursor::decode("***", BY_DATE, "before")
                .unwrap_err()
                .to_string(),
            "invalid 'before' cursor: not base64url"
        );
    }
}
