//! SEPA reason codes of R-transactions (rejects, returns, refunds…), from
//! the vendored table `data/sepa-reason-codes.csv` (see `data/SOURCES.md`).

use std::sync::OnceLock;

use crate::Locale;

/// The vendored table, compiled in.
const TABLE: &str = include_str!("../data/sepa-reason-codes.csv");

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCodeInfo {
    /// The four-character code, e.g. `AM04`.
    pub code: &'static str,
    /// The ISO 20022 name, e.g. `InsufficientFunds`.
    pub iso_name: &'static str,
    /// The English label.
    pub en_label: &'static str,
    /// The French label.
    pub fr_label: &'static str,
    /// The R-transaction kinds it appears in (`reject`, `return`, …).
    pub categories: Vec<&'static str>,
}

impl ReasonCodeInfo {
    /// The label in `locale`.
    pub fn label(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::Fr => self.fr_label,
            Locale::En => self.en_label,
        }
    }
}

fn table() -> &'static [ReasonCodeInfo] {
    static ROWS: OnceLock<Vec<ReasonCodeInfo>> = OnceLock::new();
    ROWS.get_or_init(|| {
        TABLE
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .filter_map(|line| {
                let mut fields = line.split(';');
                Some(ReasonCodeInfo {
                    code: fields.next()?,
                    iso_name: fields.next()?,
                    en_label: fields.next()?,
                    fr_label: fields.next()?,
                    categories: fields.next()?.split('|').collect(),
                })
            })
            .collect()
    })
}

/// A code that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a SEPA reason code Prelevo knows")]
pub struct UnknownReasonCode(pub String);

/// A known SEPA reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReasonCode(&'static str);

impl ReasonCode {
    /// The code for `input` (case and surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<ReasonCode, UnknownReasonCode> {
        let wanted = input.trim().to_ascii_uppercase();
        table()
            .iter()
            .find(|row| row.code == wanted)
            .map(|row| ReasonCode(row.code))
            .ok_or_else(|| UnknownReasonCode(input.trim().to_owned()))
    }

    /// The code, e.g. `AM04`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// Its row of the table.
    pub fn info(&self) -> Option<&'static ReasonCodeInfo> {
        table().iter().find(|row| row.code == self.0)
    }

    /// Every known code, in the table's order.
    pub fn all() -> impl Iterator<Item = ReasonCode> {
        table().iter().map(|row| ReasonCode(row.code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_table_is_complete_and_well_formed() {
        assert_eq!(table().len(), 31);
        for row in table() {
            assert_eq!(row.code.len(), 4, "{row:?}");
            assert!(
                row.code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
            assert!(
                !row.en_label.is_empty() && !row.fr_label.is_empty(),
                "{row:?}"
            );
            assert!(!row.categories.is_empty());
        }
    }

    #[test]
    fn codes_parse_and_carry_their_labels() {
        let am04 = ReasonCode::parse(" am04 ").unwrap();
        assert_eq!(am04.as_str(), "AM04");
        let info = am04.info().unwrap();
        assert_eq!(info.label(Locale::Fr), "Provision insuffisante");
        assert_eq!(info.label(Locale::En), "Insufficient funds");
        assert_eq!(info.iso_name, "InsufficientFunds");
        assert_eq!(
            ReasonCode::parse("ZZ99").unwrap_err().to_string(),
            "\"ZZ99\" is not a SEPA reason code Prelevo knows"
        );
    }
}
