//! Payments, bank files and the bank profile in the dashboard, as a
//! browser without JavaScript uses them, on both engines: the list and its
//! filters, the payment page and its timeline, change and cancel, the
//! day's file (download, mark as sent), roles and tenancy.

use prelevo_app::card_aliases::{CardAliasInput, create_card_alias};
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::payments::{PaymentInput, create_payment};
use prelevo_domain::{Currency, CustomerId, Instrument, MandateId, Money};
use prelevo_store::Actor;
use prelevo_testkit::{SmtpSink, TestStore, on_both_engines};
use sha2::{Digest, Sha256};

use crate::TestApp;
use crate::dashboard::{Browser, creditor, csrf_in, location, logged_in_admin};
use crate::subscribers_dashboard::{
    globex_admin, logged_in_viewer, mandate_id_on, new_mandate, new_subscriber, upload,
};

const EURO: &str = "\u{a0}€";

/// A subscriber with a mandate, made from the dashboard: (customer, mandate).
fn payer(ana: &mut Browser<'_>) -> (CustomerId, MandateId) {
    let page = new_subscriber(ana, "C-100", "Martin");
    let created = new_mandate(ana, &page, "RUM-P-1", "FR7630006000011234567890189");
    assert_eq!(created.status, 303, "{}", created.body);
    let mandate = mandate_id_on(&ana.get(&page).body);
    (
        CustomerId::parse(page.trim_start_matches("/subscribers/")).unwrap(),
        MandateId::parse(&mandate).unwrap(),
    )
}

/// The path of the first link to `prefix…` in `html`.
fn first_link(html: &str, prefix: &str) -> String {
    let start = html.find(&format!("href=\"{prefix}")).expect(prefix) + 6;
    html[start..].split('"').next().unwrap().to_owned()
}

