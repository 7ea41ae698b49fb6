//! Character-level normalisation: line endings, byte-order marks, NFKC and invisible
//! characters. Each step returns the input unchanged (borrowed) when there is nothing to do,
//! which is the common case for ASCII text.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::removed::{Kind, Removed};
use crate::analysis::normalize::is_direction_mark;

/// CRLF and lone CR → LF; a leading U+FEFF byte-order mark is dropped.
pub fn normalize_newlines(s: &str) -> Cow<'_, str> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    if memchr::memchr(b'\r', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// NFKC (full-width `－ ， ？ ＆` and U+3000, U+00A0, U+2003 and other odd spaces become their
/// ordinary forms; `Ⅱ` becomes `II`, `℃` becomes `°C`), then invisible characters removed
/// (soft hyphen, zero-width space, word joiner, stray byte-order marks, direction marks and
/// bidi controls; counted in `removed`).
/// Pure ASCII text is returned untouched without being scanned twice.
///
/// The text is first put in the stream-safe format of UAX #15 (a combining grapheme joiner
/// after every 30 combining marks in a row), so that normalisation, which reorders and
/// composes whole runs of marks, never works on an unbounded run: 40,000 accents after one
/// letter are cheap. Real text never has such runs, so it is unchanged by this.
pub fn normalize_unicode<'a>(s: &'a str, removed: &mut Removed) -> Cow<'a, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    // ASCII characters are NFKC-stable starters, so the quick check is given only the others.
    // Leaving ASCII out can make a "yes" a "maybe" (a combining mark then seems to follow the
    // last non-ASCII character rather than an ASCII letter), which costs a full normalisation,
    // but never a "maybe" a "yes". The invisible characters are not ASCII either.
    let nfkc: Cow<str> = match is_nfkc_quick(non_ascii_chars(s)) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.chars().stream_safe().nfkc().collect()),
    };
    if !non_ascii_chars(&nfkc).any(is_invisible) {
        return nfkc;
    }
    let mut kept = String::with_capacity(nfkc.len());
    let mut invisible = 0;
    for c in nfkc.chars() {
        if is_invisible(c) {
            invisible += 1;
        } else {
            kept.push(c);
        }
    }
    // Each is one character, and none is whitespace.
    removed.add_chars(Kind::Invisible, invisible, invisible);
    Cow::Owned(kept)
}

/// The characters of `s` that are not ASCII, in order; runs of ASCII are skipped eight bytes
/// at a time.
fn non_ascii_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(chunk) = bytes.get(i..i + 8) {
            if u64::from_ne_bytes(chunk.try_into().expect("eight bytes")) & HIGHS != 0 {
                break;
            }
            i += 8;
        }
        while bytes.get(i).is_some_and(u8::is_ascii) {
            i += 1;
        }
        let c = s.get(i..)?.chars().next()?;
        i += c.len_utf8();
        Some(c)
    })
}

/// Characters that have no width and no meaning for counting words: soft hyphen, zero-width
/// space, word joiner, byte-order mark, and the direction marks, embeddings, overrides and
/// isolates (which UAX #29 would otherwise keep inside a word, and which can spoof a text's
/// display).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}') || is_direction_mark(c)
}

/// Append `line` to `out` with every run of whitespace collapsed to one space and the ends
/// trimmed.
pub fn push_collapsed(out: &mut String, line: &str) {
    if is_collapsed(line) {
        out.push_str(line);
        return;
    }
    // Copies whole runs between whitespace rather than going word by word through
    // `split_whitespace`; ASCII bytes are classified without decoding.
    let bytes = line.as_bytes();
    let space_at = |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            return (matches!(b, 9..=13 | b' '), 1);
        }
        let c = line[i..].chars().next().expect("char boundary");
        (c.is_whitespace(), c.len_utf8())
    };
    let mut i = 0;
    let mut first = true;
    while i < bytes.len() {
        while i < bytes.len() {
            let (space, len) = space_at(i);
            if !space {
                break;
            }
            i += len;
        }
        let start = i;
        while i < bytes.len() {
            let (space, len) = space_at(i);
            if space {
                break;
            }
            i += len;
        }
        if start < i {
            if !first {
                out.push(' ');
            }
            out.push_str(&line[start..i]);
            first = false;
        }
    }
}

/// Whether `line` is already collapsed: no whitespace at either end, and no whitespace but
/// single ASCII spaces inside (most lines of clean text; copied whole).
fn is_collapsed(line: &str) -> bool {
    let b = line.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // One pass over the bytes: tabs and other ASCII control spaces, two spaces in a row.
    let mut space_before = false;
    let mut ascii = true;
    for &c in b {
        let space = c == b' ';
        if matches!(c, 9..=13) || (space && space_before) {
            return false;
        }
        space_before = space;
        ascii &= c.is_ascii();
    }
    ascii || !non_ascii_chars(line).any(char::is_whitespace)
}

