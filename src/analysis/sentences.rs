//! Sentence boundaries (UAX #29), decided by unicode-segmentation only where one can occur.
//!
//! A UAX #29 sentence boundary can only follow a line or paragraph separator, or a run of
//! sentence terminators (`.` `!` `?` `。` …) with closing punctuation and spaces. Running the
//! full sentence algorithm over every character costs as much as the rest of the analysis
//! together, so this module scans for candidate characters and asks unicode-segmentation about
//! a small window around each: from the start of the word before the candidate to the first
//! letter after it (the furthest the UAX #29 rules look). Candidates are over-generated on
//! purpose (any non-ASCII punctuation is one); the decision is always unicode-segmentation's,
//! except at a full stop glued to the next sentence ("families.There", see
//! [`super::abbrev::glued_sentence_end`]), which is a boundary too. A property test checks the
//! result equals segmenting the whole text plus those glued ends.
//!
//! A window holds no letter after its candidate, so the candidates inside it (a run of 40,000
//! `.`, `?` or U+202E) are all decided by that one window, and the scan resumes where it
//! ends: every byte is looked at a bounded number of times.

use unicode_segmentation::UnicodeSegmentation;

/// How far back a window reaches for the word before a terminator (bytes).
const LOOK_BACK: usize = 64;

/// Byte offsets of the sentence boundaries of `text` in increasing order, ending with
/// `text.len()` (0 is never included; an empty text has none).
pub fn boundaries(text: &str, out: &mut Vec<usize>) {
    out.clear();
    let mut last = 0;
    let mut push = |b: usize, out: &mut Vec<usize>| {
        if b > last {
            out.push(b);
            last = b;
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        i = skip_plain(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            match b {
                // CR LF is one separator (SB3): the boundary follows the LF.
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
                b'\n' | b'\r' => push(i + 1, out),
                b'.' | b'!' | b'?' => {
                    i = decide(text, i, |b| push(b, out));
                    continue;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // A multi-byte character: only its first byte starts one.
        let c = text[i..].chars().next().expect("i is a char boundary");
        if is_separator(c) {
            push(i + c.len_utf8(), out);
        } else if is_candidate(c) {
            i = decide(text, i, |b| push(b, out));
            continue;
        }
        i += c.len_utf8();
    }
    push(text.len(), out);
}

/// The first position from `i` on that may matter here: `.` `!` `?`, a line break, or a byte
/// of a multi-byte character. Eight bytes at a time: in English text nine bytes in ten are
/// letters, spaces and commas.
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte of `word` equals `b` (the classic "has a zero byte" test on word ^ b…b).
    let has = |word: u64, b: u8| {
        let x = word ^ (ONES * b as u64);
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        let special = word & HIGHS != 0
            || has(word, b'.')
            || has(word, b'!')
            || has(word, b'?')
            || has(word, b'\n')
            || has(word, b'\r');
        if special {
            break;
        }
        i += 8;
    }
    i
}

/// Line and paragraph separators: always followed by a boundary (SB4).
fn is_separator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Could `c` be a sentence terminator? ASCII `.` `!` `?`, and every non-ASCII character that
/// is not a letter, digit or space (a few very common ones known not to be terminators
/// excepted, for speed).
fn is_candidate(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '.' | '!' | '?');
    }
    // Direction marks are ignored by UAX #29 (rule SB5) and by the glued-sentence rule.
    !(c.is_alphanumeric()
        || c.is_whitespace()
        || super::normalize::is_direction_mark(c)
        || matches!(c, '\u{2018}'..='\u{201F}' | '\u{2013}' | '\u{2014}' | '\u{00AB}' | '\u{00BB}'))
}

/// Emit the boundaries that follow the candidate at byte `at` where unicode-segmentation puts
/// them, and return where the scan goes on. The window runs from the start of the preceding
/// word to the first letter or separator after the candidate; it decides every candidate up
/// to that letter or separator, where the scan resumes.
fn decide(text: &str, at: usize, mut emit: impl FnMut(usize)) -> usize {
    if let Some(answer) = common_case(text.as_bytes(), at) {
        if let Some(b) = answer {
            emit(b);
        }
        return at + 1;
    }
    // "families.There": UAX #29 sees no boundary where a space is missing (see abbrev).
    if text.as_bytes()[at] == b'.' && super::abbrev::glued_sentence_end(text, at) {
        emit(at + 1);
        return at + 1;
    }
    let start = window_start(text, at);
    let (end, resume) = window_end(text, at);
    let window = &text[start..end];
    window
        .split_sentence_bound_indices()
        .map(|(i, piece)| start + i + piece.len())
        .filter(|&b| b > at && b < end)
        .for_each(emit);
    resume
}

/// The commonest case, decided by the UAX #29 rules directly (no window): `.` `!` or `?`, then
/// spaces, then an ASCII letter. None of SB6–SB8a can hold before an uppercase letter once a
/// space intervenes, so SB11 breaks before it; a lowercase letter continues the sentence after
/// a full stop (SB8) and starts a new one after `!` or `?` (SB11). `None` for any other case.
fn common_case(b: &[u8], at: usize) -> Option<Option<usize>> {
    let t = b[at];
    if !matches!(t, b'.' | b'!' | b'?') || b.get(at + 1) != Some(&b' ') {
        return None;
    }
    let mut j = at + 1;
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    let next = *b.get(j)?;
    if next.is_ascii_uppercase() {
        Some(Some(j))
    } else if next.is_ascii_lowercase() {
        Some((t != b'.').then_some(j))
    } else {
        None
    }
}

fn window_start(text: &str, at: usize) -> usize {
    let floor = at.saturating_sub(LOOK_BACK);
    let before = &text[..at];
    match before
        .char_indices()
        .rev()
        .take_while(|&(i, _)| i >= floor)
        .find(|&(_, c)| c.is_whitespace())
    {
        Some((i, c)) => i + c.len_utf8(),
        None => {
            let mut s = floor;
            while !text.is_char_boundary(s) {
                s += 1;
            }
            s
        }
    }
}

/// The end of the window of the candidate at `at` (just after the first letter or separator
/// that follows it, or the end of the text), and where that letter or separator starts.
fn window_end(text: &str, at: usize) -> (usize, usize) {
    let rest = &text[at..];
    let mut chars = rest.char_indices();
    chars.next(); // the candidate itself
    for (i, c) in chars {
        if c.is_alphabetic() || is_separator(c) {
            return (at + i + c.len_utf8(), at + i);
        }
    }
    (text.len(), text.len())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fast(text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        boundaries(text, &mut out);
        out
    }

    /// Boundaries from running UAX #29 over the whole text, plus one after every glued
    /// sentence end ("families.There").
    fn reference(text: &str) -> Vec<usize> {
        let mut out: Vec<usize> =
            text.split_sentence_bound_indices().map(|(i, s)| i + s.len()).collect();
        let glued = text.match_indices('.').map(|(i, _)| i);
        out.extend(
            glued.filter(|&i| super::super::abbrev::glued_sentence_end(text, i)).map(|i| i + 1),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn known_cases() {
        let t = "Mr. Kim said so. It was held from Dec. 21 to 23! Then?";
        assert_eq!(fast(t), reference(t));
        assert_eq!(fast("e.g. the end. Next"), [14, 18]);
        assert_eq!(fast("He said: \"Stop.\" Then left."), [17, 27]);
        assert_eq!(fast("line one\nline two"), [9, 17]);
        assert_eq!(fast(""), Vec::<usize>::new());
        assert_eq!(fast("our families.There is"), [13, 21]);
        assert_eq!(fast("우리는 창조와 건설로! 새해"), reference("우리는 창조와 건설로! 새해"));
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "B",
            "word",
            "Kim",
            "the",
            "U",
            "S",
            "3",
            "12",
            " ",
            " ",
            "  ",
            ".",
            ".",
            "!",
            "?",
            "\"",
            ")",
            "(",
            "’",
            "“",
            "”",
            "\n",
            ",",
            ";",
            ":",
            "-",
            "—",
            "우리",
            "。",
            "…",
            "\t",
            "e.g",
            "OK",
            "DPRK",
            "Mr",
            "\u{a0}",
            "'",
            "¿",
            "‼",
            "\r",
            "\u{2029}",
            "．",
            "%",
            "[",
            "]",
            "Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
            "1234567890123456789012345678901234567890123456789012345678901234567890",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    /// Text with runs of what one window decides: terminators, closing punctuation, spaces,
    /// format characters (U+202E), combining marks.
    fn runs_strategy() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            ".", "?", "!", "\u{202e}", "\u{301}", ")", "\"", " ", "。", "a", "B", "word", "3", "\n",
        ]);
        prop::collection::vec((piece, 1..30usize), 0..12)
            .prop_map(|runs| runs.into_iter().map(|(p, n)| p.repeat(n)).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn equals_whole_text_segmentation(text in text_strategy()) {
            prop_assert_eq!(fast(&text), reference(&text));
        }

        #[test]
        fn runs_equal_whole_text_segmentation(text in runs_strategy()) {
            prop_assert_eq!(fast(&text), reference(&text));
        }
    }
}
