//! The `/v1` JSON API: bearer API keys with scopes and a request budget,
//! JSON bodies checked for type, size and shape, idempotency keys, cursor
//! pagination, RFC 9457 problems, and an OpenAPI 3.1 document generated
//! from the handlers (`GET /v1/openapi.json`).

pub(crate) mod audit;
mod auth;
mod bank_files;
mod bank_profile;
mod card_aliases;
mod creditor;
mod customers;
mod idempotency;
mod ids;
mod import;
mod json;
mod mandate_import;
mod mandates;
mod pagination;
mod payments;
mod plan_import;
mod plans;
mod rate_limit;

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use rate_limit::ApiRateLimiter;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prelevo API",
        description = "SEPA Direct Debit back-office. Authenticate with `Authorization: Bearer pk_…`; \
                       errors are RFC 9457 problem+json; see docs/API.md.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerKeys),
    tags((name = "creditor", description = "The creditor an API key acts for"),
         (name = "audit", description = "Who changed what, when"),
         (name = "customers", description = "The creditor's customers (subscribers)"),
         (name = "mandates", description = "SEPA Direct Debit mandates"),
         (name = "card aliases", description = "Cards held by the gateway under a token"),
         (name = "payments", description = "Collections, card payments, refunds and transfers"),
         (name = "plans", description = "Plans of instalments (échéanciers)"),
         (name = "bank files", description = "pain.008 files made by the collection runs"))
)]
struct ApiDoc;

struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pk_live_… / pk_test_…")
                    .build(),
            ),
        );
    }
}

/// The documented endpoints, before authentication and limits.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(creditor::get_creditor))
        .routes(routes!(creditor::get_settings, creditor::patch_settings))
        .routes(routes!(audit::list_audit_events))
        .routes(routes!(customers::list_customers, customers::create))
        .routes(routes!(customers::get_customer, customers::patch_customer))
        .routes(routes!(customers::suspend))
        .routes(routes!(customers::reactivate))
        .routes(routes!(customers::strike_off))
        .routes(routes!(customers::payment_method))
        .routes(routes!(customers::export_customers))
        .routes(routes!(
            creditor::get_mandate_settings,
            creditor::patch_mandate_settings
        ))
        .routes(routes!(
            bank_profile::get_bank_profile,
            bank_profile::patch_bank_profile
        ))
        .routes(routes!(mandates::list_mandates, mandates::create))
        .routes(routes!(mandates::export_mandates))
        .routes(routes!(mandate_import::import))
        .routes(routes!(mandates::get_mandate))
        .routes(routes!(mandates::mandate_pdf))
        .routes(routes!(mandates::set_reference))
        .routes(routes!(mandates::bank_details))
        .routes(routes!(mandates::revoke))
        .routes(routes!(
            card_aliases::list_card_aliases,
            card_aliases::create
        ))
        .routes(routes!(card_aliases::get_card_alias, card_aliases::delete))
        .routes(routes!(payments::list_payments, payments::create))
        .routes(routes!(payments::export_payments))
        .routes(routes!(payments::get_payment, payments::patch_payment))
        .routes(routes!(payments::cancel))
        .routes(routes!(plans::list_plans, plans::create))
        .routes(routes!(plan_import::import))
        .routes(routes!(plans::get_plan, plans::put_plan))
        .routes(routes!(plans::stop))
        .routes(routes!(bank_files::list_bank_files))
        .routes(routes!(bank_files::get_bank_file))
        .routes(routes!(bank_files::download))
        .routes(routes!(bank_files::send))
        .routes(routes!(bank_files::discard))
}

/// The OpenAPI document as JSON (built once), for `/v1/openapi.json` and
/// the dashboard's API reference.
pub(crate) fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        documented()
            .into_openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| String::from("{}"))
    })
}

/// The API's routes, its OpenAPI document among them.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let (api, _) = documented().split_for_parts();
    api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        auth::authenticate,
    ))
    .layer(DefaultBodyLimit::max(json::MAX_JSON_BYTES))
    .route(
        "/v1/openapi.json",
        get(|| async {
            ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
        }),
    )
}
