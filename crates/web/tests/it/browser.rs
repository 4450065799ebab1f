//! The dashboard in a real headless Chromium (chromedriver, from Debian): a
//! person logs in, goes through the menu, invites a member, creates an API
//! key, switches to English, then uses the dashboard at phone width; and a
//! person creates a subscriber and its mandate, prints it, revokes it and
//! exports the mandate list; and a person changes a payment, reads its
//! history, downloads the day's bank file and marks it sent.
//!
//! On SQLite only: the browser sees pages, not the engine, and the other
//! dashboard tests already run every route on both engines.
//!
//! Screenshots land in `target/browser-artifacts/` (and `docs/screenshots/`
//! with `PRELEVO_UPDATE_SCREENSHOTS=1`, for the user guide); a failed step
//! leaves `failure-<step>.png` and `.html` there. Without Chromium the test
//! fails, unless `PRELEVO_SKIP_BROWSER=1`.

use std::time::Duration;

use prelevo_app::access::{create_admin, request_password_link, set_password_with_link};
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_app::mail::{SmtpMailer, parse_sender};
use prelevo_app::outbox::deliver_ready;
use prelevo_app::payments::{PaymentInput, create_payment};
use prelevo_app::plans::{PlanInput, create_plan};
use prelevo_domain::{CreditorKey, Currency, Frequency, Instrument, Money, Payment, PlanEnd};
use prelevo_store::Actor;
use prelevo_testkit::browser::DESKTOP;
use prelevo_testkit::bulk::{bulk_customer, bulk_mandate};
use prelevo_testkit::{
    BrowserError, Chromium, SmtpSink, TestStore, check, french_iban, french_ics, sqlite_store,
};

use crate::TestApp;

const EMAIL: &str = "ana@acme.example";
const PASSWORD: &str = "correct horse battery staple";

/// A phone's width and height, in CSS pixels.
const PHONE: (u32, u32) = (375, 800);

fn creditor(store: &TestStore, app: &TestApp) -> CreditorKey {
    let input = CreditorInput {
        name: "Acme Abonnements".into(),
        ics: french_ics(1).to_string(),
        iban: french_iban(1).to_string(),
        ..CreditorInput::default()
    };
    create_creditor(store, app.clock.as_ref(), &Actor::Cli, &input)
        .unwrap()
        .id
}

/// An administrator who chose a password through the emailed link, as the
/// first administrator does (outbox → SMTP → link → password).
fn admin_with_password(store: &TestStore, app: &TestApp, acme: &CreditorKey) {
    let sink = SmtpSink::start();
    let clock = app.clock.as_ref();
    create_admin(store, clock, acme, EMAIL).unwrap();
    request_password_link(store, clock, EMAIL, "http://prelevo.test").unwrap();
    let mailer =
        SmtpMailer::from_url(&sink.url(), parse_sender("p@prelevo.test").unwrap()).unwrap();
    deliver_ready(store, clock, &mailer, "test", 50).unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(5));
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.recipients.iter().any(|r| r == EMAIL))
        .expect("the password link was emailed");
    let body = mail.data.replace("=\r\n", "");
    let start = body.find("/password/").expect("a link in the email");
    let link = body[start..].split_whitespace().next().unwrap();
    let token = link.rsplit('/').next().unwrap();
    set_password_with_link(store, clock, token, PASSWORD).unwrap();
}

#[test]
fn a_person_logs_in_finds_the_pages_switches_language_and_uses_a_phone() {
    let store = sqlite_store();
    let app = TestApp::spawn(&store);
    let acme = creditor(&store, &app);
    admin_with_password(&store, &app, &acme);
    let base = app.url("");
    app.runtime.block_on(async {
        // A French-speaking browser: the dashboard's default language too.
        let Some(browser) = Chromium::launch("fr-FR,fr").await else {
            return;
        };
        tour(&browser, &base).await;
        browser.close().await;
    });
}

/// The `href`s of the main menu's links.
async fn menu(browser: &Chromium) -> Result<Vec<String>, BrowserError> {
    let mut hrefs = Vec::new();
    for link in browser.find_all("nav.main-nav a").await? {
        hrefs.push(link.attr("href").await?.unwrap_or_default());
    }
    Ok(hrefs)
}

/// Clicks the main menu's link to `path` and checks the page it opens.
async fn open_from_menu(browser: &Chromium, path: &str) -> Result<(), BrowserError> {
    browser
        .find(&format!("nav.main-nav a[href=\"{path}\"]"))
        .await?
        .click()
        .await?;
    let now = browser.path_becomes(path).await?;
    check(now == path, || format!("the menu led to {now}, not {path}"))?;
    let current = browser
        .find("nav.main-nav a[aria-current=\"page\"]")
        .await?
        .attr("href")
        .await?;
    check(current.as_deref() == Some(path), || {
        format!("the menu marks {current:?} as the current page on {path}")
    })
}

