//! Lists with filters, sorting and cursor pagination, read from and written
//! back to the query string, so that every screen state is a bookmarkable
//! URL and paging keeps the filters.
//!
//! `?status=active&sort=-created_at&after=<cursor>&limit=50`:
//! - every name that is not `sort`, `after`, `before` or `limit` is a
//!   filter, and must be one the page declared in its [`ListSpec`]; an empty
//!   value means "any" (what an untouched `<select>` sends);
//! - `sort` is a declared key, `-` in front for descending;
//! - `after` / `before` are opaque [`Cursor`]s (see `cursor.rs`);
//! - `limit` is 1 to 100, 20 by default.
//!
//! Anything else is a [`ListQueryError`] that names the problem.

mod cursor;
mod page;

use std::collections::{BTreeMap, BTreeSet};

pub use cursor::Cursor;
pub use page::{Cell, Column, HeaderCell, ListFragment, Page, Table, TableRow};

/// Rows per page when the URL does not say.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most rows a page may ask for.
pub const MAX_LIMIT: u32 = 100;

/// What a list page accepts; declared once per page as a `const`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSpec {
    /// Allowed filter names (never `sort`, `after`, `before` or `limit`).
    pub filters: &'static [&'static str],
    /// Allowed sort keys (without direction).
    pub sorts: &'static [&'static str],
    /// The order when the URL gives none; its key must be in `sorts`.
    pub default_sort: Sort,
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Smallest first.
    Ascending,
    /// Largest (or newest) first.
    Descending,
}

/// A sort key and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The key, one of [`ListSpec::sorts`].
    pub key: &'static str,
    /// The direction.
    pub direction: Direction,
}

impl Sort {
    /// `key`, ascending.
    pub const fn ascending(key: &'static str) -> Sort {
        Sort {
            key,
            direction: Direction::Ascending,
        }
    }

    /// `key`, descending.
    pub const fn descending(key: &'static str) -> Sort {
        Sort {
            key,
            direction: Direction::Descending,
        }
    }

    /// As written in the URL: `created_at` or `-created_at`.
    pub fn param(&self) -> String {
        match self.direction {
            Direction::Ascending => self.key.to_owned(),
            Direction::Descending => format!("-{}", self.key),
        }
    }
}

/// Where the page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// At the beginning.
    First,
    /// Just after this row (next page).
    After(Cursor),
    /// Just before this row (previous page).
    Before(Cursor),
}

/// Why a list URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListQueryError {
    /// A filter the page does not have.
    #[error("unknown filter '{name}' (allowed: {allowed})")]
    UnknownFilter {
        /// The name given.
        name: String,
        /// The page's filters, comma-separated.
        allowed: String,
    },
    /// A sort key the page does not have.
    #[error("cannot sort by '{key}' (allowed: {allowed})")]
    UnknownSort {
        /// The key given.
        key: String,
        /// The page's sort keys, comma-separated.
        allowed: String,
    },
    /// A cursor that this list did not make for this order.
    #[error("invalid '{param}' cursor: {reason}")]
    InvalidCursor {
        /// `after` or `before`.
        param: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Not a whole number from 1 to [`MAX_LIMIT`].
    #[error("limit must be a whole number from 1 to {MAX_LIMIT}, not '{0}'")]
    InvalidLimit(String),
    /// A filter value the page does not know.
    #[error("'{value}' is not a value of filter '{name}'")]
    InvalidValue {
        /// The filter.
        name: String,
        /// The value given.
        value: String,
    },
    /// Both directions at once.
    #[error("'after' and 'before' cannot be used together")]
    BothCursors,
    /// The same name twice.
    #[error("'{0}' is given more than once")]
    Repeated(String),
}

/// A parsed list URL: filters, sort, position and page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    spec: ListSpec,
    filters: BTreeMap<String, String>,
    sort: Sort,
    position: Position,
    limit: u32,
}

const RESERVED: [&str; 4] = ["sort", "after", "before", "limit"];

