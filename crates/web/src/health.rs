//! `GET /healthz`: the process is up and its database answers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::{AppState, Problem};

/// What `/healthz` answers when healthy.
#[derive(Debug, serde::Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    engine: &'static str,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    let engine = state.store.engine().name();
    state
        .blocking(|store| store.ping())
        .await?
        .map_err(|e| Problem::database_unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        engine,
    }))
}
