//! The dashboard's pages: logging in and out, password links, invitations,
//! settings, team, API keys, the audit log, subscribers, mandates, payments,
//! plans and bank files. Handlers are thin: parse
//! the form, call one use case, render a template.
// A refusal is a ready page (a `Response`); its size is irrelevant next to
// the request it answers.
#![expect(clippy::result_large_err, reason = "refusals are ready responses")]

mod access;
mod actors;
mod api_keys;
mod api_reference;
mod audit;
mod bank_files;
mod cookies;
mod imports;
mod lists;
mod mandates;
mod member;
mod methods;
mod page;
mod payments;
mod plans;
mod settings;
mod subscribers;
mod team;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};
use prelevo_app::mandate_import::MAX_IMPORT_BYTES;

use crate::AppState;

pub(crate) use member::Member;

/// Every dashboard route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/settings") }))
        .route("/login", get(access::login_page).post(access::login))
        .route("/logout", post(access::logout))
        .route(
            "/password",
            get(access::password_request_page).post(access::password_request),
        )
        .route(
            "/password/{token}",
            get(access::password_set_page).post(access::password_set),
        )
        .route(
            "/invitation/{token}",
            get(access::invitation_page).post(access::invitation_accept),
        )
        .route("/session/creditor", post(access::switch_creditor))
        .route("/settings", get(settings::page).post(settings::save))
        .route("/settings/bank-profile", post(settings::save_bank_profile))
        .route("/team", get(team::page))
        .route("/team/invite", post(team::invite))
        .route("/team/{user}/{action}", post(team::act))
        .route("/api-keys", get(api_keys::page).post(api_keys::create))
        .route("/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/api-reference", get(api_reference::page))
        .route("/audit", get(audit::page))
        .route("/audit/export.csv", get(audit::export))
        .route(
            "/subscribers",
            get(subscribers::page).post(subscribers::create),
        )
        .route("/subscribers/export.csv", get(subscribers::export))
        .route("/subscribers/{id}", get(subscribers::show))
        .route(
            "/subscribers/{id}/mandates",
            post(subscribers::create_mandate_for),
        )
        .route(
            "/subscribers/{id}/cards/{card}/delete",
            post(subscribers::delete_card),
        )
        .route("/subscribers/{id}/{action}", post(subscribers::act))
        .route("/mandates", get(mandates::page))
        .route("/mandates/export.csv", get(mandates::export))
        .route(
            "/mandates/import",
            get(mandates::import_page)
                .post(mandates::import)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/mandates/{id}/pdf", get(mandates::pdf))
        .route("/mandates/{id}/revoke", post(mandates::revoke))
        .route("/payments", get(payments::page))
        .route("/payments/export.csv", get(payments::export))
        .route("/payments/{id}", get(payments::show))
        .route("/payments/{id}/cancel", post(payments::cancel))
        .route("/payments/{id}/change", post(payments::change))
        .route("/plans", get(plans::page))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/stop", post(plans::stop))
        .route(
            "/plans/import",
            get(plans::import_page)
                .post(plans::import)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/bank-files", get(bank_files::page))
        .route("/bank-files/{id}", get(bank_files::show))
        .route("/bank-files/{id}/content", get(bank_files::download))
        .route("/bank-files/{id}/send", post(bank_files::send))
        .route("/bank-files/{id}/discard", post(bank_files::discard))
}
