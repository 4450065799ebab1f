//! The rule shared by SEPA reference fields (mandate reference, end-to-end
//! id): 1–35 characters of the SEPA basic Latin set, no leading or trailing
//! '/', no "//" (EPC implementation guidelines, "restricted identifiers").

/// Maximum length of a SEPA identifier field.
pub(crate) const MAX_LEN: usize = 35;

/// Why a SEPA identifier (mandate reference, end-to-end id) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SepaIdError {
    /// Nothing but spaces was given.
    #[error("is empty")]
    Empty,
    /// Longer than 35 characters after trimming.
    #[error("must be at most 35 characters (got {0})")]
    TooLong(usize),
    /// A character outside the SEPA set.
    #[error(
        "character '{ch}' at position {position} is not allowed (allowed: a-z A-Z 0-9 / - ? : ( ) . , ' + space)"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its 1-based position in the input as given.
        position: usize,
    },
    /// Starts with '/'.
    #[error("must not start with '/'")]
    LeadingSlash,
    /// Ends with '/'.
    #[error("must not end with '/'")]
    TrailingSlash,
    /// Contains "//".
    #[error("must not contain '//' (at position {0})")]
    DoubleSlash(usize),
}

/// True for the characters of the SEPA basic Latin set.
pub(crate) fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
        )
}

/// Trims surrounding whitespace and checks the identifier rules; returns the
/// trimmed value. Positions in errors are 1-based in the original input.
pub(crate) fn validate(input: &str) -> Result<&str, SepaIdError> {
    // Any surrounding whitespace (a pasted newline or tab) is dropped;
    // inside the value only the plain space is allowed.
    let trimmed = input.trim();
    // Characters dropped on the left, so positions refer to what the user typed.
    let offset = input.chars().take_while(|c| c.is_whitespace()).count();
    if trimmed.is_empty() {
        return Err(SepaIdError::Empty);
    }
    let len = trimmed.chars().count();
    if let Some((i, ch)) = trimmed.chars().enumerate().find(|&(_, c)| !is_sepa_char(c)) {
        return Err(SepaIdError::InvalidCharacter {
            ch,
            position: offset + i + 1,
        });
    }
    if len > MAX_LEN {
        return Err(SepaIdError::TooLong(len));
    }
    if trimmed.starts_with('/') {
        return Err(SepaIdError::LeadingSlash);
    }
    if trimmed.ends_with('/') {
        return Err(SepaIdError::TrailingSlash);
    }
    if let Some(i) = trimmed.find("//") {
        // All characters are ASCII here, so byte index = character index.
        return Err(SepaIdError::DoubleSlash(offset + i + 1));
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_whole_set() {
        assert_eq!(
            validate("  RUM-2024/001 (a) ?:.,'+ z9  "),
            Ok("RUM-2024/001 (a) ?:.,'+ z9")
        );
        assert_eq!(validate("\tRUM-1\r\n"), Ok("RUM-1"));
        assert_eq!(validate(&"A".repeat(35)), Ok("A".repeat(35).as_str()));
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "is empty"),
            ("   ", "is empty"),
            (
                "  AB_C",
                "character '_' at position 5 is not allowed (allowed: a-z A-Z 0-9 / - ? : ( ) . , ' + space)",
            ),
            (
                "café",
                "character 'é' at position 4 is not allowed (allowed: a-z A-Z 0-9 / - ? : ( ) . , ' + space)",
            ),
            (
                "A\tB",
                "character '\t' at position 2 is not allowed (allowed: a-z A-Z 0-9 / - ? : ( ) . , ' + space)",
            ),
            ("/ABC", "must not start with '/'"),
            ("ABC/", "must not end with '/'"),
            (" AB//C", "must not contain '//' (at position 4)"),
        ];
        for (input, message) in cases {
            assert_eq!(
                validate(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
        assert_eq!(validate(&"A".repeat(36)), Err(SepaIdError::TooLong(36)));
    }

    proptest! {
        #[test]
        fn accepted_values_satisfy_the_rules(s in "\\PC{0,40}") {
            if let Ok(v) = validate(&s) {
                prop_assert!(!v.is_empty() && v.chars().count() <= MAX_LEN);
                prop_assert!(v.chars().all(is_sepa_char));
                prop_assert!(!v.starts_with(['/', ' ']) && !v.ends_with(['/', ' ']));
                prop_assert!(!v.contains("//"));
                prop_assert_eq!(validate(v), Ok(v));
            }
        }

        #[test]
        fn sepa_strings_mostly_pass(s in "[A-Za-z0-9][A-Za-z0-9?:().,'+ -]{0,33}[A-Za-z0-9]") {
            prop_assert_eq!(validate(&s), Ok(s.as_str()));
        }
    }
}
