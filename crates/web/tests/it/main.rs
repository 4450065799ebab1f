//! End-to-end tests of the HTTP layer: a real server on a free port, a real
//! HTTP client, on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod health;
mod metrics;
mod problems;

use std::net::SocketAddr;
use std::sync::Arc;

use prelevo_domain::{Clock, FixedClock};
use prelevo_testkit::TestStore;
use prelevo_web::AppState;

/// A running server and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub runtime: tokio::runtime::Runtime,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    /// Serves `store` on 127.0.0.1:0.
    pub fn spawn(store: &TestStore) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock: Arc<dyn Clock> =
            Arc::new(FixedClock::new("2026-11-30T09:00:00Z".parse().unwrap()));
        let state = AppState::new((**store).clone(), clock);
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
            client: reqwest::Client::new(),
            runtime,
            _shutdown: shutdown,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// GET `path`, returning status, headers and body.
    pub fn get(&self, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
        self.runtime.block_on(async {
            let response = self.client.get(self.url(path)).send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            (status, headers, response.text().await.unwrap())
        })
    }
}
