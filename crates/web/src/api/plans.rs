//! `/v1/plans`: plans of instalments ("échéanciers") — create, list, read,
//! change, stop.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use prelevo_app::plans::{PlanInput, create_plan, edit_plan, plan, stop_plan};
use prelevo_domain::{
    CardAliasId, CustomerId, Frequency, MandateId, Plan, PlanEnd, PlanId, PlanStatus,
};
use prelevo_store::PlanFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::{ApiJson, ApiQuery};
use super::pagination::{ListResponse, PageParams, bad_param, id_param};
use super::payments::{amount, date_field, instrument};
use crate::{AppState, Problem};

/// A plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// `plan_…`
    #[schema(example = "plan_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b")]
    pub id: String,
    /// The creditor's own reference for it (what a plan file names it by).
    pub plan_reference: Option<String>,
    /// `cus_…`
    pub customer_id: String,
    /// `sepa_direct_debit` or `card`.
    pub kind: String,
    /// `mdt_…`
    pub mandate_id: Option<String>,
    /// `card_…`
    pub card_alias_id: Option<String>,
    /// Each instalment, in cents.
    pub amount: i64,
    /// `EUR`.
    pub currency: String,
    /// `weekly`, `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub frequency: String,
    /// Day of the month, 1–31 (a shorter month's last day).
    pub collection_day: i8,
    /// First possible date, `YYYY-MM-DD`.
    pub start_date: String,
    /// No instalment after this date.
    pub end_date: Option<String>,
    /// Or: this many instalments.
    pub instalments: Option<u32>,
    /// The text the debtor sees.
    pub remittance_info: Option<String>,
    /// `active` or `inactive`.
    pub status: String,
    /// The next instalment's date, while active.
    pub next_due_date: Option<String>,
    /// Payments made so far.
    pub payments_created: u32,
    /// Why it stopped early: `by_creditor`, `mandate_revoked`,
    /// `mandate_expired`, `card_deleted`, `customer_suspended`,
    /// `customer_struck_off`.
    pub stop_reason: Option<String>,
    /// RFC 3339 instant.
    pub stopped_at: Option<String>,
    /// RFC 3339 instant.
    pub created_at: String,
}

impl From<&Plan> for PlanView {
    fn from(p: &Plan) -> Self {
        let (end_date, instalments) = match p.schedule.end() {
            PlanEnd::OpenEnded => (None, None),
            PlanEnd::OnDate(d) => (Some(d.to_string()), None),
            PlanEnd::AfterInstalments(n) => (None, Some(n)),
        };
        Self {
            id: p.id.to_string(),
            plan_reference: p.reference.as_ref().map(ToString::to_string),
            customer_id: p.customer_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            mandate_id: p.instrument.mandate().map(ToString::to_string),
            card_alias_id: p.instrument.card().map(ToString::to_string),
            amount: p.amount.minor(),
            currency: p.amount.currency().as_str().to_owned(),
            frequency: p.schedule.frequency().as_str().to_owned(),
            collection_day: p.schedule.day().get(),
            start_date: p.schedule.start().to_string(),
            end_date,
            instalments,
            remittance_info: p.remittance.as_ref().map(|r| r.as_str().to_owned()),
            status: p.status.as_str().to_owned(),
            next_due_date: p.next_due().map(|d| d.to_string()),
            payments_created: p.created_count,
            stop_reason: p.stop.as_ref().map(|s| s.reason.as_str().to_owned()),
            stopped_at: p.stop.as_ref().map(|s| s.at.to_string()),
            created_at: p.created_at.to_string(),
        }
    }
}

/// A plan to create, or a plan's new terms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The creditor's own reference, unique among its plans (optional; a
    /// plan keeps it once given: on a change, omit it or give the same).
    pub plan_reference: Option<String>,
    /// `cus_…`
    pub customer_id: String,
    /// `mdt_…` (or `card_alias_id`).
    pub mandate_id: Option<String>,
    /// `card_…`
    pub card_alias_id: Option<String>,
    /// Each instalment, in cents.
    pub amount: i64,
    /// `EUR` by default.
    pub currency: Option<String>,
    /// `weekly`, `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub frequency: String,
    /// Day of the month, 1–31; ignored for weekly plans.
    pub collection_day: i64,
    /// First possible date, `YYYY-MM-DD`.
    pub start_date: String,
    /// No instalment after this date (or `instalments`, or neither:
    /// open-ended).
    pub end_date: Option<String>,
    /// This many instalments.
    pub instalments: Option<i64>,
    /// The text the debtor sees, at most 140 SEPA characters.
    pub remittance_info: Option<String>,
}

