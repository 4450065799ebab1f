//! `/v1/payments`, `/v1/plans` and `/v1/bank-files`, through the real
//! server, on both engines.

use prelevo_domain::{ApiScope, CreditorKey};
use prelevo_testkit::{TestStore, on_both_engines};
use reqwest::Method;
use sha2::{Digest, Sha256};

use crate::TestApp;
use crate::api::{assert_problem, bearer, creditor, key, patch_json as with_json};

/// A customer paying by a new mandate: (customer id, mandate id).
pub fn payer(app: &TestApp, key: &str, n: u32) -> (String, String) {
    let customer = app.send(
        Method::POST,
        "/v1/customers",
        with_json(
            key,
            &format!(r#"{{"reference": "C-{n}", "last_name": "Martin"}}"#),
        ),
    );
    assert_eq!(customer.status, 201, "{}", customer.body);
    let customer = customer.json()["id"].as_str().unwrap().to_owned();
    let iban = prelevo_testkit::french_iban(200 + n).to_string();
    let mandate = app.send(
        Method::POST,
        "/v1/mandates",
        with_json(
            key,
            &format!(
                r#"{{"customer_id": "{customer}", "reference": "RUM-API-{n}", "iban": "{iban}",
                    "signature_date": "2026-11-02", "signature_method": "paper"}}"#
            ),
        ),
    );
    assert_eq!(mandate.status, 201, "{}", mandate.body);
    (customer, mandate.json()["id"].as_str().unwrap().to_owned())
}

fn pointers(answer: &crate::Answer) -> Vec<String> {
    let mut found: Vec<String> = answer.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    found
}

