//! Which language a page is shown in, and the language switch.
//!
//! Order of precedence: the signed-in user's saved preference, then the
//! `lang` cookie set by the switch, then the browser's `Accept-Language`
//! (by q-value), then French. The switch is a plain link
//! (`GET /lang/{fr|en}?next=/page`): choosing a language changes nothing
//! but a cookie, so it needs no form, CSRF token or script.

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_domain::Locale;

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "lang";

/// A year: the choice outlives sessions.
const COOKIE_MAX_AGE_SECONDS: u32 = 365 * 24 * 3600;

/// The language to render in: `user` preference → `lang` cookie →
/// `Accept-Language` → French.
pub fn negotiate(user: Option<Locale>, headers: &HeaderMap) -> Locale {
    user.or_else(|| from_cookie(headers))
        .or_else(|| from_accept_language(headers))
        .unwrap_or_default()
}

fn from_cookie(headers: &HeaderMap) -> Option<Locale> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| Locale::parse(value).ok())
}

/// The supported language with the highest q-value; ties keep the header's
/// order, `q=0` means "not this one".
fn from_accept_language(headers: &HeaderMap) -> Option<Locale> {
    let mut best: Option<(u16, Locale)> = None;
    let ranges = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','));
    for range in ranges {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .find_map(|param| param.trim().strip_prefix("q="))
            .map_or(Some(1000), parse_quality);
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        if let (Some(q), Ok(locale)) = (quality, Locale::parse(language))
            && q > 0
            && best.is_none_or(|(best_q, _)| q > best_q)
        {
            best = Some((q, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

/// A q-value ("0.8", "1", "0.125") in thousandths; `None` when malformed.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The link that switches to `locale` and comes back to `return_to`.
pub(crate) fn switch_href(locale: Locale, return_to: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", return_to)
        .finish();
    format!("/lang/{}?{query}", locale.as_str())
}

/// Where the switch may send the browser back to.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{code}`: remembers the language, then goes back to `next`.
pub(crate) async fn switch(Path(code): Path<String>, Query(query): Query<SwitchQuery>) -> Response {
    let back = Redirect::to(local_path(query.next.as_deref()));
    let Ok(locale) = Locale::parse(&code) else {
        return back.into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECONDS}; SameSite=Lax; HttpOnly",
        locale.as_str()
    );
    let mut response = back.into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `next` when it is a path on this site, else `/`: anything else would
/// make a redirect to it an open one (`//evil.example`, `/\evil.example`,
/// a tab that browsers drop).
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn precedence_user_then_cookie_then_header_then_french() {
        let all = headers(&[
            (header::COOKIE, "session=x; lang=en"),
            (header::ACCEPT_LANGUAGE, "fr-FR"),
        ]);
        assert_eq!(negotiate(Some(Locale::Fr), &all), Locale::Fr);
        assert_eq!(negotiate(None, &all), Locale::En);
        let header_only = headers(&[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")]);
        assert_eq!(negotiate(None, &header_only), Locale::En);
        assert_eq!(negotiate(None, &HeaderMap::new()), Locale::Fr);
    }

    #[test]
    fn a_bad_cookie_is_ignored() {
        let map = headers(&[(header::COOKIE, "lang=de"), (header::ACCEPT_LANGUAGE, "en")]);
        assert_eq!(negotiate(None, &map), Locale::En);
    }

    #[test]
    fn accept_language_respects_q_values() {
        for (value, expected) in [
            ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.8", Some(Locale::Fr)),
            ("fr;q=0.2, en;q=0.7", Some(Locale::En)),
            ("en;q=0, fr;q=0.1", Some(Locale::Fr)),
            ("en;q=0.5, fr;q=0.5", Some(Locale::En)),
            ("en-US;q=1.0", Some(Locale::En)),
            ("*", None),
            ("de, es;q=0.5", None),
            ("en;q=2, fr;q=abc", None),
            ("en;q=0.0001", None),
        ] {
            let map = headers(&[(header::ACCEPT_LANGUAGE, value)]);
            assert_eq!(from_accept_language(&map), expected, "{value}");
        }
    }

    #[test]
    fn q_values_in_thousandths() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("0.8"), Some(800));
        assert_eq!(parse_quality("0.125"), Some(125));
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.1234"), None);
    }

    #[test]
    fn the_switch_only_returns_to_local_paths() {
        assert_eq!(local_path(Some("/team?x=1")), "/team?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "team",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }
}
