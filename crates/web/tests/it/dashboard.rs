//! The dashboard through the real server, as a browser without JavaScript
//! uses it (cookies, forms, redirects), on both engines.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::SignedDuration;
use prelevo_app::access::{
    change_role, create_admin, list_api_keys, request_password_link, set_password_with_link,
};
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_app::mail::{SmtpMailer, parse_sender};
use prelevo_app::outbox::deliver_ready;
use prelevo_domain::{CreditorKey, Role};
use prelevo_store::Actor;
use prelevo_testkit::{SmtpSink, TestStore, french_iban, french_ics, on_both_engines};
use reqwest::Method;

use crate::{Answer, TestApp};

pub const PASSWORD: &str = "correct horse battery staple";

/// A cookie jar and a way to fill forms.
pub struct Browser<'a> {
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
    language: &'static str,
    /// Sent as `X-Forwarded-For`, as a reverse proxy would.
    pub forwarded_for: Option<&'static str>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: BTreeMap::new(),
            language: "fr",
            forwarded_for: None,
        }
    }

    pub fn remember(&mut self, answer: &Answer) {
        for value in answer.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn app(&self) -> &'a TestApp {
        self.app
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn get(&mut self, path: &str) -> Answer {
        let (cookies, language) = (self.cookie_header(), self.language);
        let forwarded = self.forwarded_for;
        let answer = self.app.send(Method::GET, path, |r| {
            let r = r
                .header("cookie", cookies)
                .header("accept-language", language);
            match forwarded {
                Some(client) => r.header("x-forwarded-for", client),
                None => r,
            }
        });
        self.remember(&answer);
        answer
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let (cookies, language) = (self.cookie_header(), self.language);
        let forwarded = self.forwarded_for;
        let answer = self.app.send(Method::POST, path, |r| {
            let r = r
                .header("cookie", cookies)
                .header("accept-language", language)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            match forwarded {
                Some(client) => r.header("x-forwarded-for", client),
                None => r,
            }
        });
        self.remember(&answer);
        answer
    }

    /// Loads `page` and posts its form with the token it carries.
    pub fn fill(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let html = self.get(page).body;
        let csrf = csrf_in(&html);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }

    pub fn login(&mut self, email: &str, password: &str) -> Answer {
        self.fill(
            "/login",
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("next", "/settings"),
            ],
        )
    }
}

pub fn csrf_in(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a token")
        + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn location(answer: &Answer) -> &str {
    answer
        .headers
        .get("location")
        .map_or("", |v| v.to_str().unwrap())
}

pub fn creditor(store: &TestStore, app: &TestApp) -> CreditorKey {
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

/// Gives `email` a password through the real link flow (outbox → SMTP).
pub fn with_password(store: &TestStore, app: &TestApp, sink: &SmtpSink, email: &str) {
    request_password_link(store, app.clock.as_ref(), email, "http://prelevo.test").unwrap();
    let link = emailed_link(store, app, sink, email);
    set_password_with_link(
        store,
        app.clock.as_ref(),
        link.rsplit('/').next().unwrap(),
        PASSWORD,
    )
    .unwrap();
}

/// Ana, administrator of `acme`, with a password set through the emailed
/// link, logged in.
pub fn logged_in_admin<'a>(
    store: &TestStore,
    app: &'a TestApp,
    sink: &SmtpSink,
    acme: &CreditorKey,
) -> Browser<'a> {
    create_admin(store, app.clock.as_ref(), acme, "ana@acme.example").unwrap();
    with_password(store, app, sink, "ana@acme.example");
    let mut browser = Browser::new(app);
    browser.login("ana@acme.example", PASSWORD);
    browser
}

/// The path of the one-time link in the last email to `to`.
fn emailed_link(store: &TestStore, app: &TestApp, sink: &SmtpSink, to: &str) -> String {
    let mailer =
        SmtpMailer::from_url(&sink.url(), parse_sender("p@prelevo.test").unwrap()).unwrap();
    deliver_ready(store, app.clock.as_ref(), &mailer, "test", 50).unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(5));
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.recipients.iter().any(|r| r == to))
        .unwrap();
    // The path of the link (whatever the configured base URL).
    let body = mail.data.replace("=\r\n", "");
    let start = body
        .find("/password/")
        .or_else(|| body.find("/invitation/"))
        .unwrap();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

