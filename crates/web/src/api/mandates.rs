//! `/v1/mandates`: create (with the creditor's reference, a generated one,
//! or none yet), read, search, export, give a reference, change the bank
//! details, revoke, and download the signed form as PDF.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use prelevo_app::documents::mandate_document;
use prelevo_app::exports::write_mandates;
use prelevo_app::mandates::{
    MandateInput, ReferenceChoice, change_bank_details, create_mandate, revoke_mandate,
    set_mandate_reference,
};
use prelevo_domain::{Mandate, MandateId, MandateStatus, OriginalAccount};
use prelevo_store::{ListedMandate, MandateFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::{ApiJson, ApiQuery};
use super::pagination::{ListResponse, PageParams, bad_param, date_param};
use crate::exports::{csv_response, pdf_response, stopped};
use crate::{AppState, Problem};

/// A SEPA mandate.
#[derive(Debug, Serialize, ToSchema)]
pub struct MandateView {
    /// `mdt_…`
    #[schema(example = "mdt_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b")]
    pub id: String,
    /// `cus_…`
    pub customer_id: String,
    /// The unique mandate reference (UMR); `null` while `pending_reference`.
    #[schema(example = "RUM-2026-000042")]
    pub reference: Option<String>,
    /// `CORE` or `B2B`.
    #[schema(example = "CORE")]
    pub scheme: String,
    /// `recurrent` or `one_off`.
    #[serde(rename = "type")]
    #[schema(example = "recurrent")]
    pub kind: String,
    /// `pending_reference`, `active`, `revoked` or `expired`.
    #[schema(example = "active")]
    pub status: String,
    /// The account holder.
    pub debtor_name: String,
    /// Address line 1.
    pub debtor_address_line1: Option<String>,
    /// Address line 2.
    pub debtor_address_line2: Option<String>,
    /// Postal code.
    pub debtor_postal_code: Option<String>,
    /// City.
    pub debtor_city: Option<String>,
    /// ISO country.
    pub debtor_country: Option<String>,
    /// The debtor's IBAN.
    #[schema(example = "FR7630006000011234567890189")]
    pub iban: String,
    /// The debtor's bank.
    pub bic: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(example = "2026-11-02")]
    pub signature_date: String,
    /// Where it was signed.
    pub signature_place: Option<String>,
    /// `electronic_link`, `operator_otp`, `paper`, `phone` or `website`.
    pub signature_method: String,
    /// Whether the next collection is the first since signature or a change
    /// of bank (FRST for banks that want it).
    pub first_collection_pending: bool,
    /// The day of the last collection, if any.
    pub last_collection_on: Option<String>,
    /// What the next collection reports of changes since the last one.
    pub amendment: AmendmentView,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// RFC 3339 instant of the revocation.
    pub revoked_at: Option<String>,
    /// The day it expired for 36 months without collection.
    pub expired_on: Option<String>,
    /// RFC 3339 instant.
    pub created_at: String,
    /// RFC 3339 instant.
    pub updated_at: String,
}

/// Changes since the last collection, carried by the next pain.008.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AmendmentView {
    /// The reference before it changed.
    pub original_reference: Option<String>,
    /// The debtor's name before it changed.
    pub original_debtor_name: Option<String>,
    /// The IBAN before it changed, or `SMNDA` after a change of bank.
    pub original_account: Option<String>,
    /// The debtor's bank before a change of bank.
    pub original_bic: Option<String>,
}

