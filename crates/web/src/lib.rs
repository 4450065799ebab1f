//! Prelevo's HTTP layer. Thin by rule: parse the request, call one use case
//! of `prelevo-app`, render. Errors leave through one mapping
//! ([`problem::Problem`], RFC 9457).

mod api;
mod dashboard;
mod health;
mod metrics;
mod problem;
mod state;
pub mod ui;

use std::future::Future;

use axum::Router;
use axum::http::{HeaderName, Request};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use problem::Problem;
pub use state::{AppConfig, AppState};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let transport = if state.config.base_url.starts_with("https://") {
        ui::Transport::Https
    } else {
        ui::Transport::Http
    };
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("http", method = %request.method(), uri = %request.uri(), request_id = %id)
    });
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .merge(api::routes(&state))
        .merge(ui::routes())
        .merge(dashboard::routes())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn(metrics::record))
        .layer(ui::security_headers(transport))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
