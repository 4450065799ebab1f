//! What every handler can reach.

use std::num::NonZeroU32;
use std::sync::Arc;

use prelevo_app::access::VerifiedKeys;
use prelevo_app::card_gateway::{CardGateway, UnconnectedGateway};
use prelevo_domain::{Clock, Environment};
use prelevo_store::Store;
use tokio::sync::Semaphore;

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
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: crate::TrustedProxies,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            environment: Environment::PreProduction,
            base_url: "http://127.0.0.1:8080".into(),
            api_requests_per_second: NonZeroU32::MIN.saturating_add(49),
            api_burst: NonZeroU32::MIN.saturating_add(99),
            trusted_proxies: crate::TrustedProxies::default(),
        }
    }
}

/// Shared application state: one reference-counted pointer, cheap to clone
/// on every request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
pub struct Shared {
    /// The database.
    pub store: Store,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: AppConfig,
    /// Prometheus registry handle.
    pub(crate) metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Per-key request budget of the API.
    pub(crate) api_limiter: ApiRateLimiter,
    /// API keys verified a moment ago.
    pub(crate) verified_keys: VerifiedKeys,
    /// Database work admitted at once: the rest waits here, asynchronously,
    /// rather than as blocked threads queueing for a pool connection.
    database_permits: Semaphore,
    /// The store's read-only connections for reads done in place, if any.
    in_place_reader: Option<Store>,
    /// The card gateway.
    card_gateway: Arc<dyn CardGateway>,
    /// Requests running to their end whoever waits for them.
    pub(crate) detached: crate::detached::DetachedRequests,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// State over `store` and `clock` with default settings.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self::with_config(store, clock, AppConfig::default())
    }

    /// State over `store` and `clock` with `config`, and no card gateway
    /// connector.
    pub fn with_config(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        Self::with_gateway(store, clock, config, Arc::new(UnconnectedGateway))
    }

    /// State over `store`, `clock` and `config`, with `card_gateway`.
    pub fn with_gateway(
        store: Store,
        clock: Arc<dyn Clock>,
        config: AppConfig,
        card_gateway: Arc<dyn CardGateway>,
    ) -> Self {
        let api_limiter = ApiRateLimiter::new(config.api_requests_per_second, config.api_burst);
        let database_permits = Semaphore::new(store.max_connections() as usize);
        let in_place_reader = store.in_place_reader();
        Self(Arc::new(Shared {
            store,
            clock,
            config,
            metrics: crate::metrics::handle(),
            api_limiter,
            verified_keys: VerifiedKeys::default(),
            database_permits,
            in_place_reader,
            card_gateway,
            detached: crate::detached::DetachedRequests::default(),
        }))
    }

    /// The card gateway, for a use case run off the executor.
    pub(crate) fn card_gateway(&self) -> Arc<dyn CardGateway> {
        Arc::clone(&self.card_gateway)
    }

    /// Runs blocking store work off the async executor, once a database
    /// permit is free.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Store) -> T + Send + 'static,
    ) -> Result<T, crate::Problem> {
        let _permit = self
            .database_permits
            .acquire()
            .await
            .map_err(|e| crate::Problem::internal(format!("database work refused: {e}")))?;
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

    /// Runs a point read (a few rows by key): in place where the engine
    /// answers in microseconds without waiting (SQLite, on a read-only
    /// connection; see ADR 0004), else like [`Self::run`]. Lists and
    /// searches use [`Self::run`]; a write attempted here fails.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store, &dyn Clock) -> Result<T, prelevo_app::AppError> + Send + 'static,
    ) -> Result<T, crate::Problem> {
        match &self.in_place_reader {
            Some(reader) => work(reader, self.clock.as_ref())
                .map_err(|error| crate::Problem::from_app(error, self.clock.now())),
            None => self.run(work).await,
        }
    }
}
