//! `/v1/customers` through the real server, on both engines.

use prelevo_domain::ApiScope;
use prelevo_testkit::{TestStore, on_both_engines};
use reqwest::Method;

use crate::TestApp;
use crate::api::{assert_problem, bearer, creditor, key, patch_json};

fn post_json<'a>(
    key: &'a str,
    body: &'a str,
) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + 'a {
    patch_json(key, body)
}

const ZOE: &str = r#"{"reference": "C-001", "civility": "mrs", "last_name": "Martin",
    "first_name": "Zoé", "email": "zoe@example.fr", "country": "fr"}"#;

fn customers_are_created_read_listed_and_changed(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let created = app.send(Method::POST, "/v1/customers", post_json(&write, ZOE));
    assert_eq!(created.status, 201, "{}", created.body);
    let zoe = created.json();
    let id = zoe["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cus_"));
    assert_eq!(zoe["reference"], "C-001");
    assert_eq!(zoe["country"], "FR");
    assert_eq!(zoe["status"], "active");
    assert_eq!(zoe["payment_method"], "none");

    let again = app.send(Method::POST, "/v1/customers", post_json(&write, ZOE));
    assert_problem(&again, 409, "/problems/conflict");
    let invalid = app.send(
        Method::POST,
        "/v1/customers",
        post_json(
            &write,
            r#"{"reference": "C-002", "email": "nope", "country": "ZZ"}"#,
        ),
    );
    assert_problem(&invalid, 422, "/problems/validation");
    let pointers: Vec<String> = invalid.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    assert!(pointers.contains(&"/email".to_owned()), "{pointers:?}");
    assert!(pointers.contains(&"/country".to_owned()), "{pointers:?}");
    assert!(pointers.contains(&"/last_name".to_owned()), "{pointers:?}");

    for n in 2..=4 {
        let body = format!(r#"{{"reference": "C-00{n}", "company": "Société {n}"}}"#);
        assert_eq!(
            app.send(Method::POST, "/v1/customers", post_json(&write, &body))
                .status,
            201
        );
    }
    let page = app
        .send(Method::GET, "/v1/customers?limit=2", bearer(&write))
        .json();
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["has_more"], true);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .send(
            Method::GET,
            &format!("/v1/customers?limit=2&after={cursor}"),
            bearer(&write),
        )
        .json();
    assert_eq!(rest["data"].as_array().unwrap().len(), 2);
    assert_eq!(rest["has_more"], false);
    let found = app
        .send(Method::GET, "/v1/customers?q=MARTIN", bearer(&write))
        .json();
    assert_eq!(found["data"][0]["id"], id.as_str());
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let bad_filter = app.send(Method::GET, "/v1/customers?status=gone", bearer(&write));
    assert_problem(&bad_filter, 400, "/problems/invalid-parameter");

    let changed = app.send(
        Method::PATCH,
        &format!("/v1/customers/{id}"),
        patch_json(&write, r#"{"city": "Lyon", "email": ""}"#),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json()["city"], "Lyon");
    assert!(changed.json()["email"].is_null());
    let detail = app
        .send(Method::GET, &format!("/v1/customers/{id}"), bearer(&write))
        .json();
    assert_eq!(detail["last_name"], "Martin");
    assert_eq!(detail["pays_for"], serde_json::json!([]));
}

fn statuses_follow_the_rules_and_struck_off_is_read_only(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let id = app
        .send(Method::POST, "/v1/customers", post_json(&write, ZOE))
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let act = |action: &str| {
        app.send(
            Method::POST,
            &format!("/v1/customers/{id}/{action}"),
            bearer(&write),
        )
    };
    assert_eq!(act("suspend").json()["status"], "suspended");
    assert_problem(&act("suspend"), 409, "/problems/conflict");
    assert_eq!(act("reactivate").json()["status"], "active");
    assert_eq!(act("strike-off").json()["status"], "struck_off");
    let refused = app.send(
        Method::PATCH,
        &format!("/v1/customers/{id}"),
        patch_json(&write, r#"{"city": "Lyon"}"#),
    );
    assert_problem(&refused, 409, "/problems/conflict");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("struck off")
    );
}

fn keys_see_and_change_their_own_customers_only(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let globex = creditor(store, &app, 2);
    let acme_write = key(store, &app, &acme, ApiScope::Write);
    let acme_read = key(store, &app, &acme, ApiScope::Read);
    let globex_write = key(store, &app, &globex, ApiScope::Write);
    let id = app
        .send(Method::POST, "/v1/customers", post_json(&acme_write, ZOE))
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read_only = app.send(Method::POST, "/v1/customers", post_json(&acme_read, ZOE));
    assert_problem(&read_only, 403, "/problems/insufficient-scope");
    assert_eq!(
        app.send(
            Method::GET,
            &format!("/v1/customers/{id}"),
            bearer(&acme_read)
        )
        .status,
        200
    );
    let theirs = app.send(
        Method::GET,
        &format!("/v1/customers/{id}"),
        bearer(&globex_write),
    );
    assert_problem(&theirs, 404, "/problems/not-found");
    let forged = app.send(
        Method::PATCH,
        &format!("/v1/customers/{id}"),
        patch_json(&globex_write, r#"{"city": "Forged"}"#),
    );
    assert_problem(&forged, 404, "/problems/not-found");
    let suspended = app.send(
        Method::POST,
        &format!("/v1/customers/{id}/suspend"),
        bearer(&globex_write),
    );
    assert_problem(&suspended, 404, "/problems/not-found");
    let listed = app
        .send(Method::GET, "/v1/customers", bearer(&globex_write))
        .json();
    assert_eq!(listed["data"], serde_json::json!([]));
    let garbage = app.send(Method::GET, "/v1/customers/not-an-id", bearer(&acme_read));
    assert_problem(&garbage, 404, "/problems/not-found");
}

on_both_engines!(
    customers_are_created_read_listed_and_changed,
    statuses_follow_the_rules_and_struck_off_is_read_only,
    keys_see_and_change_their_own_customers_only,
);
