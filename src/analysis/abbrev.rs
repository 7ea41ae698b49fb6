//! Abbreviations that end in a full stop without ending a sentence.
//!
//! UAX #29 sentence rules know no abbreviations: "Mr. Kim said" splits after "Mr. ". The list
//! in `data/abbreviations.txt` (plus single capital letters, i.e. initials) is consulted after
//! splitting, and a sentence that ends in one of them is merged with the next.
//!
//! UAX #29 also never breaks in "families.There" (rule SB7: a letter, a full stop, an upper-case
//! letter), where a missing space glued two sentences: [`glued_sentence_end`] finds those.

use std::sync::LazyLock;

use crate::collections::{HashSet, new_set};

static LIST: &str = include_str!("../../data/abbreviations.txt");

static ABBREVIATIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let mut set = new_set();
    for line in LIST.lines().map(str::trim) {
        if !line.is_empty() && !line.starts_with('#') {
            set.insert(line);
        }
    }
    set
});

/// Does this sentence piece end with an abbreviation (so that the sentence goes on)?
///
/// `piece` is a sentence as UAX #29 returned it, trailing spaces included. A piece whose
/// trailing whitespace holds a line break never continues: a line break in cleaned text is a
/// paragraph boundary.
pub fn ends_with_abbreviation(piece: &str) -> bool {
    let body = piece.trim_end_matches([' ', '\t']);
    if body.len() != piece.len() && piece[body.len()..].contains('\n') || body.ends_with('\n') {
        return false;
    }
    let Some(stem) = body.strip_suffix('.') else { return false };
    let word = last_word(stem);
    if word.is_empty() {
        return false;
    }
    if is_initial(word) {
        return true;
    }
    // Lower-cased on the stack: this runs for every sentence of the corpus.
    let mut lower = [0u8; 12];
    let Some(lower) = lower.get_mut(..word.len()) else { return false };
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|w| ABBREVIATIONS.contains(w))
}

/// Is the full stop at byte `dot` of `text` a sentence end with the space after it missing, as
/// in "families.There"?
///
/// Yes when a letter that is not an initial (it follows a letter, digit or apostrophe) comes
/// before it and a capitalised word (an upper-case letter, then a
/// lower-case one) directly after it. Dotted abbreviations and initials ("U.S.", "e.g.",
/// "p.m.", "D.P.R.K.", "J.R.R.Tolkien") have a single letter before each full stop; decimals
/// and version numbers have digits; domain and file names ("kcna.kp", "README.md") go on in
/// lower case; so all of these stay whole. A listed abbreviation before a capitalised word
/// ("Mr.Kim") is a break too, and the segmenter then joins the sentence again (but not the word).
///
/// Called only at a `.`, and it looks at four characters at most: no allocation, no scan.
pub fn glued_sentence_end(text: &str, dot: usize) -> bool {
    let b = text.as_bytes();
    // Most full stops are followed by a space or a line break: decided from one byte.
    match b.get(dot + 1) {
        Some(c) if c.is_ascii_uppercase() || *c >= 0x80 => {}
        _ => return false,
    }
    // Direction marks (U+200E, U+202C…) are invisible and never part of a word: skipped.
    let visible = |c: &char| !super::normalize::is_direction_mark(*c);
    let mut after = text[dot + 1..].chars().filter(visible);
    let (Some(first), Some(second)) = (after.next(), after.next()) else { return false };
    if !(first.is_uppercase() && second.is_lowercase()) {
        return false;
    }
    let mut before = text[..dot].chars().rev().filter(visible);
    // A letter, after a letter, digit or apostrophe ("families", "1980s", "Kim's"): not an
    // initial.
    matches!((before.next(), before.next()),
        (Some(x), Some(y)) if x.is_alphabetic() && (y.is_alphanumeric() || is_apostrophe(y)))
}

/// `'` and the curly and modifier apostrophes (U+2019, U+2018, U+02BC).
pub(super) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// The run of letters and inner full stops at the end of `s` ("U.S" in "the U.S").
fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

/// A single capital letter, as in "J. F. Kennedy".
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_months_and_dotted_names() {
        assert!(ends_with_abbreviation("He met Mr. "));
        assert!(ends_with_abbreviation("held from Dec. "));
        assert!(ends_with_abbreviation("the U.S. "));
        assert!(ends_with_abbreviation("the (D.P.R.K. "));
        assert!(ends_with_abbreviation("John F. "));
        assert!(ends_with_abbreviation("Gifts to Secy. "));
    }

    #[test]
    fn ordinary_sentence_ends() {
        assert!(!ends_with_abbreviation("It was cold. "));
        assert!(!ends_with_abbreviation("They left! "));
        assert!(!ends_with_abbreviation("the party. "));
        assert!(!ends_with_abbreviation("no full stop "));
    }

    /// Is the (first) full stop of `text` a glued sentence end?
    fn glued(text: &str) -> bool {
        glued_sentence_end(text, text.find('.').unwrap())
    }

    #[test]
    fn glued_sentence_ends() {
        assert!(glued("families.There"));
        assert!(glued("the USA.The"));
        assert!(glued("Mr.Kim"));
        assert!(glued("états.Les"));
        assert!(glued("народ.Партия"));
        assert!(glued("the 1980's.Families"));
        assert!(glued("the 1980s.Then"));
    }

    #[test]
    fn dotted_words_stay_whole() {
        for text in [
            "U.S.",
            "U.S.Army",
            "e.g.The",
            "p.m.Then",
            "D.P.R.K.",
            "3.5",
            "example.com",
            "kcna.kp",
            "README.md",
            "v1.2.3",
            "Node.JS",
            "the end.",
            "end. The",
            "end.\nThe",
            "end.I",
            "a.The",
            "1.The",
        ] {
            for (i, _) in text.match_indices('.') {
                assert!(!glued_sentence_end(text, i), "{text} at {i}");
            }
        }
    }

    #[test]
    fn a_line_break_always_ends_the_sentence() {
        assert!(!ends_with_abbreviation("He met Mr.\n"));
        assert!(!ends_with_abbreviation("He met Mr. \n\n"));
    }
}
