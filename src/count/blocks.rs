//! Parallel counting over fixed blocks of documents, merged in block order.
//!
//! The corpus is cut into blocks of whole documents of about [`BLOCK_WORDS`] words. The cut
//! depends only on the corpus, never on the number of threads, and blocks are merged in order,
//! so every id and every floating-point sum comes out the same with 1 thread or 16. Each block
//! is counted by one worker into its own map (u64 keys, no strings); the merge adds the
//! per-block counts and document frequencies (blocks hold disjoint documents, so document
//! frequencies simply add up).

use std::ops::Range;

use rayon::prelude::*;

use super::TokenIndex;
use crate::collections::{HashMap, map_with_capacity, new_map};

/// "No id here": the position holds no candidate, or the candidate did not survive.
pub const NONE: u32 = u32::MAX;

/// Target block size in words. Large enough that per-block maps amortise the merge, small
/// enough that two to eight workers stay busy on a corpus of a few million words.
pub const BLOCK_WORDS: usize = 1 << 19;

/// Cut the documents of `index` into blocks of about `target` words (document ranges).
pub fn blocks(index: &TokenIndex, target: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut first = 0;
    for d in 0..index.doc_count() {
        let words = index.doc_start[d + 1] as usize - index.doc_start[first] as usize;
        if words >= target {
            out.push(first..d + 1);
            first = d + 1;
        }
    }
    if first < index.doc_count() || out.is_empty() {
        out.push(first..index.doc_count());
    }
    out
}

/// Merged counts of u64 keys; index `j` is candidate `j`, in order of first appearance.
#[derive(Debug, Default)]
pub struct Candidates {
    /// The key of each candidate.
    pub keys: Vec<u64>,
    /// Occurrences of each candidate.
    pub count: Vec<u32>,
    /// Documents containing each candidate.
    pub docs: Vec<u32>,
}

impl Candidates {
    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// One block's counts before the merge.
struct Local {
    keys: Vec<u64>,
    count: Vec<u32>,
    docs: Vec<u32>,
}

/// Count the keys that `key_at(position)` yields, block by block in parallel, and merge.
///
/// On return `slot[i]` holds the candidate index of position `i`, or [`NONE`] where `key_at`
/// gave nothing. `slot` must be as long as the index.
pub fn count_keys<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    slot: &mut [u32],
) -> Candidates
where
    F: Fn(usize) -> Option<u64> + Sync,
{
    let mut parts = split_by_block(index, blocks, slot);
    let locals: Vec<Local> = parts
        .par_iter_mut()
        .zip(blocks.par_iter())
        .map(|((offset, slots), docs)| count_block(index, docs.clone(), *offset, slots, &key_at))
        .collect();
    let (merged, remaps) = merge(&locals);
    drop(locals);
    parts.par_iter_mut().zip(remaps.par_iter()).for_each(|((_, slots), remap)| {
        for s in slots.iter_mut().filter(|s| **s != NONE) {
            *s = remap[*s as usize];
        }
    });
    merged
}

/// Split `slot` into the token ranges of `blocks`: (first position, slice).
fn split_by_block<'a>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    slot: &'a mut [u32],
) -> Vec<(usize, &'a mut [u32])> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut rest = slot;
    for b in blocks {
        let start = index.doc_start[b.start] as usize;
        let len = index.doc_start[b.end] as usize - start;
        let (mine, tail) = std::mem::take(&mut rest).split_at_mut(len);
        out.push((start, mine));
        rest = tail;
    }
    out
}

fn count_block<F>(
    index: &TokenIndex,
    docs: Range<usize>,
    offset: usize,
    slots: &mut [u32],
    key_at: &F,
) -> Local
where
    F: Fn(usize) -> Option<u64>,
{
    let mut map: HashMap<u64, u32> = new_map();
    let mut local = Local { keys: Vec::new(), count: Vec::new(), docs: Vec::new() };
    let mut last_doc: Vec<u32> = Vec::new();
    for d in docs {
        for i in index.doc_range(d) {
            let Some(key) = key_at(i) else {
                slots[i - offset] = NONE;
                continue;
            };
            let j = *map.entry(key).or_insert_with(|| {
                local.keys.push(key);
                local.count.push(0);
                local.docs.push(0);
                last_doc.push(NONE);
                local.keys.len() as u32 - 1
            }) as usize;
            local.count[j] += 1;
            if last_doc[j] != d as u32 {
                last_doc[j] = d as u32;
                local.docs[j] += 1;
            }
            slots[i - offset] = j as u32;
        }
    }
    local
}

/// Merge block counts in block order; returns the merged candidates and, per block, the
/// merged index of each local index.
fn merge(locals: &[Local]) -> (Candidates, Vec<Vec<u32>>) {
    let largest = locals.iter().map(|l| l.keys.len()).max().unwrap_or(0);
    let mut map: HashMap<u64, u32> = map_with_capacity(largest + largest / 2);
    let mut out = Candidates::default();
    let mut remaps = Vec::with_capacity(locals.len());
    for local in locals {
        let mut remap = Vec::with_capacity(local.keys.len());
        for (j, &key) in local.keys.iter().enumerate() {
            let g = *map.entry(key).or_insert_with(|| {
                out.keys.push(key);
                out.count.push(0);
                out.docs.push(0);
                out.keys.len() as u32 - 1
            }) as usize;
            out.count[g] += local.count[j];
            out.docs[g] += local.docs[j];
            remap.push(g as u32);
        }
        remaps.push(remap);
    }
    (out, remaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(docs: &[&[u32]]) -> TokenIndex {
        let mut idx = TokenIndex::new();
        for d in docs {
            idx.push_doc(d.iter().map(|&k| (k, k, false)));
        }
        idx
    }

    #[test]
    fn blocks_hold_whole_documents() {
        let idx = index_of(&[&[1, 2, 3], &[4], &[5, 6], &[7]]);
        assert_eq!(blocks(&idx, 3), [0..1, 1..3, 3..4]);
        assert_eq!(blocks(&idx, 100), vec![(0..4)]);
        assert_eq!(blocks(&TokenIndex::new(), 3), vec![(0..0)]);
    }

    #[test]
    fn counts_and_docs_are_the_same_for_any_block_size() {
        let idx = index_of(&[&[1, 2, 1], &[2, 2], &[3, 1], &[1]]);
        for target in [1, 2, 3, 100] {
            let bl = blocks(&idx, target);
            let mut slot = vec![0; idx.len()];
            let c = count_keys(&idx, &bl, |i| Some(idx.keys[i] as u64), &mut slot);
            let mut got: Vec<_> =
                (0..c.len()).map(|j| (c.keys[j], c.count[j], c.docs[j])).collect();
            got.sort();
            assert_eq!(got, [(1, 4, 3), (2, 3, 2), (3, 1, 1)], "target {target}");
            for (i, &s) in slot.iter().enumerate() {
                assert_eq!(c.keys[s as usize], idx.keys[i] as u64);
            }
        }
    }

    #[test]
    fn positions_without_keys_get_none() {
        let idx = index_of(&[&[1, 2, 3]]);
        let mut slot = vec![0; 3];
        let c = count_keys(&idx, &blocks(&idx, 10), |i| (i != 1).then_some(9), &mut slot);
        assert_eq!((c.count[0], c.docs[0]), (2, 1));
        assert_eq!(slot, [0, NONE, 0]);
    }
}
