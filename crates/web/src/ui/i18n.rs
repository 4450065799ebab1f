//! Translations: Fluent messages from `locales/{fr,en}/main.ftl`, compiled
//! into the binary. Templates reach them through [`crate::ui::Layout::t`]
//! and [`crate::ui::Layout::t_args`]; Rust code through [`translate`].

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use prelevo_domain::Locale;

// The generated code parses each embedded .ftl file on first use and
// panics on a syntax error; every test looks a message up, so a broken file
// fails the tests rather than production.
fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Unicode isolation marks around arguments only help right-to-left
        // scripts; French and English do not need them, and they would
        // end up in titles, exports and test expectations.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

fn language(locale: Locale) -> &'static LanguageIdentifier {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// A value a message interpolates: text as is, numbers through plural rules.
pub trait MessageArg {
    /// The Fluent value.
    fn to_fluent(&self) -> FluentValue<'_>;
}

impl MessageArg for String {
    fn to_fluent(&self) -> FluentValue<'_> {
        FluentValue::from(self.as_str())
    }
}

impl MessageArg for &str {
    fn to_fluent(&self) -> FluentValue<'_> {
        FluentValue::from(*self)
    }
}

macro_rules! numeric_args {
    ($($ty:ty),*) => {$(
        impl MessageArg for $ty {
            fn to_fluent(&self) -> FluentValue<'_> {
                FluentValue::from(*self)
            }
        }
    )*};
}
numeric_args!(i32, i64, u32, u64, usize);

/// The message `key` in `locale`; a missing key falls back to French, then
/// to the key itself (logged) so that a page still renders.
pub fn translate(locale: Locale, key: &str) -> String {
    lookup(locale, key, None)
}

/// The message `key` in `locale` with named arguments, e.g.
/// `translate_args(Locale::Fr, "list-total", &[("count", &3)])`.
pub fn translate_args(locale: Locale, key: &str, args: &[(&str, &dyn MessageArg)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Owned((*name).to_owned()), value.to_fluent()))
        .collect();
    lookup(locale, key, Some(&args))
}

fn lookup(
    locale: Locale,
    key: &str,
    args: Option<&HashMap<Cow<'static, str>, FluentValue<'_>>>,
) -> String {
    LOCALES
        .try_lookup_complete(language(locale), key, args)
        .unwrap_or_else(|| {
            tracing::warn!(key, locale = locale.as_str(), "missing translation");
            key.to_owned()
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const FR_FTL: &str = include_str!("../../locales/fr/main.ftl");
    const EN_FTL: &str = include_str!("../../locales/en/main.ftl");

    /// Message ids: lines starting with an identifier then `=`.
    fn keys(ftl: &str) -> BTreeSet<&str> {
        ftl.lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim()))
            .collect()
    }

    #[test]
    fn french_and_english_have_the_same_keys() {
        let (fr, en) = (keys(FR_FTL), keys(EN_FTL));
        assert!(fr.len() > 20, "parsed {} keys", fr.len());
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in en/main.ftl: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in fr/main.ftl: {only_en:?}");
    }

    #[test]
    fn every_key_resolves_in_both_languages() {
        // Every argument any message takes; messages ignore the others.
        let args: [(&str, &dyn MessageArg); 21] = [
            ("count", &2),
            ("page", &"Page"),
            ("until", &"10:00"),
            ("email", &"a@b.example"),
            ("at", &"30/11/2026 10:00"),
            ("created", &1),
            ("updated", &0),
            ("unchanged", &3),
            ("errors", &1),
            ("cancelled", &0),
            ("name", &"Boutique"),
            ("changes", &"libellé"),
            ("from", &"2026-12-01"),
            ("to", &"2026-12-03"),
            ("reason", &"mandat révoqué"),
            ("file", &"PRLV-20261201-000001"),
            ("reference", &"ch_1"),
            ("code", &"do_not_honor"),
            ("date", &"2026-12-02"),
            ("due", &"2026-12-01"),
            ("earliest", &"2026-12-02"),
        ];
        for key in keys(FR_FTL) {
            for locale in [Locale::Fr, Locale::En] {
                let text = translate_args(locale, key, &args);
                assert_ne!(text, key, "{key} in {locale:?}");
            }
        }
    }

    #[test]
    fn messages_and_plurals() {
        assert_eq!(translate(Locale::Fr, "product-name"), "Prelevo");
        assert_eq!(translate(Locale::Fr, "env-preproduction"), "Pré-production");
        assert_eq!(translate(Locale::En, "env-preproduction"), "Pre-production");
        assert_eq!(
            translate_args(Locale::Fr, "list-total", &[("count", &1)]),
            "1 résultat"
        );
        assert_eq!(
            translate_args(Locale::Fr, "list-total", &[("count", &0)]),
            "0 résultat"
        );
        assert_eq!(
            translate_args(Locale::En, "list-total", &[("count", &0)]),
            "0 results"
        );
        assert_eq!(
            translate_args(Locale::En, "list-total", &[("count", &42_u64)]),
            "42 results"
        );
    }

    #[test]
    fn a_missing_key_renders_as_itself() {
        assert_eq!(translate(Locale::En, "no-such-key"), "no-such-key");
    }
}