/// `line` with whitespace collapsed (see [`push_collapsed`]).
pub fn collapsed(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    push_collapsed(&mut out, line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsing_matches_split_whitespace() {
        let lines = [
            "",
            "  ",
            "a",
            " a  b\t\tc \x0b d\x0c\re ",
            "no_space",
            "x \n y",
            "don’t\u{a0}stop",
            "\u{3000}조선 \u{2003} 로동당\u{2028}",
            "é  ü",
        ];
        for line in lines {
            let mut fast = String::new();
            push_collapsed(&mut fast, line);
            assert_eq!(fast, line.split_whitespace().collect::<Vec<_>>().join(" "), "{line:?}");
        }
    }

    #[test]
    fn newlines() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n\r\nd"), "a\nb\nc\n\nd");
        assert_eq!(normalize_newlines("\u{feff}x\r\n"), "x\n");
        assert!(matches!(normalize_newlines("plain\n"), Cow::Borrowed("plain\n")));
    }

    fn normalize_unicode(s: &str) -> Cow<'_, str> {
        super::normalize_unicode(s, &mut Removed::default())
    }

    #[test]
    fn nfkc_and_spaces() {
        assert_eq!(normalize_unicode("Kim\u{3000}Jong－Un，ok？ A＆B"), "Kim Jong-Un,ok? A&B");
        assert_eq!(normalize_unicode("a\u{a0}b\u{2003}c\u{202f}d"), "a b c d");
        assert_eq!(normalize_unicode("Ⅱ ℃ ４월"), "II °C 4월");
        assert_eq!(normalize_unicode("co\u{ad}op\u{200b}x"), "coopx");
        // Already normalised non-ASCII text is borrowed, curly quotes and Hangul untouched.
        assert!(matches!(normalize_unicode("People\u{2019}s 력사"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_characters_are_counted() {
        let mut removed = Removed::default();
        let text = super::normalize_unicode("co\u{ad}op\u{200b}x\u{2060}y\u{feff}", &mut removed);
        assert_eq!(text, "coopxy");
        assert_eq!((removed.count(Kind::Invisible), removed.chars), (4, 4));
    }

    #[test]
    fn direction_marks_are_invisible_characters() {
        let mut removed = Removed::default();
        let raw = "We praise the \u{202e}great\u{202c} leader. The \u{2067}great\u{2069} one. \
                   The great\u{200e} x\u{200f}\u{61c}\u{202a}\u{202b}\u{202d}\u{2066}\u{2068}.";
        let text = super::normalize_unicode(raw, &mut removed);
        assert_eq!(text, "We praise the great leader. The great one. The great x.");
        assert_eq!((removed.count(Kind::Invisible), removed.chars), (12, 12));
    }

    #[test]
    fn long_runs_of_marks_are_made_stream_safe() {
        // 40 acute accents after "a": NFKC composes the first with the letter; the stream-safe
        // transform puts a combining grapheme joiner (U+034F) after the first 30 marks of the
        // run, before normalisation, so 29 follow the "á", then the joiner, then the last 10.
        let text = format!("a{}", "\u{301}".repeat(40));
        let want = format!("\u{e1}{}\u{34f}{}", "\u{301}".repeat(29), "\u{301}".repeat(10));
        assert_eq!(normalize_unicode(&text), want);
        // Short runs are only normalised.
        assert_eq!(normalize_unicode("e\u{301}\u{327}"), "\u{229}\u{301}");
    }

    #[test]
    fn non_ascii_characters_in_order() {
        let text = "plain ascii text, long enough to skip — then é and 조선, and ’ at the end’";
        let want: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
        assert_eq!(non_ascii_chars(text).collect::<Vec<_>>(), want);
        assert_eq!(non_ascii_chars("").count(), 0);
        assert_eq!(non_ascii_chars("only ascii here, more than eight bytes").count(), 0);
    }

    #[test]
    fn collapsed_lines_are_recognised() {
        for (line, collapsed) in [
            ("a b c", true),
            ("a  b", false),
            ("a\tb", false),
            (" a", false),
            ("a\u{a0}b", false),
            ("don’t stop", true),
            ("", true),
        ] {
            assert_eq!(is_collapsed(line), collapsed, "{line:?}");
        }
    }

    #[test]
    fn collapse() {
        assert_eq!(collapsed("  a \t b\u{3000} c  "), "a b c");
        assert_eq!(collapsed(" \t "), "");
    }
}
