//! `GET /v1/audit-events`: the creditor's audit log, newest first.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use prelevo_store::{Actor, AuditEvent, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::json::ApiQuery;
use super::pagination::{ListResponse, PageParams, bad_param};
use crate::{AppState, Problem};

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    /// Position in the log.
    pub id: i64,
    /// RFC 3339 instant.
    pub at: String,
    /// `system`, `cli`, `user` or `api_key`.
    pub actor_kind: String,
    /// The user or key id, when there is one.
    pub actor_id: Option<String>,
    /// Kind of object.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// What happened.
    pub action: String,
    /// The object before, as JSON.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The object after, as JSON.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Kind of object, e.g. `creditor`.
    pub entity: Option<String>,
    /// One object's id.
    pub entity_id: Option<String>,
    /// What happened, e.g. `updated`.
    pub action: Option<String>,
    /// `system`, `cli`, `user` or `api_key`.
    pub actor_kind: Option<String>,
    /// At or after this RFC 3339 instant.
    pub from: Option<String>,
    /// Before this RFC 3339 instant.
    pub to: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

pub(crate) fn instant(name: &str, value: Option<&str>) -> Result<Option<Timestamp>, Problem> {
    value
        .map(|v| {
            v.parse::<Timestamp>()
                .map_err(|e| bad_param(name, &format!("is not an RFC 3339 instant: {e}")))
        })
        .transpose()
}

fn view(event: AuditEvent) -> AuditEventView {
    let (actor_kind, actor_id) = match event.actor {
        Actor::System => ("system", None),
        Actor::Cli => ("cli", None),
        Actor::User(id) => ("user", Some(id)),
        Actor::ApiKey(id) => ("api_key", Some(id)),
    };
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    AuditEventView {
        id: event.id,
        at: event.at.to_string(),
        actor_kind: actor_kind.to_owned(),
        actor_id,
        entity: event.entity,
        entity_id: event.entity_id,
        action: event.action,
        before: json(event.before),
        after: json(event.after),
    }
}

/// Lists audit entries, newest first, with filters and cursor pages.
#[utoipa::path(get, path = "/v1/audit-events", tag = "audit", params(AuditParams),
    responses((status = 200, description = "A page of entries", body = ListResponse<AuditEventView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_audit_events(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<ListResponse<AuditEventView>>, Problem> {
    let filter = AuditFilter {
        entity: params.entity,
        entity_id: params.entity_id,
        action: params.action,
        actor_kind: params.actor_kind,
        from: instant("from", params.from.as_deref())?,
        to: instant("to", params.to.as_deref())?,
    };
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve()?;
    let tenant = caller.tenant(&state.store);
    let events = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.audit_events(&filter, position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(events, &position, limit, |e| e.id);
    Ok(Json(ListResponse {
        data: page.data.into_iter().map(view).collect(),
        has_more: page.has_more,
        next_cursor: page.next_cursor,
        previous_cursor: page.previous_cursor,
    }))
}
