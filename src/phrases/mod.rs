//! Formulas: the recurring phrases of a corpus that are more than fragments of longer ones.
//!
//! # Brief overview
//!
//! The candidates are the n-grams that [`crate::count`] counted and reports (n ≥ 2, above
//! the count and range thresholds, no stop word at an edge unless asked). Then:
//!
//! - [`overlap`] decides, from the longest down, which candidates are formulas of their own,
//!   with their independent counts (occurrences outside longer formulas) and parents;
//! - [`glue`] scores how tightly each phrase's words hold together (G², MI, t, logDice over its
//!   weakest split, and SCP_f), with the formulas of [`crate::stats::association`];
//! - [`spread`] finds first and last attestation and the peak month (or year);
//! - [`frames`] finds phrase-frames with one open slot and the statistics of their fillers;
//! - [`coverage`] measures each document's formulaicity.

//!
//! Everything that needs occurrences walks the corpus again, in the blocks and order of
//! [`crate::count::NgramFinder::scan`], replayed from [`chains`] (the longest counted n-gram
//! at each position, 5 bytes per word), in parallel and merged in block order; every result is
//! a sum of integers or a choice under a total order, identical whatever the number of threads.

pub mod chains;
pub mod coverage;
pub mod frames;
pub mod glue;
pub mod overlap;
pub mod spread;

use std::cmp::Ordering;

use rayon::prelude::*;

use crate::count::NgramCounts;

pub use overlap::{Formulas, Overlap};

/// A counted n-gram: its length n and its id at level n of an [`NgramCounts`].
pub type Gram = (usize, u32);

/// Sort `rows` by `value` (largest first, or smallest first when `ascending`; missing values
/// last), then by count (largest first), then by key; keep at most `limit`.
pub fn order_rows(
    counts: &NgramCounts,
    mut rows: Vec<(Gram, f64)>,
    ascending: bool,
    limit: Option<usize>,
) -> Vec<Gram> {
    let count = |g: Gram| counts.levels[g.0 - 1].count[g.1 as usize];
    // The position of each row's key in the byte order of all keys (see `count::trie`).
    let keys: Vec<u32> =
        rows.par_iter().map(|&(g, _)| counts.levels[g.0 - 1].order[g.1 as usize]).collect();
    let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
    let cmp = |&a: &u32, &b: &u32| -> Ordering {
        let ((ga, va), (gb, vb)) = (rows[a as usize], rows[b as usize]);
        let by_value = if ascending { va.partial_cmp(&vb) } else { vb.partial_cmp(&va) };
        va.is_nan()
            .cmp(&vb.is_nan())
            .then(by_value.unwrap_or(Ordering::Equal))
            .then(count(gb).cmp(&count(ga)))
            .then_with(|| keys[a as usize].cmp(&keys[b as usize]))
    };
    // Keys are unique, so the order is total and an unstable sort is deterministic.
    if let Some(k) = limit.filter(|&k| k < idx.len()) {
        if k > 0 {
            idx.select_nth_unstable_by(k - 1, cmp);
        }
        idx.truncate(k);
    }
    idx.par_sort_unstable_by(cmp);
    let out = idx.iter().map(|&i| rows[i as usize].0).collect();
    rows.clear();
    out
}

/// Small corpora for the tests of this module.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::count::{CountOptions, EdgePolicy, NgramCounts, TokenIndex, VocabFacts, count};

    /// A corpus of documents of sentences of words; word `w` has key `w` and surface `w`, and
    /// words listed in `stop` are stop words. Ranks follow ids.
    pub struct Kit {
        pub index: TokenIndex,
        pub counts: NgramCounts,
        pub stop: Vec<bool>,
        pub rank: Vec<u32>,
    }

    impl Kit {
        pub fn new(docs: &[&[&[u32]]], stop: &[u32], min_count: u32, max_n: usize) -> Kit {
            let mut index = TokenIndex::new();
            for doc in docs {
                let words = doc
                    .iter()
                    .flat_map(|sent| sent.iter().enumerate().map(|(i, &w)| (w, w, i == 0)));
                index.push_doc(words);
            }
            let stop: Vec<bool> = (0..32).map(|w| stop.contains(&w)).collect();
            let rank: Vec<u32> = (0..32).collect();
            let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
            let o =
                CountOptions { min_n: 1, max_n, min_count, min_docs: 1, edges: EdgePolicy::Drop };
            let counts = count(&index, &facts, &o);
            Kit { index, counts, stop, rank }
        }
    }
}
