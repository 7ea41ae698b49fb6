//! [`NgramCounts`] rebuilt from the bounded counter's rows, for the analyses that need every
//! counted n-gram at hand (`phrases` over a token index on disk).
//!
//! The bounded counter ([`super::bounded`]) gives, for every n-gram that survives the
//! thresholds, the numbers the in-memory counter ([`super::count`]) would give it: count,
//! documents, DP_norm, variants and display form. Counted with every stop-word edge kept and
//! from n = 1, its rows are exactly the survivors of every level (survival, count ≥ min-count
//! and documents ≥ min-docs, holds for an n-gram only if it holds for its parts), so the
//! levels can be rebuilt from them alone: ids are given in row order, each n-gram's prefix is
//! found by (prefix id, last key) as [`NgramFinder`](super::NgramFinder) finds it, and
//! whether it is reported and the byte order of keys are decided as the in-memory counter
//! decides them.
//!
//! Only the display form of each n-gram is known, so each level's surface n-grams are the
//! display forms and their prefixes: `display`, `variants` and the phrase order are those of
//! the in-memory counter; `surfaces.count` is 0 (no analysis of rebuilt counts reads it).
//!
//! Rows must come in [`RowOrder::Count`](super::RowOrder::Count) order: largest count first,
//! ties by key, so every prefix (never rarer than its extensions, and a shorter key) comes
//! before the n-grams built on it.

use std::io;

use super::blocks::NONE;
use super::bounded::Row;
use super::ngrams::{emitted, order_all};
use super::{CountOptions, Level, NgramCounts, SurfaceLevel, VocabFacts};
use crate::collections::{HashMap, map_with_capacity};

/// Bytes of memory per rebuilt n-gram that a `phrases` run takes at its peak, beyond what it
/// held before: the level's arrays (41 bytes), the display form's surface n-gram (20), the
/// finder's map entry, the overlap decision's arrays (14) and its tallies at their largest,
/// and the table of the reported rows. Measured: 190 bytes on all of KCNA (2.8 million
/// n-grams, peak resident set by `/usr/bin/time -v`), rounded up (see BENCHMARKS.md).
pub const REBUILT_BYTES: u64 = 224;

/// Counts rebuilt from rows, with the lookup maps found on the way: they are the maps of
/// [`NgramFinder::new`](super::NgramFinder::new), so the finder is made from them
/// ([`NgramFinder::from_maps`](super::NgramFinder::from_maps)) instead of built again.
pub struct Rebuilt {
    /// The counts.
    pub counts: NgramCounts,
    /// The finder's maps.
    pub maps: FinderMaps,
}

/// The lookup maps of an [`NgramFinder`](super::NgramFinder).
pub struct FinderMaps {
    /// Level-1 id of each key id (`NONE` when the word did not survive).
    pub words: Vec<u32>,
    /// For n ≥ 2, `levels[n - 2]`: (prefix id << 32 | last key id) → id.
    pub levels: Vec<HashMap<u64, u32>>,
}

/// What the rows were counted over and with.
pub struct Totals<'a> {
    /// Words and documents in the corpus.
    pub words: u64,
    /// Documents in the corpus.
    pub documents: usize,
    /// Key id of each surface id.
    pub surface_keys: &'a [u32],
    /// Survivors per n (index n − 1), to size the arrays at once.
    pub distinct: &'a [u64],
}

/// Rebuild the counts `options` ask for from `next_row`'s rows (all survivors of n = 1 to
/// `options.max_n`, every edge kept, in [`RowOrder::Count`](super::RowOrder::Count) order).
pub fn rebuild(
    mut next_row: impl FnMut() -> io::Result<Option<Row>>,
    facts: &VocabFacts,
    options: &CountOptions,
    totals: &Totals,
) -> io::Result<Rebuilt> {
    let mut b = Builder::new(options.max_n, facts.key_stop.len(), totals);
    while let Some(row) = next_row()? {
        b.push(&row, totals.surface_keys)?;
    }
    let mut counts =
        NgramCounts { levels: b.levels, words: totals.words, documents: totals.documents };
    // As the in-memory counter: levels up to the first empty one.
    if let Some(empty) = counts.levels.iter().position(Level::is_empty) {
        counts.levels.truncate(empty + 1);
        b.maps.truncate(empty);
    }
    for level in &mut counts.levels {
        level.emitted = emitted(level, level.n, options, facts.key_stop);
        for (dp, _) in level.dp.iter_mut().zip(&level.emitted).filter(|(_, e)| !**e) {
            *dp = f64::NAN;
        }
    }
    order_all(&mut counts, facts);
    Ok(Rebuilt { counts, maps: FinderMaps { words: b.words, levels: b.maps } })
}

/// The levels under construction.
struct Builder {
    levels: Vec<Level>,
    words: Vec<u32>,
    maps: Vec<HashMap<u64, u32>>,
    /// Per level, (prefix surface id << 32 | last surface id) → surface id.
    surface_maps: Vec<HashMap<u64, u32>>,
}

