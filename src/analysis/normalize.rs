//! Normalising a word into its surface form: NFKC, lower case, one apostrophe, no direction
//! marks.
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
///
/// So does a run of the characters that the segmenter lets stand in for an apostrophe inside a
/// word ("Year´s", "Today`s", "America\u{FFFD}\u{FFFD}s", "don`t": see [`super::segment`]):
/// they make "year's", "today's", "america's", "don't", counted with the words written with
/// `'`. No word holds them otherwise (UAX #29 never puts them inside one).
///
/// Direction marks ([`is_direction_mark`]) are left out: UAX #29 keeps format characters
/// inside a word, so `great` followed by U+202C would otherwise be a second, identical-looking
/// word. Cleaning removes them from the text already; this covers `--clean none`.
pub fn surface_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| match b {
            b'`' => '\'',
            b => b.to_ascii_lowercase() as char,
        }));
        return;
    }
    for c in word.nfkc() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            // One apostrophe for a run of U+FFFD (one per invalid byte).
            '`' | '\u{FFFD}' if out.ends_with('\'') => {}
            '`' | '\u{FFFD}' => out.push('\''),
            // `´` under NFKC is a space and U+0301; no word holds a space otherwise.
            '\u{301}' if out.ends_with(' ') => {
                out.pop();
                if !out.ends_with('\'') {
                    out.push('\'');
                }
            }
            c if is_direction_mark(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The invisible characters that only steer the direction of display: the marks U+200E,
/// U+200F and U+061C, the embeddings and overrides U+202A–U+202E and the isolates
/// U+2066–U+2069. They are never part of a word, and cleaning removes them (counted as
/// invisible characters). NFKC leaves them as they are, so they can be tested before or after.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}') || is_bidi_control(c)
}

/// Whether `c` is a bidirectional embedding, override or isolate control (U+202A–U+202E,
/// U+2066–U+2069): the direction marks that reorder the text around them, so that a title
/// could be made to read differently from what it holds. Output shows them instead of obeying
/// them (`table::terminal`, the report's pages).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
    fn apostrophe_stand_ins_become_one_apostrophe() {
        assert_eq!(surface("Today`s"), "today's");
        assert_eq!(surface("don`t"), "don't");
        assert_eq!(surface("Year\u{b4}s"), "year's");
        // As cleaning leaves `´` (NFKC): a space and a combining acute.
        assert_eq!(surface("Year \u{301}s"), "year's");
        assert_eq!(surface("America\u{FFFD}\u{FFFD}s"), "america's");
        assert_eq!(surface("1980\u{FFFD}\u{b4}s"), "1980's");
        // A combining acute on a letter is kept.
        assert_eq!(surface("Cafe\u{301}"), "café");
    }

    #[test]
    fn direction_marks_are_not_part_of_a_word() {
        assert_eq!(surface("great\u{202c}"), "great");
        assert_eq!(surface("\u{2067}Great\u{2069}"), "great");
        assert_eq!(
            surface("gr\u{200e}e\u{200f}a\u{61c}t\u{202a}\u{202b}\u{202d}\u{2066}\u{2068}"),
            "great"
        );
        assert_eq!(surface("Party\u{202e}’s"), "party's");
        // Every one of the 12, and nothing next to them.
        let marks: Vec<char> =
            (0..=0x206f_u32).filter_map(char::from_u32).filter(|&c| is_direction_mark(c)).collect();
        let want = [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        assert_eq!(marks, want);
    }

    #[test]
    fn scripts_without_stemmers() {
        assert!(is_unstemmable_script("김일성-김정일주의"));
        assert!(is_unstemmable_script("朝鲜"));
        assert!(!is_unstemmable_script("party"));
        assert!(!is_unstemmable_script("партия"));
    }
}