fn payments_are_created_listed_changed_and_cancelled(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let write = key(store, &app, &acme, ApiScope::Write);
    let (customer, mandate) = payer(&app, &write, 1);

    let refused = app.send(
        Method::POST,
        "/v1/payments",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 0,
                    "due_date": "2026-12-25"}}"#
            ),
        ),
    );
    assert_problem(&refused, 422, "/problems/validation");
    assert_eq!(pointers(&refused), ["/amount", "/due_date"]);
    let neither = app.send(
        Method::POST,
        "/v1/payments",
        with_json(
            &write,
            &format!(r#"{{"customer_id": "{customer}", "amount": 100}}"#),
        ),
    );
    assert_problem(&neither, 422, "/problems/validation");

    let created = app.send(
        Method::POST,
        "/v1/payments",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 4990,
                    "remittance_info": "Facture 118", "end_to_end_id": "INV-118"}}"#
            ),
        ),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let payment = created.json();
    let id = payment["id"].as_str().unwrap().to_owned();
    assert_eq!(payment["status"], "to_execute");
    assert_eq!(payment["due_date"], "2026-12-01");
    assert_eq!(payment["kind"], "sepa_direct_debit");
    assert_eq!(payment["end_to_end_id"], "INV-118");
    assert!(payment["plan_id"].as_str().unwrap().starts_with("plan_"));
    let again = app.send(
        Method::POST,
        "/v1/payments",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 100,
                    "end_to_end_id": "INV-118"}}"#
            ),
        ),
    );
    assert_problem(&again, 422, "/problems/validation");
    assert_eq!(pointers(&again), ["/end_to_end_id"]);

    let listed = app
        .send(
            Method::GET,
            "/v1/payments?status=to_execute&amount_min=4000",
            bearer(&write),
        )
        .json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let none = app
        .send(Method::GET, "/v1/payments?kind=card", bearer(&write))
        .json();
    assert!(none["data"].as_array().unwrap().is_empty());
    let created_today = app
        .send(
            Method::GET,
            "/v1/payments?created_from=2026-11-30T00:00:00Z&created_to=2026-12-01T00:00:00Z",
            bearer(&write),
        )
        .json();
    assert_eq!(created_today["data"].as_array().unwrap().len(), 1);
    let created_later = app
        .send(
            Method::GET,
            "/v1/payments?created_from=2026-12-01T00:00:00Z",
            bearer(&write),
        )
        .json();
    assert!(created_later["data"].as_array().unwrap().is_empty());
    let exported = app.send(
        Method::GET,
        "/v1/payments/export?status=to_execute",
        bearer(&write),
    );
    assert_eq!(exported.status, 200);
    let lines: Vec<&str> = exported.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", exported.body);
    assert!(
        lines[0].contains("payment_id;customer_id;customer_reference;plan_id;kind;status;amount")
    );
    assert!(
        lines[1]
            .contains(";sepa_direct_debit;to_execute;49,90;EUR;2026-12-01;Facture 118;INV-118;"),
        "{}",
        lines[1]
    );
    let bad = app.send(Method::GET, "/v1/payments?status=sent", bearer(&write));
    assert_problem(&bad, 400, "/problems/invalid-parameter");

    let changed = app.send(
        Method::PATCH,
        &format!("/v1/payments/{id}"),
        with_json(&write, r#"{"amount": 5500, "remittance_info": null}"#),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json()["amount"], 5500);
    assert_eq!(changed.json()["remittance_info"], serde_json::Value::Null);
    let cancelled = app.send(
        Method::POST,
        &format!("/v1/payments/{id}/cancel"),
        bearer(&write),
    );
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.json()["status"], "not_executed");
    let twice = app.send(
        Method::POST,
        &format!("/v1/payments/{id}/cancel"),
        bearer(&write),
    );
    assert_problem(&twice, 409, "/problems/conflict");
    let detail = app
        .send(Method::GET, &format!("/v1/payments/{id}"), bearer(&write))
        .json();
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["to"], "not_executed");
    assert_eq!(history[0]["cause"], "changed_by_creditor");
    assert_eq!(history[0]["cause_details"]["amount_to"], "5500");
    assert_eq!(history[0]["cause_details"]["currency"], "EUR");
    assert_eq!(history[1]["cause"], "cancelled_by_creditor");
    assert_eq!(history[1]["cause_details"], serde_json::json!({}));
    assert!(
        history[1]["actor"]
            .as_str()
            .unwrap()
            .starts_with("api_key:")
    );

    // A card payment in another currency keeps it when its amount changes.
    let card = app.send(
        Method::POST,
        "/v1/card-aliases",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "token": "tok_chf", "brand": "visa",
                    "last4": "4242", "expiry_month": 9, "expiry_year": 2030}}"#
            ),
        ),
    );
    assert_eq!(card.status, 201, "{}", card.body);
    let card = card.json()["id"].as_str().unwrap().to_owned();
    let francs = app.send(
        Method::POST,
        "/v1/payments",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "card_alias_id": "{card}", "amount": 2000,
                    "currency": "CHF", "due_date": "2026-12-10"}}"#
            ),
        ),
    );
    assert_eq!(francs.status, 201, "{}", francs.body);
    assert_eq!(francs.json()["kind"], "card");
    let francs = francs.json()["id"].as_str().unwrap().to_owned();
    let changed = app.send(
        Method::PATCH,
        &format!("/v1/payments/{francs}"),
        with_json(&write, r#"{"amount": 2500}"#),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        (&changed.json()["amount"], &changed.json()["currency"]),
        (&serde_json::json!(2500), &serde_json::json!("CHF"))
    );

    // A read key reads and cannot write; another creditor sees nothing.
    let read = key(store, &app, &acme, ApiScope::Read);
    let forbidden = app.send(
        Method::POST,
        &format!("/v1/payments/{id}/cancel"),
        bearer(&read),
    );
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    let other = creditor(store, &app, 2);
    let stranger = key(store, &app, &other, ApiScope::Write);
    let hidden = app.send(
        Method::GET,
        &format!("/v1/payments/{id}"),
        bearer(&stranger),
    );
    assert_problem(&hidden, 404, "/problems/not-found");
}