fn payments_are_followed_changed_and_cancelled_from_the_dashboard(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let (customer, mandate) = payer(&mut ana);
    let tenant = store.tenant(acme.clone());
    let pay = |cents: i64, due: Option<&str>, text: &str| {
        create_payment(
            &tenant,
            app.clock.as_ref(),
            &Actor::Cli,
            &PaymentInput {
                customer_id: customer.clone(),
                instrument: Instrument::Mandate(mandate.clone()),
                amount: Money::from_minor(cents, Currency::EUR),
                due_on: due.map(|d| d.parse().unwrap()),
                remittance: Some(text.to_owned()),
                end_to_end_id: None,
            },
        )
        .unwrap()
    };
    let soon = pay(4990, None, "Facture 118");
    let later = pay(1500, Some("2026-12-15"), "Facture 119");
    // A card payment in Swiss francs, the same number of cents.
    let card = create_card_alias(
        &tenant,
        app.clock.as_ref(),
        &UnconnectedGateway,
        &Actor::Cli,
        &CardAliasInput {
            customer_id: customer.to_string(),
            token: "tok_chf".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            expiry_month: 12,
            expiry_year: 2030,
            holder: None,
        },
    )
    .unwrap();
    let francs = create_payment(
        &tenant,
        app.clock.as_ref(),
        &Actor::Cli,
        &PaymentInput {
            customer_id: customer.clone(),
            instrument: Instrument::Card(card.id),
            amount: Money::from_minor(1500, Currency::parse("CHF").unwrap()),
            due_on: Some("2026-12-15".parse().unwrap()),
            remittance: Some("Francs 120".to_owned()),
            end_to_end_id: None,
        },
    )
    .unwrap();

    // The list, in French by default, with the seed's filters.
    let list = ana.get("/payments").body;
    assert!(list.contains(&format!("49,90{EURO}")), "{list}");
    assert!(
        list.contains("<td>A exécuter</td>") && list.contains("C-100"),
        "{list}"
    );
    assert!(list.contains(&format!("href=\"/payments/{}\"", later.id)));
    let dated = ana.get("/payments?due_from=2026-12-10").body;
    assert!(dated.contains("Facture 119") && !dated.contains("Facture 118"));
    let cheap = ana.get("/payments?amount_max=20,00").body;
    assert!(cheap.contains("Facture 119") && !cheap.contains("Facture 118"));
    assert!(
        !cheap.contains("Francs 120") && list.contains("Francs 120"),
        "an amount in euros compares with euro payments only"
    );
    assert!(
        !ana.get("/payments?status=executed")
            .body
            .contains("Facture")
    );
    assert!(
        !ana.get("/payments?customer_reference=C-999")
            .body
            .contains("Facture")
    );
    for bad in ["status=paid", "kind=cash", "due_to=soon", "amount_min=abc"] {
        assert_eq!(ana.get(&format!("/payments?{bad}")).status, 400, "{bad}");
    }
    let export = ana.get("/payments/export.csv?due_from=2026-12-10").body;
    assert!(
        export.contains(&format!(";{customer};C-100;")) && export.contains("Facture 119"),
        "{export}"
    );
    assert!(!export.contains("Facture 118"), "{export}");
    let card_page = ana.get(&format!("/payments/{}", francs.id)).body;
    assert!(
        card_page.contains("id=\"payment-method\">visa •••• 4242<"),
        "a card is named by its network and last digits: {card_page}"
    );

    // The payment page: its facts, its timeline, its change and cancel.
    let page = format!("/payments/{}", later.id);
    let html = ana.get(&page).body;
    assert!(html.contains("id=\"payment-timeline\""), "{html}");
    assert!(
        html.contains("id=\"payment-method\">RUM-P-1<"),
        "the mandate is named by its UMR: {html}"
    );
    assert!(
        html.contains("<strong>A exécuter</strong>\n      <span class=\"cause\">Créé</span>"),
        "the timeline opens with the creation: {html}"
    );
    assert!(
        html.contains("/change") && html.contains("/cancel"),
        "{html}"
    );
    let refused = ana.fill(
        &page,
        &format!("{page}/change"),
        &[
            ("amount", "0"),
            ("due_date", "2026-12-25"),
            ("remittance_info", "Facture 119"),
        ],
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("amount:") && refused.body.contains("due_date:"),
        "{}",
        refused.body
    );
    let changed = ana.fill(
        &page,
        &format!("{page}/change"),
        &[
            ("amount", "17,50"),
            ("due_date", "2026-12-15"),
            ("remittance_info", "Facture 119 bis"),
        ],
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    let html = ana.get(&page).body;
    assert!(
        html.contains(&format!("id=\"payment-amount\">17,50{EURO}")),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "Modifié par le créancier : montant 15,00{EURO} → 17,50{EURO}, libellé"
        )),
        "the timeline says what changed, in the reader's language: {html}"
    );
    assert!(
        html.contains("<span class=\"actor\">ana@acme.example</span>"),
        "the timeline names who changed it: {html}"
    );
    let cancelled = ana.fill(&page, &format!("{page}/cancel"), &[]);
    assert_eq!(cancelled.status, 303);
    let html = ana.get(&page).body;
    assert!(
        html.contains("id=\"payment-status\">Non exécuté<"),
        "{html}"
    );
    assert!(html.contains("A exécuter → Non exécuté"), "{html}");
    assert!(html.contains(">Annulé par le créancier<"), "{html}");
    assert!(
        !html.contains("/cancel\""),
        "a cancelled payment has no action"
    );
    let again = ana.fill(&page, &format!("{page}/cancel"), &[]);
    assert_eq!(again.status, 409, "cancelled once: {}", again.body);

    // The day's run puts the first payment in a file; the file's page
    // downloads it and marks it sent.
    app.run_collections(&tenant);
    let files = ana.get("/bank-files?status=pending").body;
    assert!(files.contains("pain.008.001.08"), "{files}");
    assert!(!files.contains("/bank-files/export"), "no list export");
    let file_page = first_link(&files, "/bank-files/file_");
    assert!(!ana.get(&file_page).body.contains("missed-cutoff"));
    // Had the bank's cut-off been 08:00, it is 10:00 in Paris: the page
    // says the file missed it, and what to do.
    let set_cutoff = |hour: i8| {
        tenant
            .write(|tx| {
                let mut profile = tx.bank_profile()?;
                profile.cutoff = jiff::civil::Time::constant(hour, 0, 0, 0);
                tx.save_bank_profile(&profile)
            })
            .unwrap();
    };
    set_cutoff(8);
    let html = ana.get(&file_page).body;
    assert!(html.contains("id=\"missed-cutoff\""), "{html}");
    assert!(html.contains("a manqué l&#39;heure limite"), "{html}");
    set_cutoff(16);
    // Discarded (it missed the bank's cut-off, say): the next run makes
    // another with the same payment.
    let discarded = ana.fill(&file_page, &format!("{file_page}/discard"), &[]);
    assert_eq!(discarded.status, 303, "{}", discarded.body);
    let html = ana.get(&file_page).body;
    assert!(html.contains("id=\"file-status\">Écarté<"), "{html}");
    assert!(html.contains("écarté par le créancier"), "{html}");
    assert!(!html.contains("/discard\""), "discarded once");
    let again = ana.fill(&file_page, &format!("{file_page}/discard"), &[]);
    assert_eq!(again.status, 409, "{}", again.body);
    app.run_collections(&tenant);
    let files = ana.get("/bank-files?status=pending").body;
    let file_page = first_link(&files, "/bank-files/file_");
    let html = ana.get(&file_page).body;
    assert!(html.contains("id=\"file-transactions\">1<"), "{html}");
    assert!(html.contains(&format!("49,90{EURO}")), "{html}");
    assert!(
        html.contains("<td>RCUR</td>") || html.contains("<td>FRST</td>"),
        "{html}"
    );
    let content = ana.get(&format!("{file_page}/content"));
    assert_eq!(content.status, 200);
    assert!(
        content.body.contains("<CtrlSum>49.90</CtrlSum>"),
        "{}",
        content.body
    );
    let sha: String = Sha256::digest(content.body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(html.contains(&sha), "the page shows the content's hash");
    let in_file = ana.get(&first_link(&html, "/payments?file=")).body;
    assert!(in_file.contains("Facture 118") && !in_file.contains("Facture 119"));
    let sent = ana.fill(&file_page, &format!("{file_page}/send"), &[]);
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(location(&sent), file_page);
    let html = ana.get(&file_page).body;
    assert!(html.contains("id=\"file-status\">Envoyé<"), "{html}");
    assert!(!html.contains("/send\""), "sent once");
    assert!(!html.contains("/discard\""), "a sent file stays");
    let soon_page = ana.get(&format!("/payments/{}", soon.id)).body;
    assert!(
        soon_page.contains("id=\"payment-status\">En cours d&#39;exécution<"),
        "{soon_page}"
    );
    assert!(!soon_page.contains("/change\""), "sent: no more changes");

    // A viewer reads and downloads, and changes nothing.
    let mut vic = logged_in_viewer(store, &app, &sink, &acme);
    assert_eq!(vic.get(&page).status, 200);
    assert!(
        !vic.get(&format!("/payments/{}", soon.id))
            .body
            .contains("/cancel")
    );
    assert_eq!(vic.get(&format!("{file_page}/content")).status, 200);
    assert_eq!(vic.get("/payments/export.csv").status, 200);
    let token = csrf_in(&vic.get("/settings").body);
    for path in [
        format!("/payments/{}/cancel", soon.id),
        format!("{file_page}/send"),
        format!("{file_page}/discard"),
    ] {
        assert_eq!(vic.post(&path, &[("csrf", &token)]).status, 403, "{path}");
    }

    // Another creditor sees none of it.
    let mut gus = globex_admin(store, &app, &sink);
    assert_eq!(gus.get(&page).status, 404);
    assert_eq!(gus.get(&file_page).status, 404);
    assert_eq!(gus.get(&format!("{file_page}/content")).status, 404);
    let token = csrf_in(&gus.get("/settings").body);
    assert_eq!(
        gus.post(&format!("{file_page}/discard"), &[("csrf", &token)])
            .status,
        404
    );
    assert!(!gus.get("/payments").body.contains("Facture"));
    assert!(!gus.get("/payments/export.csv").body.contains("Facture"));
    assert!(!gus.get("/bank-files").body.contains("/bank-files/file_"));
    let token = csrf_in(&gus.get("/settings").body);
    assert_eq!(
        gus.post(
            &format!("/payments/{}/cancel", later.id),
            &[("csrf", &token)]
        )
        .status,
        404
    );
}

