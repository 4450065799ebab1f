//! `GET /v1/creditor`, `GET` and `PATCH /v1/creditor/settings` and
//! `/v1/creditor/mandate-settings`.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use prelevo_app::AppError;
use prelevo_app::creditors::{
    CreditorChange, MandateProfileChange, mandate_profile, show_creditor, update_creditor,
    update_mandate_profile,
};
use prelevo_domain::{Creditor, CreditorSettings, EmailAddress, MandateProfile, SettingsPatch};
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

/// How the creditor's mandates look.
#[derive(Debug, Serialize, ToSchema)]
pub struct MandateSettingsView {
    /// Street and number, printed on mandate forms.
    #[schema(example = "4 place de la Bourse")]
    pub address_line1: Option<String>,
    /// Building, floor…
    pub address_line2: Option<String>,
    /// Postal code.
    #[schema(example = "69002")]
    pub postal_code: Option<String>,
    /// City.
    #[schema(example = "Lyon")]
    pub city: Option<String>,
    /// ISO country.
    #[schema(example = "FR")]
    pub country: Option<String>,
    /// Pattern of generated references: text with `{seq:N}` (required),
    /// `{yyyy}` and `{customer}`.
    #[schema(example = "RUM-{yyyy}-{seq:6}")]
    pub umr_pattern: String,
    /// `frst`: the bank wants FRST on a mandate's first collection
    /// (pain.008.001.02 profiles); `rcur`: RCUR throughout.
    #[schema(example = "rcur")]
    pub first_collection: String,
}

impl From<&MandateProfile> for MandateSettingsView {
    fn from(p: &MandateProfile) -> Self {
        let a = &p.address;
        Self {
            address_line1: a.line1.clone(),
            address_line2: a.line2.clone(),
            postal_code: a.postal_code.clone(),
            city: a.city.clone(),
            country: a.country.clone(),
            umr_pattern: p.umr_pattern.as_str().to_owned(),
            first_collection: p.first_collection.as_str().to_owned(),
        }
    }
}

/// A change to the mandate settings; absent fields keep their value, `""`
/// clears an address part.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MandateSettingsBody {
    /// Street and number.
    pub address_line1: Option<String>,
    /// Building, floor…
    pub address_line2: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO country.
    pub country: Option<String>,
    /// Pattern of generated references.
    pub umr_pattern: Option<String>,
    /// `frst` or `rcur`.
    pub first_collection: Option<String>,
}

/// The mandate settings of the calling key's creditor.
#[utoipa::path(get, path = "/v1/creditor/mandate-settings", tag = "creditor",
    responses((status = 200, description = "The mandate settings", body = MandateSettingsView)),
    security(("api_key" = [])))]
pub(crate) async fn get_mandate_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> Result<Json<MandateSettingsView>, Problem> {
    let profile = state
        .read(move |store, _| mandate_profile(&caller.tenant(store)))
        .await?;
    Ok(Json(MandateSettingsView::from(&profile)))
}

/// Changes the mandate settings (a `write` key); audited.
#[utoipa::path(patch, path = "/v1/creditor/mandate-settings", tag = "creditor",
    request_body(content = MandateSettingsBody, example = json!({"address_line1": "4 place de la Bourse", "postal_code": "69002", "city": "Lyon", "country": "FR", "umr_pattern": "ACME-{seq:8}", "first_collection": "frst"})),
    responses(
        (status = 200, description = "The mandate settings after the change", body = MandateSettingsView),
        (status = 422, description = "An invalid pattern or address part (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn patch_mandate_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<MandateSettingsBody>,
) -> Result<Json<MandateSettingsView>, Problem> {
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let change = MandateProfileChange {
        address_line1: body.address_line1,
        address_line2: body.address_line2,
        postal_code: body.postal_code,
        city: body.city,
        country: body.country,
        umr_pattern: body.umr_pattern,
        first_collection: body.first_collection,
    };
    let updated = state
        .run(move |_, clock| update_mandate_profile(&tenant, clock, &actor, &change))
        .await?;
    Ok(Json(MandateSettingsView::from(&updated)))
}