fn plans_and_bank_files_through_the_api(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 3);
    let write = key(store, &app, &acme, ApiScope::Write);
    let (customer, mandate) = payer(&app, &write, 3);
    let plan = app.send(
        Method::POST,
        "/v1/plans",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 2990,
                    "frequency": "monthly", "collection_day": 1, "start_date": "2026-12-01",
                    "instalments": 3, "remittance_info": "Abonnement"}}"#
            ),
        ),
    );
    assert_eq!(plan.status, 201, "{}", plan.body);
    let plan = plan.json();
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["payments_created"], 1, "1 December is within 14 days");
    assert_eq!(plan["next_due_date"], "2027-01-01");
    let bad = app.send(
        Method::POST,
        "/v1/plans",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 2990,
                    "frequency": "fortnightly", "collection_day": 40, "start_date": "2026-12-01"}}"#
            ),
        ),
    );
    assert_problem(&bad, 422, "/problems/validation");
    let ends_early = app.send(
        Method::POST,
        "/v1/plans",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 2990,
                    "frequency": "monthly", "collection_day": 20, "start_date": "2026-12-01",
                    "end_date": "2026-12-10"}}"#
            ),
        ),
    );
    assert_problem(&ends_early, 422, "/problems/validation");
    assert_eq!(pointers(&ends_early), ["/end_date"]);
    let no_instalment = app.send(
        Method::POST,
        "/v1/plans",
        with_json(
            &write,
            &format!(
                r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 2990,
                    "frequency": "monthly", "collection_day": 20, "start_date": "2026-12-01",
                    "instalments": 0}}"#
            ),
        ),
    );
    assert_eq!(pointers(&no_instalment), ["/instalments"]);

    // The bank wants pain.008.001.02 and FRST; a bad setting is named.
    let profile = app.send(
        Method::PATCH,
        "/v1/creditor/bank-profile",
        with_json(
            &write,
            r#"{"pain008_version": "pain.008.001.02", "cutoff_time": "11:30"}"#,
        ),
    );
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(profile.json()["pain008_version"], "pain.008.001.02");
    assert_eq!(profile.json()["cutoff_time"], "11:30");
    assert_eq!(profile.json()["first_collection"], "frst");
    let wrong = app.send(
        Method::PATCH,
        "/v1/creditor/bank-profile",
        with_json(
            &write,
            r#"{"pain008_version": "pain.008.003.02", "cutoff_time": "25:00", "max_file_transactions": 0}"#,
        ),
    );
    assert_problem(&wrong, 422, "/problems/validation");
    assert_eq!(pointers(&wrong), ["/cutoff_time", "/pain008_version"]);
    let kept = app
        .send(Method::GET, "/v1/creditor/bank-profile", bearer(&write))
        .json();
    assert_eq!(kept["cutoff_time"], "11:30", "nothing changed");

    // The day's run makes a file; the API lists it and streams its bytes.
    let tenant = store.tenant(acme.clone());
    app.run_collections(&tenant);
    let files = app
        .send(Method::GET, "/v1/bank-files?status=pending", bearer(&write))
        .json();
    let file = &files["data"][0];
    let file_id = file["id"].as_str().unwrap().to_owned();
    assert_eq!(file["transactions"], 1);
    assert_eq!(file["control_sum"], 2990);
    let content = app.send(
        Method::GET,
        &format!("/v1/bank-files/{file_id}/content"),
        bearer(&write),
    );
    assert_eq!(content.status, 200);
    assert_eq!(content.headers["content-type"], "application/xml");
    assert!(
        content.body.contains("<MndtId>RUM-API-3</MndtId>"),
        "{}",
        content.body
    );
    assert_eq!(
        hex(&Sha256::digest(content.body.as_bytes())),
        file["sha256"].as_str().unwrap()
    );
    let in_file = app
        .send(
            Method::GET,
            &format!("/v1/payments?file_id={file_id}"),
            bearer(&write),
        )
        .json();
    assert_eq!(in_file["data"][0]["file_id"], file_id.as_str());

    let sent = app.send(
        Method::POST,
        &format!("/v1/bank-files/{file_id}/send"),
        bearer(&write),
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.json()["status"], "sent");
    let resent = app.send(
        Method::POST,
        &format!("/v1/bank-files/{file_id}/send"),
        bearer(&write),
    );
    assert_problem(&resent, 409, "/problems/conflict");
    let executing = &in_file["data"][0]["id"];
    let executing = app
        .send(
            Method::GET,
            &format!("/v1/payments/{}", executing.as_str().unwrap()),
            bearer(&write),
        )
        .json();
    assert_eq!(executing["status"], "executing");
    let late = app.send(
        Method::POST,
        &format!("/v1/payments/{}/cancel", executing["id"].as_str().unwrap()),
        bearer(&write),
    );
    assert_problem(&late, 409, "/problems/conflict");

    let stopped = app.send(
        Method::POST,
        &format!("/v1/plans/{plan_id}/stop"),
        bearer(&write),
    );
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.json()["status"], "inactive");
    assert_eq!(stopped.json()["stop_reason"], "by_creditor");
    let unknown = app.send(Method::GET, "/v1/bank-files/file_0", bearer(&write));
    assert_problem(&unknown, 404, "/problems/not-found");
}

