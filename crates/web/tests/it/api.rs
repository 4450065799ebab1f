//! The `/v1` conventions through the real server: authentication, scopes,
//! rate limit, problems, idempotency, pagination, OpenAPI — on both engines.

use std::num::NonZeroU32;

use jiff::SignedDuration;
use prelevo_app::access::{VerifiedKeys, create_api_key, list_api_keys, revoke_api_key};
use prelevo_app::card_gateway::{
    CardGateway, CardGatewayError, ChargeOutcome, ChargeRequest, GatewayCard,
};
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_domain::{ApiScope, CardToken, Clock, CreditorKey, Environment};
use prelevo_store::{Actor, IdempotencyStart, NewAuditEvent};
use prelevo_testkit::{TestStore, french_iban, french_ics, on_both_engines};
use prelevo_web::AppConfig;
use reqwest::Method;

use crate::TestApp;

pub fn creditor(store: &TestStore, app: &TestApp, n: u32) -> CreditorKey {
    let input = CreditorInput {
        name: format!("Creditor {n}"),
        ics: french_ics(n).to_string(),
        iban: french_iban(n).to_string(),
        ..CreditorInput::default()
    };
    create_creditor(store, app.clock.as_ref(), &Actor::Cli, &input)
        .unwrap()
        .id
}

pub fn key(store: &TestStore, app: &TestApp, creditor: &CreditorKey, scope: ApiScope) -> String {
    create_api_key(
        store,
        app.clock.as_ref(),
        &Actor::Cli,
        creditor,
        Environment::PreProduction,
        "test",
        scope,
        None,
    )
    .unwrap()
    .secret
}

pub fn bearer(key: &str) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + '_ {
    move |r| r.bearer_auth(key)
}

pub fn patch_json<'a>(
    key: &'a str,
    body: &'a str,
) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + 'a {
    move |r| {
        r.bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.to_owned())
    }
}

/// Sends raw bytes and reads what comes back first.
fn raw_request(app: &TestApp, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(app.address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut buffer = [0u8; 4096];
    let n = stream.read(&mut buffer).unwrap_or(0);
    String::from_utf8_lossy(&buffer[..n]).into_owned()
}

pub fn assert_problem(answer: &crate::Answer, status: u16, kind: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    let problem = answer.json();
    assert_eq!(problem["type"], kind, "{problem}");
    assert_eq!(problem["status"], status);
    assert!(problem["title"].is_string() && problem["detail"].is_string());
}

fn keys_authenticate_and_see_their_creditor_only(store: &TestStore) {
    let app = TestApp::spawn(store);
    let a = creditor(store, &app, 1);
    let b = creditor(store, &app, 2);
    let key_a = key(store, &app, &a, ApiScope::Read);
    let key_b = key(store, &app, &b, ApiScope::Read);

    let anonymous = app.send(Method::GET, "/v1/creditor", |r| r);
    assert_problem(&anonymous, 401, "/problems/unauthenticated");
    assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
    let wrong = app.send(
        Method::GET,
        "/v1/creditor",
        bearer("pk_test_000000000000000000"),
    );
    assert_problem(&wrong, 401, "/problems/unauthenticated");
    // A live key on this pre-production installation is refused.
    let live = create_api_key(
        store,
        app.clock.as_ref(),
        &Actor::Cli,
        &a,
        Environment::Production,
        "live",
        ApiScope::Read,
        None,
    )
    .unwrap()
    .secret;
    let other_environment = app.send(Method::GET, "/v1/creditor", bearer(&live));
    assert_problem(&other_environment, 401, "/problems/unauthenticated");
    assert!(
        other_environment.json()["detail"]
            .as_str()
            .unwrap()
            .contains("pk_test_")
    );

    let seen_a = app.send(Method::GET, "/v1/creditor", bearer(&key_a)).json();
    assert_eq!(seen_a["id"], a.as_str());
    assert_eq!(seen_a["ics"], french_ics(1).to_string());
    assert_eq!(seen_a["settings"]["representation_delay_days"], 5);
    let seen_b = app.send(Method::GET, "/v1/creditor", bearer(&key_b)).json();
    assert_eq!(seen_b["id"], b.as_str());
    // B's log: its creation and its key's; nothing of A's.
    let events_b = app
        .send(Method::GET, "/v1/audit-events", bearer(&key_b))
        .json();
    let events_b = events_b["data"].as_array().unwrap();
    assert_eq!(events_b.len(), 2);
    assert!(events_b.iter().all(|e| e["entity_id"] != a.as_str()));
    assert!(events_b.iter().any(|e| e["entity_id"] == b.as_str()));
}

fn read_keys_read_write_keys_change_and_are_audited(store: &TestStore) {
    let app = TestApp::spawn(store);
    let a = creditor(store, &app, 1);
    let read = key(store, &app, &a, ApiScope::Read);
    let write = key(store, &app, &a, ApiScope::Write);
    let body =
        r#"{"representation_delay_days": 7, "billing_contact_email": "billing@acme.example"}"#;
    let refused = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&read, body),
    );
    assert_problem(&refused, 403, "/problems/insufficient-scope");

    let changed = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, body),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json()["representation_delay_days"], 7);
    let settings = app
        .send(Method::GET, "/v1/creditor/settings", bearer(&read))
        .json();
    assert_eq!(settings["billing_contact_email"], "billing@acme.example");
    let cleared = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, r#"{"billing_contact_email": null}"#),
    );
    assert_eq!(
        cleared.json()["billing_contact_email"],
        serde_json::Value::Null
    );

    let audit = app
        .send(
            Method::GET,
            "/v1/audit-events?entity=creditor&action=updated",
            bearer(&read),
        )
        .json();
    let last = &audit["data"][0];
    assert_eq!(last["actor_kind"], "api_key");
    assert!(last["actor_id"].as_str().unwrap().starts_with("key_"));
    assert_eq!(
        last["after"]["settings"]["billing_contact_email"],
        serde_json::Value::Null
    );
}

