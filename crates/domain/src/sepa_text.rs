//! Free text (names, remittance information) converted to the SEPA basic
//! Latin character set, which every bank in the scheme must accept.

mod table;

use crate::sepa_identifier;

/// Text made only of SEPA characters (a-z A-Z 0-9 / - ? : ( ) . , ' + space),
/// without leading, trailing or repeated spaces, cut to a maximum length.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct SepaText(String);

impl SepaText {
    /// Converts any text: mapped characters per the conversion table
    /// (é→e, ß→ss, &→+, …), whitespace and control characters → space,
    /// anything unmapped → '.', spaces collapsed and trimmed, then cut to
    /// `max_len` characters (counted after conversion, trailing space
    /// removed again). Converting twice gives the same result, so text read
    /// back from storage can safely be converted again; that is also why
    /// there is no `Deserialize`: the maximum length belongs to the field.
    pub fn convert(input: &str, max_len: usize) -> SepaText {
        if Self::is_clean(input, max_len) {
            return SepaText(input.to_owned());
        }
        let mut converted = String::with_capacity(input.len());
        for c in input.chars() {
            if Self::is_sepa_char(c) {
                converted.push(c);
            } else if c.is_whitespace() || c.is_control() {
                converted.push(' ');
            } else if let Some(replacement) = table::lookup(c) {
                converted.push_str(replacement);
            } else if let Some(ascii) = fullwidth_to_ascii(c) {
                // Fullwidth forms (Ａ, ０, ＠ …) are ASCII in disguise.
                converted.push_str(&Self::convert(&ascii.to_string(), 3).0);
            } else {
                converted.push('.');
            }
        }
        let collapsed = converted
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        // Only ASCII remains, so characters and bytes coincide.
        let cut: String = collapsed.chars().take(max_len).collect();
        SepaText(cut.trim_end().to_owned())
    }

    /// True when `input` would convert to itself (the usual case for text
    /// already stored or typed in plain ASCII): SEPA characters only, no
    /// leading, trailing or double space, not too long. A non-ASCII byte is
    /// never a SEPA character, so bytes can be checked one by one.
    fn is_clean(input: &str, max_len: usize) -> bool {
        input.len() <= max_len
            && !input.starts_with(' ')
            && !input.ends_with(' ')
            && !input.contains("  ")
            && input.bytes().all(|b| Self::is_sepa_char(char::from(b)))
    }

    /// True for the characters of the SEPA basic Latin set.
    pub fn is_sepa_char(c: char) -> bool {
        sepa_identifier::is_sepa_char(c)
    }

    /// The converted text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length in characters (all ASCII, so also in bytes).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nothing is left after conversion.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl core::fmt::Display for SepaText {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

fn fullwidth_to_ascii(c: char) -> Option<char> {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn conv(s: &str) -> String {
        SepaText::convert(s, 140).0
    }

    #[test]
    fn accented_latin_letters_lose_their_accents() {
        assert_eq!(
            conv("Émile Zoé à l'hôpital, façade"),
            "Emile Zoe a l'hopital, facade"
        );
        assert_eq!(
            conv("Ñandú Åsa Łódź Đorđe Şişli Țară"),
            "Nandu Asa Lodz Dorde Sisli Tara"
        );
        assert_eq!(conv("Müller Göteborg Ärzte"), "Muller Goteborg Arzte");
        assert_eq!(conv("e\u{301}te\u{301}"), "ete");
    }

    #[test]
    fn ligatures_and_special_letters_expand() {
        assert_eq!(conv("Straße"), "Strasse");
        assert_eq!(conv("æ Æ œ Œ Ø ø þ Þ ĳ ƒ"), "ae AE oe OE O o th TH ij f");
    }

    #[test]
    fn greek_and_cyrillic_are_transliterated() {
        assert_eq!(conv("Αθήνα"), "Athina");
        assert_eq!(conv("София Жълт Щастие"), "Sofiya ZHalt SHTastie");
    }

    #[test]
    fn punctuation_and_symbols() {
        assert_eq!(conv("l’école “Les Amis” «ici»"), "l'ecole 'Les Amis' 'ici'");
        assert_eq!(conv("Dupont & Fils_SARL"), "Dupont + Fils-SARL");
        assert_eq!(conv("jean@example.fr"), "jean.example.fr");
        assert_eq!(conv("a; b [c] {d} <e>"), "a, b (c) (d) (e)");
        assert_eq!(conv("10 € – réf. n°5…"), "10 EUR - ref. n.5...");
        assert_eq!(conv("50% #1 $ * = ^"), "50. .1 . . . .");
        assert_eq!(conv("ＡＢＣ１２３＆"), "ABC123+");
        assert_eq!(
            conv("soft\u{ad}hyphen zero\u{200b}width"),
            "softhyphen zerowidth"
        );
        assert_eq!(conv("家"), ".");
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(conv("  a\t\tb\r\nc\u{a0}\u{202f}d  "), "a b c d");
        assert_eq!(conv("\u{0}x\u{7}"), "x");
        assert_eq!(conv(" \n "), "");
        assert!(SepaText::convert("   ", 10).is_empty());
    }

    #[test]
    fn cut_after_conversion() {
        assert_eq!(SepaText::convert("ßßß", 5).as_str(), "sssss");
        assert_eq!(SepaText::convert("ab cd", 3).as_str(), "ab");
        assert_eq!(SepaText::convert("abc", 0).as_str(), "");
        let t = SepaText::convert("Facture 2026-001", 7);
        assert_eq!(t.len(), 7);
        assert_eq!(t.to_string(), "Facture");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"Facture\"");
    }

    #[test]
    fn every_table_entry_yields_sepa_characters() {
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            let out = SepaText::convert(&format!("a{c}a"), 100);
            assert!(
                out.as_str().chars().all(SepaText::is_sepa_char),
                "{c:?} -> {out:?}"
            );
        }
    }

    #[test]
    fn is_sepa_char_matches_the_set() {
        let set = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ";
        for c in (0u32..0x300).filter_map(char::from_u32) {
            assert_eq!(SepaText::is_sepa_char(c), set.contains(c), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn output_is_sepa_bounded_and_idempotent(s in "\\PC{0,80}|[ -~\u{a0}-\u{17f}]{0,80}", max in 0usize..100) {
            let once = SepaText::convert(&s, max);
            prop_assert!(once.as_str().chars().all(SepaText::is_sepa_char));
            prop_assert!(once.len() <= max);
            prop_assert!(!once.as_str().starts_with(' ') && !once.as_str().ends_with(' '));
            prop_assert!(!once.as_str().contains("  "));
            prop_assert_eq!(SepaText::convert(once.as_str(), max), once.clone());
        }
    }
}
