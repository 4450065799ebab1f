//! What every handler can reach.

use std::sync::Arc;

use prelevo_domain::Clock;
use prelevo_store::Store;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Prometheus registry handle.
    pub(crate) metrics: metrics_exporter_prometheus::PrometheusHandle,
}

impl AppState {
    /// State over `store` and `clock`.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            metrics: crate::metrics::handle(),
        }
    }

    /// Runs blocking store work off the async executor.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Store) -> T + Send + 'static,
    ) -> Result<T, crate::Problem> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(store))
            .await
            .map_err(|e| crate::Problem::internal(format!("background task failed: {e}")))
    }
}
