//! Unique Mandate Reference (UMR, "RUM" in France).

use crate::sepa_identifier::{self, SepaIdError};
use crate::value_macros::string_value;

/// A mandate reference: 1–35 SEPA characters, no leading, trailing or
/// double '/'; surrounding whitespace is trimmed. Case is preserved (and
/// significant: banks compare references as given).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MandateRef(String);

impl MandateRef {
    /// Parses a mandate reference; see [`SepaIdError`] for what is refused.
    pub fn parse(input: &str) -> Result<MandateRef, SepaIdError> {
        sepa_identifier::validate(input).map(|v| MandateRef(v.to_owned()))
    }

    /// The reference as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value!(MandateRef, SepaIdError, "a SEPA mandate reference");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_trims() {
        let r = MandateRef::parse("  RUM-000123 ").unwrap();
        assert_eq!(r.as_str(), "RUM-000123");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"RUM-000123\"");
        assert_eq!(
            serde_json::from_str::<MandateRef>("\"RUM-000123\"").unwrap(),
            r
        );
        assert!(serde_json::from_str::<MandateRef>("\"RUM//1\"").is_err());
        assert_eq!("x/y".parse::<MandateRef>().unwrap().to_string(), "x/y");
    }
}