fn the_bank_profile_is_set_in_the_settings(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let html = ana.get("/settings").body;
    assert!(html.contains("id=\"bank-profile\""), "{html}");
    assert!(
        html.contains("value=\"16:00\""),
        "the default cut-off: {html}"
    );
    let profile = |cutoff: &str, max: &str| {
        vec![
            ("pain008_version", "pain.008.001.02".to_owned()),
            ("first_collection", "rcur".to_owned()),
            ("cutoff_time", cutoff.to_owned()),
            ("max_file_transactions", max.to_owned()),
            ("collection_limit", "2 500,00".to_owned()),
        ]
    };
    let send = |ana: &mut Browser<'_>, fields: Vec<(&str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ana.fill("/settings", "/settings/bank-profile", &fields)
    };
    let refused = send(&mut ana, profile("25:00", "5000"));
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("cutoff_time:"), "{}", refused.body);
    assert!(refused.body.contains("value=\"16:00\""), "nothing changed");
    let refused = send(&mut ana, profile("15:30", "0"));
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("max_file_transactions:"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"100000\""), "nothing changed");
    let saved = send(&mut ana, profile("15:30", "5000"));
    assert_eq!(saved.status, 200, "{}", saved.body);
    let html = ana.get("/settings").body;
    assert!(html.contains("value=\"15:30\""), "{html}");
    assert!(html.contains("value=\"2500.00\""), "{html}");
    assert!(
        html.contains("<option value=\"pain.008.001.02\" selected>"),
        "{html}"
    );
    assert!(
        !html.contains(
            "id=\"bp-batch\" name=\"batch_booking\" type=\"checkbox\" value=\"on\" checked"
        )
    );
    // The API reads the same profile.
    let tenant = store.tenant(acme.clone());
    let profile = prelevo_app::bank_profile::bank_profile(&tenant).unwrap();
    assert_eq!(profile.max_file_transactions(), 5000);
    assert!(!profile.batch_booking);

    // Only administrators change it.
    let mut vic = logged_in_viewer(store, &app, &sink, &acme);
    assert!(vic.get("/settings").body.contains("id=\"bank-profile\""));
    let token = csrf_in(&vic.get("/settings").body);
    let mut fields = vec![("csrf", token.as_str())];
    let typed = profile_fields();
    fields.extend(typed.iter().map(|(k, v)| (*k, *v)));
    assert_eq!(vic.post("/settings/bank-profile", &fields).status, 403);
}

