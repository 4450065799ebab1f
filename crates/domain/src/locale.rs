//! The two languages Prelevo formats amounts and dates for.

use crate::value_macros::string_value;

/// A user-facing locale; French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// French (France): `1 234,56 €`.
    #[default]
    Fr,
    /// English: `€1,234.56`.
    En,
}

/// Why a locale tag was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocaleError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// A language other than French or English.
    #[error("unsupported locale '{0}' (expected fr or en)")]
    Unsupported(String),
}

impl Locale {
    /// Parses a BCP 47-ish tag: "fr", "en", "fr-FR", "en_GB", any case.
    /// Only the language matters; the region is accepted and ignored.
    pub fn parse(input: &str) -> Result<Locale, LocaleError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(LocaleError::Empty);
        }
        let mut parts = trimmed.splitn(2, ['-', '_']);
        let language = parts.next().unwrap_or_default();
        let region_ok = parts.next().is_none_or(|r| {
            !r.is_empty() && r.len() <= 8 && r.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        match (language.to_ascii_lowercase().as_str(), region_ok) {
            ("fr", true) => Ok(Locale::Fr),
            ("en", true) => Ok(Locale::En),
            _ => Err(LocaleError::Unsupported(trimmed.to_owned())),
        }
    }

    /// The language code, "fr" or "en".
    pub fn as_str(&self) -> &str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }
}

string_value!(Locale, LocaleError, "a locale such as fr or en-GB");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_language_tags() {
        for (tag, locale) in [
            ("fr", Locale::Fr),
            ("en", Locale::En),
            ("fr-FR", Locale::Fr),
            ("en-GB", Locale::En),
            ("EN_us", Locale::En),
            (" fr-be ", Locale::Fr),
        ] {
            assert_eq!(Locale::parse(tag).unwrap(), locale, "{tag}");
        }
    }

    #[test]
    fn rejects_other_languages() {
        assert_eq!(
            Locale::parse("de-DE").unwrap_err().to_string(),
            "unsupported locale 'de-DE' (expected fr or en)"
        );
        assert!(Locale::parse("fr-").is_err());
        assert!(Locale::parse("french").is_err());
        assert_eq!(Locale::parse("").unwrap_err(), LocaleError::Empty);
    }

    #[test]
    fn default_and_serde() {
        assert_eq!(Locale::default(), Locale::Fr);
        assert_eq!(serde_json::to_string(&Locale::En).unwrap(), "\"en\"");
        assert_eq!(
            serde_json::from_str::<Locale>("\"fr-FR\"").unwrap(),
            Locale::Fr
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = Locale::parse(&s);
        }
    }
}
