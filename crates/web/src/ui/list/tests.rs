use askama::Template;
use axum::http::Uri;
use prelevo_domain::{Environment, Locale};
use prelevo_store::Tally;
use proptest::prelude::*;

use super::*;
use crate::ui::Layout;

const SPEC: ListSpec = ListSpec {
    filters: &["status", "from", "to"],
    sorts: &["created_at", "amount", "name"],
    default_sort: Sort::descending("created_at"),
};

fn parse(query: &str) -> Result<ListQuery, ListQueryError> {
    ListQuery::parse(SPEC, Some(query))
}

#[test]
fn an_empty_query_is_the_first_page_in_default_order() {
    let query = ListQuery::parse(SPEC, None).unwrap();
    assert_eq!(query, ListQuery::new(SPEC));
    assert_eq!(query.sort(), Sort::descending("created_at"));
    assert_eq!(query.limit(), DEFAULT_LIMIT);
    assert_eq!(query.fetch_limit(), DEFAULT_LIMIT + 1);
    assert_eq!(*query.position(), Position::First);
    assert_eq!(query.to_query_string(), "");
}

#[test]
fn filters_sort_and_limit() {
    let query = parse("status=active&sort=amount&limit=50&from=2026-01-01&to=").unwrap();
    assert_eq!(query.filter("status"), Some("active"));
    assert_eq!(query.filter("from"), Some("2026-01-01"));
    assert_eq!(query.filter("to"), None, "an empty value means any");
    assert_eq!(query.filters().len(), 2);
    assert_eq!(query.sort(), Sort::ascending("amount"));
    assert_eq!(query.limit(), 50);
    assert_eq!(
        query.to_query_string(),
        "from=2026-01-01&status=active&sort=amount&limit=50"
    );
    assert_eq!(
        parse("sort=-name").unwrap().sort(),
        Sort::descending("name")
    );
    assert_eq!(parse("limit=&sort=").unwrap(), ListQuery::new(SPEC));
}

#[test]
fn errors_name_the_problem() {
    let message = |q: &str| parse(q).unwrap_err().to_string();
    assert_eq!(
        message("colour=red"),
        "unknown filter 'colour' (allowed: status, from, to)"
    );
    assert_eq!(
        message("colour="),
        "unknown filter 'colour' (allowed: status, from, to)"
    );
    assert_eq!(
        message("sort=-iban"),
        "cannot sort by 'iban' (allowed: created_at, amount, name)"
    );
    for limit in ["0", "101", "-1", "ten", "2.5"] {
        assert_eq!(
            message(&format!("limit={limit}")),
            format!("limit must be a whole number from 1 to 100, not '{limit}'")
        );
    }
    assert_eq!(
        message("status=a&status=b"),
        "'status' is given more than once"
    );
    let cursor = Cursor::new("x", "1").encode(SPEC.default_sort);
    assert_eq!(
        message(&format!("after={cursor}&before={cursor}")),
        "'after' and 'before' cannot be used together"
    );
    assert_eq!(
        message("after=%%%"),
        "invalid 'after' cursor: not base64url"
    );
    assert_eq!(
        message(&format!("sort=amount&after={cursor}")),
        "invalid 'after' cursor: made for another sort order"
    );
}

#[test]
fn sorting_by_a_header_toggles_and_restarts() {
    let cursor = Cursor::new("x", "1");
    let query = parse("status=active").unwrap().at(Position::After(cursor));
    let by_amount = query.sorted_by("amount");
    assert_eq!(by_amount.sort(), Sort::ascending("amount"));
    assert_eq!(*by_amount.position(), Position::First);
    assert_eq!(
        by_amount.sorted_by("amount").sort(),
        Sort::descending("amount")
    );
    assert_eq!(
        query.sorted_by("created_at").sort(),
        Sort::ascending("created_at")
    );
    assert_eq!(by_amount.filter("status"), Some("active"));
}

#[test]
fn the_export_link_keeps_filters_and_order_only() {
    let cursor = Cursor::new("x", "1").encode(Sort::ascending("name"));
    let query = parse(&format!("status=failed&sort=name&after={cursor}&limit=5")).unwrap();
    assert_eq!(
        query.export_href("/payments/export.csv"),
        "/payments/export.csv?status=failed&sort=name"
    );
    assert_eq!(
        ListQuery::new(SPEC).export_href("/x/export.csv"),
        "/x/export.csv"
    );
}

fn ids(page: &Page<u32>) -> Vec<u32> {
    page.rows.clone()
}

