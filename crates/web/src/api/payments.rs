//! `/v1/payments`: one-off payments on a mandate or card alias, the list
//! with its filters, one payment with its history, cancel and change while
//! it waits to be sent.

use std::collections::BTreeMap;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use prelevo_app::exports::write_payments;
use prelevo_app::payments::{
    PaymentChanges, PaymentInput, amend_payment, cancel_payment, create_payment, payment,
};
use prelevo_domain::{
    BankFileId, CardAliasId, Currency, CustomerId, Instrument, MandateId, Money, Payment,
    PaymentId, PaymentKind, PaymentStatus, PlanId,
};
use prelevo_store::{ListedPayment, PaymentEventRecord, PaymentFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::instant;
use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::{ApiJson, ApiQuery};
use super::pagination::{ListResponse, PageParams, bad_param, date_param, id_param};
use crate::exports::{csv_response, stopped};
use crate::{AppState, Problem};

/// A payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    /// `pay_…`
    #[schema(example = "pay_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b")]
    pub id: String,
    /// `cus_…`
    pub customer_id: String,
    /// `sepa_direct_debit`, `card`, `refund` or `transfer`.
    pub kind: String,
    /// `mdt_…`, for a direct debit or a refund.
    pub mandate_id: Option<String>,
    /// `card_…`, for a card payment.
    pub card_alias_id: Option<String>,
    /// In cents.
    #[schema(example = 4990)]
    pub amount: i64,
    /// `EUR`.
    pub currency: String,
    /// The collection date, `YYYY-MM-DD`.
    pub due_date: String,
    /// The text the debtor sees.
    pub remittance_info: Option<String>,
    /// The creditor's reference, carried to the bank and back.
    pub end_to_end_id: String,
    /// `to_execute`, `executing`, `executed`, `not_executed` or `rejected`.
    pub status: String,
    /// `plan_…`: every payment belongs to a plan.
    pub plan_id: String,
    /// Its place among the plan's payments, from 0.
    pub instalment: u32,
    /// `file_…`: the bank file holding it, once in one.
    pub file_id: Option<String>,
    /// RFC 3339 instant.
    pub created_at: String,
    /// RFC 3339 instant.
    pub updated_at: String,
}

impl PaymentView {
    fn new(p: &Payment, file_id: Option<&BankFileId>) -> Self {
        Self {
            id: p.id.to_string(),
            customer_id: p.customer_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            mandate_id: p.instrument.mandate().map(ToString::to_string),
            card_alias_id: p.instrument.card().map(ToString::to_string),
            amount: p.amount.minor(),
            currency: p.amount.currency().as_str().to_owned(),
            due_date: p.due_on.to_string(),
            remittance_info: p.remittance.as_ref().map(|r| r.as_str().to_owned()),
            end_to_end_id: p.end_to_end_id.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            plan_id: p.plan_id.to_string(),
            instalment: p.instalment,
            file_id: file_id.map(ToString::to_string),
            created_at: p.created_at.to_string(),
            updated_at: p.updated_at.to_string(),
        }
    }
}

impl From<&ListedPayment> for PaymentView {
    fn from(listed: &ListedPayment) -> Self {
        Self::new(&listed.payment, listed.file_id.as_ref())
    }
}

/// One change of a payment's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentChangeView {
    /// The state before.
    pub from: String,
    /// The state after.
    pub to: String,
    /// RFC 3339 instant.
    pub at: String,
    /// Why, as a stable code: `cancelled_by_creditor`, `changed_by_creditor`,
    /// `plan_changed`, `plan_stopped`, `sent_in_file`, `charge_sent`,
    /// `charge_approved`, `charge_declined`, `moved_late` or `settled`
    /// (history kept before these codes holds the cause in English words).
    pub cause: String,
    /// The cause's details by name, all text: `amount_from`, `amount_to`
    /// (minor units of `currency`), `currency`, `due_from`, `due_to`,
    /// `remittance` for a change;
    /// `reason` for a stopped plan; `message_id` for a file; `reference`,
    /// `code`, `reason` for a card charge; `from`, `to` for a late
    /// collection; `due_on` when settled.
    #[schema(value_type = Object)]
    pub cause_details: BTreeMap<&'static str, String>,
    /// Who: `system`, `cli`, `user:usr_…` or `api_key:key_…`.
    pub actor: String,
}

