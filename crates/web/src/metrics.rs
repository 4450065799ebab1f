//! `GET /metrics` in Prometheus text format: HTTP requests by route and
//! status, job queue and outbox depth, database pool occupancy.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use prelevo_store::{JobCounts, JobState};

use crate::{AppState, Problem};

/// The process-wide recorder (installed once, whatever the number of
/// servers in the process, as in tests).
pub(crate) fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder installed first (a test harness): keep ours
            // for rendering anyway.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(state): State<AppState>) -> Result<Response, Problem> {
    let (jobs, outbox, pool) = state
        .blocking(|store| {
            (
                store.job_counts(),
                store.outbox_counts(),
                store.pool_state(),
            )
        })
        .await?;
    let jobs = jobs.map_err(|e| Problem::database_unavailable(e.to_string()))?;
    let outbox = outbox.map_err(|e| Problem::database_unavailable(e.to_string()))?;
    // Database figures are read per scrape from this server's own store, not
    // kept in process-wide gauges.
    let mut text = state.metrics.render();
    gauge_by_state(&mut text, "prelevo_jobs", "Background jobs by state.", jobs);
    gauge_by_state(
        &mut text,
        "prelevo_outbox_messages",
        "Outbox messages by state (done = delivered).",
        outbox,
    );
    gauge(
        &mut text,
        "prelevo_db_pool_connections",
        "Open database connections.",
        pool.0,
    );
    gauge(
        &mut text,
        "prelevo_db_pool_idle_connections",
        "Idle database connections.",
        pool.1,
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

fn gauge_by_state(text: &mut String, name: &str, help: &str, counts: JobCounts) {
    text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
    for s in JobState::ALL {
        text.push_str(&format!(
            "{name}{{state=\"{}\"}} {}\n",
            s.code(),
            counts.get(s)
        ));
    }
}

fn gauge(text: &mut String, name: &str, help: &str, value: u32) {
    text.push_str(&format!(
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
    ));
}