/// Checks the page is in `lang` and its heading reads `heading`.
async fn page_is(browser: &Chromium, lang: &str, heading: &str) -> Result<(), BrowserError> {
    let html_lang = browser.find("html").await?.attr("lang").await?;
    check(html_lang.as_deref() == Some(lang), || {
        format!("<html lang> is {html_lang:?}, not {lang}")
    })?;
    let h1 = browser.text_of("main h1").await?;
    check(h1.trim() == heading, || {
        format!("the heading is {h1:?}, not {heading:?}")
    })
}

/// Submits the form whose action is `action` with its own button.
async fn submit(browser: &Chromium, action: &str) -> Result<(), BrowserError> {
    browser
        .find(&format!(
            "form[action=\"{action}\"] button[type=\"submit\"]"
        ))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Opens the login page and logs in as the administrator.
async fn log_in(browser: &Chromium, base: &str) -> Result<(), BrowserError> {
    browser.client().goto(&format!("{base}/login")).await?;
    browser.find("#email").await?.send_keys(EMAIL).await?;
    browser.find("#password").await?.send_keys(PASSWORD).await?;
    submit(browser, "/login").await
}

/// Checks nothing sticks out sideways: the page scrolls only vertically.
async fn fits_the_width(browser: &Chromium) -> Result<(), BrowserError> {
    let widths = browser
        .client()
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            Vec::new(),
        )
        .await?;
    let (scroll, inner) = (widths[0].as_u64(), widths[1].as_u64());
    let path = browser.path().await?;
    check(scroll.is_some() && scroll <= inner, || {
        format!("{path} overflows: scrollWidth {scroll:?} > innerWidth {inner:?}")
    })
}