fn a_member_sets_a_password_logs_in_and_out(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    creditor(store, &app);
    let acme = store
        .find_creditor(&french_ics(1).to_string())
        .unwrap()
        .unwrap();
    create_admin(store, app.clock.as_ref(), &acme, "ana@acme.example").unwrap();
    let mut browser = Browser::new(&app);

    // Not logged in: sent to the login page.
    let guarded = browser.get("/settings");
    assert_eq!(guarded.status, 303);
    assert_eq!(location(&guarded), "/login?next=%2Fsettings");

    let sent = browser.fill("/password", "/password", &[("email", "ana@acme.example")]);
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body.contains("un lien vient de lui être envoyé"),
        "{}",
        sent.body
    );
    let unknown = browser.fill(
        "/password",
        "/password",
        &[("email", "nobody@acme.example")],
    );
    assert_eq!(
        unknown.body, sent.body,
        "the same answer for an unknown address"
    );

    let path = emailed_link(store, &app, &sink, "ana@acme.example");
    let path = path.as_str();
    let short = browser.fill(path, path, &[("password", "short")]);
    assert_eq!(short.status, 422);
    let set = browser.fill(path, path, &[("password", PASSWORD)]);
    assert_eq!((set.status, location(&set)), (303, "/login?done=1"));
    let again = browser.fill(path, path, &[("password", PASSWORD)]);
    assert_eq!(again.status, 410, "a link works once");

    let wrong = browser.login("ana@acme.example", "not the password");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .body
            .contains("Adresse e-mail ou mot de passe incorrect")
    );
    // Never sent off the site after login, however `next` is disguised.
    for offsite in ["//evil.example", "/\\evil.example", "/\t/evil.example"] {
        let mut elsewhere = Browser::new(&app);
        let logged = elsewhere.fill(
            "/login",
            "/login",
            &[
                ("email", "ana@acme.example"),
                ("password", PASSWORD),
                ("next", offsite),
            ],
        );
        assert_eq!(
            (logged.status, location(&logged)),
            (303, "/"),
            "{offsite:?}"
        );
    }
    let logged = browser.login("ana@acme.example", PASSWORD);
    assert_eq!((logged.status, location(&logged)), (303, "/settings"));
    let cookie = logged.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let settings = browser.get("/settings");
    assert_eq!(settings.status, 200);
    assert!(settings.body.contains("Acme Abonnements"));
    assert!(settings.body.contains("ana@acme.example"));
    assert!(
        settings.body.contains("Pré-production"),
        "the environment is always shown"
    );

    // Choosing English becomes the user's preference, on any device.
    assert_eq!(browser.get("/lang/en?next=/settings").status, 303);
    assert!(browser.get("/settings").body.contains("Settings"));
    let user = store
        .platform_read(|tx| {
            tx.user_by_email(&prelevo_domain::EmailAddress::parse("ana@acme.example").unwrap())
        })
        .unwrap()
        .unwrap();
    assert_eq!(user.language, Some(prelevo_domain::Locale::En));
    browser.cookies.remove("lang");
    let html = browser.get("/settings").body;
    assert!(
        html.contains("<html lang=\"en\""),
        "the preference wins over Accept-Language: fr"
    );

    let out = browser.post("/logout", &[("csrf", &csrf_in(&html))]);
    assert_eq!((out.status, location(&out)), (303, "/login"));
    assert_eq!(browser.get("/settings").status, 303);
}

fn too_many_failures_lock_the_account_with_a_message(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    create_admin(store, app.clock.as_ref(), &acme, "ana@acme.example").unwrap();
    with_password(store, &app, &sink, "ana@acme.example");
    let mut browser = Browser::new(&app);
    for _ in 0..4 {
        assert_eq!(
            browser.login("ana@acme.example", "wrong password!").status,
            401
        );
    }
    let locked = browser.login("ana@acme.example", "wrong password!");
    assert_eq!(locked.status, 429);
    assert!(
        locked.body.contains("Trop de tentatives"),
        "{}",
        locked.body
    );
    assert_eq!(browser.login("ana@acme.example", PASSWORD).status, 429);
    app.clock.advance(SignedDuration::from_mins(15)).unwrap();
    assert_eq!(browser.login("ana@acme.example", PASSWORD).status, 303);
}