/// A creditor (`n`) whose one payment, created through the API, waits in
/// a pending file.
struct WaitingInAFile {
    acme: CreditorKey,
    write: String,
    payment_id: String,
}

impl WaitingInAFile {
    fn new(store: &TestStore, app: &TestApp, n: u32) -> Self {
        let acme = creditor(store, app, n);
        let write = key(store, app, &acme, ApiScope::Write);
        let (customer, mandate) = payer(app, &write, n);
        let created = app.send(
            Method::POST,
            "/v1/payments",
            with_json(
                &write,
                &format!(
                    r#"{{"customer_id": "{customer}", "mandate_id": "{mandate}", "amount": 4990}}"#
                ),
            ),
        );
        assert_eq!(created.status, 201, "{}", created.body);
        let payment_id = created.json()["id"].as_str().unwrap().to_owned();
        app.run_collections(&store.tenant(acme.clone()));
        Self {
            acme,
            write,
            payment_id,
        }
    }

    /// The id of the newest pending file.
    fn pending_file(&self, app: &TestApp) -> Option<String> {
        app.send(
            Method::GET,
            "/v1/bank-files?status=pending",
            bearer(&self.write),
        )
        .json()["data"][0]["id"]
            .as_str()
            .map(str::to_owned)
    }
}

/// A discarded file's collections went back to be staged: its content is
/// refused as the dashboard refuses it, and the file still reads.
fn a_discarded_file_has_no_content(store: &TestStore) {
    let app = TestApp::spawn(store);
    let waiting = WaitingInAFile::new(store, &app, 4);
    let (write, payment_id) = (&waiting.write, &waiting.payment_id);
    let file_id = waiting.pending_file(&app).unwrap();
    let cancelled = app.send(
        Method::POST,
        &format!("/v1/payments/{payment_id}/cancel"),
        bearer(write),
    );
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);

    let file = app
        .send(
            Method::GET,
            &format!("/v1/bank-files/{file_id}"),
            bearer(write),
        )
        .json();
    assert_eq!(file["status"], "discarded");
    assert_eq!(file["discard_reason"], "payment_cancelled");
    let content = app.send(
        Method::GET,
        &format!("/v1/bank-files/{file_id}/content"),
        bearer(write),
    );
    assert_problem(&content, 409, "/problems/conflict");
    assert!(
        content.json()["detail"]
            .as_str()
            .unwrap()
            .contains("discarded"),
        "{}",
        content.body
    );
}

fn a_file_that_will_not_be_sent_is_discarded(store: &TestStore) {
    let app = TestApp::spawn(store);
    let waiting = WaitingInAFile::new(store, &app, 5);
    let (write, payment_id) = (&waiting.write, &waiting.payment_id);
    let read = key(store, &app, &waiting.acme, ApiScope::Read);
    let file_id = waiting.pending_file(&app).unwrap();
    let discard = |key: &str| {
        app.send(
            Method::POST,
            &format!("/v1/bank-files/{file_id}/discard"),
            bearer(key),
        )
    };
    assert_eq!(discard(&read).status, 403, "a read key changes nothing");
    let discarded = discard(write);
    assert_eq!(discarded.status, 200, "{}", discarded.body);
    assert_eq!(discarded.json()["status"], "discarded");
    assert_eq!(discarded.json()["discard_reason"], "by_creditor");
    assert_problem(&discard(write), 409, "/problems/conflict");
    let payment = app
        .send(
            Method::GET,
            &format!("/v1/payments/{payment_id}"),
            bearer(write),
        )
        .json();
    assert_eq!(payment["status"], "to_execute");
    // The next run puts the payment in a new file.
    app.run_collections(&store.tenant(waiting.acme.clone()));
    let next = waiting.pending_file(&app).unwrap();
    assert_ne!(next, file_id);
    let in_file = app
        .send(
            Method::GET,
            &format!("/v1/payments?file_id={next}"),
            bearer(write),
        )
        .json();
    assert_eq!(in_file["data"][0]["id"], payment_id.as_str());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

on_both_engines!(
    payments_are_created_listed_changed_and_cancelled,
    plans_and_bank_files_through_the_api,
    a_discarded_file_has_no_content,
    a_file_that_will_not_be_sent_is_discarded,
);
