//! One page of a list, and the table that shows it
//! (`templates/partials/list.html`).

use prelevo_store::Tally;

use super::{Cursor, Direction, ListQuery, Position};
use crate::ui::Layout;

/// One page of rows with its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows, in display order.
    pub rows: Vec<T>,
    /// How many rows match the filters, all pages together (counted up
    /// to a cap).
    pub total: Tally,
    /// Whether rows follow this page.
    pub has_more: bool,
    /// The next page, if rows follow.
    pub next_href: Option<String>,
    /// The previous page, if rows precede.
    pub previous_href: Option<String>,
    /// The export of every matching row (same filters and order), when
    /// the list has one.
    pub export_href: Option<String>,
}

impl<T> Page<T> {
    /// The page for `query` at `path`, from up to [`ListQuery::fetch_limit`]
    /// rows that the store read from the query's position: in display order
    /// after an `after` cursor (or from the start), and nearest first — the
    /// reverse of display order — before a `before` cursor. `cursor_of`
    /// gives a row's position, for the next/previous links.
    ///
    /// Paging back to the start may give a first page shorter than the
    /// limit; that is keyset pagination's price for stable pages.
    pub fn new(
        query: &ListQuery,
        mut fetched: Vec<T>,
        total: Tally,
        path: &str,
        export_path: &str,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> Self {
        let limit = usize::try_from(query.limit()).unwrap_or(usize::MAX);
        let extra = fetched.len() > limit;
        fetched.truncate(limit);
        let (rows_before, rows_after) = match query.position() {
            Position::First => (false, extra),
            Position::After(_) => (true, extra),
            Position::Before(_) => {
                fetched.reverse();
                (extra, true)
            }
        };
        let link = |position| query.clone().at(position).href(path);
        let next_href = fetched
            .last()
            .filter(|_| rows_after)
            .map(|row| link(Position::After(cursor_of(row))));
        let previous_href = match fetched.first() {
            Some(row) if rows_before => Some(link(Position::Before(cursor_of(row)))),
            // Past either end (e.g. rows deleted meanwhile): offer the start.
            None if *query.position() != Position::First => Some(link(Position::First)),
            _ => None,
        };
        Self {
            rows: fetched,
            total,
            has_more: next_href.is_some(),
            next_href,
            previous_href,
            export_href: Some(query.export_href(export_path)),
        }
    }

    /// The same page without an export link (its rows are downloaded one
    /// by one elsewhere).
    pub fn without_export(mut self) -> Self {
        self.export_href = None;
        self
    }

    /// The same page with each row turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            has_more: self.has_more,
            next_href: self.next_href,
            previous_href: self.previous_href,
            export_href: self.export_href,
        }
    }
}

/// A table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Fluent key of its header.
    pub label_key: &'static str,
    /// The sort key its header toggles, if sortable.
    pub sort_key: Option<&'static str>,
    /// Right-aligned figures (amounts, counts).
    pub numeric: bool,
}

impl Column {
    /// A text column.
    pub const fn text(label_key: &'static str) -> Self {
        Self {
            label_key,
            sort_key: None,
            numeric: false,
        }
    }

    /// A column of figures.
    pub const fn numeric(label_key: &'static str) -> Self {
        Self {
            label_key,
            sort_key: None,
            numeric: true,
        }
    }

    /// Makes its header sort by `key` (one of the list's sort keys).
    pub const fn sortable(self, key: &'static str) -> Self {
        Self {
            sort_key: Some(key),
            ..self
        }
    }
}

/// A rendered column header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderCell {
    /// Translated label.
    pub label: String,
    /// The link that sorts by this column (or flips its direction).
    pub sort_href: Option<String>,
    /// `ascending` / `descending` on the column the list is sorted by.
    pub aria_sort: Option<&'static str>,
    /// Right-aligned.
    pub numeric: bool,
}

/// One cell: plain text, escaped by the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// What it shows.
    pub text: String,
    /// Right-aligned.
    pub numeric: bool,
}

/// One table row; its first cell links to `href` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The row's own page.
    pub href: Option<String>,
    /// Cells, in column order.
    pub cells: Vec<Cell>,
}

impl TableRow {
    /// A row of these texts.
    pub fn new<S: Into<String>>(cells: impl IntoIterator<Item = S>) -> Self {
        Self {
            href: None,
            cells: cells
                .into_iter()
                .map(|text| Cell {
                    text: text.into(),
                    numeric: false,
                })
                .collect(),
        }
    }

    /// Links the first cell to `href`.
    pub fn linked(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }
}

/// What `partials/list.html` renders: headers, rows, pager, export link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Translated caption (also names the scrollable region).
    pub caption: String,
    /// "12 results", or "More than 1000 results" past the count's cap.
    pub total_label: String,
    /// Column headers.
    pub headers: Vec<HeaderCell>,
    /// The rows and links.
    pub page: Page<TableRow>,
}

impl Table {
    /// The table of `page` for the list at `path`, with `columns`.
    pub fn new(
        layout: &Layout,
        caption_key: &str,
        columns: &[Column],
        query: &ListQuery,
        path: &str,
        mut page: Page<TableRow>,
    ) -> Self {
        let sort = query.sort();
        let headers = columns
            .iter()
            .map(|column| HeaderCell {
                label: layout.t(column.label_key),
                sort_href: column.sort_key.map(|key| query.sorted_by(key).href(path)),
                aria_sort: column.sort_key.filter(|key| *key == sort.key).map(|_| {
                    match sort.direction {
                        Direction::Ascending => "ascending",
                        Direction::Descending => "descending",
                    }
                }),
                numeric: column.numeric,
            })
            .collect();
        for row in &mut page.rows {
            for (cell, column) in row.cells.iter_mut().zip(columns) {
                cell.numeric = column.numeric;
            }
        }
        let total_label = match page.total {
            Tally::Exact(count) => layout.t_args("list-total", &[("count", &count)]),
            Tally::MoreThan(count) => layout.t_args("list-total-more", &[("count", &count)]),
        };
        Self {
            caption: layout.t(caption_key),
            total_label,
            headers,
            page,
        }
    }
}

/// The table alone, as an htmx response: paging, sorting and filtering
/// with `hx-get` swap just the list instead of the whole page.
#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "partials/list.html")]
pub struct ListFragment<'a> {
    /// Language and labels.
    pub layout: &'a Layout,
    /// The list to show.
    pub list: &'a Table,
}
