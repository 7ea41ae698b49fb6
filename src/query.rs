//! Phrase queries (`trend PHRASE`, `kwic PHRASE`): a user's phrase turned into word slots and
//! every place it occurs in the corpus.
//!
//! A query is analysed like the corpus: segmented into words (a hyphenated word such as
//! "Kimilsungist-Kimjongilist" stays one word), normalised, and, unless `exact`, reduced to
//! keys, so "party cell" finds "party cells" and "Party cell". A `*` standing alone is one word
//! of any kind. A match never crosses a sentence boundary (nor a paragraph, title or document
//! one), exactly like the n-grams that `freq` counts, so a phrase's count here equals its
//! count there. Overlapping matches are all reported ("the * the" in "the party the party
//! the").

use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::segment::segment;
use crate::analysis::{Analyzer, SegmentStats, Vocabulary};
use crate::count::TokenIndex;
use crate::count::blocks::{BLOCK_WORDS, blocks};
use crate::count::spilled::{SegmentIndex, SpilledIndex};

/// Words of the corpus a query slot accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Any word with this key id.
    Key(u32),
    /// Any word with this surface id (`--exact`).
    Surface(u32),
    /// Any word at all (`*`).
    Any,
    /// A word the corpus does not have: the query cannot match.
    Absent,
}

/// A parsed phrase query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The phrase as the user wrote it.
    pub text: String,
    /// One slot per word.
    pub slots: Vec<Slot>,
    /// The keys (surface forms with `exact`) the query looks for, `*` for wildcards, joined
    /// by spaces.
    pub keys: String,
}

/// Why a phrase cannot be a query.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    /// No word in it.
    #[error("`{0}` holds no word to look for")]
    NoWords(String),
    /// Only wildcards.
    #[error("`{0}` holds only wildcards; name at least one word")]
    OnlyWildcards(String),
    /// Longer than n-grams may be.
    #[error("`{0}` has more than 8 words")]
    TooLong(String),
}

impl Query {
    /// Parse `text` with the corpus' analyser and vocabulary.
    pub fn parse(
        text: &str,
        analyzer: &Analyzer,
        vocab: &Vocabulary,
        exact: bool,
    ) -> Result<Query, QueryError> {
        let mut slots = Vec::new();
        let mut keys = Vec::new();
        for piece in text.split_whitespace() {
            if piece == "*" {
                slots.push(Slot::Any);
                keys.push("*".to_string());
                continue;
            }
            let mut spans = Vec::new();
            segment(piece, 0, &mut spans, &mut SegmentStats::default());
            for span in spans {
                let surface = analyzer.surface(&piece[span.start as usize..span.end as usize]);
                let (slot, key) = if exact {
                    (vocab.find_surface(&surface).map_or(Slot::Absent, Slot::Surface), surface)
                } else {
                    let key = analyzer.key(&surface);
                    (vocab.find_key(&key).map_or(Slot::Absent, Slot::Key), key)
                };
                slots.push(slot);
                keys.push(key);
            }
        }
        if slots.is_empty() {
            return Err(QueryError::NoWords(text.to_string()));
        }
        if slots.iter().all(|s| *s == Slot::Any) {
            return Err(QueryError::OnlyWildcards(text.to_string()));
        }
        if slots.len() > 8 {
            return Err(QueryError::TooLong(text.to_string()));
        }
        Ok(Query { text: text.to_string(), slots, keys: keys.join(" ") })
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True for a query of no words (never made by [`Query::parse`]).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether the query can match at all (every named word is in the corpus).
    pub fn can_match(&self) -> bool {
        !self.slots.contains(&Slot::Absent)
    }

    /// Does the query match at position `i`, inside `doc_end` and one sentence?
    fn matches_at(&self, index: &TokenIndex, i: usize, doc_end: usize) -> bool {
        let n = self.slots.len();
        if i + n > doc_end {
            return false;
        }
        self.slots.iter().enumerate().all(|(k, slot)| {
            let j = i + k;
            (k == 0 || !index.sentence_start[j])
                && match *slot {
                    Slot::Key(id) => index.keys[j] == id,
                    Slot::Surface(id) => index.surfaces[j] == id,
                    Slot::Any => true,
                    Slot::Absent => false,
                }
        })
    }
}

/// One occurrence of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Document index.
    pub doc: u32,
    /// Corpus position of the first word.
    pub pos: u32,
    /// Which query (index into the slice given to [`find_all`]).
    pub query: u32,
}

