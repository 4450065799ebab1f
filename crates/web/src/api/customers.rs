//! `/v1/customers`: create, read, list, change, and suspend / reactivate /
//! strike off the creditor's customers.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use prelevo_app::AppError;
use prelevo_app::customers::{
    CustomerInput, MethodChoice, change_customer_status, create_customer, customer_file,
    customer_health, set_payment_method, update_customer,
};
use prelevo_app::exports::write_customers;
use prelevo_domain::{
    Customer, CustomerEvent, CustomerId, CustomerStatus, EmailAddress, Health, PaymentMethodRef,
};
use prelevo_store::CustomerFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::instant;
use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::{ApiJson, ApiQuery};
use super::pagination::{ListResponse, PageParams, bad_param};
use crate::exports::{csv_response, stopped};
use crate::{AppState, Problem};

/// A customer (subscriber) of the creditor.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    /// `cus_…`
    #[schema(example = "cus_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b")]
    pub id: String,
    /// The creditor's own reference (CRM code), unique per creditor.
    #[schema(example = "C-00042")]
    pub reference: String,
    /// `mr`, `mrs` or `none`.
    #[schema(example = "mrs")]
    pub civility: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2.
    pub address_line2: Option<String>,
    /// Address line 3.
    pub address_line3: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Landline.
    pub phone: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// `fr` or `en`.
    pub language: Option<String>,
    /// `active`, `suspended` or `struck_off`.
    #[schema(example = "active")]
    pub status: String,
    /// The customer who pays for this one.
    pub payer_id: Option<String>,
    /// `none`, `manual`, `mandate` or `card`.
    pub payment_method: String,
    /// The mandate's (`mdt_…`) or card alias's (`card_…`) id.
    pub payment_method_id: Option<String>,
    /// The payment method's health today: `active`, `insufficient_funds`,
    /// `invalid`, `expiring_soon`, `expired`, `manual` or `none`.
    #[schema(example = "active")]
    pub health: String,
    /// RFC 3339 instant.
    pub created_at: String,
    /// RFC 3339 instant.
    pub updated_at: String,
}

impl CustomerView {
    /// The view of `c`, whose payment method has `health`.
    pub fn new(c: &Customer, health: Health) -> Self {
        let d = &c.details;
        let [line1, line2, line3] = d.address.clone();
        Self {
            id: c.id.to_string(),
            reference: c.code.to_string(),
            civility: d.civility.as_str().to_owned(),
            last_name: d.last_name.clone(),
            first_name: d.first_name.clone(),
            company: d.company.clone(),
            address_line1: line1,
            address_line2: line2,
            address_line3: line3,
            postal_code: d.postal_code.clone(),
            city: d.city.clone(),
            country: d.country.clone(),
            email: d.email.as_ref().map(|e| EmailAddress::as_str(e).to_owned()),
            phone: d.phone.clone(),
            mobile: d.mobile.clone(),
            language: d.language.map(|l| l.as_str().to_owned()),
            status: c.status.as_str().to_owned(),
            payer_id: c.payer_id.as_ref().map(ToString::to_string),
            payment_method: c.payment_method.kind().to_owned(),
            payment_method_id: match &c.payment_method {
                PaymentMethodRef::Mandate(id) => Some(id.to_string()),
                PaymentMethodRef::Card(id) => Some(id.to_string()),
                PaymentMethodRef::None | PaymentMethodRef::Manual => None,
            },
            health: health.as_str().to_owned(),
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
        }
    }
}

/// One customer with the customers it pays for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetailView {
    /// The customer.
    #[serde(flatten)]
    pub customer: CustomerView,
    /// Ids of the customers this one pays for.
    pub pays_for: Vec<String>,
}

/// A customer's fields. On creation `reference` and a `last_name` or
/// `company` are required; on a change, absent fields keep their value and
/// an empty string clears one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    /// The creditor's own reference (CRM code).
    pub reference: Option<String>,
    /// `mr`, `mrs` or `none`.
    pub civility: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2.
    pub address_line2: Option<String>,
    /// Address line 3.
    pub address_line3: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Landline.
    pub phone: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// `fr` or `en`.
    pub language: Option<String>,
    /// Id of the customer who pays for this one (`""`: nobody).
    pub payer_id: Option<String>,
}

impl From<CustomerBody> for CustomerInput {
    fn from(b: CustomerBody) -> Self {
        Self {
            code: b.reference,
            civility: b.civility,
            last_name: b.last_name,
            first_name: b.first_name,
            company: b.company,
            address_line1: b.address_line1,
            address_line2: b.address_line2,
            address_line3: b.address_line3,
            postal_code: b.postal_code,
            city: b.city,
            country: b.country,
            email: b.email,
            phone: b.phone,
            mobile: b.mobile,
            language: b.language,
            payer_id: b.payer_id,
        }
    }
}

