//! Subscribers and mandates in the dashboard, as a browser without
//! JavaScript uses them, on both engines: creation, the customer page,
//! health, search, export, PDF, revocation, import, roles and tenancy.

use prelevo_app::access::{change_role, create_admin};
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_domain::{CreditorKey, Customer, PaymentMethodRef, Role};
use prelevo_store::Actor;
use prelevo_testkit::bulk::bulk_customer;
use prelevo_testkit::{SmtpSink, TestStore, french_iban, french_ics, on_both_engines};
use reqwest::Method;

use crate::dashboard::{
    Browser, PASSWORD, creditor, csrf_in, location, logged_in_admin, with_password,
};
use crate::{Answer, TestApp};

/// Creates subscriber `reference` from the list's form; returns its page.
pub(crate) fn new_subscriber(
    browser: &mut Browser<'_>,
    reference: &str,
    last_name: &str,
) -> String {
    let created = browser.fill(
        "/subscribers",
        "/subscribers",
        &[
            ("reference", reference),
            ("last_name", last_name),
            ("civility", "mrs"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let page = location(&created).to_owned();
    assert!(page.starts_with("/subscribers/cus_"), "{page}");
    page
}

pub(crate) fn new_mandate(
    browser: &mut Browser<'_>,
    page: &str,
    reference: &str,
    iban: &str,
) -> Answer {
    browser.fill(
        page,
        &format!("{page}/mandates"),
        &[
            ("reference", reference),
            ("iban", iban),
            ("signed_on", "2026-11-02"),
            ("signature_place", "Lyon"),
            ("signature_method", "paper"),
            ("scheme", "CORE"),
            ("kind", "recurrent"),
        ],
    )
}

/// The id in a customer page's path.
pub(crate) fn mandate_id_on(html: &str) -> String {
    let start = html.find("/mandates/mdt_").expect("a mandate link") + 10;
    html[start..].split('/').next().unwrap().to_owned()
}

fn a_subscriber_and_its_mandate_are_managed_from_the_dashboard(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let page = new_subscriber(&mut ana, "C-001", "Martin");
    let html = ana.get(&page).body;
    assert!(html.contains("id=\"customer-health\""), "{html}");
    assert!(html.contains(">Aucun<"), "a new subscriber has no method");

    let refused = new_mandate(&mut ana, &page, "RUM-D-1", "FR76 0000");
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("iban:"), "{}", refused.body);
    let created = new_mandate(&mut ana, &page, "RUM-D-1", "FR7630006000011234567890189");
    assert_eq!(created.status, 303, "{}", created.body);
    let html = ana.get(&page).body;
    assert!(
        html.contains("RUM-D-1") && html.contains("FR76 •••• "),
        "{html}"
    );
    assert!(
        html.contains("class=\"health health-active\">Actif<"),
        "{html}"
    );

    // The list, its health filter and the seed's mandate search.
    let listed = ana.get("/subscribers?health=active").body;
    assert!(listed.contains("C-001"));
    assert!(
        !ana.get("/subscribers?health=expired")
            .body
            .contains("C-001")
    );
    assert_eq!(ana.get("/subscribers?health=sick").status, 400);
    assert!(
        ana.get("/mandates?iban_last4=0189")
            .body
            .contains("RUM-D-1")
    );
    assert!(
        ana.get("/mandates?customer_reference=C-001")
            .body
            .contains("RUM-D-1")
    );
    assert!(
        !ana.get("/mandates?reference=RUM-X")
            .body
            .contains("RUM-D-1")
    );
    assert_eq!(ana.get("/mandates?signed_from=tomorrow").status, 400);
    let export = ana.get("/mandates/export.csv?customer_reference=C-001");
    assert!(
        export.body.contains(";C-001;RUM-D-1;active;"),
        "{}",
        export.body
    );
    let subscribers = ana.get("/subscribers/export.csv");
    assert!(
        subscribers.body.contains(";C-001;mrs;Martin;"),
        "{}",
        subscribers.body
    );

    let id = mandate_id_on(&html);
    let pdf = ana.get(&format!("/mandates/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));

    let revoked = ana.fill(
        &page,
        &format!("/mandates/{id}/revoke"),
        &[("reason", "compte clos")],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(location(&revoked), page);
    let html = ana.get(&page).body;
    assert!(html.contains(">Révoqué<"), "{html}");
    assert!(html.contains(">Informations invalides<"), "{html}");
    let again = ana.fill(
        &page,
        &format!("/mandates/{id}/revoke"),
        &[("reason", "encore")],
    );
    assert_eq!(again.status, 409);
    assert!(again.body.contains("revoked"), "{}", again.body);

    // Struck off: the page offers no change any more.
    ana.fill(&page, &format!("{page}/strike-off"), &[]);
    let html = ana.get(&page).body;
    assert!(html.contains(">Radié<") && !html.contains("/mandates\" class=\"stacked\""));
}

/// A multipart form as a browser sends it.
/// Past 1 000 matches a list says "more than" instead of counting every
/// row; a narrower filter is counted exactly.
fn a_long_list_counts_up_to_its_cap(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let many: Vec<_> = (1..=1_001)
        .map(|n| Customer {
            payment_method: PaymentMethodRef::None,
            ..bulk_customer(n)
        })
        .collect();
    store
        .tenant(acme.clone())
        .write(|tx| tx.insert_customers(&many))
        .unwrap();
    let html = ana.get("/subscribers").body;
    assert!(html.contains("Plus de 1000 résultats"), "{html}");
    let html = ana.get("/subscribers?q=C-0001000").body;
    assert!(html.contains(">1 résultat<"), "{html}");
}

/// Posts `csv` to the import screen at `path` as the browser's form does.
pub(crate) fn upload(
    browser: &mut Browser<'_>,
    path: &str,
    csrf: &str,
    mode: &str,
    csv: &str,
) -> Answer {
    let boundary = "PrelevoTestBoundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"paper.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let cookies = browser.cookie_header();
    let answer = browser.app().send(Method::POST, path, |r| {
        r.header("cookie", cookies)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
    });
    browser.remember(&answer);
    answer
}

const IMPORT: &str = "customer_reference;reference;debtor_name;iban;signature_date\n\
    C-1;RUM-IMP-1;Zoé Martin;FR7630006000011234567890189;2026-03-14\n\
    C-2;RUM-IMP-2;Léo Durand;FR7630006000011234567890180;2026-03-14\n";

fn mandates_are_imported_from_the_dashboard(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let csrf = csrf_in(&ana.get("/mandates/import").body);
    let dry = upload(&mut ana, "/mandates/import", &csrf, "dry_run", IMPORT);
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert!(
        dry.body
            .contains("1 à créer, 0 mis à jour, 0 inchangés, 1 refusés"),
        "{}",
        dry.body
    );
    assert!(
        dry.body.contains("data:text/csv;base64,"),
        "the refused lines can be downloaded"
    );
    assert!(
        !ana.get("/mandates").body.contains("RUM-IMP-1"),
        "a dry run writes nothing"
    );
    let applied = upload(&mut ana, "/mandates/import", &csrf, "apply", IMPORT);
    assert!(applied.body.contains(">Créé<"), "{}", applied.body);
    assert!(ana.get("/mandates").body.contains("RUM-IMP-1"));
    let again = upload(&mut ana, "/mandates/import", &csrf, "apply", IMPORT);
    assert!(again.body.contains("déjà été importé"), "{}", again.body);
    let commas = upload(
        &mut ana,
        "/mandates/import",
        &csrf,
        "dry_run",
        "customer_reference,reference\n",
    );
    assert_eq!(commas.status, 422);
    assert!(
        commas.body.contains("séparées par") || commas.body.contains("separated by"),
        "{}",
        commas.body
    );
    let forged = upload(
        &mut ana,
        "/mandates/import",
        "not-the-token",
        "apply",
        IMPORT,
    );
    assert_eq!(forged.status, 403);
    // A body that is not the multipart it announces: 400, not a crash.
    let cookies = ana.cookie_header();
    let garbled = app.send(Method::POST, "/mandates/import", |r| {
        r.header("cookie", cookies)
            .header("content-type", "multipart/form-data; boundary=Nowhere")
            .body("no boundary in here")
    });
    assert_eq!(garbled.status, 400, "{}", garbled.body);
}

/// A second creditor with its own administrator, logged in.
/// Vic, a viewer of `acme` (read and export only), logged in.
pub(crate) fn logged_in_viewer<'a>(
    store: &TestStore,
    app: &'a TestApp,
    sink: &SmtpSink,
    acme: &CreditorKey,
) -> Browser<'a> {
    let viewer = create_admin(store, app.clock.as_ref(), acme, "vic@acme.example").unwrap();
    change_role(
        store,
        app.clock.as_ref(),
        &Actor::Cli,
        acme,
        &viewer.user.id,
        Role::Viewer,
    )
    .unwrap();
    with_password(store, app, sink, "vic@acme.example");
    let mut vic = Browser::new(app);
    vic.login("vic@acme.example", PASSWORD);
    vic
}

pub(crate) fn globex_admin<'a>(
    store: &TestStore,
    app: &'a TestApp,
    sink: &SmtpSink,
) -> Browser<'a> {
    let input = CreditorInput {
        name: "Globex".into(),
        ics: french_ics(2).to_string(),
        iban: french_iban(2).to_string(),
        ..CreditorInput::default()
    };
    let globex: CreditorKey = create_creditor(store, app.clock.as_ref(), &Actor::Cli, &input)
        .unwrap()
        .id;
    create_admin(store, app.clock.as_ref(), &globex, "gus@globex.example").unwrap();
    with_password(store, app, sink, "gus@globex.example");
    let mut gus = Browser::new(app);
    gus.login("gus@globex.example", PASSWORD);
    gus
}

fn roles_and_creditors_are_kept_apart(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let page = new_subscriber(&mut ana, "C-001", "Martin");
    new_mandate(&mut ana, &page, "RUM-D-1", "FR7630006000011234567890189");
    let id = mandate_id_on(&ana.get(&page).body);

    let mut vic = logged_in_viewer(store, &app, &sink, &acme);
    assert_eq!(vic.get("/subscribers").status, 200);
    assert_eq!(vic.get(&page).status, 200);
    assert!(
        !vic.get(&page).body.contains("/revoke"),
        "a viewer sees no action"
    );
    assert_eq!(vic.get(&format!("/mandates/{id}/pdf")).status, 200);
    assert_eq!(vic.get("/mandates/export.csv").status, 200);
    let token = csrf_in(&vic.get("/settings").body);
    for (path, fields) in [
        ("/subscribers".to_owned(), vec![("reference", "C-9")]),
        (format!("/mandates/{id}/revoke"), vec![("reason", "x")]),
        (format!("{page}/suspend"), vec![]),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields);
        assert_eq!(vic.post(&path, &all).status, 403, "{path}");
    }
    assert_eq!(vic.get("/mandates/import").status, 403);

    let mut gus = globex_admin(store, &app, &sink);
    assert_eq!(gus.get(&page).status, 404);
    assert_eq!(gus.get(&format!("/mandates/{id}/pdf")).status, 404);
    let token = csrf_in(&gus.get("/settings").body);
    assert_eq!(
        gus.post(
            &format!("/mandates/{id}/revoke"),
            &[("csrf", &token), ("reason", "x")]
        )
        .status,
        404
    );
    assert_eq!(
        gus.post(&format!("{page}/suspend"), &[("csrf", &token)])
            .status,
        404
    );
    assert!(!gus.get("/mandates").body.contains("RUM-D-1"));
    assert!(!gus.get("/mandates/export.csv").body.contains("RUM-D-1"));
    assert!(!gus.get("/subscribers").body.contains("C-001"));
    // Still active for its own creditor.
    assert!(ana.get(&page).body.contains(">Actif<"));
}

on_both_engines!(
    a_long_list_counts_up_to_its_cap,
    a_subscriber_and_its_mandate_are_managed_from_the_dashboard,
    mandates_are_imported_from_the_dashboard,
    roles_and_creditors_are_kept_apart,
);