/// Every occurrence of every query, in corpus order (ties in query order). Blocks of documents
/// are searched in parallel and joined in order, so the result does not depend on threads.
pub fn find_all(index: &TokenIndex, queries: &[Query]) -> Vec<Match> {
    let live: Vec<(u32, &Query)> = queries
        .iter()
        .enumerate()
        .filter(|(_, q)| q.can_match())
        .map(|(i, q)| (i as u32, q))
        .collect();
    if live.is_empty() {
        return Vec::new();
    }
    let parts: Vec<Vec<Match>> = blocks(index, BLOCK_WORDS)
        .into_par_iter()
        .map(|docs| find_in(index, docs, &live))
        .collect();
    parts.concat()
}

/// The matches of one segment of a token index on disk.
pub struct SegmentMatches {
    /// The segment (its words stay available for contexts).
    pub segment: SegmentIndex,
    /// Its matches, as [`find_all`] gives them: document numbers and positions are the
    /// segment's own (see [`SegmentMatches::doc`]).
    pub matches: Vec<Match>,
}

impl SegmentMatches {
    /// The corpus's number of the document of `m`.
    pub fn doc(&self, m: &Match) -> u32 {
        (self.segment.first_doc + m.doc as usize) as u32
    }

    /// Position of the first word of `m` in its document (0 for the document's first word).
    pub fn word(&self, m: &Match) -> u32 {
        m.pos - self.segment.index.doc_start[m.doc as usize]
    }

    /// The corpus's position of the first word of `m`.
    pub fn corpus_pos(&self, m: &Match) -> u64 {
        self.segment.first_word + m.pos as u64
    }

    /// (corpus document, query) of every match, in corpus order.
    pub fn doc_queries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.matches.iter().map(|m| (self.doc(m), m.query))
    }
}

/// Every occurrence of every query in a token index on disk: the segments are read back one
/// at a time, in corpus order, and searched as [`find_all`] searches an index in memory.
/// Documents never straddle segments, so the matches are the same.
pub fn find_spilled<'a>(
    spilled: &'a SpilledIndex,
    surface_keys: &'a [u32],
    queries: &'a [Query],
) -> impl Iterator<Item = std::io::Result<SegmentMatches>> + 'a {
    let searched = queries.iter().any(Query::can_match);
    // Nothing can match: no segment needs to be read.
    let segments = spilled.segments(surface_keys).take_while(move |_| searched);
    segments.map(move |segment| {
        let segment = segment?;
        let matches = find_all(&segment.index, queries);
        Ok(SegmentMatches { segment, matches })
    })
}

