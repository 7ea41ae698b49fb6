//! Segmentation: sentences and words with unicode-segmentation (UAX #29).
//!
//! The segmenter finds the byte range of every word in a cleaned text and marks the first word
//! of every sentence. Sentence pieces that end in an abbreviation are joined to the next piece;
//! line breaks (paragraph breaks in cleaned text) always end a sentence. Words joined by a
//! hyphen with no space ("Kimilsungist-Kimjongilist", "SEOUL-BASED") become one word, because
//! UAX #29 splits them and a formula must not be cut in half. Everything that is not a word
//! (spaces, punctuation, symbols, emoji) produces no token.

use super::abbrev::ends_with_abbreviation;

/// Words longer than this (in bytes) are not counted: they are URLs, encoded blobs or junk,
/// and a 50 MB "word" would otherwise be stemmed and interned.
pub const MAX_WORD_BYTES: usize = 100;

/// One word found by the segmenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first byte of the word in the text.
    pub start: u32,
    /// Byte offset one past the last byte of the word.
    pub end: u32,
    /// True for the first word of a sentence (and so of a paragraph and of the text).
    pub sentence_start: bool,
}

/// What the segmenter saw, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentStats {
    /// Sentences that hold at least one word.
    pub sentences: u64,
    /// Words left out because they are longer than [`MAX_WORD_BYTES`].
    pub overlong: u64,
}