impl From<&Mandate> for MandateView {
    fn from(m: &Mandate) -> Self {
        let a = &m.amendment;
        Self {
            id: m.id.to_string(),
            customer_id: m.customer_id.to_string(),
            reference: m.reference.as_ref().map(ToString::to_string),
            scheme: m.scheme.as_str().to_owned(),
            kind: m.kind.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            debtor_name: m.debtor.name.clone(),
            debtor_address_line1: m.debtor_address.line1.clone(),
            debtor_address_line2: m.debtor_address.line2.clone(),
            debtor_postal_code: m.debtor_address.postal_code.clone(),
            debtor_city: m.debtor_address.city.clone(),
            debtor_country: m.debtor_address.country.clone(),
            iban: m.debtor.iban.to_string(),
            bic: m.debtor.bic.as_ref().map(|b| b.as_str().to_owned()),
            signature_date: m.signed_on.to_string(),
            signature_place: m.signature_place.clone(),
            signature_method: m.signature_method.as_str().to_owned(),
            first_collection_pending: m.first_collection_pending,
            last_collection_on: m.last_collection_on.map(|d| d.to_string()),
            amendment: AmendmentView {
                original_reference: a.original_reference.as_ref().map(ToString::to_string),
                original_debtor_name: a.original_debtor_name.clone(),
                original_account: a.original_account.as_ref().map(|o| match o {
                    OriginalAccount::Iban(iban) => iban.to_string(),
                    OriginalAccount::Smnda => "SMNDA".to_owned(),
                }),
                original_bic: a
                    .original_debtor_agent
                    .as_ref()
                    .map(|b| b.as_str().to_owned()),
            },
            revocation_reason: m.revocation.as_ref().map(|r| r.reason.clone()),
            revoked_at: m.revocation.as_ref().map(|r| r.at.to_string()),
            expired_on: m.expired_on.map(|d| d.to_string()),
            created_at: m.created_at.to_string(),
            updated_at: m.updated_at.to_string(),
        }
    }
}

/// A mandate in a list: with its customer's reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedMandateView {
    /// The mandate.
    #[serde(flatten)]
    pub mandate: MandateView,
    /// The customer's reference (the creditor's code).
    pub customer_reference: String,
}

impl From<&ListedMandate> for ListedMandateView {
    fn from(l: &ListedMandate) -> Self {
        Self {
            mandate: MandateView::from(&l.mandate),
            customer_reference: l.customer_code.clone(),
        }
    }
}

/// A new mandate. `reference` is the creditor's UMR; leave it out and set
/// `generate_reference` to have one generated from the creditor's pattern,
/// or neither to give it later (`pending_reference`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMandateBody {
    /// `cus_…`, a customer not struck off.
    pub customer_id: String,
    /// The UMR (≤ 35 characters of the SEPA set).
    pub reference: Option<String>,
    /// Generate the UMR from the creditor's pattern.
    #[serde(default)]
    pub generate_reference: bool,
    /// `CORE` (default) or `B2B`.
    pub scheme: Option<String>,
    /// `recurrent` (default) or `one_off`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The account holder (default: the customer's name).
    pub debtor_name: Option<String>,
    /// Address line 1.
    pub debtor_address_line1: Option<String>,
    /// Address line 2.
    pub debtor_address_line2: Option<String>,
    /// Postal code.
    pub debtor_postal_code: Option<String>,
    /// City.
    pub debtor_city: Option<String>,
    /// ISO country.
    pub debtor_country: Option<String>,
    /// The debtor's IBAN, in the SEPA zone (a direct debit reaches no other).
    pub iban: String,
    /// The debtor's bank; optional in the EEA, required for an IBAN of the
    /// SEPA zone outside it (GB, CH, MC…).
    pub bic: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    pub signature_date: String,
    /// Where it was signed.
    pub signature_place: Option<String>,
    /// `electronic_link`, `operator_otp`, `paper`, `phone` or `website`.
    pub signature_method: String,
}

impl NewMandateBody {
    fn into_input(self) -> Result<MandateInput, Problem> {
        let reference = match (self.reference, self.generate_reference) {
            (Some(_), true) => {
                return Err(Problem::from_app(
                    prelevo_app::AppError::invalid(
                        "generate_reference",
                        "cannot be true when a reference is given",
                    ),
                    jiff::Timestamp::UNIX_EPOCH,
                ));
            }
            (Some(given), false) => ReferenceChoice::Given(given),
            (None, true) => ReferenceChoice::Generate,
            (None, false) => ReferenceChoice::Later,
        };
        Ok(MandateInput {
            customer_id: self.customer_id,
            reference,
            scheme: self.scheme,
            kind: self.kind,
            debtor_name: self.debtor_name,
            debtor_address_line1: self.debtor_address_line1,
            debtor_address_line2: self.debtor_address_line2,
            debtor_postal_code: self.debtor_postal_code,
            debtor_city: self.debtor_city,
            debtor_country: self.debtor_country,
            iban: self.iban,
            bic: self.bic,
            signed_on: self.signature_date,
            signature_place: self.signature_place,
            signature_method: self.signature_method,
        })
    }
}