fn find_in(index: &TokenIndex, docs: Range<usize>, queries: &[(u32, &Query)]) -> Vec<Match> {
    let mut out = Vec::new();
    for d in docs {
        let range = index.doc_range(d);
        for i in range.clone() {
            for &(q, query) in queries {
                if query.matches_at(index, i, range.end) {
                    out.push(Match { doc: d as u32, pos: i as u32, query: q });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{PipelineOptions, analyze_documents};

    fn corpus(texts: &[&str]) -> crate::pipeline::AnalyzedCorpus {
        let docs = texts
            .iter()
            .enumerate()
            .map(|(i, t)| crate::corpus::Document {
                id: format!("d{i}"),
                text: t.to_string(),
                ..Default::default()
            })
            .collect();
        analyze_documents(docs, &PipelineOptions::default())
    }

    fn find(c: &crate::pipeline::AnalyzedCorpus, q: &str, exact: bool) -> Vec<(u32, u32)> {
        let query = Query::parse(q, &c.analyzer, &c.vocab, exact).unwrap();
        find_all(&c.index, &[query]).iter().map(|m| (m.doc, m.pos)).collect()
    }

    #[test]
    fn stems_exact_and_wildcards() {
        let c = corpus(&[
            "Party cells and the party cell. Party. Cells!",
            "The Kimilsungist-Kimjongilist party cells.",
        ]);
        // Stemmed: "party cells" and "party cell"; not across "Party. Cells".
        assert_eq!(find(&c, "party cell", false), [(0, 0), (0, 4), (1, 10)]);
        assert_eq!(find(&c, "Party Cells", true), [(0, 0), (1, 10)]);
        // The hyphenated word is one word.
        assert_eq!(find(&c, "Kimilsungist-Kimjongilist party", false), [(1, 9)]);
        assert_eq!(find(&c, "* party", false), [(0, 3), (1, 9)]);
        let q = Query::parse("the * cells", &c.analyzer, &c.vocab, false).unwrap();
        assert_eq!(q.keys, "the * cell");
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn absent_words_and_bad_queries() {
        let c = corpus(&["Party cells."]);
        let q = Query::parse("party bananas", &c.analyzer, &c.vocab, false).unwrap();
        assert!(!q.can_match());
        assert!(find_all(&c.index, &[q]).is_empty());
        let e = |s: &str| Query::parse(s, &c.analyzer, &c.vocab, false).unwrap_err();
        assert_eq!(e("!!"), QueryError::NoWords("!!".into()));
        assert_eq!(e("* *"), QueryError::OnlyWildcards("* *".into()));
        assert!(matches!(e("a b c d e f g h i"), QueryError::TooLong(_)));
    }

    #[test]
    fn overlapping_and_at_document_edges() {
        let c = corpus(&["the party the party the", "party the"]);
        assert_eq!(find(&c, "the * the", false), [(0, 0), (0, 2)]);
        // "the" ends document 0 and "party" starts document 1: no match across documents.
        assert_eq!(find(&c, "the party", false), [(0, 0), (0, 2)]);
    }

    #[test]
    fn spilled_segments_give_the_matches_of_the_index_in_memory() {
        use crate::count::spilled::{SEGMENT_WORDS, SpillWriter};
        // Documents of 997 words (so they do not line up with segments) over 40 surfaces,
        // key = surface / 2, a sentence every 13 words: a little over two segments.
        let docs = (SEGMENT_WORDS * 2 + 5000) / 997;
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as u32 % 40
        };
        let words: Vec<Vec<(u32, bool)>> =
            (0..docs).map(|_| (0..997).map(|i| (next(), i % 13 == 0)).collect()).collect();
        let mut index = TokenIndex::new();
        let mut writer = SpillWriter::new(crate::budget::TempSpace::new(None).unwrap());
        for doc in &words {
            index.push_doc(doc.iter().map(|&(s, start)| (s / 2, s, start)));
            writer.push_doc(doc.iter().copied()).unwrap();
        }
        let spilled = writer.finish().unwrap();
        let keys: Vec<u32> = (0..40).map(|s| s / 2).collect();
        let query = |slots: Vec<Slot>| Query { text: String::new(), slots, keys: String::new() };
        let queries = [
            query(vec![Slot::Key(3), Slot::Key(5)]),
            query(vec![Slot::Key(1), Slot::Any, Slot::Key(2)]),
            query(vec![Slot::Surface(7)]),
        ];
        let expected: Vec<(u32, u64, u32)> =
            find_all(&index, &queries).iter().map(|m| (m.doc, m.pos as u64, m.query)).collect();
        let mut got = Vec::new();
        let mut segments = 0;
        for found in find_spilled(&spilled, &keys, &queries) {
            let found = found.unwrap();
            segments += 1;
            for m in &found.matches {
                let doc = found.doc(m);
                assert_eq!(found.word(m) as usize + index.doc_start[doc as usize] as usize, {
                    found.corpus_pos(m) as usize
                });
                got.push((doc, found.corpus_pos(m), m.query));
            }
        }
        assert!(segments >= 2, "{segments} segment(s)");
        assert!(expected.len() > 50_000, "{} matches", expected.len());
        assert_eq!(got, expected);
    }
}
