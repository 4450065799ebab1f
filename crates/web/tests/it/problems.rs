use prelevo_testkit::{TestStore, on_both_engines};

use crate::TestApp;

fn unknown_routes_answer_problem_json(store: &TestStore) {
    let app = TestApp::spawn(store);
    let (status, headers, body) = app.get("/v1/nothing-here");
    assert_eq!(status, 404);
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["type"], "/problems/not-found");
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["detail"], "no route for /v1/nothing-here");
}

on_both_engines!(unknown_routes_answer_problem_json);