/// Filters of the mandate list and export (the dashboard's search).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MandateParams {
    /// `pending_reference`, `active`, `revoked` or `expired`.
    pub status: Option<String>,
    /// `cus_…`
    pub customer_id: Option<String>,
    /// The customer's reference, exactly.
    pub customer_reference: Option<String>,
    /// The UMR's beginning.
    pub reference: Option<String>,
    /// Text in the debtor's name (any case).
    pub name: Option<String>,
    /// The IBAN's last four characters.
    pub iban_last4: Option<String>,
    /// Signed on or after (`YYYY-MM-DD`).
    pub signed_from: Option<String>,
    /// Signed on or before (`YYYY-MM-DD`).
    pub signed_to: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

impl MandateParams {
    /// The store filter, every parameter checked.
    pub(crate) fn filter(&self) -> Result<MandateFilter, Problem> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                MandateStatus::parse(s).ok_or_else(|| {
                    bad_param(
                        "status",
                        "must be pending_reference, active, revoked or expired",
                    )
                })
            })
            .transpose()?;
        let customer_id = self
            .customer_id
            .as_deref()
            .map(|c| {
                prelevo_domain::CustomerId::parse(c)
                    .map_err(|_| bad_param("customer_id", "is not a customer id"))
            })
            .transpose()?;
        if let Some(last4) = &self.iban_last4
            && !(last4.trim().len() == 4 && last4.trim().chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(bad_param(
                "iban_last4",
                "must be the IBAN's last 4 characters",
            ));
        }
        Ok(MandateFilter {
            status,
            customer_id,
            customer_code: self.customer_reference.clone(),
            reference: self.reference.clone(),
            name: self.name.clone(),
            iban_last4: self.iban_last4.clone(),
            signed_from: date_param("signed_from", self.signed_from.as_deref())?,
            signed_to: date_param("signed_to", self.signed_to.as_deref())?,
        })
    }
}

fn mandate_id(text: &str) -> Result<MandateId, Problem> {
    path_id(text, "mandate", MandateId::parse)
}

/// Searches mandates, newest first, with cursor pages.
#[utoipa::path(get, path = "/v1/mandates", tag = "mandates", params(MandateParams),
    responses((status = 200, description = "A page of mandates", body = ListResponse<ListedMandateView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_mandates(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<MandateParams>,
) -> Result<Json<ListResponse<ListedMandateView>>, Problem> {
    let filter = params.filter()?;
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<MandateId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.mandates(&filter, page_position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |l| l.mandate.id.clone());
    Ok(Json(page.map(|item| ListedMandateView::from(item))))
}

/// The mandates matching the filters as a `;` CSV (UTF-8), streamed.
#[utoipa::path(get, path = "/v1/mandates/export", tag = "mandates", params(MandateParams),
    responses((status = 200, description = "`;`-separated CSV, one mandate per line", content_type = "text/csv")),
    security(("api_key" = [])))]
pub(crate) async fn export_mandates(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<MandateParams>,
) -> Result<Response, Problem> {
    let filter = params.filter()?;
    let tenant = caller.tenant(&state.store);
    Ok(csv_response("mandates.csv", move |out| {
        write_mandates(&tenant, &filter, out)
            .map(drop)
            .map_err(stopped)
    }))
}

/// Creates a mandate and makes it the customer's payment method; audited.
#[utoipa::path(post, path = "/v1/mandates", tag = "mandates",
    request_body(content = NewMandateBody, example = json!({"customer_id": "cus_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b", "reference": "RUM-2026-000042", "iban": "FR76 3000 6000 0112 3456 7890 189", "signature_date": "2026-11-02", "signature_place": "Lyon", "signature_method": "paper"})),
    responses(
        (status = 201, description = "The new mandate", body = MandateView),
        (status = 409, description = "The reference is already used (problem+json)"),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<NewMandateBody>,
) -> Result<(StatusCode, Json<MandateView>), Problem> {
    let input = body.into_input()?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let created = state
        .run(move |_, clock| create_mandate(&tenant, clock, &actor, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(MandateView::from(&created))))
}