/// Behind a trusted proxy, twenty failures lock the address they came
/// from, not every client of the proxy; a peer that is not a trusted proxy
/// cannot choose its address with the header.
fn behind_a_trusted_proxy_the_client_s_address_is_counted(store: &TestStore) {
    let config = prelevo_web::AppConfig {
        trusted_proxies: prelevo_web::TrustedProxies::parse(["127.0.0.1"]).unwrap(),
        ..prelevo_web::AppConfig::default()
    };
    let app = TestApp::spawn_with(store, config);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    create_admin(store, app.clock.as_ref(), &acme, "ana@acme.example").unwrap();
    with_password(store, &app, &sink, "ana@acme.example");
    let mut attacker = Browser::new(&app);
    attacker.forwarded_for = Some("198.51.100.66");
    for n in 0..20 {
        let email = format!("nobody{n}@acme.example");
        attacker.login(&email, "guess");
    }
    assert_eq!(attacker.login("someone@acme.example", "guess").status, 429);
    let mut colleague = Browser::new(&app);
    colleague.forwarded_for = Some("203.0.113.10");
    assert_eq!(colleague.login("ana@acme.example", PASSWORD).status, 303);

    // Without trusted proxies the header is not believed: the address
    // locked is the peer's, whatever the header says.
    let plain = TestApp::spawn(store);
    let mut liar = Browser::new(&plain);
    for n in 0..20 {
        let client: &'static str = ["198.51.100.1", "198.51.100.2"][n % 2];
        liar.forwarded_for = Some(client);
        liar.login(&format!("nobody{n}@acme.example"), "guess");
    }
    liar.forwarded_for = Some("198.51.100.3");
    assert_eq!(liar.login("someone@acme.example", "guess").status, 429);
}