impl Builder {
    fn new(max_n: usize, keys: usize, totals: &Totals) -> Self {
        let size = |n: usize| totals.distinct.get(n - 1).copied().unwrap_or(0) as usize;
        let levels = (1..=max_n)
            .map(|n| {
                let k = size(n);
                let surfaces = SurfaceLevel {
                    prefix: Vec::with_capacity(k),
                    last: Vec::with_capacity(k),
                    count: Vec::with_capacity(k),
                    owner: Vec::with_capacity(k),
                    order: Vec::new(),
                };
                Level {
                    n,
                    prefix: Vec::with_capacity(k),
                    last: Vec::with_capacity(k),
                    first: Vec::with_capacity(k),
                    count: Vec::with_capacity(k),
                    docs: Vec::with_capacity(k),
                    dp: Vec::with_capacity(k),
                    display: Vec::with_capacity(k),
                    variants: Vec::with_capacity(k),
                    surfaces,
                    ..Default::default()
                }
            })
            .collect();
        Builder {
            levels,
            words: vec![NONE; keys],
            maps: (2..=max_n).map(|n| map_with_capacity(size(n))).collect(),
            surface_maps: (1..=max_n).map(|n| map_with_capacity(size(n))).collect(),
        }
    }

    /// Add one row as the next id of its level.
    fn push(&mut self, row: &Row, surface_keys: &[u32]) -> io::Result<()> {
        let n = row.n as usize;
        if n == 0 || n > self.levels.len() {
            return Err(invalid("a row longer than the levels asked for"));
        }
        let display = row.words();
        let key = |i: usize| surface_keys[display[i] as usize];
        // The ids of the row's prefixes, shortest first: each came before it.
        let mut ids = [NONE; 8];
        for m in 1..n {
            ids[m - 1] = self.find(m, &ids, key(m - 1)).ok_or_else(|| {
                invalid("a row came before the shorter n-gram it extends (rows out of order)")
            })?;
        }
        if self.find(n, &ids, key(n - 1)).is_some() {
            return Err(invalid("the same n-gram in two rows"));
        }
        let id = self.levels[n - 1].len() as u32;
        let prefix = if n == 1 { NONE } else { ids[n - 2] };
        let first = if n == 1 { key(0) } else { self.levels[n - 2].first[prefix as usize] };
        let last = key(n - 1);
        if n == 1 {
            self.words[last as usize] = id;
        } else {
            self.maps[n - 2].insert((prefix as u64) << 32 | last as u64, id);
        }
        ids[n - 1] = id;
        let shown = self.intern(display, &ids);
        let level = &mut self.levels[n - 1];
        level.prefix.push(prefix);
        level.last.push(last);
        level.first.push(first);
        level.count.push(row.count);
        level.docs.push(row.docs);
        level.dp.push(row.dp);
        level.display.push(shown);
        level.variants.push(row.variants);
        Ok(())
    }

    /// The id at level `m` of the n-gram whose first m − 1 words have id `ids[m - 2]` and
    /// whose last word is `last`.
    fn find(&self, m: usize, ids: &[u32; 8], last: u32) -> Option<u32> {
        let id = if m == 1 {
            self.words[last as usize]
        } else {
            let key = (ids[m - 2] as u64) << 32 | last as u64;
            self.maps[m - 2].get(&key).copied().unwrap_or(NONE)
        };
        (id != NONE).then_some(id)
    }

