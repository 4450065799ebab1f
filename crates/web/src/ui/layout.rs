//! What `templates/base.html` needs on every page: language, environment
//! banner, title, menu, language switch and asset URLs. A page template
//! `{% extends "base.html" %}` and its struct has a `layout: Layout` field.
//!
//! The environment banner is on every page so that nobody mistakes a test
//! installation for the live one, or the reverse.

use axum::http::Uri;
use prelevo_domain::{Environment, Locale, Role};

use super::assets;
use super::i18n::{MessageArg, translate, translate_args};
use super::labels::Label;
use super::locale::switch_href;
use super::nav::Section;

/// The frame of a dashboard page.
#[derive(Debug, Clone)]
pub struct Layout {
    locale: Locale,
    environment: Environment,
    current: Option<Section>,
    page_title: Option<String>,
    return_to: String,
    account: Option<Account>,
    time_zone: jiff::tz::TimeZone,
}

/// Who is logged in, for the header's account area and the menu.
#[derive(Debug, Clone)]
pub struct Account {
    /// Their email.
    pub email: String,
    /// Their role in the current creditor (the menu shows what it allows).
    pub role: Role,
    /// The token every form of theirs carries.
    pub csrf_token: String,
    /// The creditors they can switch to, the current one marked.
    pub creditors: Vec<CreditorChoice>,
}

/// One creditor of the switcher.
#[derive(Debug, Clone)]
pub struct CreditorChoice {
    /// `cred_…`
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it is the current one.
    pub current: bool,
}

/// One entry of the main menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    /// Where it leads.
    pub href: &'static str,
    /// Its translated name.
    pub label: String,
    /// Whether the page shown belongs to it (`aria-current="page"`).
    pub current: bool,
}

/// One entry of the language switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageLink {
    /// Sets the language, then comes back to this page.
    pub href: String,
    /// The language code, for `lang` and `hreflang`.
    pub code: &'static str,
    /// The language named in itself.
    pub label: String,
    /// Whether it is the language shown.
    pub current: bool,
}

impl Layout {
    /// The frame of the page at `uri`, shown in `locale`.
    pub fn new(locale: Locale, environment: Environment, uri: &Uri) -> Self {
        let return_to = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        Self {
            locale,
            environment,
            current: None,
            page_title: None,
            return_to,
            account: None,
            time_zone: prelevo_domain::CreditorTimeZone::default().tz().clone(),
        }
    }

    /// Shows instants in `time_zone` (the creditor's).
    pub fn in_time_zone(mut self, time_zone: jiff::tz::TimeZone) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// An instant as people of this locale write it, in the creditor's
    /// time zone: `30/11/2026 10:00` (fr), `2026-11-30 10:00` (en).
    pub fn instant(&self, at: &jiff::Timestamp) -> String {
        let local = at.to_zoned_datetime(self.time_zone.clone());
        let format = match self.locale {
            Locale::Fr => "%d/%m/%Y %H:%M",
            Locale::En => "%Y-%m-%d %H:%M",
        };
        local.strftime(format).to_string()
    }

    /// Shows `account` in the header and filters the menu by its role.
    pub fn with_account(mut self, account: Account) -> Self {
        self.account = Some(account);
        self
    }

    /// The logged-in account, if any.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// The CSRF token forms must carry (empty before login).
    pub fn csrf(&self) -> &str {
        self.account.as_ref().map_or("", |a| a.csrf_token.as_str())
    }

    /// Marks `section` as the current one; its name becomes the title.
    pub fn in_section(mut self, section: Section) -> Self {
        self.current = Some(section);
        self
    }

    /// Titles the page with the message `key` (instead of the section name).
    pub fn titled(mut self, key: &str) -> Self {
        self.page_title = Some(self.t(key));
        self
    }

    /// The locale pages are rendered in.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The `lang` attribute: "fr" or "en".
    pub fn lang(&self) -> &'static str {
        match self.locale {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// The page's own title, for `<h1>`.
    pub fn heading(&self) -> String {
        match (&self.page_title, self.current) {
            (Some(title), _) => title.clone(),
            (None, Some(section)) => section.label(self.locale),
            (None, None) => self.t("product-name"),
        }
    }

    /// The document `<title>`: page, then product.
    pub fn title(&self) -> String {
        if self.page_title.is_none() && self.current.is_none() {
            return self.t("product-name");
        }
        self.t_args("page-title", &[("page", &self.heading())])
    }

    /// The message `key` in this page's language.
    pub fn t(&self, key: &str) -> String {
        translate(self.locale, key)
    }

    /// The message `key` with arguments; in a template:
    /// `layout.t_args("list-total", [("count", &page.total)])`.
    pub fn t_args(&self, key: &str, args: &[(&str, &dyn MessageArg)]) -> String {
        translate_args(self.locale, key, args)
    }

    /// The translated name of a domain code: `layout.label(member.role)`.
    pub fn label(&self, value: &dyn Label) -> String {
        value.label(self.locale)
    }

    /// The banner's text.
    pub fn environment_label(&self) -> String {
        self.environment.label(self.locale)
    }

    /// The banner's CSS class, which gives each environment its colour.
    pub fn environment_class(&self) -> &'static str {
        match self.environment {
            Environment::PreProduction => "env-preproduction",
            Environment::Production => "env-production",
        }
    }

