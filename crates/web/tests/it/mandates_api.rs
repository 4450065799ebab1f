//! `/v1/mandates`, `/v1/card-aliases`, the customers' payment-method health
//! and the `;` exports, through the real server, on both engines.

use prelevo_domain::ApiScope;
use prelevo_testkit::{TestStore, on_both_engines};
use reqwest::Method;

use crate::TestApp;
use crate::api::{assert_problem, bearer, creditor, key, patch_json as with_json};

/// Creates customer `reference` and returns its id.
fn customer(app: &TestApp, key: &str, reference: &str, name: &str) -> String {
    let body = format!(r#"{{"reference": "{reference}", "last_name": "{name}"}}"#);
    let created = app.send(Method::POST, "/v1/customers", with_json(key, &body));
    assert_eq!(created.status, 201, "{}", created.body);
    created.json()["id"].as_str().unwrap().to_owned()
}

fn mandate_body(customer: &str, reference: Option<&str>, iban: &str) -> String {
    let reference = reference.map_or(String::new(), |r| format!(r#""reference": "{r}","#));
    format!(
        r#"{{"customer_id": "{customer}", {reference} "iban": "{iban}",
            "signature_date": "2026-11-02", "signature_place": "Lyon",
            "signature_method": "paper", "debtor_city": "Lyon"}}"#
    )
}

const IBAN_1: &str = "FR76 3000 6000 0112 3456 7890 189";
const IBAN_2: &str = "FR1420041010050500013M02606";

fn mandates_are_created_searched_amended_and_revoked(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let zoe = customer(&app, &write, "C-001", "Martin");
    let leo = customer(&app, &write, "C-002", "Durand");

    let created = app.send(
        Method::POST,
        "/v1/mandates",
        with_json(&write, &mandate_body(&zoe, Some("RUM-ZOE-1"), IBAN_1)),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let mandate = created.json();
    let id = mandate["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("mdt_"));
    assert_eq!(mandate["status"], "active");
    assert_eq!(mandate["scheme"], "CORE");
    assert_eq!(mandate["type"], "recurrent");
    assert_eq!(mandate["iban"], "FR7630006000011234567890189");
    assert_eq!(mandate["debtor_name"], "Martin");
    assert_eq!(mandate["first_collection_pending"], true);

    // The customer now pays by this mandate, and it is healthy.
    let holder = app
        .send(Method::GET, &format!("/v1/customers/{zoe}"), bearer(&write))
        .json();
    assert_eq!(holder["payment_method"], "mandate");
    assert_eq!(holder["payment_method_id"], id.as_str());
    assert_eq!(holder["health"], "active");

    // Bad input, each field named; a taken reference is a conflict.
    let invalid = app.send(
        Method::POST,
        "/v1/mandates",
        with_json(
            &write,
            r#"{"customer_id": "cus_00000000000000000000000000000000", "reference": "A//B",
                "iban": "FR76 3000 6000 0112 3456 7890 180", "bic": "XX",
                "signature_date": "2099-01-01", "signature_method": "fax"}"#,
        ),
    );
    assert_problem(&invalid, 422, "/problems/validation");
    let mut pointers: Vec<String> = invalid.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    pointers.sort();
    assert_eq!(
        pointers,
        [
            "/bic",
            "/customer_id",
            "/iban",
            "/reference",
            "/signature_date",
            "/signature_method"
        ]
    );
    let taken = app.send(
        Method::POST,
        "/v1/mandates",
        with_json(&write, &mandate_body(&leo, Some("RUM-ZOE-1"), IBAN_2)),
    );
    assert_problem(&taken, 409, "/problems/conflict");

    // A generated reference, and one to give later.
    let generated = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(
                &write,
                &mandate_body(&leo, None, IBAN_2).replacen(
                    '{',
                    r#"{"generate_reference": true, "#,
                    1,
                ),
            ),
        )
        .json();
    assert!(
        generated["reference"]
            .as_str()
            .unwrap()
            .starts_with("RUM-2026-")
    );
    let pending = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(&write, &mandate_body(&leo, None, IBAN_2)),
        )
        .json();
    assert_eq!(pending["status"], "pending_reference");
    let pending_id = pending["id"].as_str().unwrap();
    let referenced = app.send(
        Method::POST,
        &format!("/v1/mandates/{pending_id}/reference"),
        with_json(&write, r#"{"reference": "RUM-LEO-9"}"#),
    );
    assert_eq!(referenced.json()["status"], "active", "{}", referenced.body);

    // The seed's searches.
    let search = |query: &str| -> Vec<String> {
        let page = app.send(
            Method::GET,
            &format!("/v1/mandates?{query}"),
            bearer(&write),
        );
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        page.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["reference"].as_str().unwrap_or("pending").to_owned())
            .collect()
    };
    assert_eq!(search("customer_reference=C-001"), ["RUM-ZOE-1"]);
    assert_eq!(search("reference=RUM-LEO"), ["RUM-LEO-9"]);
    assert_eq!(search("iban_last4=0189"), ["RUM-ZOE-1"]);
    assert_eq!(search("name=durand").len(), 2);
    assert_eq!(search("status=revoked").len(), 0);
    assert_eq!(search("signed_from=2026-11-03").len(), 0);
    let listed = app
        .send(Method::GET, "/v1/mandates?limit=1", bearer(&write))
        .json();
    assert_eq!(listed["has_more"], true);
    assert!(listed["data"][0]["customer_reference"].is_string());
    let bad = app.send(Method::GET, "/v1/mandates?iban_last4=12", bearer(&write));
    assert_problem(&bad, 400, "/problems/invalid-parameter");

    // A change of bank is an amendment the next collection carries.
    let amended = app.send(
        Method::POST,
        &format!("/v1/mandates/{id}/bank-details"),
        with_json(&write, &format!(r#"{{"iban": "{IBAN_2}"}}"#)),
    );
    assert_eq!(amended.status, 200, "{}", amended.body);
    let amended = amended.json();
    assert_eq!(amended["iban"], "FR1420041010050500013M02606");
    assert_eq!(amended["amendment"]["original_account"], "SMNDA");

    // Revoking stops it, once; the customer's method becomes invalid.
    let revoked = app.send(
        Method::POST,
        &format!("/v1/mandates/{id}/revoke"),
        with_json(&write, r#"{"reason": "account closed"}"#),
    );
    assert_eq!(revoked.json()["status"], "revoked", "{}", revoked.body);
    assert_eq!(revoked.json()["revocation_reason"], "account closed");
    let twice = app.send(
        Method::POST,
        &format!("/v1/mandates/{id}/revoke"),
        with_json(&write, r#"{"reason": "again"}"#),
    );
    assert_problem(&twice, 409, "/problems/conflict");
    let invalid_health = app
        .send(Method::GET, "/v1/customers?health=invalid", bearer(&write))
        .json();
    assert_eq!(invalid_health["data"][0]["id"], zoe.as_str());
    assert_eq!(invalid_health["data"][0]["health"], "invalid");
    assert_eq!(invalid_health["data"].as_array().unwrap().len(), 1);
    let bad_health = app.send(Method::GET, "/v1/customers?health=sick", bearer(&write));
    assert_problem(&bad_health, 400, "/problems/invalid-parameter");
}

fn exports_are_semicolon_csv_with_formulas_neutralised(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let read = key(store, &app, &acme, ApiScope::Read);
    let write = key(store, &app, &acme, ApiScope::Write);
    let zoe = customer(&app, &write, "C-001", "=HYPERLINK(\\\"http://evil\\\")");
    app.send(
        Method::POST,
        "/v1/mandates",
        with_json(&write, &mandate_body(&zoe, Some("RUM-1"), IBAN_1)),
    );
    let export = app.send(
        Method::GET,
        "/v1/mandates/export?status=active",
        bearer(&read),
    );
    assert_eq!(export.status, 200, "{}", export.body);
    assert!(
        export.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = export.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("mandate_id;customer_reference;reference;status;"));
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains(";C-001;RUM-1;active;CORE;recurrent;"));
    assert!(lines[1].contains(";FR7630006000011234567890189;"));
    // The debtor name a debtor typed cannot run as a formula.
    assert!(lines[1].contains(";\"'=HYPERLINK("), "{}", lines[1]);

    let customers = app.send(
        Method::GET,
        "/v1/customers/export?health=active",
        bearer(&read),
    );
    let text = customers.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("customer_id;reference;civility;"));
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains(";mandate;active;"), "{}", lines[1]);
    let none = app.send(
        Method::GET,
        "/v1/customers/export?health=expired",
        bearer(&read),
    );
    assert_eq!(none.body.trim_start_matches('\u{feff}').lines().count(), 1);
}

fn card_aliases_are_registered_listed_and_deleted(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let zoe = customer(&app, &write, "C-001", "Martin");
    let body = |token: &str, last4: &str| {
        format!(
            r#"{{"customer_id": "{zoe}", "token": "{token}", "brand": "visa", "last4": "{last4}",
                "expiry_month": 9, "expiry_year": 2028, "holder": "Zoé Martin"}}"#
        )
    };
    let pan = app.send(
        Method::POST,
        "/v1/card-aliases",
        with_json(&write, &body("4111111111111111", "4242")),
    );
    assert_problem(&pan, 422, "/problems/validation");
    assert!(pan.body.contains("card number"), "{}", pan.body);
    let created = app.send(
        Method::POST,
        "/v1/card-aliases",
        with_json(&write, &body("tok_1", "4242")),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("card_"));
    let holder = app
        .send(Method::GET, &format!("/v1/customers/{zoe}"), bearer(&write))
        .json();
    assert_eq!(holder["payment_method"], "card");
    assert_eq!(holder["health"], "active");
    let listed = app
        .send(
            Method::GET,
            &format!("/v1/card-aliases?customer_id={zoe}&status=active"),
            bearer(&write),
        )
        .json();
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert_eq!(listed["data"][0]["last4"], "4242");
    let deleted = app.send(
        Method::DELETE,
        &format!("/v1/card-aliases/{id}"),
        bearer(&write),
    );
    assert_eq!(deleted.json()["status"], "deleted", "{}", deleted.body);
    assert_eq!(deleted.json()["deletion_reason"], "by_creditor");
    assert_problem(
        &app.send(
            Method::DELETE,
            &format!("/v1/card-aliases/{id}"),
            bearer(&write),
        ),
        409,
        "/problems/conflict",
    );
    // Manual payment replaces the (deleted) card.
    let manual = app.send(
        Method::POST,
        &format!("/v1/customers/{zoe}/payment-method"),
        with_json(&write, r#"{"kind": "manual"}"#),
    );
    assert_eq!(manual.json()["health"], "manual", "{}", manual.body);
    let not_theirs = app.send(
        Method::POST,
        &format!("/v1/customers/{zoe}/payment-method"),
        with_json(&write, &format!(r#"{{"kind": "card", "id": "{id}"}}"#)),
    );
    assert_problem(&not_theirs, 409, "/problems/conflict");
}

fn mandate_settings_shape_generated_references(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let settings = app
        .send(Method::GET, "/v1/creditor/mandate-settings", bearer(&write))
        .json();
    assert_eq!(settings["umr_pattern"], "RUM-{yyyy}-{seq:6}");
    let bad = app.send(
        Method::PATCH,
        "/v1/creditor/mandate-settings",
        with_json(
            &write,
            r#"{"umr_pattern": "NO-SEQUENCE", "first_collection": "oof"}"#,
        ),
    );
    assert_problem(&bad, 422, "/problems/validation");
    let changed = app.send(
        Method::PATCH,
        "/v1/creditor/mandate-settings",
        with_json(
            &write,
            r#"{"umr_pattern": "ACME-{customer}-{seq:3}", "first_collection": "frst",
                "address_line1": "4 place de la Bourse", "postal_code": "69002", "city": "Lyon", "country": "fr"}"#,
        ),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json()["country"], "FR");
    let zoe = customer(&app, &write, "C-001", "Martin");
    let generated = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(
                &write,
                &mandate_body(&zoe, None, IBAN_1).replacen(
                    '{',
                    r#"{"generate_reference": true, "#,
                    1,
                ),
            ),
        )
        .json();
    assert_eq!(generated["reference"], "ACME-C-001-001");
}

