//! End-to-end tests of the HTTP layer: a real server on a free port, a real
//! HTTP client, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod api;
mod api_docs;
mod browser;
mod customers_api;
mod dashboard;
mod health;
mod mandates_api;
mod metrics;
mod payments_api;
mod payments_dashboard;
mod plan_import_api;
mod problems;
mod subscribers_dashboard;
mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use prelevo_domain::{Clock, FixedClock};
use prelevo_testkit::TestStore;
use prelevo_web::{AppConfig, AppState};

/// A running server and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub runtime: tokio::runtime::Runtime,
    pub clock: Arc<FixedClock>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// What a request answered.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl TestApp {
    /// Serves `store` on 127.0.0.1:0 with default settings.
    pub fn spawn(store: &TestStore) -> Self {
        Self::spawn_with(store, AppConfig::default())
    }

    /// Serves `store` on 127.0.0.1:0 with `config`.
    pub fn spawn_with(store: &TestStore, config: AppConfig) -> Self {
        Self::spawn_with_gateway(
            store,
            config,
            Arc::new(prelevo_app::card_gateway::UnconnectedGateway),
        )
    }

    /// Serves `store` on 127.0.0.1:0 with `config` and `card_gateway`.
    pub fn spawn_with_gateway(
        store: &TestStore,
        config: AppConfig,
        card_gateway: Arc<dyn prelevo_app::card_gateway::CardGateway>,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock = Arc::new(FixedClock::new("2026-11-30T09:00:00Z".parse().unwrap()));
        let dyn_clock: Arc<dyn Clock> = clock.clone();
        let state = AppState::with_gateway((**store).clone(), dyn_clock, config, card_gateway);
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let address = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            tokio::spawn(prelevo_web::serve(listener, state, async {
                let _ = stop.await;
            }));
            address
        });
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            runtime,
            clock,
            _shutdown: shutdown,
        }
    }

    /// The day's collection run for `tenant` at this server's time, with no
    /// card gateway.
    pub fn run_collections(
        &self,
        tenant: &prelevo_store::TenantStore,
    ) -> prelevo_app::collection_run::RunReport {
        prelevo_app::collection_run::run_collections(
            tenant,
            self.clock.as_ref(),
            &prelevo_app::card_gateway::UnconnectedGateway,
            None,
            &mut |_| Ok(()),
        )
        .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Sends a request built by `build` on a client request for `method` `path`.
    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Answer {
        self.runtime.block_on(async {
            let response = build(self.client.request(method, self.url(path)))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.unwrap().to_vec();
            Answer {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                bytes,
            }
        })
    }

    /// GET `path`, returning status, headers and body.
    pub fn get(&self, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let answer = self.send(reqwest::Method::GET, path, |r| r);
        (answer.status, answer.headers, answer.body)
    }
}
