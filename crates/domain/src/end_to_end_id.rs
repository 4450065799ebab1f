//! End-to-end identification of a collection, echoed back in R-transactions.

use crate::sepa_identifier::{self, SepaIdError};
use crate::value_macros::string_value;

/// An end-to-end id: same rules as a mandate reference (1–35 SEPA
/// characters, no leading, trailing or double '/', surrounding whitespace
/// trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndToEndId(String);

impl EndToEndId {
    /// Parses an end-to-end id; see [`SepaIdError`] for what is refused.
    pub fn parse(input: &str) -> Result<EndToEndId, SepaIdError> {
        sepa_identifier::validate(input).map(|v| EndToEndId(v.to_owned()))
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_value!(EndToEndId, SepaIdError, "a SEPA end-to-end id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let id = EndToEndId::parse("E2E-2026-0001").unwrap();
        assert_eq!(id.as_str(), "E2E-2026-0001");
        assert_eq!(id.to_string(), "E2E-2026-0001");
        assert_eq!(
            EndToEndId::parse(&"9".repeat(36)).unwrap_err().to_string(),
            "must be at most 35 characters (got 36)"
        );
        assert!(serde_json::from_str::<EndToEndId>("\"/x\"").is_err());
    }
}