/// Filters of the customer list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerParams {
    /// `active`, `suspended` or `struck_off`.
    pub status: Option<String>,
    /// Text in the reference, names, company or email (any case).
    pub q: Option<String>,
    /// `none`, `manual`, `mandate` or `card`.
    pub payment_method: Option<String>,
    /// The payment method's health today (see `CustomerView.health`).
    pub health: Option<String>,
    /// Created at or after this RFC 3339 instant.
    pub created_from: Option<String>,
    /// Created before this RFC 3339 instant.
    pub created_to: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

fn customer_id(text: &str) -> Result<CustomerId, Problem> {
    path_id(text, "customer", CustomerId::parse)
}

impl CustomerParams {
    /// The store filter and the health asked, every parameter checked.
    fn filter(&self) -> Result<(CustomerFilter, Option<Health>), Problem> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                CustomerStatus::parse(s)
                    .ok_or_else(|| bad_param("status", "must be active, suspended or struck_off"))
            })
            .transpose()?;
        if let Some(kind) = self.payment_method.as_deref()
            && !["none", "manual", "mandate", "card"].contains(&kind)
        {
            return Err(bad_param(
                "payment_method",
                "must be none, manual, mandate or card",
            ));
        }
        let health = self
            .health
            .as_deref()
            .map(|h| {
                Health::parse(h).ok_or_else(|| {
                    bad_param(
                        "health",
                        "must be active, insufficient_funds, invalid, expiring_soon, expired, manual or none",
                    )
                })
            })
            .transpose()?;
        let filter = CustomerFilter {
            status,
            text: self.q.clone(),
            created_from: instant("created_from", self.created_from.as_deref())?,
            created_to: instant("created_to", self.created_to.as_deref())?,
            payment_method: self.payment_method.clone(),
            health: None,
        };
        Ok((filter, health))
    }
}

/// Lists customers, newest first, with filters and cursor pages.
#[utoipa::path(get, path = "/v1/customers", tag = "customers", params(CustomerParams),
    responses((status = 200, description = "A page of customers", body = ListResponse<CustomerView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_customers(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<CustomerParams>,
) -> Result<Json<ListResponse<CustomerView>>, Problem> {
    let (filter, health) = params.filter()?;
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<CustomerId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, clock| {
            prelevo_app::customers::list_customers(
                &tenant,
                clock,
                &filter,
                health,
                page_position,
                limit + 1,
            )
        })
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |c| c.customer.id.clone());
    Ok(Json(ListResponse {
        data: page
            .data
            .iter()
            .map(|c| CustomerView::new(&c.customer, c.health))
            .collect(),
        has_more: page.has_more,
        next_cursor: page.next_cursor,
        previous_cursor: page.previous_cursor,
    }))
}

/// Creates a customer (a `write` key); audited.
#[utoipa::path(post, path = "/v1/customers", tag = "customers",
    request_body(content = CustomerBody, example = json!({"reference": "C-00042", "civility": "mrs", "last_name": "Martin", "first_name": "Zoé", "email": "zoe.martin@example.fr", "country": "FR"})),
    responses(
        (status = 201, description = "The new customer", body = CustomerView),
        (status = 409, description = "The reference is already used (problem+json)"),
        (status = 422, description = "Invalid fields, each named (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<CustomerBody>,
) -> Result<(StatusCode, Json<CustomerView>), Problem> {
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let input = CustomerInput::from(body);
    let created = state
        .run(move |_, clock| create_customer(&tenant, clock, &actor, &input))
        .await?;
    // A new customer has no payment method yet.
    Ok((
        StatusCode::CREATED,
        Json(CustomerView::new(&created, Health::None)),
    ))
}

/// One customer, with the customers it pays for.
#[utoipa::path(get, path = "/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    responses(
        (status = 200, description = "The customer", body = CustomerDetailView),
        (status = 404, description = "No such customer for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_customer(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CustomerDetailView>, Problem> {
    let id = customer_id(&id)?;
    let file = state
        .read(move |store, clock| customer_file(&caller.tenant(store), clock, &id))
        .await?;
    Ok(Json(CustomerDetailView {
        customer: CustomerView::new(&file.customer, file.health),
        pays_for: file.payees.iter().map(|p| p.id.to_string()).collect(),
    }))
}

/// Changes a customer (a `write` key); a struck-off customer refuses (409).
#[utoipa::path(patch, path = "/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    request_body(content = CustomerBody, example = json!({"city": "Lyon", "mobile": ""})),
    responses(
        (status = 200, description = "The customer after the change", body = CustomerView),
        (status = 404, description = "No such customer (problem+json)"),
        (status = 409, description = "Struck off, or the reference is taken (problem+json)"),
        (status = 422, description = "Invalid fields (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn patch_customer(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CustomerBody>,
) -> Result<Json<CustomerView>, Problem> {
    let id = customer_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let input = CustomerInput::from(body);
    let updated = state
        .run(move |_, clock| {
            let updated = update_customer(&tenant, clock, &actor, &id, &input)?;
            let health = customer_health(&tenant, clock, &updated)?;
            Ok(CustomerView::new(&updated, health))
        })
        .await?;
    Ok(Json(updated))
}

async fn change_status(
    state: AppState,
    caller: ApiCaller,
    id: String,
    event: CustomerEvent,
) -> Result<Json<CustomerView>, Problem> {
    let id = customer_id(&id)?;
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| {
            let changed = change_customer_status(&tenant, clock, &actor, &id, event)?;
            let health = customer_health(&tenant, clock, &changed)?;
            Ok(CustomerView::new(&changed, health))
        })
        .await?;
    Ok(Json(changed))
}

/// Suspends a customer: collections for them stop.
#[utoipa::path(post, path = "/v1/customers/{id}/suspend", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    responses((status = 200, description = "The suspended customer", body = CustomerView),
              (status = 409, description = "Not active (problem+json)")),
    security(("api_key" = [])))]
