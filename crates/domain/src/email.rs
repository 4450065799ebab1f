//! E-mail addresses, checked pragmatically: enough to catch typos, not a
//! full RFC 5322 parser (quoted local parts and IP literals are refused).

use crate::value_macros::string_value;

/// An e-mail address; the domain is lower-cased, the local part kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

/// Why an e-mail address was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("is empty")]
    Empty,
    /// More than 254 characters.
    #[error("must be at most 254 characters (got {0})")]
    TooLong(usize),
    /// Whitespace or control characters inside the address.
    #[error("must not contain spaces or control characters")]
    Whitespace,
    /// No '@'.
    #[error("must contain '@'")]
    MissingAt,
    /// More than one '@'.
    #[error("must contain a single '@'")]
    SeveralAt,
    /// Nothing before '@'.
    #[error("nothing before '@'")]
    EmptyLocal,
    /// Local part over 64 characters.
    #[error("the part before '@' must be at most 64 characters (got {0})")]
    LocalTooLong(usize),
    /// Local part starting or ending with '.' or containing "..".
    #[error("the part before '@' must not start or end with '.' or contain '..'")]
    LocalDots,
    /// Nothing after '@'.
    #[error("nothing after '@'")]
    EmptyDomain,
    /// A domain without a dot ("localhost").
    #[error("domain '{0}' must contain a dot")]
    DomainWithoutDot(String),
    /// A domain label with other characters than letters, digits and '-'.
    #[error(
        "invalid domain label '{0}' (letters, digits and '-' only, not at either end, at most 63)"
    )]
    DomainLabel(String),
    /// A numeric top-level domain, i.e. an IP address.
    #[error("domain '{0}' must end with a name, not a number")]
    NumericTld(String),
}

impl EmailAddress {
    /// Parses an address; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<EmailAddress, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let length = s.chars().count();
        if length > 254 {
            return Err(EmailError::TooLong(length));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Whitespace);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::MissingAt)?;
        if domain.contains('@') {
            return Err(EmailError::SeveralAt);
        }
        check_local(local)?;
        let domain = domain.to_ascii_lowercase();
        check_domain(&domain)?;
        Ok(EmailAddress(format!("{local}@{domain}")))
    }

    /// The address, e.g. "Jean.Dupont@example.fr".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before '@', as given.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The domain, lower case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::EmptyLocal);
    }
    let length = local.chars().count();
    if length > 64 {
        return Err(EmailError::LocalTooLong(length));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::LocalDots);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainWithoutDot(domain.to_owned()));
    }
    for label in domain.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(EmailError::DomainLabel(label.to_owned()));
        }
    }
    if domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(EmailError::NumericTld(domain.to_owned()));
    }
    Ok(())
}

string_value!(EmailAddress, EmailError, "an e-mail address");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises_the_domain() {
        let e = EmailAddress::parse("  Jean.Dupont+sdd@Example.FR ").unwrap();
        assert_eq!(e.as_str(), "Jean.Dupont+sdd@example.fr");
        assert_eq!(e.local_part(), "Jean.Dupont+sdd");
        assert_eq!(e.domain(), "example.fr");
        for ok in [
            "a@b.co",
            "o'brien@mail.example.ie",
            "x@xn--caf-dma.fr",
            "élodie@example.fr",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn errors() {
        let long_local = format!("{}@example.fr", "a".repeat(65));
        let long_total = format!("a@{}.fr", "b.".repeat(130));
        let cases = [
            ("", "is empty".to_owned()),
            ("jean dupont@example.fr", "must not contain spaces or control characters".to_owned()),
            ("jean.example.fr", "must contain '@'".to_owned()),
            ("a@b@example.fr", "must contain a single '@'".to_owned()),
            ("@example.fr", "nothing before '@'".to_owned()),
            ("jean@", "nothing after '@'".to_owned()),
            (".jean@example.fr", "the part before '@' must not start or end with '.' or contain '..'".to_owned()),
            ("je..an@example.fr", "the part before '@' must not start or end with '.' or contain '..'".to_owned()),
            ("jean@localhost", "domain 'localhost' must contain a dot".to_owned()),
            ("jean@exa_mple.fr", "invalid domain label 'exa_mple' (letters, digits and '-' only, not at either end, at most 63)".to_owned()),
            ("jean@example..fr", "invalid domain label '' (letters, digits and '-' only, not at either end, at most 63)".to_owned()),
            ("jean@-example.fr", "invalid domain label '-example' (letters, digits and '-' only, not at either end, at most 63)".to_owned()),
            ("jean@10.0.0.1", "domain '10.0.0.1' must end with a name, not a number".to_owned()),
            (long_local.as_str(), "the part before '@' must be at most 64 characters (got 65)".to_owned()),
            (long_total.as_str(), "must be at most 254 characters (got 265)".to_owned()),
        ];
        for (input, message) in cases {
            assert_eq!(
                EmailAddress::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn serde() {
        let e = EmailAddress::parse("a@B.fr").unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"a@b.fr\"");
        assert_eq!(
            serde_json::from_str::<EmailAddress>("\"a@b.fr\"").unwrap(),
            e
        );
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    }

    proptest! {
        #[test]
        fn never_panics_and_round_trips(s in "\\PC{0,40}") {
            if let Ok(e) = EmailAddress::parse(&s) {
                prop_assert_eq!(EmailAddress::parse(e.as_str()).unwrap(), e);
            }
        }

        #[test]
        fn simple_addresses_parse(local in "[a-z0-9]{1,20}", domain in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let s = format!("{local}@{domain}.{tld}");
            let parsed = EmailAddress::parse(&s).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }
    }
}