fn keys_reach_their_own_mandates_and_cards_only(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let globex = creditor(store, &app, 2);
    let acme_write = key(store, &app, &acme, ApiScope::Write);
    let acme_read = key(store, &app, &acme, ApiScope::Read);
    let globex_write = key(store, &app, &globex, ApiScope::Write);
    let zoe = customer(&app, &acme_write, "C-001", "Martin");
    let mandate = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(&acme_write, &mandate_body(&zoe, Some("RUM-1"), IBAN_1)),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = app
        .send(
            Method::POST,
            "/v1/card-aliases",
            with_json(
                &acme_write,
                &format!(
                    r#"{{"customer_id": "{zoe}", "token": "tok_1", "brand": "cb", "last4": "1234",
                        "expiry_month": 1, "expiry_year": 2030}}"#
                ),
            ),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read_only = app.send(
        Method::POST,
        &format!("/v1/mandates/{mandate}/revoke"),
        with_json(&acme_read, r#"{"reason": "x"}"#),
    );
    assert_problem(&read_only, 403, "/problems/insufficient-scope");
    for (method, path, body) in [
        (Method::GET, format!("/v1/mandates/{mandate}"), None),
        (
            Method::POST,
            format!("/v1/mandates/{mandate}/revoke"),
            Some(r#"{"reason": "forged"}"#),
        ),
        (
            Method::POST,
            format!("/v1/mandates/{mandate}/reference"),
            Some(r#"{"reference": "FORGED"}"#),
        ),
        (
            Method::POST,
            format!("/v1/mandates/{mandate}/bank-details"),
            Some(r#"{"debtor_name": "Forged"}"#),
        ),
        (Method::GET, format!("/v1/card-aliases/{card}"), None),
        (Method::DELETE, format!("/v1/card-aliases/{card}"), None),
    ] {
        let answer = match body {
            Some(body) => app.send(method, &path, with_json(&globex_write, body)),
            None => app.send(method, &path, bearer(&globex_write)),
        };
        assert_problem(&answer, 404, "/problems/not-found");
    }
    // Their customer cannot be given a mandate or a card by another key.
    let foreign = app.send(
        Method::POST,
        "/v1/mandates",
        with_json(&globex_write, &mandate_body(&zoe, Some("RUM-2"), IBAN_1)),
    );
    assert_problem(&foreign, 422, "/problems/validation");
    for list in ["/v1/mandates", "/v1/card-aliases"] {
        let listed = app.send(Method::GET, list, bearer(&globex_write)).json();
        assert_eq!(listed["data"], serde_json::json!([]), "{list}");
    }
    let export = app.send(Method::GET, "/v1/mandates/export", bearer(&globex_write));
    assert_eq!(
        export.body.trim_start_matches('\u{feff}').lines().count(),
        1
    );
    let still = app
        .send(
            Method::GET,
            &format!("/v1/mandates/{mandate}"),
            bearer(&acme_read),
        )
        .json();
    assert_eq!(still["status"], "active");
    assert_eq!(still["debtor_name"], "Martin");
}

const IMPORT: &str = "customer_reference;reference;debtor_name;iban;signature_date\n\
    C-1;RUM-IMP-1;Zoé Martin;FR7630006000011234567890189;2026-03-14\n\
    C-2;RUM-IMP-2;Léo Durand;FR7630006000011234567890180;2026-03-14\n";

fn mandates_are_imported_after_a_dry_run(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let send = |query: &str, accept: &'static str| {
        let key = write.clone();
        app.send(
            Method::POST,
            &format!("/v1/mandates/import{query}"),
            move |r| {
                r.bearer_auth(key)
                    .header("content-type", "text/csv")
                    .header("accept", accept)
                    .body(IMPORT)
            },
        )
    };
    let dry = send("?dry_run=true", "application/json");
    assert_eq!(dry.status, 200, "{}", dry.body);
    let dry = dry.json();
    assert_eq!(dry["mode"], "dry_run");
    assert_eq!(
        (dry["created"].clone(), dry["errors"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(dry["lines"][1]["line"], 3);
    assert_eq!(dry["lines"][1]["errors"][0]["field"], "iban");
    let listed = app.send(Method::GET, "/v1/mandates", bearer(&write)).json();
    assert_eq!(
        listed["data"],
        serde_json::json!([]),
        "a dry run writes nothing"
    );

    let applied = send("?file_name=paper.csv", "application/json").json();
    assert_eq!(applied["mode"], "applied");
    assert_eq!(applied["created"], 1);
    let again = send("", "application/json").json();
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (0.into(), 1.into())
    );
    assert!(again["previously_imported_at"].is_string());
    let errors = send("?dry_run=true", "text/csv");
    assert!(
        errors.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows: Vec<&str> = errors.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows.len(), 2, "{}", errors.body);
    assert!(rows[1].starts_with("3;iban: "), "{}", rows[1]);

    let commas = app.send(Method::POST, "/v1/mandates/import", |r| {
        r.bearer_auth(&write)
            .body("customer_reference,reference,iban,signature_date\n")
    });
    assert_problem(&commas, 422, "/problems/validation");
    assert!(commas.body.contains("separated by ';'"), "{}", commas.body);
}

/// A file sent as another type than `text/csv` (curl's `--data-binary`
/// says form data) goes through the `Idempotency-Key` rules, and the query
/// is part of the request compared: the same file without `dry_run` under
/// the dry run's key is refused, not answered the dry run's report.
fn a_dry_run_key_is_not_replayed_to_the_import(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let send = |query: &str, idempotency_key: &'static str| {
        let key = write.clone();
        app.send(
            Method::POST,
            &format!("/v1/mandates/import{query}"),
            move |r| {
                r.bearer_auth(key)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("idempotency-key", idempotency_key)
                    .body(IMPORT)
            },
        )
    };
    let dry = send("?dry_run=true", "import-k");
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.json()["mode"], "dry_run");
    let replayed = send("?dry_run=true", "import-k");
    assert_eq!(replayed.headers["idempotent-replayed"], "true");
    assert_eq!(replayed.body, dry.body);

    let applied_under_dry_key = send("", "import-k");
    assert_problem(
        &applied_under_dry_key,
        422,
        "/problems/idempotency-mismatch",
    );
    let listed = app.send(Method::GET, "/v1/mandates", bearer(&write)).json();
    assert_eq!(listed["data"], serde_json::json!([]), "nothing imported");

    let applied = send("", "import-k2");
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(applied.json()["mode"], "applied");
    assert_eq!(applied.json()["created"], 1);
}

/// An import file is idempotent by its content: an `Idempotency-Key` on it
/// is not used, so a file over the JSON limit (1 MiB) is still accepted,
/// and sending it again changes nothing.
fn a_large_import_with_an_idempotency_key_is_imported_once(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    // Blank lines (skipped) bring the file past 1 MiB.
    let file = format!("{IMPORT}{}", ";;;;\n".repeat(300_000));
    assert!(file.len() > 1024 * 1024);
    let send = || {
        let (key, file) = (write.clone(), file.clone());
        app.send(Method::POST, "/v1/mandates/import", move |r| {
            r.bearer_auth(key)
                .header("content-type", "text/csv")
                .header("idempotency-key", "import-2026-11-30")
                .body(file)
        })
    };
    let first = send();
    assert_eq!(first.status, 200, "{}", first.body);
    // The second line's IBAN is wrong.
    assert_eq!(
        (
            first.json()["created"].clone(),
            first.json()["errors"].clone()
        ),
        (1.into(), 1.into())
    );
    let again = send();
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        (
            again.json()["created"].clone(),
            again.json()["unchanged"].clone()
        ),
        (0.into(), 1.into())
    );
}

/// A 200 MB upload is refused from its announced length, before a byte of
/// it is read.
fn an_oversized_import_is_refused_at_once(store: &TestStore) {
    use std::io::{Read, Write};
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let url = app.url("/");
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /v1/mandates/import HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {write}\r\n\
         Content-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        200 * 1024 * 1024
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("at most 52428800 bytes"), "{answer}");
}