async fn tour(browser: &Chromium, base: &str) {
    let client = browser.client();

    browser
        .step("login-page", async {
            client.goto(&format!("{base}/login")).await?;
            page_is(browser, "fr", "Connexion").await?;
            browser.screenshot("login-fr").await
        })
        .await;

    browser
        .step("log-in", async {
            browser.find("#email").await?.send_keys(EMAIL).await?;
            browser.find("#password").await?.send_keys(PASSWORD).await?;
            submit(browser, "/login").await?;
            let path = browser.path_becomes("/settings").await?;
            check(path == "/settings", || {
                format!("logging in led to {path}, not /settings")
            })
        })
        .await;

    browser
        .step("settings-fr", async {
            page_is(browser, "fr", "Paramètres").await?;
            let hrefs = menu(browser).await?;
            for path in ["/settings", "/team", "/api-keys", "/audit"] {
                check(hrefs.iter().any(|h| h == path), || {
                    format!("the menu has no link to {path}: {hrefs:?}")
                })?;
            }
            let environment = browser.text_of("header .env").await?;
            check(environment.contains("Pré-production"), || {
                format!("the header shows {environment:?}, not the environment")
            })?;
            let account = browser.text_of("header .account-email").await?;
            check(account == EMAIL, || format!("the header shows {account:?}"))?;
            browser.screenshot("settings-fr").await
        })
        .await;

    browser
        .step("team-fr", async {
            open_from_menu(browser, "/team").await?;
            page_is(browser, "fr", "Équipe").await?;
            browser
                .find("#invite-email")
                .await?
                .send_keys("leo@acme.example")
                .await?;
            browser
                .find("#invite-role")
                .await?
                .select_by_value("operator")
                .await?;
            submit(browser, "/team/invite").await?;
            let notice = browser.text_of("main .notice").await?;
            check(notice.contains("leo@acme.example"), || {
                format!("no invitation notice: {notice:?}")
            })?;
            let table = browser.text_of("main table").await?;
            check(
                table.contains(EMAIL) && table.contains("leo@acme.example"),
                || format!("the team table lacks a member: {table:?}"),
            )?;
            browser.screenshot("team-fr").await
        })
        .await;

    browser
        .step("api-keys-fr", async {
            open_from_menu(browser, "/api-keys").await?;
            page_is(browser, "fr", "Clés d'API").await?;
            browser
                .find("#key-name")
                .await?
                .send_keys("Logiciel comptable")
                .await?;
            browser
                .find("#key-scope")
                .await?
                .select_by_value("write")
                .await?;
            submit(browser, "/api-keys").await?;
            let secret = browser.text_of("code.secret").await?;
            check(secret.starts_with("pk_test_"), || {
                format!("the new key's secret is {secret:?}, not a pk_test_ key")
            })?;
            let table = browser.text_of("main table").await?;
            check(table.contains("Logiciel comptable"), || {
                format!("the new key is not listed: {table:?}")
            })?;
            browser.screenshot("api-keys-fr").await
        })
        .await;

    browser
        .step("switch-to-english", async {
            browser
                .find("nav.languages a[hreflang=\"en\"]")
                .await?
                .click()
                .await?;
            let path = browser.path_becomes("/api-keys").await?;
            check(path == "/api-keys", || {
                format!("the language switch led to {path}, not back to /api-keys")
            })?;
            page_is(browser, "en", "API keys").await?;
            let secrets = browser.find_all("code.secret").await?;
            check(secrets.is_empty(), || {
                "the secret is shown again after the creation page".to_owned()
            })?;
            let nav = browser.text_of("nav.main-nav").await?;
            check(nav.contains("Team") && nav.contains("Settings"), || {
                format!("the menu is not in English: {nav:?}")
            })?;
            browser.screenshot("api-keys-en").await
        })
        .await;

    browser
        .step("settings-en", async {
            open_from_menu(browser, "/settings").await?;
            page_is(browser, "en", "Settings").await?;
            let environment = browser.text_of("header .env").await?;
            check(environment.contains("Pre-production"), || {
                format!("the header shows {environment:?}")
            })?;
            browser.screenshot("settings-en").await
        })
        .await;

    browser
        .step("team-en", async {
            open_from_menu(browser, "/team").await?;
            page_is(browser, "en", "Team").await?;
            browser.screenshot("team-en").await
        })
        .await;

    browser
        .step("phone", async {
            browser.resize(PHONE.0, PHONE.1).await?;
            for path in ["/settings", "/team", "/api-keys", "/audit"] {
                client.goto(&format!("{base}{path}")).await?;
                let nav = browser.find("nav.main-nav").await?;
                check(nav.is_displayed().await?, || {
                    format!("the menu is hidden at {}px on {path}", PHONE.0)
                })?;
                fits_the_width(browser).await?;
            }
            client.goto(&format!("{base}/settings")).await?;
            browser.screenshot("settings-375").await
        })
        .await;

    browser
        .step("log-out", async {
            browser.resize(DESKTOP.0, DESKTOP.1).await?;
            submit(browser, "/logout").await?;
            let path = browser.path_becomes("/login").await?;
            check(path == "/login", || {
                format!("logging out led to {path}, not /login")
            })?;
            page_is(browser, "en", "Log in").await?;
            fits_the_width(browser).await?;
            browser.screenshot("login-en").await
        })
        .await;
}

#[test]
fn a_person_creates_a_subscriber_and_a_mandate_prints_revokes_and_exports_it() {
    let store = sqlite_store();
    let app = TestApp::spawn(&store);
    let acme = creditor(&store, &app);
    admin_with_password(&store, &app, &acme);
    let base = app.url("");
    app.runtime.block_on(async {
        let Some(browser) = Chromium::launch("fr-FR,fr").await else {
            return;
        };
        subscriber_and_mandate(&browser, &base).await;
        browser.close().await;
    });
}

/// Fetches `href` with the page's session, as a click on a download link
/// would: its status, its content type and the start of its body.
async fn fetch_in_page(
    browser: &Chromium,
    href: &str,
) -> Result<(u64, String, String), BrowserError> {
    let answer = browser
        .client()
        .execute_async(
            "const [href, done] = arguments;
             fetch(href).then(async r => done([r.status, r.headers.get('content-type'),
                 (await r.text()).slice(0, 4000)]));",
            vec![serde_json::Value::String(href.to_owned())],
        )
        .await?;
    Ok((
        answer[0].as_u64().unwrap_or(0),
        answer[1].as_str().unwrap_or_default().to_owned(),
        answer[2].as_str().unwrap_or_default().to_owned(),
    ))
}

