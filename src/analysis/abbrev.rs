//! Abbreviations that end in a full stop without ending a sentence.
//!
//! UAX #29 sentence rules know no abbreviations: "Mr. Kim said" splits after "Mr. ". The list
//! in `data/abbreviations.txt` (plus single capital letters, i.e. initials) is consulted after
//! splitting, and a sentence that ends in one of them is merged with the next.
//!
//! UAX #29 also never breaks in "families.There" (rule SB7: a letter, a full stop, an upper-case
//! letter), where a missing space glued two sentences, nor in "ended.I came" or "won.OK then"
//! (where UAX #29 does not even see the full stop as a terminator): [`glued_sentence_end`]
//! finds those. [`is_apostrophe`] names the apostrophes and their stand-ins.

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
        // "NATION'S." is a possessive, not the initial S (`last_word` stops at the apostrophe).
        let before = stem[..stem.len() - word.len()].chars().next_back();
        return !before.is_some_and(is_apostrophe);
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
/// Yes in two cases:
/// - a capitalised word (an upper-case letter, then a lower-case one) follows, and a letter
///   that is not an initial (it follows a letter, digit or apostrophe) comes before
///   ("families.There", "1980s.Then", "the USA.The");
/// - a one-letter upper-case word ("I", "A": the letter, then neither a letter, a digit nor a
///   full stop) or an all-capitals word (two or more upper-case letters, then neither a letter
///   nor a digit) follows, and a word of at least two letters ending in a lower-case letter
///   comes before ("ended.I came", "families.A new day", "won.OK then"). The stricter word
///   before keeps "USA.I", "1980s.OK" and "Kim's.A" whole.
///
/// Dotted abbreviations and initials ("U.S.", "U.S.A", "e.g.", "p.m.", "D.P.R.K.",
/// "J.R.R.Tolkien") have a single letter before each full stop, and "Ph.D." a one-letter word
/// followed by a full stop; decimals and version numbers ("3.5", "v1.2.3") have digits; domain
/// and file names ("kcna.kp", "example.com", "README.md") go on in lower case: all of these stay
/// whole. A listed abbreviation before a capitalised word ("Mr.Kim") is a break too, and the
/// segmenter then joins the sentence again (but not the word).
///
/// Names written with a capital after the full stop cannot be told from a glued sentence end
/// without a list of them, and are split into two words: "Example.Com", "kcna.KP", "Node.JS",
/// "data.CSV". That is accepted because running text writes domain and file names in lower case
/// (the UN and KCNA corpora hold "kcna.kp", never "kcna.KP"), while a missed sentence end
/// glues two words and joins two sentences' phrases.
///
/// Called only at a `.`; it looks at the two characters before and the word after (up to its
/// first character that is not an upper-case letter, so a run of full stops is read once): no
/// allocation.
pub fn glued_sentence_end(text: &str, dot: usize) -> bool {
    let b = text.as_bytes();
    // Most full stops are followed by a space or a line break: decided from one byte.
    match b.get(dot + 1) {
        Some(c) if c.is_ascii_uppercase() || *c >= 0x80 => {}
        _ => return false,
    }
    // Direction marks (U+200E, U+202C…) are invisible and never part of a word: skipped.
    let visible = |c: &char| !super::normalize::is_direction_mark(*c);
    let mut before = text[..dot].chars().rev().filter(visible);
    let (Some(x), Some(y)) = (before.next(), before.next()) else { return false };
    if !x.is_alphabetic() {
        return false;
    }
    let after = text[dot + 1..].trim_start_matches(super::normalize::is_direction_mark);
    match next_word(after) {
        // A letter, after a letter, digit or apostrophe ("families", "1980s", "Kim's"): not an
        // initial.
        Next::Capitalised => y.is_alphanumeric() || is_apostrophe(y),
        // A word of two letters or more ending in lower case: not an initial, an abbreviation
        // in capitals or a number.
        Next::OneLetter | Next::AllCapitals => x.is_lowercase() && y.is_alphabetic(),
        Next::Other => false,
    }
}

/// The shape of the word after a full stop, as far as [`glued_sentence_end`] needs it.
enum Next {
    /// An upper-case letter, then a lower-case one ("There").
    Capitalised,
    /// One upper-case letter, then neither a letter, a digit nor a full stop ("I came").
    OneLetter,
    /// Two or more upper-case letters, then neither a letter nor a digit ("OK then").
    AllCapitals,
    /// Anything else ("kp", "3", "S.", "MP3").
    Other,
}

fn next_word(after: &str) -> Next {
    let mut chars = after.chars();
    if !chars.next().is_some_and(char::is_uppercase) {
        return Next::Other;
    }
    match chars.next() {
        Some(second) if second.is_lowercase() => Next::Capitalised,
        Some(second) if second.is_uppercase() => match chars.find(|c| !c.is_uppercase()) {
            Some(c) if c.is_alphanumeric() => Next::Other,
            _ => Next::AllCapitals,
        },
        Some(second) if second.is_alphanumeric() || second == '.' => Next::Other,
        _ => Next::OneLetter,
    }
}

/// `'`, the curly and modifier apostrophes (U+2019, U+2018, U+02BC), and the characters that
/// stand in for one in real text: the acute accent `´` (U+00B4), the grave accent `` ` ``, and
/// U+FFFD, which reading puts for each invalid byte of a badly encoded apostrophe
/// ("America\u{FFFD}\u{FFFD}s"). See `segment`'s `Joiner` for what they make.
pub(super) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}') || is_stand_in(c)
}

/// The characters that stand in for an apostrophe (see [`is_apostrophe`]).
pub(super) fn is_stand_in(c: char) -> bool {
    matches!(c, '\u{00B4}' | '`' | '\u{FFFD}')
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
    fn an_upper_case_possessive_is_not_an_initial() {
        assert!(!ends_with_abbreviation("The NATION'S. "));
        assert!(!ends_with_abbreviation("The NATION\u{2019}S. "));
        assert!(ends_with_abbreviation("John F. "));
    }

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
    fn glued_before_one_letter_and_all_capital_words() {
        for text in [
            "Our families.A new day",
            "It ended.I came",
            "We won.OK then",
            "the economy.I",
            "detentions.I'm",
            "performance.USA",
            "we.DPRK.",
            "états.À nous",
            "народ.Я",
            "end.I",
        ] {
            assert!(glued(text), "{text}");
        }
    }

    #[test]
    fn names_in_capitals_after_a_full_stop_are_split() {
        // The accepted cost of the rule (see `glued_sentence_end`).
        for text in ["Example.Com", "kcna.KP", "Node.JS", "data.CSV"] {
            assert!(glued(text), "{text}");
        }
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
            "the end.",
            "end. The",
            "end.\nThe",
            "a.The",
            "1.The",
            "U.S.A",
            "J.R.R.Tolkien",
            "a Ph.D. in",
            "Ph.D.A",
            "the USA.I",
            "USA.OK",
            "1980s.OK",
            "Kim's.A",
            "e.g.I",
            "p.m.OK",
            "see.A1",
            "file.MP3",
            "won.OKs",
            "in.I2",
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