fn bad_bodies_get_clear_problems_and_change_nothing(store: &TestStore) {
    let app = TestApp::spawn(store);
    let a = creditor(store, &app, 1);
    let write = key(store, &app, &a, ApiScope::Write);
    let range = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, r#"{"max_rejections": 0}"#),
    );
    assert_problem(&range, 422, "/problems/validation");
    let problem = range.json();
    assert_eq!(problem["errors"][0]["pointer"], "/max_rejections");
    assert_eq!(
        problem["errors"][0]["detail"],
        "must be between 1 and 20 (got 0)"
    );

    let unknown = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, r#"{"max_rejection": 3}"#),
    );
    assert_problem(&unknown, 422, "/problems/validation");
    let malformed = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, r#"{"max_rejections": "#),
    );
    assert_problem(&malformed, 400, "/problems/malformed-json");
    let text = app.send(Method::PATCH, "/v1/creditor/settings", |r| {
        r.bearer_auth(&write)
            .header("content-type", "text/plain")
            .body("max_rejections=3")
    });
    assert_problem(&text, 415, "/problems/unsupported-media-type");
    // 2 MiB announced: refused before the body is read.
    let oversized = raw_request(
        &app,
        &format!(
            "PATCH /v1/creditor/settings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {write}\r\n\
             Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{{\"pad\": \""
        ),
    );
    assert!(oversized.starts_with("HTTP/1.1 413"), "{oversized}");
    assert!(
        oversized.contains("/problems/payload-too-large"),
        "{oversized}"
    );

    let unchanged = app
        .send(Method::GET, "/v1/creditor/settings", bearer(&write))
        .json();
    assert_eq!(unchanged["max_rejections"], 3);
    let wrong_method = app.send(Method::DELETE, "/v1/creditor", bearer(&write));
    assert_problem(&wrong_method, 405, "/problems/method-not-allowed");
    let nowhere = app.send(Method::GET, "/v1/nowhere", bearer(&write));
    assert_problem(&nowhere, 404, "/problems/not-found");
}

