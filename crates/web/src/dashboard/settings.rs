//! Settings: the creditor's identity (read-only here) and its policy
//! settings, changed by administrators.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use prelevo_app::creditors::{CreditorChange, show_creditor, update_creditor};
use prelevo_domain::{Creditor, EmailAddress, Permission, SettingsPatch};
use serde::Deserialize;

use super::Member;
use crate::AppState;
use crate::ui::{Layout, Section};

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    creditor: Creditor,
    editable: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

fn render(
    member: &Member,
    creditor: Creditor,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<String>,
) -> Response {
    let layout = member.layout(Section::Settings);
    let editable = member.session.role.allows(Permission::ManageSettings);
    (
        status,
        SettingsPage {
            layout,
            creditor,
            editable,
            notice,
            errors,
        },
    )
        .into_response()
}

pub(crate) async fn page(State(state): State<AppState>, member: Member) -> Response {
    let tenant = member.tenant(&state);
    match state.run(move |_, _| show_creditor(&tenant)).await {
        Ok(creditor) => render(&member, creditor, StatusCode::OK, None, Vec::new()),
        Err(problem) => problem.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct SettingsForm {
    csrf: String,
    representation_delay_days: String,
    max_rejections: String,
    insufficient_funds_retry_interval_hours: String,
    insufficient_funds_retry_cap: String,
    pre_notification_days: String,
    billing_contact_email: String,
}

/// A form number: kept as text, so "abc" is refused by range, not crashed on.
fn number(text: &str) -> Option<i64> {
    Some(text.trim().parse().unwrap_or(i64::MIN))
}

pub(crate) async fn save(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<SettingsForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageSettings) {
        return refused;
    }
    let tenant = member.tenant(&state);
    let actor = member.actor();
    let outcome = state
        .run(move |_, clock| {
            let email = form.billing_contact_email.trim();
            let billing_contact_email = if email.is_empty() {
                Some(None)
            } else {
                Some(Some(EmailAddress::parse(email).map_err(|e| {
                    prelevo_app::AppError::invalid("billing_contact_email", e)
                })?))
            };
            let change = CreditorChange {
                settings: SettingsPatch {
                    representation_delay_days: number(&form.representation_delay_days),
                    max_rejections: number(&form.max_rejections),
                    insufficient_funds_retry_interval_hours: number(
                        &form.insufficient_funds_retry_interval_hours,
                    ),
                    insufficient_funds_retry_cap: number(&form.insufficient_funds_retry_cap),
                    billing_contact_email,
                    pre_notification_days: number(&form.pre_notification_days),
                },
                ..CreditorChange::default()
            };
            update_creditor(&tenant, clock, &actor, &change)
        })
        .await;
    match outcome {
        Ok(creditor) => {
            let saved = member.layout(Section::Settings).t("saved");
            render(&member, creditor, StatusCode::OK, Some(saved), Vec::new())
        }
        Err(problem) if problem.status == 422 => {
            let tenant = member.tenant(&state);
            match state.run(move |_, _| show_creditor(&tenant)).await {
                Ok(creditor) => {
                    let errors = problem
                        .errors
                        .iter()
                        .map(|e| format!("{}: {}", e.pointer.trim_start_matches('/'), e.detail))
                        .collect();
                    render(
                        &member,
                        creditor,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        None,
                        errors,
                    )
                }
                Err(problem) => problem.into_response(),
            }
        }
        Err(problem) => problem.into_response(),
    }
}
