//! Segmentation: sentences and words with unicode-segmentation (UAX #29).
//!
//! The segmenter finds the byte range of every word in a cleaned text and marks the first word
//! of every sentence. Sentence pieces that end in an abbreviation are joined to the next piece;
//! line breaks (paragraph breaks in cleaned text) always end a sentence. Words joined by a
//! hyphen with no space ("Kimilsungist-Kimjongilist", "SEOUL-BASED") become one word, because
//! UAX #29 splits them and a formula must not be cut in half. A possessive or plural after
//! digits ("1980's") is one word too, and no lone "s" is ever made a word from an apostrophe.
//! A full stop glued to a capitalised word ("families.There") ends a sentence (see
//! [`super::abbrev::glued_sentence_end`]), so the two words are two. Everything that is not a
//! word (spaces, punctuation, symbols, emoji) produces no token.

use super::abbrev::{ends_with_abbreviation, is_apostrophe};

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
    // Words are segmented piece by piece (a glued "Mr.Kim" is two words), but a piece that ends
    // in an abbreviation does not end the sentence.
    let (mut piece_start, mut new_sentence) = (0usize, true);
    for (k, &end) in ends.iter().enumerate() {
        let piece = &text[piece_start..end];
        let before = out.len();
        // An "s" that opens a piece may still follow an apostrophe ("!'s").
        let after_apostrophe = text[..piece_start].ends_with(is_apostrophe);
        words(piece, base + piece_start as u32, after_apostrophe, out, stats);
        if new_sentence && out.len() > before {
            out[before].sentence_start = true;
            stats.sentences += 1;
            new_sentence = false;
        }
        piece_start = end;
        if !(ends_with_abbreviation(piece) && k + 1 < ends.len()) {
            new_sentence = true;
        }
    }
}

/// Append the words of one sentence piece (which directly follows an apostrophe when
/// `after_apostrophe`).
fn words(
    piece: &str,
    base: u32,
    after_apostrophe: bool,
    out: &mut Vec<Span>,
    stats: &mut SegmentStats,
) {
    let mut joiner =
        Joiner { apostrophe_end: after_apostrophe.then_some((0, false)), ..Joiner::new(piece) };
    super::words::for_each_segment(piece, |at, seg| {
        if let Some((s, e)) = joiner.push(at, seg) {
            emit(s, e, base, out, stats);
        }
    });
    if let Some((s, e)) = joiner.finish() {
        emit(s, e, base, out, stats);
    }
}

fn emit(start: usize, end: usize, base: u32, out: &mut Vec<Span>, stats: &mut SegmentStats) {
    if end - start > MAX_WORD_BYTES {
        stats.overlong += 1;
        return;
    }
    out.push(Span { start: base + start as u32, end: base + end as u32, sentence_start: false });
}

/// Joins `word - word` (no spaces) into one word, and a possessive or plural `'s` after digits
/// ("1980's") to its number, while walking UAX #29 word segments. UAX #29 joins `'` only
/// between two letters, so "1980's" comes as "1980", "'", "s"; and a lone "s" after any other
/// apostrophe ("the U.S.'s", "’s") is the clitic of something that is not a word: it is dropped,
/// never counted as a word "s".
struct Joiner<'a> {
    /// The text being segmented.
    text: &'a [u8],
    /// The word being built: (start, end).
    pending: Option<(usize, usize)>,
    /// End of a hyphen that directly follows `pending`.
    hyphen_end: Option<usize>,
    /// End of the last segment if it ended in an apostrophe, and whether that apostrophe
    /// stands alone right after a `pending` that ends in a digit.
    apostrophe_end: Option<(usize, bool)>,
}

impl<'a> Joiner<'a> {
    fn new(text: &'a str) -> Self {
        Joiner { text: text.as_bytes(), pending: None, hyphen_end: None, apostrophe_end: None }
    }

    /// Feed one segment; returns a finished word, if any.
    fn push(&mut self, at: usize, seg: &str) -> Option<(usize, usize)> {
        let end = at + seg.len();
        // UAX #29 hangs direction marks on the segment before them: "-" + U+200E is a hyphen.
        // (A segment of marks alone stays as it is: it is no word, hyphen or apostrophe.)
        let mut seg = seg;
        if seg.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
            let trimmed = seg.trim_end_matches(super::normalize::is_direction_mark);
            seg = if trimmed.is_empty() { seg } else { trimmed };
        }
        let apostrophe = self.apostrophe_end.take();
        if is_word(seg) {
            let hyphen = self.hyphen_end.take();
            if let (Some((s, _)), Some(h)) = (self.pending, hyphen)
                && h == at
            {
                return self.extend(s, end);
            }
            if let Some((a, after_digits)) = apostrophe
                && a == at
                && matches!(seg, "s" | "S")
            {
                return match self.pending {
                    Some((s, _)) if after_digits => self.extend(s, end),
                    _ => self.pending.take(),
                };
            }
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
        if let Some(alone) = apostrophe_segment(seg) {
            let joins = alone
                && self.pending.is_some_and(|(_, e)| e == at)
                && self.text[at - 1].is_ascii_digit();
            self.apostrophe_end = Some((end, joins));
            if joins {
                // Held back: an "s" may follow.
                return None;
            }
        }
        self.pending.take()
    }

