//! Normalising a word into its surface form: NFKC, lower case, one apostrophe.
//!
//! The surface form is what refrain displays and what stop words are matched against; the key
//! (see [`super::stem`]) is derived from it. Cleaning already applied NFKC to whole texts, but a
//! run with `--clean none` has not, so non-ASCII words are normalised here as well.

use unicode_normalization::UnicodeNormalization;

/// Write the surface form of `word` into `out` (cleared first).
///
/// ASCII words take a fast path (byte-wise lower case). Curly and modifier apostrophes
/// (U+2019, U+2018, U+02BC) become `'`, because the Snowball stemmer only strips the possessive
/// `'s` with a straight apostrophe ("party’s" would otherwise stem to "party’").
pub fn surface_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        return;
    }
    for c in word.nfkc() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Whether a word is written in a script that has no Snowball stemmer and no spaces between
/// morphemes (Hangul, Han, Kana): such words are counted as they are.
pub fn is_unstemmable_script(word: &str) -> bool {
    !word.is_ascii()
        && word.chars().any(|c| {
            matches!(c as u32,
                0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF // Hangul
                | 0x3040..=0x30FF                                   // Hiragana, Katakana
                | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(w: &str) -> String {
        let mut s = String::new();
        surface_into(w, &mut s);
        s
    }

    #[test]
    fn lower_case_and_apostrophes() {
        assert_eq!(surface("PARTY"), "party");
        assert_eq!(surface("Party’s"), "party's");
        assert_eq!(surface("ＫＣＮＡ"), "kcna");
        assert_eq!(surface("Ⅱ"), "ii");
        assert_eq!(surface("Übermäßig"), "übermäßig");
        assert_eq!(surface("홈페지봉사에"), "홈페지봉사에");
    }

    #[test]
    fn scripts_without_stemmers() {
        assert!(is_unstemmable_script("김일성-김정일주의"));
        assert!(is_unstemmable_script("朝鲜"));
        assert!(!is_unstemmable_script("party"));
        assert!(!is_unstemmable_script("партия"));
    }
}