fn forms_without_their_token_are_refused(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut browser = logged_in_admin(store, &app, &sink, &acme);
    let forged = browser.post(
        "/settings",
        &[
            ("csrf", "not-the-token"),
            ("representation_delay_days", "9"),
            ("max_rejections", "3"),
            ("insufficient_funds_retry_interval_hours", "24"),
            ("insufficient_funds_retry_cap", "3"),
            ("pre_notification_days", "14"),
            ("billing_contact_email", ""),
        ],
    );
    assert_eq!(forged.status, 403);
    let settings = browser.get("/settings").body;
    assert!(settings.contains("value=\"5\""), "unchanged");
    // From another site, even with the token.
    let token = csrf_in(&settings);
    let cookies = browser.cookie_header();
    let cross = app.send(Method::POST, "/logout", |r| {
        r.header("cookie", cookies)
            .header("origin", "https://evil.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={token}"))
    });
    assert_eq!(cross.status, 403);
    // A login form without its cookie's token.
    let mut stranger = Browser::new(&app);
    let refused = stranger.post(
        "/login",
        &[
            ("csrf", "x"),
            ("email", "ana@acme.example"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(refused.status, 403);
}

fn sessions_expire_after_an_idle_hour(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut browser = logged_in_admin(store, &app, &sink, &acme);
    app.clock.advance(SignedDuration::from_mins(59)).unwrap();
    assert_eq!(browser.get("/settings").status, 200);
    app.clock.advance(SignedDuration::from_mins(61)).unwrap();
    assert_eq!(browser.get("/settings").status, 303);
}

/// Each route × each role → the expected status.
fn roles_are_enforced_on_every_route(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let clock = app.clock.as_ref();
    let mut browsers = Vec::new();
    for (email, role) in [
        ("admin@acme.example", Role::Admin),
        ("operator@acme.example", Role::Operator),
        ("viewer@acme.example", Role::Viewer),
    ] {
        let member = create_admin(store, clock, &acme, email).unwrap();
        if role != Role::Admin {
            change_role(store, clock, &Actor::Cli, &acme, &member.user.id, role).unwrap();
        }
        with_password(store, &app, &sink, email);
        let mut browser = Browser::new(&app);
        assert_eq!(browser.login(email, PASSWORD).status, 303);
        browsers.push((role, browser));
    }
    let settings_form = [
        ("representation_delay_days", "6"),
        ("max_rejections", "3"),
        ("insufficient_funds_retry_interval_hours", "24"),
        ("insufficient_funds_retry_cap", "3"),
        ("pre_notification_days", "14"),
        ("billing_contact_email", ""),
    ];
    // (method, path, [admin, operator, viewer])
    let table: [(&str, &str, [u16; 3]); 9] = [
        ("GET", "/settings", [200, 200, 200]),
        ("GET", "/api-reference", [200, 200, 200]),
        ("GET", "/team", [200, 403, 403]),
        ("GET", "/api-keys", [200, 403, 403]),
        ("GET", "/audit", [200, 403, 403]),
        ("GET", "/audit/export.csv", [200, 403, 403]),
        ("POST", "/settings", [200, 403, 403]),
        ("POST", "/team/invite", [200, 403, 403]),
        ("POST", "/api-keys", [201, 403, 403]),
    ];
    for (method, path, expected) in table {
        for (i, (role, browser)) in browsers.iter_mut().enumerate() {
            let status = if method == "GET" {
                browser.get(path).status
            } else {
                let token = csrf_in(&browser.get("/settings").body);
                let mut fields: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
                match path {
                    "/settings" => fields.extend_from_slice(&settings_form),
                    "/team/invite" => fields
                        .extend_from_slice(&[("email", "new@acme.example"), ("role", "viewer")]),
                    _ => fields.extend_from_slice(&[("name", "ERP"), ("scope", "read")]),
                }
                browser.post(path, &fields).status
            };
            assert_eq!(status, expected[i], "{method} {path} as {role:?}");
        }
    }
}

fn pages_speak_the_browsers_language_and_carry_security_headers(store: &TestStore) {
    let app = TestApp::spawn(store);
    let mut browser = Browser::new(&app);
    browser.language = "en-GB,en;q=0.9";
    let login = browser.get("/login");
    assert!(login.body.contains("<html lang=\"en\""), "{}", login.body);
    assert!(login.body.contains("Log in"));
    let csp = login.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(login.headers["x-content-type-options"], "nosniff");
    assert!(!login.body.contains("<script>"), "no inline script");
    let switched = browser.get("/lang/fr?next=/login");
    assert_eq!(switched.status, 303);
    assert!(
        browser.get("/login").body.contains("Se connecter"),
        "the cookie wins over the header"
    );
}

fn the_audit_export_is_a_semicolon_csv(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut browser = logged_in_admin(store, &app, &sink, &acme);
    let export = browser.get("/audit/export.csv?action=admin_created");
    assert_eq!(export.status, 200);
    assert!(
        export.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = export.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "date;actor;entity;action;before;after");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains(";admin_created;"), "{}", lines[1]);
    let page = browser.get("/audit?action=admin_created");
    assert!(page.body.contains("1 résultat"), "{}", page.body);
    assert!(
        page.body.contains("<td>ligne de commande</td>"),
        "the page names who acted: {}",
        page.body
    );
    let by_ana = browser.get("/audit?actor_kind=user").body;
    assert!(by_ana.contains("<td>ana@acme.example</td>"), "{by_ana}");
    assert!(
        page.body.contains("/audit/export.csv?action=admin_created"),
        "the export keeps the filters"
    );
    // Pages keep the filters in their links; unknown filters are refused.
    let first = browser.get("/audit?actor_kind=user&limit=1");
    let next = first
        .body
        .split("rel=\"next\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        next.contains("actor_kind=user") && next.contains("after="),
        "{next}"
    );
    assert_eq!(browser.get(&next).status, 200);
    assert_eq!(browser.get("/audit?colour=red").status, 400);
    // htmx asks for the list alone when filtering or paging.
    let cookies = browser.cookie_header();
    let fragment = app.send(Method::GET, "/audit?actor_kind=user&limit=1", |r| {
        r.header("cookie", cookies).header("hx-request", "true")
    });
    assert_eq!(fragment.status, 200);
    assert!(
        fragment
            .body
            .trim_start()
            .starts_with("<div class=\"list\" id=\"list\">"),
        "{}",
        fragment.body
    );
    assert!(!fragment.body.contains("<html"));
    assert!(
        fragment.body.contains("hx-get=\"/audit?"),
        "paging links swap the list"
    );
}

fn an_invitation_is_sent_accepted_and_managed_from_the_team_page(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut admin = logged_in_admin(store, &app, &sink, &acme);
    let invited = admin.fill(
        "/team",
        "/team/invite",
        &[("email", "leo@acme.example"), ("role", "operator")],
    );
    assert_eq!(invited.status, 200);
    assert!(
        invited
            .body
            .contains("Invitation envoyée à leo@acme.example"),
        "{}",
        invited.body
    );
    assert!(
        invited.body.contains("Invitation envoyée"),
        "the member's state is shown"
    );

    let path = emailed_link(store, &app, &sink, "leo@acme.example");
    assert!(path.starts_with("/invitation/"), "{path}");
    let mut leo = Browser::new(&app);
    let accepted = leo.fill(&path, &path, &[("password", PASSWORD)]);
    assert_eq!(
        (accepted.status, location(&accepted)),
        (303, "/login?done=1")
    );
    assert_eq!(
        leo.fill(&path, &path, &[("password", PASSWORD)]).status,
        410,
        "used once"
    );
    assert_eq!(leo.login("leo@acme.example", PASSWORD).status, 303);
    assert_eq!(leo.get("/settings").status, 200);
    assert_eq!(
        leo.get("/team").status,
        403,
        "an operator does not manage the team"
    );

    // The administrator deactivates Leo: his session ends at once.
    let team = admin.get("/team").body;
    let token = csrf_in(&team);
    let leo_user = store
        .platform_read(|tx| {
            tx.user_by_email(&prelevo_domain::EmailAddress::parse("leo@acme.example").unwrap())
        })
        .unwrap()
        .unwrap();
    let deactivated = admin.post(
        &format!("/team/{}/deactivate", leo_user.id),
        &[("csrf", &token)],
    );
    assert_eq!((deactivated.status, location(&deactivated)), (303, "/team"));
    assert_eq!(
        leo.get("/settings").status,
        303,
        "sent back to the login page"
    );
}

/// A key revoked from the dashboard is refused by the API at once, though
/// the server had just verified it.
fn a_key_revoked_in_the_dashboard_is_refused_at_once(store: &TestStore) {
    let app = TestApp::spawn(store);
    let sink = SmtpSink::start();
    let acme = creditor(store, &app);
    let mut browser = logged_in_admin(store, &app, &sink, &acme);
    let token = csrf_in(&browser.get("/api-keys").body);
    let created = browser.post(
        "/api-keys",
        &[("csrf", token.as_str()), ("name", "ERP"), ("scope", "read")],
    );
    assert_eq!(created.status, 201);
    let start = created.body.find("pk_test_").unwrap();
    let secret: String = created.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let api = |secret: &str| {
        app.send(Method::GET, "/v1/creditor", |r| r.bearer_auth(secret))
            .status
    };
    assert_eq!(api(&secret), 200);
    let id = list_api_keys(&store.tenant(acme.clone())).unwrap()[0]
        .id
        .clone();
    let token = csrf_in(&browser.get("/api-keys").body);
    let revoked = browser.post(
        &format!("/api-keys/{id}/revoke"),
        &[("csrf", token.as_str())],
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(api(&secret), 401);
}

on_both_engines!(
    a_key_revoked_in_the_dashboard_is_refused_at_once,
    an_invitation_is_sent_accepted_and_managed_from_the_team_page,
    a_member_sets_a_password_logs_in_and_out,
    too_many_failures_lock_the_account_with_a_message,
    behind_a_trusted_proxy_the_client_s_address_is_counted,
    forms_without_their_token_are_refused,
    sessions_expire_after_an_idle_hour,
    roles_are_enforced_on_every_route,
    pages_speak_the_browsers_language_and_carry_security_headers,
    the_audit_export_is_a_semicolon_csv,
);
