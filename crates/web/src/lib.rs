//! Prelevo's HTTP layer. Thin by rule: parse the request, call one use case
//! of `prelevo-app`, render. Errors leave through one mapping
//! ([`problem::Problem`], RFC 9457).

mod api;
mod client_address;
mod dashboard;
mod detached;
mod exports;
mod health;
mod metrics;
mod observe;
mod problem;
mod state;
pub mod ui;

use std::future::Future;

use axum::Router;

pub use client_address::TrustedProxies;
pub use problem::Problem;
pub use state::{AppConfig, AppState};

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let transport = if state.config.base_url.starts_with("https://") {
        ui::Transport::Https
    } else {
        ui::Transport::Http
    };
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .merge(api::routes(&state))
        .merge(ui::routes())
        .merge(dashboard::routes())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(ui::security_headers(transport))
        .layer(axum::middleware::from_fn_with_state(
            observe::RequestIds::new(),
            observe::observe,
        ))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let detached = state.clone();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Requests whose client went away still run: their answers are kept.
    detached.detached.all_done().await;
    Ok(())
}