/// The text of a PDF, whitespace collapsed.
fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn the_signed_mandate_downloads_as_pdf(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let globex = creditor(store, &app, 2);
    let read = key(store, &app, &acme, ApiScope::Read);
    let write = key(store, &app, &acme, ApiScope::Write);
    let zoe = customer(&app, &write, "C-001", "Martin");
    app.send(
        Method::PATCH,
        "/v1/creditor/mandate-settings",
        with_json(
            &write,
            r#"{"address_line1": "4 place de la Bourse", "postal_code": "69002", "city": "Lyon"}"#,
        ),
    );
    let id = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(&write, &mandate_body(&zoe, Some("RUM-PDF-1"), IBAN_1)),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = app.send(
        Method::GET,
        &format!("/v1/mandates/{id}/pdf"),
        bearer(&read),
    );
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(
        pdf.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("mandate-RUM-PDF-1.pdf")
    );
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf.bytes);
    for expected in [
        "Mandat de prélèvement SEPA",
        "RUM-PDF-1",
        "FR76 3000 6000 0112 3456 7890 189",
        "4 place de la Bourse",
        "Martin",
        "8 semaines",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    let english = app.send(
        Method::GET,
        &format!("/v1/mandates/{id}/pdf?lang=en"),
        bearer(&read),
    );
    assert!(pdf_text(&english.bytes).contains("SEPA Direct Debit Mandate"));
    let bad_lang = app.send(
        Method::GET,
        &format!("/v1/mandates/{id}/pdf?lang=de"),
        bearer(&read),
    );
    assert_problem(&bad_lang, 400, "/problems/invalid-parameter");

    // A mandate waiting for its reference has no form yet.
    let pending = app
        .send(
            Method::POST,
            "/v1/mandates",
            with_json(&write, &mandate_body(&zoe, None, IBAN_2)),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_problem(
        &app.send(
            Method::GET,
            &format!("/v1/mandates/{pending}/pdf"),
            bearer(&read),
        ),
        409,
        "/problems/conflict",
    );
    // Another creditor's key cannot print it.
    let theirs = key(store, &app, &globex, ApiScope::Read);
    assert_problem(
        &app.send(
            Method::GET,
            &format!("/v1/mandates/{id}/pdf"),
            bearer(&theirs),
        ),
        404,
        "/problems/not-found",
    );
}

on_both_engines!(
    mandates_are_created_searched_amended_and_revoked,
    exports_are_semicolon_csv_with_formulas_neutralised,
    card_aliases_are_registered_listed_and_deleted,
    mandate_settings_shape_generated_references,
    keys_reach_their_own_mandates_and_cards_only,
    mandates_are_imported_after_a_dry_run,
    an_oversized_import_is_refused_at_once,
    a_large_import_with_an_idempotency_key_is_imported_once,
    a_dry_run_key_is_not_replayed_to_the_import,
    the_signed_mandate_downloads_as_pdf,
);
