//! `/v1/creditor/bank-profile`: what the creditor's bank accepts in a
//! pain.008 file.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use prelevo_app::bank_profile::{BankProfileChange, bank_profile, update_bank_profile};
use prelevo_domain::BankProfile;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::json::ApiJson;
use crate::{AppState, Problem};

/// The bank profile of the creditor's collection account.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankProfileView {
    /// `pain.008.001.02` or `pain.008.001.08`.
    #[schema(example = "pain.008.001.08")]
    pub pain008_version: String,
    /// `frst`: FRST on first collections and FNAL on a plan's last; `rcur`:
    /// RCUR throughout (the same setting as the mandate settings').
    pub first_collection: String,
    /// Each payment block booked as one entry on the statement.
    pub batch_booking: bool,
    /// The bank's cut-off, `HH:MM`, on the business day before the due date.
    #[schema(example = "16:00")]
    pub cutoff_time: String,
    /// Most collections in one file.
    pub max_file_transactions: u32,
    /// Largest amount of one payment, in cents.
    pub collection_limit: i64,
}

impl From<&BankProfile> for BankProfileView {
    fn from(p: &BankProfile) -> Self {
        Self {
            pain008_version: p.pain008_version.as_str().to_owned(),
            first_collection: p.first_collection.as_str().to_owned(),
            batch_booking: p.batch_booking,
            cutoff_time: p.cutoff.strftime("%H:%M").to_string(),
            max_file_transactions: p.max_file_transactions(),
            collection_limit: p.collection_limit().minor(),
        }
    }
}

/// A change to the bank profile; absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankProfileBody {
    /// `pain.008.001.02` or `pain.008.001.08`.
    pub pain008_version: Option<String>,
    /// `frst` or `rcur`.
    pub first_collection: Option<String>,
    /// Each payment block booked as one entry.
    pub batch_booking: Option<bool>,
    /// `HH:MM`.
    pub cutoff_time: Option<String>,
    /// 1 to 1 000 000.
    pub max_file_transactions: Option<i64>,
    /// In cents, 1 to 99 999 999 999.
    pub collection_limit: Option<i64>,
}

/// The bank profile of the calling key's creditor.
#[utoipa::path(get, path = "/v1/creditor/bank-profile", tag = "creditor",
    responses((status = 200, description = "The bank profile", body = BankProfileView)),
    security(("api_key" = [])))]
pub(crate) async fn get_bank_profile(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> Result<Json<BankProfileView>, Problem> {
    let profile = state
        .read(move |store, _| bank_profile(&caller.tenant(store)))
        .await?;
    Ok(Json(BankProfileView::from(&profile)))
}

/// Changes the bank profile (a `write` key); audited. The next bank file
/// follows it.
#[utoipa::path(patch, path = "/v1/creditor/bank-profile", tag = "creditor",
    request_body(content = BankProfileBody, example = json!({"pain008_version": "pain.008.001.02", "cutoff_time": "11:30", "max_file_transactions": 50000})),
    responses(
        (status = 200, description = "The bank profile after the change", body = BankProfileView),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn patch_bank_profile(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<BankProfileBody>,
) -> Result<Json<BankProfileView>, Problem> {
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let change = BankProfileChange {
        pain008_version: body.pain008_version,
        first_collection: body.first_collection,
        batch_booking: body.batch_booking,
        cutoff_time: body.cutoff_time,
        max_file_transactions: body.max_file_transactions,
        collection_limit: body.collection_limit,
    };
    let updated = state
        .run(move |_, clock| update_bank_profile(&tenant, clock, &actor, &change))
        .await?;
    Ok(Json(BankProfileView::from(&updated)))
}