impl ListQuery {
    /// The first page in the default order, with no filter.
    pub fn new(spec: ListSpec) -> Self {
        Self {
            spec,
            filters: BTreeMap::new(),
            sort: spec.default_sort,
            position: Position::First,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Parses a raw query string (`Uri::query()`), against `spec`.
    pub fn parse(spec: ListSpec, query: Option<&str>) -> Result<Self, ListQueryError> {
        let mut list = Self::new(spec);
        let mut seen = BTreeSet::new();
        let (mut after, mut before) = (None, None);
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if !seen.insert(name.clone()) {
                return Err(ListQueryError::Repeated(name.into_owned()));
            }
            let name = name.as_ref();
            if spec.filters.contains(&name) {
                if !value.is_empty() {
                    list.filters.insert(name.to_owned(), value.into_owned());
                }
                continue;
            }
            if !RESERVED.contains(&name) {
                return Err(unknown_filter(spec, name));
            }
            if value.is_empty() {
                continue;
            }
            match name {
                "sort" => list.sort = parse_sort(spec, &value)?,
                "after" => after = Some(value.into_owned()),
                "before" => before = Some(value.into_owned()),
                _ => list.limit = parse_limit(&value)?,
            }
        }
        // Cursors are read last: they are bound to the sort order.
        list.position = match (after, before) {
            (Some(_), Some(_)) => return Err(ListQueryError::BothCursors),
            (Some(token), None) => Position::After(Cursor::decode(&token, list.sort, "after")?),
            (None, Some(token)) => Position::Before(Cursor::decode(&token, list.sort, "before")?),
            (None, None) => Position::First,
        };
        Ok(list)
    }

    /// The filters given, by name.
    pub fn filters(&self) -> &BTreeMap<String, String> {
        &self.filters
    }

    /// One filter's value, e.g. to pre-fill the filter form.
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters.get(name).map(String::as_str)
    }

    /// The order.
    pub fn sort(&self) -> Sort {
        self.sort
    }

    /// Where the page starts.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// Rows to show.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows to read: one more than shown, to know whether more follow.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }

    /// Starts the page at `position`, keeping filters and order.
    pub fn at(mut self, position: Position) -> Self {
        self.position = position;
        self
    }

    /// The query for a click on the `key` column header: ascending, or the
    /// other direction if already sorted by it; back to the first page.
    pub fn sorted_by(&self, key: &'static str) -> Self {
        let direction = match self.sort {
            Sort {
                key: current,
                direction: Direction::Ascending,
            } if current == key => Direction::Descending,
            _ => Direction::Ascending,
        };
        Self {
            sort: Sort { key, direction },
            position: Position::First,
            ..self.clone()
        }
    }

    /// The query string, defaults left out: `status=active&sort=-amount`.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(&self.filters);
        if self.sort != self.spec.default_sort {
            out.append_pair("sort", &self.sort.param());
        }
        match &self.position {
            Position::First => {}
            Position::After(cursor) => {
                out.append_pair("after", &cursor.encode(self.sort));
            }
            Position::Before(cursor) => {
                out.append_pair("before", &cursor.encode(self.sort));
            }
        }
        if self.limit != DEFAULT_LIMIT {
            out.append_pair("limit", &self.limit.to_string());
        }
        out.finish()
    }

    /// `path` with this query: a link to this exact state of the list.
    pub fn href(&self, path: &str) -> String {
        with_query(path, self.to_query_string())
    }

    /// The export of everything this list matches: same filters and order,
    /// no page position or size.
    pub fn export_href(&self, export_path: &str) -> String {
        let everything = Self {
            position: Position::First,
            limit: DEFAULT_LIMIT,
            ..self.clone()
        };
        everything.href(export_path)
    }
}

fn with_query(path: &str, query: String) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn unknown_filter(spec: ListSpec, name: &str) -> ListQueryError {
    ListQueryError::UnknownFilter {
        name: name.to_owned(),
        allowed: spec.filters.join(", "),
    }
}

fn parse_sort(spec: ListSpec, param: &str) -> Result<Sort, ListQueryError> {
    let (key, direction) = match param.strip_prefix('-') {
        Some(key) => (key, Direction::Descending),
        None => (param, Direction::Ascending),
    };
    spec.sorts
        .iter()
        .find(|allowed| **allowed == key)
        .map(|key| Sort { key, direction })
        .ok_or_else(|| ListQueryError::UnknownSort {
            key: key.to_owned(),
            allowed: spec.sorts.join(", "),
        })
}

fn parse_limit(text: &str) -> Result<u32, ListQueryError> {
    text.parse::<u32>()
        .ok()
        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
        .ok_or_else(|| ListQueryError::InvalidLimit(text.to_owned()))
}

#[cfg(test)]
mod tests;
