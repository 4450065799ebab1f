use jiff::Timestamp;
use prelevo_store::NewJob;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::TestApp;

fn metrics_count_requests_and_queue_depth(store: &TestStore) {
    let now: Timestamp = "2026-11-30T09:00:00Z".parse().unwrap();
    for _ in 0..3 {
        store
            .enqueue_platform_job(
                &NewJob {
                    kind: "k",
                    payload: "{}",
                    priority: 0,
                    max_attempts: 1,
                    run_at: now,
                    dedup_key: None,
                },
                now,
            )
            .unwrap();
    }
    let app = TestApp::spawn(store);
    app.get("/healthz");
    app.get("/no-such-page");
    let (status, headers, body) = app.get("/metrics");
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        body.lines()
            .any(|l| l.starts_with("prelevo_http_requests_total{")
                && l.contains("route=\"/healthz\"")
                && l.contains("status=\"200\"")),
        "{body}"
    );
    assert!(
        body.lines()
            .any(|l| l.starts_with("prelevo_http_requests_total{")
                && l.contains("route=\"unmatched\"")
                && l.contains("status=\"404\"")),
        "{body}"
    );
    assert!(body.contains("prelevo_jobs{state=\"queued\"} 3"), "{body}");
    assert!(body.contains("prelevo_db_pool_connections"), "{body}");
}

on_both_engines!(metrics_count_requests_and_queue_depth);
