//! Finding counted n-grams again: by their words, and at every place they occur.
//!
//! Counting keeps no per-position data (it would cost 4 bytes per word per n). Analyses that
//! need occurrences (phrase overlap, counts per period, concordances, coverage per document)
//! use an [`NgramFinder`]: one hash map per level from (prefix id, last key) to id, built from
//! the counts, and [`NgramFinder::scan`], which walks the corpus block by block in parallel and
//! reports every surviving n-gram at every position, in corpus order within each block.

use std::ops::{Range, RangeInclusive};

use rayon::prelude::*;

use super::blocks::{BLOCK_WORDS, NONE, blocks};
use super::{NgramCounts, TokenIndex};
use crate::collections::{HashMap, map_with_capacity};

/// Looks up surviving n-grams of one [`NgramCounts`].
pub struct NgramFinder<'a> {
    counts: &'a NgramCounts,
    /// Level-1 id of each key id (`NONE` when the word did not survive).
    words: Vec<u32>,
    /// For n ≥ 2, `maps[n - 2]`: (prefix id << 32 | last key id) → id.
    maps: Vec<HashMap<u64, u32>>,
}

/// One occurrence reported by [`NgramFinder::scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Document index.
    pub doc: u32,
    /// Corpus position of the first word.
    pub pos: u32,
    /// Number of words.
    pub n: u8,
    /// Id at level `n`.
    pub id: u32,
}

impl<'a> NgramFinder<'a> {
    /// Build the lookup maps of `counts` (`keys` = number of key ids in the vocabulary).
    pub fn new(counts: &'a NgramCounts, keys: usize) -> Self {
        let mut words = vec![NONE; keys];
        if let Some(l1) = counts.levels.first() {
            for (id, &k) in l1.last.iter().enumerate() {
                words[k as usize] = id as u32;
            }
        }
        let maps = counts.levels.par_iter().skip(1).map(level_map).collect();
        NgramFinder { counts, words, maps }
    }

    /// The finder of `counts` from the lookup maps [`super::from_rows::rebuild`] made
    /// (those [`NgramFinder::new`] would make).
    pub fn from_maps(counts: &'a NgramCounts, maps: super::from_rows::FinderMaps) -> Self {
        NgramFinder { counts, words: maps.words, maps: maps.levels }
    }

    /// A finder that knows only the n-grams `rows` ((n, id) pairs) and the prefixes they are
    /// built from. Scanning with it reports the occurrences of exactly those n-grams (and
    /// of their prefixes); with a few rows its maps stay in cache, and most positions stop at
    /// their first word, so a scan for the top phrases costs little more than a pass over
    /// the words.
    pub fn for_rows(counts: &'a NgramCounts, keys: usize, rows: &[(usize, u32)]) -> Self {
        let depth = rows.iter().map(|r| r.0).max().unwrap_or(0).min(counts.levels.len());
        let mut needed: Vec<Vec<u32>> = vec![Vec::new(); depth];
        for &(n, id) in rows.iter().filter(|r| r.0 <= depth) {
            let mut id = id;
            for m in (1..=n).rev() {
                needed[m - 1].push(id);
                id = counts.levels[m - 1].prefix[id as usize];
            }
        }
        let mut words = vec![NONE; keys];
        if let Some(ids) = needed.first_mut() {
            ids.sort_unstable();
            ids.dedup();
            for &id in ids.iter() {
                words[counts.levels[0].last[id as usize] as usize] = id;
            }
        }
        let maps = needed
            .par_iter_mut()
            .enumerate()
            .skip(1)
            .map(|(m, ids)| {
                ids.sort_unstable();
                ids.dedup();
                let level = &counts.levels[m];
                let mut map = map_with_capacity(ids.len());
                for &id in ids.iter() {
                    let (p, l) = (level.prefix[id as usize], level.last[id as usize]);
                    map.insert((p as u64) << 32 | l as u64, id);
                }
                map
            })
            .collect();
        NgramFinder { counts, words, maps }
    }

    /// The counts this finder looks into.
    pub fn counts(&self) -> &NgramCounts {
        self.counts
    }

    /// The id of the n-gram made of `keys` (n = `keys.len()`), if it survived.
    pub fn find(&self, keys: &[u32]) -> Option<u32> {
        let (&first, rest) = keys.split_first()?;
        let mut id = *self.words.get(first as usize)?;
        if id == NONE {
            return None;
        }
        for (m, &k) in rest.iter().enumerate() {
            id = self.extend(m + 2, id, k)?;
        }
        Some(id)
    }

