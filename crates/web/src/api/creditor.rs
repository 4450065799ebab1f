//! `GET /v1/creditor`, `GET` and `PATCH /v1/creditor/settings`.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use prelevo_app::AppError;
use prelevo_app::creditors::{CreditorChange, show_creditor, update_creditor};
use prelevo_domain::{Creditor, CreditorSettings, EmailAddress, SettingsPatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::json::ApiJson;
use crate::{AppState, Problem};

/// The creditor an API key acts for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditorView {
    /// `cred_…`
    #[schema(example = "cred_01a228d31db1739599db6c336ab987fb")]
    pub id: String,
    /// Name on bank files and mandates.
    #[schema(example = "Acme Abonnements")]
    pub name: String,
    /// SEPA creditor identifier (ICS).
    #[schema(example = "FR69ZZZ651190")]
    pub ics: String,
    /// Collection account IBAN.
    #[schema(example = "FR7630006000011234567890189")]
    pub iban: String,
    /// Collection account BIC.
    #[schema(example = "AGRIFRPP")]
    pub bic: Option<String>,
    /// IANA time zone of its dates.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    /// Default language, `fr` or `en`.
    #[schema(example = "fr")]
    pub language: String,
    /// Policy and schedule settings.
    pub settings: SettingsView,
    /// RFC 3339 instant.
    pub created_at: String,
    /// RFC 3339 instant.
    pub updated_at: String,
}

/// The creditor's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    /// Re-presentation delay J+N, in days (1–60).
    #[schema(example = 5)]
    pub representation_delay_days: u32,
    /// Rejections before the complementary suspension (1–20).
    #[schema(example = 3)]
    pub max_rejections: u32,
    /// Hours between retries after insufficient funds (1–720).
    #[schema(example = 24)]
    pub insufficient_funds_retry_interval_hours: u32,
    /// Most automatic retries after insufficient funds (0–30).
    #[schema(example = 3)]
    pub insufficient_funds_retry_cap: u32,
    /// Who gets the daily failed-transactions email.
    #[schema(example = "billing@acme.example")]
    pub billing_contact_email: Option<String>,
    /// Pre-notification period in days (1–60).
    #[schema(example = 14)]
    pub pre_notification_days: u32,
}

/// A change to some settings; absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatchBody {
    /// Re-presentation delay J+N, in days (1–60).
    pub representation_delay_days: Option<i64>,
    /// Rejections before the complementary suspension (1–20).
    pub max_rejections: Option<i64>,
    /// Hours between retries after insufficient funds (1–720).
    pub insufficient_funds_retry_interval_hours: Option<i64>,
    /// Most automatic retries after insufficient funds (0–30).
    pub insufficient_funds_retry_cap: Option<i64>,
    /// Billing contact email; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub billing_contact_email: Option<Option<String>>,
    /// Pre-notification period in days (1–60).
    pub pre_notification_days: Option<i64>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl SettingsPatchBody {
    fn into_patch(self) -> Result<SettingsPatch, AppError> {
        let billing_contact_email = match self.billing_contact_email {
            Some(Some(text)) => {
                Some(Some(EmailAddress::parse(&text).map_err(|e| {
                    AppError::invalid("billing_contact_email", e)
                })?))
            }
            Some(None) => Some(None),
            None => None,
        };
        Ok(SettingsPatch {
            representation_delay_days: self.representation_delay_days,
            max_rejections: self.max_rejections,
            insufficient_funds_retry_interval_hours: self.insufficient_funds_retry_interval_hours,
            insufficient_funds_retry_cap: self.insufficient_funds_retry_cap,
            billing_contact_email,
            pre_notification_days: self.pre_notification_days,
        })
    }
}

impl From<&CreditorSettings> for SettingsView {
    fn from(s: &CreditorSettings) -> Self {
        Self {
            representation_delay_days: s.representation_delay_days(),
            max_rejections: s.max_rejections(),
            insufficient_funds_retry_interval_hours: s.insufficient_funds_retry_interval_hours(),
            insufficient_funds_retry_cap: s.insufficient_funds_retry_cap(),
            billing_contact_email: s.billing_contact_email().map(|e| e.as_str().to_owned()),
            pre_notification_days: s.pre_notification_days(),
        }
    }
}

impl From<&Creditor> for CreditorView {
    fn from(c: &Creditor) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.to_string(),
            ics: c.ics.to_string(),
            iban: c.iban.to_string(),
            bic: c.bic.as_ref().map(ToString::to_string),
            timezone: c.timezone.name().to_owned(),
            language: c.language.as_str().to_owned(),
            settings: SettingsView::from(&c.settings),
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
        }
    }
}

/// The creditor of the calling key.
#[utoipa::path(get, path = "/v1/creditor", tag = "creditor",
    responses((status = 200, description = "The key's creditor", body = CreditorView)),
    security(("api_key" = [])))]
pub(crate) async fn get_creditor(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> Result<Json<CreditorView>, Problem> {
    let creditor = state
        .read(move |store, _| show_creditor(&caller.tenant(store)))
        .await?;
    Ok(Json(CreditorView::from(&creditor)))
}

/// The settings of the calling key's creditor.
#[utoipa::path(get, path = "/v1/creditor/settings", tag = "creditor",
    responses((status = 200, description = "The settings", body = SettingsView)),
    security(("api_key" = [])))]
pub(crate) async fn get_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> Result<Json<SettingsView>, Problem> {
    let creditor = state
        .read(move |store, _| show_creditor(&caller.tenant(store)))
        .await?;
    Ok(Json(SettingsView::from(&creditor.settings)))
}

/// Changes some settings (a `write` key); audited.
#[utoipa::path(patch, path = "/v1/creditor/settings", tag = "creditor",
    request_body(content = SettingsPatchBody, example = json!({"representation_delay_days": 7, "billing_contact_email": "billing@acme.example"})),
    responses(
        (status = 200, description = "The settings after the change", body = SettingsView),
        (status = 422, description = "A value out of range (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn patch_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<SettingsPatchBody>,
) -> Result<Json<SettingsView>, Problem> {
    let tenant = caller.tenant(&state.store);
    let actor = caller.actor();
    let updated = state
        .run(move |_, clock| {
            let change = CreditorChange {
                settings: body.into_patch()?,
                ..CreditorChange::default()
            };
            update_creditor(&tenant, clock, &actor, &change)
        })
        .await?;
    Ok(Json(SettingsView::from(&updated.settings)))
}