fn page_of(query: &ListQuery, fetched: Vec<u32>) -> Page<u32> {
    Page::new(
        query,
        fetched,
        Tally::Exact(99),
        "/rows",
        "/rows/export.csv",
        |n| Cursor::new(format!("v{n}"), n.to_string()),
    )
}

fn position_of(href: &str) -> Position {
    let uri: Uri = href.parse().unwrap();
    assert_eq!(uri.path(), "/rows");
    ListQuery::parse(SPEC, uri.query())
        .unwrap()
        .position()
        .clone()
}

#[test]
fn pages_link_forward_and_back() {
    let first = ListQuery::new(SPEC).at(Position::First);
    let query = parse("limit=3&status=ok").unwrap();
    assert_eq!(first.fetch_limit(), 21);

    let page = page_of(&query, vec![1, 2, 3, 4]);
    assert_eq!(ids(&page), [1, 2, 3]);
    assert!(page.has_more);
    assert_eq!(page.previous_href, None);
    let next = page.next_href.clone().unwrap();
    assert!(
        next.contains("status=ok") && next.contains("limit=3"),
        "{next}"
    );
    assert_eq!(position_of(&next), Position::After(Cursor::new("v3", "3")));
    assert_eq!(page.total, Tally::Exact(99));
    assert_eq!(
        page.export_href.as_deref(),
        Some("/rows/export.csv?status=ok")
    );
    assert_eq!(page.without_export().export_href, None);

    let middle = page_of(&query.clone().at(position_of(&next)), vec![4, 5]);
    assert_eq!(ids(&middle), [4, 5]);
    assert!(!middle.has_more);
    assert_eq!(middle.next_href, None);
    let back = middle.previous_href.clone().unwrap();
    assert_eq!(position_of(&back), Position::Before(Cursor::new("v4", "4")));

    // Going back, the store reads nearest first: 3, 2, 1 (and 0 if any).
    let previous = page_of(&query.clone().at(position_of(&back)), vec![3, 2, 1, 0]);
    assert_eq!(ids(&previous), [1, 2, 3]);
    assert!(previous.has_more);
    assert_eq!(
        position_of(&previous.previous_href.clone().unwrap()),
        Position::Before(Cursor::new("v1", "1"))
    );
    let at_start = page_of(&query.clone().at(position_of(&back)), vec![3, 2]);
    assert_eq!(ids(&at_start), [2, 3]);
    assert_eq!(at_start.previous_href, None);
    assert!(at_start.has_more);
}

#[test]
fn an_empty_page_past_the_end_offers_the_start() {
    let query = parse("limit=3")
        .unwrap()
        .at(Position::After(Cursor::new("v9", "9")));
    let page = page_of(&query, vec![]);
    assert_eq!(page.next_href, None);
    assert_eq!(page.previous_href.as_deref(), Some("/rows?limit=3"));
    let first = page_of(&ListQuery::new(SPEC), vec![]);
    assert_eq!((first.next_href, first.previous_href), (None, None));
}

const COLUMNS: [Column; 3] = [
    Column::text("nav-team").sortable("name"),
    Column::numeric("nav-balance").sortable("amount"),
    Column::text("nav-audit"),
];

fn table_of(locale: Locale, query: &ListQuery, rows: Vec<TableRow>) -> (Layout, Table) {
    table_counting(locale, query, rows, Tally::Exact(2))
}

fn table_counting(
    locale: Locale,
    query: &ListQuery,
    rows: Vec<TableRow>,
    total: Tally,
) -> (Layout, Table) {
    let layout = Layout::new(locale, Environment::Production, &"/rows".parse().unwrap());
    let page = Page::new(query, rows, total, "/rows", "/rows/export.csv", |row| {
        Cursor::new(row.cells[0].text.clone(), row.cells[0].text.clone())
    });
    let table = Table::new(&layout, "nav-payments", &COLUMNS, query, "/rows", page);
    (layout, table)
}

#[test]
fn headers_sort_and_cells_align() {
    let query = parse("sort=amount&status=ok").unwrap();
    let rows = vec![
        TableRow::new(["Dupont", "12,00", "x"]).linked("/rows/1"),
        TableRow::new(["Martin", "-3,50", "y"]),
    ];
    let (_, table) = table_of(Locale::Fr, &query, rows);
    assert_eq!(table.caption, "Paiements");
    assert_eq!(table.headers[0].label, "Équipe");
    assert_eq!(
        table.headers[0].sort_href.as_deref(),
        Some("/rows?status=ok&sort=name")
    );
    assert_eq!(table.headers[1].aria_sort, Some("ascending"));
    assert_eq!(
        table.headers[1].sort_href.as_deref(),
        Some("/rows?status=ok&sort=-amount")
    );
    assert_eq!(table.headers[2].sort_href, None);
    assert!(table.page.rows[0].cells[1].numeric && !table.page.rows[0].cells[0].numeric);
}

