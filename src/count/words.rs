//! Every counted n-gram's words, laid out flat.
//!
//! Decoding an n-gram through its prefix chain touches n levels' arrays, each a likely cache
//! miss when a million rows are written in count order. Building each level's word lists from
//! the level above, in id order, costs one lookup per n-gram; a row then reads its words from
//! one place.

use rayon::prelude::*;

use super::NgramCounts;

/// The key ids and surface ids of every n-gram of every level, `n` per n-gram.
pub struct WordLists {
    keys: Vec<Vec<u32>>,
    surfaces: Vec<Vec<u32>>,
}

impl WordLists {
    /// Build the lists of every level of `counts`.
    pub fn new(counts: &NgramCounts) -> Self {
        let (keys, surfaces) = rayon::join(
            || flatten(counts.levels.iter().map(|l| (&l.prefix[..], &l.last[..]))),
            || {
                flatten(
                    counts.levels.iter().map(|l| (&l.surfaces.prefix[..], &l.surfaces.last[..])),
                )
            },
        );
        WordLists { keys, surfaces }
    }

    /// Key ids of n-gram `id` at level `n`.
    pub fn keys(&self, n: usize, id: u32) -> &[u32] {
        let at = id as usize * n;
        &self.keys[n - 1][at..at + n]
    }

    /// Ask the processor to start loading the word lists of n-gram `id` and surface n-gram
    /// `sid` at level `n`: rows are written in count order, so their lists are scattered over
    /// memory, and loading a few rows ahead hides the wait.
    pub fn prefetch(&self, n: usize, id: u32, sid: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let keys = self.keys[n - 1].as_ptr().wrapping_add(id as usize * n);
            let surfaces = self.surfaces[n - 1].as_ptr().wrapping_add(sid as usize * n);
            // SAFETY: prefetching is a hint; it never faults, whatever the address.
            unsafe {
                _mm_prefetch(keys.cast::<i8>(), _MM_HINT_T0);
                _mm_prefetch(surfaces.cast::<i8>(), _MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (n, id, sid);
    }

    /// Surface ids of surface n-gram `sid` at level `n`.
    pub fn surfaces(&self, n: usize, sid: u32) -> &[u32] {
        let at = sid as usize * n;
        &self.surfaces[n - 1][at..at + n]
    }
}

/// Per level (parent ids, last word ids) → flat word lists, level after level.
fn flatten<'a>(levels: impl Iterator<Item = (&'a [u32], &'a [u32])>) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    for (m, (parent, last)) in levels.enumerate() {
        let n = m + 1;
        let mut flat = vec![0u32; last.len() * n];
        let above = out.last();
        flat.par_chunks_mut(n).enumerate().for_each(|(id, words)| {
            if let Some(up) = above {
                let p = parent[id] as usize * (n - 1);
                words[..n - 1].copy_from_slice(&up[p..p + n - 1]);
            }
            words[n - 1] = last[id];
        });
        out.push(flat);
    }
    out
}

/// Join words with single spaces.
pub fn join<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{CountOptions, EdgePolicy, TokenIndex, VocabFacts, count};

    #[test]
    fn flat_lists_equal_the_prefix_chains() {
        let mut idx = TokenIndex::new();
        idx.push_doc([3, 1, 2, 1, 2, 0, 3, 1, 2].map(|w| (w / 2, w, false)));
        let rank = [0, 1, 2, 3];
        let stop = [false; 2];
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let o = CountOptions { max_n: 4, edges: EdgePolicy::Keep, ..Default::default() };
        let c = count(&idx, &facts, &o);
        let w = WordLists::new(&c);
        for level in &c.levels {
            for id in 0..level.len() as u32 {
                assert_eq!(w.keys(level.n, id), c.key_words(level.n, id));
            }
            for sid in 0..level.surfaces.count.len() as u32 {
                assert_eq!(w.surfaces(level.n, sid), c.surface_words(level.n, sid));
            }
        }
    }
}