/// One mandate.
#[utoipa::path(get, path = "/v1/mandates/{id}", tag = "mandates",
    params(("id" = String, Path, description = "`mdt_…`")),
    responses(
        (status = 200, description = "The mandate", body = MandateView),
        (status = 404, description = "No such mandate for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_mandate(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<MandateView>, Problem> {
    let id = mandate_id(&id)?;
    let mandate = state
        .read(move |store, _| Ok(caller.tenant(store).read(|tx| tx.mandate(&id))?))
        .await?;
    Ok(Json(MandateView::from(&mandate)))
}

/// The signed mandate form as PDF, in the creditor's language or the one
/// asked (`?lang=fr|en`).
#[utoipa::path(get, path = "/v1/mandates/{id}/pdf", tag = "mandates",
    params(("id" = String, Path, description = "`mdt_…`"),
           ("lang" = Option<String>, Query, description = "`fr` or `en` (default: the creditor's language)")),
    responses(
        (status = 200, description = "The SEPA mandate form", content_type = "application/pdf"),
        (status = 404, description = "No such mandate (problem+json)"),
        (status = 409, description = "The mandate has no reference yet (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn mandate_pdf(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PdfParams>,
) -> Result<Response, Problem> {
    let id = mandate_id(&id)?;
    let language = params
        .lang
        .as_deref()
        .map(|l| {
            prelevo_domain::Locale::parse(l).map_err(|_| bad_param("lang", "must be fr or en"))
        })
        .transpose()?;
    let tenant = caller.tenant(&state.store);
    let document = state
        .run(move |_, _| mandate_document(&tenant, &id, language))
        .await?;
    Ok(pdf_response(document))
}

/// The PDF's language.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PdfParams {
    /// `fr` or `en`.
    pub lang: Option<String>,
}

/// A reference for a mandate waiting for one, or a new one (the original is
/// reported to the bank with the next collection).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceBody {
    /// The UMR.
    pub reference: String,
}

/// Sets or changes the mandate's reference; audited.
#[utoipa::path(post, path = "/v1/mandates/{id}/reference", tag = "mandates",
    params(("id" = String, Path, description = "`mdt_…`")),
    request_body(content = ReferenceBody, example = json!({"reference": "RUM-2026-000043"})),
    responses(
        (status = 200, description = "The mandate", body = MandateView),
        (status = 409, description = "Revoked or expired, or the reference is taken (problem+json)"),
        (status = 422, description = "Not a valid reference (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn set_reference(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReferenceBody>,
) -> Result<Json<MandateView>, Problem> {
    let id = mandate_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| set_mandate_reference(&tenant, clock, &actor, &id, &body.reference))
        .await?;
    Ok(Json(MandateView::from(&changed)))
}

/// New bank details or debtor name; absent fields keep their value, a
/// `bic` of `""` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankDetailsBody {
    /// The account holder.
    pub debtor_name: Option<String>,
    /// The new IBAN.
    pub iban: Option<String>,
    /// The new BIC.
    pub bic: Option<String>,
}

/// Changes the bank details as an amendment the next collection carries;
/// audited.
#[utoipa::path(post, path = "/v1/mandates/{id}/bank-details", tag = "mandates",
    params(("id" = String, Path, description = "`mdt_…`")),
    request_body(content = BankDetailsBody, example = json!({"iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR"})),
    responses(
        (status = 200, description = "The amended mandate", body = MandateView),
        (status = 409, description = "Revoked or expired (problem+json)"),
        (status = 422, description = "Invalid fields (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn bank_details(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BankDetailsBody>,
) -> Result<Json<MandateView>, Problem> {
    let id = mandate_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| {
            let bic = body
                .bic
                .as_deref()
                .map(|b| Some(b).filter(|b| !b.trim().is_empty()));
            change_bank_details(
                &tenant,
                clock,
                &actor,
                &id,
                body.debtor_name.as_deref(),
                body.iban.as_deref(),
                bic,
            )
        })
        .await?;
    Ok(Json(MandateView::from(&changed)))
}

/// Why the mandate is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// The reason, as the customer or the creditor gave it.
    pub reason: String,
}

/// Revokes the mandate: plans and payments on it stop; audited.
#[utoipa::path(post, path = "/v1/mandates/{id}/revoke", tag = "mandates",
    params(("id" = String, Path, description = "`mdt_…`")),
    request_body(content = RevokeBody, example = json!({"reason": "customer closed the account"})),
    responses(
        (status = 200, description = "The revoked mandate", body = MandateView),
        (status = 409, description = "Already revoked or expired (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<Json<MandateView>, Problem> {
    let id = mandate_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let revoked = state
        .run(move |_, clock| revoke_mandate(&tenant, clock, &actor, &id, &body.reason))
        .await?;
    Ok(Json(MandateView::from(&revoked)))
}
