//! The dashboard's cookies: the session (HttpOnly, SameSite=Lax, Secure
//! behind https) and, before login, a CSRF cookie for the anonymous forms
//! (double submit).

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie's name.
pub(crate) const SESSION: &str = "prelevo_session";
/// The anonymous forms' CSRF cookie.
pub(crate) const FORM_TOKEN: &str = "prelevo_form";

/// The value of cookie `name` in the request, if sent.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value for `name=value`, HttpOnly, on the whole site.
pub(crate) fn set(name: &str, value: &str, secure: bool, same_site: &str) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that deletes `name`.
pub(crate) fn clear(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path=/; HttpOnly; Max-Age=0"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_among_others_and_set_safely() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; prelevo_session=abc"),
        );
        assert_eq!(read(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(read(&headers, FORM_TOKEN), None);
        let cookie = set(SESSION, "abc", true, "Lax");
        assert_eq!(
            cookie,
            "prelevo_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