/// Segment `text` into words, appending them to `out`.
///
/// Offsets are relative to `text` plus `base` (so a caller can segment a part of a larger text).
pub fn segment(text: &str, base: u32, out: &mut Vec<Span>, stats: &mut SegmentStats) {
    thread_local! {
        // Sentence ends of the text being segmented, kept from one text to the next.
        static ENDS: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let first = out.len();
    ENDS.with_borrow_mut(|ends| segment_with(text, base, out, stats, ends));
    // One search per text; the split is needed only where the character occurs.
    if text.contains(NNBSP) {
        split_at_nnbsp(text, base, first, out);
    }
}

/// The narrow no-break space. UAX #29 gives it Word_Break=ExtendNumLet, so it joins letters
/// into one "word" (`a\u{202f}b`, `Bonjour\u{202f}`), a word holding a space; cleaning's NFKC
/// turns it into a plain space, so the words are split at it here too (found by fuzzing).
const NNBSP: char = '\u{202f}';

/// Split the words from `out[first..]` at every [`NNBSP`], keeping the pieces that hold a
/// letter or digit; a sentence start stays on the sentence's first word.
fn split_at_nnbsp(text: &str, base: u32, first: usize, out: &mut Vec<Span>) {
    let words = out.split_off(first);
    let mut starts_pending = false;
    for span in words {
        let (start, end) = ((span.start - base) as usize, (span.end - base) as usize);
        starts_pending |= span.sentence_start;
        let mut at = start;
        for piece in text[start..end].split(NNBSP) {
            if piece.chars().any(char::is_alphanumeric) {
                let (s, e) = (base + at as u32, base + (at + piece.len()) as u32);
                out.push(Span { start: s, end: e, sentence_start: starts_pending });
                starts_pending = false;
            }
            at += piece.len() + NNBSP.len_utf8();
        }
    }
}

fn segment_with(
    text: &str,
    base: u32,
    out: &mut Vec<Span>,
    stats: &mut SegmentStats,
    ends: &mut Vec<usize>,
) {
    super::sentences::boundaries(text, ends);
    let (mut sentence_start, mut piece_start) = (0usize, 0usize);
    for (k, &end) in ends.iter().enumerate() {
        let piece = &text[piece_start..end];
        piece_start = end;
        if ends_with_abbreviation(piece) && k + 1 < ends.len() {
            continue;
        }
        words(&text[sentence_start..end], base + sentence_start as u32, out, stats);
        sentence_start = end;
    }
}

/// Append the words of one sentence, the first one marked as a sentence start.
fn words(sentence: &str, base: u32, out: &mut Vec<Span>, stats: &mut SegmentStats) {
    let before = out.len();
    let mut joiner = HyphenJoiner::default();
    super::words::for_each_segment(sentence, |at, seg| {
        if let Some((s, e)) = joiner.push(at, seg) {
            emit(s, e, base, out, stats);
        }
    });
    if let Some((s, e)) = joiner.finish() {
        emit(s, e, base, out, stats);
    }
    if out.len() > before {
        out[before].sentence_start = true;
        stats.sentences += 1;
    }
}

fn emit(start: usize, end: usize, base: u32, out: &mut Vec<Span>, stats: &mut SegmentStats) {
    if end - start > MAX_WORD_BYTES {
        stats.overlong += 1;
        return;
    }
    out.push(Span { start: base + start as u32, end: base + end as u32, sentence_start: false });
}

/// Joins `word - word` (no spaces) into one word while walking UAX #29 word segments.
#[derive(Default)]
struct HyphenJoiner {
    /// The word being built: (start, end).
    pending: Option<(usize, usize)>,
    /// End of a hyphen that directly follows `pending`.
    hyphen_end: Option<usize>,
}

impl HyphenJoiner {
    /// Feed one segment; returns a finished word, if any.
    fn push(&mut self, at: usize, seg: &str) -> Option<(usize, usize)> {
        let end = at + seg.len();
        if is_word(seg) {
            if let (Some((s, _)), Some(h)) = (self.pending, self.hyphen_end)
                && h == at
            {
                self.pending = Some((s, end));
                self.hyphen_end = None;
                return None;
            }
            self.hyphen_end = None;
            return self.pending.replace((at, end));
        }
        if is_hyphen(seg)
            && self.hyphen_end.is_none()
            && let Some((_, e)) = self.pending
            && e == at
        {
            self.hyphen_end = Some(end);
            return None;
        }
        self.hyphen_end = None;
        self.pending.take()
    }

    fn finish(&mut self) -> Option<(usize, usize)> {
        self.hyphen_end = None;
        self.pending.take()
    }
}

/// A UAX #29 segment is a word when it holds a letter or a digit.
fn is_word(seg: &str) -> bool {
    let b = seg.as_bytes()[0];
    if b.is_ascii() {
        return b.is_ascii_alphanumeric() || seg.bytes().any(|b| b.is_ascii_alphanumeric());
    }
    // A space that a combining mark follows (UAX #29 keeps them together) is not a word,
    // even when the mark is alphabetic (U+00A0 U+093E): no word starts with a space.
    !seg.starts_with(char::is_whitespace) && seg.chars().any(char::is_alphanumeric)
}

fn is_hyphen(seg: &str) -> bool {
    matches!(seg, "-" | "\u{2010}" | "\u{2011}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (word, starts a sentence) pairs.
    fn seg(text: &str) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        segment(text, 0, &mut out, &mut SegmentStats::default());
        out.iter().map(|s| (&text[s.start as usize..s.end as usize], s.sentence_start)).collect()
    }

    fn starts(text: &str) -> Vec<&str> {
        seg(text).into_iter().filter(|(_, s)| *s).map(|(w, _)| w).collect()
    }

    #[test]
    fn words_and_offsets() {
        let text = "The party's policies, 3,500 men.";
        let mut out = Vec::new();
        segment(text, 10, &mut out, &mut SegmentStats::default());
        assert_eq!(out[0], Span { start: 10, end: 13, sentence_start: true });
        let words: Vec<_> = seg(text).into_iter().map(|(w, _)| w).collect();
        assert_eq!(words, ["The", "party's", "policies", "3,500", "men"]);
    }

    #[test]
    fn hyphenated_compounds_are_one_word() {
        let words: Vec<_> =
            seg("the Kimilsungist-Kimjongilist party, SEOUL-BASED radio, well- known")
                .into_iter()
                .map(|(w, _)| w)
                .collect();
        assert_eq!(
            words,
            ["the", "Kimilsungist-Kimjongilist", "party", "SEOUL-BASED", "radio", "well", "known"]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            starts("Mr. Kim Jong Un said so. It was held from Dec. 21 to 23."),
            ["Mr", "It"]
        );
        assert_eq!(starts("He met the U.S. Congress. Then he left."), ["He", "Then"]);
        assert_eq!(starts("It ended. No. 1 was first."), ["It", "No"]);
    }

    #[test]
    fn paragraphs_and_line_breaks_end_sentences() {
        assert_eq!(starts("A heading without stop\n\nThe body goes on"), ["A", "The"]);
        assert_eq!(starts("Greetings to Mr.\n\nKim"), ["Greetings", "Kim"]);
    }

    #[test]
    fn hangul_and_punctuation() {
        let words: Vec<_> =
            seg("우리는 창조와 건설로! 새해 1990년을 맞이합니다.").into_iter().collect();
        assert_eq!(
            words,
            [
                ("우리는", true),
                ("창조와", false),
                ("건설로", false),
                ("새해", true),
                ("1990년을", false),
                ("맞이합니다", false)
            ]
        );
    }

    #[test]
    fn overlong_words_are_skipped_and_counted() {
        let long = "x".repeat(MAX_WORD_BYTES + 1);
        let text = format!("a {long} b");
        let mut out = Vec::new();
        let mut stats = SegmentStats::default();
        segment(&text, 0, &mut out, &mut stats);
        assert_eq!(out.len(), 2);
        assert_eq!(stats, SegmentStats { sentences: 1, overlong: 1 });
    }

    #[test]
    fn emoji_and_symbols_are_not_words() {
        assert_eq!(seg("👍 % — ok"), [("ok", true)]);
    }
}