pub(crate) async fn suspend(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, Problem> {
    change_status(state, caller, id, CustomerEvent::Suspend).await
}

/// Lifts a suspension.
#[utoipa::path(post, path = "/v1/customers/{id}/reactivate", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    responses((status = 200, description = "The active customer", body = CustomerView),
              (status = 409, description = "Not suspended (problem+json)")),
    security(("api_key" = [])))]
pub(crate) async fn reactivate(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, Problem> {
    change_status(state, caller, id, CustomerEvent::Reactivate).await
}

/// Strikes a customer off for good: read-only from then on.
#[utoipa::path(post, path = "/v1/customers/{id}/strike-off", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    responses((status = 200, description = "The struck-off customer", body = CustomerView),
              (status = 409, description = "Already struck off (problem+json)")),
    security(("api_key" = [])))]
pub(crate) async fn strike_off(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, Problem> {
    change_status(state, caller, id, CustomerEvent::StrikeOff).await
}

/// The customers matching the filters as a `;` CSV (UTF-8), streamed.
#[utoipa::path(get, path = "/v1/customers/export", tag = "customers", params(CustomerParams),
    responses((status = 200, description = "`;`-separated CSV, one customer per line", content_type = "text/csv")),
    security(("api_key" = [])))]
pub(crate) async fn export_customers(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<CustomerParams>,
) -> Result<Response, Problem> {
    let (filter, health) = params.filter()?;
    let tenant = caller.tenant(&state.store);
    let clock = std::sync::Arc::clone(&state.clock);
    Ok(csv_response("customers.csv", move |out| {
        write_customers(&tenant, clock.as_ref(), &filter, health, out)
            .map(drop)
            .map_err(stopped)
    }))
}

/// The payment method to give a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodBody {
    /// `none`, `manual`, `mandate` or `card`.
    pub kind: String,
    /// The mandate's or card alias's id, for `mandate` and `card`.
    pub id: Option<String>,
}

/// Replaces the customer's payment method (the old one stays on file).
#[utoipa::path(post, path = "/v1/customers/{id}/payment-method", tag = "customers",
    params(("id" = String, Path, description = "`cus_…`")),
    request_body(content = PaymentMethodBody, example = json!({"kind": "manual"})),
    responses(
        (status = 200, description = "The customer with its new payment method", body = CustomerView),
        (status = 409, description = "Struck off, or the mandate or card cannot be used (problem+json)"),
        (status = 422, description = "Unknown kind, or another customer's mandate or card (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn payment_method(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PaymentMethodBody>,
) -> Result<Json<CustomerView>, Problem> {
    let id = customer_id(&id)?;
    let choice = match (body.kind.as_str(), body.id) {
        ("none", None) => MethodChoice::None,
        ("manual", None) => MethodChoice::Manual,
        ("mandate", Some(m)) => MethodChoice::Mandate(m),
        ("card", Some(c)) => MethodChoice::Card(c),
        ("mandate" | "card", None) => {
            return Err(Problem::from_app(
                AppError::invalid("id", "is required for a mandate or a card"),
                jiff::Timestamp::UNIX_EPOCH,
            ));
        }
        ("none" | "manual", Some(_)) => {
            return Err(Problem::from_app(
                AppError::invalid("id", "is only for a mandate or a card"),
                jiff::Timestamp::UNIX_EPOCH,
            ));
        }
        _ => {
            return Err(Problem::from_app(
                AppError::invalid("kind", "must be none, manual, mandate or card"),
                jiff::Timestamp::UNIX_EPOCH,
            ));
        }
    };
    let (tenant, actor) = (caller.tenant(&state.store), caller.actor());
    let changed = state
        .run(move |_, clock| {
            let changed = set_payment_method(&tenant, clock, &actor, &id, &choice)?;
            let health = customer_health(&tenant, clock, &changed)?;
            Ok(CustomerView::new(&changed, health))
        })
        .await?;
    Ok(Json(changed))
}
