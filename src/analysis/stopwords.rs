//! Stop words: marked, never deleted.
//!
//! Deleting stop words would create adjacencies that never occur in the text ("party
//! revolution" from "party and the revolution"), so the analyser only marks them; the n-gram
//! counter then decides what to do with n-grams that start or end with one.

use std::path::Path;

use crate::collections::{HashSet, new_set};

static ENGLISH: &str = include_str!("../../data/stopwords/english.txt");

/// The largest stop-word file accepted (the longest lists have a few thousand words).
pub const MAX_LIST_BYTES: u64 = 16 << 20;

/// A word list's bytes as text: a NUL byte (a binary file) or invalid UTF-8 is an error naming
/// the first bad byte.
fn list_text(bytes: Vec<u8>) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    if let Some(at) = memchr::memchr(0, &bytes) {
        let why = format!("not a word list: a binary file (a NUL byte at byte {at})");
        return Err(Error::new(ErrorKind::InvalidData, why));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::new(ErrorKind::InvalidData, format!("not UTF-8 text (a bad byte at byte {at})"))
    })
}

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
    /// The file must be a regular UTF-8 text file of at most [`MAX_LIST_BYTES`]: a program
    /// (`--stopwords /bin/ls`), a device or a mistyped path to a corpus is an error, not a
    /// list of nonsense words.
    pub fn from_file(path: &Path) -> std::io::Result<Self> {
        use std::io::{Error, ErrorKind};
        let meta = std::fs::metadata(path)?;
        if let Some(what) = crate::corpus::special_kind(&meta) {
            return Err(Error::new(ErrorKind::InvalidInput, format!("it is {what}")));
        }
        if meta.is_dir() {
            return Err(Error::new(ErrorKind::InvalidInput, "it is a folder, not a file"));
        }
        if meta.len() > MAX_LIST_BYTES {
            let why = format!("{} bytes is more than a word list ({MAX_LIST_BYTES})", meta.len());
            return Err(Error::new(ErrorKind::InvalidData, why));
        }
        let bytes = std::fs::read(path)?;
        Ok(Self::parse(&list_text(bytes)?))
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
    fn a_word_list_must_be_utf8_text() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("stop.txt");
        std::fs::write(&list, "# mine\nThe\nand  # conjunction\n").unwrap();
        let words = StopWords::from_file(&list).unwrap();
        assert!(words.contains("the") && words.contains("and") && words.len() == 2);
        std::fs::write(&list, b"\x7fELF\x02\x01\x01\x00\x00").unwrap();
        let e = StopWords::from_file(&list).unwrap_err().to_string();
        assert!(e.contains("binary") && e.contains("byte 7"), "{e}");
        std::fs::write(&list, b"the\nca\xe9\n").unwrap();
        let e = StopWords::from_file(&list).unwrap_err().to_string();
        assert!(e.contains("not UTF-8") && e.contains("byte 6"), "{e}");
        let e = StopWords::from_file(dir.path()).unwrap_err().to_string();
        assert!(e.contains("folder"), "{e}");
    }

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