impl From<&PaymentEventRecord> for PaymentChangeView {
    fn from(e: &PaymentEventRecord) -> Self {
        Self {
            from: e.from_status.clone(),
            to: e.to_status.clone(),
            at: e.occurred_at.to_string(),
            cause: e.cause.code().to_owned(),
            cause_details: e.cause.details().into_iter().collect(),
            actor: e.actor.clone(),
        }
    }
}

/// A payment with its history, oldest change first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDetail {
    /// The payment.
    #[serde(flatten)]
    pub payment: PaymentView,
    /// Every change of its state (and of its amount, date or text).
    pub history: Vec<PaymentChangeView>,
}

/// A one-off payment to create, on a mandate or a card alias.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPaymentBody {
    /// `cus_…`
    pub customer_id: String,
    /// `mdt_…`: an active mandate of the customer (or `card_alias_id`).
    pub mandate_id: Option<String>,
    /// `card_…`: an active card alias of the customer.
    pub card_alias_id: Option<String>,
    /// In cents, more than zero, at most the creditor's limit.
    pub amount: i64,
    /// `EUR` (the default; required for SEPA).
    pub currency: Option<String>,
    /// `YYYY-MM-DD`, a TARGET2 business day the bank can still make; the
    /// earliest such day when absent.
    pub due_date: Option<String>,
    /// At most 140 characters once converted to the SEPA character set.
    pub remittance_info: Option<String>,
    /// Unique for the creditor, at most 35 SEPA characters; generated when
    /// absent.
    pub end_to_end_id: Option<String>,
}

/// A change to a payment waiting to be sent; absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentChangesBody {
    /// New amount, in minor units of the payment's own currency.
    pub amount: Option<i64>,
    /// New due date, `YYYY-MM-DD`; checked against today's lead time only
    /// when it differs from the current one.
    pub due_date: Option<String>,
    /// New text; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub remittance_info: Option<Option<String>>,
}

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn double_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Filters of the payment list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PaymentParams {
    /// `to_execute`, `executing`, `executed`, `not_executed` or `rejected`.
    pub status: Option<String>,
    /// `sepa_direct_debit`, `card`, `refund` or `transfer`.
    pub kind: Option<String>,
    /// Due on or after, `YYYY-MM-DD`.
    pub due_from: Option<String>,
    /// Due on or before, `YYYY-MM-DD`.
    pub due_to: Option<String>,
    /// Created at or after, RFC 3339.
    pub created_from: Option<String>,
    /// Created before, RFC 3339.
    pub created_to: Option<String>,
    /// At least this many minor units (of each payment's own currency).
    pub amount_min: Option<i64>,
    /// At most this many minor units (of each payment's own currency).
    pub amount_max: Option<i64>,
    /// `cus_…`
    pub customer_id: Option<String>,
    /// `plan_…`
    pub plan_id: Option<String>,
    /// `file_…`
    pub file_id: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

impl PaymentParams {
    /// The store filter, every parameter checked.
    pub(crate) fn filter(&self) -> Result<PaymentFilter, Problem> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                PaymentStatus::parse(s).ok_or_else(|| {
                    bad_param(
                        "status",
                        "must be to_execute, executing, executed, not_executed or rejected",
                    )
                })
            })
            .transpose()?;
        let kind = self
            .kind
            .as_deref()
            .map(|k| {
                PaymentKind::parse(k).map_err(|_| {
                    bad_param(
                        "kind",
                        "must be sepa_direct_debit, card, refund or transfer",
                    )
                })
            })
            .transpose()?;
        Ok(PaymentFilter {
            status,
            kind,
            due_from: date_param("due_from", self.due_from.as_deref())?,
            due_to: date_param("due_to", self.due_to.as_deref())?,
            created_from: instant("created_from", self.created_from.as_deref())?,
            created_to: instant("created_to", self.created_to.as_deref())?,
            amount_min: self.amount_min,
            amount_max: self.amount_max,
            customer_id: id_param(
                "customer_id",
                self.customer_id.as_deref(),
                "a customer id",
                CustomerId::parse,
            )?,
            plan_id: id_param(
                "plan_id",
                self.plan_id.as_deref(),
                "a plan id",
                PlanId::parse,
            )?,
            file_id: id_param(
                "file_id",
                self.file_id.as_deref(),
                "a bank file id",
                BankFileId::parse,
            )?,
            customer_code: None,
            currency: None,
        })
    }
}

