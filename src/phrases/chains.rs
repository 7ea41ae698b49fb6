//! The longest counted n-gram at every position: a compact replay of
//! [`NgramFinder::scan`] for analyses that walk the corpus many times.
//!
//! The counted n-grams starting at a position form a chain (if the n-gram at i was counted,
//! so was its (n−1)-gram prefix), so the longest one, with its length, names them all: the
//! shorter ones are its prefixes, one `prefix` lookup per step down. Deciding overlaps takes
//! one walk per length, then spread and coverage one more each; replaying chains from 5 bytes
//! per word costs array reads where `NgramFinder::scan` pays a hash lookup per word and
//! length (on all of KCNA at the default thresholds the spread walk went from 3.2 s to 0.7 s).
//! The arrays are built after counting, when the counter's own per-position arrays (16 bytes
//! per word) are freed, so they do not raise peak memory.

use std::io;
use std::ops::{Range, RangeInclusive};

use rayon::prelude::*;

use crate::count::blocks::{BLOCK_WORDS, blocks, blocks_of};
use crate::count::spilled::SegmentIndex;
use crate::count::{DocLengths, NgramCounts, NgramFinder, Occurrence, TokenIndex};

/// The longest counted n-gram at every position of a corpus.
pub struct Chains<'a> {
    counts: &'a NgramCounts,
    /// Id of the longest counted n-gram starting at each position.
    top: Vec<u32>,
    /// Its length (0: the word itself was not counted).
    len: Vec<u8>,
    /// Start position of each document, the total length last: the walks need nothing else
    /// of the corpus, so they run the same whether its token index is in memory or on disk.
    doc_start: Vec<u32>,
    blocks: Vec<Range<usize>>,
}

impl<'a> Chains<'a> {
    /// The chains of `index`, found with `finder`.
    pub fn new(index: &TokenIndex, finder: &'a NgramFinder<'a>) -> Self {
        let blocks = blocks(index, BLOCK_WORDS);
        let (top, len) = walk(index, &blocks, finder);
        let doc_start = index.doc_start.clone();
        Chains { counts: finder.counts(), top, len, doc_start, blocks }
    }

    /// The chains of a corpus whose token index is read back a segment at a time (whole
    /// documents each, in corpus order; `doc_len` holds every document's words), found with
    /// `finder`. The next segment is read while the current one is walked.
    pub fn from_segments<I>(
        mut segments: I,
        doc_len: &[u32],
        finder: &'a NgramFinder<'a>,
    ) -> io::Result<Self>
    where
        I: Iterator<Item = io::Result<SegmentIndex>> + Send,
    {
        let doc_start = starts(doc_len)?;
        let words = *doc_start.last().expect("at least the total") as usize;
        let (mut top, mut len) = (Vec::with_capacity(words), Vec::with_capacity(words));
        let mut next = segments.next().transpose()?;
        while let Some(segment) = next {
            let (read, (t, l)) = rayon::join(
                || segments.next().transpose(),
                || {
                    let index = &segment.index;
                    walk(index, &blocks(index, BLOCK_WORDS), finder)
                },
            );
            debug_assert_eq!(segment.first_word as usize, top.len());
            top.extend(t);
            len.extend(l);
            next = read?;
        }
        if top.len() != words {
            let e = "the token index on disk does not hold the words its documents count";
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        let blocks = blocks_of(&doc_start, BLOCK_WORDS);
        Ok(Chains { counts: finder.counts(), top, len, doc_start, blocks })
    }

    /// The counts whose n-grams these are.
    pub fn counts(&self) -> &'a NgramCounts {
        self.counts
    }

    /// Number of documents.
    pub fn doc_count(&self) -> usize {
        self.doc_start.len() - 1
    }

    /// Positions of document `d`.
    pub fn doc_range(&self, d: usize) -> Range<usize> {
        self.doc_start[d] as usize..self.doc_start[d + 1] as usize
    }