#[test]
fn the_fragment_renders_escaped_cells_links_and_totals() {
    let query = parse("limit=1").unwrap();
    let rows = vec![
        TableRow::new(["<b>Dupont</b>", "12,00", "x"]).linked("/rows/1?a=1&b=2"),
        TableRow::new(["Martin", "3,50", "y"]),
    ];
    let (layout, table) = table_of(Locale::En, &query, rows);
    let html = ListFragment {
        layout: &layout,
        list: &table,
    }
    .render()
    .unwrap();
    assert!(html.contains("2 results"), "{html}");
    assert!(
        html.contains("&#60;b&#62;Dupont&#60;/b&#62;") || html.contains("&lt;b&gt;Dupont"),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="/rows/1?a=1&#38;b=2">"#)
            || html.contains(r#"<a href="/rows/1?a=1&amp;b=2">"#),
        "{html}"
    );
    assert!(html.contains(r#"<td class="num">12,00</td>"#), "{html}");
    assert!(
        html.contains(r#"rel="next""#) && !html.contains(r#"rel="prev""#),
        "{html}"
    );
    assert!(html.contains("Export as CSV"));
    assert!(!html.contains("Martin"), "limit=1 shows one row");

    let (layout, empty) = table_of(Locale::Fr, &ListQuery::new(SPEC), vec![]);
    let html = ListFragment {
        layout: &layout,
        list: &empty,
    }
    .render()
    .unwrap();
    assert!(
        html.contains(r#"colspan="3""#) && html.contains("Aucun résultat."),
        "{html}"
    );
    assert!(!html.contains("class=\"pager\""));
}

fn spec_query() -> impl Strategy<Value = ListQuery> {
    let filters =
        prop::collection::btree_map(prop::sample::select(SPEC.filters), "\\PC{1,12}", 0..=3);
    let sort = (prop::sample::select(SPEC.sorts), any::<bool>()).prop_map(|(key, desc)| {
        if desc {
            Sort::descending(key)
        } else {
            Sort::ascending(key)
        }
    });
    let cursor = ("\\PC{0,16}", "\\PC{0,8}").prop_map(|(value, id)| Cursor::new(value, id));
    let position = prop_oneof![
        Just(Position::First),
        cursor.clone().prop_map(Position::After),
        cursor.prop_map(Position::Before),
    ];
    (filters, sort, position, 1..=MAX_LIMIT).prop_map(|(filters, sort, position, limit)| {
        let mut query = ListQuery::new(SPEC).at(position);
        query.sort = sort;
        query.limit = limit;
        query.filters = filters
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        query
    })
}

proptest! {
    #[test]
    fn the_query_string_round_trips(query in spec_query()) {
        let text = query.to_query_string();
        prop_assert_eq!(ListQuery::parse(SPEC, Some(&text)), Ok(query.clone()));
        let href = query.href("/rows");
        let uri: Uri = href.parse().unwrap();
        prop_assert_eq!(ListQuery::parse(SPEC, uri.query()), Ok(query));
    }

    #[test]
    fn any_query_string_parses_or_fails_cleanly(text in "\\PC{0,64}") {
        let _ = ListQuery::parse(SPEC, Some(&text));
    }
}

#[test]
fn a_total_past_the_cap_says_more_than() {
    let query = parse("").unwrap();
    let rows = || vec![TableRow::new(["Dupont", "12,00", "x"])];
    let (_, table) = table_counting(Locale::Fr, &query, rows(), Tally::MoreThan(10_000));
    assert!(
        table.total_label.starts_with("Plus de "),
        "{}",
        table.total_label
    );
    assert!(
        table.total_label.ends_with(" résultats"),
        "{}",
        table.total_label
    );
    let (_, table) = table_counting(Locale::En, &query, rows(), Tally::MoreThan(10_000));
    assert!(
        table.total_label.starts_with("More than "),
        "{}",
        table.total_label
    );
    let (_, table) = table_counting(Locale::En, &query, rows(), Tally::Exact(1));
    assert_eq!(table.total_label, "1 result");
}