    /// Make `pending` run from `start` to `end` (a joined part added).
    fn extend(&mut self, start: usize, end: usize) -> Option<(usize, usize)> {
        self.pending = Some((start, end));
        None
    }

    fn finish(&mut self) -> Option<(usize, usize)> {
        self.hyphen_end = None;
        self.apostrophe_end = None;
        self.pending.take()
    }
}

/// For a segment that ends in an apostrophe (`'` `’` `‘` `ʼ`): whether it is that apostrophe
/// alone. `None` for any other segment, decided from its last byte for nearly all: this runs
/// between every two words.
fn apostrophe_segment(seg: &str) -> Option<bool> {
    // `'`, and the last bytes of U+2018, U+2019 (E2 80 98/99) and U+02BC (CA BC).
    if !matches!(seg.as_bytes().last(), Some(0x27 | 0x98 | 0x99 | 0xBC)) {
        return None;
    }
    let last = seg.chars().next_back()?;
    is_apostrophe(last).then(|| seg.len() == last.len_utf8())
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
    use proptest::prelude::*;

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

    fn words_of(text: &str) -> Vec<&str> {
        seg(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn glued_sentences_are_two_words_and_two_sentences() {
        assert_eq!(
            seg("for our families.There is hope."),
            [
                ("for", true),
                ("our", false),
                ("families", false),
                ("There", true),
                ("is", false),
                ("hope", false)
            ]
        );
        // `!` and `?` already end a sentence in UAX #29; no word is glued across them.
        assert_eq!(starts("It ended!Then?Now it"), ["It", "Then", "Now"]);
        // An abbreviation glued to a name: two words, one sentence.
        assert_eq!(
            seg("Greet Mr.Kim now"),
            [("Greet", true), ("Mr", false), ("Kim", false), ("now", false)]
        );
    }

    #[test]
    fn dotted_abbreviations_numbers_and_names_stay_whole() {
        assert_eq!(
            words_of("The U.S. and the D.P.R.K. met at 3 p.m. The e.g. case"),
            ["The", "U.S", "and", "the", "D.P.R.K", "met", "at", "3", "p.m", "The", "e.g", "case"]
        );
        assert_eq!(starts("They met at 3 p.m. The talks ended."), ["They", "The"]);
        assert_eq!(
            words_of("rates of 3.5 at kcna.kp and example.com in README.md v1.2.3 J.R.R.Tolkien"),
            [
                "rates",
                "of",
                "3.5",
                "at",
                "kcna.kp",
                "and",
                "example.com",
                "in",
                "README.md",
                "v1.2.3",
                "J.R.R.Tolkien"
            ]
        );
    }

    #[test]
    fn decades_and_possessives_after_digits_are_one_word() {
        assert_eq!(words_of("the 1980's and 1980s"), ["the", "1980's", "and", "1980s"]);
        assert_eq!(words_of("the 1980’s, MP3's"), ["the", "1980’s", "MP3's"]);
        assert_eq!(words_of("pre-1980's style"), ["pre-1980's", "style"]);
        assert_eq!(words_of("Kim's party’s"), ["Kim's", "party’s"]);
        // A lone "s" after any other apostrophe is dropped, never a word.
        assert_eq!(
            words_of("the U.S.'s role, ‘s’ and 1980 's"),
            ["the", "U.S", "role", "and", "1980"]
        );
        assert_eq!(words_of("rock 'n' roll"), ["rock", "n", "roll"]);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "1980", "3", "s", "S", "'", "’", "‘", "ʼ", ".", ".", "There", "families", "U", "e",
            "g", "Mr", " ", " ", "-", "!", "?", "\n", "Kim", "sS", "é", "ß", "우리", ",",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    /// A capitalised word, then words of two or more letters or digits.
    fn sentence_strategy() -> impl Strategy<Value = Vec<String>> {
        let first = prop::sample::select(vec!["There", "Families", "We", "États", "Kim's"]);
        let word = prop::sample::select(vec![
            "families", "party", "hope", "we", "of", "nation", "1980s", "1980's", "états", "Kim",
        ]);
        (first, prop::collection::vec(word, 0..5)).prop_map(|(first, rest)| {
            std::iter::once(first).chain(rest).map(str::to_string).collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn no_word_s_from_an_apostrophe(text in text_strategy()) {
            for (w, _) in seg(&text) {
                prop_assert!(!matches!(w, "s" | "S") || {
                    let at = w.as_ptr() as usize - text.as_ptr() as usize;
                    !text[..at].ends_with(['\'', '’', '‘', 'ʼ'])
                }, "{w:?} in {text:?}");
            }
        }

        #[test]
        fn glued_sentences_lose_no_word(sentences in prop::collection::vec(sentence_strategy(), 1..5)) {
            let joined: Vec<String> = sentences.iter().map(|s| s.join(" ")).collect();
            let spaced = joined.join(". ") + ".";
            let glued = joined.join(".") + ".";
            let (a, b) = (seg(&spaced), seg(&glued));
            prop_assert_eq!(&a, &b, "{:?}", glued);
            let expected: Vec<(&str, bool)> = sentences
                .iter()
                .flat_map(|s| s.iter().enumerate().map(|(i, w)| (w.as_str(), i == 0)))
                .collect();
            prop_assert_eq!(a, expected);
        }
    }

    #[test]
    fn emoji_and_symbols_are_not_words() {
        assert_eq!(seg("👍 % — ok"), [("ok", true)]);
    }
}
