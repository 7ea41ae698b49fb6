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

/// Letters, digits and `_`: the characters that run together.
fn is_run(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// MidLetter or MidNumLetQ: joins two letters.
fn joins_letters(c: char) -> bool {
    matches!(c, ':' | '.' | '\'' | '\u{2018}' | '\u{2019}')
}

/// MidNum or MidNumLetQ: joins two digits.
fn joins_digits(c: char) -> bool {
    matches!(c, ',' | ';' | '.' | '\'' | '\u{2018}' | '\u{2019}')
}

fn fast_segments(text: &str, mut f: impl FnMut(usize, &str)) {
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_run(c) {
            f(start, &text[start..start + c.len_utf8()]);
            continue;
        }
        let mut last = c;
        let mut end = start + c.len_utf8();
        loop {
            match chars.peek() {
                Some(&(i, d)) if is_run(d) => {
                    chars.next();
                    last = d;
                    end = i + d.len_utf8();
                }
                Some(&(i, m)) => {
                    let after = text[i + m.len_utf8()..].chars().next();
                    let joined = match after {
                        Some(a) if last.is_ascii_alphabetic() && a.is_ascii_alphabetic() => {
                            joins_letters(m)
                        }
                        Some(a) if last.is_ascii_digit() && a.is_ascii_digit() => joins_digits(m),
                        _ => false,
                    };
                    if !joined {
                        break;
                    }
                    chars.next();
                }
                None => break,
            }
        }
        f(start, &text[start..end]);
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