    /// The id at level `n` of the n-gram whose first n−1 words have id `prefix` at level n−1
    /// and whose last word is `key`.
    pub fn extend(&self, n: usize, prefix: u32, key: u32) -> Option<u32> {
        self.maps.get(n - 2)?.get(&((prefix as u64) << 32 | key as u64)).copied()
    }

    /// Visit every occurrence of every surviving n-gram with n in `lengths`, in parallel over
    /// fixed blocks of documents. `visit` gets each block's own state (made by `init`); the
    /// states are returned in block order, so merging them in order is deterministic.
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
        let blocks = blocks(index, BLOCK_WORDS);
        blocks
            .par_iter()
            .map(|docs| {
                let mut state = init();
                self.scan_block(index, docs.clone(), &lengths, &mut state, &visit);
                state
            })
            .collect()
    }

    fn scan_block<S, V>(
        &self,
        index: &TokenIndex,
        docs: Range<usize>,
        lengths: &RangeInclusive<usize>,
        state: &mut S,
        visit: &V,
    ) where
        V: Fn(&mut S, Occurrence),
    {
        let max_n = (*lengths.end()).min(self.counts.levels.len());
        for d in docs {
            let range = index.doc_range(d);
            for i in range.clone() {
                let mut id = self.words[index.keys[i] as usize];
                let mut n = 1;
                while id != NONE {
                    if lengths.contains(&n) {
                        visit(state, Occurrence { doc: d as u32, pos: i as u32, n: n as u8, id });
                    }
                    let j = i + n;
                    if n == max_n || j >= range.end || index.sentence_start[j] {
                        break;
                    }
                    n += 1;
                    id = self.extend(n, id, index.keys[j]).unwrap_or(NONE);
                }
            }
        }
    }
}

fn level_map(level: &super::Level) -> HashMap<u64, u32> {
    let mut map = map_with_capacity(level.len());
    for (id, (&p, &l)) in level.prefix.iter().zip(&level.last).enumerate() {
        map.insert((p as u64) << 32 | l as u64, id as u32);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{CountOptions, EdgePolicy, VocabFacts, count};

    fn setup() -> (TokenIndex, NgramCounts) {
        let mut idx = TokenIndex::new();
        // doc 0: a b c | a b   (| = sentence break); doc 1: b c
        idx.push_doc([(0, 0, false), (1, 1, false), (2, 2, false), (0, 0, true), (1, 1, false)]);
        idx.push_doc([(1, 1, false), (2, 2, false)]);
        let stop = [false; 3];
        let rank = [0, 1, 2];
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let o = CountOptions { max_n: 3, edges: EdgePolicy::Keep, ..Default::default() };
        let c = count(&idx, &facts, &o);
        (idx, c)
    }

    #[test]
    fn finds_by_words() {
        let (_, c) = setup();
        let f = NgramFinder::new(&c, 3);
        let ab = f.find(&[0, 1]).unwrap();
        assert_eq!(c.levels[1].count[ab as usize], 2);
        assert_eq!(c.key_words(3, f.find(&[0, 1, 2]).unwrap()), [0, 1, 2]);
        assert!(f.find(&[2, 0]).is_none(), "crosses a sentence break");
        assert!(f.find(&[]).is_none());
    }

    #[test]
    fn finder_for_rows_knows_only_them_and_their_prefixes() {
        let (idx, c) = setup();
        let full = NgramFinder::new(&c, 3);
        let abc = full.find(&[0, 1, 2]).unwrap();
        let f = NgramFinder::for_rows(&c, 3, &[(3, abc)]);
        assert_eq!(f.find(&[0, 1, 2]), Some(abc));
        assert!(f.find(&[0, 1]).is_some(), "a prefix of a row");
        assert!(f.find(&[1, 2]).is_none(), "not a prefix of a row");
        assert!(f.find(&[1]).is_none());
        let states = f.scan(&idx, 3..=3, Vec::new, |v: &mut Vec<u32>, o| v.push(o.pos));
        assert_eq!(states.concat(), [0]);
        assert!(NgramFinder::for_rows(&c, 3, &[]).find(&[0]).is_none());
    }

    #[test]
    fn scans_every_occurrence_inside_sentences() {
        let (idx, c) = setup();
        let f = NgramFinder::new(&c, 3);
        let states = f.scan(&idx, 2..=3, Vec::new, |v: &mut Vec<(u32, u8, Vec<u32>)>, o| {
            v.push((o.pos, o.n, c.key_words(o.n as usize, o.id)))
        });
        let all: Vec<_> = states.into_iter().flatten().collect();
        assert_eq!(
            all,
            [
                (0, 2, vec![0, 1]),
                (0, 3, vec![0, 1, 2]),
                (1, 2, vec![1, 2]),
                (3, 2, vec![0, 1]),
                (5, 2, vec![1, 2]),
            ]
        );
    }
}
