//! What every handler can reach.

use std::num::NonZeroU32;
use std::sync::Arc;

use prelevo_domain::{Clock, Environment};
use prelevo_store::Store;

use crate::api::ApiRateLimiter;

/// Settings of the HTTP side.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Pre-production or production (shown everywhere, prefixes API keys).
    pub environment: Environment,
    /// Public URL of the installation, for emailed links.
    pub base_url: String,
    /// Sustained requests per second allowed per API key.
    pub api_requests_per_second: NonZeroU32,
    /// Requests an API key may send at once above that rate.
    pub api_burst: NonZeroU32,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            environment: Environment::PreProduction,
            base_url: "http://127.0.0.1:8080".into(),
            api_requests_per_second: NonZeroU32::MIN.saturating_add(49),
            api_burst: NonZeroU32::MIN.saturating_add(99),
        }
    }
}

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Arc<AppConfig>,
    /// Prometheus registry handle.
    pub(crate) metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Per-key request budget of the API.
    pub(crate) api_limiter: Arc<ApiRateLimiter>,
}

impl AppState {
    /// State over `store` and `clock` with default settings.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self::with_config(store, clock, AppConfig::default())
    }

    /// State over `store` and `clock` with `config`.
    pub fn with_config(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let api_limiter = Arc::new(ApiRateLimiter::new(
            config.api_requests_per_second,
            config.api_burst,
        ));
        Self {
            store,
            clock,
            config: Arc::new(config),
            metrics: crate::metrics::handle(),
            api_limiter,
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

    /// Runs a blocking use case; its error becomes a problem.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store, &dyn Clock) -> Result<T, prelevo_app::AppError> + Send + 'static,
    ) -> Result<T, crate::Problem> {
        let clock = Arc::clone(&self.clock);
        let outcome = self
            .blocking(move |store| work(&store, clock.as_ref()))
            .await?;
        outcome.map_err(|error| crate::Problem::from_app(error, self.clock.now()))
    }
}