fn an_idempotency_key_replays_and_refuses_other_bodies(store: &TestStore) {
    let app = TestApp::spawn(store);
    let a = creditor(store, &app, 1);
    let write = key(store, &app, &a, ApiScope::Write);
    let with_key = |key: &'static str, body: &'static str| {
        let write = write.clone();
        move |r: reqwest::RequestBuilder| {
            r.bearer_auth(write)
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(body)
        }
    };
    let first = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        with_key("k-1", r#"{"max_rejections": 4}"#),
    );
    assert_eq!(first.status, 200);
    assert!(first.headers.get("idempotent-replayed").is_none());
    // Meanwhile the value changes; the replay still answers the first response.
    app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        patch_json(&write, r#"{"max_rejections": 9}"#),
    );
    let replay = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        with_key("k-1", r#"{"max_rejections": 4}"#),
    );
    assert_eq!(replay.status, 200);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.body, first.body);
    let now = app
        .send(Method::GET, "/v1/creditor/settings", bearer(&write))
        .json();
    assert_eq!(now["max_rejections"], 9, "the replay changed nothing");

    let other = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        with_key("k-1", r#"{"max_rejections": 5}"#),
    );
    assert_problem(&other, 422, "/problems/idempotency-mismatch");

    // A request still running under a key: the second one is refused.
    let until = app.clock.now() + SignedDuration::from_hours(24);
    let started = store
        .tenant(a.clone())
        .write(|tx| tx.start_idempotent("k-2", "in-flight", app.clock.now(), until))
        .unwrap();
    assert_eq!(started, IdempotencyStart::Fresh);
    let busy = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        with_key("k-2", r#"{"max_rejections": 4}"#),
    );
    assert_problem(&busy, 409, "/problems/idempotency-conflict");
    assert!(
        busy.json()["detail"]
            .as_str()
            .unwrap()
            .contains("still being processed"),
        "{}",
        busy.body
    );

    // Minutes later the reservation still has no answer: its request was
    // interrupted (the server stopped). It is not run again, and the
    // problem says why and what to do.
    app.clock.advance(SignedDuration::from_mins(6)).unwrap();
    let interrupted = app.send(
        Method::PATCH,
        "/v1/creditor/settings",
        with_key("k-2", r#"{"max_rejections": 4}"#),
    );
    assert_problem(&interrupted, 409, "/problems/idempotency-conflict");
    let detail = interrupted.json()["detail"].as_str().unwrap().to_owned();
    for words in [
        "was interrupted before its answer was kept",
        "may or may not have taken effect",
        "Look the resource up",
        "new key",
    ] {
        assert!(detail.contains(words), "{words:?} missing in {detail}");
    }
    let unchanged = app
        .send(Method::GET, "/v1/creditor/settings", bearer(&write))
        .json();
    assert_eq!(
        unchanged["max_rejections"], 9,
        "the interrupted request is not run again"
    );
}

/// A card gateway whose lookups wait until the test lets them go: a
/// request to register a card is then held mid-work for as long as needed.
struct HeldGateway {
    entered: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl HeldGateway {
    /// The gateway, a receiver told when a lookup starts, and a sender that
    /// lets it finish (dropping it lets every lookup through).
    fn new() -> (
        std::sync::Arc<Self>,
        std::sync::mpsc::Receiver<()>,
        std::sync::mpsc::Sender<()>,
    ) {
        let (entered, on_entered) = std::sync::mpsc::channel();
        let (let_go, release) = std::sync::mpsc::channel();
        let gateway = Self {
            entered: std::sync::Mutex::new(entered),
            release: std::sync::Mutex::new(release),
        };
        (std::sync::Arc::new(gateway), on_entered, let_go)
    }
}

impl CardGateway for HeldGateway {
    fn card(&self, _token: &CardToken) -> Result<Option<GatewayCard>, CardGatewayError> {
        let _ = self.entered.lock().unwrap().send(());
        // Bounded, so that a failing test never hangs the run.
        let _ = self
            .release
            .lock()
            .unwrap()
            .recv_timeout(std::time::Duration::from_secs(20));
        Ok(None)
    }

    fn forget(&self, _token: &CardToken) -> Result<(), CardGatewayError> {
        Ok(())
    }

    fn can_charge(&self) -> bool {
        false
    }

