//! How a creditor's mandates look: its postal address (printed on the
//! mandate form beside its ICS), the pattern of generated references, and
//! whether its bank wants FRST on first collections.

use crate::{FirstCollection, UmrPattern};

/// A postal address (a creditor's, or a debtor's on a mandate).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// Street and number.
    pub line1: Option<String>,
    /// Building, floor…
    pub line2: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
}

impl PostalAddress {
    /// The address as printed: street lines, then "postal code city", then
    /// the country; empty parts left out.
    pub fn lines(&self) -> Vec<String> {
        let town = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.line1.clone(),
            self.line2.clone(),
            Some(town).filter(|t| !t.is_empty()),
            self.country.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A creditor's mandate settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateProfile {
    /// The creditor's address.
    pub address: PostalAddress,
    /// The pattern of generated references.
    pub umr_pattern: UmrPattern,
    /// FRST or RCUR on a mandate's first collection, as the bank wants.
    pub first_collection: FirstCollection,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_print_their_parts_in_order() {
        let address = PostalAddress {
            line1: Some("4 place de la Bourse".into()),
            line2: None,
            postal_code: Some("69002".into()),
            city: Some("Lyon".into()),
            country: Some("FR".into()),
        };
        assert_eq!(
            address.lines(),
            ["4 place de la Bourse", "69002 Lyon", "FR"]
        );
        assert!(PostalAddress::default().lines().is_empty());
    }
}
