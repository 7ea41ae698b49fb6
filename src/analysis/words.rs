//! UAX #29 word segments, with a fast path for Latin text.
//!
//! unicode-segmentation looks every character up in its Unicode tables, which makes word
//! segmentation the costliest step of the analysis. Most sentences of English corpora hold only
//! ASCII plus curly quotes and dashes, and for those characters the UAX #29 word rules reduce
//! to a few lines: letters, digits and `_` run together (WB5, WB8–WB10, WB13a–b), and one
//! `:` `.` `'` `’` `‘` between two letters (WB6–7) or one `,` `;` `.` `'` `’` `‘` between two
//! digits (WB11–12) continues the run; everything else stands alone. Sentences with any other
//! character go to unicode-segmentation. A property test checks that both paths give the same
//! segments on random text.

use unicode_segmentation::UnicodeSegmentation;

/// Call `f(offset, segment)` for the UAX #29 word segments of `text` that matter to the
/// analyser: every word segment, and at least one segment for everything between words
/// (spaces and punctuation may come as several single-character segments rather than one run).
pub fn for_each_segment(text: &str, mut f: impl FnMut(usize, &str)) {
    if fast_path_applies(text) {
        fast_segments(text, f);
    } else {
        for (at, seg) in text.split_word_bound_indices() {
            f(at, seg);
        }
    }
}

/// Characters the fast path knows the UAX #29 word-break class of.
fn fast_path_applies(text: &str) -> bool {
    text.is_ascii()
        || text.chars().all(|c| {
            c.is_ascii()
                || matches!(
                    c,
                    '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' | '\u{2013}' | '\u{2014}'
                )
        })
}

/// The fast path, on bytes: runs of letters, digits and `_` (continued across one mid
/// character between two letters or two digits) are word segments; everything else between
/// words comes as runs, except that a hyphen is always a segment of its own (the analyser joins
/// `word-word`). Non-ASCII characters here are the three-byte quotes and dashes of
/// [`fast_path_applies`].
fn fast_segments(text: &str, mut f: impl FnMut(usize, &str)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let start = i;
        if is_run_byte(b[i]) {
            i += 1;
            loop {
                while i < n && is_run_byte(b[i]) {
                    i += 1;
                }
                let (joins, len) = mid_at(b, i);
                let after = i + len;
                if joins == Mid::No || after >= n {
                    break;
                }
                let (last, next) = (b[i - 1], b[after]);
                let letters = last.is_ascii_alphabetic() && next.is_ascii_alphabetic();
                let digits = last.is_ascii_digit() && next.is_ascii_digit();
                let joined = match joins {
                    Mid::Letters => letters,
                    Mid::Digits => digits,
                    Mid::Both => letters || digits,
                    Mid::No => false,
                };
                if !joined {
                    break;
                }
                i = after;
            }
        } else if b[i] == b'-' {
            i += 1;
        } else {
            while i < n && !is_run_byte(b[i]) && b[i] != b'-' {
                i += utf8_len(b[i]);
            }
        }
        f(start, &text[start..i]);
    }
}

/// Letters, digits and `_`: the bytes that run together.
fn is_run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// What a character joins when it stands between two letters or two digits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mid {
    /// MidLetter: `:`.
    Letters,
    /// MidNum: `,` `;`.
    Digits,
    /// MidNumLetQ: `.` `'` `‘` `’`.
    Both,
    /// Nothing.
    No,
}

/// The mid character at byte `i` (if any) and its length in bytes.
fn mid_at(b: &[u8], i: usize) -> (Mid, usize) {
    match b.get(i) {
        Some(b':') => (Mid::Letters, 1),
        Some(b',' | b';') => (Mid::Digits, 1),
        Some(b'.' | b'\'') => (Mid::Both, 1),
        // U+2018 and U+2019 are E2 80 98 and E2 80 99.
        Some(0xE2) if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x98 | 0x99)) => {
            (Mid::Both, 3)
        }
        _ => (Mid::No, 1),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Word segments (those holding a letter or digit) as (offset, text).
    fn words(text: &str, fast: bool) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut keep = |at: usize, seg: &str| {
            if seg.chars().any(char::is_alphanumeric) {
                out.push((at, seg.to_string()));
            }
        };
        if fast {
            fast_segments(text, &mut keep);
        } else {
            text.split_word_bound_indices().for_each(|(at, s)| keep(at, s));
        }
        out
    }

    #[test]
    fn known_cases() {
        let t = "U.S.A. don’t 3,500 1.5 a:b x_1 e-mail 10% ‘quoted’ “A” end.";
        assert_eq!(words(t, true), words(t, false));
        let got: Vec<_> = words(t, true).into_iter().map(|(_, w)| w).collect();
        assert_eq!(
            got,
            [
                "U.S.A", "don’t", "3,500", "1.5", "a:b", "x_1", "e", "mail", "10", "quoted", "A",
                "end"
            ]
        );
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", "z", "Kim", "3", "0", "_", " ", " ", ".", ",", ";", ":", "'", "-", "’", "‘",
            "“", "”", "—", "–", "!", "?", "(", ")", "%", "\n", "\t", "e", "1",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn fast_path_equals_unicode_segmentation(text in text_strategy()) {
            prop_assert!(fast_path_applies(&text));
            prop_assert_eq!(words(&text, true), words(&text, false));
        }
    }

    #[test]
    fn other_scripts_take_the_full_path() {
        assert!(!fast_path_applies("café"));
        assert!(!fast_path_applies("우리는"));
        assert!(fast_path_applies("don’t — “so”"));
    }
}