impl PlanBody {
    fn into_input(self) -> Result<PlanInput, Problem> {
        let invalid = |field: &str, why: &str| {
            Problem::from_app(
                prelevo_app::AppError::invalid(field, why),
                jiff::Timestamp::UNIX_EPOCH,
            )
        };
        let end = match (
            date_field("end_date", self.end_date.as_deref())?,
            self.instalments,
        ) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "end_date",
                    "give an end_date or instalments, not both",
                ));
            }
            (Some(date), None) => PlanEnd::OnDate(date),
            (None, Some(n)) => PlanEnd::AfterInstalments(
                u32::try_from(n).map_err(|_| invalid("instalments", "must be 1 or more"))?,
            ),
            (None, None) => PlanEnd::OpenEnded,
        };
        Ok(PlanInput {
            reference: self.plan_reference,
            customer_id: CustomerId::parse(&self.customer_id)
                .map_err(|_| invalid("customer_id", "is not a customer id"))?,
            instrument: instrument(self.mandate_id.as_deref(), self.card_alias_id.as_deref())?,
            amount: amount(self.amount, self.currency.as_deref())?,
            frequency: Frequency::parse(&self.frequency)
                .map_err(|e| invalid("frequency", &e.to_string()))?,
            collection_day: self.collection_day,
            start_on: date_field("start_date", Some(&self.start_date))?
                .ok_or_else(|| invalid("start_date", "is required"))?,
            end,
            remittance: self.remittance_info,
        })
    }
}

/// Filters of the plan list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanParams {
    /// `active` or `inactive`.
    pub status: Option<String>,
    /// `cus_…`
    pub customer_id: Option<String>,
    /// `mdt_…`
    pub mandate_id: Option<String>,
    /// `card_…`
    pub card_alias_id: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

/// Lists plans, newest first.
#[utoipa::path(get, path = "/v1/plans", tag = "plans", params(PlanParams),
    responses((status = 200, description = "A page of plans", body = ListResponse<PlanView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_plans(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<PlanParams>,
) -> Result<Json<ListResponse<PlanView>>, Problem> {
    let filter = PlanFilter {
        status: params
            .status
            .as_deref()
            .map(|s| {
                PlanStatus::parse(s)
                    .ok_or_else(|| bad_param("status", "must be active or inactive"))
            })
            .transpose()?,
        customer_id: id_param(
            "customer_id",
            params.customer_id.as_deref(),
            "a customer id",
            CustomerId::parse,
        )?,
        mandate_id: id_param(
            "mandate_id",
            params.mandate_id.as_deref(),
            "a mandate id",
            MandateId::parse,
        )?,
        card_alias_id: id_param(
            "card_alias_id",
            params.card_alias_id.as_deref(),
            "a card alias id",
            CardAliasId::parse,
        )?,
    };
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<PlanId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.plans(&filter, page_position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |p| p.id.clone());
    Ok(Json(page.map(|item| PlanView::from(item))))
}

/// Creates a plan; its instalments within the pre-notification period are
/// created at once (the daily run creates the others). Audited.
#[utoipa::path(post, path = "/v1/plans", tag = "plans",
    request_body(content = PlanBody, example = json!({"plan_reference": "ABO-2027-0001", "customer_id": "cus_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b", "mandate_id": "mdt_019ad2f6c1b27c3e9d0a5b4f8e7d6c5c", "amount": 2990, "frequency": "monthly", "collection_day": 5, "start_date": "2027-01-01", "instalments": 12, "remittance_info": "Abonnement"})),
    responses(
        (status = 201, description = "The new plan", body = PlanView),
        (status = 409, description = "Another plan has this plan_reference (problem+json)"),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<(StatusCode, Json<PlanView>), Problem> {
    let input = body.into_input()?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let created = state
        .run(move |_, clock| create_plan(&tenant, clock, &actor, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(PlanView::from(&created))))
}

fn plan_id(text: &str) -> Result<PlanId, Problem> {
    path_id(text, "plan", PlanId::parse)
}

/// One plan.
#[utoipa::path(get, path = "/v1/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "`plan_…`")),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 404, description = "No such plan for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_plan(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<PlanView>, Problem> {
    let id = plan_id(&id)?;
    let found = state
        .read(move |store, _| plan(&caller.tenant(store), &id))
        .await?;
    Ok(Json(PlanView::from(&found)))
}

/// Changes a plan's amount, schedule and text (same customer and payment
/// method). Its instalments not sent yet are cancelled and made again from
/// the new terms, never on a date already sent. Audited.
#[utoipa::path(put, path = "/v1/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "`plan_…`")),
    request_body(content = PlanBody),
    responses(
        (status = 200, description = "The changed plan", body = PlanView),
        (status = 409, description = "The plan is inactive, another plan has this plan_reference, or the plan changed while this request ran (the daily run moved it on): read it again and retry (problem+json)"),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn put_plan(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<Json<PlanView>, Problem> {
    let id = plan_id(&id)?;
    let input = body.into_input()?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| edit_plan(&tenant, clock, &actor, &id, &input))
        .await?;
    Ok(Json(PlanView::from(&changed)))
}

/// Stops a plan: no more instalments; those not sent yet are cancelled.
/// Audited.
#[utoipa::path(post, path = "/v1/plans/{id}/stop", tag = "plans",
    params(("id" = String, Path, description = "`plan_…`")),
    responses(
        (status = 200, description = "The stopped plan", body = PlanView),
        (status = 409, description = "Already inactive, or changed while this request ran: read it again and retry (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn stop(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<PlanView>, Problem> {
    let id = plan_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let stopped = state
        .run(move |_, clock| stop_plan(&tenant, clock, &actor, &id))
        .await?;
    Ok(Json(PlanView::from(&stopped)))
}
