//! `/v1/card-aliases`: register a gateway token as a customer's card
//! (never a card number), read, list, and delete.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use prelevo_app::card_aliases::{CardAliasInput, create_card_alias, delete_card_alias};
use prelevo_domain::{CardAlias, CardAliasId, CardStatus, CustomerId};
use prelevo_store::CardAliasFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::ids::path_id;
use super::json::{ApiJson, ApiQuery};
use super::pagination::{ListResponse, PageParams, bad_param};
use crate::{AppState, Problem};

/// A card held by the gateway under a token.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardAliasView {
    /// `card_…`
    #[schema(example = "card_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b")]
    pub id: String,
    /// `cus_…`
    pub customer_id: String,
    /// The gateway's token.
    #[schema(example = "tok_1QxL2m")]
    pub token: String,
    /// `visa`, `mastercard`, `amex`, `cb` or `other`.
    pub brand: String,
    /// The last four digits.
    #[schema(example = "4242")]
    pub last4: String,
    /// 1–12.
    pub expiry_month: i8,
    /// Four digits.
    pub expiry_year: i16,
    /// The name on the card.
    pub holder: Option<String>,
    /// `active` or `deleted`.
    pub status: String,
    /// Why it was deleted: `by_creditor`, `by_platform` or `expired`.
    pub deletion_reason: Option<String>,
    /// RFC 3339 instant.
    pub deleted_at: Option<String>,
    /// RFC 3339 instant.
    pub created_at: String,
}

impl From<&CardAlias> for CardAliasView {
    fn from(a: &CardAlias) -> Self {
        Self {
            id: a.id.to_string(),
            customer_id: a.customer_id.to_string(),
            token: a.token.as_str().to_owned(),
            brand: a.brand.as_str().to_owned(),
            last4: a.last4.as_str().to_owned(),
            expiry_month: a.expiry.month(),
            expiry_year: a.expiry.year(),
            holder: a.holder.clone(),
            status: a.status.as_str().to_owned(),
            deletion_reason: match a.status {
                CardStatus::Deleted(why) => Some(why.as_str().to_owned()),
                CardStatus::Active => None,
            },
            deleted_at: a.deleted_at.map(|t| t.to_string()),
            created_at: a.created_at.to_string(),
        }
    }
}

/// A card alias to register: the gateway's token and what the card shows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCardAliasBody {
    /// `cus_…`, a customer not struck off.
    pub customer_id: String,
    /// The gateway's token (never the card number).
    pub token: String,
    /// `visa`, `mastercard`, `amex`, `cb` or `other`.
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// 1–12.
    pub expiry_month: i64,
    /// Four digits.
    pub expiry_year: i64,
    /// The name on the card.
    pub holder: Option<String>,
}

/// Filters of the card alias list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CardAliasParams {
    /// `cus_…`
    pub customer_id: Option<String>,
    /// `active` or `deleted`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<String>,
    /// Go back before this cursor.
    pub before: Option<String>,
}

/// Lists card aliases, newest first.
#[utoipa::path(get, path = "/v1/card-aliases", tag = "card aliases", params(CardAliasParams),
    responses((status = 200, description = "A page of card aliases", body = ListResponse<CardAliasView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_card_aliases(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(params): ApiQuery<CardAliasParams>,
) -> Result<Json<ListResponse<CardAliasView>>, Problem> {
    let customer_id = params
        .customer_id
        .as_deref()
        .map(|c| CustomerId::parse(c).map_err(|_| bad_param("customer_id", "is not a customer id")))
        .transpose()?;
    let active = match params.status.as_deref() {
        None => None,
        Some("active") => Some(true),
        Some("deleted") => Some(false),
        Some(_) => return Err(bad_param("status", "must be active or deleted")),
    };
    let filter = CardAliasFilter {
        customer_id,
        active,
    };
    let (position, limit) = PageParams {
        limit: params.limit,
        after: params.after,
        before: params.before,
    }
    .resolve::<CardAliasId>()?;
    let tenant = caller.tenant(&state.store);
    let page_position = position.clone();
    let found = state
        .run(move |_, _| Ok(tenant.read(|tx| tx.card_aliases(&filter, page_position, limit + 1))?))
        .await?;
    let page = ListResponse::from_fetched(found, &position, limit, |a| a.id.clone());
    Ok(Json(page.map(|item| CardAliasView::from(item))))
}

/// Registers a card alias and makes it the customer's payment method. A
/// field that looks like a card number is refused; when the gateway knows
/// the token, brand, last 4 and expiry must be its own.
#[utoipa::path(post, path = "/v1/card-aliases", tag = "card aliases",
    request_body(content = NewCardAliasBody, example = json!({"customer_id": "cus_019ad2f6c1b27c3e9d0a5b4f8e7d6c5b", "token": "tok_1QxL2m", "brand": "visa", "last4": "4242", "expiry_month": 9, "expiry_year": 2028, "holder": "Zoé Martin"})),
    responses(
        (status = 201, description = "The new card alias", body = CardAliasView),
        (status = 409, description = "The token is already registered (problem+json)"),
        (status = 422, description = "Invalid fields, a card number, or details that differ from the gateway's (problem+json)"),
        (status = 502, description = "The card gateway did not answer; nothing was registered (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<NewCardAliasBody>,
) -> Result<(StatusCode, Json<CardAliasView>), Problem> {
    let input = CardAliasInput {
        customer_id: body.customer_id,
        token: body.token,
        brand: body.brand,
        last4: body.last4,
        expiry_month: body.expiry_month,
        expiry_year: body.expiry_year,
        holder: body.holder,
    };
    let (tenant, actor, gateway) = (
        caller.tenant(&state.store),
        caller.actor(),
        state.card_gateway(),
    );
    let created = state
        .run(move |_, clock| create_card_alias(&tenant, clock, gateway.as_ref(), &actor, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(CardAliasView::from(&created))))
}

fn card_alias_id(text: &str) -> Result<CardAliasId, Problem> {
    path_id(text, "card alias", CardAliasId::parse)
}

/// One card alias.
#[utoipa::path(get, path = "/v1/card-aliases/{id}", tag = "card aliases",
    params(("id" = String, Path, description = "`card_…`")),
    responses(
        (status = 200, description = "The card alias", body = CardAliasView),
        (status = 404, description = "No such card alias for this creditor (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn get_card_alias(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CardAliasView>, Problem> {
    let id = card_alias_id(&id)?;
    let alias = state
        .read(move |store, _| Ok(caller.tenant(store).read(|tx| tx.card_alias(&id))?))
        .await?;
    Ok(Json(CardAliasView::from(&alias)))
}

/// Deletes a card alias (the gateway forgets the token first); the customer
/// is left without a payment method if it was theirs.
#[utoipa::path(delete, path = "/v1/card-aliases/{id}", tag = "card aliases",
    params(("id" = String, Path, description = "`card_…`")),
    responses(
        (status = 200, description = "The deleted card alias", body = CardAliasView),
        (status = 409, description = "Already deleted (problem+json)"),
        (status = 502, description = "The card gateway did not answer; nothing was deleted (problem+json)"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<CardAliasView>, Problem> {
    let id = card_alias_id(&id)?;
    let (tenant, actor, gateway) = (
        caller.tenant(&state.store),
        caller.actor(),
        state.card_gateway(),
    );
    let deleted = state
        .run(move |_, clock| delete_card_alias(&tenant, clock, gateway.as_ref(), &actor, &id))
        .await?;
    Ok(Json(CardAliasView::from(&deleted)))
}
