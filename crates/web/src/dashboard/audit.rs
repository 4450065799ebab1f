//! The audit log for administrators: filters in the query string (so a
//! view can be bookmarked), cursor pages, a count, and a `;` CSV export of
//! the same filters, streamed in constant memory.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prelevo_bankfiles::{Bom, CsvExport, Separator};
use prelevo_domain::Permission;
use prelevo_store::{Actor, AuditEvent, AuditFilter, Position};
use serde::Deserialize;

use super::Member;
use crate::AppState;
use crate::api::audit::instant;
use crate::api::pagination::{ListResponse, PageParams};
use crate::ui::{Layout, Section};

/// The page's query string.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    entity: Option<String>,
    action: Option<String>,
    actor_kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    after: Option<String>,
    before: Option<String>,
}

fn some(text: Option<&String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, crate::Problem> {
        Ok(AuditFilter {
            entity: some(self.entity.as_ref()),
            entity_id: None,
            action: some(self.action.as_ref()),
            actor_kind: some(self.actor_kind.as_ref()),
            from: instant("from", some(self.from.as_ref()).as_deref())?,
            to: instant("to", some(self.to.as_ref()).as_deref())?,
        })
    }

    /// The filters as a query string, for links that keep them.
    fn filters_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("entity", &self.entity),
            ("action", &self.action),
            ("actor_kind", &self.actor_kind),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = some(value.as_ref()) {
                query.append_pair(name, &value);
            }
        }
        query.finish()
    }
}

/// One row as shown and exported.
struct Row {
    at: String,
    actor: String,
    entity: String,
    action: String,
}

fn row(event: &AuditEvent) -> Row {
    let actor = match &event.actor {
        Actor::System => "system".to_owned(),
        Actor::Cli => "cli".to_owned(),
        Actor::User(id) => format!("user {id}"),
        Actor::ApiKey(id) => format!("api_key {id}"),
    };
    Row {
        at: event.at.to_string(),
        actor,
        entity: format!("{} {}", event.entity, event.entity_id),
        action: event.action.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<Row>,
    total_label: String,
    query: AuditQuery,
    filters: String,
    next: Option<String>,
    previous: Option<String>,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<AuditQuery>,
) -> Response {
    if let Err(refused) = member.require(Permission::ViewAudit) {
        return refused;
    }
    let (filter, (position, limit)) = match query.filter().and_then(|f| {
        let page = PageParams {
            limit: query.limit,
            after: query.after.clone(),
            before: query.before.clone(),
        }
        .resolve()?;
        Ok((f, page))
    }) {
        Ok(parsed) => parsed,
        Err(problem) => return problem.into_response(),
    };
    let tenant = member.tenant(&state);
    let fetched = state
        .run(move |_, _| {
            Ok(tenant.read(|tx| {
                let events = tx.audit_events(&filter, position, limit + 1)?;
                let total = tx.count_audit_events(&filter)?;
                Ok::<_, prelevo_store::StoreError>((events, total))
            })?)
        })
        .await;
    let (events, total) = match fetched {
        Ok(found) => found,
        Err(problem) => return problem.into_response(),
    };
    let page = ListResponse::from_fetched(events, position, limit, |e| e.id);
    let filters = query.filters_query();
    let link = |name: &str, cursor: &Option<String>| {
        cursor.as_ref().map(|c| {
            let sep = if filters.is_empty() { "" } else { "&" };
            format!("/audit?{filters}{sep}{name}={c}")
        })
    };
    let layout = member.layout(Section::Audit);
    let total_label = layout.t_args("list-total", &[("count", &total)]);
    let body = AuditPage {
        layout,
        rows: page.data.iter().map(row).collect(),
        total_label,
        next: link("after", &page.next_cursor),
        previous: link("before", &page.previous_cursor),
        filters: filters.clone(),
        query,
    };
    body.into_response()
}

/// `GET /audit/export.csv`: every entry matching the filters, newest first,
/// written in pages of 500 as they are read.
pub(crate) async fn export(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<AuditQuery>,
) -> Response {
    if let Err(refused) = member
        .require(Permission::Export)
        .and_then(|()| member.require(Permission::ViewAudit))
    {
        return refused;
    }
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(problem) => return problem.into_response(),
    };
    let tenant = member.tenant(&state);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut csv = CsvExport::new(
            ChannelWriter(sender.clone()),
            Separator::Semicolon,
            Bom::Yes,
        );
        let mut position = Position::Start;
        let outcome = (|| -> Result<(), std::io::Error> {
            csv.header(&["date", "actor", "entity", "action", "before", "after"])?;
            loop {
                let events = tenant
                    .read(|tx| tx.audit_events(&filter, position, 500))
                    .map_err(|e: prelevo_store::StoreError| std::io::Error::other(e.to_string()))?;
                let Some(last) = events.last() else { break };
                position = Position::After(last.id);
                for event in &events {
                    let shown = row(event);
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
        })();
        if let Err(error) = outcome {
            let _ = sender.blocking_send(Err(error));
        }
    });
    let stream = tokio_stream_from(receiver);
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Sends what the CSV writer writes into the response body, chunk by chunk.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>);

impl std::io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tokio_stream_from(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}