fn profile_fields() -> [(&'static str, &'static str); 5] {
    [
        ("pain008_version", "pain.008.001.08"),
        ("first_collection", "frst"),
        ("cutoff_time", "16:00"),
        ("max_file_transactions", "100"),
        ("collection_limit", "10,00"),
    ]
}

const PLANS: &str = "plan_reference;customer_reference;mandate_reference;amount;frequency;\
    start_date;instalments;collection_day;remittance_info\n\
    ABO-1;C-100;RUM-P-1;29,90;monthly;2026-12-01;12;5;Abonnement\n\
    ABO-2;C-999;RUM-P-1;10,00;monthly;2026-12-01;;5;Inconnu\n";

fn plans_are_listed_and_imported_from_the_dashboard(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    payer(&mut ana);
    let html = ana.get("/plans").body;
    assert!(html.contains("/plans/import"), "{html}");
    let csrf = csrf_in(&ana.get("/plans/import").body);
    let dry = upload(&mut ana, "/plans/import", &csrf, "dry_run", PLANS);
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert!(
        dry.body
            .contains("1 à créer, 0 mis à jour, 0 arrêtés, 0 inchangés, 1 refusés"),
        "{}",
        dry.body
    );
    assert!(
        dry.body.contains("customer_reference"),
        "the refusal names its column"
    );
    assert!(
        dry.body.contains("download=\"plans-errors.csv\""),
        "{}",
        dry.body
    );
    assert!(
        !ana.get("/plans").body.contains("ABO-1"),
        "a dry run writes nothing"
    );

    let applied = upload(&mut ana, "/plans/import", &csrf, "apply", PLANS);
    assert!(applied.body.contains(">Créé<"), "{}", applied.body);
    let list = ana.get("/plans?status=active").body;
    assert!(
        list.contains("ABO-1")
            && list.contains(&format!("29,90{EURO}"))
            && list.contains("Mensuelle"),
        "{list}"
    );
    assert!(!ana.get("/plans?status=inactive").body.contains("ABO-1"));
    assert_eq!(ana.get("/plans?status=done").status, 400);
    let plan_page = first_link(&list, "/plans/plan_");
    let html = ana.get(&plan_page).body;
    assert!(
        html.contains("Après 12 échéances") && html.contains("id=\"plan-status\">Actif<"),
        "{html}"
    );
    assert!(
        html.contains("\">C-100 — Martin</a></dd>"),
        "the plan names its customer: {html}"
    );
    assert!(html.contains("id=\"plan-method\">RUM-P-1<"), "{html}");
    let payments = ana.get(&first_link(&html, "/payments?plan=")).body;
    assert!(
        payments.contains("Abonnement"),
        "the plan leads to its instalments: {payments}"
    );
    assert!(payments.contains("<td>A exécuter</td>"), "{payments}");
    let instalment = ana.get(&first_link(&payments, "/payments/pay_")).body;
    assert!(
        instalment.contains(&format!("<a href=\"{plan_page}\">ABO-1</a>")),
        "an instalment leads to its plan, named by its reference: {instalment}"
    );
    let again = upload(&mut ana, "/plans/import", &csrf, "apply", PLANS);
    assert!(again.body.contains("déjà été importé"), "{}", again.body);
    assert!(
        again
            .body
            .contains("0 à créer, 0 mis à jour, 0 arrêtés, 1 inchangés, 1 refusés"),
        "{}",
        again.body
    );

    let mut vic = logged_in_viewer(store, &app, &sink, &acme);
    let html = vic.get("/plans").body;
    assert!(
        html.contains("ABO-1") && !html.contains("/plans/import"),
        "{html}"
    );
    assert_eq!(vic.get("/plans/import").status, 403);
    assert!(
        !vic.get(&plan_page).body.contains("/stop\""),
        "a viewer cannot stop"
    );
    let token = csrf_in(&vic.get("/settings").body);
    assert_eq!(
        vic.post(&format!("{plan_page}/stop"), &[("csrf", &token)])
            .status,
        403
    );
    let mut gus = globex_admin(store, &app, &sink);
    assert!(!gus.get("/plans").body.contains("ABO-1"));
    assert_eq!(gus.get(&plan_page).status, 404);

    // Stopping the plan cancels its instalments not sent.
    let stopped = ana.fill(&plan_page, &format!("{plan_page}/stop"), &[]);
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    let html = ana.get(&plan_page).body;
    assert!(html.contains("id=\"plan-status\">Inactif<"), "{html}");
    assert!(html.contains("arrêté par le créancier"), "{html}");
    let payments = ana.get(&first_link(&html, "/payments?plan=")).body;
    assert!(
        payments.contains("<td>Non exécuté</td>") && !payments.contains("<td>A exécuter</td>"),
        "{payments}"
    );
    let twice = ana.fill(&plan_page, &format!("{plan_page}/stop"), &[]);
    assert_eq!(twice.status, 409, "{}", twice.body);
}

