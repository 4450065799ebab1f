//! The audit log for administrators: filters in the query string (so a
//! view can be bookmarked), cursor pages, a count, and a `;` CSV export of
//! the same filters, streamed in constant memory.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use prelevo_bankfiles::{Bom, CsvExport, Separator};
use prelevo_domain::Permission;
use prelevo_store::{Actor, AuditEvent, AuditFilter, Position, TALLY_CAP};

use super::Member;
use super::actors::ActorNames;
use super::lists::{fetch_page, fragment, list_query};
use crate::AppState;
use crate::api::audit::instant;
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

/// What the audit list accepts in its URL (see `ui::list`). Entries are
/// listed newest first; ids grow with time, so the id is the order.
const SPEC: ListSpec = ListSpec {
    filters: &["entity", "action", "actor_kind", "from", "to"],
    sorts: &["at"],
    default_sort: Sort::descending("at"),
};

const COLUMNS: [Column; 4] = [
    Column::text("audit-at"),
    Column::text("audit-actor"),
    Column::text("audit-entity"),
    Column::text("audit-action"),
];

fn filter_of(query: &ListQuery) -> Result<AuditFilter, crate::Problem> {
    let owned = |name: &str| query.filter(name).map(str::to_owned);
    Ok(AuditFilter {
        entity: owned("entity"),
        entity_id: None,
        action: owned("action"),
        actor_kind: owned("actor_kind"),
        from: instant("from", query.filter("from"))?,
        to: instant("to", query.filter("to"))?,
    })
}

/// One row as shown and exported.
struct Row {
    at: String,
    actor: String,
    entity: String,
    action: String,
}

fn row(event: &AuditEvent, at: String) -> Row {
    let actor = match &event.actor {
        Actor::System => "system".to_owned(),
        Actor::Cli => "cli".to_owned(),
        Actor::User(id) => format!("user {id}"),
        Actor::ApiKey(id) => format!("api_key {id}"),
    };
    Row {
        at,
        actor,
        entity: format!("{} {}", event.entity, event.entity_id),
        action: event.action.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    member: Member,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = match list_query(&member, Permission::ViewAudit, SPEC, &uri) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let filter = match filter_of(&query) {
        Ok(filter) => filter,
        Err(problem) => return problem.into_response(),
    };
    let tenant = member.tenant(&state);
    let fetched = fetch_page(
        &state,
        &query,
        move |_, _, position: Position<i64>, limit| {
            let (events, total) = tenant.read(|tx| {
                let events = tx.audit_events(&filter, position, limit)?;
                let total = tx.tally_audit_events(&filter, TALLY_CAP)?;
                Ok::<_, prelevo_store::StoreError>((events, total))
            })?;
            Ok((events, (total, ActorNames::load(&tenant)?)))
        },
    );
    let (events, (total, names)) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let cursor_of = |e: &AuditEvent| Cursor::new(e.at.to_string(), e.id.to_string());
    let layout = member.layout(Section::Audit);
    let page = Page::new(
        &query,
        events,
        total,
        "/audit",
        "/audit/export.csv",
        cursor_of,
    )
    .map(|e| {
        let shown = row(&e, layout.instant(&e.at));
        // The page names people; the export keeps the stored ids.
        let who = names.name(&layout, &e.actor.label());
        TableRow::new([shown.at, who, shown.entity, shown.action])
    });
    let list = Table::new(&layout, "nav-audit", &COLUMNS, &query, "/audit", page);
    // htmx (filters, paging, sorting) swaps the list alone.
    if let Some(only_the_list) = fragment(&headers, &layout, &list) {
        return only_the_list;
    }
    AuditPage {
        layout,
        query,
        list,
    }
    .into_response()
}

/// `GET /audit/export.csv`: every entry matching the filters, newest first,
/// written in pages of 500 as they are read.
pub(crate) async fn export(State(state): State<AppState>, member: Member, uri: Uri) -> Response {
    if let Err(refused) = member.require(Permission::Export) {
        return refused;
    }
    let query = match list_query(&member, Permission::ViewAudit, SPEC, &uri) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let filter = match filter_of(&query) {
        Ok(filter) => filter,
        Err(problem) => return problem.into_response(),
    };
    let tenant = member.tenant(&state);
    crate::exports::csv_response("audit.csv", move |out| {
        let mut csv = CsvExport::new(out, Separator::Semicolon, Bom::Yes);
        let mut position = Position::Start;
        csv.header(&["date", "actor", "entity", "action", "before", "after"])?;
        loop {
            let events = tenant
                .read(|tx| tx.audit_events(&filter, position, 500))
                .map_err(|e: prelevo_store::StoreError| std::io::Error::other(e.to_string()))?;
            let Some(last) = events.last() else { break };
            position = Position::After(last.id);
            for event in &events {
                // Exports keep instants machine-readable (RFC 3339, UTC).
                let shown = row(event, event.at.to_string());
                csv.row([
                    shown.at,
                    shown.actor,
                    shown.entity,
                    shown.action,
                    event.before.clone().unwrap_or_default(),
                    event.after.clone().unwrap_or_default(),
                ])?;
            }
        }
        csv.finish().map(drop)
    })
}
