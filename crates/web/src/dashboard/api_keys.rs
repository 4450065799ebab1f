//! API keys: administrators create them (the secret is shown once) and
//! revoke them; the list shows scope, start of the key, last use.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use prelevo_app::AppError;
use prelevo_app::access::{create_api_key, list_api_keys, revoke_api_key};
use prelevo_domain::{ApiScope, Permission};
use prelevo_store::ApiKeyRecord;
use serde::Deserialize;

use super::Member;
use super::member::CsrfForm;
use crate::AppState;
use crate::ui::{Layout, Section};

#[derive(Template, WebTemplate)]
#[template(path = "api_keys.html")]
struct ApiKeysPage {
    layout: Layout,
    keys: Vec<ApiKeyRecord>,
    secret: Option<String>,
    errors: Vec<String>,
}

impl ApiKeysPage {
    /// When something happened, or "never".
    fn when(&self, at: &Option<Timestamp>) -> String {
        at.as_ref().map_or_else(
            || self.layout.t("api-keys-never"),
            |at| self.layout.instant(at),
        )
    }
}

async fn render(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    secret: Option<String>,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    match state.run(move |_, _| list_api_keys(&tenant)).await {
        Ok(keys) => (
            status,
            ApiKeysPage {
                layout: member.layout(Section::ApiKeys),
                keys,
                secret,
                errors,
            },
        )
            .into_response(),
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn page(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = member.require(Permission::ManageApiKeys) {
        return refused;
    }
    render(&state, &member, StatusCode::OK, None, Vec::new()).await
}

#[derive(Deserialize)]
pub(crate) struct CreateForm {
    csrf: String,
    name: String,
    scope: String,
    expires_on: Option<String>,
}

/// The end of day `YYYY-MM-DD` in UTC, for an optional expiry.
fn expiry(text: Option<&str>) -> Result<Option<Timestamp>, AppError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let date: jiff::civil::Date = text
        .parse()
        .map_err(|e| AppError::invalid("expires_on", format!("not a date: {e}")))?;
    date.to_datetime(jiff::civil::Time::MAX)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| Some(z.timestamp()))
        .map_err(|e| AppError::invalid("expires_on", e))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageApiKeys) {
        return refused;
    }
    let (creditor, actor, environment) = (
        member.creditor().clone(),
        member.actor(),
        state.config.environment,
    );
    let outcome = state
        .run(move |store, clock| {
            let scope = ApiScope::parse(&form.scope).map_err(|e| AppError::invalid("scope", e))?;
            let expires_at = expiry(form.expires_on.as_deref())?;
            create_api_key(
                store,
                clock,
                &actor,
                &creditor,
                environment,
                &form.name,
                scope,
                expires_at,
            )
        })
        .await;
    match outcome {
        Ok(created) => {
            render(
                &state,
                &member,
                StatusCode::CREATED,
                Some(created.secret),
                Vec::new(),
            )
            .await
        }
        Err(problem) if problem.status < 500 => {
            render(
                &state,
                &member,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                vec![problem.detail],
            )
            .await
        }
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageApiKeys) {
        return refused;
    }
    let (tenant, actor) = (member.tenant(&state), member.actor());
    match state
        .run(move |_, clock| revoke_api_key(&tenant, clock, &actor, &id))
        .await
    {
        Ok(revoked) => {
            state.verified_keys.forget(&revoked.id);
            Redirect::to("/api-keys").into_response()
        }
        Err(problem) if problem.status == 404 => member.message(StatusCode::NOT_FOUND, "forbidden"),
        Err(problem) => problem.into_response(),
    }
}