    fn charge(&self, _request: &ChargeRequest<'_>) -> Result<ChargeOutcome, CardGatewayError> {
        Err(CardGatewayError::Unavailable(
            "no charges in this test".into(),
        ))
    }
}

/// The client goes away while its request is being carried out (a timeout,
/// a proxy giving up): the request still completes and its answer is kept,
/// so the retry with the same key gets it instead of a day of 409s — and
/// nothing is created twice.
fn a_request_whose_client_went_away_is_replayed_to_its_retry(store: &TestStore) {
    use std::io::{Read, Write};

    let (gateway, on_lookup, let_go) = HeldGateway::new();
    let app = TestApp::spawn_with_gateway(store, AppConfig::default(), gateway);
    let a = creditor(store, &app, 1);
    let write = key(store, &app, &a, ApiScope::Write);
    let customer = app.send(
        Method::POST,
        "/v1/customers",
        patch_json(&write, r#"{"reference": "C-1", "last_name": "Martin"}"#),
    );
    assert_eq!(customer.status, 201, "{}", customer.body);
    let customer = customer.json()["id"].as_str().unwrap().to_owned();
    let card = format!(
        r#"{{"customer_id": "{customer}", "token": "tok_gone", "brand": "visa",
            "last4": "4242", "expiry_month": 9, "expiry_year": 2030}}"#
    );

