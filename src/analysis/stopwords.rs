//! Stop words: marked, never deleted.
//!
//! Deleting stop words would create adjacencies that never occur in the text ("party
//! revolution" from "party and the revolution"), so the analyser only marks them; the n-gram
//! counter then decides what to do with n-grams that start or end with one.

use std::path::Path;

use crate::collections::{HashSet, new_set};

static ENGLISH: &str = include_str!("../../data/stopwords/english.txt");

/// A set of stop words in surface form (lower case, straight apostrophes).
#[derive(Debug, Clone, Default)]
pub struct StopWords {
    words: HashSet<String>,
}

impl StopWords {
    /// No stop words.
    pub fn none() -> Self {
        StopWords::default()
    }

    /// The Snowball English list bundled in `data/stopwords/english.txt` (BSD licence).
    pub fn english() -> Self {
        Self::parse(ENGLISH)
    }

    /// Read a list from a file: one word per line, `#` starts a comment, case-insensitive.
    pub fn from_file(path: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        Ok(Self::parse(&String::from_utf8_lossy(&bytes)))
    }

    fn parse(text: &str) -> Self {
        let mut words = new_set();
        for line in text.lines() {
            let word = line.split('#').next().unwrap_or("").trim();
            if !word.is_empty() {
                let mut surface = String::new();
                super::normalize::surface_into(word, &mut surface);
                words.insert(surface);
            }
        }
        StopWords { words }
    }

    /// Is this surface form a stop word?
    pub fn contains(&self, surface: &str) -> bool {
        self.words.contains(surface)
    }

    /// The words, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// Number of words in the list.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_list() {
        let s = StopWords::english();
        assert_eq!(s.len(), 174);
        assert!(s.contains("the") && s.contains("don't") && s.contains("i"));
        assert!(!s.contains("party") && !s.contains("us"));
    }

    #[test]
    fn file_list_with_comments_and_case() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("stop.txt");
        std::fs::write(&p, "# mine\nThe\n  Comrade  # titles\n\nParty’s\n").unwrap();
        let s = StopWords::from_file(&p).unwrap();
        assert_eq!(s.len(), 3);
        assert!(s.contains("the") && s.contains("comrade") && s.contains("party's"));
    }
}
