use prelevo_testkit::{TestStore, on_both_engines};

use crate::TestApp;

fn healthz_reports_version_and_engine(store: &TestStore) {
    let app = TestApp::spawn(store);
    let (status, headers, body) = app.get("/healthz");
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["engine"], store.engine().name());
}

fn every_response_carries_a_request_id(store: &TestStore) {
    let app = TestApp::spawn(store);
    let (_, headers, _) = app.get("/healthz");
    let generated = headers["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    let echoed = app.runtime.block_on(async {
        app.client
            .get(app.url("/healthz"))
            .header("x-request-id", "abc-123")
            .send()
            .await
            .unwrap()
    });
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
}

on_both_engines!(
    healthz_reports_version_and_engine,
    every_response_carries_a_request_id
);
