//! How a creditor's mandate references (UMR) are generated when it does not
//! give them: a pattern such as `RUM-{yyyy}-{seq:6}`, where `{seq:N}` is
//! the creditor's next number padded to N digits (required, so that two
//! references never collide), `{yyyy}` the year of creation and
//! `{customer}` the customer's code in SEPA characters.

use jiff::civil::Date;

use crate::{MandateRef, SepaIdError, SepaText};

/// The pattern used when a creditor has not chosen one.
pub const DEFAULT_UMR_PATTERN: &str = "RUM-{yyyy}-{seq:6}";

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UmrPatternError {
    /// No `{seq}` placeholder: references could repeat.
    #[error("must contain {{seq}} or {{seq:N}}, the creditor's running number")]
    MissingSequence,
    /// An unknown placeholder or a stray brace.
    #[error("unknown placeholder {0:?} (known: {{seq}}, {{seq:N}}, {{yyyy}}, {{customer}})")]
    UnknownPlaceholder(String),
    /// A padding outside 1–12.
    #[error("{{seq:N}} takes N from 1 to 12")]
    BadPadding,
    /// The fixed text is not valid in a reference.
    #[error("the fixed text is not valid in a mandate reference: {0}")]
    InvalidText(SepaIdError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Sequence(usize),
    Year,
    Customer,
}

/// A parsed UMR pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UmrPattern {
    source: String,
    pieces: Vec<Piece>,
}

impl Default for UmrPattern {
    /// [`DEFAULT_UMR_PATTERN`], built without parsing.
    fn default() -> Self {
        UmrPattern {
            source: DEFAULT_UMR_PATTERN.to_owned(),
            pieces: vec![
                Piece::Text("RUM-".into()),
                Piece::Year,
                Piece::Text("-".into()),
                Piece::Sequence(6),
            ],
        }
    }
}

impl UmrPattern {
    /// Parses a pattern.
    pub fn parse(input: &str) -> Result<UmrPattern, UmrPatternError> {
        let source = input.trim();
        let mut pieces = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                Some(0) if rest.starts_with('{') => {
                    let end = rest
                        .find('}')
                        .ok_or_else(|| UmrPatternError::UnknownPlaceholder(rest.to_owned()))?;
                    pieces.push(placeholder(&rest[1..end])?);
                    rest = &rest[end + 1..];
                }
                Some(0) => return Err(UmrPatternError::UnknownPlaceholder("}".into())),
                Some(at) => {
                    pieces.push(Piece::Text(rest[..at].to_owned()));
                    rest = &rest[at..];
                }
                None => {
                    pieces.push(Piece::Text(rest.to_owned()));
                    rest = "";
                }
            }
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Sequence(_))) {
            return Err(UmrPatternError::MissingSequence);
        }
        // The fixed text must itself be valid: check it with a sample.
        let pattern = UmrPattern {
            source: source.to_owned(),
            pieces,
        };
        let sample = pattern.fill(1, 2000, "C");
        MandateRef::parse(&sample).map_err(UmrPatternError::InvalidText)?;
        Ok(pattern)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    fn fill(&self, sequence: u64, year: i16, customer: &str) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Sequence(width) => format!("{sequence:0width$}"),
                Piece::Year => format!("{year:04}"),
                Piece::Customer => customer.to_owned(),
            })
            .collect()
    }

    /// The reference for the creditor's `sequence`-th generated mandate,
    /// created on `on` for `customer_code`. Fails when the result is not a
    /// valid reference (e.g. over 35 characters with a long customer code).
    pub fn render(
        &self,
        sequence: u64,
        on: Date,
        customer_code: &str,
    ) -> Result<MandateRef, SepaIdError> {
        // '/' is allowed in references but not doubled or at the ends: the
        // customer's part is kept to plain characters.
        let customer = SepaText::convert(customer_code, 35)
            .as_str()
            .replace(['/', ' '], "-");
        MandateRef::parse(&self.fill(sequence, on.year(), &customer))
    }
}

fn placeholder(name: &str) -> Result<Piece, UmrPatternError> {
    match name {
        "seq" => Ok(Piece::Sequence(1)),
        "yyyy" => Ok(Piece::Year),
        "customer" => Ok(Piece::Customer),
        other => match other.strip_prefix("seq:") {
            Some(width) => match width.parse::<usize>() {
                Ok(n) if (1..=12).contains(&n) => Ok(Piece::Sequence(n)),
                _ => Err(UmrPatternError::BadPadding),
            },
            None => Err(UmrPatternError::UnknownPlaceholder(format!("{{{other}}}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_default_pattern() {
        let pattern = UmrPattern::parse(DEFAULT_UMR_PATTERN).unwrap();
        assert_eq!(pattern, UmrPattern::default());
        let umr = pattern.render(42, date(2026, 11, 29), "C-1").unwrap();
        assert_eq!(umr.as_str(), "RUM-2026-000042");
        assert_eq!(pattern.as_str(), DEFAULT_UMR_PATTERN);
    }

    #[test]
    fn the_customer_code_is_made_sepa_safe() {
        let pattern = UmrPattern::parse("{customer}/{seq}").unwrap();
        let umr = pattern
            .render(7, date(2026, 1, 1), "Zoé / Lefèvre")
            .unwrap();
        assert_eq!(umr.as_str(), "Zoe---Lefevre/7");
        let long = pattern.render(7, date(2026, 1, 1), &"X".repeat(40));
        assert!(long.is_err(), "over 35 characters");
    }

    #[test]
    fn bad_patterns_say_why() {
        assert_eq!(
            UmrPattern::parse("RUM-{yyyy}"),
            Err(UmrPatternError::MissingSequence)
        );
        assert_eq!(
            UmrPattern::parse("RUM-{n}-{seq}"),
            Err(UmrPatternError::UnknownPlaceholder("{n}".into()))
        );
        assert_eq!(
            UmrPattern::parse("RUM-{seq:0}"),
            Err(UmrPatternError::BadPadding)
        );
        assert!(matches!(
            UmrPattern::parse("RUM_{seq}"),
            Err(UmrPatternError::InvalidText(_))
        ));
        assert!(matches!(
            UmrPattern::parse("/{seq}"),
            Err(UmrPatternError::InvalidText(_))
        ));
        assert!(UmrPattern::parse("RUM-{seq").is_err());
        assert!(UmrPattern::parse("RUM}-{seq}").is_err());
    }

    proptest! {
        #[test]
        fn distinct_numbers_give_distinct_references(a in 0u64..10_000_000, b in 0u64..10_000_000) {
            let pattern = UmrPattern::parse(DEFAULT_UMR_PATTERN).unwrap();
            let on = date(2026, 5, 1);
            let (x, y) = (pattern.render(a, on, "c").unwrap(), pattern.render(b, on, "c").unwrap());
            prop_assert_eq!(a == b, x == y);
        }
    }
}
