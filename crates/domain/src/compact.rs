//! The shared first step of parsing identifiers typed by people (IBAN, BIC,
//! creditor id): drop spaces, upper-case, refuse anything else.

/// A character that is neither an ASCII letter or digit nor a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadCharacter {
    /// The character.
    pub ch: char,
    /// Its 1-based position in the input as typed.
    pub position: usize,
}

/// `input` without whitespace, ASCII letters upper-cased, or the first
/// character that has no place in an identifier.
pub(crate) fn compact_alphanumeric(input: &str) -> Result<String, BadCharacter> {
    let mut out = String::with_capacity(input.len());
    for (i, ch) in input.chars().enumerate() {
        if ch.is_whitespace() {
            continue;
        }
        if !ch.is_ascii_alphanumeric() {
            return Err(BadCharacter {
                ch,
                position: i + 1,
            });
        }
        out.push(ch.to_ascii_uppercase());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_go_letters_rise_others_are_refused() {
        assert_eq!(compact_alphanumeric(" fr76 3000\t6 ").unwrap(), "FR7630006");
        assert_eq!(
            compact_alphanumeric("FR76-3000"),
            Err(BadCharacter {
                ch: '-',
                position: 5
            })
        );
        assert_eq!(compact_alphanumeric("").unwrap(), "");
    }
}