/// Lists payments, newest first.
#[utoipa::path(get, path = "/v1/payments", tag = "payments", params(PaymentParams),
    responses((status = 200, description = "A page of payments", body = ListResponse<PaymentView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_payments(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<PaymentParams>,
) -> Result<Json<ListResponse<PaymentView>>, Problem> {
    let filter = params.filter()?;
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<PaymentId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.payments(&filter, page_position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |p| p.payment.id.clone());
    Ok(Json(page.map(|item| PaymentView::from(item))))
}

/// The payments matching the list's filters as a `;` CSV (UTF-8 with BOM,
/// formulas neutralised), streamed whatever their number.
#[utoipa::path(get, path = "/v1/payments/export", tag = "payments", params(PaymentParams),
    responses((status = 200, description = "The payments as CSV", content_type = "text/csv")),
    security(("api_key" = [])))]
pub(crate) async fn export_payments(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<PaymentParams>,
) -> Result<Response, Problem> {
    let filter = params.filter()?;
    let tenant = caller.tenant(&state.store);
    Ok(csv_response("payments.csv", move |out| {
        write_payments(&tenant, &filter, out)
            .map(drop)
            .map_err(stopped)
    }))
}

fn id_field<T, E>(
    field: &str,
    value: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, Problem> {
    parse(value).map_err(|_| {
        Problem::from_app(
            prelevo_app::AppError::invalid(field, format!("is not {what}")),
            jiff::Timestamp::UNIX_EPOCH,
        )
    })
}

/// The mandate or card alias a body names (exactly one).
pub(crate) fn instrument(
    mandate_id: Option<&str>,
    card_alias_id: Option<&str>,
) -> Result<Instrument, Problem> {
    match (mandate_id, card_alias_id) {
        (Some(m), None) => Ok(Instrument::Mandate(id_field(
            "mandate_id",
            m,
            "a mandate id",
            MandateId::parse,
        )?)),
        (None, Some(c)) => Ok(Instrument::Card(id_field(
            "card_alias_id",
            c,
            "a card alias id",
            CardAliasId::parse,
        )?)),
        _ => Err(Problem::from_app(
            prelevo_app::AppError::invalid(
                "mandate_id",
                "give a mandate_id or a card_alias_id (one of them)",
            ),
            jiff::Timestamp::UNIX_EPOCH,
        )),
    }
}

/// An amount in cents of `currency` (EUR when absent).
pub(crate) fn amount(cents: i64, currency: Option<&str>) -> Result<Money, Problem> {
    let currency = match currency {
        None => Currency::EUR,
        Some(code) => id_field("currency", code, "a known currency", Currency::parse)?,
    };
    Ok(Money::from_minor(cents, currency))
}

/// A date field of a body.
pub(crate) fn date_field(
    field: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Problem> {
    value
        .map(|v| {
            id_field(
                field,
                v,
                "a date YYYY-MM-DD",
                str::parse::<jiff::civil::Date>,
            )
        })
        .transpose()
}

/// Creates a one-off payment (with its one-instalment plan); audited.
#[utoipa::path(post, path = "/v1/payments", tag = "payments",
    request_body(content = NewPaymentBody, example = json!({"customer_id": "cus_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b", "mandate_id": "mdt_019ad2f6c1b27c3e9d0a5b4f8e7d6c5c", "amount": 4990, "due_date": "2026-12-08", "remittance_info": "Facture 2026-118"})),
    responses(
        (status = 201, description = "The new payment", body = PaymentView),
        (status = 422, description = "Invalid fields, each named: a revoked mandate, a due date on a holiday or too close, an amount over the limit… (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<NewPaymentBody>,
) -> Result<(StatusCode, Json<PaymentView>), Problem> {
    let input = PaymentInput {
        customer_id: id_field(
            "customer_id",
            &body.customer_id,
            "a customer id",
            CustomerId::parse,
        )?,
        instrument: instrument(body.mandate_id.as_deref(), body.card_alias_id.as_deref())?,
        amount: amount(body.amount, body.currency.as_deref())?,
        due_on: date_field("due_date", body.due_date.as_deref())?,
        remittance: body.remittance_info,
        end_to_end_id: body.end_to_end_id,
    };
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let created = state
        .run(move |_, clock| create_payment(&tenant, clock, &actor, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(PaymentView::new(&created, None))))
}

fn payment_id(text: &str) -> Result<PaymentId, Problem> {
    path_id(text, "payment", PaymentId::parse)
}

/// One payment, with its history.
#[utoipa::path(get, path = "/v1/payments/{id}", tag = "payments",
    params(("id" = String, Path, description = "`pay_…`")),
    responses(
        (status = 200, description = "The payment and its history", body = PaymentDetail),
        (status = 404, description = "No such payment for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_payment(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<PaymentDetail>, Problem> {
    let id = payment_id(&id)?;
    let (listed, history) = state
        .read(move |store, _| payment(&caller.tenant(store), &id))
        .await?;
    Ok(Json(PaymentDetail {
        payment: PaymentView::from(&listed),
        history: history.iter().map(PaymentChangeView::from).collect(),
    }))
}

/// Changes the amount, due date or text of a payment waiting to be sent;
/// a pending bank file holding it is discarded (the next run makes
/// another). Audited.
#[utoipa::path(patch, path = "/v1/payments/{id}", tag = "payments",
    params(("id" = String, Path, description = "`pay_…`")),
    request_body(content = PaymentChangesBody, example = json!({"amount": 5500, "due_date": "2026-12-10"})),
    responses(
        (status = 200, description = "The changed payment", body = PaymentView),
        (status = 409, description = "Already sent, executed, cancelled or rejected (problem+json)"),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn patch_payment(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PaymentChangesBody>,
) -> Result<Json<PaymentView>, Problem> {
    let id = payment_id(&id)?;
    let due_on = date_field("due_date", body.due_date.as_deref())?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| {
            // The new amount is in the payment's own currency.
            let currency = payment(&tenant, &id)?.0.payment.amount.currency();
            let changes = PaymentChanges {
                amount: body.amount.map(|cents| Money::from_minor(cents, currency)),
                due_on,
                remittance: body.remittance_info,
            };
            amend_payment(&tenant, clock, &actor, &id, &changes)
        })
        .await?;
    Ok(Json(PaymentView::new(&changed, None)))
}

/// Cancels a payment waiting to be sent ("Non exécuté"); a pending bank
/// file holding it is discarded. Audited.
#[utoipa::path(post, path = "/v1/payments/{id}/cancel", tag = "payments",
    params(("id" = String, Path, description = "`pay_…`")),
    responses(
        (status = 200, description = "The cancelled payment", body = PaymentView),
        (status = 409, description = "Already sent, executed, cancelled or rejected (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>, Problem> {
    let id = payment_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let cancelled = state
        .run(move |_, clock| cancel_payment(&tenant, clock, &actor, &id))
        .await?;
    Ok(Json(PaymentView::new(&cancelled, None)))
}