    /// Visit every occurrence with n in `lengths`, exactly as [`NgramFinder::scan`] does
    /// (same blocks, same order, same states).
    pub fn scan<S, I, V>(&self, lengths: RangeInclusive<usize>, init: I, visit: V) -> Vec<S>
    where
        S: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, Occurrence) + Sync,
    {
        let lengths = &lengths;
        self.blocks.par_iter().map(|docs| self.walk_block(docs, lengths, &init, &visit)).collect()
    }

    /// [`Chains::scan`], each block's state turned into a result by `finish` and the results
    /// combined by `merge` as blocks end, so that only a few blocks' results are held at once
    /// (the walks that tally into maps would otherwise hold one map per block). `merge` must
    /// not depend on the order it combines in (sums do not).
    pub fn scan_merged<S, T, I, V, F, M>(
        &self,
        lengths: RangeInclusive<usize>,
        (init, visit): (I, V),
        finish: F,
        merge: M,
    ) -> T
    where
        S: Send,
        T: Send + Default,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, Occurrence) + Sync,
        F: Fn(S) -> T + Sync,
        M: Fn(T, T) -> T + Sync + Send,
    {
        let lengths = &lengths;
        self.blocks
            .par_iter()
            .map(|docs| finish(self.walk_block(docs, lengths, &init, &visit)))
            .reduce(T::default, merge)
    }

    /// The walk of one block of documents.
    fn walk_block<S>(
        &self,
        docs: &Range<usize>,
        lengths: &RangeInclusive<usize>,
        init: &(impl Fn() -> S + Sync),
        visit: &(impl Fn(&mut S, Occurrence) + Sync),
    ) -> S {
        let (lo, hi) = ((*lengths.start()).max(1), *lengths.end());
        let levels = &self.counts.levels;
        let mut state = init();
        let mut ids = [0u32; 8];
        for d in docs.clone() {
            for i in self.doc_range(d) {
                let top = self.len[i] as usize;
                if top < lo {
                    continue;
                }
                ids[top - 1] = self.top[i];
                for m in (lo..top).rev() {
                    ids[m - 1] = levels[m].prefix[ids[m] as usize];
                }
                for (n, &id) in ids.iter().enumerate().take(top.min(hi)).skip(lo - 1) {
                    let o = Occurrence { doc: d as u32, pos: i as u32, n: n as u8 + 1, id };
                    visit(&mut state, o);
                }
            }
        }
        state
    }
}

impl DocLengths for Chains<'_> {
    fn words_in(&self, d: usize) -> usize {
        self.doc_range(d).len()
    }
}

/// The longest counted n-gram (id and length) at every position of `index`, its `blocks`
/// walked in parallel.
fn walk(index: &TokenIndex, blocks: &[Range<usize>], finder: &NgramFinder) -> (Vec<u32>, Vec<u8>) {
    let max_n = finder.counts().levels.len();
    let at = |i: usize, end: usize| -> (u32, u8) {
        let Some(mut id) = finder.find(&index.keys[i..i + 1]) else { return (0, 0) };
        let mut n = 1;
        while n < max_n {
            let j = i + n;
            if j >= end || index.sentence_start[j] {
                break;
            }
            match finder.extend(n + 1, id, index.keys[j]) {
                Some(next) => (id, n) = (next, n + 1),
                None => break,
            }
        }
        (id, n as u8)
    };
    let per_block: Vec<(Vec<u32>, Vec<u8>)> = blocks
        .par_iter()
        .map(|docs| {
            let (mut top, mut len) = (Vec::new(), Vec::new());
            for d in docs.clone() {
                let range = index.doc_range(d);
                for i in range.clone() {
                    let (id, n) = at(i, range.end);
                    top.push(id);
                    len.push(n);
                }
            }
            (top, len)
        })
        .collect();
    let mut top = Vec::with_capacity(index.len());
    let mut len = Vec::with_capacity(index.len());
    for (t, l) in per_block {
        top.extend(t);
        len.extend(l);
    }
    (top, len)
}

