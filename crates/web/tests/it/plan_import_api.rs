//! `POST /v1/plans/import` through the real server, on both engines: a dry
//! run, the file applied once, the error file, the whole file refused.

use prelevo_domain::ApiScope;
use prelevo_testkit::{TestStore, on_both_engines};
use reqwest::Method;

use crate::TestApp;
use crate::api::{assert_problem, bearer, creditor, key, patch_json as with_json};
use crate::payments_api::payer;

/// A valid line and one with an amount that could be read two ways.
const FILE: &str = "plan_reference;customer_reference;mandate_reference;amount;frequency;start_date;instalments;collection_day\n\
    ABO-1;C-1;RUM-API-1;29,90;monthly;2026-12-01;12;3\n\
    ABO-2;C-1;RUM-API-1;12,345;monthly;2026-12-01;12;3\n";

fn import(
    app: &TestApp,
    key: &str,
    query: &str,
    accept: &'static str,
    file: &str,
) -> crate::Answer {
    let (key, file) = (key.to_owned(), file.to_owned());
    app.send(
        Method::POST,
        &format!("/v1/plans/import{query}"),
        move |r| {
            r.bearer_auth(key)
                .header("content-type", "text/csv")
                .header("accept", accept)
                .body(file)
        },
    )
}

fn payments(app: &TestApp, key: &str) -> usize {
    app.send(Method::GET, "/v1/payments", bearer(key)).json()["data"]
        .as_array()
        .unwrap()
        .len()
}

fn plan_import_api_dry_run_then_once(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    payer(&app, &write, 1);

    let dry = import(&app, &write, "?dry_run=true", "application/json", FILE);
    assert_eq!(dry.status, 200, "{}", dry.body);
    let dry = dry.json();
    assert_eq!(dry["mode"], "dry_run");
    assert_eq!(
        (dry["created"].clone(), dry["errors"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(dry["lines"][1]["line"], 3);
    assert_eq!(dry["lines"][1]["plan_reference"], "ABO-2");
    assert_eq!(dry["lines"][1]["outcome"], "error");
    assert_eq!(dry["lines"][1]["errors"][0]["field"], "amount");
    let listed = app.send(Method::GET, "/v1/plans", bearer(&write)).json();
    assert_eq!(
        listed["data"],
        serde_json::json!([]),
        "a dry run writes nothing"
    );
    assert_eq!(payments(&app, &write), 0);

    let applied = import(
        &app,
        &write,
        "?file_name=abonnements.csv",
        "application/json",
        FILE,
    );
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(applied.json()["created"], 1);
    let listed = app.send(Method::GET, "/v1/plans", bearer(&write)).json();
    assert_eq!(listed["data"][0]["plan_reference"], "ABO-1");
    assert_eq!(listed["data"][0]["amount"], 2990);
    assert_eq!(payments(&app, &write), 1, "3 December, within 14 days");

    let again = import(&app, &write, "", "application/json", FILE).json();
    assert_eq!(
        (
            again["created"].clone(),
            again["unchanged"].clone(),
            again["errors"].clone()
        ),
        (0.into(), 1.into(), 1.into())
    );
    assert!(again["previously_imported_at"].is_string());
    assert_eq!(payments(&app, &write), 1, "no payment twice");

    let errors = import(&app, &write, "?dry_run=true", "text/csv", FILE);
    assert_eq!(errors.status, 200);
    assert!(
        errors.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        errors.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("plans-errors.csv")
    );
    let rows: Vec<&str> = errors.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows.len(), 2, "{}", errors.body);
    assert_eq!(
        rows[1],
        "3;amount: more than 2 decimals;ABO-2;;C-1;RUM-API-1;;12,345;;monthly;2026-12-01;;12;3;"
    );

    let cancel = import(
        &app,
        &write,
        "",
        "application/json",
        "plan_reference;action\nABO-1;cancel\n",
    );
    assert_eq!(cancel.json()["cancelled"], 1, "{}", cancel.body);
    let plan = app.send(Method::GET, "/v1/plans", bearer(&write)).json();
    assert_eq!(plan["data"][0]["status"], "inactive");
    assert_eq!(plan["data"][0]["stop_reason"], "by_creditor");

    let unknown = import(
        &app,
        &write,
        "",
        "application/json",
        "plan_reference;action;montant\n",
    );
    assert_problem(&unknown, 422, "/problems/validation");
    let problem = unknown.json();
    assert_eq!(problem["detail"], "file: line 1: unknown column 'montant'");
    assert_eq!(problem["errors"][0]["pointer"], "/file");

    let read = key(store, &app, &acme, ApiScope::Read);
    let read_only = import(&app, &read, "", "application/json", FILE);
    assert_problem(&read_only, 403, "/problems/insufficient-scope");
}

/// `POST /v1/plans` takes the same reference: unique, then kept by a change
/// that omits it; the file then finds the plan.
fn plan_import_api_finds_a_plan_made_by_the_api(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let (customer, mandate) = payer(&app, &write, 1);
    let body = |reference: &str, amount: i64| {
        format!(
            r#"{{{reference}"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": {amount},
                "frequency": "monthly", "collection_day": 3, "start_date": "2026-12-01"}}"#
        )
    };
    let created = app.send(
        Method::POST,
        "/v1/plans",
        with_json(&write, &body(r#""plan_reference": "API-1", "#, 1500)),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json()["plan_reference"], "API-1");
    let twice = app.send(
        Method::POST,
        "/v1/plans",
        with_json(&write, &body(r#""plan_reference": "API-1", "#, 1500)),
    );
    assert_problem(&twice, 409, "/problems/conflict");
    let changed = app.send(
        Method::PUT,
        &format!("/v1/plans/{id}"),
        with_json(&write, &body("", 1600)),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json()["plan_reference"], "API-1");

    let file = "plan_reference;action;amount;frequency;start_date;collection_day\n\
        API-1;update;16;monthly;2026-12-01;3\n";
    let report = import(&app, &write, "", "application/json", file).json();
    assert_eq!(report["lines"][0]["outcome"], "unchanged", "{report}");
}

/// A 200 MB upload is refused from its announced length, before a byte of
/// it is read.
fn plan_import_api_refuses_an_oversized_file_at_once(store: &TestStore) {
    use std::io::{Read, Write};
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let mut stream = std::net::TcpStream::connect(app.address).unwrap();
    write!(
        stream,
        "POST /v1/plans/import HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {write}\r\n\
         Content-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        app.address,
        200 * 1024 * 1024
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("at most 52428800 bytes"), "{answer}");
}

on_both_engines!(
    plan_import_api_dry_run_then_once,
    plan_import_api_finds_a_plan_made_by_the_api,
    plan_import_api_refuses_an_oversized_file_at_once,
);
