//! `/v1/bank-files`: the pain.008 files the collection runs made — list,
//! read, download (written from the database as a stream, the same bytes
//! every time), mark as sent, discard.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use prelevo_app::AppError;
use prelevo_app::bank_files::{bank_file, discard_bank_file, send_bank_file, write_bank_file};
use prelevo_domain::{BankFileId, BankFileStatus, Clock};
use prelevo_store::{Actor, BankFileRecord, TenantStore};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::ApiQuery;
use super::pagination::{ListResponse, PageParams, bad_param};
use crate::exports::{file_response, stopped};
use crate::{AppState, Problem};

/// A bank file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankFileView {
    /// `file_…`
    #[schema(example = "file_019ad2f6c1b27c3e9d0a5b4f8e7d6c5bn0")]
    pub id: String,
    /// The message id (`MsgId`), unique for the creditor.
    #[schema(example = "PRLV-20261201-000042")]
    pub message_id: String,
    /// `pain.008.001.02` or `pain.008.001.08`.
    pub format: String,
    /// `pending`, `sent` or `discarded`.
    pub status: String,
    /// The business day whose run made it.
    pub run_on: String,
    /// How many collections.
    pub transactions: u64,
    /// Their sum, in cents.
    pub control_sum: i64,
    /// `EUR`.
    pub currency: String,
    /// SHA-256 of its content, hex.
    pub sha256: Option<String>,
    /// Its size in bytes.
    pub size_bytes: Option<u64>,
    /// RFC 3339 instant.
    pub created_at: String,
    /// RFC 3339 instant.
    pub sent_at: Option<String>,
    /// RFC 3339 instant.
    pub discarded_at: Option<String>,
    /// Why it was discarded: `payment_cancelled`, `payment_changed`,
    /// `plan_changed`, `plan_stopped` or `mandate_changed` (files
    /// discarded before these codes hold the reason in English words).
    pub discard_reason: Option<String>,
}

impl From<&BankFileRecord> for BankFileView {
    fn from(f: &BankFileRecord) -> Self {
        Self {
            id: f.id.to_string(),
            message_id: f.message_id.clone(),
            format: f.format.as_str().to_owned(),
            status: f.status.as_str().to_owned(),
            run_on: f.run_on.to_string(),
            transactions: f.transactions,
            control_sum: f.control_sum.minor(),
            currency: f.control_sum.currency().as_str().to_owned(),
            sha256: f.sha256.clone(),
            size_bytes: f.size_bytes,
            created_at: f.created_at.to_string(),
            sent_at: f.sent_at.map(|t| t.to_string()),
            discarded_at: f.discarded.as_ref().map(|(at, _)| at.to_string()),
            discard_reason: f.discarded.as_ref().map(|(_, why)| why.code().to_owned()),
        }
    }
}

/// Filters of the bank file list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BankFileParams {
    /// `pending`, `sent` or `discarded`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

/// Lists bank files, newest first.
#[utoipa::path(get, path = "/v1/bank-files", tag = "bank files", params(BankFileParams),
    responses((status = 200, description = "A page of bank files", body = ListResponse<BankFileView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_bank_files(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<BankFileParams>,
) -> Result<Json<ListResponse<BankFileView>>, Problem> {
    let status = params
        .status
        .as_deref()
        .map(|s| {
            BankFileStatus::parse(s)
                .ok_or_else(|| bad_param("status", "must be pending, sent or discarded"))
        })
        .transpose()?;
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<BankFileId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.bank_files(status, page_position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |f| f.id.clone());
    Ok(Json(page.map(|item| BankFileView::from(item))))
}

fn file_id(text: &str) -> Result<BankFileId, Problem> {
    path_id(text, "bank file", BankFileId::parse)
}

/// One bank file.
#[utoipa::path(get, path = "/v1/bank-files/{id}", tag = "bank files",
    params(("id" = String, Path, description = "`file_…`")),
    responses(
        (status = 200, description = "The bank file", body = BankFileView),
        (status = 404, description = "No such file for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_bank_file(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<BankFileView>, Problem> {
    let id = file_id(&id)?;
    let file = state
        .read(move |store, _| bank_file(&caller.tenant(store), &id))
        .await?;
    Ok(Json(BankFileView::from(&file)))
}

/// The file's pain.008 XML, streamed (the same bytes every time; its
/// SHA-256 is the file's `sha256`). A discarded file has none: its
/// collections still waiting went back to be staged in the next file.
#[utoipa::path(get, path = "/v1/bank-files/{id}/content", tag = "bank files",
    params(("id" = String, Path, description = "`file_…`")),
    responses(
        (status = 200, description = "The pain.008 message", content_type = "application/xml"),
        (status = 404, description = "No such file for this creditor (problem+json)"),
        (status = 409, description = "The file was discarded: no content (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn download(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = file_id(&id)?;
    let tenant = caller.tenant(&state.store);
    let probe = tenant.clone();
    let lookup = id.clone();
    let file = state
        .read(move |_, _| {
            let file = bank_file(&probe, &lookup)?;
            if file.status == BankFileStatus::Discarded {
                return Err(AppError::Conflict(format!(
                    "bank file {lookup} was discarded: it has no content (the payments still waiting go in the next file)"
                )));
            }
            Ok(file)
        })
        .await?;
    Ok(file_response(
        "application/xml",
        &format!("{}.xml", file.message_id),
        move |out| {
            write_bank_file(&tenant, &id, out)
                .map(drop)
                .map_err(stopped)
        },
    ))
}

/// Marks a pending file as sent to the bank: its payments become
/// `executing`. Audited.
#[utoipa::path(post, path = "/v1/bank-files/{id}/send", tag = "bank files",
    params(("id" = String, Path, description = "`file_…`")),
    responses(
        (status = 200, description = "The sent file", body = BankFileView),
        (status = 409, description = "Already sent or discarded (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn send(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<BankFileView>, Problem> {
    act_on_file(&state, &caller, &id, send_bank_file).await
}

/// Discards a pending file that will not be sent (it missed the bank's
/// cut-off, say): its collections go into the next run's file, on the
/// first date the bank can still make. Never discard a file already handed
/// to the bank. Audited.
#[utoipa::path(post, path = "/v1/bank-files/{id}/discard", tag = "bank files",
    params(("id" = String, Path, description = "`file_…`")),
    responses(
        (status = 200, description = "The discarded file (`discard_reason`: `by_creditor`)", body = BankFileView),
        (status = 409, description = "Already sent or discarded (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn discard(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<BankFileView>, Problem> {
    act_on_file(&state, &caller, &id, discard_bank_file).await
}

/// Runs `action` on the caller's file `id`; the file as it is after.
async fn act_on_file(
    state: &AppState,
    caller: &ApiCaller,
    id: &str,
    action: fn(&TenantStore, &dyn Clock, &Actor, &BankFileId) -> Result<BankFileRecord, AppError>,
) -> Result<Json<BankFileView>, Problem> {
    let id = file_id(id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let after = state
        .run(move |_, clock| action(&tenant, clock, &actor, &id))
        .await?;
    Ok(Json(BankFileView::from(&after)))
}
