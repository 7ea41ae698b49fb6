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

use std::ops::RangeInclusive;

use rayon::prelude::*;

use crate::count::blocks::{BLOCK_WORDS, blocks};
use crate::count::{NgramCounts, NgramFinder, Occurrence, TokenIndex};

/// The longest counted n-gram at every position of a corpus.
pub struct Chains<'a> {
    counts: &'a NgramCounts,
    /// Id of the longest counted n-gram starting at each position.
    top: Vec<u32>,
    /// Its length (0: the word itself was not counted).
    len: Vec<u8>,
    blocks: Vec<std::ops::Range<usize>>,
}

impl<'a> Chains<'a> {
    /// The chains of `index`, found with `finder`.
    pub fn new(index: &TokenIndex, finder: &'a NgramFinder<'a>) -> Self {
        let counts = finder.counts();
        let blocks = blocks(index, BLOCK_WORDS);
        let max_n = counts.levels.len();
        let walk = |i: usize, end: usize| -> (u32, u8) {
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
                        let (id, n) = walk(i, range.end);
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
        Chains { counts, top, len, blocks }
    }

    /// The counts whose n-grams these are.
    pub fn counts(&self) -> &'a NgramCounts {
        self.counts
    }

    /// Visit every occurrence with n in `lengths`, exactly as [`NgramFinder::scan`] does
    /// (same blocks, same order, same states).
    pub fn scan<S, I, V>(
        &self,
        index: &TokenIndex,
        lengths: RangeInclusive<usize>,
        init: I,
        visit: V,
    ) -> Vec<S>
    where
        S: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, Occurrence) + Sync,
    {
        let (lo, hi) = ((*lengths.start()).max(1), *lengths.end());
        let levels = &self.counts.levels;
        self.blocks
            .par_iter()
            .map(|docs| {
                let mut state = init();
                let mut ids = [0u32; 8];
                for d in docs.clone() {
                    for i in index.doc_range(d) {
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
            })
            .collect()
    }
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
            let got: Vec<_> = chains
                .scan(&idx, lengths.clone(), Vec::new, collect)
                .into_iter()
                .flatten()
                .collect();
            assert!(!want.is_empty());
            assert_eq!(got, want, "{lengths:?}");
        }
    }
}