async fn subscriber_and_mandate(browser: &Chromium, base: &str) {
    let client = browser.client();

    browser.step("log-in", log_in(browser, base)).await;

    browser
        .step("new-subscriber", async {
            open_from_menu(browser, "/subscribers").await?;
            page_is(browser, "fr", "Abonnés").await?;
            browser
                .find("#c-reference")
                .await?
                .send_keys("C-042")
                .await?;
            browser
                .find("#c-last-name")
                .await?
                .send_keys("Martin")
                .await?;
            browser
                .find("#c-first-name")
                .await?
                .send_keys("Zoé")
                .await?;
            browser.find("#c-city").await?.send_keys("Lyon").await?;
            browser
                .find("#c-email")
                .await?
                .send_keys("zoe@example.fr")
                .await?;
            // The filters are a form on /subscribers too: the new
            // subscriber's is the one that posts.
            browser
                .find("form[method=\"post\"][action=\"/subscribers\"] button")
                .await?
                .click()
                .await?;
            let path = browser.path_becomes("/subscribers/cus_").await?;
            check(path.starts_with("/subscribers/cus_"), || {
                format!("creating the subscriber led to {path}")
            })?;
            let health = browser.text_of("#customer-health").await?;
            check(health == "Aucun", || {
                format!("a new subscriber's health is {health:?}")
            })
        })
        .await;

    browser
        .step("new-mandate", async {
            browser
                .find("#m-reference")
                .await?
                .send_keys("RUM-NAV-1")
                .await?;
            browser
                .find("#m-iban")
                .await?
                .send_keys("FR76 3000 6000 0112 3456 7890 189")
                .await?;
            // A date field types in the browser's locale: set its value.
            client
                .execute(
                    "document.getElementById('m-signed-on').value = '2026-11-02';",
                    Vec::new(),
                )
                .await?;
            browser.find("#m-place").await?.send_keys("Lyon").await?;
            browser
                .find("form[action$=\"/mandates\"] button[type=\"submit\"]")
                .await?
                .click()
                .await?;
            let table = browser.text_of("#mandate-table").await?;
            check(
                table.contains("RUM-NAV-1") && table.contains("Actif"),
                || format!("the mandate is not listed as active: {table:?}"),
            )?;
            let health = browser.text_of("#customer-health").await?;
            check(health == "Actif", || {
                format!("the health is {health:?}, not Actif")
            })?;
            browser.screenshot("subscriber-fr").await
        })
        .await;

    browser
        .step("mandate-pdf", async {
            let href = browser
                .find("#mandate-table a[href$=\"/pdf\"]")
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            let (status, kind, start) = fetch_in_page(browser, &href).await?;
            check(status == 200 && kind == "application/pdf", || {
                format!("the PDF link answered {status} {kind}")
            })?;
            check(start.starts_with("%PDF-"), || {
                format!("the PDF link gave {:?}", start.get(..20))
            })
        })
        .await;

    browser
        .step("revoke", async {
            browser
                .find("#mandate-table input[name=\"reason\"]")
                .await?
                .send_keys("Compte clôturé")
                .await?;
            browser
                .find("#mandate-table form[action$=\"/revoke\"] button")
                .await?
                .click()
                .await?;
            let status = browser
                .text_becomes("#mandate-table .mandate-status", "Révoqué")
                .await?;
            check(status == "Révoqué", || {
                format!("the mandate is {status:?}")
            })?;
            let health = browser
                .text_becomes("#customer-health", "Informations invalides")
                .await?;
            check(health == "Informations invalides", || {
                format!("after the revocation the health is {health:?}")
            })
        })
        .await;

    browser
        .step("mandate-list-and-export", async {
            open_from_menu(browser, "/mandates").await?;
            page_is(browser, "fr", "Mandats et cartes").await?;
            let table = browser.text_of("#list table").await?;
            check(
                table.contains("RUM-NAV-1") && table.contains("Révoqué"),
                || format!("the mandate list lacks the mandate: {table:?}"),
            )?;
            browser.screenshot("mandates-fr").await?;
            let href = browser
                .find("#list a[download]")
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            let (status, kind, csv) = fetch_in_page(browser, &href).await?;
            check(status == 200 && kind.starts_with("text/csv"), || {
                format!("the export answered {status} {kind}")
            })?;
            check(csv.contains(";C-042;RUM-NAV-1;revoked;"), || {
                format!("the export lacks the mandate: {csv:?}")
            })
        })
        .await;
}

