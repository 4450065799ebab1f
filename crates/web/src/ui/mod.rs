//! The dashboard's foundation: page frame, translations, labels, static
//! files, security headers and lists. A page uses them like this:
//!
//! 1. **Language**: `negotiate(user_pref, &headers)` picks French or English
//!    (user preference → `lang` cookie → `Accept-Language` → French).
//! 2. **Frame**: `Layout::new(locale, environment, &uri).in_section(Section::Team)`.
//!    The page's askama struct has a `layout: Layout` field and its template
//!    starts with `{% extends "base.html" %}` and fills `{% block content %}`.
//!    Text comes from `locales/*/main.ftl` through `layout.t("key")`,
//!    `layout.t_args("key", [("count", &n)])`, and domain codes through
//!    `layout.label(member.role)`. Derive `askama_web::WebTemplate` to
//!    return the struct from a handler.
//! 3. **Lists**: `ListQuery::parse(SPEC, uri.query())` (a 400 on error),
//!    ask the store for `fetch_limit()` rows from `position()` in `sort()`
//!    with `filters()`, then `Page::new(..)`, `page.map(|row| TableRow::new(..))`
//!    and `Table::new(..)` into a `list: Table` field; the template does
//!    `{% include "partials/list.html" %}`. htmx requests get
//!    `ListFragment` alone.
//!
//! [`routes`] serves `/static/*` and the language switch; the router also
//! wraps everything in [`security_headers`].

mod assets;
mod i18n;
mod labels;
mod layout;
mod list;
mod locale;
mod nav;
mod security_headers;

use axum::Router;
use axum::routing::get;

pub use i18n::{MessageArg, translate, translate_args};
pub use labels::Label;
pub use layout::{Account, CreditorChoice, LanguageLink, Layout, NavLink};
pub use list::{
    Cell, Column, Cursor, DEFAULT_LIMIT, Direction, HeaderCell, ListFragment, ListQuery,
    ListQueryError, ListSpec, MAX_LIMIT, Page, Position, Sort, Table, TableRow,
};
pub(crate) use locale::local_path;
pub use locale::{LANG_COOKIE, negotiate};
pub use nav::Section;
pub use security_headers::{SecurityHeadersLayer, Transport, security_headers};

/// `GET /static/{file}` (hashed, immutable) and `GET /lang/{code}?next=`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/static/{file}", get(assets::serve))
        .route("/lang/{code}", get(locale::switch))
}
