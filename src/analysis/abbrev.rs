//! Abbreviations that end in a full stop without ending a sentence.
//!
//! UAX #29 sentence rules know no abbreviations: "Mr. Kim said" splits after "Mr. ". The list
//! in `data/abbreviations.txt` (plus single capital letters, i.e. initials) is consulted after
//! splitting, and a sentence that ends in one of them is merged with the next.

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

    #[test]
    fn a_line_break_always_ends_the_sentence() {
        assert!(!ends_with_abbreviation("He met Mr.\n"));
        assert!(!ends_with_abbreviation("He met Mr. \n\n"));
    }
}