#[test]
fn a_person_changes_a_payment_and_sends_the_day_s_bank_file() {
    let store = sqlite_store();
    let app = TestApp::spawn(&store);
    let acme = creditor(&store, &app);
    admin_with_password(&store, &app, &acme);
    // A customer paying by mandate, a payment due next, one due later,
    // and the day's run that files the first.
    let tenant = store.tenant(acme.clone());
    let customer = bulk_customer(1);
    let mandate = bulk_mandate(1, &customer);
    tenant
        .write(|tx| {
            tx.insert_customer(&customer)?;
            tx.insert_mandate(&mandate)
        })
        .unwrap();
    let pay = |cents: i64, due: Option<&str>, text: &str| -> Payment {
        let input = PaymentInput {
            customer_id: customer.id.clone(),
            instrument: Instrument::Mandate(mandate.id.clone()),
            amount: Money::from_minor(cents, Currency::EUR),
            due_on: due.map(|d| d.parse().unwrap()),
            remittance: Some(text.to_owned()),
            end_to_end_id: None,
        };
        create_payment(&tenant, app.clock.as_ref(), &Actor::Cli, &input).unwrap()
    };
    pay(4990, None, "Abonnement décembre");
    let later = pay(2990, Some("2026-12-15"), "Option presse");
    let plan = PlanInput {
        reference: Some("ABO-2026-0001".into()),
        customer_id: customer.id.clone(),
        instrument: Instrument::Mandate(mandate.id.clone()),
        amount: Money::from_minor(1990, Currency::EUR),
        frequency: Frequency::Monthly,
        collection_day: 10,
        start_on: "2027-01-10".parse().unwrap(),
        end: PlanEnd::AfterInstalments(12),
        remittance: Some("Abonnement Presse+".into()),
    };
    create_plan(&tenant, app.clock.as_ref(), &Actor::Cli, &plan).unwrap();
    app.run_collections(&tenant);
    let base = app.url("");
    app.runtime.block_on(async {
        let Some(browser) = Chromium::launch("fr-FR,fr").await else {
            return;
        };
        payments_and_bank_files(&browser, &base, &later).await;
        browser.close().await;
    });
}

async fn payments_and_bank_files(browser: &Chromium, base: &str, later: &Payment) {
    browser
        .step("log-in-for-payments", log_in(browser, base))
        .await;

    browser
        .step("payment-list", async {
            open_from_menu(browser, "/payments").await?;
            page_is(browser, "fr", "Paiements").await?;
            let table = browser.text_of("#list table").await?;
            check(
                table.contains("Option presse")
                    && table.contains("29,90\u{a0}€")
                    && table.contains("A exécuter"),
                || format!("the payment list is {table:?}"),
            )?;
            browser.screenshot("payments-fr").await
        })
        .await;

    browser
        .step("payment-change", async {
            browser
                .find(&format!("#list a[href=\"/payments/{}\"]", later.id))
                .await?
                .click()
                .await?;
            let amount = browser.find("#c-amount").await?;
            amount.clear().await?;
            amount.send_keys("35,00").await?;
            browser
                .find("form[action$=\"/change\"] button[type=\"submit\"]")
                .await?
                .click()
                .await?;
            let shown = browser
                .text_becomes("#payment-amount", "35,00\u{a0}€")
                .await?;
            check(shown == "35,00\u{a0}€", || {
                format!("the amount is {shown:?}")
            })?;
            let timeline = browser.text_of("#payment-timeline").await?;
            check(
                timeline.contains("montant 29,90\u{a0}€ → 35,00\u{a0}€"),
                || format!("the history lacks the change: {timeline:?}"),
            )?;
            browser.screenshot("payment-fr").await
        })
        .await;

    browser
        .step("plans", async {
            open_from_menu(browser, "/plans").await?;
            page_is(browser, "fr", "Échéanciers").await?;
            let table = browser.text_of("#list table").await?;
            check(
                table.contains("ABO-2026-0001")
                    && table.contains("Mensuelle")
                    && table.contains("Ponctuel (une échéance)"),
                || format!("the plan list is {table:?}"),
            )?;
            browser.screenshot("plans-fr").await
        })
        .await;

    browser
        .step("bank-file-send", async {
            open_from_menu(browser, "/bank-files").await?;
            page_is(browser, "fr", "Fichiers bancaires").await?;
            let table = browser.text_of("#list table").await?;
            check(table.contains("En attente d'envoi"), || {
                format!("no pending file: {table:?}")
            })?;
            browser.screenshot("bank-files-fr").await?;
            browser
                .find("#list a[href^=\"/bank-files/file_\"]")
                .await?
                .click()
                .await?;
            let href = browser
                .find("#download-file")
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            let (status, kind, xml) = fetch_in_page(browser, &href).await?;
            check(status == 200 && kind.starts_with("application/xml"), || {
                format!("the download answered {status} {kind}")
            })?;
            check(xml.contains("<CtrlSum>49.90</CtrlSum>"), || {
                format!("the file lacks its control sum: {:?}", xml.get(..400))
            })?;
            browser.screenshot("bank-file-fr").await?;
            browser.find("#mark-sent").await?.click().await?;
            let status = browser.text_becomes("#file-status", "Envoyé").await?;
            check(status == "Envoyé", || format!("the file is {status:?}"))
        })
        .await;
}