fn a_discarded_file_has_no_content(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut ana = logged_in_admin(store, &app, &sink, &acme);
    let (customer, mandate) = payer(&mut ana);
    let tenant = store.tenant(acme.clone());
    let input = PaymentInput {
        customer_id: customer,
        instrument: Instrument::Mandate(mandate),
        amount: Money::from_minor(4990, Currency::EUR),
        due_on: None,
        remittance: Some("Facture 118".to_owned()),
        end_to_end_id: None,
    };
    let p = create_payment(&tenant, app.clock.as_ref(), &Actor::Cli, &input).unwrap();
    app.run_collections(&tenant);
    let file_page = first_link(&ana.get("/bank-files").body, "/bank-files/file_");
    // Changing a payment of a pending file discards the file.
    let page = format!("/payments/{}", p.id);
    let due = p.due_on.to_string();
    let changed = ana.fill(
        &page,
        &format!("{page}/change"),
        &[
            ("amount", "50,00"),
            ("due_date", &due),
            ("remittance_info", "Facture 118"),
        ],
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    let html = ana.get(&file_page).body;
    assert!(html.contains("id=\"file-status\">Écarté<"), "{html}");
    assert!(
        html.contains("— un de ses paiements a été modifié</dd>"),
        "the page says why, in French: {html}"
    );
    assert!(
        !html.contains("id=\"download-file\"") && !html.contains("id=\"mark-sent\""),
        "{html}"
    );
    let content = ana.get(&format!("{file_page}/content"));
    assert_eq!(content.status, 409, "{}", content.body);
    assert!(content.body.contains("écarté"), "{}", content.body);
}

on_both_engines!(
    a_discarded_file_has_no_content,
    plans_are_listed_and_imported_from_the_dashboard,
    payments_are_followed_changed_and_cancelled_from_the_dashboard,
    the_bank_profile_is_set_in_the_settings,
);