    let mut stream = std::net::TcpStream::connect(app.address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let request = format!(
        "POST /v1/card-aliases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {write}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: card-gone\r\n\
         Content-Length: {}\r\n\r\n{card}",
        card.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    // The key is reserved and the card is being looked up: the client
    // hangs up now.
    on_lookup
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the request reaches the gateway");
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    // The server notices and closes the connection without an answer: from
    // here on, nothing waits for the request's answer.
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("the server closes the connection");
    assert!(
        answer.is_empty(),
        "no answer was sent: {}",
        String::from_utf8_lossy(&answer)
    );
    let retry = || {
        app.send(Method::POST, "/v1/card-aliases", |r| {
            r.bearer_auth(&write)
                .header("content-type", "application/json")
                .header("idempotency-key", "card-gone")
                .body(card.clone())
        })
    };
    // While the first request is held, its key answers 409.
    let running = retry();
    assert_problem(&running, 409, "/problems/idempotency-conflict");
    drop(let_go);
    // Let go, the first request finishes on its own in a moment.
    let mut replay = retry();
    for _ in 0..100 {
        if replay.status != 409 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        replay = retry();
    }
    assert_eq!(replay.status, 201, "{}", replay.body);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    let listed = app
        .send(
            Method::GET,
            &format!("/v1/card-aliases?customer_id={customer}"),
            bearer(&write),
        )
        .json();
    let cards = listed["data"].as_array().unwrap();
    assert_eq!(cards.len(), 1, "registered once: {listed}");
    assert_eq!(cards[0]["id"], replay.json()["id"]);
}

fn each_key_has_a_request_budget(store: &TestStore) {
    let config = AppConfig {
        api_requests_per_second: NonZeroU32::MIN,
        api_burst: NonZeroU32::MIN.saturating_add(2),
        ..AppConfig::default()
    };
    let app = TestApp::spawn_with(store, config);
    let a = creditor(store, &app, 1);
    let one = key(store, &app, &a, ApiScope::Read);
    let other = key(store, &app, &a, ApiScope::Read);
    for _ in 0..3 {
        assert_eq!(
            app.send(Method::GET, "/v1/creditor", bearer(&one)).status,
            200
        );
    }
    let limited = app.send(Method::GET, "/v1/creditor", bearer(&one));
    assert_problem(&limited, 429, "/problems/rate-limited");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(
        app.send(Method::GET, "/v1/creditor", bearer(&other)).status,
        200
    );
}

fn audit_events_page_with_cursors(store: &TestStore) {
    let app = TestApp::spawn(store);
    let a = creditor(store, &app, 1);
    let read = key(store, &app, &a, ApiScope::Read);
    store
        .tenant(a.clone())
        .write(|tx| {
            for n in 0..30 {
                let id = format!("thing_{n}");
                tx.record_audit(
                    &NewAuditEvent {
                        actor: Actor::System,
                        entity: "thing",
                        entity_id: &id,
                        action: "touched",
                        before: None,
                        after: Some("{\"n\":1}".into()),
                    },
                    app.clock.now(),
                )?;
            }
            Ok::<_, prelevo_store::StoreError>(())
        })
        .unwrap();
    let page = |query: &str| {
        app.send(
            Method::GET,
            &format!("/v1/audit-events?entity=thing{query}"),
            bearer(&read),
        )
        .json()
    };
    let first = page("&limit=10");
    assert_eq!(first["data"].as_array().unwrap().len(), 10);
    assert_eq!(first["data"][0]["entity_id"], "thing_29");
    assert_eq!(first["has_more"], true);
    assert_eq!(first["previous_cursor"], serde_json::Value::Null);
    let second = page(&format!(
        "&limit=10&after={}",
        first["next_cursor"].as_str().unwrap()
    ));
    assert_eq!(second["data"][0]["entity_id"], "thing_19");
    let third = page(&format!(
        "&limit=10&after={}",
        second["next_cursor"].as_str().unwrap()
    ));
    assert_eq!(third["data"].as_array().unwrap().len(), 10);
    assert_eq!(third["has_more"], false);
    assert_eq!(third["next_cursor"], serde_json::Value::Null);
    let back = page(&format!(
        "&limit=10&before={}",
        second["previous_cursor"].as_str().unwrap()
    ));
    assert_eq!(back["data"], first["data"]);

    let bad_cursor = app.send(Method::GET, "/v1/audit-events?after=xyz", bearer(&read));
    assert_problem(&bad_cursor, 400, "/problems/invalid-parameter");
    let bad_limit = app.send(Method::GET, "/v1/audit-events?limit=500", bearer(&read));
    assert_problem(&bad_limit, 400, "/problems/invalid-parameter");
    let bad_filter = app.send(Method::GET, "/v1/audit-events?colour=red", bearer(&read));
    assert_problem(&bad_filter, 400, "/problems/invalid-parameter");
    assert!(
        bad_filter.json()["detail"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{}",
        bad_filter.body
    );
    let bad_number = app.send(Method::GET, "/v1/audit-events?limit=ten", bearer(&read));
    assert_problem(&bad_number, 400, "/problems/invalid-parameter");
}

fn the_openapi_document_describes_the_api(store: &TestStore) {
    let app = TestApp::spawn(store);
    let answer = app.send(Method::GET, "/v1/openapi.json", |r| r);
    assert_eq!(answer.status, 200);
    let doc = answer.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for path in ["/v1/creditor", "/v1/creditor/settings", "/v1/audit-events"] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["paths"]["/v1/creditor/settings"]["patch"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
}

/// A key revoked by another process (here: directly, as the CLI does) is
/// recalled from memory for [`VerifiedKeys::TTL`] at most, then refused.
fn a_key_revoked_elsewhere_stops_working_within_seconds(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let secret = key(store, &app, &acme, ApiScope::Read);
    assert_eq!(
        app.send(Method::GET, "/v1/creditor", bearer(&secret))
            .status,
        200
    );
    let tenant = store.tenant(acme.clone());
    let id = list_api_keys(&tenant).unwrap()[0].id.clone();
    revoke_api_key(&tenant, app.clock.as_ref(), &Actor::Cli, &id).unwrap();
    app.clock.advance(VerifiedKeys::TTL).unwrap();
    let refused = app.send(Method::GET, "/v1/creditor", bearer(&secret));
    assert_problem(&refused, 401, "/problems/unauthenticated");
}

/// A key used once, then past its expiry, is refused although it was
/// verified a moment before.
fn an_expired_key_is_refused_at_once(store: &TestStore) {
    let app = TestApp::spawn(store);
    let acme = creditor(store, &app, 1);
    let expires_at = app.clock.now() + SignedDuration::from_secs(2);
    let secret = create_api_key(
        store,
        app.clock.as_ref(),
        &Actor::Cli,
        &acme,
        Environment::PreProduction,
        "short-lived",
        ApiScope::Read,
        Some(expires_at),
    )
    .unwrap()
    .secret;
    assert_eq!(
        app.send(Method::GET, "/v1/creditor", bearer(&secret))
            .status,
        200
    );
    app.clock.advance(SignedDuration::from_secs(2)).unwrap();
    let refused = app.send(Method::GET, "/v1/creditor", bearer(&secret));
    assert_problem(&refused, 401, "/problems/unauthenticated");
}

on_both_engines!(
    keys_authenticate_and_see_their_creditor_only,
    a_key_revoked_elsewhere_stops_working_within_seconds,
    an_expired_key_is_refused_at_once,
    read_keys_read_write_keys_change_and_are_audited,
    bad_bodies_get_clear_problems_and_change_nothing,
    an_idempotency_key_replays_and_refuses_other_bodies,
    a_request_whose_client_went_away_is_replayed_to_its_retry,
    each_key_has_a_request_budget,
    audit_events_page_with_cursors,
    the_openapi_document_describes_the_api,
);
