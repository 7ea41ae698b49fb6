//! The counter's input: the whole corpus as flat integer arrays.

use std::ops::Range;

/// Every word of the corpus in order, as ids, with sentence and document boundaries.
///
/// Position `i` is the `i`-th word of the corpus. Documents are contiguous ranges of
/// positions; a document's first word always starts a sentence.
#[derive(Debug, Default, Clone)]
pub struct TokenIndex {
    /// Key id of each word (see [`crate::analysis::Vocabulary`]).
    pub keys: Vec<u32>,
    /// Surface id of each word.
    pub surfaces: Vec<u32>,
    /// True where a word starts a sentence (or paragraph, title, document).
    pub sentence_start: Vec<bool>,
    /// Start position of each document, plus the total length at the end (`docs + 1` entries).
    pub doc_start: Vec<u32>,
}

impl TokenIndex {
    /// An empty index with no documents.
    pub fn new() -> Self {
        TokenIndex { doc_start: vec![0], ..Default::default() }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the corpus has no words.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of documents.
    pub fn doc_count(&self) -> usize {
        self.doc_start.len() - 1
    }

    /// The positions of document `d`.
    pub fn doc_range(&self, d: usize) -> Range<usize> {
        self.doc_start[d] as usize..self.doc_start[d + 1] as usize
    }

    /// Number of words in document `d`.
    pub fn doc_len(&self, d: usize) -> usize {
        (self.doc_start[d + 1] - self.doc_start[d]) as usize
    }

    /// Append one document's words: (key id, surface id, starts a sentence).
    pub fn push_doc(&mut self, words: impl IntoIterator<Item = (u32, u32, bool)>) {
        let first = self.keys.len();
        for (key, surface, start) in words {
            self.keys.push(key);
            self.surfaces.push(surface);
            self.sentence_start.push(start);
        }
        if let Some(s) = self.sentence_start.get_mut(first) {
            *s = true;
        }
        assert!(self.keys.len() <= u32::MAX as usize, "corpus larger than 4 billion words");
        self.doc_start.push(self.keys.len() as u32);
    }

    /// Does the `n`-gram starting at `i` stay inside one sentence (and so one document)?
    pub fn fits(&self, i: usize, n: usize) -> bool {
        i + n <= self.len() && !self.sentence_start[i + 1..i + n].iter().any(|&s| s)
    }
}

/// The number of words of each document: the token index in memory, or the word counts of a
/// token index on disk ([`crate::count::spilled::SpilledIndex::doc_len`]), so that groups are
/// made, and DP computed, the same way whether or not the corpus was spilled.
pub trait DocLengths {
    /// Words in document `d`.
    fn words_in(&self, d: usize) -> usize;
}

impl DocLengths for TokenIndex {
    fn words_in(&self, d: usize) -> usize {
        self.doc_len(d)
    }
}

impl DocLengths for [u32] {
    fn words_in(&self, d: usize) -> usize {
        self[d] as usize
    }
}

impl DocLengths for Vec<u32> {
    fn words_in(&self, d: usize) -> usize {
        self[d] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_start_sentences() {
        let mut idx = TokenIndex::new();
        idx.push_doc([(0, 0, false), (1, 1, false)]);
        idx.push_doc([(1, 1, false), (2, 2, true), (0, 0, false)]);
        assert_eq!(idx.doc_count(), 2);
        assert_eq!(idx.doc_range(1), 2..5);
        assert_eq!(idx.sentence_start, [true, false, true, true, false]);
        assert!(idx.fits(0, 2));
        assert!(!idx.fits(1, 2));
        assert!(idx.fits(3, 2));
        assert!(!idx.fits(4, 2));
    }
}