    /// The surface id of `words` (a display form) at its level, adding it and its prefixes
    /// where missing; `owners[m - 1]` is the key n-gram id of its first m words.
    fn intern(&mut self, words: &[u32], owners: &[u32; 8]) -> u32 {
        let mut sid = NONE;
        for (m, &w) in words.iter().enumerate() {
            let key = (sid as u64) << 32 | w as u64;
            let surfaces = &mut self.levels[m].surfaces;
            sid = *self.surface_maps[m].entry(key).or_insert_with(|| {
                surfaces.prefix.push(sid);
                surfaces.last.push(w);
                surfaces.count.push(0);
                surfaces.owner.push(owners[m]);
                surfaces.prefix.len() as u32 - 1
            });
        }
        sid
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::count::bounded::{Input, Limits, Ranks, count_in};
    use crate::count::ngrams::tests::{Corpus, index_of};
    use crate::count::spilled::spill_index;
    use crate::count::{EdgePolicy, NgramFinder, RowOrder, ordered_row_data};

    /// Surface ids; the key of surface `s` is `s / 2`, key 0 is a stop word.
    const SURFACES: u32 = 12;

    /// Everything a level says about one n-gram, by its key words.
    type Facts = (u32, u32, bool, u64, u32, Vec<u32>, u32, u32);

    fn described(c: &NgramCounts) -> Vec<BTreeMap<Vec<u32>, Facts>> {
        c.levels
            .iter()
            .map(|l| {
                (0..l.len() as u32)
                    .map(|id| {
                        let j = id as usize;
                        let dp = if l.dp[j].is_nan() { u64::MAX } else { l.dp[j].to_bits() };
                        let display = c.display_words(l.n, id);
                        let numbers = (l.count[j], l.docs[j], l.emitted[j], dp, l.variants[j]);
                        let (count, docs, emitted, dp, variants) = numbers;
                        let key = c.key_words(l.n, id);
                        (key, (count, docs, emitted, dp, variants, display, l.order[j], l.first[j]))
                    })
                    .collect()
            })
            .collect()
    }

    /// The counts of `corpus` under `o`, rebuilt from the bounded counter's rows over its
    /// token index on disk.
    fn rebuilt(corpus: &Corpus, o: &CountOptions, facts: &VocabFacts) -> Rebuilt {
        let idx = index_of(corpus);
        let spilled = spill_index(&idx);
        let keys: Vec<u32> = (0..SURFACES).map(|s| s / 2).collect();
        let ranks = Ranks {
            surface_keys: &keys,
            key_rank: facts.key_rank,
            surface_rank: facts.surface_rank,
        };
        let input = Input { spilled: &spilled, ranks, key_stop: facts.key_stop };
        let all = CountOptions { min_n: 1, edges: EdgePolicy::Keep, ..*o };
        let limits = Limits { budget: 1 << 30, fixed: 0, fixed_at_most: 0, group_windows: 4 };
        let mut counted = count_in(&input, &all, RowOrder::Count, None, limits).unwrap();
        let totals = Totals {
            words: idx.len() as u64,
            documents: idx.doc_count(),
            surface_keys: &keys,
            distinct: &counted.distinct.clone(),
        };
        rebuild(|| counted.merge.next_row(), facts, o, &totals).unwrap()
    }

    fn corpus_strategy() -> impl Strategy<Value = Corpus> {
        let sentence = prop::collection::vec(0u32..SURFACES, 0..12);
        prop::collection::vec(prop::collection::vec(sentence, 0..5), 0..8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The counts rebuilt from the bounded counter's rows are the in-memory counter's:
        /// the same n-grams in the same number of levels, with the same numbers, display
        /// forms, byte-order positions and reported flags, and the same rows in every order.
        #[test]
        fn rebuilt_counts_equal_the_in_memory_counts(
            corpus in corpus_strategy(),
            (min_n, extra, min_count, min_docs, keep) in (1usize..=3, 0usize..=5, 1u32..=3, 1u32..=2, any::<bool>()),
        ) {
            let o = CountOptions {
                min_n,
                max_n: (min_n + extra).min(8),
                min_count,
                min_docs,
                edges: if keep { EdgePolicy::Keep } else { EdgePolicy::Drop },
            };
            let stop: Vec<bool> = (0..SURFACES / 2).map(|k| k == 0).collect();
            // Ranks that are not the ids, so that order bugs show.
            let krank: Vec<u32> = (0..SURFACES / 2).rev().collect();
            let srank: Vec<u32> = (0..SURFACES).rev().collect();
            let facts = VocabFacts { key_stop: &stop, key_rank: &krank, surface_rank: &srank };
            let want = crate::count::count(&index_of(&corpus), &facts, &o);
            let got = rebuilt(&corpus, &o, &facts).counts;
            prop_assert_eq!(got.levels.len(), want.levels.len());
            prop_assert_eq!((got.words, got.documents), (want.words, want.documents));
            prop_assert_eq!(described(&got), described(&want));
            for order in [RowOrder::Count, RowOrder::Docs, RowOrder::Dp, RowOrder::Phrase] {
                let rows = |c: &NgramCounts| -> Vec<Vec<u32>> {
                    ordered_row_data(c, order, None).iter().map(|r| c.key_words(r.n as usize, r.id)).collect()
                };
                prop_assert_eq!(rows(&got), rows(&want), "{:?}", order);
            }
        }
    }

    /// The finder made from the rebuilding's maps finds what a finder built anew finds.
    #[test]
    fn the_finder_from_the_maps_is_the_finder_of_the_counts() {
        let corpus: Corpus =
            vec![vec![vec![2, 4, 6, 2, 4, 6], vec![4, 6, 8]], vec![vec![2, 4, 6, 8]]];
        let stop: Vec<bool> = (0..SURFACES / 2).map(|k| k == 0).collect();
        let rank: Vec<u32> = (0..SURFACES).collect();
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank[..6], surface_rank: &rank };
        let o =
            CountOptions { min_n: 1, max_n: 4, min_count: 2, min_docs: 1, edges: EdgePolicy::Keep };
        let idx = index_of(&corpus);
        let r = rebuilt(&corpus, &o, &facts);
        let collect = |v: &mut Vec<_>, x| v.push(x);
        let anew = NgramFinder::new(&r.counts, 6).scan(&idx, 1..=4, Vec::new, collect);
        let finder = NgramFinder::from_maps(&r.counts, r.maps);
        let from_maps = finder.scan(&idx, 1..=4, Vec::new, collect);
        assert!(!anew.concat().is_empty());
        assert_eq!(from_maps, anew);
        // "2 4 6" (keys 1 2 3) occurs three times.
        let c = finder.counts();
        let id = (0..c.levels[2].len() as u32).find(|&id| c.key_words(3, id) == [1, 2, 3]).unwrap();
        assert_eq!(c.levels[2].count[id as usize], 3);
    }
}
