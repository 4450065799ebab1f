//! Settings: the creditor's identity (read-only here), its policy settings
//! and its bank profile (how its pain.008 files are made), changed by
//! administrators.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use prelevo_app::bank_profile::{BankProfileChange, bank_profile, update_bank_profile};
use prelevo_app::creditors::{CreditorChange, show_creditor, update_creditor};
use prelevo_domain::{
    BankProfile, Creditor, Currency, EmailAddress, FirstCollection, Money, Pain008Version,
    Permission, SettingsPatch,
};
use serde::Deserialize;

use super::Member;
use crate::AppState;
use crate::ui::{Layout, Section};

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    creditor: Creditor,
    profile: BankProfile,
    editable: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

impl SettingsPage {
    fn versions(&self) -> &'static [Pain008Version] {
        Pain008Version::ALL
    }

    fn uses_frst(&self) -> bool {
        self.profile.first_collection == FirstCollection::Frst
    }

    fn cutoff(&self) -> String {
        self.profile.cutoff.strftime("%H:%M").to_string()
    }

    /// The limit as the form shows it: `1000.00`.
    fn collection_limit(&self) -> String {
        self.profile.collection_limit().to_decimal_string()
    }
}

/// The page after reading the creditor and its bank profile again.
async fn render(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    let found = state
        .run(move |_, _| Ok((show_creditor(&tenant)?, bank_profile(&tenant)?)))
        .await;
    let (creditor, profile) = match found {
        Ok(found) => found,
        Err(problem) => return problem.into_response(),
    };
    let layout = member.layout(Section::Settings);
    let editable = member.session.role.allows(Permission::ManageSettings);
    (
        status,
        SettingsPage {
            layout,
            creditor,
            profile,
            editable,
            notice,
            errors,
        },
    )
        .into_response()
}

pub(crate) async fn page(State(state): State<AppState>, member: Member) -> Response {
    render(&state, &member, StatusCode::OK, None, Vec::new()).await
}

/// After a change: the page with "saved", or with the refused fields.
async fn after_change<T>(
    state: &AppState,
    member: &Member,
    outcome: Result<T, crate::Problem>,
) -> Response {
    match outcome {
        Ok(_) => {
            let saved = member.layout(Section::Settings).t("saved");
            render(state, member, StatusCode::OK, Some(saved), Vec::new()).await
        }
        Err(problem) if problem.status == 422 => {
            let errors = problem.reasons();
            render(
                state,
                member,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors,
            )
            .await
        }
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
    after_change(&state, &member, outcome).await
}

/// The bank profile form; a checkbox is absent when unticked.
#[derive(Deserialize)]
pub(crate) struct BankProfileForm {
    csrf: String,
    pain008_version: String,
    first_collection: String,
    batch_booking: Option<String>,
    cutoff_time: String,
    max_file_transactions: String,
    collection_limit: String,
}

/// `POST /settings/bank-profile`.
pub(crate) async fn save_bank_profile(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<BankProfileForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageSettings) {
        return refused;
    }
    let (tenant, actor) = (member.tenant(&state), member.actor());
    let outcome = state
        .run(move |_, clock| {
            // Typed in euros, as people read it ("1 000,00").
            let limit = Money::parse(&form.collection_limit, Currency::EUR).map_err(|e| {
                prelevo_app::AppError::invalid("collection_limit", format!("is not an amount: {e}"))
            })?;
            let change = BankProfileChange {
                pain008_version: Some(form.pain008_version),
                first_collection: Some(form.first_collection),
                batch_booking: Some(form.batch_booking.is_some()),
                cutoff_time: Some(form.cutoff_time.trim().to_owned()),
                max_file_transactions: number(&form.max_file_transactions),
                collection_limit: Some(limit.minor()),
            };
            update_bank_profile(&tenant, clock, &actor, &change)
        })
        .await;
    after_change(&state, &member, outcome).await
}
