//! The dashboard frame rendered for real: base layout in both languages,
//! static files, language switch and security headers through a router.

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, Uri, header};
use axum::routing::get;
use prelevo_domain::{Environment, Locale, Role};
use prelevo_web::ui::{self, Account, Layout, Section, Transport};
use tower::ServiceExt;

/// A page as the dashboard's pages are written: a `layout` field, a
/// template extending `base.html`.
#[derive(Template, askama_web::WebTemplate)]
#[template(
    source = r#"{% extends "base.html" %}{% block content %}<p class="role">{{ layout.label(role) }}</p>{% endblock %}"#,
    ext = "html"
)]
struct TeamPage {
    layout: Layout,
    role: prelevo_domain::Role,
}

fn team_page(locale: Locale, environment: Environment) -> TeamPage {
    let uri: Uri = "/team?status=active".parse().unwrap();
    TeamPage {
        layout: Layout::new(locale, environment, &uri)
            .in_section(Section::Team)
            .with_account(Account {
                email: "ana@acme.example".into(),
                role: Role::Admin,
                csrf_token: "token".into(),
                creditors: Vec::new(),
            }),
        role: prelevo_domain::Role::Admin,
    }
}

/// Every occurrence of `<tag` with the rest of its start tag.
fn start_tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    html.match_indices(&format!("<{tag}"))
        .map(|(at, _)| {
            let rest = &html[at..];
            &rest[..rest.find('>').map_or(rest.len(), |end| end + 1)]
        })
        .collect()
}

fn assert_csp_clean(html: &str) {
    for script in start_tags(html, "script") {
        assert!(
            script.contains(" src=\"/static/"),
            "inline script: {script}"
        );
    }
    assert!(!html.contains("<style"), "inline <style>");
    assert!(!html.contains(" style="), "style attribute");
    assert!(
        !html.contains(" onclick=") && !html.contains(" onload="),
        "event handler attribute"
    );
    assert!(!html.contains("javascript:"));
}

fn hashed(html: &str, stem: &str, ext: &str) -> bool {
    html.match_indices(&format!("\"/static/{stem}."))
        .any(|(at, prefix)| {
            let rest = &html[at + prefix.len()..];
            let hash = &rest[..rest.find('.').unwrap_or(0)];
            hash.len() == 12
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && rest[hash.len()..].starts_with(&format!(".{ext}\""))
        })
}

#[test]
fn french_pre_production_page() {
    let html = team_page(Locale::Fr, Environment::PreProduction)
        .render()
        .unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
        "{html}"
    );
    assert!(html.contains("<title>Équipe — Prelevo</title>"));
    assert!(html.contains(r#"<p class="env env-preproduction">"#));
    assert!(html.contains("Pré-production"));
    assert!(html.contains(r##"<a class="skip-link" href="#main">Aller au contenu</a>"##));
    assert!(html.contains(r#"<main id="main" tabindex="-1">"#));
    assert!(html.contains(r#"<p class="role">Administrateur</p>"#));
    assert!(
        html.contains(r#"<a href="/team" aria-current="page">Équipe</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/lang/en?next=%2Fteam%3Fstatus%3Dactive""#),
        "{html}"
    );
    assert_csp_clean(&html);
}

#[test]
fn english_production_page() {
    let html = team_page(Locale::En, Environment::Production)
        .render()
        .unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains(r#"<p class="env env-production">"#));
    assert!(html.contains("Production") && !html.contains("Pre-production"));
    assert!(html.contains("<title>Team — Prelevo</title>"));
    assert!(html.contains(r#"<p class="role">Administrator</p>"#));
    assert!(
        html.contains(r#"lang="fr" hreflang="fr">Français</a>"#),
        "{html}"
    );
    assert_csp_clean(&html);
}

#[test]
fn the_menu_lists_built_sections_only() {
    for locale in [Locale::Fr, Locale::En] {
        let html = team_page(locale, Environment::Production).render().unwrap();
        let nav = &html
            [html.find("class=\"main-nav\"").unwrap()..html.find("</nav>\n    <main").unwrap()];
        for section in Section::ALL {
            let link = format!("<a href=\"{}\"", section.path());
            assert_eq!(
                nav.contains(&link),
                section.is_built(),
                "{section:?} in {nav}"
            );
        }
        assert_eq!(start_tags(nav, "li").len(), Section::built().count());
    }
}

#[test]
fn static_files_have_hashed_urls() {
    let html = team_page(Locale::Fr, Environment::Production)
        .render()
        .unwrap();
    assert!(hashed(&html, "prelevo", "css"), "{html}");
    assert!(hashed(&html, "htmx", "min.js"), "{html}");
    assert!(html.contains(r#"<meta name="htmx-config""#));
}

fn app() -> Router {
    Router::new()
        .route(
            "/team",
            get(|| async { team_page(Locale::Fr, Environment::PreProduction) }),
        )
        .merge(ui::routes())
        .layer(ui::security_headers(Transport::Https))
}

async fn get_response(path: &str) -> axum::response::Response {
    let request = Request::get(path).body(Body::empty()).unwrap();
    app().oneshot(request).await.unwrap()
}

#[tokio::test]
async fn pages_are_html_with_security_headers() {
    let response = get_response("/team").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(
        headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_at_its_hashed_url() {
    let html = team_page(Locale::Fr, Environment::Production)
        .render()
        .unwrap();
    let start = html.find("/static/prelevo.").unwrap();
    let url = &html[start..start + html[start..].find('"').unwrap()];
    let response = get_response(url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        response.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
    assert_eq!(
        get_response("/static/prelevo.css").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_language_switch_sets_the_cookie_and_comes_back() {
    let response = get_response("/lang/en?next=%2Fteam%3Fstatus%3Dactive").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/team?status=active");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("lang=en; Path=/;"), "{cookie}");

    let mut headers = axum::http::HeaderMap::new();
    headers.insert(header::COOKIE, "lang=en".parse().unwrap());
    headers.insert(header::ACCEPT_LANGUAGE, "fr".parse().unwrap());
    assert_eq!(ui::negotiate(None, &headers), Locale::En);

    let offsite = get_response("/lang/fr?next=%2F%2Fevil.example").await;
    assert_eq!(offsite.headers()[header::LOCATION], "/");
    let unknown = get_response("/lang/de?next=%2Fteam").await;
    assert_eq!(unknown.headers()[header::LOCATION], "/team");
    assert!(!unknown.headers().contains_key(header::SET_COOKIE));
}