    /// The menu: built sections the account's role may see (none before
    /// login).
    pub fn nav(&self) -> Vec<NavLink> {
        let Some(account) = &self.account else {
            return Vec::new();
        };
        Section::built()
            .filter(|section| account.role.allows(section.needs()))
            .map(|section| NavLink {
                href: section.path(),
                label: section.label(self.locale),
                current: self.current == Some(section),
            })
            .collect()
    }

    /// The language switch, one link per language.
    pub fn languages(&self) -> Vec<LanguageLink> {
        [Locale::Fr, Locale::En]
            .into_iter()
            .map(|locale| LanguageLink {
                href: switch_href(locale, &self.return_to),
                code: match locale {
                    Locale::Fr => "fr",
                    Locale::En => "en",
                },
                label: locale.label(self.locale),
                current: locale == self.locale,
            })
            .collect()
    }

    /// The cache-busting URL of the static file `name` (e.g. "prelevo.css").
    pub fn asset(&self, name: &str) -> &'static str {
        assets::url(name).unwrap_or_else(|| {
            tracing::warn!(name, "unknown static asset");
            "/static/unknown"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(locale: Locale, uri: &str) -> Layout {
        Layout::new(locale, Environment::PreProduction, &uri.parse().unwrap())
    }

    #[test]
    fn titles() {
        let team = layout(Locale::Fr, "/team").in_section(Section::Team);
        assert_eq!(team.heading(), "Équipe");
        assert_eq!(team.title(), "Équipe — Prelevo");
        let home = layout(Locale::En, "/");
        assert_eq!(home.title(), "Prelevo");
        let titled = layout(Locale::En, "/").titled("nav-api-keys");
        assert_eq!(titled.title(), "API keys — Prelevo");
    }

    fn account(role: Role) -> Account {
        Account {
            email: "ana@acme.example".into(),
            role,
            csrf_token: "t".into(),
            creditors: Vec::new(),
        }
    }

    #[test]
    fn the_menu_marks_the_current_section() {
        let nav = layout(Locale::En, "/audit")
            .in_section(Section::Audit)
            .with_account(account(Role::Admin))
            .nav();
        let current: Vec<_> = nav.iter().filter(|l| l.current).map(|l| l.href).collect();
        assert_eq!(current, ["/audit"]);
        assert_eq!(nav.len(), Section::built().count());
    }

    #[test]
    fn instants_are_local_and_per_locale() {
        let at: jiff::Timestamp = "2026-11-30T09:00:00Z".parse().unwrap();
        assert_eq!(layout(Locale::Fr, "/").instant(&at), "30/11/2026 10:00");
        assert_eq!(layout(Locale::En, "/").instant(&at), "2026-11-30 10:00");
    }

    #[test]
    fn the_menu_shows_what_the_role_allows() {
        let viewer = layout(Locale::En, "/settings").with_account(account(Role::Viewer));
        let hrefs: Vec<_> = viewer.nav().iter().map(|l| l.href).collect();
        assert_eq!(
            hrefs,
            [
                "/mandates",
                "/payments",
                "/plans",
                "/bank-files",
                "/subscribers",
                "/settings"
            ]
        );
        assert!(
            layout(Locale::En, "/login").nav().is_empty(),
            "no menu before login"
        );
    }

    #[test]
    fn language_links_come_back_to_the_page() {
        let links = layout(Locale::Fr, "/team?status=active").languages();
        assert_eq!(links[0].href, "/lang/fr?next=%2Fteam%3Fstatus%3Dactive");
        assert!(links[0].current);
        assert_eq!(links[1].code, "en");
        assert_eq!(links[1].label, "English");
    }

    /// The string literals passed to `call(` in a template.
    fn literal_args<'a>(template: &'a str, call: &str) -> Vec<&'a str> {
        template
            .split(call)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    #[test]
    fn every_key_and_asset_the_templates_use_exists() {
        let templates = [
            include_str!("../../templates/base.html"),
            include_str!("../../templates/partials/list.html"),
        ];
        let page = layout(Locale::En, "/");
        for template in templates {
            let keys = [".t(\"", ".t_args(\""].map(|call| literal_args(template, call));
            for key in keys.concat() {
                for locale in [Locale::Fr, Locale::En] {
                    let args: [(&str, &dyn MessageArg); 1] = [("count", &1)];
                    assert_ne!(translate_args(locale, key, &args), key, "{key}");
                }
            }
            for name in literal_args(template, ".asset(\"") {
                assert_ne!(page.asset(name), "/static/unknown", "{name}");
            }
        }
    }

    #[test]
    fn assets_have_hashed_urls() {
        let css = layout(Locale::Fr, "/").asset("prelevo.css");
        assert!(
            css.starts_with("/static/prelevo.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(layout(Locale::Fr, "/").asset("nope.js"), "/static/unknown");
    }
}