/// Document start positions from document lengths; positions are u32, as everywhere in
/// the walks ([`Occurrence::pos`]).
fn starts(doc_len: &[u32]) -> io::Result<Vec<u32>> {
    let mut out = Vec::with_capacity(doc_len.len() + 1);
    let mut at = 0u32;
    out.push(0);
    for &l in doc_len {
        at = at.checked_add(l).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "more than 4,294,967,295 words")
        })?;
        out.push(at);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{CountOptions, EdgePolicy, VocabFacts, count};

    #[test]
    fn replays_the_finder_scan() {
        let mut idx = TokenIndex::new();
        // a b c a b c a | b c   and   c a b c
        idx.push_doc(
            [0, 1, 2, 0, 1, 2, 0]
                .map(|k| (k, k, false))
                .into_iter()
                .chain([(1, 1, true), (2, 2, false)]),
        );
        idx.push_doc([2, 0, 1, 2].map(|k| (k, k, false)));
        let stop = [false; 3];
        let rank = [0, 1, 2];
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let o =
            CountOptions { max_n: 5, min_count: 2, edges: EdgePolicy::Keep, ..Default::default() };
        let c = count(&idx, &facts, &o);
        let finder = NgramFinder::new(&c, 3);
        let chains = Chains::new(&idx, &finder);
        for lengths in [1..=5, 2..=3, 4..=4] {
            let collect = |v: &mut Vec<Occurrence>, o| v.push(o);
            let want: Vec<_> = finder
                .scan(&idx, lengths.clone(), Vec::new, collect)
                .into_iter()
                .flatten()
                .collect();
            let got: Vec<_> =
                chains.scan(lengths.clone(), Vec::new, collect).into_iter().flatten().collect();
            assert!(!want.is_empty());
            assert_eq!(got, want, "{lengths:?}");
        }
    }

    /// The documents `docs` of `index` as a segment of their own.
    fn segment(index: &TokenIndex, docs: Range<usize>) -> SegmentIndex {
        let mut part = TokenIndex::new();
        for d in docs.clone() {
            let r = index.doc_range(d);
            part.push_doc(r.map(|i| (index.keys[i], index.surfaces[i], index.sentence_start[i])));
        }
        let first_word = index.doc_start[docs.start] as u64;
        SegmentIndex { first_doc: docs.start, first_word, index: part }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Chains found a segment at a time, at any cut between documents, are the chains
        /// of the whole index.
        #[test]
        fn segments_give_the_chains_of_the_whole(
            docs in proptest::collection::vec(proptest::collection::vec(0u32..4, 0..30), 1..8),
            cuts in proptest::collection::vec(proptest::bool::ANY, 8),
        ) {
            let mut idx = TokenIndex::new();
            for doc in &docs {
                idx.push_doc(doc.iter().enumerate().map(|(i, &k)| (k, k, i % 7 == 3)));
            }
            let stop = [false; 4];
            let rank = [0, 1, 2, 3];
            let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
            let o = CountOptions { max_n: 6, min_count: 2, edges: EdgePolicy::Keep, ..Default::default() };
            let c = count(&idx, &facts, &o);
            let finder = NgramFinder::new(&c, 4);
            let whole = Chains::new(&idx, &finder);
            let mut parts = Vec::new();
            let mut first = 0;
            for (d, &cut) in cuts.iter().enumerate().take(docs.len()) {
                if cut || d + 1 == docs.len() {
                    parts.push(segment(&idx, first..d + 1));
                    first = d + 1;
                }
            }
            let lens: Vec<u32> = (0..docs.len()).map(|d| idx.doc_len(d) as u32).collect();
            let split = Chains::from_segments(parts.into_iter().map(Ok), &lens, &finder).unwrap();
            proptest::prop_assert_eq!(&split.top, &whole.top);
            proptest::prop_assert_eq!(&split.len, &whole.len);
            proptest::prop_assert_eq!(&split.doc_start, &whole.doc_start);
            proptest::prop_assert_eq!(&split.blocks, &whole.blocks);
        }
    }
}
